"""The word lists of the entity rules, folded once per process.

Data lives in `workers/enrich/data/`: `entity_words.yaml` (titles, stop words, heads of
organization and place names), `given_names.yaml` and `nisba.yaml` (nationality adjectives).
Every word is folded like the text (`flat_form`), so lookups are plain set membership.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from workers.enrich.entities.text import flat_form
from workers.enrich.lexicon import load_data

ARTICLE = "ال"
PROCLITICS = ("و", "ف", "ب", "ل", "ك")  # one letter each; two may stack (وب، فل)
PRONOUN_SUFFIXES = ("ه", "ها", "هم", "هما")  # «زعيمه مقتدى الصدر»
FEMININE = "ه"  # taa marbuta, folded
SOUND_PLURALS = ("ون", "ين", "ات", "يون", "يين")
CONJUNCTIONS = "وف"  # a leading و or ف that the rules take off a word («وزير» is not one:
BARE_LETTERS = 3  # only a word of more than three letters loses it)


def fold_all(words: Iterable[str]) -> frozenset[str]:
    return frozenset(form for form in (flat_form(w) for w in words) if form)


def _nisba_forms(base: str) -> set[str]:
    """Masculine, feminine, definite and sound-plural forms of a one-word nisba."""
    forms = {base, base + FEMININE}
    forms.update(base + suffix for suffix in SOUND_PLURALS)
    forms.update(base[:-1] + suffix for suffix in SOUND_PLURALS if base.endswith("ي"))
    return forms | {ARTICLE + form for form in forms}


@dataclass(frozen=True)
class ArabicWords:
    role_heads: frozenset[str]
    honorifics: frozenset[str]
    role_skip: frozenset[str]
    role_glue: frozenset[str]
    particles: frozenset[str]
    stop: frozenset[str]
    org_heads: frozenset[str]
    org_chain_heads: frozenset[str]
    org_chain_stop: frozenset[str]
    settlement_heads: frozenset[str]
    feature_heads: frozenset[str]
    given_strong: frozenset[str]
    given_weak: frozenset[str]
    nisba: dict[str, str]  # folded form → country code (or bloc)
    # Worked out once, so that a rule tests a word with one set lookup: the words that are,
    # or after a leading conjunction و/ف (`CONJUNCTIONS`) are, a role head; likewise for an
    # organization head (always tested without its conjunction); every known given name.
    head_forms: frozenset[str] = frozenset()
    org_head_forms: frozenset[str] = frozenset()
    given: frozenset[str] = frozenset()


@dataclass(frozen=True)
class EnglishWords:
    titles: frozenset[str]
    particles: frozenset[str]
    org_words: frozenset[str]
    stop: frozenset[str]
    demonyms: dict[str, str]  # demonym → country code


def _conjoined(words: frozenset[str]) -> frozenset[str]:
    """The words behind a conjunction, where `arabic._bare` would take it off again."""
    return frozenset(c + w for w in words for c in CONJUNCTIONS if len(c + w) > BARE_LETTERS)


def _unconjoined(words: frozenset[str]) -> frozenset[str]:
    """The words `arabic._bare` leaves as they are."""
    return frozenset(w for w in words if not (len(w) > BARE_LETTERS and w[0] in CONJUNCTIONS))


def _with_suffixes(heads: frozenset[str]) -> frozenset[str]:
    return heads | {h + s for h in heads if not h.startswith(ARTICLE) for s in PRONOUN_SUFFIXES}


@cache
def arabic_words() -> ArabicWords:
    data = load_data("entity_words")["ar"]
    given = load_data("given_names")
    words = {key: fold_all(data[key]) for key in data}
    role_heads = _with_suffixes(words["role_heads"])
    given_strong = fold_all(given["strong"]) - fold_all(given["weak"])
    return ArabicWords(
        role_heads=role_heads, honorifics=words["honorifics"],
        role_skip=words["role_skip"], role_glue=words["role_glue"],
        particles=words["name_particles"], stop=words["stop"], org_heads=words["org_heads"],
        org_chain_heads=words["org_chain_heads"], org_chain_stop=words["org_chain_stop"],
        settlement_heads=words["place_settlement_heads"],
        feature_heads=words["place_feature_heads"],
        given_strong=given_strong,
        given_weak=fold_all(given["weak"]),
        nisba=_arabic_nisbas(),
        head_forms=role_heads | _conjoined(role_heads),
        org_head_forms=_unconjoined(words["org_heads"]) | _conjoined(words["org_heads"]),
        given=given_strong | fold_all(given["weak"]),
    )


def _arabic_nisbas() -> dict[str, str]:
    table = load_data("nisba")
    nisbas: dict[str, str] = {}
    for code, entry in table.items():
        if code == "plural":
            continue
        for phrase in entry.get("ar") or []:
            for word in flat_form(phrase).split():
                for form in _nisba_forms(word):
                    nisbas.setdefault(form, code)
    for code, plurals in (table.get("plural") or {}).items():
        for word in fold_all(plurals):
            nisbas.setdefault(word, code)
            nisbas.setdefault(ARTICLE + word, code)
    return nisbas


@cache
def english_words() -> EnglishWords:
    data = load_data("entity_words")["en"]
    demonyms = {name: code for code, entry in load_data("nisba").items() if code != "plural"
                for name in entry.get("en") or []}
    return EnglishWords(
        titles=frozenset(data["titles"]), particles=frozenset(data["particles"]),
        org_words=frozenset(data["org_words"]), stop=frozenset(data["stop"]),
        demonyms=demonyms,
    )
