"""Relevance: is this a Sahel security story?

An article is relevant when it reports at least one security event (see shared/eval/README.md) that took place
in the Sahel: Mali, Burkina Faso, Niger, Chad, Mauritania and the northern border areas of Nigeria, Benin, Togo,
Ghana, Senegal and Cameroon's Far North. Sport, economy, disasters, accidents, anniversaries and retrospectives
are stored but give no events; so do stories set elsewhere (Mozambique, Belgium...).
"""

from __future__ import annotations

import re
import unicodedata

CORE = frozenset({"ML", "BF", "NE", "TD", "MR"})
BORDER_ADMIN1 = {
    "NG": {"sokoto", "kebbi", "katsina", "zamfara", "borno", "yobe", "adamawa", "kano", "jigawa", "niger", "kwara",
           "kaduna", "bauchi", "gombe"},
    "BJ": {"alibori", "atacora", "borgou", "donga"},
    "TG": {"savanes", "kara"},
    "GH": {"upper east", "upper west", "northern", "north east", "savannah"},
    "SN": {"tambacounda", "kedougou", "matam", "saint louis"},
    "CM": {"far north", "extreme nord", "extreme-nord"},
}  # fmt: skip
OFF_TOPIC_TITLE = re.compile(
    r"\b(football|foot|match|CAN \d{4}|AFCON|coupe d'afrique|africa cup|olymp\w*|m[ée]daille|medal|champion\w*|"
    r"ligue|league|coach|s[ée]lectionneur|buts?|goals?|coton|cotton|mining code|code minier|uranium|or\b|gold|"
    r"p[ée]trole|oil|budget|inflation|croissance|growth|bourse|investors?|inondations?|floods?|pluies|rains|"
    r"climat|climate|accident|bus|s[ée]cheresse|drought|sworn in|investiture|[ée]lection|vote)\b",
    re.IGNORECASE,
)
RETROSPECTIVE = re.compile(
    r"\b(il y a (?:\w+|\d+) ans|years? on\b|\w+ years after|ans apr[èe]s|anniversaire|anniversary|comm[ée]mor\w*|"
    r"remembers?|in memory|en m[ée]moire|retour sur|looking back|r[ée]trospective|retrospective|hommage aux victimes|"
    r"years? since|ans jour pour jour|(?:\d+|un|deux|trois|quatre|six|one|two|three|four|six) (?:mois|months|semaines|weeks) "
    r"(?:apr[èe]s|after) (?:l['’]attaque|le massacre|l['’]attentat|the attack|the massacre|the bombing)|analysis:|analyse\s*:|explainer|d[ée]cryptage|tribune|opinion|editorial|[ée]ditorial)",
    re.IGNORECASE,
)
ELSEWHERE = re.compile(
    r"\b(mozambi\w+|cabo delgado|belgi\w+|bruxelles|brussels|somali\w*|kenya\w*|soudan|sudan\w*|libye|libya\w*|"
    r"syri\w+|iraq\w*|irak\w*|afghan\w*|ukrain\w*|isra[ëe]l\w*|gaza|congo\w*|rdc|drc|ethiopi\w+|[ée]thiopi\w+|"
    r"yemen\w*|y[ée]men|pakistan\w*|philippin\w+|europe\w*|paris|france|french capital|new york|london|londres|"
    r"su[èe]de|sweden|allemagne|germany|espagne|spain|tunisi\w+|egypt\w*|[ée]gypt\w*|centrafri\w+|central african|"
    r"cameroun anglophone|anglophone cameroon|ambazonia\w*|amba boys|bamenda|buea|south sudan)\b",
    re.IGNORECASE,
)


def fold(text: str | None) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).lower().replace("-", " ").strip()


def in_sahel(country: str | None, admin1: str | None) -> bool:
    """The event's place lies in the region the contract covers."""
    if country in CORE:
        return True
    if country in BORDER_ADMIN1:
        return admin1 is None or fold(admin1) in {fold(a) for a in BORDER_ADMIN1[country]}
    return False


def off_topic(title: str, lead: str) -> bool:
    """Sport, economy, disasters, anniversaries, analysis pieces: stored, but no events."""
    return bool(RETROSPECTIVE.search(title) or RETROSPECTIVE.search(lead[:200]) or OFF_TOPIC_TITLE.search(title))


def elsewhere(title: str, lead: str, sahel_named: bool) -> bool:
    """The story is set outside the region (a foreign place in the headline or lead, and no Sahel place there)."""
    return not sahel_named and bool(ELSEWHERE.search(title) or ELSEWHERE.search(lead))
