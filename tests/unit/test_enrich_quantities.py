"""Quantities: numbers with what they count, in digits and in words, Arabic and English."""

from __future__ import annotations

import pytest

from tests.unit.enrich_support import MELONI, SHOIGU, replica, seed_article
from workers.enrich.quantities import enrich_quantities, find_quantities


def measured(text: str) -> list[tuple[float, str]]:
    return [(q["value"], q["unit"]) for q in find_quantities(text)]


def test_the_seed_shoigu() -> None:
    found = enrich_quantities(seed_article(SHOIGU), {})["quantities"]
    assert found == [
        {"value": 5000, "unit": "عنصر", "text": "5000 عنصر", "kind": "count"},
        {"value": 1000, "unit": "متخصص", "text": "1000 متخصص", "kind": "count"},
        {"value": 3, "unit": "أشهر", "text": "3 أشهر", "kind": "count"},
    ]


def test_the_seed_meloni_every_mention_of_30_percent() -> None:
    found = enrich_quantities(seed_article(MELONI), {})["quantities"]
    assert [(q["value"], q["unit"], q["text"]) for q in found] == [
        (30, "percent", "30 في المائة"),
        (30, "percent", "30 في المائة"),
        (30, "percent", "ثلاثين في المائة"),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("سترسل ٥٠٠٠ عنصر إلى المنطقة", [(5000, "عنصر")]),
    ("بلغت الاستثمارات 5 مليارات دولار العام الماضي", [(5_000_000_000, "USD")]),
    ("ضخ نحو 10 آلاف قطعة أرض سنوياً", [(10_000, "قطعة")]),
    ("أضاف الاقتصاد 22 ألف وظيفة فقط", [(22_000, "وظيفة")]),
    ("بنسبة ١٦٫٨ في المائة", [(16.8, "percent")]),
    ("ارتفعت بنسبة 2.5%", [(2.5, "percent")]),
    ("شارك فيه خمسة وعشرون ألف شخص", [(25_000, "شخص")]),
    ("تمتد ثلاثمائة وخمسين كيلومتراً", [(350, "كيلومتر")]),
    ("عبر ثلاثة عشر قرناً", [(13, "قرن")]),
    ("بمشاركة أكثر من ألفي دار نشر", [(2000, "دار")]),
    ("استقطبت أكثر من مليون زائر", [(1_000_000, "زائر")]),
    ("فاز بثلاثة أهداف مقابل هدف", [(3, "أهداف")]),
    ("سجل صلاح ٢٩ هدفاً وصنع ١٨ هدفاً", [(29, "هدف"), (18, "هدف")]),
    ("سعر التذكرة 12 جنيهاً إسترلينياً", [(12, "GBP")]),
    ("مبيعات تجاوزت ٢٨ مليون ريال", [(28_000_000, "ريال")]),
    ("بقيمة 50 مليار ريال سعودي", [(50_000_000_000, "SAR")]),
    ("رصد 1,500 ريال", [(1500, "ريال")]),
])
def test_arabic_quantities(text: str, expected: list[tuple[float, str]]) -> None:
    assert measured(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Trump announced 30 percent tariffs", [(30, "percent")]),
    ("a plan worth $5 billion", [(5_000_000_000, "USD")]),
    ("Pyongyang would dispatch 1,000 deminers and 5,000 military builders",
     [(1000, "deminers"), (5000, "military builders")]),
    ("after twelve days of war", [(12, "days")]),
    ("raise output by 548,000 barrels per day", [(548_000, "barrels per day")]),
    ("cuts of 2.2 million bpd in April", [(2_200_000, "bpd")]),
    ("Brent ended the week below $70 a barrel", [(70, "USD")]),
])
def test_english_quantities(text: str, expected: list[tuple[float, str]]) -> None:
    assert measured(text) == expected


@pytest.mark.parametrize("text", [
    "وقّعها الزعيمان عام 2025",  # a year
    "بحلول 24 أغسطس (آب) المقبل",  # a date
    "في الدقيقة 18 بتسديدة أرضية",  # a label
    "فاز 4-3 بعد التمديد",  # a score
    "قاتل آلاف الجنود الكوريين",  # a vague plural
    "زودت روسيا بملايين من القذائف",
    "موسكو «لم تسعَ يوماً إلى المواجهة»",  # تسع: a verb, not nine
    "يحجز مقعده في مونديال 2026 المقررة",  # a year with no counted noun
    "انتهت الجلسة عند 17:30",
    "Born in Chicago in 1955",
    "The war began on June 13",
    "the 69-year-old pope and the 12-day war",
    "in the 112th minute",
    "ثالث زيارة لشويغو",
])
def test_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_replica_articles() -> None:
    gold = replica("ar")[5170002]  # gold prices
    found = {(q["value"], q["unit"]) for q in enrich_quantities(gold, {})["quantities"]}
    assert {(3650, "USD"), (0.6, "percent"), (22_000, "وظيفة"), (4, "سنوات")} <= found
    assert all(q["text"] for q in enrich_quantities(gold, {})["quantities"])
