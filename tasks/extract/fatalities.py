"""Casualty figures: who died, who was wounded, who was taken, and by whose count.

`casualties(sentence, lang)` reads one sentence and returns `Figure`s: a number, what happened to those people
(`killed` | `wounded` | `abducted`), who they were (`state` forces, `attackers`, `civilians`, `people`), the
qualifier ("au moins" → at_least, "plus de" → more_than, "une dizaine" → approximate), whether it is an armed
group's own claim, and which of the sentence's competing counts it belongs to (`alt`: "25 selon les autorités,
tandis que ... 54"). Words become digits with `text_to_num.alpha2digit`; "dozens" → 12, "tens" → 10,
"hundreds" → 100, "une vingtaine" → 20.

`tally(per_sentence)` applies ACLED's coding: within a sentence the parties' deaths add up; competing counts give
the most conservative figure to `fatalities` and the others to low/high; a later sentence restating a party's
toll replaces it rather than adding to it; an armed group's claim only raises `fatalities_high`.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from functools import lru_cache

from text_to_num import alpha2digit

ROUND = {"dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30, "quarantaine": 40,
         "cinquantaine": 50, "soixantaine": 60, "centaine": 100}  # fmt: skip
VAGUE = [
    (r"\b(?:two|deux) dozens?\b", 24),
    (r"\b(?:des |plusieurs )?dizaines\b|\bdozens\b|\bscores\b", 12),
    (r"\b(?:des |plusieurs )?centaines\b|\bhundreds\b", 100),
    (r"\btens\b", 10),
    (r"\ba dozen\b", 12),
]
KILLED = (
    r"tu[ée]s?|tu[ée]es|tuant|tué|abattus?|assassin[ée]s?|ex[ée]cut[ée]s?|massacr[ée]s?|égorg[ée]s?|morts?|décès|"
    r"d[ée]c[ée]d[ée]s?|p[ée]ri|perdu la vie|neutralis[ée]s?|killed|killing|kills|dead|died|deaths?|death toll|"
    r"lost their lives|lives? lost|slain|shot dead|massacred|executed|beheaded|slitting the throats|fatalities|"
    r"victimes|victims|bilan|toll|porte à|perte|loss|lost|neutralised|neutralized|bodies|corps sans vie"
)
WOUNDED = r"bless[ée]s?|bless[ée]es|blessant|touch[ée]s|wounded|wounding|injured|injuring|injuries|hurt"
ABDUCTED = (
    r"enlev[ée]s?|enlev[ée]es|enl[eè]vement|kidnapp\w*|abduct\w*|emmen[ée]s?|emmen[ée]es|otages?|hostages?|"
    r"captives?|pris en otage|taken hostage"
)
CUE = re.compile(rf"\b(?:(?P<k>{KILLED})|(?P<w>{WOUNDED})|(?P<a>{ABDUCTED}))\b", re.IGNORECASE)
GROUPS = {
    "state": r"soldats?|militaires?|soldiers?|troops?|gendarmes?|policiers?|police officers?|policemen|agents?|"
    r"casques bleus|peacekeepers?|commandos?|membres des forces|members of the security forces|security personnel|"
    r"vdp|volontaires|gardes?|guards?|douaniers|officers?|sergents?|marines|servicemen|personnel|forces|partners|"
    r"partenaires|comrades|camarades|colleagues|collègues|members|membres|recrues|recruits",
    "attackers": r"assaillants?|terroristes?|jihadistes?|djihadistes?|militants?|insurgents?|fighters?|combattants?|"
    r"attackers?|assailants?|gunmen|kamikazes?|suicide bombers?|bandits?|rebelles?|rebels?|islamistes?|islamists?|"
    r"hommes armés|éléments|of the attackers|of the assailants|des assaillants",
    "civilians": r"civils?|civilians?|villageois|villagers|habitants?|residents?|femmes|women|enfants|children|"
    r"élèves|pupils|students|fidèles|worshippers|éleveurs|herders|farmers|agriculteurs|commerçants|traders|"
    r"passagers|passengers|displaced|déplacés|réfugiés|refugees|enseignants|teachers|miners|orpailleurs|chrétiens|"
    r"christians|musulmans|muslims|bergers|pêcheurs|fishermen|travellers|voyageurs|worshipers|ressortissants|"
    r"nationals|citizens|otages|hostages|travailleurs|workers|humanitaires|employés|employees|prêtres?|priests?|"
    r"missionaries|journalistes|journalists|maires?|mayors?|élus|notables|imams?|chefs?|elders|fermiers|paysans|"
    r"drivers?|chauffeurs?|conducteurs?|transporteurs?|truckers?|camionneurs?|shoppers|marketgoers|vendeurs?|vendors?",
    "people": r"personnes|people|persons|individus|victimes|victims|morts|dead|hommes|men|bodies|corps|autres|others|"
    r"more|d'entre eux|of them|from the|from|de ses|of its|among",
}
GROUP_WORD = {name: re.compile(rf"(?:{p})", re.IGNORECASE) for name, p in GROUPS.items()}
WORD = re.compile(r"[\w'-]+")
SINGLE = re.compile(
    r"(?<!['’])\b(?:un|une|a|an|one)\s+(?=(?:[\w-]+\s+){0,2}?(?:"
    + "|".join((GROUPS["state"], GROUPS["civilians"], GROUPS["attackers"], "homme|man|personne|person"))
    + r")\b)",
    re.IGNORECASE,
)
NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[ \u202f,]\d{3})+|\d+)(?![\w]|[.,]\d)")
QUALIFIER = re.compile(
    r"(au moins|at least|plus d[e']|more than|over|upwards of|près d[e']|nearly|almost|about|around|environ|"
    r"quelque|some|up to|jusqu'à|approximately|roughly)\s*$",
    re.IGNORECASE,
)
NEGATED = re.compile(
    r"(et non|not|non pas|rather than|instead of|et pas|au lieu de|non|according to|selon|d'après|"
    r"interrogé|cités? par|quoted by)\s*$",
    re.IGNORECASE,
)
SUBSET = re.compile(
    r"(dont|including|among them|parmi lesquels|parmi eux|of them|of whom|y compris|notamment)\s*$", re.IGNORECASE
)
CLAIM = re.compile(
    r"claim(?:ed|s)? (?:to have|it had|that its)|in a claim|said its (?:men|fighters)|"
    r"selon (?:le groupe|la revendication)|d'après (?:le groupe|la revendication)|according to (?:the group|the claim)|"
    r"propagande|propaganda|amaq|dans sa revendication",
    re.IGNORECASE,
)
OWN_LOSS = re.compile(r"\b(reconnu|acknowledg\w*|admitted)\b", re.IGNORECASE)
CONTRAST = re.compile(
    r"\b(tandis que|alors que|while|whereas|but|mais|versus|vs|contre|other sources|d'autres sources)\b", re.IGNORECASE
)
ACTIVE_BEFORE = re.compile(
    r"\b(killing|killed|kills|kill|tuant|tué|tue|fait|faisant|massacred|massacring|executed|executing|wounding|"
    r"injuring|blessant|abducting|kidnapping|enlevant|abducted|kidnapped|enlevé|slitting the throats of|égorgé|"
    r"égorgeant|neutralisé|neutralisés|neutralised|neutralized|perte|loss of|lost|perdu|claiming the lives of|"
    r"coûté la vie à|coûtant la vie à|toll (?:rose |climbed |stood )?(?:to|at)|bilan (?:s'alourdit |est passé )?à)"
    r"\b(?:\W+(?!and\b|et\b|while\b|tandis\b)[\w'-]+){0,3}\W*$",
    re.IGNORECASE,
)
NO_CASUALTIES = re.compile(
    r"\b(aucune victime|no casualties|pas de victime|sans faire de victime|no one was (?:killed|hurt)|"
    r"no (?:deaths|fatalities)|aucun mort|without casualties|no injuries|n'a fait aucune victime)\b",
    re.IGNORECASE,
)
OUTCOMES = ("killed", "wounded", "abducted")


@dataclass(frozen=True)
class Figure:
    count: int
    outcome: str  # 'killed' | 'wounded' | 'abducted'
    group: str  # 'state' | 'attackers' | 'civilians' | 'people'
    qualifier: str = ""  # 'at_least' | 'more_than' | 'approximate' | ''
    claim: bool = False
    alt: int = 0


@dataclass(frozen=True)
class Tally:
    fatalities: int
    low: int | None
    high: int | None
    wounded: int | None
    abducted: int | None
    stated: bool  # a death figure was reported


def casualties(sentence: str, lang: str) -> list[Figure]:
    """The casualty figures one sentence states."""
    return list(_casualties(sentence, lang))


@lru_cache(maxsize=4096)
def _casualties(sentence: str, lang: str) -> tuple[Figure, ...]:
    if not CUE.search(sentence):
        return ()
    text, approx = _normalise(sentence, lang)
    claim = bool(CLAIM.search(text)) and not OWN_LOSS.search(text)
    numbers = [
        m
        for m in NUMBER.finditer(text)
        if _countable(text, m) and not _skipped(text[max(0, m.start() - 45) : m.start()])
    ]
    slots: list[list] = []  # [count, group, outcome, qualifier, before, alt]
    alt, last_end = 0, 0
    for i, m in enumerate(numbers):
        before = text[max(0, m.start() - 45) : m.start()]
        if CONTRAST.search(text[last_end : m.start()]) and slots:
            alt += 1
        last_end = m.end()
        group = _group(text[m.end() :])
        if group is None:
            continue
        end = numbers[i + 1].start() if i + 1 < len(numbers) else len(text)
        outcome = _outcome(before, text[m.end() : end])
        qualifier = "approximate" if m.start() in approx else _qualifier(before)
        slots.append([int(_digits(m.group(1))), group, outcome, qualifier, before, alt])
    _resolve_coordination(slots)
    return tuple(Figure(c, o, g, q, claim, a) for c, g, o, q, b, a in slots if o in OUTCOMES)


def no_casualties(sentence: str) -> bool:
    return bool(NO_CASUALTIES.search(sentence))


def tally(per_sentence: list[list[Figure]]) -> Tally:
    """ACLED's count over the sentences reporting one event."""
    best: dict[str, int] = {}
    high: dict[str, int] = {}
    qualified = False
    for figures in per_sentence:
        killed = [f for f in figures if f.outcome == "killed"]
        qualified |= any(f.qualifier in ("at_least", "more_than") for f in killed if not f.claim)
        lo, hi = _sentence_counts([f for f in killed if not f.claim])
        for group, value in lo.items():
            best[group] = max(best.get(group, 0), value)
        for group, value in {**hi, **_sentence_counts([f for f in killed if f.claim])[1]}.items():
            high[group] = max(high.get(group, 0), value)
    best = _merge_people(best)
    high = _merge_people(high)
    total = sum(best.values())
    top = sum(max(best.get(g, 0), high.get(g, 0)) for g in set(best) | set(high))
    return Tally(
        fatalities=total,
        low=total if qualified or top > total else None,
        high=top if top > total else None,
        wounded=_max_total(per_sentence, "wounded"),
        abducted=_max_total(per_sentence, "abducted"),
        stated=any(f.outcome == "killed" for figures in per_sentence for f in figures),
    )


