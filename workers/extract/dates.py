"""Dates as Arabic news pages print them, and as their metadata states them, to ISO 8601.

The aawsat publish line reads `نُشر: 17:32-17 يونيو 2025 م ـ 21 ذو الحجة 1446 هـ`: a time, a
Gregorian date (Gulf month names, Levantine names, or both as `يونيو (حزيران)`), then the same
day in the Hijri (Umm al-Qura) calendar. Digits may be Arabic-Indic (١٧). Times without an
offset are taken in the site's zone (Asia/Riyadh, a fixed UTC+03:00).

English lines are read too (english.aawsat.com: `Published: 17:32-17 June 2025 AD ـ 21 Dhu
al-Hijjah 1446 AH`): English month names, full or short, day first or month first
(`June 17, 2025`), transliterated Hijri months, and `am` / `pm`.

For pages of sites without rules: `find_date_line` takes the first of the page's candidate
lines that holds a date, keeping the zone the line states (`GMT+3`, `+02:00` after a time,
`UTC`, `EST`, `بتوقيت مكة`: `stated_zone`); `month_first` reads `03/04/2025` the US way;
`date_in_url` reads `/2025/06/17/` in a URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from hijridate import Hijri

RIYADH = timezone(timedelta(hours=3), "Asia/Riyadh")

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NON_ASCII_DIGIT = re.compile("[٠-٩۰-۹]")
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_ALEF_MAP = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ـ": " "}
_SPACES = re.compile(r"\s+")
_SPACE_RUNS = re.compile("  +")

# Keys are normalised (see `_fold`): no diacritics, bare alef, ى as ي, tatweel as a space.
GREGORIAN_MONTHS: dict[str, int] = {
    # Gulf / Egyptian transliterations, with their common spellings
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6,
    "يونيه": 6, "يوليو": 7, "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10,
    "نوفمبر": 11, "ديسمبر": 12,
    # Levantine / Iraqi (Syriac) names
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6,
    "تموز": 7, "اب": 8, "ايلول": 9, "تشرين الاول": 10, "تشرين الثاني": 11,
    "كانون الاول": 12,
    # Maghreb (French) names
    "جانفي": 1, "فيفري": 2, "افريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "اوت": 8,
}

HIJRI_MONTHS: dict[str, int] = {
    "محرم": 1, "صفر": 2, "ربيع الاول": 3, "ربيع الثاني": 4, "ربيع الاخر": 4,
    "جمادي الاولي": 5, "جمادي الاول": 5, "جمادي الثانية": 6, "جمادي الاخرة": 6,
    "جمادي الثاني": 6, "جمادي الاخر": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10,
    "ذو القعدة": 11, "ذي القعدة": 11, "ذو الحجة": 12, "ذي الحجة": 12,
}


ENGLISH_MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

# Keys are folded by `_fold_english`: lower case, no apostrophes, hyphens as spaces.
ENGLISH_HIJRI_MONTHS: dict[str, int] = {
    "muharram": 1, "safar": 2, "rabi al awwal": 3, "rabi al awal": 3, "rabi i": 3,
    "rabi al thani": 4, "rabi al akhir": 4, "rabi ii": 4, "jumada al awwal": 5,
    "jumada al ula": 5, "jumada al oula": 5, "jumada i": 5, "jumada al thani": 6,
    "jumada al akhirah": 6, "jumada al akhira": 6, "jumada ii": 6, "rajab": 7, "shaban": 8,
    "ramadan": 9, "shawwal": 10, "dhu al qadah": 11, "dhu al qidah": 11, "dhul qadah": 11,
    "dhul qidah": 11, "dhu al hijjah": 12, "dhu al hijja": 12, "dhul hijjah": 12,
    "dhul hijja": 12,
}  # fmt: skip

# Zone abbreviations that name one offset only (IST, AST, CST name several: not here).
ZONE_ABBREVIATIONS: dict[str, float] = {
    "UTC": 0, "GMT": 0, "Z": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "EST": -5, "EDT": -4, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}
# "بتوقيت مكة" and the like: zones of the region with a fixed offset (no daylight saving).
ARABIC_ZONES: dict[str, float] = {
    "مكة": 3, "مكة المكرمة": 3, "السعودية": 3, "الرياض": 3, "الكويت": 3, "الدوحة": 3,
    "قطر": 3, "بغداد": 3, "عمان": 3, "الامارات": 4, "دبي": 4, "ابوظبي": 4, "ابو ظبي": 4,
    "غرينتش": 0, "غرينيتش": 0,
}


def _alternation(names: dict[str, int]) -> str:
    """Longest names first, so `كانون الثاني` wins over a shorter prefix; spaces flexible."""
    ordered = sorted(names, key=len, reverse=True)
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in ordered)


_GREG = _alternation(GREGORIAN_MONTHS)
_HIJ = _alternation(HIJRI_MONTHS)
GREGORIAN_DATE = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s*(?:-\s*)?({_GREG})(?:\s*\(\s*(?:{_GREG})\s*\))?\s*(?:-\s*)?(\d{{4}})"
)
HIJRI_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})\s*({_HIJ})\s*(\d{{4}})")
# an offset a line states: "GMT+3", "UTC+03:00", or right after a time ("17:32+03:00")
NAMED_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*([+\-−])\s*(\d{1,2})(?::?(\d{2}))?(?!\d)")
# from the minutes' colon, a literal the pattern engine skips to (the hour's digits before it
# are checked apart: a lookbehind first is tried at every character)
_FROM_MINUTES = re.compile(r":\d\d(?::\d\d(?:\.\d+)?)?([+\-−])(\d{2}):?(\d{2})(?!\d)")
ZONE_WORD = re.compile(rf"\b({'|'.join(ZONE_ABBREVIATIONS)})\b")
ARABIC_ZONE = re.compile(rf"بتوقيت\s+({'|'.join(sorted(ARABIC_ZONES, key=len, reverse=True))})")
URL_DATE = re.compile(
    r"/(20\d\d|19\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:[/._-]|$)"
    r"|/(20\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:[/._-]|$)")
NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?!\d)")
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)\s*(?:(صباحا|مساء|ص|م)(?!\w))?")
_EN_MONTH = rf"(?<![a-z])({_alternation(ENGLISH_MONTHS)})\.?(?![a-z])"
ENGLISH_DAY_MONTH = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-\s*)?(?:of\s+)?{_EN_MONTH},?\s*(?:-\s*)?(\d{{4}})"
)
ENGLISH_MONTH_DAY = re.compile(rf"{_EN_MONTH}\s*(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})")
ENGLISH_HIJRI_DATE = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s+({_alternation(ENGLISH_HIJRI_MONTHS)})(?![a-z])\s*(\d{{4}})"
)
ENGLISH_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?")
UTC_MARK = re.compile(r"غرينتش|غرينيتش|\b(?:GMT|UTC)\b")
# A cheap search that rules out a costlier one: most date lines name no zone at all.
_ASCII_CAPITAL = re.compile("[A-Z]")  # every one of ZONE_ABBREVIATIONS has one


@dataclass(frozen=True)
class PrintedDate:
    """What a printed date line holds; `hijri` is kept to cross-check the Gregorian day."""

    gregorian: date | None
    hijri: date | None
    clock: time | None


def normalize_digits(text: str) -> str:
    """Arabic-Indic and Persian digits to ASCII digits."""
    # str.translate walks a non-ASCII string character by character: only when needed
    return text.translate(_DIGITS) if _NON_ASCII_DIGIT.search(text) else text


def _fold(text: str) -> str:
    return _fold_letters(normalize_digits(text))


def _fold_letters(text: str) -> str:
    """`_fold` for a text whose digits are ASCII already."""
    if not text.isascii():
        text = _DIACRITICS.sub("", text)
        for form, bare in _ALEF_MAP.items():  # a replace per form present: no call per match
            if form in text:
                text = text.replace(form, bare)
    if text.isprintable():  # its only whitespace is the space (every other is unprintable)
        # a pattern with a literal prefix: ~3× faster than `\s+`, which tests every character
        return _SPACE_RUNS.sub(" ", text) if "  " in text else text
    return _SPACES.sub(" ", text)


def _month_number(name: str, table: dict[str, int]) -> int:
    return table[_SPACES.sub(" ", name)]


def fold(text: str) -> str:
    """A line as the Arabic date patterns read it: ASCII digits, no diacritics, bare alef,
    one space between words (for callers outside this module)."""
    return _fold(text)


def _fold_english(text: str) -> str:
    """Lower case, no apostrophes or ayn marks, hyphens as spaces, single spaces."""
    text = re.sub(r"['’ʿʾ`]", "", text.lower()).replace("-", " ")
    return re.sub(r"\s+", " ", text)


def _english_gregorian(text: str) -> date | None:
    """`17 June 2025`, `17th of June, 2025`, `June 17, 2025`, `Jun. 17 2025`."""
    text = text.lower()
    found = ENGLISH_DAY_MONTH.search(text)
    if found:
        day, month, year = found[1], found[2], found[3]
    elif found := ENGLISH_MONTH_DAY.search(text):
        month, day, year = found[1], found[2], found[3]
    else:
        return None
    return _safe_date(int(year), ENGLISH_MONTHS[month], int(day))


def _english_hijri(text: str) -> date | None:
    """`21 Dhu al-Hijjah 1446`."""
    found = ENGLISH_HIJRI_DATE.search(_fold_english(text))
    if not found:
        return None
    month = ENGLISH_HIJRI_MONTHS[found[2]]
    return hijri_to_gregorian(int(found[1]), month, int(found[3]))


def _english_clock(text: str) -> time | None:
    """`5:32 pm`, `11:05 a.m.`: a 12-hour clock; None without am / pm."""
    if "m" not in text and "M" not in text:  # no am / pm
        return None
    found = ENGLISH_TIME.search(text.lower())
    if not found:
        return None
    hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
    if not 1 <= hour <= 12 or minute > 59 or second > 59:
        return None
    hour = hour % 12 + (12 if found[4] == "p" else 0)
    return time(hour, minute, second)


def hijri_to_gregorian(day: int, month: int, year: int) -> date | None:
    """Umm al-Qura Hijri date to Gregorian; None outside the calendar's range (1343–1500 AH)."""
    try:
        g = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return date(g.year, g.month, g.day)


