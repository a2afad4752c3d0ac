"""Assembling events from an article's sentences.

    sentences → anchors (a sentence with an event cue and its own recent date, or the lead)
              → each anchor + the sentences that follow it (until the next anchor) = one event's passage
              → per passage: date, place (geo_precision), type, actors, fatalities, evidence
              → passages about the same place and day merged; main event (the headline's) first

Background (old dates, "depuis 2015", "Contexte" sections), aggregates ("more than 100 soldiers in recent
weeks"), future plans and link blocks never anchor an event.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from tasks.extract import actors as actor_rules
from tasks.extract import roles, targets
from tasks.extract.dates import DateMention, find_dates, is_future, is_recent, on_or_after, year_floor
from tasks.extract.event_types import VIOLENT as VIOLENT_ACTS
from tasks.extract.event_types import cues, event_type, is_violent, passage_cues
from tasks.extract.fatalities import Figure, casualties, tally
from tasks.extract.places import find_places
from tasks.extract.sentences import AGENCIES, Sentence
from tasks.models import Event, Evidence

STRATEGIC = ("change", "coup", "regain", "overtake", "protest", "destruction", "agreement", "base", "riot", "mob", "arrest",
             "disrupted", "decree")  # fmt: skip
AGGREGATE = re.compile(
    r"\b(since|depuis|in recent (?:weeks|months|years)|ces derni[èe]res (?:semaines|ann[ée]es|mois)|this year|cette ann[ée]e|"
    r"over the past|au cours des derni[eè]res?|chaque ann[ée]e|every year|r[ée]guli[èe]rement|regularly|often|souvent|"
    r"g[ée]n[ée]ralement|generally|repeatedly|à plusieurs reprises|in a series of|une s[ée]rie d'|multipli\w+|"
    r"have been killed|ont été tués depuis|so far this|depuis le début|since the start|hundreds of|des centaines de|"
    r"tens of thousands|des dizaines de milliers|is one of|est l'une? des)\b",
    re.IGNORECASE,
)
SEPARATE = re.compile(
    r"\b(in a separate|separately|dans une autre|par ailleurs|in another (?:attack|incident|raid)|another attack|"
    r"une autre attaque|meanwhile|pendant ce temps|dans le même temps|ailleurs|"
    r"(?:second|seconde|deuxi[èe]me|third|troisi[èe]me|autre|another|other) (?:attack|attaque|op[ée]ration|operation|"
    r"incident|raid|strike|frappe|ambush|embuscade|assault|assaut|explosion)|"
    r"earlier|plus tôt|days? (?:after|before)(?! (?:the|this) (?:attack|incident|events?|raid|killings?))|"
    r"jours? (?:après|avant)(?! (?:les faits|l['’]attaque|cette attaque|le drame|l['’]incident|le massacre))|"
    r"came (?:two )?days after|survient|intervient|"
    r"also on|also that day|également le)\b",
    re.IGNORECASE,
)
SERIES = re.compile(  # "Il s'agit de la deuxième attaque dans la zone en six mois": the attack just told, counted
    r"\b(?:une?|one) (?:attaque|attentat|drame|massacre|attack|incident) (?:de plus|more)\b|\byet another (?:attack|incident)\b|"
    r"\b(?:il s['’]agit d[eu]|c['’](?:est|était)|this (?:is|was)|it (?:is|was)|(?:it )?marks|marque)\s+"
    r"(?:la|le|l['’]|the)\s*(?:\w+\s+)?(?:deuxi[èe]me|troisi[èe]me|quatri[èe]me|cinqui[èe]me|\w+i[èe]me|second|"
    r"third|fourth|fifth|\d+(?:e|ème|th|rd|nd))\b",
    re.IGNORECASE,
)
NEAR = re.compile(
    r"(pr[èe]s d[eu']|near(?: the)?|non loin d[eu']|aux environs d[eu']|à proximit[ée] d[eu']|outskirts of|p[ée]riph[ée]rie d[eu']|"
    r"dans la zone d[eu']|in the area of|area around|around|autour d[eu']|sur l'axe|on the road|entre|between|"
    r"la route (?:reliant|de|entre)|the road (?:between|from|to)|zone of|secteur d[eu']|environs)\s*(?:la |le |les |l'|the |"
    r"village of |town of |villages? d[eu'] |localit[ée] d[eu'] |commune d[eu'] )*$",
    re.IGNORECASE,
)
REFERENCE_POINT = re.compile(
    r"(\d+\s*(?:km|kilom[èe]tres?|kilometres?|kilometers?|miles)\b.{0,40}|(?:au|north|south|east|west|nord|sud|est|ouest)"
    r"[\w-]*\s+(?:of|de|d')\s*(?:la |le |l'|the )?|frontière avec (?:le |la |l')?|border with |from |depuis |vers |towards? |"
    r"fled (?:to|towards) |fui vers |réfugiés? à |refuge (?:in|at|à) |\bà destination d[eu'] |capitale\s+|capital\s+|"
    r"h[ôo]pital (?:\w+ )?d[eu'] ?(?:[\w'’]+-)?|hospital (?:in|of|at) |évacu[ée]e?s? (?:\w+ ){0,3}(?:vers|à) |evacuated (?:\w+ ){0,3}to |transport[ée]e?s? (?:vers|à) |"
    r"transferred to |embass(?:y|ies)\b[^.,;]{0,25}\bin (?:capital )?|ambassade (?:[^.,;]{0,25} )?à |"
    r"(?:joint|jointe|jointes|joints|reached|contacted|interrogé|interrogés)(?: par t[ée]l[ée]phone| by (?:tele)?phone)? (?:à|in) |"
    r"(?:representative|official|mayor|élus?|maire|notables?|chef|leader)s? (?:of|de|d'|du) "
    r"(?:the |la |le |l')?(?:nearby |neighbouring |voisine? )?(?:town |village |commune |city |ville |localité )?"
    r"(?:of |de |d')?|se rendai(?:en)?t à |heading (?:to|for) |bound for |"
    r"en route (?:to|for) |en direction d[eu'] |qui allai(?:en)?t à )$",
    re.IGNORECASE,
)
PEOPLE_OF = re.compile(
    r"(?:representatives?|officials?|mayor|residents?|inhabitants?|youths?|people|élus?|maire|habitants?|jeunes|"
    r"notables?|chefs?|leaders?)\s+(?:\w+\s+)?(?:of|de|d'|du)\s+(?:the |la |le |l')?(?:town |village |commune |"
    r"city |ville |localité )?(?:of |de |d')?$",
    re.IGNORECASE,
)
FORCES_DETAINED = re.compile(
    r"\b(?:officiers?|officers?|militaires|soldats|soldiers|gendarmes|g[ée]n[ée]raux|generals|colonels|hauts grad[ée]s|"
    r"senior officers)\b[^.;]{0,60}?\b(?:ont été |have been |were |sont |été )?(?:interpell\w+|arr[êe]t[ée]\w*|arrested|"
    r"detained|d[ée]tenus|aux arr[êe]ts|placed under arrest)|\b(?:arrested|detained|interpell\w+|arr[êe]t[ée]\w*)\s+"
    r"(?:\w+\s+){0,3}(?:officers|soldiers|officiers|militaires|soldats|generals|g[ée]n[ée]raux)\b",
    re.IGNORECASE,
)
SUSPECTED = re.compile(  # "arrested 14 people accused of collaborating with ISSP": the detainees are no ISSP fighters
    r"\b(?:accused|suspected|soupçonn[ée]s?|accus[ée]s?|suspect[ée]s?)\s+(?:of|d['’]|de)\s+[^.;]{0,40}$|"
    r"\b(?:collaborat\w*|complicit\w*|complicité|links? (?:to|with)|ties (?:to|with)|liens? avec|informants? (?:for|of)|"
    r"intelligence with|intelligence avec|aiding|supporting|soutien (?:à|aux?))\s+(?:with\s+|avec\s+)?(?:the\s+|les?\s+|l['’]|la\s+)?$",
    re.IGNORECASE,
)
TOWARDS = re.compile(  # a place the scene is near: a direction from it, or where a convoy was heading
    r"(?:\b(?:north|south|east|west|nord|sud|est|ouest)[\w-]*\s+(?:of|de|d')\s*(?:la |le |l'|the )?|"
    r"\bau (?:nord|sud|est|ouest)[\w-]*\s+(?:de |d')\s*(?:la |le |l')?|bound for |heading (?:to|for) |en route (?:to|for) |"
    r"en direction d[eu'] ?|à destination d[eu'] ?|qui allai(?:en)?t à |se rendai(?:en)?t à )$",
    re.IGNORECASE,
)
TOWN_KINDS = ("town", "hotspot", "admin2", "site")
SAHEL_COUNTRIES = ("ML", "BF", "NE", "TD", "MR", "NG", "BJ", "TG", "GH", "SN", "CM")
CAPITALS = {"ML": "Bamako", "BF": "Ouagadougou", "NE": "Niamey", "TD": "N'Djamena", "MR": "Nouakchott", "NG": "Abuja",
            "BJ": "Porto-Novo", "TG": "Lomé", "GH": "Accra", "SN": "Dakar", "CM": "Yaoundé"}  # fmt: skip
LEAD = 3  # the main incident opens in the first sentences (or two paragraphs) of the body, dated or not
DISTANCE = re.compile(
    r"\b(?:à |a |at |about |some |environ )?(?:une? )?(?:[1-9]|[12]\d|30|dizaine|quinzaine|vingtaine|trentaine|few|quelques)\s*(?:km|kilom[èe]tres?|kilometres?|kilometers?|miles)\b"
    r"(?:\s+(?:au |à l'|to the |north|south|east|west|nord|sud|est|ouest)[\w-]*)*\s+(?:de |d'|du |of |from )(?:la |le |l'|the )?$",
    re.IGNORECASE,
)
ELABORATES = re.compile(
    r"\b(?:the|this|that|these|those|l'|cette|cet|ce|ces|la|le|les) ?(?:attack|assault|ambush|raid|incident|bombing|explosion|strike|"
    r"killings?|massacre|attaque|assaut|embuscade|agression|incident|explosion|frappe|tuerie|massacre|drame|"
    r"convoi|convoy|patrol|patrouille|combats|affrontements|clashes|fighting|violences)\b(?! (?:de|of|on) \w+day)|\b(?:took place|happened|occurred|a eu lieu|s'est produit\w*|"
    r"s'est déroulé\w*|se sont (?:produits|déroulés)|les faits)\b",
    re.IGNORECASE,
)
GOVERNMENT_AFTER = re.compile(
    r"^\s*(?:n['’]|ne |a |ont |has |have |had |said|says|announced|accused|accuse|denied|d[ée]ment|nie|affirme|estime|"
    r"insists|insiste|refuse|refused|rejected|rejette|communiqu|declined|did not|didn't|is expected|expects|"
    r"et (?:Moscou|Moscow|Paris|Washington|Nouakchott|Niamey|Ouagadougou|Bamako|Alger|Algiers|Abuja|N'Djamena)|"
    r"and (?:Moscow|Paris|Washington|Nouakchott|Niamey|Ouagadougou|Bamako|Algiers|Abuja|N'Djamena))",
    re.IGNORECASE,
)
GOVERNMENT_BEFORE = re.compile(
    r"(?:\bni |\bbetween |\bentre |relations? (?:avec|with) |\bde la part de |junte de |r[ée]gime de |autorit[ée]s de |"
    r"government in |gouvernement de |pouvoir de |authorities in )$",
    re.IGNORECASE,
)
PLACE_STATEMENT = re.compile(
    r"\b(?:took place|happened|occurred|a eu lieu|ont eu lieu|s'est produit\w*|se sont produit\w*|s'est déroul\w+|"
    r"s['’]est pass[ée]\w*|se sont pass[ée]s|"
    r"se sont déroul\w+|les faits|the incident|l'incident|survenu\w* à|the scene)\b",
    re.IGNORECASE,
)
FRONTED_PLACE = re.compile(r"^(?:(?:à|a|au|en|in|at|near|près de|dans la localité de|dans le village de)\s+)[^,]{2,40},", re.I)
NEXT_DAY = re.compile(
    r"\b(?:the next day|the following day|the day after|a day later|le lendemain|le jour suivant|the next morning|"
    r"le lendemain matin)\b",
    re.IGNORECASE,
)
DIED_OF_WOUNDS = re.compile(
    r"\b(?:succomb\w*|died of (?:his |her |their )?(?:wounds|injuries)|décéd\w* des suites|died in hospital|"
    r"mort\w* à l['’]hôpital|bilan (?:s'est )?alourdi|toll rose)\b",
    re.IGNORECASE,
)
SAME_DAY = re.compile(
    r"\b(le même jour|the same day|that same day|ce même jour|en même temps que|at the same time as|ce même \w+di|le même \w+di|the same \w+day|similaires?|similar (?:attacks?|protests?|rall(?:y|ies)|demonstrations?|incidents?))\b",
    re.IGNORECASE,
)
LIST_GAP = re.compile(
    r"\s*,\s*|\s*,?\s*(?:and|et|ainsi que|as well as|&)\s+(?:(?:in|at|à|a|near|près de|dans)\s+)?(?:(?:le|la|les|the)\s+)?",
    re.IGNORECASE,
)
ROUTE_BEFORE = re.compile(r"\b(?:entre|between|axe|route|road|reliant|linking|tron[çc]on|stretch)\b[^.,;]{0,30}$", re.I)
KICKER = re.compile(r"^[^:]{2,40}\s:\s")
DATELINE = re.compile(
    r"^[A-ZÉÈ][A-ZÉÈ'’ -]{2,30}(?:,\s*[^—–]{0,25})?\s*(?:\([\w ]+\)\s*)?[—–-]{1,2}\s|"
    r"^[A-ZÉÈ][A-ZÉÈ'’ -]{2,30}(?:,\s*[A-Z][\w ]{2,25})?:\s|"
    r"^[A-ZÉÈ][\w'’-]{2,20}(?: [A-ZÉÈ][\w'’-]+)?\s+[—–-]{1,2}\s|"  # "Abuja – Aid groups said ..."
    rf"^[A-ZÉÈ][\w'’ -]{{2,30}}(?:,\s*[^.()]{{0,30}})?\s*\((?:{AGENCIES})\)\s*[.:]?\s*(?:[—–-]{{1,2}}\s*)?"
)
REPORTED = re.compile(
    r"\b(said|says|told|announced|reported|confirmed|stated|a annoncé|ont annoncé|a indiqué|ont indiqué|a déclaré|"
    r"ont déclaré|a confirmé|ont confirmé|communiqué|a rapporté|selon un bilan|a affirmé|ont affirmé|claimed|"
    r"a revendiqué|a assuré|rendues? publiques?|made public|released|publi[ée]e?s?|diffus[ée]e?s?)\b[^.]{0,25}$",
    re.IGNORECASE,
)
ROAD = re.compile(
    r"(?:route|axe|road|highway)\s+(?:reliant|entre|between|from|de|linking)\s+(?:les villages de |the villages of |the towns of )?"
    r"(?P<first>[A-ZÉ][\w'’-]+(?:[ -][A-ZÉ][\w'’-]+)*)",
)
REACTION = re.compile(
    r"\b(condamn\w*|condemn\w*|condol[ée]ances?|condolences|d[ée]plor\w*|hommage|tribute|fun[ée]railles|funerals?|"
    r"inhum[ée]\w*|buried|burial|enterr[ée]\w*|enterrer|obs[èe]ques|deuil|mourning|a salu[ée]|hailed|a promis|vowed|pledged|promised|called for|a appel[ée]|"
    r"appel(?:le|lent) à|a exhort[ée]|urged|dénonc\w*|denounc\w*|regrett\w*|s'est rendu|visited|visite|"
    r"a réagi|reacted|ouvert une enquête|opened an investigation)\b",
    re.IGNORECASE,
)
RESISTED = re.compile(
    r"\b(?:(?:army|military|troops|soldiers|forces|FDS|arm[ée]e|militaires|soldats|troupes)\b[^.]{0,60}?"
    r"\b(?:repelled|repulsed|foiled|thwarted|fought off|fought back|pushed back|routed|repoussé\w*|déjoué\w*|mis en échec|"
    r"riposté|mis en déroute)|(?:repelled|repoussée?s?|déjouée?s?|foiled) (?:by|par) (?:the |l'|les )?"
    r"(?:army|military|troops|soldiers|forces|arm[ée]e|militaires|soldats|FDS))\b",
    re.IGNORECASE,
)
AND_OR = re.compile(r"\b[A-Z][\w-]+\s+(?:and/or|et/ou|or|ou)\s+(?:the\s+|l['’])?[A-Z][\w-]+\s+(?:militants|fighters|"
                    r"jihadists|combattants|djihadistes|jihadistes|elements|éléments)\b")
HABITUAL_TARGETS = re.compile(
    r"\b(?:r[ée]guli[èe]rement|regularly|souvent|often|r[ée]currentes?|recurrent|depuis \d{4}|since \d{4}|"
    r"aussi bien|both|notamment|including|visent|target)\b",
    re.IGNORECASE,
)
@dataclass
class Passage:
    anchor: Sentence
    sentences: list[Sentence] = field(default_factory=list)
    day: date | None = None
    precision: int | None = None
    date_sentence: Sentence | None = None
    lead: list[Sentence] = field(default_factory=list)  # the anchor's paragraph before it, when no event took it
    same_day_as: Passage | None = None  # "Le même jour, à Koro, ...": an undated incident on an earlier one's day


@dataclass(frozen=True)
class Context:
    title: str
    lang: str
    reference: date | None
    reference_exact: bool
    countries: tuple[str, ...]
    places: list  # PlaceMention over the body text
    title_places: list
    attributions: list  # (Sentence, ActorMention) of named groups credited with the attack
    text: str = ""  # the body text, read for `floor` only when a day without its year needs one

    @cached_property
    def floor(self) -> date | None:
        """With no reference day: the latest month or year the text names (dates.year_floor)."""
        return None if self.reference else year_floor(self.text)


def dateline_end(s: Sentence) -> int:
    m = DATELINE.match(s.text)
    return m.end() if m else 0


def recent_dates(s: Sentence, reference: date | None) -> list[DateMention]:
    """The sentence's date expressions that point at a recent day (all of them when no reference is known)."""
    skip = dateline_end(s)
    found = [d for d in find_dates(s.text, reference) if d.kind != "year" and d.start >= skip]
    found = [d for d in found if d.kind != "month"]  # "in August": too vague to date a news event
    if reference is None:
        return found
    return [d for d in found if d.day and is_recent(d.day, reference)]