def _sentence_counts(killed: list[Figure]) -> tuple[dict[str, int], dict[str, int]]:
    """Per party: the lowest and highest of the sentence's competing counts (each count summing its figures)."""
    by_alt: dict[int, dict[str, int]] = {}
    for f in killed:
        groups = by_alt.setdefault(f.alt, {})
        groups[f.group] = groups.get(f.group, 0) + f.count
    lo: dict[str, int] = {}
    hi: dict[str, int] = {}
    for groups in by_alt.values():
        for group, value in groups.items():
            lo[group] = min(lo.get(group, value), value)
            hi[group] = max(hi.get(group, value), value)
    return lo, hi


def _merge_people(counts: dict[str, int]) -> dict[str, int]:
    """An unqualified "people" toll usually restates the civilians' one; keep the larger of the two."""
    if "people" in counts and "civilians" in counts:
        counts = dict(counts)
        counts["civilians"] = max(counts["civilians"], counts.pop("people"))
    return counts


def _max_total(per_sentence: list[list[Figure]], outcome: str) -> int | None:
    totals = [sum(f.count for f in figures if f.outcome == outcome and f.alt == 0) for figures in per_sentence]
    totals = [t for t in totals if t]
    return max(totals) if totals else None


def _resolve_coordination(slots: list[list]) -> None:
    """ "3 US soldiers and 4 Nigerien soldiers were killed": a figure without its own verb shares its neighbour's."""
    for i in range(len(slots) - 2, -1, -1):
        if slots[i][2] == "defer" and slots[i + 1][2] in OUTCOMES:
            slots[i][2] = slots[i + 1][2]
    for i in range(1, len(slots)):
        if slots[i][2] not in OUTCOMES and re.search(r"(and|et|as well as|ainsi que)\s*$", slots[i][4], re.IGNORECASE):
            slots[i][2] = slots[i - 1][2]


