"""Arabic articles: a small cue list for relevance, country, event type, date and fatalities.

The French/English rules do not read Arabic; this gives an Arabic Sahel security story its main event at country
level: the country (مالي، بوركينا فاسو، النيجر، تشاد، موريتانيا…), the ACLED type from cue words (هجوم، غارة،
طائرة مسيرة، عبوة ناسفة، اختطاف، اشتباكات…), the day from a weekday ("يوم الأحد") against the reference day, and the
dead ("مقتل عشرة مدنيين", "١٢ قتيلا"; Arabic-Indic digits read as digits). Places and actors stay coarse.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from tasks.extract.actors import state_forces
from tasks.models import Event, Evidence

ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
COUNTRIES = {
    "ML": r"مالي|المالي|باماكو",
    "BF": r"بوركينا\s*فاسو|البوركيني|واغادوغو",
    "NE": r"النيجر|نيامي|النيجري",
    "TD": r"تشاد|التشادي|انجامينا|نجامينا",
    "MR": r"موريتانيا|الموريتاني|نواكشوط",
    "NG": r"نيجيريا|النيجيري",
    "BJ": r"بنين",
}
CUES = {
    "suicide": r"انتحاري|انتحارية|حزام\s*ناسف",
    "air": r"غارة|غارات|طائرة\s*مسي[ّ]?رة|طائرات\s*مسي[ّ]?رة|مسي[ّ]?رة|قصف\s*جوي|ضربة\s*جوية|ضربات\s*جوية",
    "ied": r"عبوة\s*ناسفة|عبوات\s*ناسفة|لغم|ألغام|انفجار",
    "abduction": r"اختطاف|خطف|اختطفوا|مختطف|رهائن|رهينة",
    "clash": r"اشتباك|اشتباكات|معارك|كمين|مواجهات|هجوم\s+على\s+(?:ثكنة|قاعدة|معسكر|موقع|دورية)",
    "attack": r"هجوم|هجمات|مقتل|قتل|قتلى|قتيلا|قتيل|مسلحين|مسلحون|إرهابيين|مجزرة",
}
CUE_RE = {name: re.compile(pattern) for name, pattern in CUES.items()}
CIVILIANS = re.compile(r"مدني|مدنيين|مدنيون|قرويين|سكان|مواطنين|نساء|أطفال")
SOLDIERS = re.compile(r"جنود|جندي|عسكريين|عسكريا|الجيش|القوات")
WEEKDAYS = {"الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الاربعاء": 2, "الخميس": 3, "الجمعة": 4,
            "السبت": 5, "الأحد": 6, "الاحد": 6}  # fmt: skip
NUMBER_WORDS = {"واحد": 1, "اثنين": 2, "اثنان": 2, "ثلاثة": 3, "أربعة": 4, "خمسة": 5, "ستة": 6, "سبعة": 7,
                "ثمانية": 8, "تسعة": 9, "عشرة": 10, "عشر": 10, "عشرين": 20, "عشرات": 10, "ثلاثين": 30}  # fmt: skip
KILLED = re.compile(r"(?:مقتل|قتل|مصرع)\s+(?:نحو\s+|حوالي\s+|ما\s+لا\s+يقل\s+عن\s+)?(\d+|\S+)|(\d+)\s+(?:قتيلا|قتلى|قتيل)")


def is_arabic(text: str) -> bool:
    """Mostly Arabic script."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(1 for c in letters if ARABIC_LETTER.match(c)) / len(letters) > 0.5


def arabic_event(title: str, text: str, reference: date | None, exact: bool) -> Event | None:
    """The main event of an Arabic Sahel security story, or None when it names no Sahel country or no violence."""
    full = f"{title}\n{text}".translate(DIGITS)
    country = _country(full)
    found = {name for name, rx in CUE_RE.items() if rx.search(full)}
    if country is None or not found:
        return None
    civilians, soldiers = bool(CIVILIANS.search(full)), bool(SOLDIERS.search(full))
    etype, sub = _type(found, civilians, soldiers)
    day = _weekday(full, reference)
    forces = state_forces(country)
    actor1, actor2 = ("Unidentified Armed Group", "Civilians" if civilians else forces)
    if sub == "Air/drone strike":
        actor1, actor2 = forces, ("Civilians" if civilians else None)
    sentence = text.split("\n")[0] if text else title
    return Event(
        event_type=etype, sub_event_type=sub, country=country,
        event_date=day.isoformat() if day else None, date_precision=(1 if exact else 3) if day else None,
        actor1=actor1, actor2=actor2, geo_precision=3, fatalities=_killed(full),
        notes=sentence[:300], evidence=(Evidence("event_type", 0, len(sentence), sentence),),
    )  # fmt: skip


def _country(text: str) -> str | None:
    hits = [(m.start(), code) for code, p in COUNTRIES.items() for m in re.finditer(p, text)]
    return min(hits)[1] if hits else None


def _type(found: set[str], civilians: bool, soldiers: bool) -> tuple[str, str]:
    for cue, sub in (("suicide", "Suicide bomb"), ("air", "Air/drone strike"), ("ied", "Remote explosive/landmine/IED")):
        if cue in found:
            return "Explosions/Remote violence", sub
    if "abduction" in found:
        return "Violence against civilians", "Abduction/forced disappearance"
    if "clash" in found or soldiers and not civilians:
        return "Battles", "Armed clash"
    return "Violence against civilians", "Attack"


def _weekday(text: str, reference: date | None) -> date | None:
    if reference is None:
        return None
    for name, weekday in WEEKDAYS.items():
        if re.search(rf"(?:يوم\s+)?{name}", text):
            return reference - timedelta(days=(reference.weekday() - weekday) % 7)
    return reference


def _killed(text: str) -> int:
    for m in KILLED.finditer(text):
        raw = m.group(1) or m.group(2)
        if raw.isdigit():
            return int(raw)
        if raw in NUMBER_WORDS:
            return NUMBER_WORDS[raw]
    return 0
