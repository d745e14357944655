"""No input makes an enricher raise: arbitrary text and Article field values (empty, huge,
control characters, mixed scripts, values of the wrong type from a bad record)."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.enrich_support import MELONI, SHOIGU, article, seed_article
from workers.enrich import (
    credits,
    datelines,
    keywords,
    languages,
    normalize,
    quantities,
    quotes,
    textdates,
)
from workers.enrich.normalize import REMOVED_CHARS, fold_text, normalize_arabic
from workers.messages import Article, Dateline, Image, Related

MINE = [
    ("search", normalize.enrich_search, {"search"}),
    ("languages", languages.enrich_languages, {"languages"}),
    ("dateline", datelines.enrich_dateline, {"dateline"}),
    ("credits", credits.enrich_credits, {"credits"}),
    ("quotes", quotes.enrich_quotes, {"quotes"}),
    ("quantities", quantities.enrich_quantities, {"quantities"}),
    ("dates", textdates.enrich_dates, {"dates"}),
    ("keywords", keywords.enrich_keywords, {"keywords", "word_count", "reading_minutes"}),
]
SEED_TEXT = " ".join(seed_article(SHOIGU).body + seed_article(MELONI).body)
SNIPPETS = [
    "«", "»", "“", "”", '"', "(", ")", ":", "،", ".", "-", " - ", "\n", "%", "$", "٪", "٫",
    "قال", "وقالت", "وأضافت", "إن", "أنه", "بأن", "مضيفاً", "بالقول", "شويغو", "على",
    "5000", "٥٠٠٠", "1,000", "2.5", "ثلاثين", "وعشرون", "ألف", "آلاف", "مليار", "دولاراً",
    "في المائة", "الثلاثاء", "اليوم (الأحد)", "الأول من", "أغسطس (آب)", "العام الماضي",
    "21 ذو الحجة 1446 هـ", "عام 2025", "أمس", "أ.ب", "(رويترز)", "أرشيفية - رويترز",
    "«الشرق الأوسط» (موسكو )", "موسكو: «الشرق الأوسط»", "London - Asharq Al-Awsat",
    "said", "she added", "Meloni said", "on Tuesday", "August 1", "$5 billion", "30 percent",
    "MOSCOW (Reuters) -", "ﻻ", "ﷲ", "\u200f", "\u202b", "\u2067", "\ufeff", "\x00", "\u0651",
    "ـ", "𝔸", "😀", "İ", "ß",
]
CHARACTERS = st.one_of(
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),  # Arabic
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),  # presentation forms
    st.characters(exclude_categories=["Cs"]),  # anything else, controls included
)
TEXT = st.lists(st.one_of(st.text(CHARACTERS, max_size=20), st.sampled_from(SNIPPETS)),
                max_size=30).map("".join)
# Values of the wrong type, as a bad record may carry them.
ODD: st.SearchStrategy[Any] = st.one_of(st.none(), st.integers(), st.just([]),
                                        st.just({"text": 1}))
MAYBE_TEXT = st.one_of(st.none(), TEXT)


@st.composite
def related(draw: st.DrawFn) -> Related:
    return Related(title=draw(MAYBE_TEXT), summary=draw(MAYBE_TEXT),
                   image=Image(caption=draw(MAYBE_TEXT), credit=draw(MAYBE_TEXT)),
                   dateline=Dateline(source=draw(MAYBE_TEXT), place=draw(MAYBE_TEXT)))


@st.composite
def articles(draw: st.DrawFn) -> Article:
    found = Article(
        url="http://example.test/a", canonical_url="http://example.test/a", site="test",
        title=draw(st.one_of(TEXT, ODD)),
        body=draw(st.lists(st.one_of(TEXT, TEXT, ODD), max_size=6)),
        authors=draw(st.lists(st.one_of(TEXT, ODD), max_size=3)),
        published_at=draw(st.one_of(st.none(), TEXT, st.sampled_from([
            "2025-06-17T17:32:00+03:00", "2025-07-13", "9999-12-31T23:59:59+14:00",
            "0001-01-01T00:00:00-12:00"]))),
        language=draw(st.one_of(st.none(), TEXT, st.sampled_from(["ar", "en", "fa", "ar-SA"]))),
        lead_image=Image(caption=draw(MAYBE_TEXT), credit=draw(MAYBE_TEXT)),
        related=draw(st.lists(related(), max_size=3)),
    )
    found.text = draw(st.one_of(st.just("\n\n".join(p for p in found.body
                                                    if isinstance(p, str))), TEXT, ODD))
    return found


ENTITY = st.fixed_dictionaries({
    "type": st.one_of(st.sampled_from(["PERSON", "ORGANIZATION", "LOCATION"]), ODD),
    "name": st.one_of(TEXT, ODD), "name_en": st.one_of(TEXT, ODD),
    "role": st.one_of(TEXT, ODD),
    "mentions": st.one_of(st.lists(st.one_of(TEXT, ODD, st.fixed_dictionaries(
        {"text": st.one_of(TEXT, ODD)})), max_size=4), ODD),
})
ENTITIES = st.one_of(st.lists(st.one_of(ENTITY, ODD), max_size=4), ODD)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


def run_mine(found: Article, entities: object) -> dict[str, Any]:
    result: dict[str, Any] = {"entities": entities}
    for name, enricher, keys in MINE:
        out = enricher(found, result)
        assert set(out) == keys, name
        json.dumps(out, ensure_ascii=False)  # plain JSON: it travels through Redis
        result.update(out)
    return result


@PROPERTY_SETTINGS
@given(articles(), ENTITIES)
def test_no_article_makes_an_enricher_raise(found: Article, entities: object) -> None:
    run_mine(found, entities)


@PROPERTY_SETTINGS
@given(articles())
def test_each_enricher_alone_on_an_empty_result(found: Article) -> None:
    for name, enricher, keys in MINE:
        assert set(enricher(found, {})) == keys, name


@PROPERTY_SETTINGS
@given(TEXT)
def test_the_search_form_is_stable(text: str) -> None:
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once
    assert re.search(f"[{REMOVED_CHARS}]", once) is None
    assert once == " ".join(once.split())


@PROPERTY_SETTINGS
@given(TEXT)
def test_folded_spans_come_from_the_original(text: str) -> None:
    folded = fold_text(text)
    assert folded.offsets is None or len(folded.offsets) == len(folded.text)
    for start in range(0, len(folded.text), 7):
        assert folded.original_span(start, start + 5) in text


def test_huge_paragraphs_stay_linear() -> None:
    junk = [SEED_TEXT * 40, "Aa " * 60_000, "1." * 80_000 + "1x", "«" + "قال " * 40_000,
            "“" * 20_000 + "”" * 20_000, ("قال شويغو إن " * 5_000) + "«x»", " " * 200_000]
    huge = article(*junk, title=SEED_TEXT, published_at="2025-06-17T17:32:00+03:00")
    start = time.process_time()
    run_mine(huge, [])
    assert time.process_time() - start < 20
