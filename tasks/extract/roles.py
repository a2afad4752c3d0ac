"""ACLED's actor conventions: who is actor1 and who is actor2 of an event, given its type and its sides.

    Sides(initiator, anchor mentions, passage mentions, credited groups, target kind, civilian victims)
        → actors(event type, sub-type, sides, country, cues) → (actor1, actor2)

actor1 is the side that acts. An armed group credited with the attack (a claim, an attribution, "JNIM said its
fighters ...") is named; an unnamed one is "Unidentified Armed Group". The state's forces are actor1 when they act
(an air strike, "l'armée a neutralisé des terroristes", an arrest, a town retaken) and actor2 when attacked; the
force attacked is the one the anchor names first ("Police Forces of X" for gendarmes and police). Civilians are
actor2 only when the text names civilian victims. A coup is the mutinous military against the government; another
strategic act of the state (dissolving parties, a decree) is the government's; an agreement is between the
governments named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tasks.extract import actors as actor_rules
from tasks.extract.event_types import cue_position
from tasks.extract.sentences import Sentence

TARGET_RANK = {"un": 0, "state": 1, "police": 1, "progov": 2, "foreign": 3}
ARMED_GROUPS = ("jihadist", "rebel", "militia")
STATE_KINDS = ("state", "foreign", "police", "un")
OWN_CLAIM = re.compile(
    r"\b(?:said|says|claimed|announced|a (?:affirmé|annoncé|revendiqué|indiqué)|affirme|revendique)\b[^.]{0,40}?"
    r"\b(?:its|ses|leurs?) (?:fighters|men|militants|combatants|combattants|hommes|éléments|moudjahidines?|mujahideen)\b",
    re.IGNORECASE,
)
RECEIVER = re.compile(
    r"(?:\baux?|\bà (?:la |l')?|\bto (?:the )?|\bover to (?:the )?|contr[ôo]le (?:\w+ )?(?:des|du|de la|de l')|"
    r"control of (?:the )?|remplac[ée]s? par (?:les |la |le |l')?|replaced by (?:the )?)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sides:
    initiator: Any  # ActorMention acting in the anchor, or None
    anchor: list  # ActorMentions of the anchor (and headline, for the main event)
    passage: list  # ActorMentions of the passage's sentences
    credited: list[str]  # armed groups credited with the attack (claims, attributions)
    civilian_victims: bool
    armed_target: bool = False  # the attack was aimed at forces or fighters, not only civilians
    countries: tuple[str, ...] = ()  # the countries the article is about, most named first
    undecided: bool = False  # the anchor hesitates between two groups ("JNIM and/or ISSP")
    suspected: frozenset[str] = frozenset()  # groups named as what someone is accused of ("accused of aiding ISSP")
    forces_detained: bool = False  # "quatre officiers ont été interpellés": the state arrests its own soldiers


def state_acts(sides: Sides) -> bool:
    return sides.initiator is not None and sides.initiator.kind in STATE_KINDS


def group_strikes(text: str, mentions: list) -> bool:
    """ "Jihadist fighters attacked the camp with explosive-laden drones": an armed group is the drone's subject."""
    at = cue_position(text, "air")
    subject = next((m for m in mentions if m.kind != "civilians" and at is not None and m.start < at), None)
    return subject is not None and subject.kind in (*ARMED_GROUPS, "unidentified")


def claimed(sentences: list[Sentence], country: str, when: date | None) -> list[str]:
    """Named groups that speak for the attack in the passage ("JNIM said its fighters had ...")."""
    out = []
    for s in sentences:
        if OWN_CLAIM.search(s.text):
            out += [m.name for m in actor_rules.find_actors(s.text, country, when) if m.kind in ARMED_GROUPS]
    return out


def transfer_actors(texts: list[str], country: str, when: date | None) -> tuple:
    """A handover: actor1 the force that hands the place over, actor2 the force it is handed to ("aux FAMa")."""
    found = [
        (m.name, bool(RECEIVER.search(text[max(0, m.start - 40) : m.start])))
        for text in texts
        for m in actor_rules.find_actors(text, country, when)
        if m.kind in TARGET_RANK or m.kind in ARMED_GROUPS
    ]
    receiver = next((name for name, receives in found if receives), None)
    giver = next((name for name, _ in found if name != receiver), None)
    return (giver, receiver) if giver else (receiver, None)


