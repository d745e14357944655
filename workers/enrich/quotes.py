"""Quotes and who said them.

Guillemets in Arabic news hold quotes, but also names («تاس», «إخوة إيطاليا») and scare quotes
(«بتكليفات خاصة», «دعمه غير المشروط»). A «…» counts as a quote only when a speech verb of its
sentence introduces it, in one of the shapes news prose uses:

- verb, speaker, then `إن`/`أن`/`بأن`/`إنه`… with at most `MAX_LEAD_WORDS` words before the
  quote: «وقال شويغو إن كوريا الشمالية سترسل «…»», «قالت ميلوني في بيان نقله مكتبها إن «…»»;
- verb, speaker, colon: «وأضاف: «…»»;
- a quoting verb right before the quote: «وأضافت «…»», «قائلاً «…»»;
- a quote opening its sentence with the verb right after it: «…»، قال سلام.

A «…» that does not close its clause and stands where a noun would («إن «قوات الدعم السريع»
قصفت…», «قالت «قوات الدعم السريع» في بيان») is a name unless it is a sentence of its own
(`MIN_QUOTE_WORDS`). Anything else — a «…» deep inside a clause, after a noun, after
`وفقاً لـ` — is not a quote. English copy is read by `quotes_english`.

Speakers: the subject after the verb, up to its first adjunct (في بيان, لـ«…», الأحد…), or
before it («أن وانغ أكد»), resolved to an entity's fullest name (see `speakers`); a verb with
no subject («وأضافت») takes the last speaker of its gender, remembered from every speech verb
and from the verbs that set a subject in news prose (أبدى, طالب, دعا…).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from workers.enrich import quotes_english
from workers.enrich.lexicon import NOT_WORD_AFTER, trie_pattern, word_starts
from workers.enrich.normalize import FoldedText, fold_text, paragraphs_of
from workers.enrich.speakers import Speakers, Spoken, entity_index
from workers.messages import Article

MAX_LEAD_WORDS = 4  # words between `إن` and a quote: «إن كوريا الشمالية سترسل «…»»
MAX_SPEAKER_WORDS = 14  # words between a verb and its `إن`: the speaker and adjuncts
MAX_SUBJECT_WORDS = 8  # words of a subject before its first adjunct
MAX_SUBJECT_BEFORE = 3  # words of a subject written before its verb («أن وانغ أكد»)
MIN_QUOTE_WORDS = 4  # a «…» standing for a noun is a quote only if it is this long
MAX_QUOTE_CHARS = 2000

# Speech verbs, folded (see normalize.fold_letters), by gender; participles included.
QUOTING_VERBS = {
    "m": "قال يقول اضاف يضيف تابع يتابع اكد يؤكد اوضح يوضح اشار يشير صرح يصرح ذكر اعلن يعلن "
         "كتب غرد شدد يشدد لفت اعتبر يعتبر حذر يحذر افاد يفيد اردف استطرد ختم اختتم تساءل "
         "اجاب زعم نفي اعترف قالوا اضافوا اكدوا "
         "قائلا مضيفا مؤكدا موضحا مشيرا مشددا لافتا معتبرا متابعا محذرا مستطردا مردفا معلنا "
         "مختتما متسائلا",
    "f": "قالت تقول اضافت تضيف تابعت تتابع اكدت تؤكد اوضحت توضح اشارت تشير صرحت ذكرت اعلنت "
         "تعلن كتبت غردت شددت لفتت اعتبرت حذرت تحذر افادت اردفت استطردت ختمت اختتمت تساءلت "
         "اجابت زعمت نفت اعترفت "
         "قائله مضيفه مؤكده موضحه مشيره مشدده لافته معتبره متابعه محذره مستطرده مردفه معلنه "
         "مختتمه متسائله",
}
# Verbs that do not introduce quotes but name who the next «وأضاف» is about.
SUBJECT_VERBS = {
    "m": "ابدي طالب دعا رحب اتهم انتقد هدد تعهد اعرب اكتفي شكك توعد",
    "f": "ابدت طالبت دعت رحبت اتهمت انتقدت هددت تعهدت اعربت اكتفت شككت توعدت",
}
CLAUSE_SPEECH = frozenset({"بالقول"})  # «واكتفى المتحدث باسمه بالقول إن «…»»
# Verbs that take a quote with nothing between («وأضاف «…»», «قائلاً «…»»); the others need
# `إن` or a colon (ذكر, كتب… are nouns too). تابع and ختم only as «وتابع», «وختم».
DIRECT_VERBS = frozenset((
    "قال", "قالت", "يقول", "تقول", "اضاف", "اضافت", "يضيف", "تضيف", "تابع", "تابعت", "اردف",
    "اردفت", "استطرد", "استطردت", "ختم", "ختمت", "قائلا", "قائله", "مضيفا", "مضيفه", "متابعا",
    "متابعه", "مردفا", "مردفه", "مستطردا", "مختتما",
))
NOUN_LIKE_VERBS = frozenset({"تابع", "ختم"})
BARE_CONNECTIVES = frozenset({"ان", "بان", "وان", "فان", "وبان"})
CONNECTIVES = BARE_CONNECTIVES | frozenset(
    prefix + base
    for prefix in ("", "و", "ب", "ف", "وب")
    for base in ("انه", "انها", "انهم", "انهما", "انهن", "اننا", "انني", "اني")
) | {"بقوله", "بقولها", "بقولهم", "نصه"}
# Words that end a subject: prepositions (bare and with pronouns), time words, objects.
ADJUNCTS = frozenset((
    "في", "خلال", "لدي", "امام", "عبر", "يوم", "اليوم", "امس", "مساء", "صباح", "ليل", "الليله",
    "الي", "علي", "عن", "مع", "من", "بعد", "قبل", "عقب", "اثناء", "بحسب", "حسب", "وفق", "وفقا",
    "نقلا", "ضمن", "له", "لها", "لهم", "لنا", "لي", "ل", "عند", "حين", "بينما", "ايضا", "كذلك",
    "فيه", "فيها", "فيهم", "منه", "منها", "عنه", "عنها", "به", "بها", "بهم", "لديه", "لديها",
    "عليه", "عليها", "اليه", "اليها", "معه", "معها", "الاحد", "الاثنين", "الثلاثاء",
    "الاربعاء", "الخميس", "الجمعه", "السبت", "لشبكه", "لصحيفه", "لقناه", "لوكاله", "لموقع",
    "لوسائل", "لاذاعه", "لمجله", "لتلفزيون",
))
# Nouns whose «name» belongs to the subject: «حزب «التجمع الوطني»», «وكالة «تاس»».
NAME_HEADS = frozenset((
    "حزب", "حركه", "وكاله", "موقع", "صحيفه", "قناه", "شبكه", "منظمه", "جماعه", "تنظيم",
    "تحالف", "ائتلاف", "مجموعه", "شركه", "فريق", "نادي", "كتله", "تيار", "قوات", "جبهه",
    "هيئه",
))
STOPS = "،,:(.؟!؛;"  # punctuation that ends a subject
CLOSERS = ".،,؛;:!؟)"  # what may follow a quote that closes its clause

_GENDER = {word: gender for table in (QUOTING_VERBS, SUBJECT_VERBS)
           for gender, words in table.items() for word in words.split()}
_QUOTING = frozenset(
    w for words in QUOTING_VERBS.values() for w in words.split()) | CLAUSE_SPEECH
_VERB_WORDS = list(_GENDER) + list(CLAUSE_SPEECH)
_VERB = re.compile(  # with و/ف written on: «وقال», «فأضافت»
    f"({trie_pattern([p + w for w in _VERB_WORDS for p in ('', 'و', 'ف')])}){NOT_WORD_AFTER}")
_TOKEN = re.compile(r"[^\W_]+")
_QUOTE = re.compile(f"«([^«»]{{1,{MAX_QUOTE_CHARS}}})»")
_SENTENCE_END = re.compile(r"[.!?؟](?=\s|$)")
_ARABIC = re.compile("[\u0620-\u064a]")
QUOTE_MARKS = re.compile("[«“\"]")
_LATIN = re.compile("[A-Za-z]")


@dataclass(frozen=True)
class Verb:
    start: int
    end: int
    word: str  # folded, without its و/ف
    prefixed: bool  # written with و or ف

    @property
    def gender(self) -> str | None:
        return _GENDER.get(self.word)

    @property
    def quoting(self) -> bool:
        return self.word in _QUOTING


@dataclass(frozen=True)
class Paragraph:
    folded: FoldedText
    quotes: list[tuple[int, int]]  # spans of «…», guillemets included
    verbs: list[Verb]

    @property
    def text(self) -> str:
        return self.folded.text

    def printed(self, start: int, end: int) -> str:
        return self.folded.original_span(start, end).strip(" ،,:")

    def inner(self, quote: tuple[int, int]) -> str:
        """The printed text of a «…», without its guillemets."""
        return self.printed(quote[0] + 1, quote[1] - 1)


def _verb(found: re.Match[str]) -> Verb:
    """A matched speech verb, its و/ف taken off (the verbs themselves start with neither)."""
    word = found[1]
    prefixed = word not in _GENDER and word not in CLAUSE_SPEECH
    return Verb(found.start(), found.end(), word[1:] if prefixed else word, prefixed)


def _paragraph(text: str) -> Paragraph:
    folded = fold_text(text)
    quotes = [(m.start(), m.end()) for m in _QUOTE.finditer(folded.text)]
    verbs = [_verb(m) for m in word_starts(_VERB, folded.text)
             if not any(a <= m.start() < b for a, b in quotes)]
    return Paragraph(folded, quotes, verbs)


# --- subjects ----------------------------------------------------------------------------


def _ends_subject(para: Paragraph, found: re.Match[str], between: str, count: int) -> bool:
    """Whether `found`, the next word after `count` words of a subject, is past its end."""
    word = found[0]
    if any(c in between for c in STOPS) or word in ADJUNCTS or word in CONNECTIVES:
        return True
    if word.startswith("لل") and len(word) > len("لل") + 2:  # للصحافيين, للتلفزيون
        return True
    printed = para.folded.original_span(found.start(), found.end())
    if word == "علي" and printed.endswith("ى"):  # على (on), not علي (Ali)
        return True
    # An object with a pronoun («أبدى ترمب استياءه»); ة folds to ه, so read the original.
    return count > 0 and not word.startswith(("ال", "باسم")) and len(word) > 3 and (
        printed.endswith(("ه", "ها", "هم")))


def _subject_words(para: Paragraph, start: int, end: int) -> list[tuple[int, int, str]]:
    """The words of the subject that starts at `start`: up to an adjunct, a connective, a
    stop or an object; a «name» after a head noun («حزب «التجمع الوطني»») ends it."""
    words: list[tuple[int, int, str]] = []
    position = start
    for found in _TOKEN.finditer(para.text, start, end):
        between = para.text[position:found.start()]
        if "«" in between and not (words and words[-1][2] in NAME_HEADS):
            break
        if len(words) >= MAX_SUBJECT_WORDS or _ends_subject(para, found, between, len(words)):
            break
        words.append((found.start(), found.end(), found[0]))
        position = found.end()
        if "«" in between:  # the «name» of a head noun, guillemets included, ends the subject
            quote_end = next((b for a, b in para.quotes if a < found.start() < b), None)
            if quote_end:
                closing = list(_TOKEN.finditer(para.text, found.end(), quote_end))
                words += [(m.start(), m.end(), m[0]) for m in closing]
                words.append((quote_end - 1, quote_end, "»"))
                break
    return words


def _named(para: Paragraph, words: list[tuple[int, int, str]], speakers: Speakers,
           wider: list[str] | None = None) -> str | None:
    if not words:
        return None
    resolved = speakers.resolve([w[2] for w in words]) or (
        speakers.resolve(wider) if wider else None)
    return resolved or para.printed(words[0][0], words[-1][1])


def _subject_after(para: Paragraph, verb: Verb, end: int, speakers: Speakers,
                   wide: bool = False) -> str | None:
    """The speaker named between the verb and `end`; with `wide`, an entity mentioned
    anywhere there (an apposition: «كبير الاقتصاديين…، الدكتور خالد العتيبي، إن»)."""
    if para.text[verb.end:end].lstrip().startswith("«"):  # «قالت «قوات الدعم السريع» في بيان»
        quote = next((q for q in para.quotes if q[0] >= verb.end), None)
        if quote and quote[1] <= end and not _closes_clause(para, quote):
            return speakers.name(para.inner(quote))
        return None
    words = _subject_words(para, verb.end, end)
    wider = _TOKEN.findall(para.text, verb.end, end) if wide else None
    if not words and wider:
        return speakers.resolve(wider)
    return _named(para, words, speakers, wider)


def _subject_before(para: Paragraph, verb: Verb, speakers: Speakers) -> str | None:
    """A subject written before its verb, after `أن`: «أن وانغ أكد» (the words after the verb
    are then its object: «أكد ضرورة…»)."""
    words = list(_TOKEN.finditer(para.text, max(0, verb.start - 80), verb.start))
    for index in range(len(words) - 1, -1, -1):
        if words[index][0] in CONNECTIVES:
            subject = words[index + 1:]
            gap = para.text[words[index].end():verb.start]
            if 0 < len(subject) <= MAX_SUBJECT_BEFORE and not any(c in gap for c in STOPS):
                return _named(para, [(m.start(), m.end(), m[0]) for m in subject], speakers)
            return None
    return None


def _clause_subject(para: Paragraph, verb: Verb, speakers: Speakers) -> str | None:
    """«واكتفى المتحدث باسمه بالقول»: the subject of the clause's own verb (its first word)."""
    start = max(para.text.rfind(c, 0, verb.start) for c in "،,.")
    first = _TOKEN.search(para.text, start + 1, verb.start)
    if first is None:
        return None
    return _named(para, _subject_words(para, first.end(), verb.start), speakers)