def _gregorian(text: str, month_first: bool = False) -> date | None:
    found = GREGORIAN_DATE.search(text)
    if found:
        day, month = int(found[1]), _month_number(found[2], GREGORIAN_MONTHS)
        return _safe_date(int(found[3]), month, day)
    english = _english_gregorian(text)
    if english:
        return english
    found = ISO_DATE.search(text)
    if found:
        return _safe_date(int(found[1]), int(found[2]), int(found[3]))
    found = NUMERIC_DATE.search(text)
    if found:  # day/month/year, the Arabic order; month first on US English pages
        first, second = int(found[1]), int(found[2])
        day, month = (second, first) if month_first and first <= 12 else (first, second)
        return _safe_date(int(found[3]), month, day)
    return None


def _hijri(text: str) -> date | None:
    found = HIJRI_DATE.search(text)
    if not found:
        return _english_hijri(text)
    return hijri_to_gregorian(int(found[1]), _month_number(found[2], HIJRI_MONTHS), int(found[3]))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _clock(text: str) -> time | None:
    found = TIME.search(text)
    if not found:
        return None
    hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
    meridiem = found[4]
    if meridiem in ("م", "مساء") and hour < 12:
        hour += 12
    elif meridiem in ("ص", "صباحا") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _time_offset(text: str) -> re.Match[str] | None:
    """The first offset right after a time (`17:32+03:00`, `17:32:05.1-0400`)."""
    start = 0
    while (found := _FROM_MINUTES.search(text, start)) is not None:
        colon = found.start()
        if colon >= 2 and text[colon - 2:colon].isdecimal():  # the hour's `\d\d`
            return found
        start = colon + 1
    return None


