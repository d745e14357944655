"""Dates as Arabic news pages print them, and as their metadata states them, to ISO 8601.

The aawsat publish line reads `نُشر: 17:32-17 يونيو 2025 م ـ 21 ذو الحجة 1446 هـ`: a time, a
Gregorian date (Gulf month names, Levantine names, or both as `يونيو (حزيران)`), then the same
day in the Hijri (Umm al-Qura) calendar. Digits may be Arabic-Indic (١٧). Times without an
offset are taken in the site's zone (Asia/Riyadh, a fixed UTC+03:00).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from hijridate import Hijri

RIYADH = timezone(timedelta(hours=3), "Asia/Riyadh")

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ـ": " "})

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
NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?!\d)")
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)\s*(?:(صباحا|مساء|ص|م)(?!\w))?")
UTC_MARK = re.compile(r"غرينتش|غرينيتش|\b(?:GMT|UTC)\b")


@dataclass(frozen=True)
class PrintedDate:
    """What a printed date line holds; `hijri` is kept to cross-check the Gregorian day."""

    gregorian: date | None
    hijri: date | None
    clock: time | None


def normalize_digits(text: str) -> str:
    """Arabic-Indic and Persian digits to ASCII digits."""
    return text.translate(_DIGITS)


def _fold(text: str) -> str:
    text = _DIACRITICS.sub("", normalize_digits(text)).translate(_ALEFS)
    return re.sub(r"\s+", " ", text)


def _month_number(name: str, table: dict[str, int]) -> int:
    return table[re.sub(r"\s+", " ", name)]


def hijri_to_gregorian(day: int, month: int, year: int) -> date | None:
    """Umm al-Qura Hijri date to Gregorian; None outside the calendar's range (1343–1500 AH)."""
    try:
        g = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return date(g.year, g.month, g.day)


def _gregorian(text: str) -> date | None:
    found = GREGORIAN_DATE.search(text)
    if found:
        day, month = int(found[1]), _month_number(found[2], GREGORIAN_MONTHS)
        return _safe_date(int(found[3]), month, day)
    found = ISO_DATE.search(text)
    if found:
        return _safe_date(int(found[1]), int(found[2]), int(found[3]))
    found = NUMERIC_DATE.search(text)
    if found:  # day/month/year, the Arabic order
        return _safe_date(int(found[3]), int(found[2]), int(found[1]))
    return None


def _hijri(text: str) -> date | None:
    found = HIJRI_DATE.search(text)
    if not found:
        return None
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


def read_printed_date(text: str) -> PrintedDate:
    """The parts of a printed date line, each None when the line does not have it."""
    folded = _fold(text)
    return PrintedDate(gregorian=_gregorian(folded), hijri=_hijri(folded), clock=_clock(folded))


def parse_printed_date(text: str, tz: tzinfo = RIYADH) -> datetime | None:
    """A printed date line (publish line, `١٧ يونيو ٢٠٢٥`, a Hijri date…) to an aware datetime.

    The Gregorian date wins when the line has both; the Hijri date alone is converted.
    Without a time, midnight. None when the line holds no date.
    """
    printed = read_printed_date(text)
    day = printed.gregorian or printed.hijri
    if day is None:
        return None
    if UTC_MARK.search(text):  # the page says otherwise: "بتوقيت غرينتش", "GMT"
        tz = UTC
    return datetime.combine(day, printed.clock or time(0, 0), tzinfo=tz)


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
    return moment.isoformat(timespec="seconds")