# --- quotes ------------------------------------------------------------------------------


def _sentence_start(text: str, quotes: list[tuple[int, int]], position: int) -> int:
    """Where the sentence holding `position` starts (full stops inside quotes don't count)."""
    start = 0
    for found in _SENTENCE_END.finditer(text, 0, position):
        if not any(a <= found.start() < b for a, b in quotes):
            start = found.end()
    return start


def _closes_clause(para: Paragraph, quote: tuple[int, int]) -> bool:
    """The quote ends its clause: punctuation, the paragraph's end, `و…` or a speech verb
    follows."""
    after = para.text[quote[1]:].lstrip()
    if not after or after[0] in CLOSERS:
        return True
    following = _TOKEN.match(after)
    if following is None:
        return False
    word = following[0]
    return word.startswith("و") or word in _QUOTING or word[1:] in _QUOTING


def _quote_words(para: Paragraph, quote: tuple[int, int]) -> int:
    return len(_TOKEN.findall(para.text, quote[0], quote[1]))


def _introduction(para: Paragraph, verb: Verb, quote: tuple[int, int]) -> int | None:
    """Where the speaker part ends when `verb` introduces `quote`; None when it does not."""
    between = para.text[verb.end:quote[0]]
    words = list(_TOKEN.finditer(between))
    noun_like = not _closes_clause(para, quote) and _quote_words(para, quote) < MIN_QUOTE_WORDS
    for index in range(len(words) - 1, -1, -1):
        if words[index][0] in CONNECTIVES:
            lead = len(words) - index - 1
            bare = words[index][0] in BARE_CONNECTIVES and lead == 0
            if lead <= MAX_LEAD_WORDS and index <= MAX_SPEAKER_WORDS and not (bare and noun_like):
                return words[index].start()
            return None
    stripped = between.rstrip()
    if stripped.endswith(":") and len(words) <= MAX_SPEAKER_WORDS:
        return len(stripped) - 1
    direct = verb.word in DIRECT_VERBS and (verb.prefixed or verb.word not in NOUN_LIKE_VERBS)
    if not words and direct and not noun_like:
        return 0
    return None