def is_background(s: Sentence, reference: date | None) -> bool:
    """Old dates only, an aggregate, a future plan or a 'Contexte' section: not an event of this article."""
    if s.noise or s.background:
        return True
    mentions = find_dates(s.text, reference)
    recent = recent_dates(s, reference)
    if mentions and not recent:
        return True
    if recent:
        return False
    return bool(AGGREGATE.search(s.text)) or (is_future(s.text) and not re.search(r"\b(a|ont|was|were|had)\b", s.text))


def anchors(
    body: list[Sentence], reference: date | None, title: str = "", places: list | None = None, country: str | None = None
) -> list[Passage]:
    """One passage per sentence that opens an event; following sentences join the passage they follow.

    The lead opens the main event when it or the headline names one. A later sentence opens a secondary event only
    with a violent or strategic cue and a recent date, when it is not a reaction (condemnation, condolences,
    funeral, visit), and when its day or its town is one no earlier passage has (or it says "separately",
    "le même jour"...): the same incident re-described later in the article is not a new event.
    """
    passages: list[Passage] = []
    title_cues = cues(title) if is_violent(cues(title)) or cues(title) & set(STRATEGIC) - {"change"} else frozenset()
    towns = [pl for pl in places or [] if pl.kind in TOWN_KINDS]
    orphans: list[Sentence] = []
    announced: Sentence | None = None  # "The second operation took place on September 19.": the next act is new
    for i, s in enumerate(body):
        found = cues(s.text) | (title_cues if i == 0 else frozenset())
        eventful = (
            is_violent(found) or bool(found & set(STRATEGIC) - {"change"}) or ("change" in found and _forces_act(s, country))
        )
        background = is_background(s, reference)
        if i == 0 or not passages:
            in_lead = i < LEAD or s.paragraph <= body[0].paragraph + 1
            opens = eventful and not background and (in_lead or bool(recent_dates(s, reference)))
        else:
            opens = eventful and not background and (announced is not None or _new_incident(s, passages, reference, towns))
        if opens:
            lead = [t for t in orphans if t.paragraph == s.paragraph] if not passages else []
            lead += [announced] if announced is not None else []
            same_day = passages[-1] if passages and not recent_dates(s, reference) else None
            passages.append(Passage(s, [s], lead=lead, same_day_as=same_day))
            announced = None
        elif passages and not background:
            if not eventful and SEPARATE.search(s.text):
                announced = s
                continue
            _passage_of(s, passages, towns).sentences.append(s)
        elif not background:
            orphans.append(s)
    return passages


