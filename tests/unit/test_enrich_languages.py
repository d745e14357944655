"""Language of the article and of each paragraph."""

from __future__ import annotations

from tests.unit.enrich_support import MELONI, SHOIGU, article, replica, seed_article
from workers.enrich.languages import enrich_languages, paragraph_language

ARABIC = "ذكرت وكالة «تاس» الروسية للأنباء، الثلاثاء، أنه من المتوقع أن يلتقي مستشار الأمن."
ENGLISH = "Russia's top security official Sergei Shoigu is expected to meet North Korea's leader."
FRENCH = "Le président de la République a annoncé mardi que le gouvernement présenterait un plan."
PERSIAN = "وزیر امور خارجه ایران گفت که گفتگوها با آژانس بین‌المللی انرژی اتمی ادامه خواهد یافت."


def test_the_seed_is_arabic_throughout() -> None:
    for name in (SHOIGU, MELONI):
        languages = enrich_languages(seed_article(name), {})["languages"]
        assert languages["article"] == "ar"
        assert set(languages["paragraphs"]) == {"ar"}


def test_the_english_edition_is_english() -> None:
    for found in replica("en").values():
        languages = enrich_languages(found, {})["languages"]
        assert languages["article"] == "en"
        assert set(languages["paragraphs"]) == {"en"}


def test_a_mixed_page_gets_a_language_per_paragraph() -> None:
    mixed = article(ARABIC, ENGLISH, FRENCH, PERSIAN, language="ar")
    languages = enrich_languages(mixed, {})["languages"]
    assert languages == {"article": "ar", "paragraphs": ["ar", "en", "fr", "fa"]}


def test_short_paragraphs_inherit_the_article_language() -> None:
    assert paragraph_language("TT", "ar") == "ar"
    assert paragraph_language("Reuters", "ar") == "ar"
    assert paragraph_language("", "en") == "en"


def test_arabic_with_a_latin_name_is_arabic() -> None:
    text = "ارتفعت أسعار النفط بعد قرار تحالف OPEC+ زيادة الإنتاج في نوفمبر المقبل بنسبة ضئيلة"
    assert paragraph_language(text, "ar") == "ar"


def test_without_a_stated_language_lingua_decides() -> None:
    assert enrich_languages(article(ENGLISH, ENGLISH), {})["languages"]["article"] == "en"
    assert enrich_languages(article(ARABIC), {})["languages"]["article"] == "ar"


def test_a_regional_language_tag_is_reduced() -> None:
    assert enrich_languages(article(ARABIC, language="ar-SA"), {})["languages"]["article"] == "ar"


def test_an_empty_article_has_no_language() -> None:
    assert enrich_languages(article(), {})["languages"] == {"article": None, "paragraphs": []}
