"""Event dates: explicit and relative date expressions resolved against a reference day.

`find_dates(sentence, reference)` returns every date expression of a sentence, resolved when it can be:
"mercredi", "dans la nuit de samedi à dimanche" (the first night), "on Wednesday", "last Tuesday", "hier",
"yesterday", "la semaine dernière", "last week", "le 4 octobre", "on Oct. 4, 2017", "in August", "en 2015".
`date_precision` follows the contract: 1 exact day, 2 within a week, 3 month only.

`reference_day(published, url, text)` is the day relative expressions resolve against: the publication date, else
(for undated articles) the URL's /YYYY/MM/DD/, a "Publié le …"/"Mis à jour le …"/"Published …" stamp, a dateline
("NIAMEY, 13 nov (AFP) -"), the latest full date written in the text, and last the URL's /YYYY/MM/ alone (a
month-only reference: relative days are then only known to the month). None when there is nothing to go on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

RECENT_DAYS = 35
YEARS_BACK = 8  # how far back a weekday with a day and month may be placed  # events are news: at most about a month before publication

WEEKDAYS = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
MONTHS = {
    "janvier": 1, "janv": 1, "january": 1, "jan": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2,
    "february": 2, "feb": 2, "mars": 3, "march": 3, "mar": 3, "avril": 4, "avr": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5, "juin": 6, "june": 6, "jun": 6, "juillet": 7, "juil": 7, "july": 7, "jul": 7,
    "août": 8, "aout": 8, "august": 8, "aug": 8, "septembre": 9, "september": 9, "sept": 9, "sep": 9,
    "octobre": 10, "october": 10, "oct": 10, "novembre": 11, "november": 11, "nov": 11,
    "décembre": 12, "decembre": 12, "déc": 12, "december": 12, "dec": 12,
}  # fmt: skip

WD = r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
MON = r"(janvier|janv\.?|f[ée]vrier|f[ée]vr\.?|mars|avril|avr\.?|mai|juin|juillet|juil\.?|ao[uû]t|septembre|octobre|novembre|d[ée]cembre|january|jan\.|february|feb\.?|march|mar\.|april|apr\.?|may|june|jun\.?|july|jul\.?|august|aug\.?|september|sept?\.?|october|oct\.?|november|nov\.?|december|dec\.?)"
YEAR = r"((?:19|20)\d\d)"
MON_NC = "(?:" + MON[1:]

OVERNIGHT = re.compile(
    rf"\b(?:dans\s+)?la\s+nuit\s+(?:du|de)\s+{WD}\s+(?:au|à|a)\s+{WD}|\bovernight\s+(?:from\s+|on\s+)?{WD}\s+(?:to|into)\s+{WD}"
    rf"|\bon\s+the\s+night\s+of\s+{WD}(?:\s+(?:to|into)\s+{WD})?",
    re.IGNORECASE,
)
DAY_MONTH = re.compile(rf"\b(?:{WD},?\s+)?(\d{{1,2}})(?:er|st|nd|rd|th)?\s+{MON}(?:,?\s+{YEAR})?\b", re.IGNORECASE)
MONTH_DAY = re.compile(rf"\b(?:{WD},?\s+)?{MON}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+{YEAR})?", re.IGNORECASE)
DAY_RANGE = re.compile(
    rf"\b(?:du|between|from|entre le|entre)\s+(?:(?:{WD[1:-1]})\s+)?(\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?:au|and|to|et le|et|-)\s+"
    rf"(?:(?:{WD[1:-1]})\s+)?(\d{{1,2}})(?:er|st|nd|rd|th)?\s+{MON}(?:,?\s+{YEAR})?",
    re.IGNORECASE,
)
NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d\d)\b|\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
WEEKDAY = re.compile(
    rf"\b(?:(last|past|dernier|this|ce|next|prochain)\s+)?{WD}(?:\s+(dernier|pass[ée]|prochain|last))?\b", re.IGNORECASE
)
MONTH_ONLY = re.compile(
    rf"(?:\b(?:in|en|since|depuis|début|fin|mi-|late|early|mid-?|during|last|au mois d'|au mois de)\s*(?={MON_NC})|\b(?={MON_NC}\s+(?:19|20)\d\d))"
    rf"{MON}(?:\s+(?:de\s+l'année\s+)?{YEAR})?\b",
    re.IGNORECASE,
)
YEAR_ONLY = re.compile(
    rf"\b(?:en|in|since|depuis|de|from|of|année|year|fin|début|late|early)\s+{YEAR}\b", re.IGNORECASE
)
RELATIVE = {
    r"\bavant-hier\b|\bday before yesterday\b": (-2, 1),
    r"\bhier\b|\byesterday\b": (-1, 1),
    r"\baujourd'hui\b|\btoday\b|\bce jour\b|\bthis morning\b|\bce matin\b|\btonight\b|\bce soir\b": (0, 1),
    r"\bla semaine derni[eè]re\b|\bla semaine pass[ée]e\b|\blast week\b|\bthe previous week\b|"
    r"\bune semaine (?:après|plus tôt|auparavant)|\bil y a (?:tout juste |à peine |exactement )?une semaine|\b(?:just |only |exactly )?a week (?:after|earlier|before|ago)\b": (-7, 2),
    r"\bcette semaine\b|\bthis week\b|\bearlier this week\b|\bces derniers jours\b|\bin recent days\b": (-3, 2),
    r"\ble week-end dernier\b|\blast weekend\b|\bover the weekend\b|\bce week-end\b|\bthis weekend\b": (-1, 2),
    r"\ble mois dernier\b|\blast month\b|\ble mois pass[ée]\b": (-30, 3),
    r"\b(?:deux|two) jours? (?:après|plus tard)|\btwo days (?:after|later)|\bil y a (?:tout juste |à peine )?deux jours|\btwo days ago": (-2, 1),
    r"\b(?:trois|three) jours? (?:après|plus tard)|\bthree days (?:after|later)|\bil y a (?:tout juste |à peine )?trois jours|\bthree days ago": (
        -3,
        1,
    ),
}
FUTURE = re.compile(r"\b(next|prochain|prochaine|will|doit|devrait|prévu|prévue|scheduled|due to)\b", re.IGNORECASE)
SPAN_WORDS = re.compile(r"\b(until|through|to|and|au|à|jusqu'|jusqu’|et)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    day: date | None
    precision: int
    kind: str  # 'overnight' | 'explicit' | 'weekday' | 'relative' | 'month' | 'year' | 'span'


def parse_published(value: object) -> date | None:
    """The publication day from "2025-06-06", "2025-06-06T10:00:00Z" or "2025-06" (first of the month)."""
    if not value:
        return None
    text = str(value).strip()
    for size, fmt in ((10, "%Y-%m-%d"), (7, "%Y-%m")):
        try:
            return datetime.strptime(text[:size], fmt).date()
        except ValueError:
            continue
    return None


def find_dates(sentence: str, reference: date | None) -> list[DateMention]:
    """Every date expression of a sentence, resolved against `reference` (None when it cannot be)."""
    return list(_find_dates(sentence, reference))


@lru_cache(maxsize=8192)
def _find_dates(sentence: str, reference: date | None) -> tuple[DateMention, ...]:
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for finder in (_overnight, _day_range, _explicit, _numeric, _weekdays, _relative, _month_only, _year_only):
        for mention in finder(sentence, reference):
            if not any(mention.start < e and s < mention.end for s, e in taken):
                found.append(mention)
                taken.append((mention.start, mention.end))
    found.sort(key=lambda m: m.start)
    return tuple(_with_span(sentence, found))


def is_recent(day: date | None, reference: date | None) -> bool:
    """Within about a month before the reference day (and not in the future)."""
    if day is None or reference is None:
        return day is not None
    return -RECENT_DAYS <= (day - reference).days <= 2


LEADING_STAMP = re.compile(r"^\s*date\s+(\d{4}-\d\d(?:-\d\d)?)\b")  # " date 2025-06-06 Russia's ...": a page's own stamp
URL_DAY = re.compile(r"(?<!\d)((?:19|20)\d\d)[/_-]?([01]\d)[/_-]?([0-3]\d)(?!\d)")
URL_MONTH = re.compile(r"/((?:19|20)\d\d)/([01]?\d)/")
STAMP = re.compile(
    r"\b(?:publi[ée]e?|post[ée]e?|mis en ligne|mis à jour|actualis[ée]e?|modifi[ée]e?|published|posted|updated|last updated)"
    r"(?:\s+(?:le|on|at|:))?\s*:?\s*(?:le\s+)?",
    re.IGNORECASE,
)
DATELINE_DATE = re.compile(rf"^[^\n]{{0,60}}?[A-ZÉÈ][A-ZÉÈ'’ -]{{2,30}},?\s+(?:\w+\s+)?(?i:\d{{1,2}}\s+{MON_NC}|{MON_NC}\s+\d{{1,2}})")


def reference_day(published: object, url: str | None, text: str) -> tuple[date | None, bool]:
    """The day relative dates resolve against, and whether it is exact (False: known to the month only)."""
    stamp = LEADING_STAMP.match(text)
    published = published or (stamp.group(1) if stamp else None)
    if published and re.fullmatch(r"\s*\d{4}-\d\d\s*", str(published)):
        month = parse_published(published)
        written = infer_reference(text, month)  # "03.10.2021, Sputnik": a full day of that month in the text
        return (written, True) if written else (_mid_month(month), False)
    day = parse_published(published)
    if day:
        return day, True
    url_day, url_month = _url_date(url or "")
    if url_day:
        return url_day, True
    year = url_month.year if url_month else None
    found = _stamped(text, year) or _dateline(text, year) or infer_reference(text)
    if found:
        return found, True
    return (_mid_month(url_month), False) if url_month else (None, False)


def infer_reference(text: str, month: date | None = None) -> date | None:
    """A stand-in reference day when the publication date is unknown (or known to the month only): the latest full
    date written in the text, counting a weekday with its day and month as a full date ("samedi 29 octobre" is a
    Saturday only in 2022 of recent years). With `month`, only days of that month count."""
    month_end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=3) if month else None
    days = [m.day for m in find_dates(text, month_end) if m.kind in ("explicit", "numeric") and m.day]
    days += weekday_dated(text)
    if month:
        days = [d for d in days if (d.year, d.month) == (month.year, month.month)]
    return max(days) if days else None


def year_floor(text: str, today: date | None = None) -> date | None:
    """For a text with no reference day: the latest month or year it names ("en février 2022", "depuis 2015",
    "décembre 2025"), not in the future. A news story reports its newest event, so a day written without its year
    ("le 17 février") is the first such day on or after it."""
    today = today or date.today()
    floors = [
        date(d.day.year, d.day.month, 1) if d.kind == "month" else date(d.day.year, 1, 1)
        for d in find_dates(text, None)
        if d.kind in ("month", "year") and d.day and d.day.year <= today.year
    ]
    return max(floors) if floors else None


def on_or_after(mention: DateMention, sentence: str, floor: date) -> date | None:
    """The unresolved day-and-month `mention` of `sentence`, in the first year that puts it on or after `floor`."""
    window_end = floor + timedelta(days=362)  # _build_day allows 2 days past its reference
    again = [d for d in find_dates(sentence, window_end) if d.start == mention.start and d.kind == "explicit"]
    day = again[0].day if again else None
    return day if day and day <= date.today() else None  # past the present: the floor was no past event


def weekday_dated(text: str, today: date | None = None) -> list[date]:
    """Days written with their weekday but no year ("mercredi 29 septembre", "Saturday May 1"), given the most
    recent year, at most YEARS_BACK years ago, in which that day falls on that weekday."""
    today = today or date.today()
    out = []
    for rx, day_at, month_at in ((DAY_MONTH, 2, 3), (MONTH_DAY, 3, 2)):
        for m in rx.finditer(text):
            if not m.group(1) or m.group(4):
                continue
            month = MONTHS.get(m.group(month_at).lower().rstrip("."))
            if month is None:
                continue
            weekday, day = WEEKDAYS[m.group(1).lower()], int(m.group(day_at))
            years = [y for y in range(today.year, today.year - YEARS_BACK - 1, -1)
                     if (d := _safe_date(y, month, day)) and d <= today and d.weekday() == weekday]  # fmt: skip
            if years:
                out.append(date(years[0], month, day))
    return out


def _url_date(url: str) -> tuple[date | None, date | None]:
    path = re.sub(r"^\w+://[^/]+", "", url)
    m = URL_DAY.search(path)
    if m and (day := _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))):
        return day, None
    m = URL_MONTH.search(path)
    if m and 1 <= int(m.group(2)) <= 12:
        return None, date(int(m.group(1)), int(m.group(2)), 1)
    return None, None


def _stamped(text: str, year: int | None) -> date | None:
    """A "Publié le 13/03/2024" / "Published Nov. 14, 2026" / "Mis à jour le 14 novembre" stamp's day."""
    for m in STAMP.finditer(text):
        tail = text[m.end() : m.end() + 40]
        for d in find_dates(tail, None):
            if d.start > 3 or d.kind not in ("explicit", "numeric"):
                continue
            if d.day:
                return d.day
            if year:
                return _year_day(tail[d.start : d.end], year)
    return None


