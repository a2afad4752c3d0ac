"""ACLED event types and sub-event types from French and English cues.

`cues(text)` lists the cue families a passage contains ("ied", "clash", "abduction", ...); `event_type(...)`
turns the cues of an event's passage (headline + its sentences) and who the victims were into ACLED's
(event_type, sub_event_type), spelled exactly as ACLED spells them. The ordering encodes ACLED's rules:
a coup is a strategic development; an IED or car bomb followed by gunfire is an armed clash; killing and
kidnapping in one raid is one attack; a town taken from armed opponents is a territorial battle, from nobody
but civilians an attack; a withdrawal, deployment or base handover is a change to group/activity, unless the text
says who now controls the place ("placé sous le contrôle des FAMa"): a non-violent transfer of territory. A drone
attack is an air/drone strike whoever flies the drone.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from functools import lru_cache

SUB_EVENT_TYPES = {
    "Armed clash": "Battles",
    "Government regains territory": "Battles",
    "Non-state actor overtakes territory": "Battles",
    "Chemical weapon": "Explosions/Remote violence",
    "Air/drone strike": "Explosions/Remote violence",
    "Suicide bomb": "Explosions/Remote violence",
    "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence",
    "Grenade": "Explosions/Remote violence",
    "Sexual violence": "Violence against civilians",
    "Attack": "Violence against civilians",
    "Abduction/forced disappearance": "Violence against civilians",
    "Peaceful protest": "Protests",
    "Protest with intervention": "Protests",
    "Excessive force against protesters": "Protests",
    "Violent demonstration": "Riots",
    "Mob violence": "Riots",
    "Agreement": "Strategic developments",
    "Arrests": "Strategic developments",
    "Change to group/activity": "Strategic developments",
    "Disrupted weapons use": "Strategic developments",
    "Headquarters or base established": "Strategic developments",
    "Looting/property destruction": "Strategic developments",
    "Non-violent transfer of territory": "Strategic developments",
    "Other": "Strategic developments",
}

CUES = {
    "coup": r"coup d'[ée]tat|putsch|coup de force|mutin\w*|mutiny|mutinous|seized power|pris le pouvoir|prise du pouvoir|"
    r"renvers[ée] le (?:président|régime)|overthr\w+|ousted|a démissionné sous la pression|coup attempt|tentative de coup|"
    r"(?:mettre|mis|met) fin au r[ée]gime|prise de pouvoir|took power|seized control of (?:the )?(?:country|government)|"
    r"suspendu la constitution|suspended the constitution|destitu[ée]\w*|deposed|removed (?:the )?president|"
    r"(?:a|an|the|latest|fresh|second|third|new|military|attempted|failed|apparent|bloodless) coup\b|coup (?:leaders?|plotters?)",
    "decree": r"(?:dissol\w+|dissout\w*|suspend\w*|suspension|interdi\w+|banned?|bans)\s+(?:\S+\s+){0,5}?(?:partis politiques|political parties|activit[ée]s des partis|party activities|"
    r"associations|organisations politiques|political organi[sz]ations)|(?:état d'urgence|state of emergency)",
    "protest": r"manifest\w*|protest\w*|demonstrat\w*|marche\b|marché contre|ont marché|marched|rassemblement|sit-in|"
    r"rall(?:y|ies|ied)|grève|strikers|pleurs collectifs|(?:a|the|protest|peaceful|silent) march\b(?!\s+\d)",
    "riot": r"saccag\w*|ransack\w*|looted|pill[ée]\w*|[ée]meute\w*|riot\w*|barricad\w*|vandal\w*|jets? de pierres|"
    r"threw stones|pneus br[ûu]l|burning tyres|set ablaze",
    "mob": r"lynch\w*|vindicte populaire|\bmob\b|foule en col[èe]re|angry crowd|justice populaire",
    "intervention": r"dispers\w*|gaz lacrymog[èe]ne|tear ?gas|matraqu\w*|baton charge",
    "excessive": r"tir[ée]?s? (?:à balles réelles )?sur (?:les |des )?manifestants|balles réelles|live (?:ammunition|rounds|fire)|"
    r"fired (?:live (?:ammunition|rounds|bullets) |shots )?(?:on|at|into) (?:the )?(?:protesters|demonstrators|crowd)|"
    r"opened fire on (?:the )?(?:protesters|demonstrators|crowd)|manifestants? (?:a |ont )?(?:été )?tu[ée]s?|"
    r"(?:protesters?|demonstrators?) (?:was |were )?(?:shot dead|killed)|killing (?:\w+ )?(?:protesters|demonstrators)",
    "foiled": r"d[ée]jou[ée]\w*|foiled|thwarted|avort[ée]\w*|failed coup|coup manqu[ée]|tentative de d[ée]stabilisation|"
    r"complot|plot(?:ters?)?\b|conspiracy",
    "crowd_clash": r"(?:clash\w*|affront\w*|heurts|fought|se sont battus) (?:\w+ )?(?:with|avec|entre|contre) (?:the |les |des )?"
    r"(?:demonstrators|protesters|manifestants|youths|jeunes|rioters|émeutiers)|"
    r"(?:demonstrators|protesters|manifestants|youths|jeunes) (?:\w+ )?(?:clashed|se sont affront\w+|ont affront\w+)",
    "crowd": r"youths?|young (?:people|men)|jeunes|crowds?|foule|rioters|émeutiers|(?:angry|irate) (?:residents|youths)",
    "suicide": r"(?<!drones )(?<!drone )kamikazes?(?! drones?)|attentats?[- ]suicides?|suicide (?:bomb\w*|attack\w*|car|vehicle)|se sont fait exploser|s'est fait exploser|"
    r"blew (?:himself|herself|themselves) up|ceintures? d'explosifs|explosive (?:vest|belt)s?|S?VBIED",
    "air": r"frappes? a[ée]riennes?|air ?strikes?|airstrikes?|air force (?:\w+ )?(?:struck|bombed|hit|targeted|strikes?)|"
    r"(?:armée de l'air|aviation(?: militaire)?) (?:a |ont )?(?:frapp|bombard|cibl)\w*|drone strikes?|frappes? de drones?|bombardements? a[ée]riens?|"
    r"aircraft (?:bombed|struck|hit)|warplanes|avions? de chasse|fighter jets|helicopter gunships?|h[ée]licopt[èe]res? de combat|"
    r"aerial bombardment|raids? a[ée]riens?|air raids?|drone attacks?|attaques? de drones?|frappé par (?:un|des) drones?|bombed|"
    r"(?:armed|explosives?-laden|explosive|kamikaze|suicide|attack|modified|commercial|weaponi[sz]ed|fpv) drones?|"
    r"drones? (?:arm[ée]s|kamikazes?|pi[ée]g[ée]s|explosifs|charg[ée]s d'explosifs)|(?:attaques?|frappes?) (?:au|par) drones?|"
    r"drone (?:raids?|bombings?)|with (?:\w+ )?drones|(?:à l'aide|au moyen) de drones|par des drones|"
    r"(?:dropp\w*|larg\w*) (?:des )?(?:munitions|explosi\w+|bombs|bombes|grenades)|"
    r"\bdrones?\b[^.;]{0,60}\b(?:neutralis\w*|frapp\w*|tu[ée]\w*|killed|struck|hit|bombard\w*|[ée]limin\w*|ciblé\w*|targeted)",
    "shelling": r"obus|mortiers?|roquettes?|rockets?|mortar\w*|shell(?:s|ing|ed)\b|artiller\w*|tirs indirects|indirect fire|missiles?",
    "ied": r"engins? explosifs?(?: improvis[ée]s?)?|explosive devices?|\bIEDs?\b|landmines?|mines? (?:artisanales?|antipersonnel)|"
    r"bombe artisanale|roadside bombs?|saut[ée] sur (?:un|une)|(?:heurt[ée]|roul[ée] sur|pass[ée] sur|marché sur|"
    r"explosion d['’]) ?(?:une? )?(?:mine|engin)|(?:ran over|drove over|ran into|stepped on) (?:an?|a) (?:mine|landmine|explosive)|struck (?:an?|a) (?:explosive|mine|landmine|IED)|"
    r"hit (?:an?|a) (?:explosive|mine|landmine|IED)|engins? piég[ée]s?|car bombs?|voitures? piég[ée]es?|v[ée]hicules? piég[ée]s?|"
    r"explosives-(?:laden|packed)|explosion|bombings?|bomb (?:attacks?|blasts?)|attentats? à la bombe|"
    r"(?:a|ont|had|has|have) explos[ée]|exploded|detonated|d[ée]flagration",
    "grenade": r"grenades?",
    "chemical": r"armes? chimiques?|chemical weapons?|gaz toxique|toxic gas",
    "abduction": r"enlev[ée]\w*|enl[èe]vements?|kidnapp\w*|abduct\w*|\brapt\b|pris en otage|taken hostage|otages?|hostages?|"
    r"ravisseurs|captives?|emmen[ée]s? (?:vers|en direction)|seized (?:an?|the) \w+ (?:missionary|priest|mayor|teacher|worker)|"
    r"disparition forcée|forced disappearance",
    "sexual": r"\bviol(?:s|ée|ées)?\b|\brap(?:e|ed|es)\b|violences? sexuelles?|sexual (?:violence|assault|abuse)",
    "destruction": r"incendi\w*|burn(?:ed|t)\b|torched|set (?:on )?fire|mis le feu|d[ée]trui\w*|destroy\w*|sabot\w*|pill[ée]\w*|pillage|"
    r"loot\w*|vandal\w*|br[ûu]l[ée]\w*|dynamit\w*|"
    r"(?:took away|stole|stealing|steal|rustled|rustling|made off with|drove off|seized|emport[ée]\w*|vol[ée]\w*|enlev[ée]\w*)"
    r"\s+(?:\w+\s+){0,5}(?:cattle|livestock|animals|goats|sheep|camels|bétail|b[œo]eufs|troupeaux?|animaux|chameaux)",
    "arrest": r"arr[êe]t[ée]s?\b|interpell[ée]\w*|arrested|detained|apprehended|mis aux arr[êe]ts|placed under arrest|"
    r"gard[ée]s? à vue|placé en détention",
    "regain": r"repris le contr[ôo]le|reprise? (?:de )?(?:la ville|le contr[ôo]le)|reconqu\w+|retaken|recaptured|retook|regained|"
    r"took control|taken control|seized (?:control of )?(?:the )?(?:town|city|stronghold|locality)|seizing a stronghold|"
    r"pris le contr[ôo]le|lib[ée]r[ée] (?:la ville|la localit[ée])|liberated|capture of|prise de(?! pouvoir| position)|"
    r"seized control of (?!(?:the )?(?:country|government))",
    "overtake": r"pris le contr[ôo]le|took control|overr(?:an|un)|seized the (?:town|city|camp|base)|occup[ée] (?:la localit[ée]|la ville|le camp|"
    r"le village)|held the town|s'est empar[ée]|se sont empar[ée]s|captured the (?:town|base|camp)|ont occup[ée]|tenu la ville|"
    r"contr[ôo]le de la (?:ville|localit[ée])|took over|envahi\w*|invaded|overrun",
    "change": r"blockade|blocus|embargo|quitt\w*|withdr[ae]w\w*|withdrawal|pulled out|pull-?out|retrait|se retir\w*|retir[ée]e?s?\b|d[ée]parts?\b|"
    r"left (?:the|its|their) (?:[\w-]+ )?(?:base|camp|town|positions?)|leav(?:e|es|ing)\b|hand(?:s|ing|ed)? (?:\w+ ){0,3}over|handover|"
    r"rem(?:is|ise|et|ettent|ettre|ettra)\w* (?:sa|leur|leurs|la|le|les|ses) (?:\w+ )?(?:base|positions?|camps?|emprises?|postes?)|"
    r"r[ée]troc[ée]d\w*|r[ée]trocession|passation|pass(?:e|ent) le relais|"
    r"prend(?:s|re)? le relais|take over from|replaced by|remplac[ée]s? par|"
    r"deploy\w*|d[ée]ploy[ée]\w*|d[ée]ploiement|redeploy\w*|arrived (?:in|to)|moved in|relocat\w*|dissolution|dissolved|disbanded|"
    r"repli\w*|plié bagage|evacuated (?:its|their) (?:base|camp)|fermeture (?:de la|du) (?:base|camp)|"
    r"(?:lanc\w+|launch\w*|cr[ée]\w*|created?|creating|form(?:ed|s|ing)?|mis(?:e)? en place|set up|activat\w*|mis(?:e)? en service)\s+"
    r"(?:(?:sa|leur|une|un|la|le|l'|its|their|a|an|the|new|nouvelle?|joint|conjointe)\s+)*"
    r"(?:force|unit[ée]?|brigade|bataillon|battalion|contingent|task force)\b|"
    r"(?:taken|took|take|pris|prennent) (?:up )?positions?|positionn[ée]\w*",
    "control": r"sous (?:le )?contr[ôo]le(?: \w+)? d(?:es?|u|'|e la)\b|under (?:the )?(?:\w+ )?control of|"
    r"(?:hand\w*|transferr?\w*|c[ée]d\w*|remis\w*) (?:over )?(?:the )?contr[ôo]le?|now controlled by|d[ée]sormais contr[ôo]l[ée]",
    "agreement": r"accords? de (?:paix|cessez-le-feu)|ceasefire|cessez-le-feu|peace (?:deal|agreement)|signed an? (?:agreement|accord|deal)|"
    r"sign[ée] un accord|truce|tr[êe]ve|prisoner exchange|[ée]change de prisonniers|"
    r"sign\w*\s+(?:(?:a|an|the|une?|la|le|l')\s+)?(?:\w+\s+)?(?:accord|agreement|charte|charter|pacte|pact|trait[ée]|"
    r"treaty|convention|protocole|deal)|(?:cr[ée]\w+|created?|form(?:ed|s)|institu\w+|establish\w*)\s+"
    r"(?:l['’]|la |le |une |an |the |a )?(?:alliance|conf[ée]d[ée]ration|confederation)\b",
    "base": r"(?:install[ée]|[ée]tabli|established|set up|opened|ouvert) (?:a|une|un|its|leur|sa) (?:new |nouvelle |nouveau )?"
    r"(?:base|camp|headquarters|QG|quartier général)",
    "disrupted": r"d[ée]samor[çc]\w*|defused|neutralis[ée]\w* (?:un|une|an?) (?:engin|IED|explosive)|caches? d'armes|weapons? caches?|"
    r"arms caches?|saisie d'armes|seized weapons",
    "clash": r"affrontements?|accrochages?|combats?\b|clash\w*|embuscades?|ambush\w*|[ée]changes? de tirs|exchange of fire|gunfights?|"
    r"firefights?|fusillade|repouss[ée]\w*|repelled|repulsed|fought|fighting|heurts|[ée]limin[ée]\w*|eliminated|"
    r"attaque (?:contre|visant|du|de|d') (?:le |la |les |l'|un |une |leur )?(?:\w+ ){0,2}(?:camp|poste|base|d[ée]tachement|position|patrouille|"
    r"convoi|colonne|brigade|caserne|garnison|emprise|unit[ée])|(?:attack|assault|raid|storm)\w* (?:on )?(?:an? |the )?(?:\w+ ){0,2}(?:army|military|base|post|"
    r"patrol|convoy|camp|checkpoint|garrison|outpost|position)s?|counter-attack\w*|contre-attaqu\w*|neutralis\w*|"
    r"riposte|prise à partie|pris(?:e)? d['’]assaut|stormed|storming|came under fire|under fire|tirs nourris|patrouille .{0,40}attaqu[ée]e|attaqu[ée]e? .{0,30}patrouille",
    "attack": r"massacr\w*|tueries?|ouvert le feu|opened fire|attaqu\w*|attack\w*|raid\w*|exécut[ée]\w*|executed|égorg\w*|slit\w*|"
    r"abattu\w*|shot dead|assassin\w*|tu[ée]s? par|killed by|kill\w*|tu[ée]s?\b|tuant|morts?\b|dead\b|bless[ée]s|wounded|"
    r"incursion|irruption|s'en sont pris|turned on|struck|frapp[ée]|beat(?:en)? to death|battue?s? à mort|lynch\w*",
}
CLAUSE = re.compile(
    r"[,;]|\b(?=after |après |since |depuis |while |alors que |tandis que |following |suite à |à la suite d)", re.IGNORECASE
)
LASTING = re.compile(
    r"\b(?:for|pendant|durant|over|during)\s+(?:more than |plus de |nearly |près de |about |the (?:past|last) )?"
    r"(?:\w+(?:-and-a-half)?|\d+)\s+(?:years?|ans|ann[ée]es|decades?|d[ée]cennies)\b|\b(?:since|depuis)\s+(?:\d{4}|des ann[ée]es)\b|"
    r"^\s*(?:since|depuis)\s+(?:the|its|their|que|qu'|l'|la|le|les|son|sa|leur)\b|"
    r"\b(?:after|following|suite à|après)\s+(?:weeks|months|years|des semaines|des mois|des années|plusieurs \w+)\s+(?:of|d['’]|de)|"
    r"\bpar le passé\b|\bin the past\b",
    re.IGNORECASE,
)
LEADER = re.compile(r"\b(?:pr[ée]sident|premier ministre|prime minister|chef de l'[ée]tat|head of state)\b", re.I)
TAKEN = re.compile(r"\b(?:arr[êe]t[ée]\w*|arrested|detained|d[ée]tenu\w*|retenu\w*|d[ée]mission\w*|resign\w*)\b", re.I)
BY_SOLDIERS = re.compile(
    r"\b(?:militaires|soldats|soldiers|mutin\w*|mutineers|troops|officiers|officers|garde pr[ée]sidentielle|"
    r"presidential guard)\b",
    re.IGNORECASE,
)
CUE_RE = {name: re.compile(rf"\b(?:{pattern})", re.IGNORECASE) for name, pattern in CUES.items()}
VIOLENT = ("suicide", "air", "shelling", "ied", "grenade", "chemical", "abduction", "sexual", "clash", "attack", "coup")
NOT_VIOLENCE = re.compile(
    r"\b(accident|plunged?|fell off|noyade|drown\w*|s'est effondr\w*|effondrement|éboulement|(?:mine|gallery|galerie|shaft|pit) collaps\w*|collapse of (?:a|an|the) (?:gold )?(?:mine|gallery|shaft|pit|building|bridge)|"
    r"landslides?|glissements? de terrain|inondations?|floods?|crue|pluies|rains|séisme|earthquake|"
    r"incendie (?:accidentel|domestique)|collision|crash\w*|chavir\w*|capsiz\w*|épidémie|choléra|cholera|"
    r"match|football|stade|stadium|supporters|buts?\b|goals?\b|coupe d'afrique|africa cup|CAN \d{4}|AFCON|olymp\w*)\b",
    re.IGNORECASE,
)


SECURITY_DEAL = re.compile(
    r"paix|peace|cessez|ceasefire|truce|tr[êe]ve|prisonniers?|prisoners?|s[ée]curit|security|d[ée]fen[sc]e|milita|"
    r"arm[ée]s?\b|armed|army|rebel|rebelle|jihad|djihad|terror|insurg|alliance|conf[ée]d[ée]ration|confederation|"
    r"reconciliation|r[ée]conciliation|JNIM|GSIM|ISSP|ISWAP|CSP|FLA|CMA|Wagner|Africa Corps|Boko|militia|milice|"
    r"troops|troupes|soldiers|soldats|forces",
    re.IGNORECASE,
)


@lru_cache(maxsize=8192)
def cues(text: str) -> frozenset[str]:
    """The cue families a passage contains, outside clauses that span years ("after fighting militant groups for
    three-and-a-half years", "qui combat les jihadistes depuis 2012"): those describe a state, not this event."""
    text = " ".join(c for c in CLAUSE.split(text) if not LASTING.search(c))
    found = frozenset(name for name, rx in CUE_RE.items() if rx.search(text))
    if "agreement" in found and not SECURITY_DEAL.search(text):
        found -= {"agreement"}  # "signed an agreement on the expansion of a gold mine": business, not conflict
    leader_taken = LEADER.search(text) and TAKEN.search(text) and BY_SOLDIERS.search(text)  # "IBK arrêté par des militaires"
    return found | {"coup"} if leader_taken else found


def passage_cues(texts: list[str]) -> frozenset[str]:
    """The cue families of several sentences (each sentence's cues are computed once and cached)."""
    out: frozenset[str] = frozenset()
    for text in texts:
        out |= cues(text)
    return out


def cue_position(text: str, name: str) -> int | None:
    m = CUE_RE[name].search(text)
    return m.start() if m else None


def is_violent(found: AbstractSet[str]) -> bool:
    return any(c in found for c in VIOLENT)


def event_type(
    found: AbstractSet[str], *, armed_target: bool, civilian_victims: bool, state_actor: bool, killed: bool = False
) -> tuple[str, str]:
    """ACLED (type, sub-type) from the cues of an event's passage and who its victims were."""
    found = found | ({"killing"} if killed else set())
    sub = _sub_event(found, armed_target=armed_target, civilian_victims=civilian_victims, state_actor=state_actor)
    return SUB_EVENT_TYPES[sub], sub


def _sub_event(found: AbstractSet[str], *, armed_target: bool, civilian_victims: bool, state_actor: bool) -> str:
    if "coup" in found and "foiled" in found and "arrest" in found:
        return "Arrests"  # "le gouvernement affirme avoir déjoué une tentative de coup d'État; quatre officiers interpellés"
    if "coup" in found or "decree" in found:
        return "Other"  # a coup, or a government's own act against its opponents (ACLED: Other)
    if "protest" in found and not found & {"suicide", "air", "shelling", "ied", "clash"}:
        return _protest(found)
    if "protest" in found and "crowd_clash" in found and not found & {"suicide", "air", "shelling", "ied"}:
        return "Excessive force against protesters" if "excessive" in found else "Violent demonstration"
    if "mob" in found:
        return "Mob violence"
    if "riot" in found and "crowd" in found and not is_violent(found - {"riot"}):
        return "Violent demonstration"  # "youths blocked the roads with burning tyres and ransacked the office"
    if "chemical" in found:
        return "Chemical weapon"
    if "suicide" in found:
        return "Suicide bomb"
    if "air" in found:
        return "Air/drone strike"
    if "shelling" in found and not found & {"clash"} - {"neutralis"}:
        return "Shelling/artillery/missile attack"
    if "disrupted" in found and not found & {"clash", "suicide", "air"}:
        return "Disrupted weapons use"  # "FAMa defused an IED": the bomb did not go off
    if "ied" in found and not ("clash" in found and armed_target):
        return "Remote explosive/landmine/IED"
    if "grenade" in found:
        return "Grenade"
    territory = _territory(found, armed_target=armed_target, state_actor=state_actor)
    if territory:
        return territory
    return _violence_or_development(found, armed_target=armed_target, civilian_victims=civilian_victims)


def _protest(found: AbstractSet[str]) -> str:
    if "excessive" in found:
        return "Excessive force against protesters"
    if "riot" in found:
        return "Violent demonstration"
    if "intervention" in found:
        return "Protest with intervention"
    return "Peaceful protest"


def _territory(found: AbstractSet[str], *, armed_target: bool, state_actor: bool) -> str | None:
    if state_actor and "regain" in found:
        return "Government regains territory"
    if not state_actor and "overtake" in found and armed_target:
        return "Non-state actor overtakes territory"
    if not state_actor and "overtake" in found and not is_violent(found):
        return "Non-violent transfer of territory"  # "ont vu des jihadistes envahir leur ville": taken unopposed
    return None


def _violence_or_development(found: AbstractSet[str], *, armed_target: bool, civilian_victims: bool) -> str:
    if "clash" in found and (armed_target or not civilian_victims):
        return "Armed clash"
    if "abduction" in found and not (civilian_victims and "attack" in found and _killing(found)):
        return "Abduction/forced disappearance"
    if "sexual" in found:
        return "Sexual violence"
    if "attack" in found and armed_target:
        return "Armed clash"
    if "attack" in found and (civilian_victims or _killing(found)):
        return "Attack"
    if "attack" in found and not found & {"change", "control", "agreement", "base", "destruction", "arrest"}:
        return "Armed clash"  # an attack on a target the text does not name, with no one dead: an assault, not a massacre
    if "change" in found and "control" in found:
        return (
            "Non-violent transfer of territory"  # a force hands a camp or town over, and the text says who now holds it
        )
    for cue, sub in (("agreement", "Agreement"), ("base", "Headquarters or base established"),
                     ("disrupted", "Disrupted weapons use"), ("change", "Change to group/activity")):  # fmt: skip
        if cue in found:
            return sub
    if "destruction" in found or "riot" in found:
        return "Looting/property destruction"
    if "arrest" in found:
        return "Arrests"
    if "attack" in found:
        return "Attack"
    return "Other"


def _killing(found: AbstractSet[str]) -> bool:
    return "killing" in found
