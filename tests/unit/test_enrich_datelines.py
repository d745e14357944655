"""Datelines and bylines: «الشرق الأوسط» (موسكو ), موسكو: «الشرق الأوسط», London - Asharq."""

from __future__ import annotations

import pytest

from tests.unit.enrich_support import MELONI, SHOIGU, article, replica, seed_article
from workers.enrich.datelines import (
    enrich_dateline,
    parse_dateline,
    parse_wire_lead,
    split_places,
)


def dateline(source: str | None, places: list[str],
             authors: list[str] | None = None) -> dict[str, object]:
    return {"source": source, "places": places, "authors": authors or []}


@pytest.mark.parametrize(("text", "expected"), [
    ("«الشرق الأوسط» (موسكو )", dateline("الشرق الأوسط", ["موسكو"])),
    ("«الشرق الأوسط» (كييف - موسكو)", dateline("الشرق الأوسط", ["كييف", "موسكو"])),
    ("«الشرق الأوسط»  ( دبي -  لندن )", dateline("الشرق الأوسط", ["دبي", "لندن"])),
    ("موسكو: «الشرق الأوسط»", dateline("الشرق الأوسط", ["موسكو"])),
    ("كييف - موسكو: «الشرق الأوسط»", dateline("الشرق الأوسط", ["كييف", "موسكو"])),
    ("لندن: سعيد الأبيض", dateline(None, ["لندن"], ["سعيد الأبيض"])),
    ("القاهرة: رويترز", dateline("رويترز", ["القاهرة"])),
    ("London - Asharq Al-Awsat", dateline("Asharq Al-Awsat", ["London"])),
    ("Vatican City - Asharq Al-Awsat", dateline("Asharq Al-Awsat", ["Vatican City"])),
    ("Kyiv - Moscow - Asharq Al-Awsat", dateline("Asharq Al-Awsat", ["Kyiv", "Moscow"])),
    ("Riyadh - Karim Nassar", dateline(None, ["Riyadh"], ["Karim Nassar"])),
])
def test_parse_dateline(text: str, expected: dict[str, object]) -> None:
    assert parse_dateline(text) == expected


@pytest.mark.parametrize("text", [
    "سمير الخطيب", "Karim Nassar", "", "   ", "«الشرق الأوسط»", "(موسكو)", None,
    "وقال شويغو إن كوريا الشمالية سترسل «فرقة بنائين ولواءين عسكريين - 5000 عنصر»",
])
def test_not_a_dateline(text: str | None) -> None:
    assert parse_dateline(text) is None


def test_split_places() -> None:
    assert split_places("كييف - موسكو") == ["كييف", "موسكو"]
    assert split_places("كييف-موسكو") == ["كييف", "موسكو"]
    assert split_places("Kyiv, Moscow") == ["Kyiv", "Moscow"]
    assert split_places("تل أبيب") == ["تل أبيب"]
    assert split_places("موسكو 2025") == []


def test_wire_lead() -> None:
    assert parse_wire_lead("MOSCOW (Reuters) - Russia said on Tuesday...") == dateline(
        "Reuters", ["Moscow"])
    assert parse_wire_lead("WASHINGTON, June 3 (AP) — The Senate voted...") == dateline(
        "AP", ["Washington"])
    assert parse_wire_lead("Russia said on Tuesday (local time) - that...") is None


def test_the_seed_articles_datelines() -> None:
    assert enrich_dateline(seed_article(SHOIGU), {}) == {
        "dateline": dateline("الشرق الأوسط", ["موسكو"])}
    assert enrich_dateline(seed_article(MELONI), {}) == {
        "dateline": dateline("الشرق الأوسط", ["روما"])}


def test_the_seed_teasers_datelines() -> None:
    teasers = seed_article(SHOIGU).related
    places = [split_places(t.dateline.place) for t in teasers]
    assert places == [["موسكو"], ["كييف", "موسكو"], ["لندن"], ["موسكو"], ["واشنطن"]]


def test_several_bylines_merge() -> None:
    found = article("نص", authors=["غزة: «الشرق الأوسط»", "تل أبيب: نظير مجلي"])
    assert enrich_dateline(found, {})["dateline"] == dateline(
        "الشرق الأوسط", ["غزة", "تل أبيب"], ["نظير مجلي"])


def test_replica_bylines() -> None:
    arabic = replica("ar")
    assert enrich_dateline(arabic[5162102], {})["dateline"] == dateline(
        "الشرق الأوسط", ["كييف", "موسكو"])
    assert enrich_dateline(arabic[5170006], {})["dateline"] == dateline(
        None, ["لندن"], ["سعيد الأبيض"])
    english = replica("en")
    assert enrich_dateline(english[5200001], {})["dateline"] == dateline(
        "Asharq Al-Awsat", ["Moscow"])


def test_an_opinion_column_has_no_dateline() -> None:
    column = replica("ar")[5190001]
    assert column.authors and enrich_dateline(column, {}) == {"dateline": None}


def test_a_wire_lead_when_there_is_no_byline() -> None:
    wire = article("LONDON (Reuters) - Oil prices rose on Monday after OPEC+ agreed a cut.")
    assert enrich_dateline(wire, {})["dateline"] == dateline("Reuters", ["London"])
