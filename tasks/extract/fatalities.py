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
    r"beat(?:en)? to death|battue?s? à mort|lynch[ée]s?|lynched|burned alive|brûl[ée]s? vifs?|"
    r"victimes|victims|bilan|toll|porte à|perte|loss|lost|neutralised|neutralized|bodies|corps sans vie|"
    r"tomb[ée]s?(?! dans| sur| en| aux mains| entre)|trouv[ée] la mort|ont trouvé la mort|"
    r"[ée]limin[ée]s?|eliminated|eliminating|co[ûu]t[ée] la vie|co[ûu]tant la vie|cost the lives?|claim(?:ed|ing) the lives?"
)
WOUNDED = r"bless[ée]s?|bless[ée]es|blessant|touch[ée]s|wounded|wounding|injured|injuring|injuries|hurt"
ABDUCTED = (
    r"enlev[ée]s?|enlev[ée]es|enl[eè]vement|kidnapp\w*|abduct\w*|emmen[ée]s?|emmen[ée]es|otages?|hostages?|"
    r"captives?|pris en otage|taken hostage"
)
MISSING = r"(?:port[ée]e?s? )?disparu(?:e|s|es)?|missing|unaccounted for"
CUE = re.compile(rf"\b(?:(?P<k>{KILLED})|(?P<w>{WOUNDED})|(?P<a>{ABDUCTED})|(?P<m>{MISSING}))\b", re.IGNORECASE)
GROUPS = {
    "state": r"[ée]l[ée]ments (?:des|de la|de l'|du) (?:fds|forces|arm[ée]e|gendarmerie|police|garde)|soldats?|militaires?|soldiers?|troops?|gendarmes?|policiers?|police officers?|policemen|agents?|"
    r"casques bleus|peacekeepers?|commandos?|membres des forces|members of the security forces|security personnel|"
    r"vdp|volontaires|militiamen|miliciens|vigilantes?|hunters|chasseurs|dozos?|koglweogos?|gardes?|guards?|douaniers|officers?|sergents?|marines|servicemen|personnel|forces|partners|"
    r"partenaires|comrades|camarades|colleagues|collègues|members|membres|recrues|recruits",
    "attackers": r"assaillants?|terroristes?|jihadistes?|djihadistes?|militants?|insurgents?|fighters?|combattants?|"
    r"attackers?|assailants?|gunmen|combatants?|kamikazes?|suicide bombers?|bandits?|rebelles?|rebels?|islamistes?|islamists?|"
    r"hommes armés|éléments|of the attackers|of the assailants|des assaillants|terrorists?|jihadists?|extremists?|"
    r"extrémistes|insurgés|ennemis|enemy|enemies",
    "civilians": r"civils?|civilians?|villageois|villagers|habitants?|residents?|femmes|women|enfants|children|"
    r"élèves|pupils|students?|fidèles|worshippers?|éleveurs?|herders?|farmers?|agriculteurs?|commerçants?|traders?|"
    r"merchants?|shopkeepers?|villagers?|residents?|passengers?|travell?ers?|worker|miners?|"
    r"passagers|passengers|displaced|déplacés|réfugiés|refugees|enseignants|teachers|miners|orpailleurs|chrétiens|"
    r"christians|musulmans|muslims|bergers|pêcheurs|fishermen|travellers|voyageurs|worshipers|ressortissants|"
    r"nationals|citizens|otages|hostages|travailleurs|workers|humanitaires|employés|employees|prêtres?|priests?|"
    r"missionaries|journalistes|journalists|maires?|mayors?|élus|notables|imams?|chefs?|chiefs?|village heads?|"
    r"leaders?|pastors?|pasteurs?|elders|fermiers|paysans|"
    r"drivers?|chauffeurs?|conducteurs?|transporteurs?|truckers?|camionneurs?|shoppers|marketgoers|vendeurs?|vendors?|"
    r"man|homme|woman|femme|child|enfant|boy|girl|garçon|fillette|son|daughter|baby|fils|fille|bébé|manifestants?|protesters?|demonstrators?|youths?|jeunes?",
    "people": r"personnes?|people|persons?|individus?|individuals?|victimes|victims|morts|dead|hommes|men|bodies|corps|autres|others|"
    r"more|d'entre eux|of them|from the|from|de ses|of its|among",
}
GROUP_WORD = {name: re.compile(rf"(?:{p})", re.IGNORECASE) for name, p in GROUPS.items()}
NOT_PERSON = re.compile(
    r"(?:v[ée]hicules?|vehicles?|camions?(?:-citernes?)?|trucks?|tankers?|citernes?|lorries|lorry|motos?|motocyclettes?|"
    r"motorcycles?|motorbikes?|bikes?|cars?|voitures?|bus|buses|autocars?|pick-?ups?|minibus|convois?|convoys?|"
    r"maisons?|houses?|homes?|cases|huts?|habitations?|b[âa]timents?|buildings?|boutiques?|shops?|magasins?|stores?|"
    r"[ée]coles?|schools?|classes|[ée]glises?|churches|mosqu[ée]es?|mosques?|h[ôo]pitaux|centres?|clinics?|"
    r"greniers?|granaries|puits|wells?|ponts?|bridges?|pyl[ôo]nes?|antennas?|antennes?|engins?|machines?|"
    r"villages?|localit[ée]s?|communes?|towns?|cities|villes?|camps?|bases?|postes?|posts?|positions?|checkpoints?|"
    r"têtes|head|heads|b[ée]tail|cattle|cows?|vaches?|b[œo]eufs?|bovins|moutons?|sheep|goats?|ch[èe]vres?|"
    r"chameaux|camels?|[âa]nes|donkeys?|animaux|animals?|livestock|ovins|caprins|"
    r"armes?|weapons?|fusils?|rifles?|guns?|kalachnikovs?|ak-?47s?|munitions?|rounds?|cartouches?|ammunition|"
    r"drones?|mines?|bombes?|bombs?|obus|roquettes?|rockets?|grenades?|missiles?|"
    r"km|kilom[èe]tres?|kilometres?|kilometers?|miles?|m[èe]tres?|metres?|meters?|heures?|hours?|minutes?|"
    r"jours?|days?|semaines?|weeks?|mois|months?|ans|ann[ée]es?|years?|fois|times|"
    r"francs?|fcfa|cfa|dollars?|euros?|nairas?|tonnes?|tons?|litres?|liters?|barils?|barrels?|sacs?|bags?|kg|kilos?|"
    r"hectares?|pour|percent|provinces?|r[ée]gions?|pays|countries|[ée]tats|states|districts?|"
    r"attaques?|attacks?|assauts?|assaults?|raids?|embuscades?|ambush(?:es)?|explosions?|frappes?|strikes?|"
    r"op[ée]rations?|incidents?|affrontements?|clashes|combats?|[ée]v[ée]nements?|events?)",
    re.IGNORECASE,
)
PHRASE_END = re.compile(
    r"[,;:()]|(?<![A-Z])\.(?:\s|$)|\s(?:and|et|or|ou|while|tandis|alors|but|mais|who|qui|that|que|on|in|at|à|dans|near|près|lors|"
    r"during|pendant|since|depuis|when|lorsque|after|après|before|avant)\s",
    re.IGNORECASE,
)
OUTCOME_AFTER = re.compile(
    rf"^\s*(?:(?:ont|sont|have|had|were|was|are|ont été|have been|had been|avaient été|were all|sont tous)\s+)?"
    rf"(?:(?:reportedly|allegedly|also|all|later|apparently|auraient été|auraient|seraient)\s+)?"
    rf"(?:{KILLED}|{WOUNDED}|{ABDUCTED}|{MISSING})\b",
    re.IGNORECASE,
)
KIN = re.compile(r"(\band\s+)(?:her|his|their|sa|son)\s+(child|son|daughter|baby|enfant|fils|fille|bébé)\b", re.I)
CODED = re.compile(  # "Fatalities coded as 17", a monitor's "Fatalities: 3." (one event: one figure)
    r"\bfatalit(?:y|ies) (?:were |was )?(?:coded|recorded|counted) as (\d+)\b|\bfatalit(?:y|ies)\s*:\s*(\d+)\s*(?:\.|$|\[)",
    re.IGNORECASE,
)
RANGE = re.compile(  # "between 20 and 40 Fulani civilians", "entre 20 et 40 civils", "20 to 40 people"
    r"(?:\b(?:between|entre)\s+)?(?<![\d.,])(\d+)\s*(?:and|et|to|à|-|–)\s*(\d+)\s+([\w'-]+(?:\s+[\w'-]+){0,2})",
    re.IGNORECASE,
)