def _stated_offset(text: str) -> re.Match[str] | None:
    """The first offset the line states, named (`GMT+3`) or right after a time; the named
    one is looked for only in lines that name one (its word boundary is tested everywhere)."""
    found = _time_offset(text)
    if "GMT" in text or "UTC" in text:
        named = NAMED_OFFSET.search(text)
        if named and (found is None or named.start() < found.start()):
            return named
    return found


def stated_zone(text: str, folded: str) -> tzinfo | None:
    """The zone a printed line states: an offset (`GMT+3`, `+02:00` after a time), an
    abbreviation with one meaning (`UTC`, `EST`, `CEST`), or `بتوقيت مكة`; else None.
    `text` is the line with ASCII digits, `folded` the same line folded (`_fold`)."""
    found = _stated_offset(text)
    if found:
        delta = timedelta(hours=int(found[2]), minutes=int(found[3] or 0))
        return timezone(-delta if found[1] in "-−" else delta)
    found = ZONE_WORD.search(text) if _ASCII_CAPITAL.search(text) else None
    if found:
        return timezone(timedelta(hours=ZONE_ABBREVIATIONS[found[1]]))
    found = ARABIC_ZONE.search(folded)
    if found:
        return timezone(timedelta(hours=ARABIC_ZONES[found[1]]))
    return None


