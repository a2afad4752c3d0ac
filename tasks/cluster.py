"""Event clustering: is a newly extracted event the same real-world incident as a known one, and how it revises it.

ACLED's rule, made mechanical on the extracted facts (never on the words, so French and English reports meet):

    same country  and  compatible type  and  dates within a window set by their precision
    and  same place (within a distance, or the same town name, or the same region when one side is vague)
    and  overlapping actors when both sides name a specific actor

Two incidents on the same day in the same region stay two events when their towns are far apart, their types
differ (an attack on a base and a massacre of civilians nearby), or they name different perpetrators.

Matching is not transitive: a new event is compared with each cluster's merged facts only (`match_events`), never
with its members, so A~B and B~C do not put C with A. A link between two events that both name a town and a date
is strong; a link with a vague side (region or country only, or no date) is weak and is taken only when it is the
event's one possible cluster, so a vague report never bridges two clusters (see `link`).
Pure functions, no database: storage/events.py and tasks/extract/batch.py both call them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Sequence
from dataclasses import replace
from datetime import date
from difflib import SequenceMatcher
from typing import TypeVar

from tasks.models import Event, Extraction
from tasks.text import fold as fold_text

K = TypeVar("K", bound=Hashable)

DATE_WINDOW_DAYS = {1: 1, 2: 7, 3: 31}  # by the vaguer date_precision of the two events
NEAR_KM = 25.0  # two named towns (geo_precision 1) closer than this are one place
NEAR_VAGUE_KM = 40.0  # when one side is only "near a town" (geo_precision 2); distinct towns farther never merge
SAME_TOWN_KM = 5.0
COMPATIBLE_TYPES = {
    frozenset({"Battles", "Explosions/Remote violence"}),
    frozenset({"Protests", "Riots"}),
}
GENERIC_ACTORS = {"", "none", "unknown", "civilians", "unidentified armed group", "unidentified gunmen"}
ACTOR_ALIASES = {  # the few names FR and EN reports spell differently for the same group
    "gsim": "jnim", "jnim": "jnim", "katiba macina": "jnim",
    "eigs": "issp", "isgs": "issp", "issp": "issp", "is sahel": "issp", "ei sahel": "issp",
    "eiao": "iswap", "iswap": "iswap", "jas": "boko haram", "boko haram": "boko haram",
}
PLACE_FIELDS = ("location", "admin1", "admin2", "latitude", "longitude", "geo_precision")
MERGED_FIELDS = (
    "event_date", "date_precision", "actor1", "actor2", *PLACE_FIELDS,
    "fatalities", "fatalities_low", "fatalities_high", "wounded", "abducted",
)


def fold(text: str | None) -> str:
    """Lower case, no accents, no punctuation, no '(2021-)' year tags: how names are compared."""
    return fold_text(re.sub(r"\([^)]*\d[^)]*\)", " ", text or ""))


def actor_id(name: str | None) -> str:
    """The comparable id of an actor name; '' for unknown or generic actors (civilians, unidentified group)."""
    folded = fold(name)
    if folded in GENERIC_ACTORS or folded.startswith("unidentified"):
        return ""
    return ACTOR_ALIASES.get(folded, folded)


def known_actors(event: Event) -> set[str]:
    return {a for a in (actor_id(event.actor1), actor_id(event.actor2)) if a}


def distance_km(a: Event, b: Event) -> float | None:
    """Great-circle distance between two events, None when either has no coordinates."""
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def days_apart(a: Event, b: Event) -> int | None:
    if not a.event_date or not b.event_date:
        return None
    return abs((date.fromisoformat(a.event_date[:10]) - date.fromisoformat(b.event_date[:10])).days)


def compatible_type(a: Event, b: Event) -> bool:
    return a.event_type == b.event_type or frozenset({a.event_type, b.event_type}) in COMPATIBLE_TYPES


def same_day_window(a: Event, b: Event) -> bool:
    """Dates within the window of the vaguer precision; an unknown date does not rule a match out."""
    gap = days_apart(a, b)
    window = max(DATE_WINDOW_DAYS.get(p or 2, 7) for p in (a.date_precision, b.date_precision))
    return gap is None or gap <= window


def is_vague_place(event: Event) -> bool:
    return not event.location or (event.geo_precision or 3) >= 3


def same_region(a: Event, b: Event) -> bool:
    """Admin units agree wherever both sides know them."""
    return all(not x or not y or fold(x) == fold(y) for x, y in ((a.admin1, b.admin1), (a.admin2, b.admin2)))


def same_place(a: Event, b: Event) -> bool:
    """Within a distance when both name a town; the same region when either only knows the region."""
    if is_vague_place(a) or is_vague_place(b):
        return same_region(a, b)
    km = distance_km(a, b)
    if km is not None:
        return km <= (NEAR_KM if a.geo_precision == b.geo_precision == 1 else NEAR_VAGUE_KM)
    return names_alike(a.location, b.location) and same_region(a, b)


def same_town(a: Event, b: Event) -> bool:
    """Both name the same town: the same name, or coordinates a few km apart."""
    if is_vague_place(a) or is_vague_place(b):
        return False
    km = distance_km(a, b)
    return names_alike(a.location, b.location) or (km is not None and km <= SAME_TOWN_KM)


def names_alike(a: str | None, b: str | None) -> bool:
    """The same place name, allowing one spelling slip in a long name ("Kwallajiya" / "Kwalajiya")."""
    x, y = fold(a), fold(b)
    if not x or not y:
        return False
    return x == y or (min(len(x), len(y)) >= 7 and SequenceMatcher(None, x, y).ratio() >= 0.9)


def same_actors(a: Event, b: Event) -> bool:
    """Overlapping actors when both name a specific one; an unnamed or generic actor matches anything.

    Two different named main actors (actor1) are two incidents. Otherwise, in the very same town, disjoint
    second actors are tolerated: reports of one attack often disagree on who was hit (French or US troops).
    """
    ka, kb = known_actors(a), known_actors(b)
    if not ka or not kb or ka & kb:
        return True
    a1, b1 = actor_id(a.actor1), actor_id(b.actor1)
    return (not a1 or not b1) and same_town(a, b)


def same_incident(a: Event, b: Event) -> bool:
    """ACLED's rule: same actors, same day, same place (and a compatible type, same country) is one event."""
    return (
        a.country == b.country
        and compatible_type(a, b)
        and same_day_window(a, b)
        and same_place(a, b)
        and same_actors(a, b)
    )