def actors(etype: str, sub: str, sides: Sides, country: str, found: frozenset[str], group_strike: bool) -> tuple:
    """(actor1, actor2) by ACLED's conventions for the event's type."""
    cname = actor_rules.country_name(country) or country
    if etype == "Protests":  # the force that dispersed or fired on them is actor2
        stopped = sub in ("Protest with intervention", "Excessive force against protesters")
        return f"Protesters ({cname})", _crowd_force(sides) if stopped else None
    if etype == "Riots":
        victims = "Civilians" if sub == "Mob violence" and sides.civilian_victims else None
        return f"Rioters ({cname})", victims or _crowd_force(sides)
    if etype == "Strategic developments":
        return _development(sub, sides, country, cname, found)
    if sub == "Air/drone strike":
        return _air_strike(sides, country, group_strike)
    named = _named(sides)
    forces = _forces(sides)
    unidentified = actor_rules.UNIDENTIFIED
    if sub == "Remote explosive/landmine/IED":  # the side that planted the bomb, never the vehicle that struck it
        target = forces[0] if forces and (sides.armed_target or not sides.civilian_victims) else "Civilians"
        return (named or [unidentified])[0], target if (forces or sides.civilian_victims) else None
    if sub == "Government regains territory":
        return _state(sides, country), (named or [None])[0]
    if etype == "Violence against civilians":
        if sides.initiator is not None and sides.initiator.kind in ("progov", "militia") and not named:
            return sides.initiator.name, "Civilians"  # "VDP killed three civilians"
        return (_state(sides, country) if state_acts(sides) else (named or [unidentified])[0]), "Civilians"
    if state_acts(sides) and sides.initiator.name not in named:
        other = [n for n in named if n != sides.initiator.name]
        return sides.initiator.name, (other or [unidentified])[0]  # the army attacks: militants are actor2
    militias = {m.name for m in sides.anchor if m.kind in ("militia", "progov")} - set(sides.credited)
    if sides.initiator is not None and sides.initiator.kind == "unidentified" and named and named[0] in militias:
        return unidentified, named[0]  # "Four Koglweogo members were killed when unidentified gunmen attacked"
    actor1 = (named or [unidentified])[0]
    if etype == "Battles" and not forces and len(named) > 1:
        return named[0], named[1]
    if forces and (sides.armed_target or not sides.civilian_victims):
        return actor1, forces[0]
    state = (actor_rules.state_forces(country), actor_rules.police_forces(country))
    if etype == "Battles" and sides.armed_target and actor1 not in state:
        return actor1, actor_rules.state_forces(country)  # "attacked the presidential palace": its guard, unnamed
    return actor1, ("Civilians" if sides.civilian_victims else None)


def _crowd_force(sides: Sides) -> str | None:
    """The police, else the army, named around a protest or riot."""
    mentions = list(sides.anchor) + list(sides.passage)
    police = next((m.name for m in mentions if m.kind == "police"), None)
    return police or next((m.name for m in mentions if m.kind == "state"), None)


def _development(sub: str, sides: Sides, country: str, cname: str, found: frozenset[str]) -> tuple:
    if sub == "Other" and "coup" in found:
        return f"Mutiny of Military Forces of {cname}", f"Government of {cname}"
    if sub == "Other":
        return f"Government of {cname}", None
    if sub == "Agreement":
        return _agreement(sides, cname)
    if sub == "Non-violent transfer of territory":  # an armed group moves into a place nobody defends
        return (_named(sides) or [actor_rules.UNIDENTIFIED])[0], None
    if sub == "Looting/property destruction":
        named = _named(sides)
        return (named or [actor_rules.UNIDENTIFIED])[0], "Civilians"
    acting = sides.initiator.name if sides.initiator is not None and sides.initiator.kind != "unidentified" else None
    in_order = [m.name for m in sides.anchor + sides.passage if m.kind in TARGET_RANK]
    actor1 = (([acting] if acting else []) + in_order + _named(sides) + [None])[0]
    if sub == "Arrests" and sides.forces_detained and not _named(sides):
        return f"Government of {cname}", actor_rules.state_forces(country)  # soldiers arrested: the state's own
    if sub == "Arrests":  # those arrested: a named group's members, else civilians (suspected collaborators too)
        return actor1, next((n for n in _named(sides) if n != actor1 and n not in sides.suspected), "Civilians")
    return actor1, None


def _agreement(sides: Sides, cname: str) -> tuple:
    """The governments of the first two countries the article is about (the signatories it names first)."""
    groups = _named(sides)
    if groups and not any(m.kind in STATE_KINDS for m in sides.anchor):
        return groups[0], "Civilians"  # "community leaders concluded a local truce with JNIM"
    if groups:
        return f"Government of {cname}", groups[0]
    names = [actor_rules.country_name(code) for code in sides.countries]
    governments = [f"Government of {name}" for name in dict.fromkeys(n for n in names if n)]
    if len(governments) >= 2:
        return governments[0], governments[1]
    return f"Government of {cname}", None


def _air_strike(sides: Sides, country: str, group_strike: bool) -> tuple:
    named = _named(sides)
    if group_strike:  # armed groups fly drones too
        target = _forces(sides) or ["Civilians" if sides.civilian_victims else None]
        return (named or [actor_rules.UNIDENTIFIED])[0], target[0]
    return _state(sides, country), ("Civilians" if sides.civilian_victims else (named or [actor_rules.UNIDENTIFIED])[0])


def _state(sides: Sides, country: str) -> str | None:
    if state_acts(sides):
        return sides.initiator.name
    in_order = [m.name for m in sides.anchor + sides.passage if m.kind in TARGET_RANK]
    return (in_order or [actor_rules.state_forces(country)])[0]


def _named(sides: Sides) -> list[str]:
    """Armed groups named in the anchor or credited with the attack; none when the text hesitates between two
    ("JNIM and/or ISSP": ACLED's Unidentified Armed Group)."""
    if sides.undecided:
        return []
    anchor_named = [m.name for m in sides.anchor if m.kind in ARMED_GROUPS]
    return list(dict.fromkeys(anchor_named + sides.credited))


def _forces(sides: Sides) -> list[str]:
    in_anchor = {m.name for m in sides.anchor}
    forces = sorted(
        (m for m in sides.anchor + sides.passage if m.kind in TARGET_RANK),
        key=lambda m: (m.kind == "foreign", m.name not in in_anchor, TARGET_RANK[m.kind]),  # foreign allies last
    )
    return list(dict.fromkeys(m.name for m in forces))