def _speaker_of(para: Paragraph, verb: Verb, speaker_end: int,
                speakers: Speakers) -> str | None:
    if verb.word in CLAUSE_SPEECH:
        return _clause_subject(para, verb, speakers) or speakers.recall(None)
    return (_subject_before(para, verb, speakers)
            or _subject_after(para, verb, verb.end + speaker_end, speakers, wide=True)
            or speakers.recall(verb.gender))


def _attributed_after(para: Paragraph, quote: tuple[int, int],
                      speakers: Speakers) -> str | bool | None:
    """«…»، قال سلام: the speaker of a quote that opens its sentence; False: not a quote."""
    after = para.text[quote[1]:]
    gap = len(after) - len(after.lstrip(" ،,"))
    verb = next((v for v in para.verbs if v.start == quote[1] + gap and v.quoting), None)
    if verb is None:
        return False
    end = _SENTENCE_END.search(para.text, verb.end)
    return (_subject_after(para, verb, end.start() if end else len(para.text), speakers)
            or speakers.recall(verb.gender))


def _quote(para: Paragraph, quote: tuple[int, int], speakers: Speakers) -> dict[str, Any] | None:
    start = _sentence_start(para.text, para.quotes, quote[0])
    before = [v for v in para.verbs if start <= v.start and v.end <= quote[0] and v.quoting]
    if before:
        speaker_end = _introduction(para, before[-1], quote)
        if speaker_end is not None:
            speaker = _speaker_of(para, before[-1], speaker_end, speakers)
            return {"text": para.inner(quote), "speaker": speaker}
    if para.text[start:quote[0]].strip(" \t\n،,و") == "":
        after = _attributed_after(para, quote, speakers)
        if after is not False:
            return {"text": para.inner(quote), "speaker": after or None}
    return None


