"""Caption / credit splits, datelines, whitespace, noise words and `<br>` lines."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from workers.extract.text import (
    Noise,
    collapse_ws,
    element_lines,
    element_text,
    parse_dateline,
    split_caption_credit,
    word_count,
)
from workers.sites.aawsat import NOISE_STRINGS


@pytest.mark.parametrize(("text", "caption", "credit"), [
    ("مستشار الأمن الرئاسي الروسي سيرغي شويغو (أ.ب)",
     "مستشار الأمن الرئاسي الروسي سيرغي شويغو", "أ.ب"),
    ("يفترشون ارصفة محطات المتروا بعد تعرض كييف لهجوم بالمسيرات(رويترز)",
     "يفترشون ارصفة محطات المتروا بعد تعرض كييف لهجوم بالمسيرات", "رويترز"),
    ("لقاء سابق بين ترمب وبوتين في يونيو 2019 (أرشيفية - رويترز)",
     "لقاء سابق بين ترمب وبوتين في يونيو 2019", "أرشيفية - رويترز"),
    ("المرشد الإيراني علي خامنئي مستقبِلاً الرئيس الروسي (موقع المرشد)",
     "المرشد الإيراني علي خامنئي مستقبِلاً الرئيس الروسي", "موقع المرشد"),
    ("رئيسة الوزراء الإيطالية جورجيا ميلوني (إ.ب.أ)", "رئيسة الوزراء الإيطالية جورجيا ميلوني",
     "إ.ب.أ"),
    ("  متظاهرون   في باريس ( أ.ف.ب )  ", "متظاهرون في باريس", "أ.ف.ب"),
    ("الرئيس (وسط) يصافح ضيفه (رويترز)", "الرئيس (وسط) يصافح ضيفه", "رويترز"),
    ("صورة بلا مصدر", "صورة بلا مصدر", None),
    ("اجتماع في يونيو (حزيران)", "اجتماع في يونيو (حزيران)", None),  # a month, not a credit
    ("(رويترز)", None, "رويترز"),
    ("", None, None),
    (None, None, None),
])
def test_caption_credit_split(text: str | None, caption: str | None, credit: str | None) -> None:
    assert split_caption_credit(text) == (caption, credit)


@pytest.mark.parametrize(("text", "source", "place"), [
    ("«الشرق الأوسط» (موسكو )", "الشرق الأوسط", "موسكو"),
    ("«الشرق الأوسط» (موسكو)", "الشرق الأوسط", "موسكو"),
    ("«الشرق الأوسط» (كييف - موسكو)", "الشرق الأوسط", "كييف - موسكو"),
    ("«الشرق الأوسط»  (  كييف -موسكو )", "الشرق الأوسط", "كييف - موسكو"),
    ("« الشرق الأوسط »(لندن)", "الشرق الأوسط", "لندن"),
    ("لندن: «الشرق الأوسط»", "الشرق الأوسط", "لندن"),
    ("واشنطن - «الشرق الأوسط»", "الشرق الأوسط", "واشنطن"),
    ("رويترز (بيروت)", "رويترز", "بيروت"),
])
def test_datelines(text: str, source: str, place: str) -> None:
    dateline = parse_dateline(text)
    assert (dateline.source, dateline.place) == (source, place)


@pytest.mark.parametrize("text", ["", None, "بلا مكان"])
def test_text_that_is_no_dateline(text: str | None) -> None:
    dateline = parse_dateline(text)
    assert (dateline.source, dateline.place) == (None, None)


def test_whitespace_collapsed_and_invisible_marks_removed() -> None:
    assert collapse_ws("  أ\u00a0\u00a0ب\n\tج \u200fد\ufeff  ") == "أ ب ج د"
    assert collapse_ws(None) == ""


def test_noise_words_removed_as_whole_tokens_only() -> None:
    noise = Noise(NOISE_STRINGS)
    assert noise.clean("TT عنوان الخبر") == "عنوان الخبر"
    assert noise.clean("أوروبا play-circle روسيا") == "أوروبا روسيا"
    assert noise.clean("عنوان المقال استمع إلى المقالة") == "عنوان المقال"
    assert noise.clean("ATTN and TTS stay") == "ATTN and TTS stay"
    assert Noise(()).clean("نص") == "نص"


def test_br_lines_become_paragraphs() -> None:
    p = lxml_html.fragment_fromstring("<p>سطر أول<br>سطر <b>ثان</b><br/> <br>\n سطر\nثالث </p>")
    assert element_lines(p) == ["سطر أول", "سطر ثان", "سطر ثالث"]


def test_element_text_spaces_blocks_but_not_inline_tags() -> None:
    div = lxml_html.fragment_fromstring("<div><h2>عنوان</h2><p>كلمة<b>ملتصقة</b></p></div>")
    assert element_text(div) == "عنوان كلمةملتصقة"


def test_word_count_ignores_lone_punctuation_and_keeps_diacritics_in_words() -> None:
    assert word_count("وقَّعها الزعيمان - 5000 عنصر «تاس»") == 5
    assert word_count("") == 0
