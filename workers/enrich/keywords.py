"""Keywords and reading time.

Keywords are the article's salient entities — most mentioned, with a bonus for being named in
the title or the lead paragraph — then its salient terms: content words of the search form,
grouped without the definite article and its clitics («الرسوم», «والرسوم», «بالرسوم» are one
term, shown as the article prints its most frequent form), counted with a bonus in the
title, stop words (`data/stopwords.yaml`, Arabic and English) and the words of entity names
and roles left out. A term must be said twice (or be in the title).

Reading time: words over a reading speed by language (Arabic is read more slowly than
English, about 180 words a minute against 230), at least one minute for a text with words.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, lru_cache
from typing import Any

from workers.enrich.lexicon import load_data, starts_word
from workers.enrich.normalize import (
    article_text,
    fold_text,
    normalize_arabic,
    normalized_name,
    paragraphs_of,
)
from workers.messages import Article

MAX_KEYWORDS = 10
MAX_ENTITY_KEYWORDS = 5
TITLE_BONUS = 3
LEAD_BONUS = 1
MIN_TERM_CHARS = 3
MIN_TERM_COUNT = 2  # a term said once is not what the article is about (unless in the title)
FORM_CACHE_SIZE = 4096  # entity names and mentions, keyed once per process
WORDS_PER_MINUTE = {"ar": 180, "en": 230}
DEFAULT_WORDS_PER_MINUTE = 200
DEFINITE_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال")
TOKEN = re.compile(r"[^\W\d_]+")
LONE_PUNCTUATION = re.compile(r" [^\w\s]+(?= |$)")  # «عسكريين - 5000»: the dash is no word
# A word and its term key in one pass: «بالرسوم» → ("بالرسوم", "رسوم").
WORD_AND_KEY = re.compile(
    f"((?:(?:{'|'.join(DEFINITE_PREFIXES)})(?=[^\\W\\d_]{{{MIN_TERM_CHARS}}}))?([^\\W\\d_]+))")


def term_key(word: str) -> str:
    """A search-form word without its definite article and clitics (`بالرسوم` → `رسوم`)."""
    for prefix in DEFINITE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_TERM_CHARS:
            return word[len(prefix):]
    return word


@cache
def stop_words() -> frozenset[str]:
    """The stop words of both languages, in search form and as term keys."""
    data = load_data("stopwords")
    words = [normalize_arabic(w) for w in data["ar"] + data["en"]]
    return frozenset(term_key(w) for w in words) | frozenset(words)


def _entity_forms(entity: dict[str, Any]) -> list[str]:
    """The search forms of an entity's names, role and mentions (mentions repeat: cached)."""
    forms = [entity.get("name"), entity.get("name_en"), entity.get("role")]
    mentions = entity.get("mentions")
    for mention in mentions if isinstance(mentions, list) else []:
        forms.append(mention.get("text") if isinstance(mention, dict) else mention)
    return [normalized_name(f) for f in forms if isinstance(f, str) and f.strip()]


def _entity_score(entity: dict[str, Any], title: str, lead: str) -> int:
    mentions = entity.get("mentions")
    score = len(mentions) if isinstance(mentions, list) else 1
    forms = _entity_forms(entity)
    if any(f in title for f in forms):
        score += TITLE_BONUS
    if any(f in lead for f in forms):
        score += LEAD_BONUS
    return score


@lru_cache(maxsize=FORM_CACHE_SIZE)
def _form_keys(form: str) -> frozenset[str]:
    return frozenset(term_key(word) for word in TOKEN.findall(form))


def entity_words(entities: object) -> set[str]:
    """The words of every entity's names, mentions and role: not terms of their own."""
    return {key for entity in (entities if isinstance(entities, list) else [])
            if isinstance(entity, dict) for form in _entity_forms(entity)
            for key in _form_keys(form)}


def salient_entities(entities: object, title: str, lead: str) -> list[str]:
    """The names of the most salient entities, best first (ties: first mentioned)."""
    scored = []
    for position, entity in enumerate(entities if isinstance(entities, list) else []):
        if isinstance(entity, dict) and isinstance(entity.get("name"), str) and entity["name"]:
            scored.append((-_entity_score(entity, title, lead), position, entity["name"]))
    return [name for _, _, name in sorted(scored)[:MAX_ENTITY_KEYWORDS]]


def salient_terms(text: str, title: str, excluded: set[str], limit: int) -> list[str]:
    """The most frequent content words of the (search-form) text, title words counting more."""
    counts: Counter[str] = Counter()
    shown: dict[str, tuple[int, int, str]] = {}  # term -> its most frequent, then shortest form
    stops = stop_words()
    for (word, key), count in Counter(WORD_AND_KEY.findall(text)).items():  # distinct words
        if len(key) >= MIN_TERM_CHARS and key not in stops and key not in excluded:
            counts[key] += count
            shown[key] = max(shown.get(key, (0, 0, word)), (count, -len(word), word))
    for word in set(TOKEN.findall(title)):
        if term_key(word) in counts:
            counts[term_key(word)] += TITLE_BONUS
    ranked = [k for k, n in counts.most_common() if n >= MIN_TERM_COUNT]
    return [shown[k][2] for k in ranked[:limit]]


def printed_form(word: str, paragraphs: list[str]) -> str:
    """A search-form word as the article prints it (`الشماليه` → `الشمالية`, `shoigu` →
    `Shoigu`): its first whole-word occurrence in the folded paragraphs, mapped back. A plain
    substring search (folding keeps letters one for one; only Latin case differs)."""
    for paragraph in paragraphs:
        folded = fold_text(paragraph)
        text = folded.text.lower() if word.isascii() else folded.text
        if len(text) != len(folded.text):  # a letter whose lower case is longer (İ)
            continue
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if starts_word(text, start) and not (end < len(text) and text[end].isalnum()):
                return folded.original_span(start, end)
            start = text.find(word, end)
    return word


def reading_minutes(word_count: int, language: object) -> int:
    """Minutes to read `word_count` words; 0 for none, else at least 1."""
    if word_count <= 0:
        return 0
    speed = WORDS_PER_MINUTE.get(language, DEFAULT_WORDS_PER_MINUTE) if isinstance(
        language, str) else DEFAULT_WORDS_PER_MINUTE
    return max(1, int(word_count / speed + 0.5))


def _search_forms(article: Article, result: dict[str, Any]) -> tuple[str, str]:
    search = result.get("search")
    if isinstance(search, dict) and isinstance(search.get("text"), str):
        return str(search.get("title") or ""), search["text"]
    title = article.title if isinstance(article.title, str) else ""
    return normalize_arabic(title), normalize_arabic(article_text(article))


def enrich_keywords(article: Article, result: dict[str, Any]) -> dict[str, Any]:
    """{"keywords": [...], "word_count", "reading_minutes"}."""
    title, text = _search_forms(article, result)
    paragraphs = paragraphs_of(article)
    lead = normalize_arabic(paragraphs[0]) if paragraphs else ""
    entities = salient_entities(result.get("entities"), title, lead)
    excluded = entity_words(result.get("entities"))
    terms = salient_terms(text, title, excluded, MAX_KEYWORDS - len(entities))
    sources = [*paragraphs, article.title if isinstance(article.title, str) else ""]
    terms = [printed_form(t, sources) for t in terms]
    word_count = len(text.split()) - len(LONE_PUNCTUATION.findall(text))
    languages = result.get("languages")
    language = languages.get("article") if isinstance(languages, dict) else None
    return {"keywords": entities + terms, "word_count": word_count,
            "reading_minutes": reading_minutes(word_count, language or article.language)}
