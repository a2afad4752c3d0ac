"""Who an attack was aimed at, and who carried it out.

ACLED codes an attack on soldiers, gendarmes, police, a pro-government militia or another armed group as a battle
(or as an explosion when a bomb, mine or drone did the harm) and as violence against civilians only when the
victims were unarmed. Reporting names the target in a few ways, read here in this order:

- the object of the attack: "attaque contre le poste de gendarmerie", "an attack on a military convoy",
  "ont attaqué le village", "visant les forces armées", "opened fire on worshippers";
- the subject of a passive attack: "le convoi a été attaqué", "the post came under attack", "une patrouille est
  tombée dans une embuscade", "les forces tchadiennes ont subi une attaque";
- the dead and wounded (fatalities.Figure groups), by the caller.

`target(texts)` returns 'forces', 'civilians' or 'militants' (the army's strike on "terroristes") for the first
text that names one, else None. `perpetrator(text)` is the side that attacks: the subject of an active attack verb
or the agent of a passive one ("tués par des jihadistes", "killed by the army").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from tasks.extract.actors import find_actors

ARMED_GROUPS = ("jihadist", "rebel", "unidentified")

FORCES = re.compile(
    r"\b(?:arm[ée]es?|army|militaires?|military|soldats?|soldiers?|troops?|troupes?|forces|FDS|FAMa|FAN|gendarm\w*|"
    r"police\w*|policiers?|(?<!-)commissariat|postes? (?:de police|de gendarmerie|militaires?|avanc[ée]s?|de contr[ôo]le|"
    r"frontali\w+|de douane)|(?:army|military|police|gendarme|border|security|forward|customs) (?:posts?|positions?)|"
    r"checkpoints?|barrages?|bases?(?! terroristes?)|camps?(?! (?:de |of |d')(?:d[ée]plac|r[ée]fugi|displac|refugee|"
    r"orpaill|entra[îi]nement|training|terroris|jihad))|garrisons?|garnisons?|casernes?|barracks|d[ée]tachements?|detachments?|positions?|patrouilles?|"
    r"patrols?|escortes?|escorts?|unit[ée]s?|units?|brigades?|bataillons?|battalions?|VDP|volontaires?|volunteers|"
    r"militia\w*|milic\w+|vigilantes?|dozos?|koglweogos?|self-defen[cs]e|autod[ée]fense|CJTF|peacekeepers?|"
    r"casques bleus|MINUSMA|convois? (?:militaires?|de l'arm[ée]e|escort[ée]s?)|military convoys?|army convoys?|"
    r"escorted convoys?|gardes?|guards?|douaniers?|customs|garde nationale|national guard|[ée]cole de gendarmerie|"
    r"training (?:school|centre|center)|a[ée]roport militaire|military airport|rangers?|[ée]co-?gardes?|"
    r"forestiers|agents? des eaux et for[êe]ts|palais pr[ée]sidentiel|presidential palace|pr[ée]sidence)\b",
    re.IGNORECASE,
)
CIVILIANS = re.compile(
    r"\b(?:villages?|villageois|villagers|habitants|residents|population|civils?|civilians?|march[ée]s?|markets?|"
    r"mosqu[ée]es?|mosques?|[ée]glises?|churches|fid[èe]les|worshippers|mariage|wedding|bapt[êe]mes?|funérailles|"
    r"funerals?|passagers|passengers|voyageurs|travell?ers|bus|cars de transport|camp de d[ée]plac[ée]s|"
    r"displacement camp|d[ée]plac[ée]s|displaced|r[ée]fugi[ée]s|refugees|orpailleurs|miners|[ée]leveurs|herders|"
    r"farmers|agriculteurs|cultivateurs|p[êe]cheurs|fishermen|commer[çc]ants|traders|femmes|women|enfants|children|"
    r"[ée]l[èe]ves|pupils|students|[ée]coles?|schools?|h[ôo]pital|hospital|domicile|hameaux?|hamlets?|"
    r"famille|family|ressortissants?|nationals|workers|travailleurs|"
    r"humanitaires|aid workers|usagers)\b",
    re.IGNORECASE,
)
MILITANTS = re.compile(
    r"\b(?:terroristes?|terrorists?|jihadistes?|djihadistes?|jihadists?|militants?|insurg\w+|assaillants?|"
    r"attackers?|assailants?|combattants|fighters|islamistes?|islamists?|bandits?|GAT|repaires?|hideouts?|"
    r"bases? terroristes?|terrorist (?:bases?|camps?|hideouts?)|camps? (?:terroristes?|d'entra[îi]nement)|"
    r"training camps?|colonnes?|convoys? of (?:militants|jihadists|terrorists))\b",
    re.IGNORECASE,
)
ATTACK_OBJECT = re.compile(
    r"\b(?:attaques?|attaqu[ée]\w*|attacks?|attacked|attacking|assauts?|assaults?|assaulted|raids?|raided|"
    r"embuscades?|ambush(?:es|ed)?|offensives?|incursions?|pris (?:pour cible|d'assaut)|prise d'assaut|"
    r"ciblant|cibl[ée]\w*|visant|vis[ée]\w*|targeting|targeted|stormed|overr(?:an|un)|envahi\w*|"
    r"opened fire (?:on|at)|ouvert le feu sur|fired (?:on|at)|tir[ée]?s? sur|s'en (?:sont|est) pris\w* (?:à|aux)|"
    r"turned on|struck|frapp[ée]\w*|hit|bombard\w*|shell(?:ed|ing))"
    r"(?:\s+(?:on|against|contre|de|du|des|d'|la|le|les|l'|un|une|the|a|an|their|its|leur|leurs|sa|son|ses|to|"
    r"à|au|aux|at|several|plusieurs|two|deux|three|trois))*\s+(?P<object>[^.;:!?]{0,60})",
    re.IGNORECASE,
)
PASSIVE = re.compile(  # the verb only: its subject is read from the text before it (no backtracking)
    r"\s(?:"
    r"(?:a|ont|avait|avaient|aurait|auraient)\s+été\s+(?:attaqu[ée]\w*|pris\w* pour cible|cibl[ée]\w*|vis[ée]\w*|"
    r"la cible d|pris\w* d'assaut|envahi\w*)|"
    r"(?:est|sont|était|étaient)\s+(?:tomb[ée]\w*|pass[ée]\w*) dans une embuscade|"
    r"(?:a|ont|avait|avaient)\s+subi\s+(?:une?|des|l')\s*(?:\w+\s+)?(?:attaques?|assauts?)|"
    r"(?:was|were|has been|have been|had been|is|are|being)\s+(?:attacked|ambushed|targeted|stormed|overrun|raided|"
    r"the target of|hit)|"
    r"came under (?:attack|fire)|suffered an? (?:\w+ )?attack|fell into an ambush)",
    re.IGNORECASE,
)
ATTACK_NOUN = re.compile(
    r"(?:attaques?|attacks?|assauts?|assaults?|raids?|embuscades?|ambush(?:es)?|offensives?|incursions?)\b", re.I
)
AGENT_FIRST = re.compile(
    r"^(?:(?:perp[ée]tr[ée]e?s?|men[ée]e?s?|commise?s?|lanc[ée]e?s?|carried out|launched|led|claimed|"
    r"revendiqu[ée]e?s?|attribu[ée]e?s?)\s+)?(?:d'|de |des |du |by |par |from )",
    re.IGNORECASE,
)
AGENT_INSIDE = re.compile(
    r"\b(?:perp[ée]tr[ée]e?s?|men[ée]e?s?|commise?s?|carried out|launched|claimed|revendiqu[ée]e?s?)\s+(?:par|by)\s+"
    r"[^,]{0,50}?(?=\s(?:contre|against|on|visant|targeting)\b|,|$)",
    re.IGNORECASE,
)
AGENT = re.compile(
    r"\b(?:par|by)\s+(?:des|les|un|une|le|la|l'|the|a|an|suspected|présumés?)?\s*(?P<agent>[^,.;]{0,40})", re.I
)
FORCES_AMONG = re.compile(  # "left dozens dead, including soldiers": forces among the victims
    r"\b(?:including|incluidos|dont|parmi lesquels|parmi eux|among them)\s+(?:\S+\s+){0,2}?"
    r"(?:soldiers|soldats|militaires|troops|gendarmes|police\w*|policiers|VDP|volontaires|volunteers)\b",
    re.IGNORECASE,
)
CONVOY = re.compile(r"\b(?:convoi|convoy|cortège)\b", re.IGNORECASE)
ESCORT = re.compile(r"\b(?:escort\w*|militaires?|military|army|arm[ée]e|soldats?|soldiers?|gendarm\w+|FDS)\b", re.I)


def classify(phrase: str) -> str | None:
    """The kind of the first target noun in a phrase: 'forces', 'civilians' or 'militants' ("des positions de
    l'EIGS": the positions of an armed group are militants, not forces)."""
    groups = [m for m in find_actors(phrase, None) if m.kind in ARMED_GROUPS]
    state = [m for m in find_actors(phrase, None) if m.kind in ("state", "police", "foreign", "un", "progov")]
    if groups and not (state and state[0].start < groups[0].start):
        return "militants"
    hits = []
    for kind, rx in (("forces", FORCES), ("civilians", CIVILIANS), ("militants", MILITANTS)):
        m = rx.search(phrase)
        if m:
            hits.append((m.start(), kind))
    if CONVOY.search(phrase) and ESCORT.search(phrase):
        hits.append((CONVOY.search(phrase).start(), "forces"))  # type: ignore[union-attr]
    return min(hits)[1] if hits else None


def target(texts: Iterable[str]) -> str | None:
    """What the attack in these texts was aimed at, from the first text that says it."""
    for text in texts:
        found = "forces" if FORCES_AMONG.search(text) else _object_kinds(text)  # "six morts dont quatre VDP"
        if found:
            return found
    return None


def aimed_kinds(text: str) -> set[str]:
    """Every kind of target the text's attack words name ("visant à la fois le détachement et la population")."""
    return {kind for _, kind in _aims(text)}


def _object_kinds(text: str) -> str | None:
    kinds = _aims(text)
    if not kinds:
        return None
    found = {k for _, k in kinds}
    if "forces" in found and "civilians" in found:
        return "forces"  # "un convoi de camions escorté par l'armée": the escort is the target that fights
    return min(kinds)[1]


@lru_cache(maxsize=4096)
def _aims(text: str) -> tuple[tuple[int, str], ...]:
    kinds = []
    for m in ATTACK_OBJECT.finditer(text):
        phrase = _object_phrase(m.group("object"), noun=bool(ATTACK_NOUN.match(m.group(0))))
        kind = classify(re.split(r",|\b(?:qui|who|which|where|où)\b", phrase)[0][:45]) if phrase else None
        if kind:
            kinds.append((m.start(), kind))
    for m in PASSIVE.finditer(text):
        before = re.split(r"[.;:!?]", text[max(0, m.start() - 70) : m.start()])[-1]
        subject = re.split(r"[,«»\"“”()]|\b(?:que|qui|that|which|when|lorsque|quand)\b", before)[-1]
        kind = classify(subject[-50:])
        if kind:
            kinds.append((m.start() - len(subject), kind))
    return tuple(kinds)


def _object_phrase(phrase: str, noun: bool) -> str:
    """What follows an attack word, without its agent: "(une attaque) de Boko Haram contre le village", "d'hommes
    armés contre le site" and "perpétrée par des individus armés contre le village" are attacks on the village and
    the site; "(l'armée a) attaqué des jihadistes" is an attack on militants."""
    agent = AGENT_FIRST.match(phrase)
    start = agent.end() if agent else 0
    if (agent or noun) and classify(phrase[start : start + 40]) == "militants":
        rest = re.search(r"\b(?:contre|against|on|visant|targeting|sur)\s+(?P<rest>.*)", phrase)
        return rest.group("rest") if rest else ""
    return AGENT_INSIDE.sub(" ", phrase)


def convoy_escorted(texts: Iterable[str]) -> bool:
    return any(CONVOY.search(t) and ESCORT.search(t) for t in texts)


DEED_NOUN = (
    r"(?:attaques?|attacks?|embuscades?|ambush(?:es)?|assauts?|assaults?|raids?|incursions?|attentats?|ratissages?|"
    r"sweeps?|contre-offensives?|counter-offensives?|ripostes?)"
)
PASSIVE_AGENT = re.compile(
    r"(?:\b(?:a|ont|avait|avaient|aurait|auraient|été|was|were|been|being|is|are)\b[^.;:]{0,60}?\b(?:by|par)|"
    r"\b\w+(?:ed|en|é|ée|és|ées|ie|ies|is|ise|ises|ite|ites)\s+(?:by|par)|"
    rf"\b{DEED_NOUN}\b[^.;:]{{0,40}}?\b(?:by|par)|\b{DEED_NOUN}(?:\s+\w+)?\s+(?:de|d['’]|des|du))\s*"
    r"(?:(?:the|les|des|l'|la|le|a|an|un|une|suspected|présumés?|de présumés?)\s+)*$",
    re.IGNORECASE,
)
COMPANION = re.compile(  # "soldiers accompanied by VDP killed ...": the companions are no agent of a passive deed
    r"\b(?:accompanied|supported|backed|assisted|escorted|aided|joined|reinforced|accompagn[ée]s?|appuy[ée]s?|"
    r"soutenus?|renforc[ée]s?)\s+(?:by|par)\s*(?:(?:the|les|des|l'|la|le)\s+)*$",
    re.IGNORECASE,
)
PASSIVE_DEED = re.compile(
    r"\b(?:was|were|been|being|is|are|a été|ont été|avait été|avaient été|été|sont|est)\s+(?:\w+\s+)?$", re.I
)
ACTIVE_AUX = re.compile(r"\b(?:a|ont|avait|avaient|has|have|had)\s+(?:\w+\s+)?$", re.IGNORECASE)
BETWEEN = re.compile(
    r"\b(?:clash\w*|fighting|fights?|combats?|affrontements?|heurts|accrochages?|battles?|gunfights?)\s+"
    r"(?:\w+\s+){0,3}?(?:between|entre)\s+(?:the\s+|les\s+|des\s+)?",
    re.IGNORECASE,
)
COORDINATED = re.compile(
    r"^\s*(?:(?:forces|troops|soldiers|units|elements|éléments|militaires|soldats|personnel)\s*)?,?\s*(?:,|and|et|&|ainsi que|as well as|with|avec|alongside|aux côtés de|together with|"
    r"(?:accompanied|supported|backed|assisted|escorted|aided|joined|reinforced) by|with the support of|"
    r"accompagn[ée]s? (?:de|par)|appuy[ée]s? par|soutenus? par|renforc[ée]s? par|avec l['’]appui de)\s*"
    r"(?:(?:the|les|des|leurs|their|its|ses|l['’]|la|le|du|de la|groupe|group|russes?|russian|allies|alliés|"
    r"partners|partenaires|auxiliaries|supplétifs|mercenaries|mercenaires)\s*\(?\s*)*$",
    re.IGNORECASE,
)
PARTICIPLE_END = re.compile(
    r"\s*(?:[,.;:»\"”)]|$|(?:in|during|on|at|after|when|while|as|near|dans|lors|pendant|à|au|en|près|par|by|selon|"
    r"according|samedi|dimanche|lundi|mardi|mercredi|jeudi|vendredi|overnight|yesterday|hier)\b)",
    re.IGNORECASE,
)
DEED = re.compile(  # verbs only: "an attack on a base" names no one who acts
    r"\b(?:attaqu(?:é|ée|és|ées|ent|ait|aient|ant)|attacked|attacking|assailed|ambushed|tendu une embuscade|raided|"
    r"stormed|assaulted|vis[ée]\w*|targeted|targeting|cibl[ée]\w*|tu[ée]\w*|tuant|killed|killing|abattu\w*|"
    r"massacr(?:é|ée|és|ées|ed|ing)|ex[ée]cut(?:é|ée|és|ées|ed|ing)|enlev(?:é|ée|és|ées)|kidnapped|abducted|"
    r"frapp(?:é|ée|és|ées|ant)|struck|bombed|bombard(?:é|ée|és|ées|ed)|shelled|neutralis\w*|neutraliz\w*|"
    r"[ée]limin(?:é|ée|és|ées|ated|ating)|repris|recaptured|retook|retaken|regained|seized|took|taken|pris|"
    r"s'est empar\w*|se sont empar\w*|overr(?:an|un)|envahi\w*|incendi(?:é|ée|és|ées)|burned|burnt|torched|"
    r"arr[êe]t(?:é|ée|és|ées)|arrested|detained|interpell(?:é|ée|és|ées)|fired|tir(?:é|ée|és|ées)|shot|"
    r"opened fire|ouvert le feu|quitt(?:é|ée|és|ées|e|ent|ait)|left|leaving|withdr[ae]w\w*|retir(?:é|ée|és|ées)|"
    r"d[ée]ploy(?:é|ée|és|ées)|deployed|remis|handed|lanc(?:é|ée|és|ées)|launched|men(?:é|ée|és|ées)|"
    r"conducted|carried out|mené)\b",
    re.IGNORECASE,
)
NOT_ACTING = ("civilians",)


def _active(text: str, deed: re.Match) -> bool:
    """An active use of the verb: not "were killed", nor a headline's participle ("soldiers killed in attack",
    "7 militaires tués, ...") that no object follows."""
    before = text[max(0, deed.start() - 25) : deed.start()]
    if PASSIVE_DEED.search(before):
        return False
    return bool(ACTIVE_AUX.search(before)) or not PARTICIPLE_END.match(text[deed.end() : deed.end() + 15])


def initiator(text: str, mentions: list) -> object | None:
    """The actor who acts in a sentence: the agent of a passive deed ("tués par des jihadistes", "recaptured ... by
    the Malian Armed Forces"), else the nearest actor named before the first deed verb ("Unidentified gunmen
    attacked", "L'armée burkinabè a tué"). `mentions` are the sentence's ActorMentions (actors.find_actors)."""
    acting = [m for m in mentions if m.kind not in NOT_ACTING]
    between = BETWEEN.search(text)
    if between:  # "clashes between FLA rebels and FAMa": the side named first
        first = next((m for m in acting if between.end() <= m.start < between.end() + 40), None)
        if first is not None:
            return first
    for m in acting:
        window = text[max(0, m.start - 90) : m.start]
        if PASSIVE_AGENT.search(window) and not COMPANION.search(window):
            return m
    deed = next((d for d in DEED.finditer(text) if _active(text, d)), None)
    if deed is None:
        return None
    clause = max(text.rfind(". ", 0, deed.start()), text.rfind("\n", 0, deed.start()))
    before = [m for m in acting if clause < m.start and m.end <= deed.start()]
    while len(before) > 1 and COORDINATED.match(text[before[-2].end : before[-1].start]):
        before.pop()  # "FAMa and Wagner forces killed": the subject's first actor
    return before[-1] if before else None
