"""Quantities: numbers with what they count.

«5000 عنصر» → 5000 عنصر, «1000 متخصص», «30 في المائة» and «ثلاثين في المائة» → 30 percent,
«٥٠٠٠» → 5000, «5 مليارات دولار» → 5e9 USD, «10 آلاف قطعة» → 10000 قطعة; English "30 percent",
"$5 billion", "1,000 deminers", "twelve days". Every mention is kept, in text order (the
Meloni article's 30 percent, printed twice in digits and once in words, is three mentions).

What is not a quantity: years («عام 2025», "in 1955", a bare 1800–2100 with nothing counted),
dates («24 أغسطس», "June 13"), times, scores and compounds (4-3, 12-day, 69-year-old),
ordinals (112th), labels («الدقيقة 18», «الجولة 3»), vague plurals («آلاف الجنود»,
«ملايين»), and a number followed by no counted noun (an Arabic counted noun is indefinite:
«2026 المقررة» counts nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from workers.enrich.lexicon import NOT_WORD_AFTER, trie_pattern, word_starts
from workers.enrich.normalize import REMOVED_CHARS, FoldedText, fold_text, paragraphs_of
from workers.extract.dates import ENGLISH_MONTHS, GREGORIAN_MONTHS, HIJRI_MONTHS
from workers.messages import Article

YEARS = range(1800, 2101)
TANWEEN_FATH = "\u064b"

# Arabic number words, folded (ة→ه, hamza forms→ا, ى→ي), with their values.
UNITS = {"ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6,
         "سته": 6, "سبع": 7, "سبعه": 7, "ثمان": 8, "ثماني": 8, "ثمانيه": 8, "تسع": 9,
         "تسعه": 9, "عشر": 10, "عشره": 10}
TEEN_UNITS = {"احد": 1, "احدي": 1, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2}  # + عشر
TENS = {stem + ending: value for stem, value in (
    ("عشر", 20), ("ثلاث", 30), ("اربع", 40), ("خمس", 50), ("ست", 60), ("سبع", 70),
    ("ثمان", 80), ("تسع", 90)) for ending in ("ون", "ين")}
HUNDREDS = {"مائه": 100, "مئه": 100, "مائتان": 200, "مائتين": 200, "مئتان": 200, "مئتين": 200,
            "مائتا": 200, "مئتا": 200, "مائتي": 200, "مئتي": 200} | {
    stem + hundred: value * 100 for stem, value in (
        ("ثلاث", 3), ("اربع", 4), ("خمس", 5), ("ست", 6), ("سبع", 7), ("ثمان", 8), ("تسع", 9))
    for hundred in ("مائه", "مئه")}
BIG = {"الف": 1000, "الفا": 1000, "مليون": 10**6, "مليونا": 10**6, "مليار": 10**9,
       "مليارا": 10**9, "بليون": 10**9, "تريليون": 10**12}
DUAL_BIG = {"الفان": 2000, "الفين": 2000, "الفي": 2000, "مليونان": 2 * 10**6,
            "مليونين": 2 * 10**6, "مليوني": 2 * 10**6, "ملياران": 2 * 10**9,
            "مليارين": 2 * 10**9, "ملياري": 2 * 10**9}
PLURAL_BIG = {"الاف": 1000, "ملايين": 10**6, "مليارات": 10**9, "بلايين": 10**9,
              "تريليونات": 10**12}
ENGLISH_UNITS_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
ENGLISH_TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
ENGLISH_WORDS = {w: i for i, w in enumerate(ENGLISH_UNITS_WORDS)} | {
    w: 10 * i for i, w in enumerate(ENGLISH_TENS_WORDS, start=2)}
ENGLISH_BIG = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9,
               "trillion": 10**12, "bn": 10**9}
MULTIPLIERS = BIG | PLURAL_BIG | ENGLISH_BIG
ADDITIVE = UNITS | TEEN_UNITS | TENS | HUNDREDS  # words whose values add up
ARABIC_NUMBER_WORDS = ADDITIVE | BIG | DUAL_BIG | PLURAL_BIG

PERCENT_FORMS = ("%", "٪", "في المائه", "في المئه", "بالمائه", "بالمئه", "percent", "per cent")
# Currency words (folded) → unit; a qualifier after an ambiguous one («ريال سعودي») decides.
CURRENCIES = {"دولار": "USD", "دولارا": "USD", "دولارات": "USD", "يورو": "EUR",
              "استرليني": "GBP", "ين": "JPY", "يوان": "CNY", "روبل": "RUB", "روبلا": "RUB",
              "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "yen": "JPY",
              "yuan": "CNY", "rubles": "RUB", "roubles": "RUB", "pounds": "GBP"}
AMBIGUOUS_CURRENCIES = {"ريال": "ريال", "ريالا": "ريال", "ريالات": "ريال", "جنيه": "جنيه",
                        "جنيها": "جنيه", "جنيهات": "جنيه", "دينار": "دينار", "دينارا": "دينار",
                        "دنانير": "دينار", "درهم": "درهم", "درهما": "درهم", "دراهم": "درهم",
                        "ليره": "ليرة", "ليرات": "ليرة", "riyals": "riyal", "dinars": "dinar"}
CURRENCY_QUALIFIERS = {"سعودي": "SAR", "قطري": "QAR", "عماني": "OMR", "يمني": "YER",
                       "ايراني": "IRR", "مصري": "EGP", "استرليني": "GBP", "سوداني": "SDG",
                       "اماراتي": "AED", "مغربي": "MAD", "كويتي": "KWD", "اردني": "JOD",
                       "عراقي": "IQD", "بحريني": "BHD", "ليبي": "LYD", "تونسي": "TND",
                       "جزائري": "DZD", "تركيه": "TRY", "لبنانيه": "LBP", "سوريه": "SYP"}
CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP"}
# Nouns that a number labels rather than counts: «الدقيقة 18», «الجولة 3», "No. 5".
LABELS = frozenset(
    (
        "الدقيقه", "الجوله", "الماده", "الفقره", "البند", "رقم", "الرقم", "الصفحه", "الشوط",
        "المجموعه", "الفصل", "الحلقه", "المرتبه", "المركز", "الطابق", "الدوره", "النسخه", "القرار",
        "المباراه", "الاصدار", "number", "no", "page", "round", "minute", "article", "chapter",
    ))
STOP_UNITS = frozenset(
    (
        "في", "من", "الي", "علي", "عن", "مع", "حتي", "او", "ثم", "قبل", "بعد", "خلال", "منذ",
        "بين", "عند", "و", "ف", "ب", "ل", "ك", "ما", "لا", "لم", "لن", "قد", "اخري", "اخر",
        "اخرين", "اضافيه", "اضافي", "فقط", "تقريبا", "and", "or", "to", "in", "of", "on", "at",
        "for", "from", "by", "with", "than", "the", "a", "an", "as", "is", "was", "were", "are",
        "be", "per", "percent",
    ))
APPROXIMATORS = frozenset((
    "من", "نحو", "بنحو", "قرابه", "حوالي", "زهاء", "الي", "عن", "about", "nearly", "some",
))
QUANTITY_LEADS = APPROXIMATORS | frozenset(
    (
        "اكثر", "اقل", "قوامه", "قوامها", "بلغ", "يبلغ", "بلغت", "تبلغ", "over", "than", "around",
        "roughly", "almost",
    ))
MONTHS = frozenset(GREGORIAN_MONTHS) | frozenset(HIJRI_MONTHS) | frozenset(ENGLISH_MONTHS)
NEGATIONS = frozenset((
    "لم", "لن", "لا", "ما", "قد", "ان",
))  # «لم تسعَ» is a verb, not nine
DEFINITE_AFTER_CLITIC = ("ال", "وال", "بال", "لل", "فال", "كال")  # a counted noun is indefinite
ENGLISH_UNITS = frozenset((
    "bpd", "barrels", "tons", "tonnes", "km", "kilometers", "miles", "meters",
))
EN_UNIT_PER = re.compile(r"\s+(?:per|a)\s+(day|barrel|year|month|week|hour|ton|ounce)\b")

_NUMBER_WORD = trie_pattern(ARABIC_NUMBER_WORDS)
_EN_NUMBER_WORD = trie_pattern([w for w in ENGLISH_WORDS if w not in ("zero", "one")])
# Digits may carry a clitic («و1000»), not a letter, dash or separator of another number.
# Patterns start with their digits or words, so the regex engine can skip to them; what may
# stand before a number (a clitic «و1000», a currency sign) is checked after the match.
DIGITS = re.compile(r"\d+(?:[.,]\d+)*")  # what may follow is checked after: no backtracking
DIGITS_END = re.compile(r"[\w:]|-\w|[.,]\d")  # 12:30, 4-3, 112th, 12-day: not a number
CURRENCY_BEFORE = re.compile(r"(US\$|\$|€|£)\s?$")
ARABIC_WORDS = re.compile(  # «ثلاثين», «بثلاثة», «خمسة وعشرون ألفاً»
    f"({trie_pattern([c + w for w in ARABIC_NUMBER_WORDS for c in ('', 'و', 'ب', 'ل')])})"
    f"((?:\\s+و?{_NUMBER_WORD})*){NOT_WORD_AFTER}")
ENGLISH_NUMBER_WORDS = re.compile(
    f"(?:{_EN_NUMBER_WORD})(?:[\\s-]+(?:and\\s+)?(?:{_EN_NUMBER_WORD}))*{NOT_WORD_AFTER}(?!-)",
    re.I)
_LATIN = re.compile("[A-Za-z]")
MULTIPLIER = re.compile(f"\\s*({trie_pattern(MULTIPLIERS)}){NOT_WORD_AFTER}", re.I)
PERCENT = re.compile(f"\\s*(?:{trie_pattern(PERCENT_FORMS).replace(chr(92) + ' ', chr(92) + 's+')})"
                     f"{NOT_WORD_AFTER}", re.I)
NEXT_WORD = re.compile(r"\s*([^\W\d_][\w+]*)")
PREVIOUS_WORD = re.compile(r"([^\W_]+)[\s(]*$")
_MARKS = re.compile(f"[{REMOVED_CHARS}]")


@dataclass(frozen=True)
class Number:
    value: float
    start: int
    end: int


def _arabic_number(words: list[str]) -> float | None:
    """«خمسة وعشرون ألفاً» → 25000: units, tens and hundreds add, thousands and millions
    multiply what precedes them. None for a vague or malformed sequence («آلاف»)."""
    total, current = 0, 0
    for index, word in enumerate(words):
        if word in TEEN_UNITS and words[index + 1:index + 2] not in (["عشر"], ["عشره"]):
            return None
        if word in BIG:
            total, current = total + max(current, 1) * BIG[word], 0
        elif word in PLURAL_BIG:
            if current == 0:
                return None
            total, current = total + current * PLURAL_BIG[word], 0
        elif word in DUAL_BIG:
            total, current = total + DUAL_BIG[word], 0
        elif HUNDREDS.get(word) == 100 and 0 < current < 10:
            current *= 100
        else:
            current += ADDITIVE[word]
    return total + current


def _english_number(words: list[str]) -> float | None:
    total, current = 0, 0
    for word in words:
        if word in ENGLISH_BIG:
            if ENGLISH_BIG[word] == 100:
                current = max(current, 1) * 100
            else:
                total, current = total + max(current, 1) * ENGLISH_BIG[word], 0
        else:
            current += ENGLISH_WORDS[word]
    return total + current or None


def _digits_value(text: str) -> float | None:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _digits_start(text: str, start: int) -> bool:
    """Digits start a number after a space, a bracket, a currency sign or a clitic («و1000»);
    not inside a word, after a dash (4-3) or a separator (12:30, 1/2)."""
    if start == 0:
        return True
    before = text[start - 1]
    if before in "وبل":
        return start == 1 or text[start - 2] in " \t\n("
    return not (before.isalnum() or before in "_.,/:-")


def _numbers(text: str) -> Iterator[tuple[Number, str | None]]:
    """Every number of a folded paragraph, with a currency symbol printed before it."""
    for found in DIGITS.finditer(text):
        value = _digits_value(found[0])
        if (value is None or not _digits_start(text, found.start())
                or DIGITS_END.match(text, found.end())):
            continue
        symbol = CURRENCY_BEFORE.search(text, max(0, found.start() - 4), found.start())
        start = symbol.start() if symbol else found.start()
        yield Number(value, start, found.end()), symbol[1] if symbol else None
    for found in word_starts(ARABIC_WORDS, text):
        first = found[1] if found[1] in ARABIC_NUMBER_WORDS else found[1][1:]
        words = [first] + [w[1:] if w[0] == "و" and w not in ARABIC_NUMBER_WORDS else w
                           for w in found[2].split()]
        value = _arabic_number(words)
        if value is not None:
            yield Number(value, found.start(), found.end()), None
    if _LATIN.search(text):
        for found in word_starts(ENGLISH_NUMBER_WORDS, text):
            words = [w for w in re.split(r"[\s-]+", found[0].lower()) if w != "and"]
            value = _english_number(words)
            if value is not None:
                yield Number(value, found.start(), found.end()), None


def _previous_word(text: str, start: int) -> str:
    found = PREVIOUS_WORD.search(text, max(0, start - 30), start)
    return found[1].lower() if found else ""


def _is_verb(text: str, number: Number) -> bool:
    """«لم تسعَ»: a number word after a negation or particle is a verb."""
    return not text[number.start].isdigit() and _previous_word(text, number.start) in NEGATIONS


def _is_date_or_label(text: str, number: Number) -> bool:
    """A year («عام 2025»), a day after its month ("June 13"), a label («الدقيقة 18»), or a
    bare «ألف» that is not «نحو ألف» (ألّف is "he wrote")."""
    before = _previous_word(text, number.start)
    if before in LABELS or before in MONTHS:
        return True
    printed = text[number.start:number.end]
    if printed.strip() == "الف":
        return before not in APPROXIMATORS
    year = printed.strip().isdigit() and int(number.value) in YEARS
    return year and before not in QUANTITY_LEADS  # «أكثر من 2000 لاعب», not «مونديال 2022»


def _unit_word(folded: FoldedText, start: int) -> tuple[str, int] | None:
    """The counted noun at `start` (printed, without tanween) and where it ends."""
    found = NEXT_WORD.match(folded.text, start)
    if not found:
        return None
    word = found[1]
    if (word.lower() in STOP_UNITS or word.startswith(DEFINITE_AFTER_CLITIC)
            or word in MONTHS or word.lower() in MONTHS or word in ARABIC_NUMBER_WORDS
            or any(c.isdigit() for c in word) or (word[0].isascii() and not word.islower())):
        return None
    printed = folded.original_span(found.start(1), found.end(1))
    bare = _MARKS.sub("", printed)
    if TANWEEN_FATH in printed and bare.endswith("ا"):
        bare = bare[:-1]
    return bare, found.end(1)


def _currency(text: str, position: int) -> tuple[str, int] | None:
    found = NEXT_WORD.match(text, position)
    if not found:
        return None
    word = found[1].lower()
    if word in CURRENCIES or word in AMBIGUOUS_CURRENCIES:
        unit = CURRENCIES.get(word) or AMBIGUOUS_CURRENCIES[word]
        qualifier = NEXT_WORD.match(text, found.end())
        if qualifier and qualifier[1].rstrip("ا") in CURRENCY_QUALIFIERS:
            return CURRENCY_QUALIFIERS[qualifier[1].rstrip("ا")], qualifier.end()
        return unit, found.end()
    return None


def _english_unit(folded: FoldedText, start: int) -> tuple[str, int] | None:
    first = _unit_word(folded, start)
    if first is None:
        return None
    unit, end = first
    second = NEXT_WORD.match(folded.text, end)
    if (second and unit not in ENGLISH_UNITS and not unit.endswith("s")
            and second[1].endswith("s") and second[1].islower() and second[1] not in STOP_UNITS):
        unit, end = f"{unit} {second[1]}", second.end()
    per = EN_UNIT_PER.match(folded.text, end)
    if per:
        unit, end = f"{unit} per {per[1]}", per.end()
    return unit, end


def _measure(folded: FoldedText, number: Number,
             symbol: str | None) -> tuple[dict[str, Any], int] | None:
    """The quantity that `number` starts and where it ends; None when it counts nothing."""
    text = folded.text
    value, end = number.value, number.end
    if _is_verb(text, number):
        return None
    multiplier = MULTIPLIER.match(text, end)
    if multiplier:
        value, end = value * MULTIPLIERS[multiplier[1].lower()], multiplier.end()
    elif _is_date_or_label(text, number):
        return None
    unit: str | None = CURRENCY_SYMBOLS.get(symbol or "")
    kind = "currency" if unit else None
    if unit is None and (percent := PERCENT.match(text, end)):
        unit, kind, end = "percent", "percent", percent.end()
    elif unit is None and (currency := _currency(text, end)):
        (unit, end), kind = currency, "currency"
    elif unit is None:
        latin = text[number.start:number.end].isascii() and _is_latin_context(text, end)
        counted = _english_unit(folded, end) if latin else _unit_word(folded, end)
        if counted is None or _disagrees(folded, value, counted[1]):
            return None
        (unit, end), kind = counted, "count"
    quantity = int(value) if value == int(value) else value
    return {"value": quantity, "unit": unit, "text": folded.original_span(number.start, end),
            "kind": kind}, end


def _disagrees(folded: FoldedText, value: float, unit_end: int) -> bool:
    """Three to ten count a plural, never an accusative singular: «تسعَ يوماً» is no nine."""
    printed = folded.original_span(unit_end - 1, unit_end + 1)
    return 3 <= value <= 10 and TANWEEN_FATH in printed


def _is_latin_context(text: str, position: int) -> bool:
    found = NEXT_WORD.match(text, position)
    return bool(found and found[1][0].isascii())


def find_quantities(paragraph: str) -> list[dict[str, Any]]:
    """The quantities of one paragraph, in text order."""
    folded = fold_text(paragraph)
    found = []
    taken: list[tuple[int, int]] = []
    for number, symbol in sorted(_numbers(folded.text), key=lambda n: n[0].start):
        if any(a <= number.start < b for a, b in taken):
            continue
        measured = _measure(folded, number, symbol)
        if measured:
            found.append(measured[0])
            taken.append((number.start, measured[1]))
    return found


def enrich_quantities(article: Article, result: dict[str, Any]) -> dict[str, Any]:
    """{"quantities": [{"value", "unit", "text", "kind": count|percent|currency}]}."""
    return {"quantities": [q for p in paragraphs_of(article) for q in find_quantities(p)]}
