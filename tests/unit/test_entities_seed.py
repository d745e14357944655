"""The seed page's two articles: every person, place and organization found with its type,
and nothing invented (issue 4, targets)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workers.enrich.entities import enrich_entities
from workers.messages import Article, Image

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

SHOIGU = {
    ("PERSON", "فلاديمير بوتين"), ("PERSON", "سيرغي شويغو"), ("PERSON", "كيم جونغ أون"),
    ("LOCATION", "كوريا الشمالية"), ("LOCATION", "بيونغ يانغ"), ("LOCATION", "كورسك"),
    ("LOCATION", "روسيا"), ("LOCATION", "أوكرانيا"), ("LOCATION", "كوريا الجنوبية"),
    ("LOCATION", "موسكو"), ("ORGANIZATION", "تاس"), ("ORGANIZATION", "رويترز"),
}
MELONI = {
    ("PERSON", "جورجيا ميلوني"), ("PERSON", "دونالد ترمب"), ("PERSON", "أورسولا فون دير لايين"),
    ("LOCATION", "أوروبا"), ("LOCATION", "إيطاليا"), ("LOCATION", "المكسيك"),
    ("LOCATION", "واشنطن"), ("LOCATION", "بروكسل"), ("ORGANIZATION", "الاتحاد الأوروبي"),
    ("ORGANIZATION", "وكالة الصحافة الفرنسية"), ("ORGANIZATION", "إخوة إيطاليا"),
    ("ORGANIZATION", "المفوضية الأوروبية"),
}


def seed_article(name: str) -> Article:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return Article(url="https://aawsat.com/x", canonical_url="https://aawsat.com/x",
                   site="aawsat", title=data["title"], body=data["body"],
                   lead_image=Image(**data["lead_image"]), language="ar").finalize()


def entities(name: str) -> dict[str, dict]:
    found = enrich_entities(seed_article(name), {})["entities"]
    return {e["name"]: e for e in found}


@pytest.mark.parametrize(("fixture", "expected"), [
    ("shoigu-north-korea.json", SHOIGU), ("meloni-trade-war.json", MELONI)])
def test_every_entity_found_and_none_invented(fixture: str, expected: set) -> None:
    found = entities(fixture)
    assert {(e["type"], e["name"]) for e in found.values()} == expected


def test_shoigu_roles_and_mentions() -> None:
    found = entities("shoigu-north-korea.json")
    shoigu, putin, kim = found["سيرغي شويغو"], found["فلاديمير بوتين"], found["كيم جونغ أون"]
    assert shoigu["role"] == "مستشار الأمن الرئاسي الروسي"
    assert shoigu["name_en"] == "Sergei Shoigu"
    assert "لشويغو" in shoigu["mentions"]  # with its proclitic, as written
    assert putin["role"] == "الرئيس الروسي" and putin["name_en"] == "Vladimir Putin"
    assert putin["mentions"].count("بوتين") == 2  # the title's and the body's bare surname
    assert kim["role"] == "الزعيم الكوري الشمالي"
    assert kim["mentions"] == ["كيم", "كيم جونغ أون", "كيم"]  # «كيم» alone is the same Kim
    assert found["بيونغ يانغ"]["name_en"] == "Pyongyang"


def test_meloni_roles() -> None:
    found = entities("meloni-trade-war.json")
    assert found["جورجيا ميلوني"]["role"] == "رئيسة الوزراء الإيطالية"
    assert found["دونالد ترمب"]["role"] == "الرئيس الأميركي"
    assert found["أورسولا فون دير لايين"]["role"] == "رئيسة المفوضية الأوروبية"
    assert found["جورجيا ميلوني"]["mentions"][0] == "ميلوني"  # the headline comes first
    assert all(e["role"] is None for e in found.values() if e["type"] != "PERSON")
