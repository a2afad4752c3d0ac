"""Actors: named armed groups and forces, national forces from context, civilians, protesters.

`find_actors(text, country, when)` returns every actor mention of a text with offsets:
- named actors from `data/actors.json` (FR/EN/Arabic-transliteration aliases, matched with Aho-Corasick on
  folded text; short upper-case acronyms must be upper case in the text), renamed by date where the name changed
  (Wagner Group → Africa Corps after mid-2024, CSP-DPA → FLA);
- national forces: "armée malienne", "Nigerien soldiers", "Chad's military" → "Military Forces of <country>";
  the bare "l'armée" / "the army" / "soldiers" → the forces of the story's country;
- "Islamic State" / "al-Qaïda" without a branch → the branch active in that country (ISWAP around Lake Chad,
  ISSP elsewhere; JNIM in the central Sahel);
- unnamed attackers → "Unidentified Armed Group"; victims → "Civilians"; crowds → "Protesters"/"Rioters".
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

import ahocorasick

DATA = Path(__file__).resolve().parent / "data" / "actors.json"
UNIDENTIFIED = "Unidentified Armed Group"
LAKE_CHAD = {"NG", "TD", "CM"}

COUNTRY_NAMES = {"ML": "Mali", "BF": "Burkina Faso", "NE": "Niger", "TD": "Chad", "MR": "Mauritania",
                 "NG": "Nigeria", "BJ": "Benin", "TG": "Togo", "GH": "Ghana", "SN": "Senegal", "CM": "Cameroon",
                 "CI": "Ivory Coast", "DZ": "Algeria", "LY": "Libya", "FR": "France"}  # fmt: skip
DEMONYMS = {
    "ML": r"malien(?:ne)?s?|malian|mali's|du mali",
    "BF": r"burkinab[èeé]s?|burkinabe|burkina faso's|burkina's|du burkina(?: faso)?",
    "NE": r"nig[ée]rien(?:ne)?s?|nigerien|niger's|du niger",
    "TD": r"tchadien(?:ne)?s?|chadian|chad's|du tchad",
    "MR": r"mauritanien(?:ne)?s?|mauritanian|mauritania's|de (?:la )?mauritanie",
    "NG": r"nig[ée]rian(?:e)?s?|nigerian|nigeria's|du nigeria",
    "BJ": r"b[ée]ninois(?:e)?s?|beninese|benin's|du b[ée]nin",
    "TG": r"togolais(?:e)?s?|togolese|togo's|du togo",
    "GH": r"ghan[ée]en(?:ne)?s?|ghanaian|ghana's",
    "SN": r"s[ée]n[ée]galais(?:e)?s?|senegalese|senegal's",
    "CM": r"camerounais(?:e)?s?|cameroonian|cameroon's",
    "FR": r"fran[çc]ais(?:e)?s?|french|france's",
}
FORCE_NOUN = (
    r"(?:security|defen[cs]e|security and defen[cs]e|defen[cs]e and security) forces|"
    r"forces de (?:d[ée]fense et de )?s[ée]curit[ée]|arm[ée]es?|forces? arm[ée]es?|forces? de d[ée]fense et de s[ée]curit[ée]|soldats?|militaires?|troupes?|"
    r"army|military|soldiers?|troops?|armed forces|air force|forces|aviation|aircraft|warplanes|jets|drones?|"
    r"garde nationale|national guard|defence ministry|defense ministry|état-major"
)
ACRONYMS = {"FAMa": "ML", "FAMA": "ML", "FAN": "NE", "ANT": "TD", "FAB": "BJ", "FAT": "TG", "FANB": "BF", "BIR": "CM"}
ACRONYM_RE = re.compile(r"\b(?:" + "|".join(sorted(ACRONYMS, key=len, reverse=True)) + r")\b")
GENERIC_FORCES = re.compile(
    r"\b(l'arm[ée]e|the army|the military|army|soldiers?|soldats?|militaires?|troops?|forces de d[ée]fense et de "
    r"s[ée]curit[ée]|FDS|security forces|forces de s[ée]curit[ée]|forces arm[ée]es|armed forces|"
    r"air force|l'aviation|military aircraft|warplanes|fighter jets|military jets|garde nationale|national guard)\b",
    re.IGNORECASE,
)
POLICE = re.compile(
    r"\b(police|policiers?|police officers?|policemen|commissariat|gendarmes?|gendarmerie|forces de l['’]ordre|"
    r"forces of law and order|riot police|anti-riot)\b", re.I,
)
GENDARMERIE_MILITARY = {"ML"}  # ACLED files Mali's gendarmerie under its military, elsewhere under the police
UNNAMED = re.compile(
    r"\b(hommes arm[ée]s|individus arm[ée]s|gunmen|assaillants?|attackers?|assailants?|jihadistes?|djihadistes?|jihadists|"
    r"militants?|terroristes?|terrorists?|insurgents?|armed men|groupes? arm[ée]s?|armed groups?|bandits?|"
    r"ravisseurs|kidnappers|extr[ée]mistes|extremists|combattants|fighters|hors-la-loi|islamists?|islamistes?|"
    r"kamikazes?|suicide (?:bomber|attacker)s?|hommes à moto|men on motorbikes|armed individuals|unidentified gunmen)\b",
    re.IGNORECASE,
)
CIVILIANS = re.compile(
    r"\b(civils?|civilians?|villageois|villagers|habitants|residents|population|femmes|women|enfants|children|"
    r"[ée]l[èe]ves|pupils|fid[èe]les|worshippers|[ée]leveurs|herders|farmers|agriculteurs|commer[çc]ants|traders|"
    r"passagers|passengers|d[ée]plac[ée]s|displaced|r[ée]fugi[ée]s|refugees|enseignants|teachers|orpailleurs|miners|"
    r"pr[êe]tres?|priests?|missionnaires?|missionary|maires?|mayors?|[ée]lus?|ressortissants|nationals|travailleurs|"
    r"aid workers|humanitaires|journalistes?|journalists?|chefs? coutumiers?|imams?|touristes?|tourists?|drivers|"
    r"chauffeurs|camionneurs|truckers)\b",
    re.IGNORECASE,
)
ETHNIC_GROUPS = {  # folded spellings of the peoples whose militias ACLED names; Dogon militias are Dan Na Ambassagou
    "Fulani": r"fulani|fulbe|fula|peul[hs]?|peule?s?|peulhs?", "Bambara": r"bambaras?", "Mossi": r"mossis?",
    "Tuareg": r"tuaregs?|touaregs?", "Arab": r"arabs?|arabes?", "Songhai": r"songhai|songhays?|sonrhai",
    "Zarma": r"zarmas?|djermas?", "Hausa": r"hausas?|haoussas?", "Kanuri": r"kanuris?", "Bozo": r"bozos?",
}  # fmt: skip
_PEOPLES = "|".join(ETHNIC_GROUPS.values())
ETHNIC_MILITIA = re.compile(
    rf"\b(?P<en>{_PEOPLES})\s+(?:ethnic\s+|armed\s+|self-defen[cs]e\s+)?(?:militia(?:men)?|militias|gunmen|armed men|fighters)\b|"
    rf"\b(?:milices?|miliciens?|hommes armés|groupes? d'autod[ée]fense)\s+(?P<fr>{_PEOPLES})\b",
    re.IGNORECASE,
)
ISLAMIC_STATE = re.compile(r"\b(islamic state|[ée]tat islamique|\bEI\b|\bIS\b|daech|daesh|isis)\b", re.IGNORECASE)
AL_QAEDA = re.compile(r"\b(al[- ]?qa[ïi]da|al[- ]?qaeda|al[- ]?qaida)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ActorMention:
    name: str
    kind: str  # 'jihadist' | 'rebel' | 'militia' | 'foreign' | 'un' | 'state' | 'police' | 'unidentified' | 'civilians'
    start: int
    end: int


@dataclass(frozen=True)
class ActorEntry:
    name: str
    kind: str
    until: date | None
    successor: str | None
    since: date | None


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes; same length as the input (offsets survive)."""
    return "".join(_fold_char(ch) for ch in text)


