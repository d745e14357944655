"""Dates in the text, resolved against the publish date."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.enrich_support import MELONI, SHOIGU, article, replica, seed_article
from workers.enrich.textdates import enrich_dates, find_dates

SUNDAY = date(2025, 7, 13)  # the Meloni article's publish date


def dated(text: str, reference: date | None = SUNDAY) -> list[tuple[str, str, str]]:
    return [(d["text"], d["date"], d["resolution"]) for d in find_dates(text, reference)]


def test_the_seed_shoigu() -> None:
    found = enrich_dates(seed_article(SHOIGU), {})["dates"]
    assert found == [
        {"text": "الثلاثاء", "date": "2025-06-17", "resolution": "day"},
        {"text": "يونيو (حزيران)", "date": "2025-06", "resolution": "month"},
        {"text": "العام الماضي", "date": "2024", "resolution": "year"},
    ]


def test_the_seed_meloni() -> None:
    found = [(d["text"], d["date"]) for d in enrich_dates(seed_article(MELONI), {})["dates"]]
    assert found == [("الأحد", "2025-07-13"), ("السبت", "2025-07-12"),
                     ("الأول من أغسطس (آب)", "2025-08-01"), ("الأحد", "2025-07-13")]


@pytest.mark.parametrize(("text", "expected"), [
    ("قال بوتين، اليوم (الأحد)، إن", [("اليوم (الأحد)", "2025-07-13", "day")]),
    ("وصل أمس إلى موسكو", [("أمس", "2025-07-12", "day")]),
    ("يصدر إعلانا يوم الاثنين المقبل", [("يوم الاثنين المقبل", "2025-07-14", "day")]),
    ("صدرت البيانات يوم الجمعة الماضي", [("يوم الجمعة الماضي", "2025-07-11", "day")]),
    ("ومن المقرر أن يصل الرئيس إلى إسرائيل صباح الاثنين", [("الاثنين", "2025-07-14", "day")]),
    ("قمة العشرين بأوساكا في يونيو 2019", [("يونيو 2019", "2019-06", "month")]),
    ("خلال شهر يوليو (تموز) الماضي", [("شهر يوليو (تموز) الماضي", "2024-07", "month")]),
    ("خلال شهر يونيو (حزيران) الماضي", [("شهر يونيو (حزيران) الماضي", "2025-06", "month")]),
    ("قبل نهاية سبتمبر (أيلول) المقبل", [("سبتمبر (أيلول) المقبل", "2025-09", "month")]),
    ("في 27 نوفمبر (تشرين الثاني) من العام الماضي",
     [("27 نوفمبر (تشرين الثاني) من العام الماضي", "2024-11-27", "day")]),
    ("حتى ١١ أكتوبر (تشرين الأول) الحالي",
     [("١١ أكتوبر (تشرين الأول)", "2025-10-11", "day")]),
    ("في الثاني عشر من سبتمبر (أيلول)",
     [("الثاني عشر من سبتمبر (أيلول)", "2025-09-12", "day")]),
    ("نُشر في 21 ذو الحجة 1446 هـ", [("21 ذو الحجة 1446 هـ", "2025-06-17", "day")]),
    ("تراجع التضخم العام الماضي", [("العام الماضي", "2024", "year")]),
    ("ويتوقع النمو العام المقبل", [("العام المقبل", "2026", "year")]),
    ("في نهاية الشهر الماضي", [("الشهر الماضي", "2025-06", "month")]),
    ("فاز بالجائزة في عامي ٢٠١٨ و٢٠٢٢",
     [("عامي ٢٠١٨", "2018", "year"), ("و٢٠٢٢", "2022", "year")]),
    ("ليل الاثنين - الثلاثاء",
     [("الاثنين", "2025-07-07", "day"), ("الثلاثاء", "2025-07-08", "day")]),
])
def test_arabic_dates(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert dated(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("the TASS news agency reported on Tuesday", [("Tuesday", "2025-07-08", "day")]),
    ("if no agreement was reached by August 1", [("August 1", "2025-08-01", "day")]),
    ("ministers were due to meet in Brussels on Monday", [("Monday", "2025-07-14", "day")]),
    ("the treaty the two leaders signed last year", [("last year", "2024", "year")]),
    ("which ended in October 2022", [("October 2022", "2022-10", "month")]),
    ("Born in Chicago in 1955", [("1955", "1955", "year")]),
    ("Pope Leo XIV, May 8, 2025", [("May 8, 2025", "2025-05-08", "day")]),
])
def test_english_dates(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert dated(text) == expected


@pytest.mark.parametrize("text", [
    "مارس ضغوطاً كبيرة على الحكومة",  # مارس: he practised
    "الدين العام 3300 مليار يورو",  # العام: public
    "خلال العامين الماضيين",  # a span, not a date
    "You may leave now",
])
def test_not_dates(text: str) -> None:
    assert dated(text) == []


def test_without_a_publish_date_only_full_dates_resolve() -> None:
    assert dated("الثلاثاء في يونيو 2019 والأول من أغسطس", None) == [
        ("يونيو 2019", "2019-06", "month")]
    undated = article("ذكرت الوكالة، الثلاثاء، أن المحادثات بدأت.")
    assert enrich_dates(undated, {}) == {"dates": []}


def test_replica_dates() -> None:
    found = enrich_dates(replica("ar")[5180001], {})["dates"]  # published Wednesday 2025-08-06
    assert ("الخميس", "2025-08-07") in [(d["text"], d["date"]) for d in found]  # «تُعقد الخميس»
    english = enrich_dates(replica("en")[5200001], {})["dates"]
    assert english[0] == {"text": "Tuesday", "date": "2025-06-17", "resolution": "day"}
