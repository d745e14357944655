"""Who is speaking: names resolved against the article's entities, and the last speaker.

A quote's speaker is written as the prose has it («شويغو», «رئيسة الوزراء الإيطالية جورجيا
ميلوني», "Meloni"); `Speakers.resolve` turns it into the fullest name of the PERSON (else
ORGANIZATION) entity it mentions. A verb without a subject («وأضافت «…»», "she added") takes
the last speaker remembered for the verb's gender (`recall`).

Memory is lazy: most articles never need it, and reading the subject of every speech verb
costs more than the rest of the quote finder. So a speech verb is remembered as a way to read
its subject, a paragraph without quotes as a way to list its speech verbs, and `recall` reads
backwards only as far as it must (each reading is kept).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Union

from workers.enrich.normalize import normalize_arabic, normalized_name

TOKEN = re.compile(r"[^\W_]+")
MIN_SURNAME_CHARS = 3  # a last name this long identifies its entity on its own
# A subject that starts with one of these is an institution even when it names a person
# («مكتب رئيس الوزراء الإسرائيلي بنيامين نتنياهو» speaks for Netanyahu, is not him).
INSTITUTION_HEADS = frozenset((
    "مكتب", "وزاره", "حكومه", "اداره", "حزب", "حركه", "قوات", "مجلس", "هيئه", "شركه", "سفاره",
    "عائله", "محامي", "محامو", "office", "government", "ministry", "party", "family", "lawyer",
    "lawyers", "spokesman", "spokeswoman",
))

FormIndex = dict[str, list[tuple[tuple[str, ...], str, str]]]  # first token -> forms


@dataclass
class Spoken:
    """One speech verb: its gender, and how to read its subject (read once, when asked)."""

    gender: str | None
    read: Callable[[], str | None]
    _speaker: str | None = None
    _done: bool = False

    def speaker(self) -> str | None:
        if not self._done:
            self._speaker, self._done = self.read(), True
        return self._speaker


Unread = Callable[[], list[Spoken]]  # a paragraph's speech verbs, listed when asked
Memory = Union[Spoken, Unread]  # noqa: UP007 (a runtime alias: `|` fails on Callable)


def _forms_of(entity: dict[str, Any]) -> Iterator[str]:
    for key in ("name", "name_en"):
        value = entity.get(key)
        if isinstance(value, str) and value.strip():
            yield value
            surname = value.split()[-1]
            if len(surname) >= MIN_SURNAME_CHARS:
                yield surname
    mentions = entity.get("mentions")
    for mention in mentions if isinstance(mentions, list) else []:
        if isinstance(mention, str):
            yield mention
        elif isinstance(mention, dict) and isinstance(mention.get("text"), str):
            yield mention["text"]


def entity_index(entities: object) -> FormIndex:
    """Every form of every PERSON and ORGANIZATION entity, as folded tokens, by first token."""
    index: FormIndex = {}
    for entity in entities if isinstance(entities, list) else []:
        if not isinstance(entity, dict) or entity.get("type") not in ("PERSON", "ORGANIZATION"):
            continue
        name = entity.get("name") or entity.get("name_en")
        if not isinstance(name, str) or not name.strip():
            continue
        for form in set(_forms_of(entity)):
            tokens = tuple(TOKEN.findall(normalized_name(form)))
            if tokens:
                index.setdefault(tokens[0], []).append((tokens, name, entity["type"]))
    return index


@dataclass
class Speakers:
    """The entities of one article, and who spoke last."""

    entities: FormIndex
    memory: list[Memory] = field(default_factory=list)

    def remember(self, gender: str | None, read: Callable[[], str | None]) -> None:
        """A speech verb of `gender` whose subject `read` gives."""
        self.memory.append(Spoken(gender, read))

    def remember_paragraph(self, unread: Unread) -> None:
        """A paragraph whose speech verbs `unread` lists, should `recall` reach it."""
        self.memory.append(unread)

    def recall(self, gender: str | None) -> str | None:
        """The last speaker of `gender` (any when None; one of unknown gender fits any)."""
        index = len(self.memory) - 1
        while index >= 0:
            item = self.memory[index]
            if not isinstance(item, Spoken):
                verbs = item()
                self.memory[index:index + 1] = verbs
                index += len(verbs) - 1
                continue
            if gender is None or item.gender in (None, gender):
                speaker = item.speaker()
                if speaker:
                    return speaker
            index -= 1
        return None

    def resolve(self, tokens: list[str]) -> str | None:
        """The fullest name of the entity that folded `tokens` mention, PERSON first (not
        for an institution's subject); the longest mention wins."""
        kinds = ("ORGANIZATION",) if tokens[:1] and tokens[0] in INSTITUTION_HEADS else (
            "PERSON", "ORGANIZATION")
        for kind in kinds:
            best: tuple[int, str] | None = None
            for position, token in enumerate(tokens):
                for form, name, form_kind in self.entities.get(token, ()):
                    here = tuple(tokens[position:position + len(form)])
                    if form_kind == kind and here == form and (best is None or len(form) > best[0]):
                        best = (len(form), name)
            if best:
                return best[1]
        return None

    def name(self, printed: str) -> str:
        """A printed speaker as the entity it names, else as printed."""
        return self.resolve(TOKEN.findall(normalize_arabic(printed))) or printed
