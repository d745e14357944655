"""Keywords (salient entities, then terms) and reading time."""

from __future__ import annotations

import pytest

from tests.unit.enrich_support import (
    MELONI,
    MELONI_ENTITIES,
    SHOIGU,
    SHOIGU_ENTITIES,
    article,
    replica,
    seed_article,
)
from workers.enrich.keywords import (
    MAX_KEYWORDS,
    enrich_keywords,
    reading_minutes,
    stop_words,
    term_key,
)
from workers.enrich.languages import enrich_languages
from workers.enrich.normalize import enrich_search


def keywords_of(found: object, entities: object = None) -> dict[str, object]:
    result = {**enrich_search(found, {}), **enrich_languages(found, {}),  # type: ignore[arg-type]
              "entities": entities or []}
    return enrich_keywords(found, result)  # type: ignore[arg-type]


def test_the_seed_shoigu() -> None:
    found = keywords_of(seed_article(SHOIGU), SHOIGU_ENTITIES)
    keywords = found["keywords"]
    assert isinstance(keywords, list)
    assert set(keywords[:2]) == {"سيرغي شويغو", "كوريا الشمالية"}  # most mentioned, in the title
    assert {"فلاديمير بوتين", "كيم جونغ أون"} <= set(keywords)
    assert len(keywords) <= MAX_KEYWORDS
    assert "شويغو" not in keywords and "الشمالية" not in keywords  # the entities' own words
    assert found["word_count"] == 227
    assert found["reading_minutes"] == 1


def test_the_seed_meloni_terms_in_their_printed_form() -> None:
    keywords = keywords_of(seed_article(MELONI), MELONI_ENTITIES)["keywords"]
    assert isinstance(keywords, list)
    assert keywords[0] == "جورجيا ميلوني"
    assert "جمركية" in keywords  # printed with its taa marbuta, not the search form «جمركيه»
    assert not {"قال", "في", "الأحد", "المائة"} & set(keywords)


def test_terms_without_entities() -> None:
    keywords = keywords_of(seed_article(SHOIGU))["keywords"]
    assert isinstance(keywords, list) and "كوريا" in keywords and "شويغو" in keywords


def test_english_keywords() -> None:
    keywords = keywords_of(replica("en")[5200001])["keywords"]
    assert isinstance(keywords, list)
    assert {"Shoigu", "Korea", "Putin"} <= set(keywords)
    assert not {"the", "said", "and"} & {k.lower() for k in keywords}


def test_term_key_takes_off_the_article_and_its_clitics() -> None:
    assert term_key("بالرسوم") == term_key("والرسوم") == term_key("الرسوم") == "رسوم"
    assert term_key("للانباء") == "انباء"
    assert term_key("الف") == "الف"  # too short once stripped: kept whole


@pytest.mark.parametrize(("words", "language", "minutes"), [
    (0, "ar", 0), (1, "ar", 1), (180, "ar", 1), (600, "ar", 3), (700, "en", 3),
    (100, None, 1), (1000, "fr", 5),
])
def test_reading_minutes(words: int, language: str | None, minutes: int) -> None:
    assert reading_minutes(words, language) == minutes


def test_stop_words_are_data() -> None:
    assert {"قال", "في", "the", "said"} <= stop_words()


def test_an_empty_article() -> None:
    assert keywords_of(article()) == {"keywords": [], "word_count": 0, "reading_minutes": 0}
