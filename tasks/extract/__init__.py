"""Extraction stage: an article's title and text become ACLED-shaped events, each field with its evidence.

    extract(title, text, published, language, url=None) -> Extraction

Pure (no network, no database); the gazetteer and actor dictionaries load once per process. Modules, one per
concern: `sentences` (offsets, page noise), `dates`, `places` (gazetteer), `actors`, `event_types`,
`fatalities`, `relevance`, `events` (assembly), `batch` (the `sahelwatch extract` file command).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date
from functools import cache

from tasks.extract import actors as actor_rules
from tasks.extract import relevance
from tasks.extract.cues_ar import arabic_event, is_arabic
from tasks.extract.dates import find_dates, is_recent, reference_day
from tasks.extract.event_types import NOT_VIOLENCE, cues, is_violent
from tasks.extract.events import ELABORATES, Context, Passage, anchors, build_events, date_of, is_background
from tasks.extract.gloss import LANGUAGES as GLOSSED
from tasks.extract.gloss import Glossed, gloss, looks_hausa
from tasks.extract.places import find_places
from tasks.extract.sentences import Sentence, headline, split_sentences
from tasks.extract.sites import find_sites
from tasks.models import Event, Extraction

EXTRACTOR_VERSION = "2026.1"

ATTRIBUTION = re.compile(
    r"\b(revendiqu\w*|claim\w*|attribu\w*|soup[çc]onn\w*|suspect\w*|blam\w*|believed|pointed to|loyal to|"
    r"pr[ée]sent[ée]s comme|l'[œo]euvre|imput\w*|accus\w*|responsib\w*|selon (?:des|une|plusieurs) sources?|"
    r"identified as|identifi[ée]s comme|appartiendr\w*|belong\w*|membres? d[ue]|fighters (?:of|from)|combattants d[ue])",
    re.IGNORECASE,
)
NOT_CLAIMED = re.compile(
    r"n'a pas été revendiqu|pas été revendiqu|aucune revendication|no (?:group|one) (?:has |had )?claimed|not (?:been )?claimed|"
    r"unclaimed|sans revendication",
    re.IGNORECASE,
)
OPERATION = re.compile(r"\b(?:op[ée]ration|operation)\s+$", re.IGNORECASE)  # "l'opération Kondjouaré": a name
AGGREGATE_FRAME = re.compile(
    r"\b(?:en|in|since|depuis|during|durant|pendant)\s+(?:(?:janvier|février|mars|avril|mai|juin|juillet|août|"
    r"septembre|octobre|novembre|décembre|january|february|march|april|may|june|july|august|september|october|"
    r"november|december)\s+)?(?:19|20)\d\d\b|\b(?:this year|cette année|so far|depuis le début|since the start)\b",
    re.IGNORECASE,
)
SPORT = re.compile(
    r"\b(?:match|rencontre|stade|stadium|buts?|goals?|score|penalty|penalties|mi-temps|half-time|"
    r"Etalons|Aigles|Mourabitounes|Super Eagles)\b|\b\d-\d\b",
    re.IGNORECASE,
)
HABITUAL = re.compile(
    r"\b(r[ée]guli[èe]re?s?|r[ée]guli[èe]rement|regularly|g[ée]n[ée]ralement|generally|often|souvent|are active|sont actifs|actifs|"
    r"opèrent|operate\b|has grown|depuis \d{4}|since \d{4}|both|ces attaques|these attacks|such attacks|"
    r"de telles attaques|millions?)\b",
    re.IGNORECASE,
)


def extract(
    title: str, text: str, published: str | None, language: str | None = None, url: str | None = None,
    seen: str | None = None,
) -> Extraction:
    """The events an article reports (main event first), or relevant=False with none.

    Without a publication date, relative days resolve against a day found in the URL or the page text
    (dates.reference_day), else against `seen`, the day the pipeline found the article (minutes after a feed
    listed it); with none at all, event dates stay null rather than invented.
    """
    text = text or ""
    title = title or headline(text)
    lang = language or _detect(f"{title}\n{text}")
    reference, exact = _reference(published, url, text, seen)
    if is_arabic(f"{title} {text[:500]}"):
        event = arabic_event(title, text, reference, exact)
        return Extraction(event is not None, lang, (event,) if event else (), EXTRACTOR_VERSION)
    glossed_as = lang if lang in GLOSSED else "ha" if lang not in ("fr", "en") and looks_hausa(text) else None
    if glossed_as:
        return _extract_glossed(title, text, published, url, glossed_as, seen)
    events = _read(title, text, lang, reference, exact)
    return Extraction(bool(events), lang, tuple(events), EXTRACTOR_VERSION)


def _read(title: str, text: str, lang: str, reference: date | None, exact: bool) -> list[Event]:
    """The events of a French or English text (main event first); none when it is no Sahel security story."""
    sentences = split_sentences(text, title)
    body = [s for s in sentences if not s.noise]
    if not body:
        return []
    countries = _context_countries(title, body)
    ctx = Context(
        title=title, lang=lang, reference=reference, reference_exact=exact, countries=countries,
        places=_places(text, countries), title_places=_places(title, countries),
        attributions=_attributions(body, countries[0] if countries else None, reference),
        text=text,
    )  # fmt: skip
    events = _events(ctx, body)
    if not events or _not_security(title, body, ctx) or _sport(events[0].notes):
        return []
    return events


def _reference(published: str | None, url: str | None, text: str, seen: str | None) -> tuple[date | None, bool]:
    reference, exact = reference_day(published, url, text)
    if reference is None and seen:
        return date.fromisoformat(seen[:10]), True
    return reference, exact


def _extract_glossed(
    title: str, text: str, published: str | None, url: str | None, lang: str, seen: str | None = None
) -> Extraction:
    """A Spanish, Portuguese, Italian, German or Hausa report: glossed into English words, read with the English
    rules, its evidence mapped back onto the original text."""
    body, head = gloss(text, lang), gloss(title, lang)
    reference, exact = _reference(published, url, body.text, seen)
    events = [_unglossed(e, body, text) for e in _read(head.text, body.text, "en", reference, exact)]
    return Extraction(bool(events), lang, tuple(events), EXTRACTOR_VERSION)


def _unglossed(event: Event, glossed: Glossed, text: str) -> Event:
    evidence = []
    for ev in event.evidence:
        start, end = glossed.span(ev.start, ev.end)
        evidence.append(replace(ev, start=start, end=end, sentence=text[start:end]))
    notes = evidence[0].sentence[:300] if evidence else event.notes
    return replace(event, evidence=tuple(evidence), notes=notes)


def _detect(text: str) -> str:
    from tasks.language import detect_language  # langdetect profiles load on first use

    return detect_language(text)[0]


def _events(ctx: Context, body: list[Sentence]) -> list[Event]:
    title_dates = [d for d in find_dates(ctx.title, ctx.reference) if d.kind not in ("year", "month")]
    title_dates = [d for d in title_dates if d.day is None or is_recent(d.day, ctx.reference)]
    events: list[Event] = []
    country = ctx.countries[0] if ctx.countries else None
    for i, passage in enumerate(anchors(body, ctx.reference, ctx.title, ctx.places, country)):
        date_of(passage, ctx, title_dates if i == 0 else [])
        if passage.day is None and _told_as_past(passage, body, ctx.reference):
            continue  # "The massacre in Solhan ... took place over two nights in June 2021": a retrospective
        if i == 0 and _aggregate_report(passage, ctx):
            return []  # "Plus de 420 civils tués lors d'attaques perpétrées en 2021": a tally, not an event
        if passage.day is None and ctx.reference and i == 0 and not find_dates(passage.anchor.text, None):
            passage.day, passage.precision = ctx.reference, 2 if ctx.reference_exact else 3
        for event in build_events(passage, ctx, main=i == 0):
            event = _like_the_main(event, passage, events[0]) if events else event
            if relevance.in_sahel(event.country, event.admin1) and not _duplicate(event, events):
                events.append(event)
    return _main_first(events, ctx.title)


def _like_the_main(event: Event, p: Passage, main: Event) -> Event:
    """ "Une semaine plus tôt, 14 civils avaient été tués à Amasrakad", in a report on a drone strike that killed
    civilians: an earlier incident told with neither its perpetrator nor its means is recalled as one of the same
    kind, so it takes the main event's type and perpetrator."""
    if event.actor1 != "Unidentified Armed Group" or event.actor2 != main.actor2 or main.actor1 == event.actor1:
        return event
    told = p.anchor.text
    if cues(told) - {"attack"} or any(m.kind != "civilians" for m in actor_rules.find_actors(told, event.country, None)):
        return event
    return replace(event, event_type=main.event_type, sub_event_type=main.sub_event_type, actor1=main.actor1)