def _as_acronym(written: str, acronym: str) -> bool:
    """Written as the acronym, or in the title case much of the French press uses ("le Jnim", "l'Eigs")."""
    if written == acronym or written in ("FAMa", "Iswap", "Minusma"):
        return True
    return len(acronym) >= 4 and acronym.isalpha() and acronym != "FACT" and written == acronym.capitalize()


@cache
def _fold_char(ch: str) -> str:
    if ch in "’‘":
        return "'"
    base = unicodedata.normalize("NFKD", ch)[:1] or ch
    return base.lower() if len(base.lower()) == 1 else ch


@cache
def actor_index() -> tuple[ahocorasick.Automaton, dict[str, ActorEntry]]:
    """Aho-Corasick over every folded alias, loaded once per process."""
    table = json.loads(DATA.read_text(encoding="utf-8"))["actors"]
    automaton = ahocorasick.Automaton()
    entries: dict[str, ActorEntry] = {}
    for row in table:
        entry = ActorEntry(
            row["name"], row["kind"], _day(row.get("until")), row.get("successor"), _day(row.get("from"))
        )
        entries[row["name"]] = entry
        for alias in row["aliases"]:
            key = fold(alias)
            acronym = alias.isupper() and len(alias) <= 6
            automaton.add_word(key, (len(key), row["name"], alias if acronym else None))
    automaton.make_automaton()
    return automaton, entries


