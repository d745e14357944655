"""Language of the article and of each paragraph, for mixed-language pages.

lingua (through `workers.extract.language`) decides, but it costs about 0.2 ms of CPU per
paragraph, more than this enricher's share of the budget on a long article. So a paragraph
goes to lingua only when a cheap test cannot vouch for it:

- fewer than `MIN_LETTERS` letters: too short to tell, it inherits the article's language;
- Arabic script with none of the letters that only Persian and Urdu write (پ چ ژ گ ک ی ے…):
  Arabic, the one language of that script left in the detector's set;
- Latin script where English function words (the, of, and, said…) make a good share of the
  words: English;
- anything else (French, a Persian quote, Hebrew, Cyrillic, mixed scripts…): lingua.

The article's language is the one extraction stored (lingua over the whole text); when it is
missing, lingua runs once on the title and text.
"""

from __future__ import annotations

import re
from typing import Any

from workers.enrich.normalize import article_text
from workers.extract.language import MIN_LETTERS, detect_language
from workers.messages import Article

SCRIPT_SHARE = 0.85  # of a paragraph's letters, for it to count as written in one script
ENGLISH_SHARE = 0.12  # of a Latin paragraph's words that are English function words
PERSIAN_LETTERS_MIN = 2  # Persian/Urdu-only letters that send an Arabic-script text to lingua

ARABIC_BLOCKS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_LETTERS = re.compile(r"[^\W\d_]+")
_ARABIC_LETTERS = re.compile(f"[{ARABIC_BLOCKS}]+")
_LATIN_LETTERS = re.compile("[A-Za-z\u00c0-\u024f]+")
_OTHER_SCRIPT_LETTER = re.compile(f"[^\\W\\d_{ARABIC_BLOCKS}]")  # a letter outside Arabic
_NEITHER_LETTER = re.compile(f"[^\\W\\d_{ARABIC_BLOCKS}A-Za-z\u00c0-\u024f]")
_PERSIAN_URDU_LETTER = re.compile("[پچژگکیۀےۓٹڈڑںھ]")
_LATIN_WORD = re.compile("[A-Za-z]+")
# Words frequent in English and absent from French, Spanish, German and Turkish prose.
ENGLISH_FUNCTION_WORDS = frozenset((
    "the", "of", "and", "to", "that", "with", "for", "from", "which", "were", "was", "is",
    "are", "said", "has", "have", "had", "his", "her", "their", "this", "will", "would", "by",
    "at", "its", "it", "be", "been", "who", "after", "they", "than",
))


def _english_share(paragraph: str) -> float:
    words = _LATIN_WORD.findall(paragraph)
    if not words:
        return 0.0
    return sum(1 for w in words if w.lower() in ENGLISH_FUNCTION_WORDS) / len(words)


def _letters(pattern: re.Pattern[str], text: str) -> int:
    return sum(map(len, pattern.findall(text)))


def _arabic_script(paragraph: str) -> str | None:
    """Arabic unless Persian or Urdu letters say otherwise (then lingua decides)."""
    if len(_PERSIAN_URDU_LETTER.findall(paragraph)) < PERSIAN_LETTERS_MIN:
        return "ar"
    return detect_language(paragraph)


def _latin_script(paragraph: str) -> str | None:
    if _english_share(paragraph) >= ENGLISH_SHARE:
        return "en"
    return detect_language(paragraph)


def paragraph_language(paragraph: str, article_language: str | None) -> str | None:
    """The language of one paragraph (see the module docstring for when lingua runs).

    The script tests are searches that stop at the first letter out of place; letters are
    counted only in short or mixed-script paragraphs."""
    letters = _letters(_LETTERS, paragraph) if len(paragraph) < 3 * MIN_LETTERS else MIN_LETTERS
    if letters < MIN_LETTERS:
        return article_language
    if _OTHER_SCRIPT_LETTER.search(paragraph) is None:
        return _arabic_script(paragraph)
    arabic = _ARABIC_LETTERS.search(paragraph) is not None
    if not arabic and _NEITHER_LETTER.search(paragraph) is None:
        return _latin_script(paragraph)
    letters = _letters(_LETTERS, paragraph)
    if _letters(_ARABIC_LETTERS, paragraph) >= SCRIPT_SHARE * letters:
        return _arabic_script(paragraph)
    if _letters(_LATIN_LETTERS, paragraph) >= SCRIPT_SHARE * letters:
        return _latin_script(paragraph)
    return detect_language(paragraph)


def _stated_language(value: object) -> str | None:
    """`ar`, `en`… from the extracted language (`ar-SA` → `ar`); None when unusable."""
    if not isinstance(value, str):
        return None
    primary = value.strip().split("-")[0].split("_")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def article_language(article: Article) -> str | None:
    stated = _stated_language(article.language)
    if stated is not None:
        return stated
    title = article.title if isinstance(article.title, str) else ""
    return detect_language(f"{title}\n{article_text(article)}")


def enrich_languages(article: Article, result: dict[str, Any]) -> dict[str, Any]:
    """{"languages": {"article": code or None, "paragraphs": [code or None per paragraph]}}.

    One entry per item of `article.body`, in order (a non-text item gets the article's)."""
    language = article_language(article)
    paragraphs = [paragraph_language(p, language) if isinstance(p, str) else language
                  for p in article.body or []]
    return {"languages": {"article": language, "paragraphs": paragraphs}}
