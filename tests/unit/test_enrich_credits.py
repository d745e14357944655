"""Credits on images and in the text, resolved by the agency table (data/agencies.yaml)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.unit.enrich_support import MELONI, SHOIGU, article, replica, seed_article
from workers.enrich.credits import (
    agencies,
    agency_of,
    credit_key,
    enrich_credits,
    image_credit,
    parse_credit,
)
from workers.enrich.lexicon import load_data
from workers.enrich.normalize import enrich_search


def credit(text: str, agency: str | None, where: str, archive: bool = False) -> dict[str, object]:
    return {"text": text, "agency": agency, "archive": archive, "where": where}


@pytest.mark.parametrize(("printed", "agency", "archive"), [
    ("أ.ب", "Associated Press", False),
    ("أ. ب", "Associated Press", False),
    ("رويترز", "Reuters", False),
    ("إ.ب.أ", "EPA", False),
    ("أ.ف.ب", "AFP", False),
    ("أرشيفية - رويترز", "Reuters", True),
    ("(أ.ف.ب)", "AFP", False),
    ("موقع المرشد", None, False),
    ("الشرق الأوسط", "Asharq Al-Awsat", False),
    ("AP", "Associated Press", False),
    ("AP Photo/John Smith", "Associated Press", False),
    ("Reuters/File", "Reuters", True),
    ("AFP", "AFP", False),
    ("Getty Images", "Getty Images", False),
])
def test_parse_credit(printed: str, agency: str | None, archive: bool) -> None:
    found = parse_credit(printed, "lead_image")
    assert found is not None
    assert (found["agency"], found["archive"], found["where"]) == (agency, archive, "lead_image")
    assert found["text"] == printed.strip("()")


def test_no_credit() -> None:
    assert parse_credit("", "lead_image") is None
    assert parse_credit("x" * 500, "lead_image") is None
    assert agency_of(None) is None and agency_of("سعيد الأبيض") is None


def test_a_credit_glued_to_its_caption() -> None:
    caption = "يفترشون ارصفة محطات المتروا بعد تعرض كييف لهجوم بالمسيرات(رويترز)"
    assert image_credit(None, caption) == "رويترز"
    assert image_credit(None, "مؤتمر صحافي في القاهرة (2019)") is None
    assert image_credit("أ.ب", caption) == "أ.ب"


def test_the_seed_shoigu_credits() -> None:
    seed = seed_article(SHOIGU)
    assert enrich_credits(seed, enrich_search(seed, {}))["credits"] == [
        credit("أ.ب", "Associated Press", "lead_image"),
        credit("أ.ب", "Associated Press", "related_image"),
        credit("رويترز", "Reuters", "related_image"),
        credit("موقع المرشد", None, "related_image"),
        credit("أرشيفية - رويترز", "Reuters", "related_image", archive=True),
        credit("تاس", "TASS", "text"),  # «ذكرت وكالة «تاس» الروسية للأنباء»
        credit("رويترز", "Reuters", "text"),  # «وكشف تحقيق أجرته «رويترز»»
    ]


def test_the_seed_meloni_credits() -> None:
    seed = seed_article(MELONI)
    assert enrich_credits(seed, {})["credits"] == [
        credit("إ.ب.أ", "EPA", "lead_image"),
        credit("وكالة الصحافة الفرنسية", "AFP", "text"),  # «ووفقاً لـ«وكالة الصحافة الفرنسية»»
    ]


def test_the_month_ab_is_not_associated_press() -> None:
    text = article("إذا لم يتم التوصل إلى اتفاق بحلول الأول من أغسطس (آب).")
    assert enrich_credits(text, {})["credits"] == []


def test_credits_in_running_text() -> None:
    found = article(
        "قال مصدر لرويترز إن المحادثات مستمرة.",
        "وأفادت وكالة الأنباء السعودية (واس) بأن الاجتماع انتهى.",
        "وأكد المتحدث أن الوفد سيعود الأسبوع المقبل. (أ.ف.ب)",
    )
    agencies_found = [c["agency"] for c in enrich_credits(found, {})["credits"]]
    assert agencies_found == ["Reuters", "Saudi Press Agency", "AFP"]


def test_no_credit_inside_other_words() -> None:
    found = article("وقال التاسع من الشهر إن رويترزية ليست كلمة، وتاسك فورس كذلك.")
    assert enrich_credits(found, {})["credits"] == []


def test_english_credits() -> None:
    english = replica("en")[5200007]  # Meloni: AFP photo, "according to Agence France-Presse"
    found = enrich_credits(english, enrich_search(english, {}))["credits"]
    assert credit("AFP", "AFP", "lead_image") in found
    assert credit("Agence France-Presse", "AFP", "text") in found
    wire = article("LONDON (AP) — Oil prices rose on Monday.", "The EPA said on Monday...")
    assert [c["agency"] for c in enrich_credits(wire, {})["credits"]] == ["Associated Press"]


def test_the_table_is_consistent() -> None:
    data = load_data("agencies")
    forms = Counter(credit_key(form) for entry in data["agencies"]
                    for form in entry.get("names", []) + entry.get("credit_only", []))
    assert not [form for form, count in forms.items() if count > 1]
    assert all(entry["agency"] and entry["names"] for entry in data["agencies"])
    assert {"ارشيفيه", "file"} <= agencies().archive_markers