def find_actors(text: str, country: str | None, when: date | None = None) -> list[ActorMention]:
    """Every actor mention of the text, longest first where they overlap, in text order."""
    return list(_find_actors(text, country, when))


@lru_cache(maxsize=4096)
def _find_actors(text: str, country: str | None, when: date | None) -> tuple[ActorMention, ...]:
    found = _named(text, when) + _national(text) + _generic(text, country)
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[ActorMention] = []
    for m in found:
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return tuple(kept)


def state_forces(country: str | None) -> str | None:
    return f"Military Forces of {COUNTRY_NAMES[country]}" if country in COUNTRY_NAMES else None


def police_forces(country: str | None) -> str | None:
    return f"Police Forces of {COUNTRY_NAMES[country]}" if country in COUNTRY_NAMES else None


def country_name(country: str | None) -> str | None:
    return COUNTRY_NAMES.get(country or "")


def _named(text: str, when: date | None) -> list[ActorMention]:
    automaton, entries = actor_index()
    folded = fold(text)
    out = []
    for end, (length, name, acronym) in automaton.iter(folded):
        start = end - length + 1
        if not _whole_word(folded, start, end + 1):
            continue
        if acronym and not _as_acronym(text[start : end + 1], acronym):
            continue
        entry = _renamed(entries[name], entries, when)
        out.append(ActorMention(entry.name, entry.kind, start, end + 1))
    return out


@cache
def _demonym_pattern() -> re.Pattern:
    return re.compile("|".join(rf"(?P<{code}>\b(?:{d})\b)" for code, d in DEMONYMS.items()), re.IGNORECASE)


FORCE_BEFORE = re.compile(rf"\b(?:{FORCE_NOUN})\s+$", re.IGNORECASE)
FORCE_AFTER = re.compile(rf"^\s+(?:{FORCE_NOUN})\b", re.IGNORECASE)
POLICE_BEFORE = re.compile(r"\b(?:police|policiers?|gendarmes?|gendarmerie)\s+$", re.IGNORECASE)
POLICE_AFTER = re.compile(r"^\s+(?:police|gendarmes?|gendarmerie)\b", re.IGNORECASE)


