"""Language of an article, by lingua, over a small set of languages.

lingua loads a language's models on first use and keeps them (DESIGN: Arabic alone about
120 MB, every language 1.3 GB per process). So the detector knows only the languages a news
crawler of this region meets, is built on first use, and runs in low-accuracy mode: trigram
models only. Measured here: the 10 languages after Arabic, English, French and Persian texts
cost 30 MB of RSS in low-accuracy mode and 253 MB in high-accuracy mode (whose 1- to 5-gram
models load for texts under 120 characters), with the same answers on article texts.
"""

from __future__ import annotations

import re
import threading

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGES = (
    Language.ARABIC, Language.ENGLISH, Language.FRENCH, Language.PERSIAN, Language.TURKISH,
    Language.URDU, Language.HEBREW, Language.SPANISH, Language.GERMAN, Language.RUSSIAN,
)  # fmt: skip
SAMPLE_CHARS = 600  # enough to be sure on article prose; lingua's cost grows with the sample
MIN_LETTERS = 20  # below this, no guess

# The primary subtag of a declared language: `ar`, `en-US`, `ar_AR` (og:locale), `EN`.
_DECLARED = re.compile(r"^([A-Za-z]{2})(?:[-_]|$)")

_lock = threading.Lock()
_detector: LanguageDetector | None = None


def detector() -> LanguageDetector:
    """The one detector of this process, built on first use (models load lazily inside)."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                _detector = (
                    LanguageDetectorBuilder.from_languages(*LANGUAGES)
                    .with_low_accuracy_mode()
                    .build()
                )
    return _detector


def detect_language(text: str) -> str | None:
    """ISO 639-1 code (`ar`, `en`…) of `text`, or None when it is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if sum(1 for ch in sample if ch.isalpha()) < MIN_LETTERS:
        return None
    found = detector().detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else None


def declared_language(tag: str | None) -> str | None:
    """ISO 639-1 code of a language the page declares (`<html lang="en-US">`, og:locale
    `ar_AR`, JSON-LD inLanguage); None for none, or for a tag that names no language by a
    two-letter code (`ara`, `x-default`)."""
    found = _DECLARED.match(tag.strip()) if tag else None
    return found[1].lower() if found else None