def closeness(a: Event, b: Event) -> float:
    """How far apart two matching events are (lower is closer): ranks candidates when several match."""
    score = float(days_apart(a, b) or 0)
    km = distance_km(a, b)
    score += (km / NEAR_KM) if km is not None else (0.0 if fold(a.location) == fold(b.location) else 1.0)
    score += 0.0 if a.event_type == b.event_type else 0.5
    return score + (0.0 if known_actors(a) & known_actors(b) else 0.25)


def same_act(a: Event, b: Event) -> bool:
    """One named actor's strategic development (a withdrawal, a coup, a handover) reported twice: the actor and the
    kind of act identify it even when no town is named ("Wagner leaves Mali")."""
    return (
        a.event_type == b.event_type == "Strategic developments"
        and a.sub_event_type == b.sub_event_type
        and bool(actor_id(a.actor1))
        and actor_id(a.actor1) == actor_id(b.actor1)
    )


def is_specific(event: Event) -> bool:
    """Names a town and a date: enough to tell one incident from another on its own."""
    return not is_vague_place(event) and bool(event.event_date)


def is_placed(event: Event) -> bool:
    """Knows at least its region (admin1) or a town, not only its country."""
    return bool(event.admin1) or not is_vague_place(event)


def link(current: Event, new: Event) -> str | None:
    """'strong', 'weak' or None: how `new` may join the incident whose merged facts are `current`.

    Strong: the same incident, both naming a town and a date. Weak (taken only when it is the one candidate): the
    same incident where one side names a town and a date and the other is vague; never to an event known by its
    country alone, never by country alone for an undated report. Two undated events link only in the same town.
    """
    if not same_incident(current, new):
        return None
    if is_specific(current) and is_specific(new):
        return "strong"
    if same_act(current, new):
        return "strong" if current.event_date and new.event_date else "weak"
    if not current.event_date or not new.event_date:
        return "weak" if same_town(current, new) else None  # undated: only the same town says it is the same
    if not (is_specific(current) or is_specific(new)) or not is_placed(current):
        return None
    return "weak" if new.event_date or is_placed(new) else None


def match_events(events: Sequence[Event], clusters: Sequence[tuple[K, Event]]) -> dict[int, K]:
    """Which cluster each event of one article joins: {rank: cluster key}; an event left out starts a new one.

    `clusters` are (key, merged facts) in a stable order (ties go to the earlier one). Events are placed in rank
    order, the main event first, so a secondary event cannot push it elsewhere; no two events of an article join
    the same cluster. A strong link goes to the closest cluster; a weak one only when it is the event's sole link.
    """
    chosen: dict[int, K] = {}
    weak: dict[int, K] = {}
    for rank, ev in enumerate(events):
        links = [(kind, closeness(rep, ev), n, key) for n, (key, rep) in enumerate(clusters) if (kind := link(rep, ev))]
        strong = [key for _, _, _, key in sorted(o for o in links if o[0] == "strong")]
        free = [key for key in strong if key not in chosen.values()]
        if free:
            chosen[rank] = free[0]
        elif len(links) == 1 and links[0][0] == "weak":
            weak[rank] = links[0][3]
    for rank, key in weak.items():
        if key not in chosen.values():
            chosen[rank] = key
    return chosen