def _passage_of(s: Sentence, passages: list[Passage], towns: list) -> Passage:
    """The passage a detail sentence belongs to: the last one, unless it names only a town an earlier passage
    reported and the last one did not ("une cinquantaine de soldats tués à Niafunké" after the Goundam shelling)."""
    own = {pl.name for pl in towns if s.start + dateline_end(s) <= pl.start < s.end}
    if not own or own & _towns_of(passages[-1].sentences, towns):
        return passages[-1]
    return next((p for p in reversed(passages[:-1]) if own <= _towns_of(p.sentences, towns)), passages[-1])


def _forces_act(s: Sentence, country: str | None) -> bool:
    """A withdrawal/deployment sentence is an event only when an armed force or mission is its actor."""
    return any(m.kind in ("state", "foreign", "un", "police", "jihadist", "rebel", "militia", "progov")
               for m in actor_rules.find_actors(s.text, country))  # fmt: skip


def _new_incident(s: Sentence, passages: list[Passage], reference: date | None, towns: list) -> bool:
    """Does an eventful later sentence open a new incident, or does it elaborate one already reported?

    Reporting elaborates its lead: "The attack took place in Dargo", "Le convoi ... à hauteur de Katchirga",
    the toll, the claim, the attackers. So a sentence belongs to the incident before it unless the text marks
    another one: "in a separate attack", "par ailleurs", "another attack", "the same day, in Koro" (with a town no
    earlier passage has), "In Barani, ..." (a sentence that opens on a new town), or a recent day of its own that
    no earlier passage reported. A reaction (condemnation, funeral, visit) never opens one."""
    if REACTION.search(s.text) or SERIES.search(s.text) or not (is_violent(cues(s.text)) or cues(s.text) & set(STRATEGIC)):
        return False
    earlier = [t for p in passages for t in p.sentences]
    own = {pl.name for pl in towns if s.start + dateline_end(s) <= pl.start < s.end}
    seen = _towns_of(earlier, towns)
    new_town = any(_far_from(pl, seen, towns) for pl in towns if pl.name in own - seen)
    if NEXT_DAY.search(s.text) and not DIED_OF_WOUNDS.search(s.text):
        return True  # "The next day, army drones struck Tonka", "un ratissage le lendemain": another day, another event
    if SEPARATE.search(s.text) or (SAME_DAY.search(s.text) and (new_town or _other_means(s, passages[-1]))):
        return True  # "Later the same day, aircraft struck the retreating militants": another act, another type
    own_countries = {pl.country for pl in towns if pl.name in own and pl.country}
    seen_countries = {pl.country for pl in towns if pl.name in seen and pl.country}
    if own_countries and seen_countries and not own_countries & seen_countries:
        return True  # "à Kérou" after an attack in northern Togo: another country, another incident
    if _strategic(passages[-1].anchor) and _deadly(s):
        return True  # "On Monday, 11 soldiers were killed" in a story about a coup
    if ELABORATES.search(s.text):
        return False
    days = {d.day for d in recent_dates(s, reference) if d.day}
    known = {d.day for t in earlier for d in recent_dates(t, reference) if d.day}
    opening = [d for d in recent_dates(s, reference) if d.day and d.kind == "explicit" and d.start <= 4]
    acts = is_violent(cues(s.text)) or bool(cues(s.text) & {"regain", "overtake"})
    if acts and opening and known and not {d.day for d in opening} & known:
        return True  # "On 25 March, troops retook the base": a sentence that opens on a day of its own
    if days and known and not any(abs((day - k).days) <= 1 for day in days for k in known):
        return True  # a day of its own
    told = {d.day for t in earlier for d in recent_dates(t, reference) if d.day and not is_reported(t, d)}
    own_days = {d.day for d in recent_dates(s, reference) if d.day and not is_reported(s, d)}
    if own_days and told and not own_days & told and new_town:
        return True  # the next day, somewhere else
    if new_town and _opens_on_town(s, towns, seen) and _towns_of(passages[-1].sentences, towns):
        return True
    town_days = {day for p in passages if own & _towns_in(p, towns) for day in _days(p, reference)}
    return bool(own and days and town_days) and all(abs((day - k).days) > 1 for day in days for k in town_days)