def _told_as_past(passage, body: list[Sentence], reference: date | None) -> bool:
    """An undated passage whose own 'it took place ...' sentence (kept out of the passage as background for its old
    date) dates it months before the article."""
    last = passage.sentences[-1].index
    for s in body:
        if passage.anchor.index <= s.index <= last and ELABORATES.search(s.text):
            days = [d.day for d in find_dates(s.text, reference) if d.day and d.kind != "year"]
            if days and not any(is_recent(d, reference) for d in days):
                return True
    return False


def _aggregate_report(passage, ctx: Context) -> bool:
    """The headline frames the story over a period ('en 2021', 'since January', 'this year') and the main passage
    names neither a day nor a town of its own: a tally of many incidents."""
    if not AGGREGATE_FRAME.search(ctx.title):
        return False
    own_day = any(
        d.kind in ("explicit", "numeric", "weekday", "overnight", "span")
        for s in passage.sentences[:3] for d in find_dates(s.text, None)
    )  # fmt: skip
    own_town = any(
        p.kind in ("town", "hotspot", "site") and any(s.start <= p.start < s.end for s in passage.sentences)
        for p in ctx.places
    )
    return not (own_day or own_town)


def _duplicate(event: Event, events: list[Event]) -> bool:
    return any(
        e.country == event.country and e.event_type == event.event_type and e.location == event.location
        and (e.event_date == event.event_date or not event.event_date)
        for e in events
    )  # fmt: skip