def _subject_of(para: Paragraph, verb: Verb, speakers: Speakers) -> str | None:
    """Who a speech verb's sentence names as its subject, after or before it."""
    found = _SENTENCE_END.search(para.text, verb.end)
    end = found.start() if found else len(para.text)
    return _subject_before(para, verb, speakers) or _subject_after(para, verb, end, speakers)


def _remember(para: Paragraph, verb: Verb, speakers: Speakers) -> None:
    if verb.word not in CLAUSE_SPEECH:
        speakers.remember(verb.gender, partial(_subject_of, para, verb, speakers))


def _spoken(text: str, speakers: Speakers) -> list[Spoken]:
    """The speech verbs of a paragraph without quotes, as `Speakers` memory."""
    para = _paragraph(text)
    return [Spoken(v.gender, partial(_subject_of, para, v, speakers))
            for v in para.verbs if v.word not in CLAUSE_SPEECH]


def arabic_quotes(text: str, speakers: Speakers) -> Iterator[dict[str, Any]]:
    """The quotes of one Arabic paragraph, remembering its speakers as they come."""
    para = _paragraph(text)
    events: list[tuple[int, Verb | tuple[int, int]]] = [(v.start, v) for v in para.verbs]
    events += [(q[0], q) for q in para.quotes]
    for _, item in sorted(events, key=lambda e: e[0]):
        if isinstance(item, Verb):
            _remember(para, item, speakers)
        else:
            found = _quote(para, item, speakers)
            if found:
                yield found


