"""Named places the gazetteer does not know: "le village de Motogatta", "in Kwalajiya village".

Reporting names the village where an attack took place even when no gazetteer has it, and ACLED codes that
village. A capitalised name that a place noun introduces ("village de", "localité de", "hameau de", "the town of",
"... village") and that is neither a known place, an actor, a calendar word nor a common word becomes a site:
a PlaceMention of kind "site" with the name as written. Where the same sentence puts it near a known town ("près de
Fassala", "near Biu", "dans la commune de Tondikiwindi"), the site takes that town's coordinates and admin units
with geo_precision 2 (ACLED's practice for a village it cannot place); otherwise it has a name and no coordinates,
and its event takes country and admin1 from the places its passage names (events._region).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from tasks.extract.actors import DEMONYMS
from tasks.extract.places import BLOCKED, PlaceMention, fold

NAME = r"(?P<name>[A-ZÀ-Ý][\w'’-]{2,}(?:[ -](?:[A-ZÀ-Ý][\w'’-]+|de|du|el|al))?(?:[ -][A-ZÀ-Ý][\w'’-]+)?)"
BEFORE = re.compile(
    r"\b(?:village|localit[ée]|hameau|bourg|campement|site|quartier|commune rurale|commune|town|locality|hamlet|"
    r"settlement|community)\s+(?:de\s+|d['’]|du\s+|of\s+|called\s+|named\s+|nomm[ée]\s+|appel[ée]\s+)" + NAME
)
FACILITY = re.compile(  # "le poste opérationnel avancé de Tiwoli", "le camp militaire de Kwala"
    r"\b(?:poste|camp|base|d[ée]tachement|garnison|caserne|brigade|commissariat|checkpoint|position)"
    r"(?:\s+(?:de\s+)?(?!du\b|des\b|la\b|r[ée]gion|province|zone|cercle|commune|pr[ée]fecture|localit)[\wéèêà'’-]+){0,3}?"
    r"\s+(?:de\s+|d['’]|du\s+)" + NAME
)
PREFECTURE = re.compile(  # "à Tiwoli, préfecture de Kpendjal"
    r"\b(?:à|a|in|at)\s+" + NAME + r",\s+(?:dans (?:la|le) )?(?:pr[ée]fecture|commune|d[ée]partement|province|cercle|"
    r"canton|sous-pr[ée]fecture|district|LGA|local government)\b"
)
AFTER = re.compile(NAME + r"\s+(?:village|community|settlement|town)\b")
NEAR_TOWN = re.compile(  # "s'est déroulée à Laghdaf, près de Fassala": a name set beside the town it is near
    r"\b(?:à|a|at|in)\s+" + NAME + r",\s+(?:près d[eu']|non loin d[eu']|à proximité d[eu']|near|close to|not far from)\s*"
)
IN_PARENS = re.compile(  # "near Ndaki (Gourma-Rharous, Timbuktu)": a name followed by its district and region
    r"\b(?:in|at|near|around|outside|close to|près de|à|dans|vers)\s+" + NAME + r"\s*\((?=[A-ZÀ-Ý])"
)
NOT_AFTER = re.compile(r"(?:op[ée]ration|operation|force|mission|plan|programme|program)\s+$", re.IGNORECASE)
NEAR = re.compile(
    r"\b(?:pr[èe]s d[eu']|non loin d[eu']|near|close to|aux environs d[eu']|à proximit[ée] d[eu']|dans la commune d[eu']|"
    r"de la commune d[eu']|in the (?:\w+ )?(?:local government area|LGA|district) of|km (?:au \w+ )?d[eu']|km from)\s*"
    r"(?:la |le |l['’]|the )?$",
    re.IGNORECASE,
)
DEMONYM_ENDING = re.compile(r"(?:ian|ien|ienne|iens|ese|ais|aise|ois|oise|ite)$")
STOP = Path(__file__).resolve().parent / "data" / "gazetteer_stopwords.txt"
NOT_NAMES = {
    "nord", "sud", "est", "ouest", "north", "south", "east", "west", "centre", "center", "la", "le", "les", "the",
    "another", "other", "same", "neighbouring", "neighboring", "nearby", "small", "remote", "local", "this", "that",
    "each", "every", "one", "his", "her", "their", "its", "autre", "meme", "petit", "petite", "ce", "cette", "chaque",
    "voisin", "voisine", "notre", "leur", "said", "home", "whole", "entire", "border", "frontier", "mining", "farming",
}  # fmt: skip


@cache
def _stop_words() -> frozenset[str]:
    lines = STOP.read_text(encoding="utf-8").splitlines()
    return frozenset(w for line in lines if not line.startswith("#") for w in line.split())


def find_sites(text: str, places: list, actors: list) -> list[PlaceMention]:
    """Sites named in the text that `places` (gazetteer matches) and `actors` (ActorMentions) do not cover."""
    taken = [(p.start, p.end) for p in places] + [(a.start, a.end) for a in actors]
    out: list[PlaceMention] = []
    for rx in (BEFORE, FACILITY, PREFECTURE, AFTER, IN_PARENS, NEAR_TOWN):
        for m in rx.finditer(text):
            start, end = m.span("name")
            name = m.group("name")
            if any(s < end and start < e for s, e in taken) or not _plausible(name):
                continue
            out.append(_site(text, name, start, end, places))
            taken.append((start, end))
    return sorted(out, key=lambda p: p.start)


def _plausible(name: str) -> bool:
    """Not a common word, a people ("Fulani"), a demonym ("Nigerian town") or an armed group's name."""
    words = fold(name).split()
    if not words or any(w in _stop_words() or w in NOT_NAMES or w in BLOCKED for w in words):
        return False
    return not (_demonyms().fullmatch(name) or DEMONYM_ENDING.search(words[-1]))


@cache
def _demonyms() -> re.Pattern:
    return re.compile("|".join(f"(?:{d})" for d in DEMONYMS.values()), re.IGNORECASE)


def _site(text: str, name: str, start: int, end: int, places: list) -> PlaceMention:
    sentence_start = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    sentence_end = min((i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0), default=len(text))
    anchor = next(
        (
            p for p in places
            if sentence_start <= p.start < sentence_end and p.kind in ("town", "hotspot", "admin2")
            and NEAR.search(text[max(sentence_start, p.start - 50) : p.start])
        ),
        None,
    )  # fmt: skip
    if anchor is not None:  # placed at the town it is near (geo_precision 2)
        return PlaceMention(
            name, name, start, end, anchor.country, anchor.admin1, anchor.admin2, anchor.latitude, anchor.longitude,
            "site",
        )  # fmt: skip
    return PlaceMention(name, name, start, end, "", None, None, None, None, "site")  # type: ignore[arg-type]
