"""Arabic articles: a cue list for relevance, country, event type, actors, date, fatalities and the capital.

The French/English rules do not read Arabic; this gives an Arabic Sahel security story its main event from its
headline and lead (the first two paragraphs: later ones are mostly background, "يأتي الحادث بعد ..."): the
country (مالي، بوركينا فاسو، النيجر، تشاد، موريتانيا…), the ACLED type from cue words (هجوم، غارة، طائرة مسيرة، عبوة
ناسفة، اختطاف، كمين، انقلاب، حل الأحزاب…), the group credited (نصرة الإسلام والمسلمين: JNIM…), the day from a weekday
("يوم الأحد") against the reference day, the dead of each side added up ("مقتل ستة جنود ... مقتل 17 متشددا"; duals
"جنديين" are two; Arabic-Indic digits read as digits) and the capital when the story names it (باماكو: Bamako).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from tasks.extract.actors import state_forces
from tasks.extract.places import find_places
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
    "BJ": r"بنين|البنيني",
    "TG": r"توغو|التوغولي",
}
CAPITALS = {"باماكو": ("Bamako", "ML"), "واغادوغو": ("Ouagadougou", "BF"), "نيامي": ("Niamey", "NE"),
            "انجامينا": ("N'Djamena", "TD"), "نجامينا": ("N'Djamena", "TD"), "نواكشوط": ("Nouakchott", "MR")}  # fmt: skip
CUES = {
    "coup": r"انقلاب|استولى\s+على\s+السلطة|استيلاء\s+على\s+السلطة|عزل\s+الرئيس|إطاحة",
    "decree": r"(?:حل|بحل|حلّ|بحلّ|تعليق|حظر)\S*\s+(?:\S+\s+){0,2}الأحزاب|حالة\s+الطوارئ",
    "suicide": r"انتحاري|انتحارية|حزام\s*ناسف",
    "air": r"غارة|غارات|طائرة\s*مسي[ّ]?رة|طائرات\s*مسي[ّ]?رة|مسي[ّ]?رة|قصف\s*جوي|ضربة\s*جوية|ضربات\s*جوية",
    "ied": r"عبوة\s*ناسفة|عبوات\s*ناسفة|لغم|ألغام|انفجار|تفجير",
    "abduction": r"اختطاف|خطف|اختطفوا|مختطف|رهائن|رهينة",
    "clash": r"اشتباك|اشتباكات|معارك|كمين|كميناً|مواجهات|هجوم\w*\s+(?:\S+\s+){0,2}على\s+(?:ثكنة|قاعدة|معسكر|موقع|مواقع|دورية|مركز)",
    "attack": r"هجوم|هجوما|هجمات|مقتل|قتل|قتلى|قتيلا|قتيل|مسلحين|مسلحون|إرهابيين|مجزرة",
}
CUE_RE = {name: re.compile(pattern) for name, pattern in CUES.items()}
GROUPS = {
    "JNIM": r"نصرة\s+الإسلام\s+والمسلمين|نصرة\s+الاسلام\s+والمسلمين",
    "ISWAP": r"ولاية\s+غرب\s+أفريقيا|ولاية\s+غرب\s+إفريقيا",
    "ISSP": r"ولاية\s+الساحل|الدولة\s+الإسلامية\s+في\s+الصحراء\s+الكبرى",
    "Boko Haram": r"بوكو\s+حرام",
}
CIVILIANS = re.compile(r"مدني|مدنيين|مدنيون|قرويين|مواطنين|نساء|أطفال")
SOLDIERS = re.compile(r"جنود|جندي|جنديا|جنديين|عسكريين|عسكريا|الجيش|القوات|الدرك|موقع\s+للجيش")
MONTHS = {
    "يناير": 1, "جانفي": 1, "كانون الثاني": 1, "فبراير": 2, "فيفري": 2, "شباط": 2, "مارس": 3, "آذار": 3,
    "أبريل": 4, "ابريل": 4, "إبريل": 4, "أفريل": 4, "نيسان": 4, "مايو": 5, "ماي": 5, "أيار": 5, "يونيو": 6,
    "يونيه": 6, "جوان": 6, "حزيران": 6, "يوليو": 7, "يوليه": 7, "جويلية": 7, "تموز": 7, "أغسطس": 8, "اغسطس": 8,
    "أوت": 8, "آب": 8, "سبتمبر": 9, "أيلول": 9, "أكتوبر": 10, "اكتوبر": 10, "تشرين الأول": 10, "نوفمبر": 11,
    "تشرين الثاني": 11, "ديسمبر": 12, "كانون الأول": 12,
}  # fmt: skip
MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
DAY_MONTH = re.compile(rf"(?<!\d)(\d{{1,2}})\s+({MONTH})(?:\s+(?:عام\s+)?((?:19|20)\d\d))?")
YEAR_MENTION = re.compile(rf"(?:({MONTH})\s+|عام\s+|سنة\s+)((?:19|20)\d\d)")
WEEKDAYS = {"الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الاربعاء": 2, "الخميس": 3, "الجمعة": 4,
            "السبت": 5, "الأحد": 6, "الاحد": 6}  # fmt: skip
NUMBER_WORDS = {"واحد": 1, "اثنين": 2, "اثنان": 2, "ثلاثة": 3, "أربعة": 4, "خمسة": 5, "ستة": 6, "سبعة": 7,
                "ثمانية": 8, "تسعة": 9, "عشرة": 10, "عشر": 10, "عشرين": 20, "عشرات": 10, "ثلاثين": 30}  # fmt: skip
KILLED = re.compile(
    r"(?:مقتل|قتل|قتلوا|مصرع)\s+(?:نحو\s+|حوالي\s+|ما\s+لا\s+يقل\s+عن\s+)?(\d+|\S+)(?:\s+(\S+))?|(\d+)\s+(?:قتيلا|قتلى|قتيل)"
)
DUAL = re.compile(r"^(?:جنديين|جنديان|شخصين|شخصان|مدنيين\s+اثنين|مسلحين\s+اثنين)$")
MILITANTS = re.compile(r"متشدد|مسلح|إرهابي|ارهابي|جهادي|مهاجم")


def is_arabic(text: str) -> bool:
    """Mostly Arabic script."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(1 for c in letters if ARABIC_LETTER.match(c)) / len(letters) > 0.5