# --- revising an event with a new report -------------------------------------------------------------------


def _more_precise(new_precision: int | None, old_precision: int | None, old_value) -> bool:
    return old_value in (None, "") or (new_precision or 9) < (old_precision or 9)


def _better_date(current: Event, new: Event) -> dict:
    if new.event_date and _more_precise(new.date_precision, current.date_precision, current.event_date):
        return {"event_date": new.event_date, "date_precision": new.date_precision}
    return {}


def _better_place(current: Event, new: Event) -> dict:
    if new.location and _more_precise(new.geo_precision, current.geo_precision, current.location):
        return {f: getattr(new, f) for f in PLACE_FIELDS}
    return {f: getattr(new, f) for f in ("admin1", "admin2") if getattr(current, f) is None and getattr(new, f)}


def _better_actors(current: Event, new: Event) -> dict:
    """A named actor replaces an unknown or unidentified one, never the other way round."""
    out = {}
    for f in ("actor1", "actor2"):
        if not actor_id(getattr(current, f)) and actor_id(getattr(new, f)) or getattr(current, f) is None and getattr(new, f):
            out[f] = getattr(new, f)
    return out


def _toll(current: Event, new: Event) -> dict:
    """Each report's figure is its conservative one; a later, higher toll raises it and brings its range.

    fatalities_high keeps the highest figure any source gave above the retained toll (a claim, a 'could reach').
    """
    base = new if new.fatalities > current.fatalities else current
    highs = [h for h in (current.fatalities_high, new.fatalities_high, current.fatalities) if h is not None]
    high = max(highs) if highs and max(highs) > base.fatalities else None
    return {"fatalities": base.fatalities, "fatalities_low": base.fatalities_low, "fatalities_high": high}


def _counts(current: Event, new: Event) -> dict:
    return {f: max(x for x in (getattr(current, f), getattr(new, f)) if x is not None)
            for f in ("wounded", "abducted") if getattr(new, f) is not None}


def merge_event(current: Event, new: Event) -> tuple[Event, dict]:
    """Revise `current` with a further report `new`; return the event and its changes {field: [old, new]}.

    Fatalities stay conservative (see `_toll`); date, place and actors only ever become more precise.
    """
    proposed = {**_better_date(current, new), **_better_place(current, new), **_better_actors(current, new),
                **_toll(current, new), **_counts(current, new)}
    changes = {f: [getattr(current, f), v] for f, v in proposed.items() if getattr(current, f) != v}
    if not changes:
        return current, {}
    return replace(current, **{f: new_old[1] for f, new_old in changes.items()}), changes


# --- event keys within one input file ----------------------------------------------------------------------


def dated(event: Event, published: str | None) -> Event:
    """The event with the publication date standing in for a missing event date (for matching only)."""
    if event.event_date or not published:
        return event
    if len(published) >= 10:
        return replace(event, event_date=published[:10], date_precision=2)
    if len(published) == 7:
        return replace(event, event_date=f"{published}-15", date_precision=3)
    return event


def assign_event_keys(extractions: list[Extraction], published: list[str | None]) -> list[Extraction]:
    """Set `event_key` on every event: events of different articles that are one incident share a key.

    Articles are taken in order, as if they arrived one after another; keys are deterministic (article, rank).
    Each cluster is known by its merged facts (`merge_event` of its reports), which is all `match_events` sees.
    """
    clusters: dict[str, Event] = {}
    out = []
    for i, (ex, pub) in enumerate(zip(extractions, published, strict=True)):
        events = [dated(ev, pub) for ev in ex.events]
        chosen = match_events(events, list(clusters.items()))
        keyed = []
        for rank, (ev, original) in enumerate(zip(events, ex.events, strict=True)):
            key = chosen.get(rank)
            if key is None:
                key = f"{ev.country or 'XX'}-{ev.event_date or 'undated'}-{i}.{rank}"
                clusters[key] = ev
            else:
                clusters[key] = merge_event(clusters[key], ev)[0]
            keyed.append(replace(original, event_key=key))
        out.append(replace(ex, events=tuple(keyed)))
    return out