def _skipped(before: str) -> bool:
    return bool(NEGATED.search(before) or SUBSET.search(before))


def _outcome(before: str, segment: str) -> str | None:
    """What happened to the people a number counts: an active verb just before it, else its own clause."""
    m = ACTIVE_BEFORE.search(before)
    if m:
        return _cue_outcome(CUE.search(m.group(1))) or "killed"
    clause = re.split(
        r"[;:]|,\s*(?:while|tandis|alors|but|mais|selon|according)|\b(?:while|tandis que|whereas)\b", segment
    )[0]
    for cue in CUE.finditer(clause):
        if not re.search(r"(ing|ant)$", cue.group(0)) and cue.start() < 90:
            return _cue_outcome(cue)
    if re.search(r"^[^;:]{0,130}?(?:\band\b|\bet\b|,|\bas well as\b|\bainsi que\b)\s*$", segment, re.IGNORECASE):
        return "defer"
    return None


def _cue_outcome(cue: re.Match | None) -> str | None:
    if cue is None:
        return None
    return "killed" if cue.group("k") else "wounded" if cue.group("w") else "abducted"


def _normalise(sentence: str, lang: str) -> tuple[str, set[int]]:
    """Digits for number words; vague quantities as their ACLED figure, their positions remembered."""
    text = sentence.replace("\u2019", "'").replace("\u00a0", " ")
    text = re.sub(
        r"\b(?:une?|a|an)\s+(" + "|".join(ROUND) + r")\b(?:\s+(?:d'|de |of ))?",
        lambda m: f"{ROUND[m.group(1).lower()]}~ ",
        text,
        flags=re.IGNORECASE,
    )
    for pattern, value in VAGUE:
        text = re.sub(rf"(?:{pattern})(?:\s+(?:d'|de |of ))?", f"{value}~ ", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:la |the )?perte d'une?\b|\bloss of (?:one|a|an)\b", "perte 1", text, flags=re.IGNORECASE)
    if lang in ("fr", "en"):
        with contextlib.suppress(Exception):  # text2num gives up on odd input; keep the words
            text = alpha2digit(text, lang, threshold=2)
    text = SINGLE.sub("1 ", text)
    approx: set[int] = set()
    while (m := re.search(r"(\d+)~", text)) is not None:
        approx.add(m.start())
        text = text[: m.end() - 1] + text[m.end() :]
    return text, approx


def _countable(text: str, m: re.Match) -> bool:
    count = int(_digits(m.group(1)))
    follow = text[m.end() : m.end() + 14].lower()
    if re.match(
        r"\s*(?:km|kilom|h\b|heures|hours|%|percent|pour cent|ans\b|years|mois|months|jours|days|ème|e\b|er\b)", follow
    ):
        return False
    return count <= 5000 and not 1900 <= count <= 2100


def _digits(raw: str) -> str:
    return re.sub(r"[ \u202f,]", "", raw)


def _group(after: str) -> str | None:
    """The party a number counts: the first party noun within a few words after it."""
    words = WORD.findall(after[:90])[:7]
    for i, word in enumerate(words):
        for phrase in (" ".join(words[i : i + 3]), " ".join(words[i : i + 2]), word):
            for name, rx in GROUP_WORD.items():
                if rx.fullmatch(phrase):
                    return name
    return None


def _qualifier(before: str) -> str:
    m = QUALIFIER.search(before)
    if not m:
        return ""
    word = m.group(1).lower()
    if word.startswith(("au moins", "at least")):
        return "at_least"
    if word.startswith(("plus", "more", "over", "upwards")):
        return "more_than"
    return "approximate"