def _other_means(s: Sentence, last: Passage) -> bool:
    """A strike from the air, shelling or a bomb, when the incident before it was fought otherwise."""
    remote = {"air", "shelling", "ied", "suicide"}
    mine = cues(s.text) & remote
    return bool(mine) and not mine & passage_cues([t.text for t in last.sentences])


def _far_from(place, seen: set[str], towns: list, km: float = 10.0) -> bool:
    """A town no earlier sentence named, nor one of its quarters ("le quartier de Diffa Koura" is Diffa)."""
    if place.latitude is None:
        return True
    near = [pl for pl in towns if pl.name in seen and pl.latitude is not None]
    return not any(_km(place, pl) <= km for pl in near)


def _km(a, b) -> float:
    cos = math.cos(math.radians(a.latitude))
    return 111.2 * math.hypot(a.latitude - b.latitude, (a.longitude - b.longitude) * cos)


def _strategic(s: Sentence) -> bool:
    """A sentence about a coup, a withdrawal, an agreement or a decree, with no fighting in it."""
    found = cues(s.text)
    return bool(found & {"coup", "change", "agreement", "decree", "base"}) and not found & (set(VIOLENT_ACTS) - {"coup"})


def _deadly(s: Sentence) -> bool:
    return any(f.outcome == "killed" for f in casualties(s.text, "en" if re.search(r"\bthe\b", s.text) else "fr"))


