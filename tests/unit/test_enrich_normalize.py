"""Search forms: normalize_arabic, the offset-keeping fold, and enrich_search."""

from __future__ import annotations

import pytest

from tests.unit.enrich_support import SHOIGU, article, seed_article
from workers.enrich.normalize import (
    enrich_search,
    fold_text,
    folded_words,
    normalize_arabic,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("وقَّعها الزعيمان", "وقعها الزعيمان"),  # shadda and fatha
    ("حثّ الرئيسُ", "حث الرئيس"),
    ("بـ«صفر تخصيب»", "ب«صفر تخصيب»"),  # tatweel
    ("أإآٱ", "اااا"),  # alef / hamza forms
    ("مستشفى", "مستشفي"),  # alef maqsura
    ("الشمالية", "الشماليه"),  # taa marbuta
    ("٥٠٠٠ عنصر و۱۲۳", "5000 عنصر و123"),  # Arabic-Indic and Persian digits
    ("١٦٫٨ في المائة", "16.8 في المائه"),  # the Arabic decimal separator
    ("\u200fموسكو\u200e \u202bكييف\u202c \u2067طهران\u2069", "موسكو كييف طهران"),  # bidi
    ("\ufeffبوتين\u200b", "بوتين"),  # byte-order mark, zero-width space
    ("ﻻ ﷲ", "لا الله"),  # presentation forms
    ("  كوريا \n\n الشمالية\t", "كوريا الشماليه"),  # whitespace
    ("Asharq Al-Awsat REUTERS", "asharq al-awsat reuters"),  # Latin lower-cased
    ("", ""),
])
def test_normalize_arabic(text: str, expected: str) -> None:
    assert normalize_arabic(text) == expected


def test_fold_keeps_the_way_back_to_the_printed_text() -> None:
    text = "التي وقَّعها الزعيمان العام الماضي"
    folded = fold_text(text)
    start = folded.text.index("وقعها")
    assert folded.original_span(start, start + len("وقعها")) == "وقَّعها"
    assert folded.original_span(0, len(folded.text)) == text


def test_fold_without_marks_is_the_text_itself() -> None:
    folded = fold_text("كوريا الشمالية")
    assert folded.offsets is None
    assert folded.text == "كوريا الشماليه"


def test_a_span_keeps_the_marks_after_its_last_letter() -> None:
    folded = fold_text("«…معاً».")
    assert folded.original_span(1, folded.text.index("»")) == "…معاً"


def test_folded_words_lose_their_punctuation() -> None:
    assert {"الثلاثاء", "اليوم", "الاحد"} <= folded_words("اليوم (الأحد)، الثلاثاء.")


def test_enrich_search_on_the_seed_keeps_the_original() -> None:
    seed = seed_article(SHOIGU)
    title, body = seed.title, list(seed.body)
    search = enrich_search(seed, {})["search"]
    assert search["title"] == "بتكليف من بوتين... شويغو في كوريا الشماليه للقاء كيم"
    assert search["text"].startswith("ذكرت وكاله «تاس» الروسيه للانباء، الثلاثاء، انه")
    assert "وقعها الزعيمان" in search["text"]
    assert (seed.title, seed.body) == (title, body)


def test_enrich_search_of_an_empty_article() -> None:
    assert enrich_search(article(), {}) == {"search": {"title": "", "text": ""}}