def read_printed_date(text: str, month_first: bool = False) -> PrintedDate:
    """The parts of a printed date line, each None when the line does not have it.
    `month_first` reads `03/04/2025` as March 4 (US English) instead of 3 April."""
    folded = _fold(text)
    return PrintedDate(gregorian=_gregorian(folded, month_first), hijri=_hijri(folded),
                       clock=_english_clock(folded) or _clock(folded))


def parse_printed_date(text: str, tz: tzinfo = RIYADH,
                       month_first: bool = False) -> datetime | None:
    """A printed date line (publish line, `١٧ يونيو ٢٠٢٥`, a Hijri date…) to an aware datetime.

    The Gregorian date wins when the line has both; the Hijri date alone is converted.
    Without a time, midnight. None when the line holds no date.
    """
    digits = normalize_digits(text)
    folded = _fold_letters(digits)
    day = _gregorian(folded, month_first) or _hijri(folded)  # the Hijri date only if need be
    if day is None:
        return None
    # "بتوقيت غرينتش", "GMT": `in` first (the pattern's alternation is tried at every character)
    if ("غرين" in text or "GMT" in text or "UTC" in text) and UTC_MARK.search(text):
        tz = UTC
    tz = stated_zone(digits, folded) or tz
    clock = _english_clock(folded) or _clock(folded)
    return datetime.combine(day, clock or time(0, 0), tzinfo=tz)


def find_date_line(lines: Iterable[str], tz: tzinfo = RIYADH, month_first: bool = False,
                   max_chars: int = 200) -> datetime | None:
    """The first of `lines` (short ones only: a date line, not a paragraph) that holds a
    date, read by `parse_printed_date`; None when none does. For pages of sites without
    rules, whose date line is wherever the page puts it."""
    for line in lines:
        if line and len(line) <= max_chars:
            moment = parse_printed_date(line, tz, month_first)
            if moment is not None:
                return moment
    return None


def date_in_url(url: str) -> date | None:
    """`/2025/06/17/`, `/2025-06-17-`, `/20250617/` in a URL's path; None otherwise."""
    found = URL_DATE.search(url)
    if not found:
        return None
    year, month, day = (found[1], found[2], found[3]) if found[1] else (
        found[4], found[5], found[6])
    return _safe_date(int(year), int(month), int(day))


def parse_iso(value: str | None, tz: tzinfo = RIYADH) -> datetime | None:
    """An ISO 8601 date or datetime (as metadata carries it); naive values are taken in `tz`."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) >= 10 and text[10:11] == " ":
        text = text[:10] + "T" + text[11:]
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def to_iso(moment: datetime) -> str:
    """ISO 8601 with its offset, to the second."""
    # without arguments when it makes the same string: parsing `timespec` costs a fifth
    return moment.isoformat(timespec="seconds") if moment.microsecond else moment.isoformat()