def _towns_of(sentences: list[Sentence], towns: list) -> set[str]:
    return {pl.name for pl in towns if any(t.start + dateline_end(t) <= pl.start < t.end for t in sentences)}


def _opens_on_town(s: Sentence, towns: list, seen: set[str]) -> bool:
    """ "À Barani, quatre gendarmes ...", "In Koro, gunmen ...": the sentence opens on a town not reported yet."""
    head = FRONTED_PLACE.match(s.text)
    return bool(head) and any(
        pl.name not in seen and s.start <= pl.start < s.start + head.end() for pl in towns
    )


def _towns_in(p: Passage, towns: list) -> set[str]:
    return {pl.name for pl in towns if p.anchor.start <= pl.start < p.anchor.end}


def _days(p: Passage, reference: date | None) -> set[date]:
    return {d.day for d in recent_dates(p.anchor, reference) if d.day}


def date_of(p: Passage, ctx: Context, title_dates: list[DateMention]) -> None:
    """The passage's day: its anchor's date expression (not the day it was reported), else a nearby sentence's."""
    best: tuple | None = None
    for n, s in enumerate([p.anchor] + p.lead[-1:] + p.sentences[1:3]):
        for d in recent_dates(s, ctx.reference):
            reported = is_reported(s, d)  # "a diffusé, lundi 29 juillet, des détails": the day it was told
            rank = (reported, _date_rank(d)[0] + (0 if n == 0 else 3), n, d.start)
            if best is None or rank < best[0]:
                best = (rank, d, s)
    if best is not None:
        d, p.date_sentence = best[1], best[2]
        p.day, p.precision = d.day, d.precision if d.day else None
        if p.day is None and d.kind == "explicit" and ctx.reference is None and ctx.floor:
            p.day, p.precision = on_or_after(d, best[2].text, ctx.floor), 1  # "le 17 février", after "décembre 2025"
        if p.day and not ctx.reference_exact and d.kind not in ("explicit", "numeric"):
            p.precision = 3  # a weekday resolved against a month-only reference
    elif p.same_day_as is not None and p.same_day_as.day:
        p.day, p.precision = p.same_day_as.day, p.same_day_as.precision
        if NEXT_DAY.search(p.anchor.text):
            p.day += timedelta(days=1)  # "The next day, ..." after an incident of a known day
    elif title_dates:
        p.day, p.precision = title_dates[0].day, title_dates[0].precision


def is_reported(s: Sentence, d: DateMention) -> bool:
    """The date follows a reporting verb of its clause: the day the event was told, not the day it happened."""
    return bool(REPORTED.search(s.text[: d.start]))


def _date_rank(d: DateMention) -> tuple:
    order = {"span": 0, "overnight": 1, "explicit": 2, "numeric": 2, "weekday": 3, "relative": 4, "month": 5}
    return (order.get(d.kind, 9), d.start)


def place_of(p: Passage, ctx: Context, main: bool) -> tuple[Any, int | None, Sentence | None]:
    """The passage's place: the most specific place tied to the event, its anchor's first.

    A town in the anchor or the headline (outside a "Région : …" kicker), else a district there, else a town or
    district in the passage's other sentences; only then a region, the country. "À 10 km de X" and "près de X" give X with
    geo_precision 2; a province or region named "dans la province de X" is context, never chosen over a town.
    """
    pools: list[tuple[list[Sentence] | None, list]] = [([p.anchor] + (p.lead if main else []), ctx.places)]
    if main:
        pools.append((None, ctx.title_places))
    # "Les faits se sont déroulés dans le village de Douna": the sentence that says where it happened comes first
    pools.append((sorted(p.sentences[1:], key=lambda s: not PLACE_STATEMENT.search(s.text)), ctx.places))
    towns, districts = ("town", "hotspot", "site"), ("admin2",)
    head, rest = pools[:-1], pools[-1:]
    tiers = [(head, towns), (head, districts), (rest, towns), (rest, districts), (pools, ("admin1",))]
    for chosen, kinds in tiers:
        for sentences, places in chosen:
            for s, place, near in _candidates(sentences, places, ctx):
                if place.kind in kinds:
                    return place, _precision(place, near), s
    capital = _capital_named(p, ctx, main)  # "in the Chadian capital", "dans la capitale malienne"
    if capital is not None:
        return capital
    for sentences, places in pools:  # "residents of Niono marched", "north of Anefis", "a convoy bound for Djibo":
        for s, place, near in _candidates(sentences, places, ctx, people_of=True):  # with no other town, that one
            if place.kind in towns + districts:
                return place, _precision(place, near), s
    named = [(s, place) for sentences, places in pools for s, place, _ in _candidates(sentences, places, ctx)
             if place.kind == "country"]  # fmt: skip
    # "Russia's Wagner group said it was leaving Mali": the Sahel country named, not the actor's home
    context = ctx.countries[0] if ctx.countries else None
    named.sort(key=lambda found: (found[1].country not in SAHEL_COUNTRIES, found[1].country != context))
    return (named[0][1], 3, named[0][0]) if named else (None, None, None)


STATED_COUNTRY = re.compile(
    r"\b(?:took place|happened|occurred|(?:a|ont) (?:bien )?eu lieu|s'est (?:bien )?(?:produit|déroul)\w*|"
    r"se sont (?:bien )?(?:produit|déroul)\w*)\s+(?:bien\s+)?(?:au|en|in|du côté|on the)\s+(?P<where>[\w' -]{3,25})",
    re.IGNORECASE,
)


def _in_stated_country(place, p: Passage):
    """ "Laghdaf, près de Fassala ... les arrestations ont bien eu lieu au Mali": a village the gazetteer lacks,
    placed at a border town it is near, lies in the country the text says it happened in (no coordinates then)."""
    if place is None or place.kind != "site":
        return place
    for s in p.sentences:
        m = STATED_COUNTRY.search(s.text)
        said = next((q for q in find_places(m.group("where")) if q.kind == "country"), None) if m else None
        if said is not None and said.country != place.country:
            return replace(place, country=said.country, admin1=None, admin2=None, latitude=None, longitude=None)
    return place