def _main_first(events: list[Event], title: str) -> list[Event]:
    """The headline's event first: the one whose place the headline names, else whose kind it names."""
    folded = relevance.fold(title)
    for i, e in enumerate(events):
        if (
            i
            and e.location
            and relevance.fold(e.location) in folded
            and not (events[0].location and relevance.fold(events[0].location) in folded)
        ):
            return [e] + events[:i] + events[i + 1 :]
    return events


def _not_security(title: str, body: list[Sentence], ctx: Context) -> bool:
    lead = body[0].text
    title_violent = is_violent(cues(title))
    if relevance.RETROSPECTIVE.search(title) or relevance.RETROSPECTIVE.search(lead[:160]):
        return True
    if relevance.OFF_TOPIC_TITLE.search(title) and not title_violent:
        return True
    if NOT_VIOLENCE.search(title) and not title_violent:
        return True
    if NOT_VIOLENCE.search(f"{title} {lead}") and not _armed_actor(f"{title} {lead}"):
        return True
    sahel_named = any(_in_the_region(p) for p in ctx.title_places)
    sahel_named |= any(p.start < body[0].end and _in_the_region(p) for p in ctx.places)
    return relevance.elsewhere(title, lead, sahel_named)


def _in_the_region(place) -> bool:
    """A place of a core country, or of a border country's bordering regions (Cameroon's Far North, not its North-West
    where the anglophone conflict is)."""
    return relevance.in_sahel(place.country, place.admin1) and (place.country in relevance.CORE or place.admin1 is not None)


def _sport(anchor: str) -> bool:
    """ "Les attaques maliennes n'ont pas suffi ... tuer le match": a match report's vocabulary in the main event's
    own sentence."""
    forces = any(m.kind in ("state", "police", "foreign") for m in actor_rules.find_actors(anchor, None))
    return bool(SPORT.search(anchor)) and not (forces or _armed_actor(anchor))


def _armed_actor(text: str) -> bool:
    kinds = {m.kind for m in actor_rules.find_actors(text, None)}
    return bool(kinds & {"jihadist", "rebel", "militia", "unidentified", "progov"})