def _national(text: str) -> list[ActorMention]:
    """ "armée malienne", "Nigerien soldiers", "Chad's military", "police burkinabè", and the forces' acronyms."""
    text = text.replace("’", "'")  # "Ghana’s forces": the typographic apostrophe too (same length, offsets kept)
    out = []
    for m in _demonym_pattern().finditer(text):
        code, before, after = m.lastgroup or "", text[max(0, m.start() - 45) : m.start()], text[m.end() : m.end() + 45]
        for rx_before, rx_after, police in ((POLICE_BEFORE, POLICE_AFTER, True), (FORCE_BEFORE, FORCE_AFTER, False)):
            hit_before, hit_after = rx_before.search(before), rx_after.match(after)
            if not (hit_before or hit_after):
                continue
            start = m.start() - len(hit_before.group(0)) if hit_before else m.start()
            end = m.end() + (hit_after.end() if hit_after and not hit_before else 0)
            gendarmerie = police and "gendarm" in (hit_before or hit_after).group(0).lower()  # type: ignore[union-attr]
            police = police and not (gendarmerie and code in GENDARMERIE_MILITARY)
            name = police_forces(code) if police else state_forces(code)
            kind = "police" if police else "foreign" if code == "FR" else "state"
            out.append(ActorMention(name or "", kind, start, end))
            break
    for m in ACRONYM_RE.finditer(text):
        out.append(ActorMention(state_forces(ACRONYMS[m.group(0)]) or "", "state", m.start(), m.end()))
    return out


def _generic(text: str, country: str | None) -> list[ActorMention]:
    out = []
    forces, police = state_forces(country), police_forces(country)
    if forces:
        out += [ActorMention(forces, "state", m.start(), m.end()) for m in GENERIC_FORCES.finditer(text)]
    if police:
        out += [_police_or_gendarmerie(m, country) for m in POLICE.finditer(text)]
    out += [ActorMention(UNIDENTIFIED, "unidentified", m.start(), m.end()) for m in UNNAMED.finditer(text)]
    out += [ActorMention("Civilians", "civilians", m.start(), m.end()) for m in CIVILIANS.finditer(text)]
    if country in COUNTRY_NAMES:
        out += [_ethnic(m, country) for m in ETHNIC_MILITIA.finditer(text)]
    branch = "ISWAP" if country in LAKE_CHAD else "ISSP"
    out += [ActorMention(branch, "jihadist", m.start(), m.end()) for m in ISLAMIC_STATE.finditer(text) if _is_is(m)]
    qaeda = "JNIM" if country in ("ML", "BF", "NE", "BJ", "TG", "GH", "CI") else "AQIM"
    out += [ActorMention(qaeda, "jihadist", m.start(), m.end()) for m in AL_QAEDA.finditer(text)]
    return out


def _ethnic(m: re.Match, country: str) -> ActorMention:
    """ "Fulani militiamen", "une milice peule": ACLED's "<People> Ethnic Militia (<Country>)"."""
    word = fold(m.group("en") or m.group("fr"))
    people = next(name for name, spellings in ETHNIC_GROUPS.items() if re.fullmatch(spellings, word))
    return ActorMention(f"{people} Ethnic Militia ({COUNTRY_NAMES[country]})", "militia", m.start(), m.end())


def _police_or_gendarmerie(m: re.Match, country: str | None) -> ActorMention:
    if "gendarm" in m.group(0).lower() and country in GENDARMERIE_MILITARY:
        return ActorMention(state_forces(country) or "", "state", m.start(), m.end())
    return ActorMention(police_forces(country) or "", "police", m.start(), m.end())


def _is_is(m: re.Match) -> bool:
    word = m.group(1)
    return word not in ("IS", "EI") or word.isupper()


def _renamed(entry: ActorEntry, entries: dict[str, ActorEntry], when: date | None) -> ActorEntry:
    if when and entry.until and when > entry.until and entry.successor in entries:
        return entries[entry.successor]
    return entry


def _whole_word(folded: str, start: int, end: int) -> bool:
    before = folded[start - 1] if start > 0 else " "
    after = folded[end] if end < len(folded) else " "
    return not before.isalnum() and not after.isalnum()


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