def _competing(m: re.Match) -> str:
    """A range is two competing figures, as two sources giving each would be: the lower is the count."""
    low, high = int(m.group(1)), int(m.group(2))
    plain = m.group(0).lower().startswith(("between", "entre")) or re.match(r"\d+\s*(?:to|à|-|–)", m.group(0))
    if not plain or not low < high:
        return m.group(0)  # "3 soldiers and 2 civilians" is no range
    words = m.group(3).split()
    head = next((i for i, w in enumerate(words) if any(rx.fullmatch(w) for rx in GROUP_WORD.values())), 0)
    noun, rest = " ".join(words[: head + 1]), " ".join(words[head + 1 :])
    return f"{low} {noun} versus {high} {noun} {rest}".rstrip()
SELF = re.compile(r"\band (?:(\d+) )?(?:herself|himself|themselves|lui-même|elle-même|eux-mêmes)\b", re.IGNORECASE)
OTHER_SOURCE = re.compile(  # "JNIM claimed 100 killed; local sources reported at least 30": another source's count
    r";[^;]{0,60}\b(?:claim\w*|said|say|report\w*|according|selon|affirm\w*|revendiqu\w*|annonc\w*|sources?)\b",
    re.IGNORECASE,
)
LOSER = re.compile(r"lost|perdu|loss|perte", re.IGNORECASE)
OUTCOME_BEFORE = re.compile(
    r"(?:\b(?:killing|killed|kills|kill|tuant|tué|tue|massacring|massacred|executed|executing|wounding|injuring|"
    r"blessant|abducting|kidnapping|enlevant|abducted|kidnapped|enlevé|claiming the lives of|coûté la vie à|"
    r"coûtant la vie à)|\b(?:bilan|toll|nombre de (?:morts|victimes|tués))\b[^.,;]{0,30}?\b(?:à|de|d'|to|at|of|is|was|est))"
    r"\s+(?:(?:au moins|at least|plus d[e']|more than|over|some|about|around|environ|près d[e']|nearly|quelque|"
    r"approximately|roughly|a total of|un total de)\s*)?$",
    re.IGNORECASE,
)
ATTRIBUTED = re.compile(
    r"\b(?:according to|selon|d'après|cités? par|quoted by)\b",
    re.IGNORECASE,
)
MONTHS = (
    r"janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre|january|february|"
    r"march|april|may|june|july|august|september|october|november|december|jan|feb|apr|jun|jul|aug|sept?|oct|nov|dec"
)
WORD = re.compile(r"[\w'-]+")
SINGLE = re.compile(
    r"(?<!['’])\b(?:un|une|(?-i:a|A)|an|one)\s+(?!(?:attaque|attack|group|groupe|colonne|column|bande|gang|convoi|convoy|"
    r"unit[ée]?|poste|post|position|camp|base|raid|embuscade|ambush|assaut|assault|offensive|incursion|op[ée]ration)\b)"
    r"(?=(?:[\w-]+\s+){0,2}?(?:"
    + "|".join((GROUPS["state"], GROUPS["civilians"], GROUPS["attackers"], "homme|man|personne|person",
                "morts?|victimes?|dead"))
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
SUBSET_AFTER = re.compile(
    r"\s*(?:of them|of whom|among them|d'entre (?:eux|elles)|parmi (?:eux|elles|lesquels))\b", re.I
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
    r"\b(killing|killed|kills|kill|shot dead|shooting dead|beat to death|beating to death|lynched|lynching|tuant|tué|tue|abattu|abattus|abattant|assassiné|assassinés|"
    r"assassinant|exécuté|exécutés|fait|faisant|massacred|massacring|executed|executing|wounding|"
    r"injuring|blessant|abducting|kidnapping|enlevant|abducted|kidnapped|enlevé|slitting the throats of|égorgé|"
    r"égorgeant|neutralisé|neutralisés|neutralised|neutralized|eliminated|éliminé|éliminés|perte|loss of|lost|perdu|"
    r"claiming the lives of|"
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
AMONG_THE_DEAD = re.compile(
    r"\b(?:figur\w* parmi les|parmi les (?:victimes|morts|tués|personnes tuées)|(?:were|was|are|is) among the "
    r"(?:dead|victims|killed)|among (?:the dead|the victims|those killed))\b",
    re.IGNORECASE,
)
NEUTRALISED = re.compile(r"\b(?:neutralis\w*|neutraliz\w*|[ée]limin\w*)", re.IGNORECASE)
THOUSANDS = re.compile(r"\b(?:thousands|des milliers|milliers|tens of thousands|des dizaines de milliers)\b", re.I)
ADDITIVE = re.compile(r"^\s*(?:autres|others|other people|more)\b|\b(?:également|aussi|also|as well|de plus|in addition)\b", re.I)
NOT_VIOLENT_DEATH = re.compile(
    r"\b(?:morts? de faim|died of (?:hunger|starvation|disease)|de faim|starv\w+|famine|of hunger|de maladie|"
    r"of disease|noy[ée]s?|drowned|morts? ou (?:grièvement )?bless[ée]s|(?:dead|killed) or (?:seriously )?(?:injured|wounded)|"
    r"tu[ée]s ou bless[ée]s)\b",
    re.IGNORECASE,
)
REVISED = re.compile(
    r"\b(?:s'est alourdi|alourdi|est pass[ée] à|pass[ée] de \d+ à|rose to|risen to|climbed to|increased to|now stands at|"
    r"nouveau bilan|new (?:death )?toll|revised|révisé|latest toll|dernier bilan|a grimpé)\b",
    re.IGNORECASE,
)
RANKS = re.compile(
    r"^\s*(?:(?:personnes|people|morts?|tu[ée]s|dead|killed|victimes)\s+)?,?\s*(?:dans l(?:e|es) rangs? (?:de |d'|des |du )|"
    r"parmi (?:les )?|among(?: the)? |from the ranks of |du côté (?:de |des |de l'|du )|côté )\s*(?:l'|la |les |the )?"
    r"(?:(?P<state>arm[ée]e|army|militaires|soldats|soldiers|troops|forces|FDS|gendarmes?|gendarmerie|police|policiers|"
    r"ami\b)|(?P<attackers>militants|assaillants|terroristes|jihadistes|djihadistes|insurg\w+|attackers|assailants|"
    r"terrorists|jihadists|fighters|combattants|ennemis?|enemy))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Figure:
    count: int
    outcome: str  # 'killed' | 'wounded' | 'abducted'
    group: str  # 'state' | 'attackers' | 'civilians' | 'people' | 'coded' ("Fatalities coded as 17": no party)
    qualifier: str = ""  # 'at_least' | 'more_than' | 'approximate' | ''
    claim: bool = False
    alt: int = 0
    additive: bool = False  # "quatre autres personnes ont également trouvé la mort": on top of the others
    revised: bool = False  # "le bilan s'est alourdi à 20": replaces earlier figures


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
    coded = CODED.search(sentence)
    if coded:  # "Fatalities coded as 17": the note states the count it settled on
        return (Figure(int(coded.group(1) or coded.group(2)), "killed", "coded", "coded"),)  # a count of no party
    if not CUE.search(sentence) or AMONG_THE_DEAD.search(sentence):
        return ()  # "un chef coutumier figure parmi les victimes": a part of a toll given elsewhere
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
        if slots and (CONTRAST.search(text[last_end : m.start()]) or OTHER_SOURCE.search(text[last_end : m.start()])):
            alt += 1
        last_end = m.end()
        group = _group(text[m.end() :], before, lang)
        if group is None or (slots and SUBSET_AFTER.match(text[m.end() :])):
            continue  # "35 people, 31 of them women": the 31 are among the 35
        end = numbers[i + 1].start() if i + 1 < len(numbers) else len(text)
        outcome = _outcome(before, text[m.end() : end])
        qualifier = "vague" if m.start() in approx else _qualifier(before)
        if group == "people" and NEUTRALISED.search(before[-30:] + text[m.end() : m.end() + 40]):
            group = "attackers"  # "eliminated at least 22 people": the army's word for the militants it killed
        slots.append([int(_digits(m.group(1))), group, outcome, qualifier, before, alt])
    _resolve_coordination(slots)
    if slots and any(o == "killed" for _, _, o, _, _, _ in slots) and (own := SELF.search(text)):
        slots.append([int(own.group(1) or 1), "attackers", "killed", "", "", slots[-1][5]])  # "... and herself"
    revised = bool(REVISED.search(text))
    return tuple(
        Figure(c, o, g, q, claim, a, _additive(text, c), revised)
        for c, g, o, q, b, a in slots
        if o in OUTCOMES and not (o == "killed" and _not_by_violence(text))
    )


def _additive(text: str, count: int) -> bool:
    """ "Quatre autres personnes ont également trouvé la mort": counted on top of the toll given before."""
    m = re.search(rf"(?<!\d){count}(?!\d)(?P<after>.{{0,60}})", text)
    return bool(m and ADDITIVE.search(m.group("after")))


def _not_by_violence(text: str) -> bool:
    return bool(NOT_VIOLENT_DEATH.search(text))


def no_casualties(sentence: str) -> bool:
    return bool(NO_CASUALTIES.search(sentence))


def _coded(per_sentence: list[list[Figure]]) -> Tally | None:
    coded = [f.count for figures in per_sentence for f in figures if f.qualifier == "coded"]
    if not coded:
        return None
    return Tally(coded[0], None, None, _max_total(per_sentence, "wounded"), _max_total(per_sentence, "abducted"), True)


def tally(per_sentence: list[list[Figure]]) -> Tally:
    """ACLED's count over the sentences reporting one event.

    Each party's toll is the most conservative figure any sentence gives for it (the reports of one event compete
    more often than they add up: "at least 10 gendarmes" then "a dozen gendarmes" is 10), a vague one ("dozens",
    "une dizaine") only when no sentence gives a number, unless a sentence revises it ("the toll rose to 20"); the
    highest goes to fatalities_high. The parties' tolls add up; a toll of "people"
    covers them (15 people killed, 15 soldiers killed: 15) unless it is said to be more ("four others also died").
    """
    coded = _coded(per_sentence)
    if coded:
        return coded
    lows: dict[str, int] = {}
    highs: dict[str, int] = {}
    revised: dict[str, int] = {}
    additive = qualified = False
    precise = {f.group for figures in per_sentence for f in figures if f.outcome == "killed" and f.qualifier != "vague"}
    for figures in per_sentence:
        killed = [f for f in figures if f.outcome == "killed"]
        if not killed:
            continue
        lo, hi = _sentence_counts(killed)
        lo = {g: v for g, v in lo.items() if g not in precise or any(f.group == g and f.qualifier != "vague" for f in killed)}
        for group, value in lo.items():
            lows[group] = min(lows.get(group, value), value)
            if any(f.revised for f in killed):
                revised[group] = value
        for group, value in hi.items():
            highs[group] = max(highs.get(group, 0), value)
        additive |= any(f.additive and f.group == "people" for f in killed)
    lows.update(revised)
    qualified = any(
        f.qualifier in ("at_least", "more_than") and lows.get(f.group) == f.count
        for figures in per_sentence for f in figures if f.outcome == "killed"
    )  # fmt: skip
    total, top = _total(lows, additive), _total({g: max(v, lows.get(g, 0)) for g, v in highs.items()}, additive)
    return Tally(
        fatalities=total,
        low=total if qualified or top > total else None,
        high=top if top > total else None,
        wounded=_max_total(per_sentence, "wounded"),
        abducted=_max_total(per_sentence, "abducted"),
        stated=any(f.outcome == "killed" for figures in per_sentence for f in figures),
    )


def _total(counts: dict[str, int], additive: bool) -> int:
    """The parties' tolls added up. A "people" toll at least as large as the victims' (civilians and forces) is their
    total restated; a smaller one, or one said to be more ("four others also died"), counts others besides. The
    attackers' dead are always apart ("ten people killed by three suicide bombers, who also died": 13)."""
    people = counts.get("people", 0)
    victims = counts.get("civilians", 0) + counts.get("state", 0)
    covered = people if people >= victims and not additive else people + victims
    return covered + counts.get("attackers", 0)


def _sentence_counts(killed: list[Figure]) -> tuple[dict[str, int], dict[str, int]]:
    """Per party: the lowest and highest of the sentence's competing counts (each count summing its figures)."""
    by_alt: dict[int, dict[str, int]] = {}
    for f in killed:
        groups = by_alt.setdefault(f.alt, {})
        groups[f.group] = groups.get(f.group, 0) + f.count
    lo: dict[str, int] = {}
    hi: dict[str, int] = {}
    for groups in map(_people_total, by_alt.values()):
        for group, value in groups.items():
            lo[group] = min(lo.get(group, value), value)
            hi[group] = max(hi.get(group, value), value)
    return lo, hi


def _people_total(counts: dict[str, int]) -> dict[str, int]:
    """In one sentence, a "people" toll that covers the parties' tolls is their total, not one more party ("12
    people were killed: 8 civilians and 4 soldiers" is 12)."""
    parties = [v for g, v in counts.items() if g != "people"]
    people = counts.get("people", 0)
    if parties and (people > sum(parties) or (people == sum(parties) and len(parties) > 1)):
        return {"people": people}
    return counts


def _max_total(per_sentence: list[list[Figure]], outcome: str) -> int | None:
    totals = [sum(f.count for f in figures if f.outcome == outcome and f.alt == 0) for figures in per_sentence]
    totals = [t for t in totals if t]
    return max(totals) if totals else None


def _resolve_coordination(slots: list[list]) -> None:
    """ "3 US soldiers and 4 Nigerien soldiers were killed": a figure without its own verb shares its neighbour's."""
    for i in range(len(slots) - 2, -1, -1):
        if slots[i][2] == "defer" and slots[i + 1][2] in (*OUTCOMES, "missing"):
            slots[i][2] = slots[i + 1][2]
    for i in range(1, len(slots)):
        if slots[i][2] not in (*OUTCOMES, "missing") and re.search(r"(and|et|as well as|ainsi que|versus)\s*$", slots[i][4], re.I):
            slots[i][2] = slots[i - 1][2]


def _skipped(before: str) -> bool:
    """A source ("according to two officials and a resident"), a subset ("dont 3 civils") or a negation."""
    if NEGATED.search(before) or SUBSET.search(before):
        return True
    sources = list(ATTRIBUTED.finditer(before))
    rest = before[sources[-1].end() :] if sources else ""
    return bool(sources) and not re.search(r"[,;:]", rest) and not CUE.search(rest)


def _outcome(before: str, segment: str) -> str | None:
    """What happened to the people a number counts: an active verb just before it, else its own clause."""
    stated = OUTCOME_AFTER.match(segment)
    if stated:
        return _cue_outcome(CUE.search(stated.group(0)))  # "fait état d'une quinzaine de blessés": wounded
    m = ACTIVE_BEFORE.search(before)
    if m:
        return _cue_outcome(CUE.search(m.group(1))) or "killed"
    clause = re.split(
        r"[;:]|,\s*(?:while|tandis|alors|but|mais|selon|according)|\b(?:while|tandis que|whereas)\b|"
        r"\b(?:et|and)\s+[«\"“]?\s*(?:ils|elles|il|they|he|she)\b", segment
    )[0]
    for cue in CUE.finditer(clause):
        if LOSER.fullmatch(cue.group(0)):
            continue  # "a herder who lost two cousins": the one who lost is not among the dead
        if re.search(r"\b(?:dont|whose)\s+(?:la|le|les|l['’]|sa|son|ses|his|her|their|the)\b", clause[: cue.start()], re.I):
            return None  # "un habitant dont la cousine a péri": the resident is a witness, his cousin the victim
        if not re.search(r"(ing|ant)$", cue.group(0)) and cue.start() < 90:
            return _cue_outcome(cue)
    bound = OUTCOME_BEFORE.search(before)
    if bound:
        return _cue_outcome(CUE.search(bound.group(0))) or "killed"
    if re.search(r"^[^;:]{0,130}?(?:\band\b|\bet\b|,|\bas well as\b|\bainsi que\b|\bversus\b)\s*$", segment, re.IGNORECASE):
        return "defer"
    return None


def _cue_outcome(cue: re.Match | None) -> str | None:
    if cue is None:
        return None
    if cue.group("m"):
        return "missing"  # "50 civils portés disparus": not among the dead
    return "killed" if cue.group("k") else "wounded" if cue.group("w") else "abducted"


def _normalise(sentence: str, lang: str) -> tuple[str, set[int]]:
    """Digits for number words; vague quantities as their ACLED figure, their positions remembered."""
    text = sentence.replace("\u2019", "'").replace("\u00a0", " ")
    text = THOUSANDS.sub("many", text)  # "thousands killed": an aggregate, never a toll
    text = re.sub(
        r"\b(?:une?|a|an)\s+(" + "|".join(ROUND) + r")\b(?:\s+(?:d'|de |of ))?",
        lambda m: f"{ROUND[m.group(1).lower()]}~ ",
        text,
        flags=re.IGNORECASE,
    )
    text = RANGE.sub(_competing, text)
    for pattern, value in VAGUE:
        text = re.sub(rf"(?:{pattern})(?:\s+(?:d'|de |of ))?", f"{value}~ ", text, flags=re.IGNORECASE)
    text = re.sub(r"\b(?:la |the )?perte d'une?\b|\bloss of (?:one|a|an)\b", "perte 1", text, flags=re.IGNORECASE)
    if lang in ("fr", "en"):
        with contextlib.suppress(Exception):  # text2num gives up on odd input; keep the words
            text = alpha2digit(text, lang, threshold=2)
    text = KIN.sub(lambda m: f"{m.group(1)}1 {m.group(2)}", text)  # "a woman and her child": one more
    text = SINGLE.sub(lambda m: m.group(0) if lang == "fr" and m.group(0).strip() in ("a", "A") else "1 ", text)
    approx: set[int] = set()
    while (m := re.search(r"(\d+)~", text)) is not None:
        approx.add(m.start())
        text = text[: m.end() - 1] + text[m.end() :]
    return text, approx


def _countable(text: str, m: re.Match) -> bool:
    count = int(_digits(m.group(1)))
    follow = text[m.end() : m.end() + 14].lower()
    if re.match(
        rf"\s*(?:km|kilom|h\b|heures|hours|%|percent|pour cent|ans\b|years|mois|months|jours|days|ème|e\b|er\b|"
        rf"[ap]\.?m\b|gmt|(?:{MONTHS})\b)",
        follow,
        re.IGNORECASE,
    ):
        return False
    return count <= 5000 and not 1900 <= count <= 2100


def _digits(raw: str) -> str:
    return re.sub(r"[ \u202f,]", "", raw)


def _group(after: str, before: str = "", lang: str = "en") -> str | None:
    """The party a number counts: the head noun of its phrase ("30 fuel tankers" counts no one), else "people" when
    a kill verb is bound to the bare number ("12 killed", "12 tués", "killing 12", "bilan de 12").

    English puts the head last ("3 special operations soldiers"), French first ("1 attaque terroriste")."""
    ranks = RANKS.match(after)  # "28 morts dans les rangs de l'armée", "17 morts parmi les militants"
    if ranks:
        return "state" if ranks.group("state") else "attackers"
    end = PHRASE_END.search(after[:90])
    phrase = after[: end.start() if end else 90]
    words = WORD.findall(phrase)[:6]
    thing = owner = False  # "30 fuel tankers": a thing; "3 véhicules de soldats": a thing that people own
    for i, word in enumerate(words):
        if word.isdigit():
            break
        for joined in (" ".join(words[i : i + 3]), " ".join(words[i : i + 2]), word):
            for name, rx in GROUP_WORD.items():
                if rx.fullmatch(joined):
                    return None if owner else name
        if NOT_PERSON.fullmatch(word):
            thing = True
            owner |= lang != "en" or (i + 1 < len(words) and bool(re.fullmatch(r"of|de|d'|des|du", words[i + 1], re.I)))
    if thing:
        return None
    if OUTCOME_AFTER.match(phrase) or OUTCOME_BEFORE.search(before):
        return "people"
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