def _places(text: str, countries: tuple[str, ...]) -> list:
    """Gazetteer matches, minus those inside an actor's name ("Boko" of Boko Haram), and the named sites the
    gazetteer does not know ("le village de Motogatta"), in text order."""
    places = find_places(text, countries)
    actors = [m for m in actor_rules.find_actors(text, None) if m.kind not in ("civilians", "unidentified")]
    places = [
        p for p in places
        if not any(a.start <= p.start < a.end for a in actors) and not OPERATION.search(text[max(0, p.start - 12) : p.start])
    ]  # fmt: skip
    return _without_admin_parentheses(text, sorted(places + find_sites(text, places, actors), key=lambda p: p.start))


ADMIN_PARENTHESES = re.compile(r"\s*\(([^()]{3,80})\)")


def _without_admin_parentheses(text: str, places: list) -> list:
    """ "near Banibangou (Banibangou, Tillaberi)", "Bamessing (Ngo-Ketunjia, North-West, Cameroon)": the units in
    parentheses after a place say where it lies (ACLED's notes write them so); they are no place of the event. A
    place the gazetteer placed elsewhere, or a site it lacks, takes the units' country and admin1."""
    out = []
    skip_until = -1
    for i, pl in enumerate(places):
        if pl.start < skip_until:
            continue
        m = ADMIN_PARENTHESES.match(text, pl.end)
        if m and pl.kind not in ("country", "admin1"):
            inside = [q for q in places[i + 1 :] if m.start(1) <= q.start < m.end(1)]
            units = [q for q in inside if q.kind in ("admin1", "country", "admin2", "town", "hotspot")]
            if units:
                skip_until = m.end()
                pl = _placed_by_units(pl, units, m.group(1))
        out.append(pl)
    return out


def _placed_by_units(pl, units: list, written: str):
    countries = {u.country for u in units if u.country}
    named = [u.country for u in units if u.kind == "country"]
    if named:
        country = named[-1]  # "(Ngo-Ketunjia, North-West, Cameroon)"
    elif pl.country in countries or pl.kind == "site" or len(countries) != 1 or len(units) < 2:
        country = pl.country or next(iter(countries), "")  # "Dori (Seno, Sahel)": a unit's homonym abroad is no reason
    else:
        country = countries.pop()
    admin1 = next((u.admin1 for u in reversed(units) if u.country == country and u.admin1), None)
    if pl.country == country and (admin1 is None or pl.admin1 == admin1):
        return pl
    if pl.kind == "site" or pl.latitude is None:
        return replace(pl, country=country, admin1=admin1 or pl.admin1)
    alternative = next(
        (q for q in find_places(f"{pl.matched} ({written})", [country]) if q.start == 0 and q.country == country), None
    )
    if alternative is not None and (admin1 is None or alternative.admin1 == admin1):
        return replace(alternative, start=pl.start, end=pl.end)
    return replace(pl, country=country, admin1=admin1 or pl.admin1, latitude=None, longitude=None)


def _context_countries(title: str, body: list[Sentence]) -> tuple[str, ...]:
    """Countries the headline and lead are about, most named first (country names, demonyms, places)."""
    votes: Counter[str] = Counter()
    lead = " ".join(s.text for s in body[:3])
    for weight, chunk in ((3, title), (1, lead)):
        for m in _country_words().finditer(chunk):
            votes[m.lastgroup or ""] += weight
        for p in find_places(chunk):
            votes[p.country] += weight * (2 if p.kind != "country" else 1)
    return tuple(c for c, n in votes.most_common() if n > 0)


@cache
def _country_words() -> re.Pattern:
    """Country names and demonyms, one named group per country code (one pass over a chunk)."""
    parts = [
        rf"(?P<{code}>\b(?:{demonym}|{re.escape(actor_rules.COUNTRY_NAMES[code])})\b)"
        for code, demonym in actor_rules.DEMONYMS.items()
    ]
    return re.compile("|".join(parts), re.IGNORECASE)


def _attributions(body: list[Sentence], country: str | None, reference: date | None) -> list:
    """Named armed groups credited with the article's attack (claims, suspicions), outside habitual statements."""
    out = []
    for s in body:
        if not ATTRIBUTION.search(s.text) or HABITUAL.search(s.text) or NOT_CLAIMED.search(s.text):
            continue
        if is_background(s, reference):
            continue
        for m in actor_rules.find_actors(s.text, country, reference):
            if m.kind in ("jihadist", "rebel", "militia"):
                out.append((s, replace(m, start=m.start + s.start, end=m.end + s.start)))
    return out
