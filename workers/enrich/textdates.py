"""Dates in the text, resolved against the article's publish date.

News prose dates events relative to the day it is published: «الثلاثاء» is the most recent
Tuesday on or before the publish date («الثلاثاء المقبل» the next one, «الثلاثاء الماضي» the
one before), «اليوم (الأحد)», «أمس»; «الأول من أغسطس (آب)» and "August 1" have no year and
take the one that puts them nearest the publish date; «العام الماضي» is the previous year,
«الشهر الماضي» the previous month, «يونيو (حزيران)» the nearest June; «يونيو 2019», «عام
2018», "in 2023" and Hijri dates («21 ذو الحجة 1446 هـ», converted by the Umm al-Qura
calendar) stand on their own.

Each date is {"text" (as printed), "date" (ISO: 2025-08-01, 2019-06 or 2024), "resolution":
day | month | year}. Without a publish date only the dates that carry their year resolve.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from workers.enrich.lexicon import NOT_WORD_AFTER, NOT_WORD_BEFORE, trie_pattern
from workers.enrich.normalize import (
    FoldedText,
    fold_letters,
    fold_text,
    folded_words,
    paragraphs_of,
)
from workers.extract.dates import (
    ENGLISH_MONTHS,
    GREGORIAN_MONTHS,
    HIJRI_MONTHS,
    hijri_to_gregorian,
    parse_iso,
)
from workers.messages import Article

WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5,
            "الاحد": 6}
ENGLISH_WEEKDAYS = {"Monday": 0, "Tuesday": 1, "Wednesday": 2, "Thursday": 3, "Friday": 4,
                    "Saturday": 5, "Sunday": 6}
MONTHS = {fold_letters(name): number for name, number in GREGORIAN_MONTHS.items()}
HIJRI = {fold_letters(name): number for name, number in HIJRI_MONTHS.items()}
EN_MONTHS = {name.capitalize(): number for name, number in ENGLISH_MONTHS.items()
             if len(name) > 3 or name == "may"}
LEVANTINE = frozenset(fold_letters(n) for n in (
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
    "تشرين الأول", "تشرين الثاني", "كانون الأول"))
# Month names that are everyday words when they stand alone: مارس (practised), آب, تموز…
AMBIGUOUS_ALONE = LEVANTINE | frozenset({"مارس", "ماي", "جوان", "اوت", "May", "March"})
UNITS_ORDINAL = ["الاول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع",
                 "الثامن", "التاسع", "العاشر"]
ORDINAL_DAYS = ({name: i + 1 for i, name in enumerate(UNITS_ORDINAL)}
                | {"الحادي عشر": 11} | {f"{n} عشر": i + 1 + 10
                                       for i, n in enumerate(UNITS_ORDINAL[1:9], start=1)}
                | {"العشرين": 20, "الثلاثين": 30, "الحادي والعشرين": 21,
                   "الحادي والثلاثين": 31}
                | {f"{n} والعشرين": i + 21 for i, n in enumerate(UNITS_ORDINAL[1:9], start=1)})
RELATIVE = {"الماضي": -1, "الماضيه": -1, "المنصرم": -1, "السابق": -1, "المقبل": 1,
            "المقبله": 1, "القادم": 1, "القادمه": 1, "الحالي": 0, "الجاري": 0, "الحاليه": 0,
            "last": -1, "next": 1, "this": 0}
ANCHORS = {"اليوم": 0, "امس": -1, "غدا": 1}
YEARS = range(1800, 2101)
# Words that put a bare weekday in the future: «ومن المقرر أن يصل … الاثنين», "will face … on
# Friday". News prose otherwise names days already past.
FUTURE = re.compile(
    rf"{NOT_WORD_BEFORE}(?:سوف|علي\s+ان|المقرر|المرتقب|يرتقب|المتوقع|يتوقع|تستعد|يستعد|تعقد|يعقد|"
    rf"ستعقد|سيعقد|سيستكمل|ستبدا|سيبدا){NOT_WORD_AFTER}|\b(?:will|shall|due to|is due|are due|"
    rf"scheduled|set to|expected to|plans? to)\b|'ll\b")
FUTURE_WINDOW_WORDS = 12  # how far before a weekday a future word still governs it
MONTH_CONTEXT = frozenset(
    (
        "في", "منذ", "خلال", "مطلع", "منتصف", "نهايه", "اواخر", "اوائل", "حتي", "بحلول", "قبل",
        "بعد", "من", "شهر", "مايو", "in", "since", "until", "by", "from", "early", "late", "mid",
        "of", "during", "before", "after",
    ))


def _words(names: Iterable[str]) -> str:
    return trie_pattern(names).replace("\\ ", "\\s+")


_MONTH = _words(MONTHS)
_GLOSS = rf"(?:\s*\(\s*({_MONTH})\s*\))?"
_REL = rf"(?:\s+({_words(k for k in RELATIVE if not k.isascii())}))?"
_DAY = rf"(\d{{1,2}}|(?:{_words(ORDINAL_DAYS)})(?=\s+من))"
_EN_MONTH = _words(EN_MONTHS)
_B, _A = NOT_WORD_BEFORE, NOT_WORD_AFTER

HIJRI_DATE = re.compile(rf"{_B}(\d{{1,2}})\s*({_words(HIJRI)})\s*(\d{{4}})(?:\s*هـ?{_A})?")
DAY_MONTH = re.compile(
    rf"{_B}{_DAY}\s*(?:من\s+)?(?:شهر\s+)?({_MONTH}){_A}{_GLOSS}"
    rf"(?:\s*(?:من\s+)?(?:عام\s+|سنه\s+)?(\d{{4}}){_A}|\s+(?:من\s+)?(العام\s+[^\W\d_]+))?")
MONTH_YEAR = re.compile(rf"{_B}(?:شهر\s+)?({_MONTH}){_A}{_GLOSS}\s*(?:من\s+)?(?:عام\s+)?"
                        rf"(\d{{4}}){_A}")
MONTH = re.compile(rf"{_B}(?:(شهر)\s+)?({_MONTH}){_A}{_GLOSS}{_REL}{_A}")
RELATIVE_PERIOD = re.compile(
    rf"{_B}(?:(هذا)\s+)?(العام|السنه|الشهر){_A}(?:\s+({_words(RELATIVE)}))?{_A}")
YEAR = re.compile(rf"{_B}(?:عام|العام|سنه|عامي|منذ|مطلع|نهايه|منتصف|صيف|شتاء|خريف)\s+"
                  rf"(\d{{4}})(?:\s+و(\d{{4}}))?{_A}")
WEEKDAY = re.compile(rf"{_B}(?:(اليوم|امس|غدا)\s*\(\s*)?(?:يوم\s+)?[وف]?({_words(WEEKDAYS)})"
                     rf"{_A}(?:\s*\))?{_REL}")
YESTERDAY = re.compile(rf"{_B}(?:(اول)\s+من\s+)?امس{_A}")
EN_MONTH_DAY = re.compile(
    rf"\b({_EN_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?{_A}(?:,?\s+(\d{{4}}){_A})?")
EN_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_EN_MONTH}){_A}(?:,?\s+(\d{{4}}){_A})?")
EN_MONTH_YEAR = re.compile(rf"\b({_EN_MONTH})\s+(\d{{4}}){_A}")
EN_MONTH = re.compile(rf"\b(?:(last|next|this|[Ii]n|[Ss]ince|[Uu]ntil|[Bb]y|[Ff]rom|early|late|"
                      rf"mid|of|during|before|after)[\s-]+)?({_EN_MONTH}){_A}")
EN_YEAR = re.compile(r"\b(?:[Ii]n|[Ss]ince|[Uu]ntil|[Bb]y|[Ff]rom|year|early|late|mid-?)\s+"
                     r"(1[89]\d\d|20\d\d)\b(?![-–]\d)")
EN_RELATIVE = re.compile(r"\b(last|next|this)\s+(year|month)\b|\b(yesterday|tomorrow)\b", re.I)
EN_WEEKDAY = re.compile(rf"\b(?:(last|next|this)\s+)?({'|'.join(ENGLISH_WEEKDAYS)})\b")


Span = tuple[int, int, str | None, str]  # start, end, ISO date or None, resolution


# One fast pass finds which kinds of date a paragraph may hold; only their patterns run.
MONTH_KIND, HIJRI_KIND, WEEKDAY_KIND, PERIOD_KIND, YEAR_KIND = "month", "hijri", "weekday", \
    "period", "year"
_ANCHOR_KINDS = (
    {name.split()[0]: MONTH_KIND for name in MONTHS}
    | {word: HIJRI_KIND for name in HIJRI for word in name.split()[:1]}
    | {prefix + day: WEEKDAY_KIND for day in WEEKDAYS for prefix in ("", "و", "ف")}
    | dict.fromkeys(("العام", "السنه", "الشهر", "امس"), PERIOD_KIND)
    | {word: MONTH_KIND for word in EN_MONTHS}
    | {word: WEEKDAY_KIND for word in ENGLISH_WEEKDAYS}
    | dict.fromkeys(("year", "month", "yesterday", "tomorrow"), PERIOD_KIND)
)
ANCHOR_WORDS = frozenset(_ANCHOR_KINDS)
FOUR_DIGITS = re.compile(r"\d{4}")


def anchor_kinds(paragraph: str) -> set[str]:
    """The kinds of date words in a paragraph (a month name, a weekday, «العام», a 4-digit
    number): one set intersection with its words, one search for digits."""
    kinds = {_ANCHOR_KINDS[word] for word in ANCHOR_WORDS.intersection(folded_words(paragraph))}
    if FOUR_DIGITS.search(fold_text(paragraph).text):
        kinds.add(YEAR_KIND)
    return kinds


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    date: str
    resolution: str


# --- resolution --------------------------------------------------------------------------


def _weekday(reference: date, weekday: int, direction: int) -> date:
    """The `weekday` on or before `reference` (0), strictly before (-1) or after (1)."""
    back = (reference.weekday() - weekday) % 7
    if direction < 0:
        return reference - timedelta(days=back or 7)
    if direction > 0:
        return reference + timedelta(days=(weekday - reference.weekday()) % 7 or 7)
    return reference - timedelta(days=back)


def _nearest_day(reference: date, month: int, day: int) -> date | None:
    """The day-month nearest `reference` (a tie goes to the past)."""
    options = []
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    return min(options, key=lambda d: (abs((d - reference).days), d > reference), default=None)


def _month_of(reference: date, month: int, direction: int | None) -> str:
    """The month named, the last one before (-1), the next one (1) or the nearest (None/0)."""
    index = reference.year * 12 + reference.month - 1
    if direction == -1:
        target = index - ((reference.month - month) % 12 or 12)
    elif direction == 1:
        target = index + ((month - reference.month) % 12 or 12)
    else:
        candidates = [(y * 12 + month - 1) for y in (reference.year - 1, reference.year,
                                                      reference.year + 1)]
        target = min(candidates, key=lambda c: (abs(c - index), c > index))
    return f"{target // 12:04d}-{target % 12 + 1:02d}"


def _shift_month(reference: date, months: int) -> str:
    index = reference.year * 12 + reference.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _day_of(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


# --- Arabic ------------------------------------------------------------------------------


def _day_number(text: str) -> int:
    return int(text) if text.isdigit() else ORDINAL_DAYS[" ".join(text.split())]


def _month_number(text: str, table: dict[str, int]) -> int:
    return table[" ".join(text.split())]


def _arabic(text: str, ref: date | None, kinds: set[str]) -> Iterator[Span]:
    if HIJRI_KIND in kinds:
        for m in HIJRI_DATE.finditer(text):
            day = hijri_to_gregorian(int(m[1]), _month_number(m[2], HIJRI), int(m[3]))
            yield (*m.span(), day.isoformat() if day else None, "day")
    if MONTH_KIND in kinds:
        yield from _arabic_months(text, ref)
    if PERIOD_KIND in kinds:
        yield from _arabic_periods(text, ref)
    if YEAR_KIND in kinds:
        for m in YEAR.finditer(text):
            yield m.start(), m.end(1), _year(m[1]), "year"
            if m[2]:  # «عامي ٢٠١٨ و٢٠٢٢»
                yield m.start(2) - 1, m.end(2), _year(m[2]), "year"
    if WEEKDAY_KIND in kinds:
        for m in WEEKDAY.finditer(text):
            yield (*m.span(), _arabic_weekday(m, ref, text), "day")


def _arabic_months(text: str, ref: date | None) -> Iterator[Span]:
    for m in DAY_MONTH.finditer(text):
        yield (*m.span(), _arabic_day_month(m, ref), "day")
    for m in MONTH_YEAR.finditer(text):
        year = _year(m[3])
        yield (*m.span(), year and f"{year}-{_month_number(m[1], MONTHS):02d}", "month")
    for m in MONTH.finditer(text):
        yield (*m.span(), _arabic_month(text, m, ref), "month")


def _arabic_periods(text: str, ref: date | None) -> Iterator[Span]:
    for m in RELATIVE_PERIOD.finditer(text):
        yield (*m.span(), *_relative_period(m, ref))
    for m in YESTERDAY.finditer(text):
        day = ref - timedelta(days=2 if m[1] else 1) if ref else None
        yield (*m.span(), day.isoformat() if day else None, "day")


def _arabic_day_month(m: re.Match[str], ref: date | None) -> str | None:
    day, month = _day_number(m[1]), _month_number(m[2], MONTHS)
    if m[4]:
        return _day_of(int(m[4]), month, day)
    if ref is None:
        return None
    if m[5]:  # «من العام الماضي»
        shift = RELATIVE.get(m[5].split()[-1])
        return _day_of(ref.year + shift, month, day) if shift is not None else None
    found = _nearest_day(ref, month, day)
    return found.isoformat() if found else None


def _arabic_month(text: str, m: re.Match[str], ref: date | None) -> str | None:
    """A month without its year; alone it needs context («في يونيو», «يونيو (حزيران)»)."""
    name, glossed, relative = " ".join(m[2].split()), m[3], m[4]
    if not (m[1] or glossed or relative):
        before = text[max(0, m.start() - 12):m.start()].split()[-1:]
        if name in AMBIGUOUS_ALONE or not before or before[0] not in MONTH_CONTEXT:
            return None
    if ref is None:
        return None
    return _month_of(ref, MONTHS[name], RELATIVE.get(relative or ""))


def _relative_period(m: re.Match[str], ref: date | None) -> tuple[str | None, str]:
    """«العام الماضي», «هذا العام», «الشهر المقبل»."""
    unit = "month" if m[2] == "الشهر" else "year"
    shift = 0 if m[1] else RELATIVE.get(m[3] or "")
    if ref is None or shift is None or (not m[1] and not m[3]):
        return None, unit
    if unit == "month":
        return _shift_month(ref, shift), unit
    return f"{ref.year + shift:04d}", unit


def _year(text: str) -> str | None:
    """A year as a year is written in news (1800–2100); «الدين العام 3300» is no year."""
    return text if int(text) in YEARS else None


def _future(text: str, position: int) -> bool:
    """Whether the words just before `position`, in its sentence, speak of the future."""
    start = max(text.rfind(c, 0, position) for c in ".!?؟")
    words = text[start + 1:position].split()[-FUTURE_WINDOW_WORDS:]
    return FUTURE.search(" ".join(words)) is not None


def _arabic_weekday(m: re.Match[str], ref: date | None, text: str) -> str | None:
    if ref is None:
        return None
    direction = ANCHORS.get(m[1] or "", 0) or RELATIVE.get(m[3] or "", 0)
    if not direction and not m[1] and _future(text, m.start()):
        direction = 1
    return _weekday(ref, WEEKDAYS[m[2]], direction).isoformat()


# --- English -----------------------------------------------------------------------------


def _english(text: str, ref: date | None, kinds: set[str]) -> Iterator[Span]:
    if MONTH_KIND in kinds:
        yield from _english_months(text, ref)
    if YEAR_KIND in kinds:
        for m in EN_YEAR.finditer(text):
            yield m.start(1), m.end(1), m[1], "year"
    if PERIOD_KIND in kinds:
        for m in EN_RELATIVE.finditer(text):
            yield (*m.span(), *_english_relative(m, ref))
    if WEEKDAY_KIND in kinds:
        for m in EN_WEEKDAY.finditer(text):
            direction = RELATIVE.get((m[1] or "").lower(), 0) or int(_future(text, m.start()))
            day = _weekday(ref, ENGLISH_WEEKDAYS[m[2]], direction) if ref else None
            yield (*m.span(), day.isoformat() if day else None, "day")


def _english_months(text: str, ref: date | None) -> Iterator[Span]:
    for m in EN_MONTH_DAY.finditer(text):
        yield (*m.span(), _english_day(ref, EN_MONTHS[m[1]], int(m[2]), m[3]), "day")
    for m in EN_DAY_MONTH.finditer(text):
        yield (*m.span(), _english_day(ref, EN_MONTHS[m[2]], int(m[1]), m[3]), "day")
    for m in EN_MONTH_YEAR.finditer(text):
        yield (*m.span(), f"{int(m[2]):04d}-{EN_MONTHS[m[1]]:02d}", "month")
    for m in EN_MONTH.finditer(text):
        alone = m[1] is None or m[1].lower() not in RELATIVE
        if ref is None or (m[1] is None and m[2] in AMBIGUOUS_ALONE):
            yield (*m.span(), None, "month")
        else:
            direction = None if alone else RELATIVE[(m[1] or "").lower()]
            yield (*m.span(), _month_of(ref, EN_MONTHS[m[2]], direction), "month")


def _english_day(ref: date | None, month: int, day: int, year: str | None) -> str | None:
    if year:
        return _day_of(int(year), month, day)
    found = _nearest_day(ref, month, day) if ref else None
    return found.isoformat() if found else None


def _english_relative(m: re.Match[str], ref: date | None) -> tuple[str | None, str]:
    if m[3]:
        if ref is None:
            return None, "day"
        return (ref + timedelta(days=1 if m[3].lower() == "tomorrow" else -1)).isoformat(), "day"
    if ref is None:
        return None, m[2].lower()
    shift = RELATIVE[m[1].lower()]
    if m[2].lower() == "month":
        return _shift_month(ref, shift), "month"
    return f"{ref.year + shift:04d}", "year"


# --- the enricher ------------------------------------------------------------------------


Finder = Callable[[str, date | None, set[str]], Iterator[Span]]
ARABIC_LETTER = re.compile("[\u0620-\u064a]")


def find_dates(paragraph: str, reference: date | None) -> list[dict[str, Any]]:
    """The dates of one paragraph, in text order; the first pattern to claim a span wins
    (a full date before its month, a month before its year)."""
    folded: FoldedText = fold_text(paragraph)
    kinds = anchor_kinds(paragraph)
    if not kinds:
        return []
    finder: Finder = _arabic if ARABIC_LETTER.search(folded.text) else _english
    taken: list[Found] = []
    for start, end, iso, resolution in finder(folded.text, reference, kinds):
        if iso is None or any(f.start < end and start < f.end for f in taken):
            continue
        taken.append(Found(start, end, iso, resolution))
    return [{"text": folded.original_span(f.start, f.end).strip(), "date": f.date,
             "resolution": f.resolution} for f in sorted(taken, key=lambda f: f.start)]


def reference_date(article: Article) -> date | None:
    """The publish date in its own zone (the day its readers called «اليوم»); None when
    there is none, or none a news article could have (dates near it must exist)."""
    published = parse_iso(article.published_at) if isinstance(article.published_at, str) else None
    return published.date() if published and published.year in YEARS else None


def enrich_dates(article: Article, result: dict[str, Any]) -> dict[str, Any]:
    """{"dates": [{"text", "date", "resolution"}]}, every mention in text order."""
    reference = reference_date(article)
    return {"dates": [d for p in paragraphs_of(article) for d in find_dates(p, reference)]}