def _is_arabic(paragraph: str) -> bool:
    """Arabic script rules unless the paragraph is mostly Latin (counted only when mixed)."""
    if not _ARABIC.search(paragraph):
        return False
    if not _LATIN.search(paragraph):
        return True
    return len(_ARABIC.findall(paragraph)) >= len(_LATIN.findall(paragraph))


def find_quotes(paragraphs: Iterable[str], entities: object = None) -> list[dict[str, Any]]:
    """[{"text", "speaker"}] of the quotes of `paragraphs`, in order. A paragraph without
    quote marks is only remembered, to be read if a later «وأضاف «…»» needs its speakers."""
    speakers = Speakers(entity_index(entities))
    found: list[dict[str, Any]] = []
    for paragraph in paragraphs:
        arabic = _is_arabic(paragraph)
        if not QUOTE_MARKS.search(paragraph):
            reader = _spoken if arabic else quotes_english.spoken
            speakers.remember_paragraph(partial(reader, paragraph, speakers))
        elif arabic:
            found.extend(arabic_quotes(paragraph, speakers))
        else:
            found.extend(quotes_english.english_quotes(paragraph, speakers))
    return found


def enrich_quotes(article: Article, result: dict[str, Any]) -> dict[str, Any]:
    """{"quotes": [{"text", "speaker"}]}, speakers resolved against `result["entities"]`."""
    return {"quotes": find_quotes(paragraphs_of(article), result.get("entities"))}