def _dateline(text: str, year: int | None) -> date | None:
    """ "NIAMEY, 13 nov (PAW) -" at the start of a paragraph: the day, with the year from the URL or the text."""
    for line in text.split("\n")[:4]:
        m = DATELINE_DATE.match(line.strip())
        if not m:
            continue
        mention = next((d for d in find_dates(m.group(0), None) if d.kind == "explicit"), None)
        if mention and mention.day:
            return mention.day
        years = [int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", text)]
        if mention and (year or years):
            return _year_day(m.group(0)[mention.start : mention.end], year or max(years))
    return None


def _year_day(expression: str, year: int) -> date | None:
    found = find_dates(expression, date(year, 12, 31))
    return found[0].day if found and found[0].day and found[0].day.year == year else None


def _mid_month(day: date | None) -> date | None:
    return day.replace(day=15) if day else None


def is_future(sentence: str) -> bool:
    return bool(FUTURE.search(sentence))


def _overnight(sentence: str, reference: date | None) -> list[DateMention]:
    out = []
    for m in OVERNIGHT.finditer(sentence):
        first = next(g for g in m.groups() if g)
        out.append(
            DateMention(m.start(), m.end(), _weekday_before(reference, WEEKDAYS[first.lower()], False), 1, "overnight")
        )
    return out


def _day_range(sentence: str, reference: date | None) -> list[DateMention]:
    """ "du 22 au 27 juillet", "between 25 and 27 July": the middle day, precision 2."""
    out = []
    for m in DAY_RANGE.finditer(sentence):
        month = MONTHS.get(m.group(3).lower().rstrip("."))
        first = _build_day(int(m.group(4)) if m.group(4) else None, month, int(m.group(1)), reference) if month else None
        last = _build_day(int(m.group(4)) if m.group(4) else None, month, int(m.group(2)), reference) if month else None
        if first and last and (last - first).days == 1:  # "du samedi 23 au dimanche 24": the night of the 23rd
            out.append(DateMention(m.start(), m.end(), first, 1, "overnight"))
        elif first and last and 1 < (last - first).days <= 10:
            out.append(DateMention(m.start(), m.end(), first + timedelta(days=(last - first).days // 2), 2, "span"))
    return out


def _explicit(sentence: str, reference: date | None) -> list[DateMention]:
    out = []
    for m in DAY_MONTH.finditer(sentence):
        out.append(_explicit_mention(m, int(m.group(2)), m.group(3), m.group(4), reference))
    for m in MONTH_DAY.finditer(sentence):
        out.append(_explicit_mention(m, int(m.group(3)), m.group(2), m.group(4), reference))
    return [m for m in out if m is not None]


def _explicit_mention(m: re.Match, day: int, month_word: str, year: str | None, ref: date | None) -> DateMention | None:
    month = MONTHS.get(month_word.lower().rstrip("."))
    if month is None or not 1 <= day <= 31 or (month_word.lower() == "may" and not year and day > 31):
        return None
    resolved = _build_day(int(year) if year else None, month, day, ref)
    return DateMention(m.start(), m.end(), resolved, 1, "explicit")


def _numeric(sentence: str, reference: date | None) -> list[DateMention]:
    out = []
    for m in NUMERIC.finditer(sentence):
        if m.group(4):
            y, mo, d = int(m.group(4)), int(m.group(5)), int(m.group(6))
        else:
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            if mo > 12:
                d, mo = mo, d
        day = _safe_date(y, mo, d)
        if day:
            out.append(DateMention(m.start(), m.end(), day, 1, "numeric"))
    return out


def _weekdays(sentence: str, reference: date | None) -> list[DateMention]:
    out = []
    for m in WEEKDAY.finditer(sentence):
        before, name, after = m.group(1), m.group(2), m.group(3)
        qualifier = (before or after or "").lower()
        if qualifier in ("next", "prochain"):
            continue
        last = qualifier in ("last", "past", "dernier", "passé", "passe")
        out.append(
            DateMention(m.start(), m.end(), _weekday_before(reference, WEEKDAYS[name.lower()], last), 1, "weekday")
        )
    return out


RELATIVE_RE = [(re.compile(pattern, re.IGNORECASE), rule) for pattern, rule in RELATIVE.items()]


def _relative(sentence: str, reference: date | None) -> list[DateMention]:
    out = []
    for rx, (offset, precision) in RELATIVE_RE:
        for m in rx.finditer(sentence):
            day = reference + timedelta(days=offset) if reference else None
            if day and precision == 3:
                day = day.replace(day=15)
            out.append(DateMention(m.start(), m.end(), day, precision, "relative"))
    return out


def _month_only(sentence: str, reference: date | None) -> list[DateMention]:
    out = []
    for m in MONTH_ONLY.finditer(sentence):
        month = MONTHS.get(m.group(1).lower().rstrip("."))
        if month is None or (m.group(1).lower() == "may" and not m.group(2)):
            continue
        day = _build_day(int(m.group(2)) if m.group(2) else None, month, 15, reference, month_only=True)
        out.append(DateMention(m.start(), m.end(), day, 3, "month"))
    return out


def _year_only(sentence: str, reference: date | None) -> list[DateMention]:
    return [
        DateMention(m.start(), m.end(), date(int(m.group(1)), 7, 1), 3, "year") for m in YEAR_ONLY.finditer(sentence)
    ]


def _with_span(sentence: str, found: list[DateMention]) -> list[DateMention]:
    """ "began on Tuesday ... until Thursday" / "du mardi au jeudi": the middle day, precision 2."""
    days = [m for m in found if m.kind == "weekday" and m.day]
    if len(days) != 2 or not SPAN_WORDS.search(sentence[days[0].end : days[1].start]):
        return found
    if not re.search(r"\b(until|through|jusqu|from|du|between|entre)\b", sentence, re.IGNORECASE):
        return found
    first, second = sorted(d.day for d in days if d.day)
    middle = first + timedelta(days=(second - first).days // 2)
    span = DateMention(days[0].start, days[1].end, middle, 2, "span")
    return [span] + [m for m in found if m not in days]


def _weekday_before(reference: date | None, weekday: int, last: bool) -> date | None:
    if reference is None:
        return None
    delta = (reference.weekday() - weekday) % 7
    if last and delta == 0:
        delta = 7
    return reference - timedelta(days=delta)


def _build_day(year: int | None, month: int, day: int, ref: date | None, month_only: bool = False) -> date | None:
    if year is not None:
        return _safe_date(year, month, day)
    if ref is None:
        return None
    candidate = _safe_date(ref.year, month, day)
    slack = 20 if month_only else 2
    if candidate and (candidate - ref).days > slack:
        candidate = _safe_date(ref.year - 1, month, day)
    return candidate


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
