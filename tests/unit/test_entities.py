"""Entities: roles, proclitics, spelling variants, mention merging, unknown people, English,
and that no text makes `enrich_entities` raise."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workers.enrich.entities import enrich_entities, find_entities
from workers.enrich.entities.gazetteer import gazetteer
from workers.messages import Article, Image


def found(*texts: str, english: bool = False) -> dict[str, dict]:
    return {e["name"]: e for e in find_entities(list(texts), english)}


def article(title: str, *body: str, language: str | None = "ar") -> Article:
    return Article(url="u", canonical_url="u", site="aawsat", title=title, body=list(body),
                   language=language)


# --- roles ---------------------------------------------------------------------------------

def test_role_of_a_known_person() -> None:
    putin = found("قال الرئيس الروسي فلاديمير بوتين إن الحوار ممكن.")["فلاديمير بوتين"]
    assert putin["role"] == "الرئيس الروسي"
    assert putin["name_en"] == "Vladimir Putin"


def test_role_with_a_conjunction_and_an_organization_inside() -> None:
    text = "وأعلنت رئيسة المفوضية الأوروبية أورسولا فون دير لايين أن بروكسل ستمدد التعليق."
    entities = found(text)
    assert entities["أورسولا فون دير لايين"]["role"] == "رئيسة المفوضية الأوروبية"
    assert entities["المفوضية الأوروبية"]["type"] == "ORGANIZATION"


def test_unknown_person_after_a_title() -> None:
    text = "وقال وزير الطاقة السوري يوسف الحداد، في بيان، إن الخطة جاهزة."
    person = found(text)["يوسف الحداد"]
    assert person["type"] == "PERSON"
    assert person["role"] == "وزير الطاقة السوري"
    assert person["name_en"] is None


def test_unknown_person_after_a_nationality_adjective() -> None:
    entities = found("وسجل الفرنسي أنطوان غريزمان هدفاً، قبل أن يضيف زميله الثاني.")
    assert entities["أنطوان غريزمان"]["role"] == "الفرنسي"


def test_unknown_person_from_a_given_name() -> None:
    entities = found("وقال جوناثان ريد، المحلل في لندن، إن السوق هادئة.")
    assert entities["جوناثان ريد"]["type"] == "PERSON"
    assert entities["لندن"]["type"] == "LOCATION"


def test_a_verb_after_a_title_is_not_a_name() -> None:
    entities = found("وقال إن الرئيس الروسي عرض موقفه هذا خلال الاتصالات.")
    assert all(e["type"] != "PERSON" for e in entities.values())


def test_surname_alone_joins_the_unknown_person() -> None:
    text = ("وقال زعيم الأغلبية الجمهورية جون ثون إن التصويت سيجري الليلة.",
            "وأضاف ثون أن الديمقراطيين رفضوا العرض.")
    person = found(*text)["جون ثون"]
    assert person["mentions"] == ["جون ثون", "ثون"]


# --- proclitics, variants, merging ---------------------------------------------------------

def test_proclitics_are_read() -> None:
    entities = found("وتعد هذه ثالث زيارة لشويغو، بما شمل دعماً قدمته كوريا الشمالية لروسيا "
                     "وللأمم المتحدة وبالاتحاد الأوروبي.")
    assert entities["سيرغي شويغو"]["mentions"] == ["لشويغو"]
    assert entities["روسيا"]["mentions"] == ["لروسيا"]
    assert entities["الأمم المتحدة"]["mentions"] == ["وللأمم المتحدة"]
    assert entities["الاتحاد الأوروبي"]["mentions"] == ["وبالاتحاد الأوروبي"]


def test_spelling_variants_are_one_entity() -> None:
    entities = found("وصل ترامب إلى بيونغيانغ.", "وقال ترمب في بيونغ يانغ إن اللقاء جيد.")
    assert entities["دونالد ترمب"]["mentions"] == ["ترامب", "ترمب"]
    assert entities["بيونغ يانغ"]["mentions"] == ["بيونغيانغ", "بيونغ يانغ"]
    assert len(entities) == 2


def test_diacritics_and_hamza_forms_do_not_matter() -> None:
    entities = found("وقَّع الرئيسُ التركي رجب طيب أردوغان الاتفاق في أنقرة.")
    assert entities["رجب طيب إردوغان"]["mentions"] == ["رجب طيب أردوغان"]
    assert entities["رجب طيب إردوغان"]["role"] == "الرئيسُ التركي".replace("ُ", "")


def test_linked_forms_need_the_full_name() -> None:
    assert "كيم جونغ أون" not in found("وعبر كيم عن دعمه.")
    assert "كيم جونغ أون" in found("التقى كيم جونغ أون الوفد.", "وعبر كيم عن دعمه.")


def test_nationality_adjectives_are_not_places() -> None:
    entities = found("قالت وزارة الدفاع الروسية إن الجيش الروسي صد هجوماً أوكرانياً.")
    assert "روسيا" not in entities
    assert entities["وزارة الدفاع الروسية"]["type"] == "ORGANIZATION"


def test_institution_with_and_without_its_adjective_is_one_entity() -> None:
    entities = found("أسقطت الجمعية الوطنية الحكومة.", "وقالت الجمعية الوطنية الفرنسية إن…")
    assert [n for n, e in entities.items() if e["type"] == "ORGANIZATION"] == [
        "الجمعية الوطنية الفرنسية"]


def test_quoted_only_names() -> None:
    assert found("وقال مسؤول لـ«الشرق الأوسط» إن…")["الشرق الأوسط"]["type"] == "ORGANIZATION"
    assert found("تتصاعد التوترات في الشرق الأوسط.")["الشرق الأوسط"]["type"] == "LOCATION"


def test_organization_named_in_quotes_after_its_head() -> None:
    entities = found("وحضر ممثلون عن حزب «المساواة وديمقراطية الشعوب» المؤيد للأكراد.")
    assert entities["حزب المساواة وديمقراطية الشعوب"]["type"] == "ORGANIZATION"


def test_places_after_a_settlement_head_and_venues() -> None:
    entities = found("يصل النازحون إلى بلدة طويلة، وتقام المباراة على ملعب الأمير مولاي عبد الله.")
    assert entities["طويلة"]["type"] == "LOCATION"
    assert entities["ملعب الأمير مولاي عبد الله"]["type"] == "LOCATION"
    assert all(e["type"] != "PERSON" for e in entities.values())


def test_common_words_are_not_cities() -> None:
    entities = found("وقدمت الفرقة عرضاً كبيراً في المدينة خلال جائحة كورونا.")
    assert entities == {}


def test_mentions_are_in_order_across_title_and_body() -> None:
    result = enrich_entities(article("بوتين يلتقي شويغو", "وقال الرئيس الروسي فلاديمير بوتين…"),
                             {})
    putin = next(e for e in result["entities"] if e["name_en"] == "Vladimir Putin")
    assert putin["mentions"] == ["بوتين", "فلاديمير بوتين"]


# --- English -------------------------------------------------------------------------------

def test_english_roles_and_places() -> None:
    entities = found("Russian President Vladimir Putin met officials in Moscow on Tuesday.",
                     english=True)
    putin = entities["Vladimir Putin"]
    assert putin["role"] == "Russian President"
    assert entities["Moscow"]["type"] == "LOCATION"
    assert "Russia" not in entities  # "Russian" is an adjective


def test_english_unknown_person_and_organization() -> None:
    entities = found("Cardinal Robert Francis Prevost was elected pope.",
                     "He thanked the Lebanese Press Federation and Goalkeeper Yassine Bounou.",
                     english=True)
    assert entities["Lebanese Press Federation"]["type"] == "ORGANIZATION"
    assert entities["Yassine Bounou"]["type"] == "PERSON"


def test_english_article_reports_english_names() -> None:
    result = enrich_entities(article("Meloni Warns Against a Trade War",
                                     "Italian Prime Minister Giorgia Meloni warned the EU.",
                                     language="en"), {})
    names = {e["name"]: e for e in result["entities"]}
    assert names["Giorgia Meloni"]["role"] == "Italian Prime Minister"
    assert names["European Union"]["mentions"] == ["EU"]


def test_language_comes_from_the_result_or_the_script() -> None:
    text = "US President Donald Trump spoke in Washington."
    by_result = enrich_entities(article("", text, language=None), {"languages": {"article": "en"}})
    by_script = enrich_entities(article("", text, language=None), {})
    assert by_result == by_script
    assert {e["name"] for e in by_script["entities"]} >= {"Donald Trump", "Washington"}


# --- setup cost and robustness -------------------------------------------------------------

def test_gazetteer_is_built_once() -> None:
    assert gazetteer() is gazetteer()


def test_empty_and_malformed_articles() -> None:
    empty = Article(url="u", canonical_url="u", site="s", title="")
    assert enrich_entities(empty, {}) == {"entities": []}
    broken = Article(url="u", canonical_url="u", site="s", title=None,  # type: ignore[arg-type]
                     body=[None, 3, "قال بوتين"], lead_image=Image(caption=7))  # type: ignore
    assert [e["name"] for e in enrich_entities(broken, {"languages": 5})["entities"]] == [
        "فلاديمير بوتين"]


ARABIC_NEWS_ALPHABET = st.sampled_from([
    *"ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئىةـًٌٍَُِّْ«»،؛؟.()- ٠١٢٣abcXYZ'\"\n\u200f",
    "ال", "الرئيس ", "وزير ", "بوتين", "«", "»", " مدينة ", "حزب ", "عبد ", "أبو "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(ARABIC_NEWS_ALPHABET, max_size=40).map("".join), max_size=6),
       st.booleans())
def test_no_text_makes_it_raise(texts: list[str], english: bool) -> None:
    for entity in find_entities(texts, english):
        assert entity["type"] in {"PERSON", "LOCATION", "ORGANIZATION"}
        assert entity["name"] and entity["mentions"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.lists(st.text(max_size=120), max_size=4),
       st.one_of(st.none(), st.text(max_size=5)))
def test_no_article_makes_it_raise(title: str, body: list[str], language: str | None) -> None:
    result = enrich_entities(article(title, *body, language=language), {})
    assert isinstance(result["entities"], list)