AT_THE_LEVEL = re.compile(
    r"(?:à (?:la )?hauteur|au niveau|at the level|level with)\s+(?:du |de la |de l['’]|de |d['’]|of (?:the )?)?"
    r"(?:village |localité |hameau |town |village of |localité de )?(?:de |d['’])?$",
    re.IGNORECASE,
)
CAPITAL_PHRASE = re.compile(
    r"\b(?:the\s+(?P<en>[\w'’]+)\s+capital|la\s+capitale\s+(?P<fr>[\w'’]+)|(?P<own>[\w'’]+)\s+capital city)\b", re.I
)


def _capital_named(p: Passage, ctx: Context, main: bool):
    """The capital a sentence names by its country ("the Chadian capital", "la capitale malienne"), as a place."""
    for s in [p.anchor] + p.sentences[1:]:
        for m in CAPITAL_PHRASE.finditer(s.text):
            word = m.group("en") or m.group("fr") or m.group("own")
            country = next((c for c, rx in actor_rules.DEMONYMS.items() if re.fullmatch(rx, word, re.I)), None)
            place = _capital_place(country)
            if place is not None:
                return place, 1, s
    return None


def _precision(place, near: bool) -> int:
    """1 the named town, 2 near it (or a site placed at the town it is near), 3 a region or the country."""
    if place.kind == "site" and place.latitude is not None:
        return 2
    if place.kind in TOWN_KINDS:
        return 2 if near else 1
    return 3


def _candidates(sentences: list[Sentence] | None, places: list, ctx: Context, people_of: bool = False):
    """(sentence, place, near) for the places of some sentences (None: the headline) that may be the scene; with
    `people_of`, only the towns named as the home of people ("residents of X", "community leaders of X")."""
    if sentences is None:
        if people_of:
            return
        kicker = KICKER.match(ctx.title)
        for place in places:
            if kicker and place.start < kicker.end() and len(places) > 1:
                continue
            yield None, place, bool(NEAR.search(ctx.title[: place.start]))
        return
    for s in sentences:
        road = ROAD.search(s.text)
        road_start = s.start + road.start("first") if road else -1
        level = [pl.start for pl in places if s.start <= pl.start < s.end and AT_THE_LEVEL.search(s.text[: pl.start - s.start][-45:])]
        for place in sorted(places, key=lambda pl: (pl.start not in level, pl.start != road_start)):
            if s.start + dateline_end(s) <= place.start < s.end:
                before = s.text[: place.start - s.start]
                if place.start in level:
                    yield s, place, False  # "sur l'axe Fada-Kantchari, à hauteur du village de Bougui": Bougui
                    continue
                if place.start == road_start:
                    yield s, place, True
                    continue
                if DISTANCE.search(before[-60:]):
                    yield s, place, True
                    continue
                if people_of:
                    if PEOPLE_OF.search(before[-60:]):
                        yield s, place, False
                    elif TOWARDS.search(before[-60:]):
                        yield s, place, True
                    continue
                if REFERENCE_POINT.search(before[-60:]) or _seat_of_power(place, before, s.text[place.end - s.start :]):
                    continue
                yield s, place, bool(NEAR.search(before[-45:]))


def _seat_of_power(place, before: str, after: str) -> bool:
    """ "ni Bamako ni Nouakchott n'ont communiqué", "Bamako said", "relations between Bamako and Moscow": a capital
    standing for its government, not the scene of the event."""
    if place.name not in CAPITALS.values():
        return False
    return bool(GOVERNMENT_AFTER.match(after) or GOVERNMENT_BEFORE.search(before[-40:]))


def figures_of(p: Passage, lang: str) -> list[list[Figure]]:
    return [casualties(s.text, lang) for s in p.sentences]


def build_events(p: Passage, ctx: Context, main: bool) -> list[Event]:
    """The events a passage describes: one, or two when civilians were killed apart from a fight with forces."""
    per_sentence = [_victims_named(s.text, fs) for s, fs in zip(p.sentences, figures_of(p, ctx.lang), strict=True)]
    civ = [
        i
        for i, fs in enumerate(per_sentence)
        if _killed(fs, ("civilians",)) and not _killed(fs, ("state", "attackers"))
    ]
    if not any("civilians" in targets.aimed_kinds(t.text) for t in p.sentences):
        civ = []  # civilians among the toll of one attack ("au moins trois civils ont également perdu la vie")
    armed = [i for i, fs in enumerate(per_sentence) if _killed(fs, ("state", "attackers"))]
    if not (civ and armed):
        event = build_event(p, ctx, main, per_sentence)
        return _per_town(event, p, ctx, main, per_sentence) + _mine_struck(event, p, ctx, per_sentence) if event else []
    parts = []
    for idx in (civ, [i for i in range(len(p.sentences)) if i not in civ]):
        sub = Passage(p.sentences[idx[0]], [p.sentences[i] for i in idx], p.day, p.precision, p.date_sentence)
        parts.append(
            build_event(sub, ctx, main, [per_sentence[i] for i in idx], victims="civilians" if idx is civ else "forces")
        )
    events = [e for e in parts if e]
    if len(events) == 2:  # "turned on civilians in the town": the same town as the fight, unless named apart
        events = [_placed_like(e, events[1 - i]) for i, e in enumerate(events)]
    if main and len(events) == 2 and _title_favours_forces(ctx.title):
        events.reverse()
    return events


def _aimed_at(p: Passage, anchor_text: str, per_sentence: list[list[Figure]]) -> str | None:
    """The attack's target: named in the anchor (or headline), else told by the anchor's dead, else named in the
    passage's other sentences (not in a habitual statement: "ils visent aussi bien les forces que les civils")."""
    said = targets.target([anchor_text])
    if said:
        return said
    victims = _victims_kind(per_sentence[0] if per_sentence else [])
    if victims:
        return victims
    rest = [s.text for s in p.lead + p.sentences[1:] if not HABITUAL_TARGETS.search(s.text)]
    return targets.target(rest) or next((k for fs in per_sentence[1:] if (k := _victims_kind(fs))), None)


def _victims_kind(figures: list[Figure]) -> str | None:
    hit = [f.group for f in figures if f.outcome in ("killed", "wounded", "abducted")]
    if "state" in hit:
        return "forces"
    if "civilians" in hit:
        return "civilians"
    return None


def _placed_like(event: Event, other: Event) -> Event:
    if event.location or not other.location or other.country != event.country:
        return event
    return _at_place_of(event, other)


def _at_place_of(event: Event, other: Event) -> Event:
    """`event` placed where `other` is (country, admin units, town, coordinates and their precision)."""
    return replace(
        event, country=other.country, location=other.location, admin1=other.admin1, admin2=other.admin2,
        latitude=other.latitude, longitude=other.longitude, geo_precision=other.geo_precision,
    )  # fmt: skip