def arabic_event(title: str, text: str, reference: date | None, exact: bool) -> Event | None:
    """The main event of an Arabic Sahel security story, or None when it names no Sahel country or no violence."""
    full = f"{title}\n{text}".translate(DIGITS)
    lead = "\n".join([title] + [p for p in text.translate(DIGITS).split("\n") if p.strip()][:2])
    country = _country(lead) or _country(full)
    found = {name for name, rx in CUE_RE.items() if rx.search(lead)}
    if "مرسوم" in lead and "الأحزاب" in lead:
        found.add("decree")  # a decree about the political parties: the junta dissolving or suspending them
    if country is None or not found:
        return None
    civilians, soldiers = bool(CIVILIANS.search(lead)), bool(SOLDIERS.search(lead))
    etype, sub = _type(found, civilians, soldiers)
    written = _day_month(lead, full, reference)
    day = written or _weekday(lead, reference)
    actor1, actor2 = _actors(sub, lead, country, civilians)
    capital = next(((name, cc) for word, (name, cc) in CAPITALS.items() if word in lead and cc == country), None)
    place = next((p for p in find_places(capital[0], [country]) if p.kind != "country"), None) if capital else None
    sentence = next((line for line in text.split("\n") if line.strip()), title)
    return Event(
        event_type=etype, sub_event_type=sub, country=country,
        event_date=day.isoformat() if day else None, date_precision=(1 if exact or written else 3) if day else None,
        actor1=actor1, actor2=actor2, admin1=place.admin1 if place else None, location=place.name if place else None,
        latitude=place.latitude if place else None, longitude=place.longitude if place else None,
        geo_precision=1 if place else 3, fatalities=0 if etype == "Strategic developments" else _killed(lead),
        notes=sentence[:300], evidence=(Evidence("event_type", 0, len(sentence), sentence),),
    )  # fmt: skip