def _per_town(event: Event, p: Passage, ctx: Context, main: bool, per_sentence: list[list[Figure]]) -> list[Event]:
    """ "Rockets hit camps in Gao, Kidal and Menaka": one event per town of a list that holds the event's town.
    A town that later sentences tell about on their own ("mortar rounds were fired at the Goundam camp") is read
    from those sentences alone (its type, its dead); the others share the event."""
    chain = [pl for pl in _town_list(p.anchor, ctx.places) if pl.country == event.country]
    if len(chain) < 2 or event.location not in {pl.name for pl in chain}:
        return [event]
    own = {pl.name: _told_apart(p, pl.name, {c.name for c in chain}, ctx) for pl in chain}
    apart = {i for name, idx in own.items() if name != event.location for i in idx}
    if apart:
        kept = [i for i in range(len(p.sentences)) if i not in apart]
        rest = Passage(p.anchor, [p.sentences[i] for i in kept], p.day, p.precision, p.date_sentence, p.lead)
        event = build_event(rest, ctx, main, [per_sentence[i] for i in kept]) or event
    out = [event]
    for pl in chain:
        if pl.name == event.location:
            continue
        idx = own[pl.name]
        told = Passage(p.sentences[idx[0]], [p.sentences[i] for i in idx], p.day, p.precision, p.date_sentence) if idx else None
        alone = build_event(told, ctx, False, [per_sentence[i] for i in idx]) if told else None
        out.append(replace(
            alone if alone and alone.country == event.country else event, event_date=event.event_date,
            date_precision=event.date_precision, location=pl.name, admin1=pl.admin1,
            admin2=getattr(pl, "admin2", None), latitude=pl.latitude, longitude=pl.longitude,
            geo_precision=event.geo_precision,
        ))  # fmt: skip
    return out


DETONATED = re.compile(
    r"\b(?:saut[ée]s?|sauté|détrui\w*|touch[ée]\w*|heurt[ée]\w*|explos[ée]\w*|a explosé|struck|hit|ran over|"
    r"drove over|detonat\w*|blew up|went off|destroyed|exploded)\b",
    re.IGNORECASE,
)
CAR_BOMB = re.compile(  # a car bomb that opens an assault is part of the battle
    r"voitures? piégées?|v[ée]hicules? piégés?|car bombs?|vehicle-borne|VBIED|kamikaze|suicide", re.IGNORECASE
)


def _mine_struck(event: Event, p: Passage, ctx: Context, per_sentence: list[list[Figure]]) -> list[Event]:
    """ "Des renforts ont été déployés ... Mais leur convoi a été détruit par un engin explosif improvisé": an IED
    told in a later paragraph of a battle's passage is an event of its own (ACLED codes each type apart), at the
    battle's place and day, with the dead that sentence gives."""
    if event.event_type != "Battles":
        return []
    for i, s in enumerate(p.sentences[1:], start=1):
        if (
            s.paragraph != p.anchor.paragraph and "ied" in cues(s.text) and "ied" not in cues(p.anchor.text)
            and DETONATED.search(s.text) and not CAR_BOMB.search(s.text)
        ):  # fmt: skip
            blast = build_event(Passage(s, [s], p.day, p.precision, p.date_sentence), ctx, False, [per_sentence[i]])
            if blast is None or blast.sub_event_type != "Remote explosive/landmine/IED":
                return []
            return [replace(
                _at_place_of(blast, event), event_date=event.event_date, date_precision=event.date_precision,
                actor1=blast.actor1 or event.actor1, actor2=blast.actor2 or event.actor2,
            )]  # fmt: skip
    return []


def _told_apart(p: Passage, town: str, listed: set[str], ctx: Context) -> list[int]:
    """The passage's later sentences that name `town` and no other town of the list, when the first of them has an
    event cue of its own (a sentence that only places a toll is not the town's story)."""
    idx = []
    for i, s in enumerate(p.sentences[1:], start=1):
        named = {pl.name for pl in ctx.places if s.start <= pl.start < s.end and pl.name in listed}
        if named == {town}:
            idx.append(i)
    return idx if idx and passage_cues([p.sentences[idx[0]].text]) else []


def _town_list(s: Sentence, places: list) -> list:
    """The towns the sentence lists together ("à Bankass et à Koro"; not a road "entre X et Y")."""
    towns = [pl for pl in places if pl.kind in ("town", "hotspot") and s.start + dateline_end(s) <= pl.start < s.end]
    best: list = []
    chain: list = []
    for pl in towns:
        if chain and LIST_GAP.fullmatch(s.text[chain[-1].end - s.start : pl.start - s.start]):
            chain.append(pl)
            continue
        if len(chain) > len(best):
            best = chain
        chain = [] if ROUTE_BEFORE.search(s.text[: pl.start - s.start][-40:]) else [pl]
    best = chain if len(chain) > len(best) else best
    return list({pl.name: pl for pl in best}.values())


def _victims_named(text: str, figures: list[Figure]) -> list[Figure]:
    """ "turned on civilians ..., killing 35 people": a toll of people in a sentence that names only civilians as
    victims is the civilians' toll."""
    if not any(f.group == "people" for f in figures) or any(f.group in ("state", "attackers") for f in figures):
        return figures
    kinds = {m.kind for m in actor_rules.find_actors(text, None)}
    if "civilians" not in kinds or kinds & {"state", "police", "foreign", "un", "progov"}:
        return figures
    return [replace(f, group="civilians") if f.group == "people" else f for f in figures]


def _killed(figures: list[Figure], groups: tuple[str, ...]) -> bool:
    return any(f.outcome == "killed" and f.group in groups for f in figures)


def _title_favours_forces(title: str) -> bool:
    forces = re.search(
        r"\b(soldi\w+|soldats?|militaires?|army|arm[ée]e|base|camp|troops|d[ée]tachement)\b", title, re.I
    )
    civilians = re.search(r"\b(civil\w*|villag\w*|habitants|residents|people|personnes)\b", title, re.I)
    if forces is None:
        return False
    return civilians is None or forces.start() < civilians.start()


def build_event(
    p: Passage, ctx: Context, main: bool, per_sentence: list[list[Figure]], victims: str | None = None
) -> Event | None:
    """The Event a passage describes, or None when it is not located in a known country."""
    place, geo_precision, place_sentence = place_of(p, ctx, main)
    place = _in_stated_country(place, p)
    region = _region(place, p, ctx)
    country = (place.country if place else None) or (region.country if region else None) or (
        ctx.countries[0] if ctx.countries else None
    )
    if country is None:
        return None
    title = [ctx.title] if main else []
    head = [s.text for s in p.lead + p.sentences if s.paragraph == p.anchor.paragraph] + title
    found = passage_cues(head)
    if main and not any(per_sentence):
        per_sentence = [casualties(ctx.title, ctx.lang)]
    flat = [f for fs in per_sentence for f in fs]
    anchor_text = p.anchor.text + (" " + ctx.title if main else "")
    mentions = actor_rules.find_actors(anchor_text, country, p.day)
    joined = " ".join(s.text for s in p.sentences)
    passage_mentions = actor_rules.find_actors(joined, country, p.day)
    aimed = _aimed_at(p, anchor_text, per_sentence)
    forces_hit = any(f.group == "state" and f.outcome in ("killed", "wounded") for f in flat)
    acting = targets.initiator(anchor_text, mentions)
    militants_hit = (  # "une dizaine de terroristes tués lors d'un ratissage des FAT": the forces fought them
        acting is not None and acting.kind in roles.STATE_KINDS
        and any(f.group == "attackers" and f.outcome == "killed" for f in flat)
        and not any(f.group in ("civilians", "people") for f in flat)
    )
    armed_target = (
        aimed in ("forces", "militants")
        or militants_hit
        or (aimed is None and forces_hit)
        or (aimed is None and "clash" in passage_cues([p.anchor.text] + title))
        or any(RESISTED.search(s.text) for s in p.sentences)  # the forces fought back: a battle
    )
    civilian_victims = not armed_target and (
        aimed == "civilians"
        or any(f.group in ("civilians", "people") for f in flat)
        or bool(re.search(r"\b(village|civils|civilians|villagers|march[ée]|market|habitants|residents)\b", anchor_text, re.I))
    )
    sides = roles.Sides(
        initiator=acting, anchor=mentions, passage=passage_mentions,
        credited=[m.name for _, m in ctx.attributions] + roles.claimed(p.sentences, country, p.day),
        civilian_victims=civilian_victims, armed_target=armed_target, countries=ctx.countries,
        undecided=bool(AND_OR.search(anchor_text)),
        forces_detained=bool(FORCES_DETAINED.search(anchor_text)),
        suspected=frozenset(
            m.name for text, found in ((anchor_text, mentions), (joined, passage_mentions)) for m in found
            if SUSPECTED.search(text[max(0, m.start - 60) : m.start])
        ),
    )  # fmt: skip
    killed = any(f.outcome == "killed" for f in flat)
    etype, sub = event_type(
        found, armed_target=armed_target, civilian_victims=civilian_victims, state_actor=roles.state_acts(sides),
        killed=killed,
    )  # fmt: skip
    civilians_killed = any(f.outcome == "killed" and f.group in ("civilians", "people") for f in flat)
    if victims == "civilians" and etype == "Battles":
        etype, sub = "Violence against civilians", "Attack"
    elif victims == "forces" and etype == "Violence against civilians":
        etype, sub = "Battles", "Armed clash"
    if sub == "Other" and "coup" in found:
        place, geo_precision = _capital_for_coup(place, geo_precision, ctx)
    if sub == "Non-violent transfer of territory" and "overtake" not in found:
        texts = [s.text for s in p.lead] + [anchor_text] + [s.text for s in p.sentences[1:]]
        actor1, actor2 = roles.transfer_actors(texts, country, p.day)
    else:
        sides = replace(sides, civilian_victims=civilians_killed or civilian_victims)
        actor1, actor2 = roles.actors(etype, sub, sides, country, found, roles.group_strikes(anchor_text, mentions))
    count = tally(per_sentence if etype != "Violence against civilians" else _civilian_only(per_sentence))
    if sub in ("Peaceful protest", "Protest with intervention") or etype == "Strategic developments":  # not "Excessive force"
        count = replace(count, fatalities=0, low=None, high=None)  # deaths behind a protest or a withdrawal are not its own
    return Event(
        event_type=etype, sub_event_type=sub, country=country, event_date=p.day.isoformat() if p.day else None,
        date_precision=p.precision if p.day else None, actor1=actor1, actor2=actor2,
        admin1=getattr(place, "admin1", None) or (region.admin1 if region and region.country == country else None), admin2=getattr(place, "admin2", None),
        location=_location_name(place), latitude=getattr(place, "latitude", None),
        longitude=getattr(place, "longitude", None), geo_precision=geo_precision or 3,
        fatalities=count.fatalities, fatalities_low=count.low, fatalities_high=count.high,
        wounded=count.wounded, abducted=count.abducted, notes=p.anchor.text[:300],
        evidence=_evidence(p, place_sentence, per_sentence),
    )  # fmt: skip


def _capital_for_coup(place, precision: int | None, ctx: Context) -> tuple:
    """A coup is coded at the capital, where power changes hands, unless a town is named."""
    if place is not None and place.kind in TOWN_KINDS:
        return place, precision
    country = place.country if place is not None else (ctx.countries[0] if ctx.countries else None)
    capital = _capital_place(country)
    return (capital, 1) if capital is not None else (place, precision)


def _capital_place(country: str | None):
    """The capital of a country, as the gazetteer places it."""
    if country not in CAPITALS:
        return None
    return next((pl for pl in find_places(CAPITALS[country], [country]) if pl.kind != "country"), None)


def _region(place, p: Passage, ctx: Context):
    """A site the gazetteer does not know takes the country and admin1 of the first place with an admin1 that its
    passage names ("dans la région de Tahoua ... vers la localité d'Agando")."""
    if place is None or place.kind != "site":
        return None
    spans = [(s.start, s.end) for s in [p.anchor] + p.lead + p.sentences]
    return next(
        (pl for pl in ctx.places if pl.admin1 and pl.kind != "site" and pl.country in (place.country, *ctx.countries)
         and any(a <= pl.start < b for a, b in spans)),
        None,
    )  # fmt: skip


def _location_name(place) -> str | None:
    if place is None or place.kind == "country":
        return None
    return place.name


def _civilian_only(per_sentence: list[list[Figure]]) -> list[list[Figure]]:
    return [[f for f in fs if f.group in ("civilians", "people")] or fs for fs in per_sentence]


def _evidence(p: Passage, place_sentence: Sentence | None, per_sentence: list[list[Figure]]) -> tuple[Evidence, ...]:
    out = [p.anchor.evidence("event_type"), p.anchor.evidence("actors")]
    out.append((p.date_sentence or p.anchor).evidence("event_date"))
    if place_sentence is not None:
        out.append(place_sentence.evidence("location"))
    for s, figures in zip(p.sentences, per_sentence, strict=False):
        if any(f.outcome == "killed" for f in figures):
            out.append(s.evidence("fatalities"))
            break
    return tuple(out)