def _country(text: str) -> str | None:
    hits = [(m.start(), code) for code, p in COUNTRIES.items() for m in re.finditer(p, text)]
    return min(hits)[1] if hits else None


def _type(found: set[str], civilians: bool, soldiers: bool) -> tuple[str, str]:
    if "coup" in found or "decree" in found:
        return "Strategic developments", "Other"
    for cue, sub in (("suicide", "Suicide bomb"), ("air", "Air/drone strike"), ("ied", "Remote explosive/landmine/IED")):
        if cue in found:
            return "Explosions/Remote violence", sub
    if "abduction" in found:
        return "Violence against civilians", "Abduction/forced disappearance"
    if "clash" in found or soldiers and not civilians:
        return "Battles", "Armed clash"
    return "Violence against civilians", "Attack"


def _actors(sub: str, lead: str, country: str, civilians: bool) -> tuple[str | None, str | None]:
    forces = state_forces(country)
    if sub == "Other":
        name = forces.replace("Military Forces of ", "") if forces else country
        if CUE_RE["coup"].search(lead):
            return f"Mutiny of Military Forces of {name}", f"Government of {name}"
        return f"Government of {name}", None
    group = min(((m.start(), name) for name, p in GROUPS.items() for m in re.finditer(p, lead)), default=(0, None))[1]
    actor1 = group or "Unidentified Armed Group"
    if sub == "Air/drone strike":
        return forces, ("Civilians" if civilians else actor1 if group else None)
    return actor1, ("Civilians" if civilians else forces)


def _day_month(lead: str, full: str, reference: date | None) -> date | None:
    """ "في 17 فبراير" in the lead: with its year, else the latest such day up to the reference, else (no reference)
    the first one after the latest month or year the text names ("ديسمبر 2025"), as dates.year_floor does."""
    m = DAY_MONTH.search(lead)
    if m is None:
        return None
    day, month = int(m.group(1)), MONTHS[m.group(2)]
    if m.group(3):
        years = [int(m.group(3))]
    elif reference:
        years = [reference.year, reference.year - 1]
    else:
        floors = [(int(y), MONTHS[mo] if mo else 1) for mo, y in YEAR_MENTION.findall(full) if int(y) <= date.today().year]
        floor = date(*max(floors), 1) if floors else None
        years = [floor.year, floor.year + 1] if floor else []
    for year in years:
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if (reference is None or found <= reference + timedelta(days=2)) and (reference or found >= floor):
            return found
    return None


def _weekday(text: str, reference: date | None) -> date | None:
    if reference is None:
        return None
    for name, weekday in WEEKDAYS.items():
        if re.search(rf"(?:يوم\s+)?{name}", text):
            return reference - timedelta(days=(reference.weekday() - weekday) % 7)
    return reference


def _killed(text: str) -> int:
    """The dead of each side named in the lead added up (soldiers, then militants), each side's first figure."""
    sides: dict[str, int] = {}
    for m in KILLED.finditer(text):
        raw, noun = (m.group(1) or m.group(3)), (m.group(2) or "")
        count = _count(raw, noun)
        if count is None:
            continue
        side = "militants" if MILITANTS.search(noun) or (not raw.isdigit() and MILITANTS.search(raw)) else "others"
        sides.setdefault(side, count)
    return sum(sides.values())


def _count(raw: str, noun: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    if raw in NUMBER_WORDS:
        return NUMBER_WORDS[raw]
    if DUAL.match(raw):
        return 2
    return None
