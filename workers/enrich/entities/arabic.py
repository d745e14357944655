"""The rules of Arabic news prose, over a segment's tokens, after the gazetteer.

- Titles: a head («الرئيس»، «وزير»، «المتحدثة باسم») and its complement (ال-words,
  nationality adjectives, names of organizations) before a name give the person's role,
  and find people the tables do not know: «وزير الطاقة محمد البشير».
- A nationality adjective on its own introduces a name too: «والسويدي ألكسندر إيساك».
- A known given name starts a name: «جوناثان ريد»، «سمير الخطيب».
- Organizations: a head and a quoted name («حزب «المساواة وديمقراطية الشعوب»»), or an
  institution's head and its complement («وزارة السياحة والآثار المصرية»).
- Places: a settlement head and a name («بلدة طويلة» → طويلة), a feature or venue head
  kept with its name («جبال قنديل»).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import lru_cache

from workers.enrich.entities.sources import LOCATION, ORGANIZATION, PERSON
from workers.enrich.entities.spans import ROLE_NATIONALITY, ROLE_TITLE, RULE, RULE_STRONG, Span
from workers.enrich.entities.text import (
    CLOSE_QUOTES,
    OPEN_QUOTES,
    QUOTE,
    Segment,
    Token,
    flat_form,
    gap_is_hard,
    plain_name,
)
from workers.enrich.entities.words import (
    ARTICLE,
    BARE_LETTERS,
    CONJUNCTIONS,
    PRONOUN_SUFFIXES,
    arabic_words,
)

MAX_ROLE_WORDS = 8
MAX_NAME_WORDS = 3
MAX_QUOTED_WORDS = 6
MAX_CHAIN_WORDS = 5
MAX_PLACE_WORDS = 3
MIN_NAME_WORDS = 2
SHORT_WORD = 3  # a first name this short must be a known given name («عرض موقفه» is not one)
TITLED_SHORT_NAME_WORDS = 3  # …or start a three-word name after a title («توت عنخ آمون»)
IMPERFECT_PREFIX = "ي"  # «يتوج»: a verb, unless a known given name («يوسف»)
MAX_QUOTED_NAME_WORDS = 4
ABD = "عبد"  # «عبد الله»: two words, one name
ABU = "ابو"  # «أبو محمد»: a kunya, a whole name
_TANWEEN = re.compile("[\u064b-\u064d]")
_DIGIT = re.compile(r"\d")
Cover = list[Span | None]


@lru_cache(maxsize=8192)
def _bare(word: str) -> str:
    """`word` without a leading و or ف (a conjunction), when something is left."""
    return word[1:] if len(word) > BARE_LETTERS and word[0] in CONJUNCTIONS else word


@lru_cache(maxsize=8192)
def is_definite(word: str) -> bool:
    return word.startswith((ARTICLE, "لل")) or (word[:1] in "وفبك" and word[1:3] == ARTICLE)


@lru_cache(maxsize=8192)
def is_stop(word: str) -> bool:
    stop = arabic_words().stop
    return word in stop or _bare(word) in stop


@lru_cache(maxsize=8192)
def nisba(word: str) -> str | None:
    table = arabic_words().nisba
    return table.get(word) or table.get(_bare(word))


def is_head(word: str) -> bool:
    """`word`, or `word` without its conjunction (`_bare`), is a role head."""
    return word in arabic_words().head_forms


def is_org_head(word: str) -> bool:
    """`word` without its conjunction (`_bare`) is an organization head."""
    return word in arabic_words().org_head_forms


def _given(word: str) -> bool:
    return word in arabic_words().given


# Words that can start a rule, found for a whole segment with one dictionary lookup a word.
ROLE_HEAD, NATIONALITY, SETTLEMENT, FEATURE, CHAIN, GIVEN = 1, 2, 4, 8, 16, 32


@lru_cache(maxsize=1)
def trigger_table() -> dict[str, int]:
    words = arabic_words()
    table: dict[str, int] = {}

    def mark(forms: Iterable[str], bit: int) -> None:
        for form in forms:
            table[form] = table.get(form, 0) | bit

    conjunctions = ("", "و", "ف")
    mark({c + w for w in words.role_heads for c in conjunctions}, ROLE_HEAD)
    mark({c + w for w in words.nisba if w.startswith(ARTICLE) for c in conjunctions}, NATIONALITY)
    mark(_with_proclitics(words.settlement_heads), SETTLEMENT)
    mark(_with_proclitics(words.feature_heads), FEATURE)
    mark(_with_proclitics(words.org_chain_heads), CHAIN)
    mark({c + w for w in words.given_strong for c in conjunctions}, GIVEN)
    return table


def triggers(segment: Segment, bits: int) -> list[int]:
    """Indexes of the segment's words that can start a rule of `bits` (the segment's trigger
    words are found once, for all the rules: most paragraphs have a handful)."""
    found = segment.triggers  # the gazetteer's lookup found them (`Gazetteer.spans`)
    if found is None:
        found = _triggers(segment)
    return [i for i, kind in found if kind & bits]


def _triggers(segment: Segment) -> list[tuple[int, int]]:
    table = trigger_table()
    words = segment.words
    found = segment.triggers = [] if table.keys().isdisjoint(words) else [
        (i, kind) for i, kind in enumerate(map(table.get, words)) if kind]
    return found


def coverage(segment: Segment, spans: list[Span]) -> Cover:
    """For each token, the span covering it, if any."""
    cover: Cover = [None] * segment.count
    if not spans:
        return cover
    starts, words = segment.starts, segment.words
    for span in spans:
        index = bisect_left(starts, span.surface_start)
        while index < len(starts) and starts[index] + len(words[index]) <= span.end:
            cover[index] = span
            index += 1
    return cover


def _surface(segment: Segment, first: Token, last: Token, skip_clitic: bool = False) -> str:
    start = first.start + (1 if skip_clitic and _strip_one(first.text) != first.text else 0)
    return plain_name(segment.surface(start, last.end))


def _span(segment: Segment, first: Token, last: Token, type_: str, priority: int,
          name: str | None = None) -> Span:
    name = name or _surface(segment, first, last)
    flat = flat_form(name)
    return Span(segment.index, first.start, last.end, first.start, type_, f"{type_}:{flat}",
                name=name, priority=priority, flat=flat)


# --- people -------------------------------------------------------------------------------

def _role_word(segment: Segment, cover: Cover, index: int) -> bool:
    if segment.hard_before(index):
        return False
    covering = cover[index]
    if covering is not None:
        return covering.type != PERSON
    word = segment.words[index]
    words = arabic_words()
    if is_stop(word) and word not in words.role_glue:
        return False
    return (nisba(word) is not None or is_head(word) or word in words.role_glue
            or is_org_head(word) or segment.definite(index))


def role_phrases(segment: Segment, cover: Cover) -> Iterator[tuple[int, int, int]]:
    """(first title word, name word, kind) for every title that ends before a name."""
    tokens = segment.tokens
    # a role head is a ROLE_HEAD trigger, and a definite nisba a NATIONALITY one
    for head, kinds in segment.triggers if segment.triggers is not None else _triggers(segment):
        if not kinds & (ROLE_HEAD | NATIONALITY) or cover[head] is not None:
            continue
        if kinds & ROLE_HEAD and is_head(segment.words[head]):
            kind = ROLE_TITLE
        elif kinds & NATIONALITY and _nationality_intro(segment, head):
            kind = ROLE_NATIONALITY
        else:
            continue
        name = head + 1
        while (name < segment.count and name - head <= MAX_ROLE_WORDS and kind == ROLE_TITLE
               and _role_word(segment, cover, name) and not _starts_person(cover, name)):
            name += 1
        if kind == ROLE_TITLE and name == head + 1 and not _titled_alone(tokens[head]):
            continue  # «لاعب محترف»: an indefinite noun and its adjective, not a title
        if name < segment.count and not segment.hard_before(name):
            yield head, name, kind


def _titled_alone(head: Token) -> bool:
    """A head that is a title with no complement: definite («الرئيس») or with a pronoun
    («زعيمه»)."""
    return head.definite or head.text.endswith(PRONOUN_SUFFIXES)


def _starts_person(cover: Cover, index: int) -> bool:
    span = cover[index]
    return span is not None and span.type == PERSON


def _nationality_intro(segment: Segment, index: int) -> bool:
    """A definite nisba that does not qualify the noun before it: «والسويدي», «من الهولندي»."""
    word = segment.words[index]
    if nisba(word) is None or not segment.definite(index):
        return False
    if index == 0 or segment.hard_before(index) or _bare(word) != word:
        return True
    previous = segment.words[index - 1]
    return (not is_head(previous) and nisba(previous) is None
            and not segment.definite(index - 1))


def role_text(segment: Segment, head: int, name: int) -> str:
    words = arabic_words()
    last = name - 1
    while last > head and segment.words[last] in words.role_skip:
        last -= 1
    first = segment.words[head]
    start = segment.starts[head]
    if first not in words.role_heads and first not in words.nisba and _strip_one(first) != first:
        start += 1  # the proclitic is not part of the role
    return plain_name(segment.surface(start, segment.end(last)))


def _name_start_ok(segment: Segment, token: Token, titled: bool) -> bool:
    """Whether `token` can start an unknown name; a short word or a verb-like word («يتوج»)
    only if it is a known given name (or, short, after a title)."""
    word = token.text
    if is_stop(word) or nisba(word) or is_head(word) or is_org_head(word) or token.definite:
        return False
    if _DIGIT.search(word) or segment.has_tanween(token.start, token.end):
        return False
    if _given(word):
        return True
    return not word.startswith(IMPERFECT_PREFIX) and (len(word) > SHORT_WORD or titled)


def _continues_name(segment: Segment, cover: Cover, index: int, after_given: bool) -> bool:
    """Whether token `index` continues a name; `after_given`: the name so far is one known
    given name, which a family name with the article may follow («محمد البشير»)."""
    token = segment.tokens[index]
    if token.hard_before or token.quote_before or cover[index] is not None:
        return False
    word = token.text
    if is_stop(word) or is_head(word) or is_org_head(word) or _DIGIT.search(word):
        return False
    if segment.has_tanween(token.start, token.end) or _verb_like(word):
        return False
    if not token.definite:
        return nisba(word) is None
    words = arabic_words()
    if word in words.org_chain_stop or word in words.role_skip:
        return False
    if word.startswith(ARTICLE):  # a family name with the article: «العتيبي», «الصدر»
        return word.endswith("ي") or after_given or _name_ends_after(segment, index)
    # «بالمر», «كالدينتي» look like ب/ك + ال: a name word only where the name ends
    return word[0] in "بكف" and _name_ends_after(segment, index)


def _verb_like(word: str) -> bool:
    """«يمثلون», «ويستمر»: an imperfect verb (a known given name is not: «يوسف»)."""
    bare = _bare(word)
    return (bare.startswith(IMPERFECT_PREFIX) and len(bare) > SHORT_WORD and not _given(bare)) or (
        bare != word and bare[:1] in "تن" and len(bare) > SHORT_WORD + 1)


def _name_ends_after(segment: Segment, index: int) -> bool:
    """A surname with the article («مقتدى الصدر») ends the name: nothing name-like follows."""
    if index + 1 >= segment.count:
        return True
    following = segment.tokens[index + 1]
    return (following.hard_before or following.quote_before or is_stop(following.text)
            or is_head(following.text))


def person_name(segment: Segment, cover: Cover, start: int, titled: bool = False) -> int | None:
    """The index of the last word of an unknown name starting at `start`, or None. After a
    title (`titled`) a short first word is allowed in a name of three words («توت عنخ آمون»)."""
    tokens = segment.tokens
    if cover[start] is not None or not _name_start_ok(segment, tokens[start], titled):
        return None
    particles = arabic_words().particles
    units, last, index = 0, start, start
    while index < segment.count and units < MAX_NAME_WORDS:
        after_given = units == 1 and (_given(tokens[start].text) or tokens[start].text == ABD)
        if index > start and not _continues_name(segment, cover, index, after_given):
            break
        word = tokens[index].text
        last = index
        if word in (ABD, ABU) and index + 1 < segment.count:
            index += 1
            last = index
            units += 1 if word == ABU else 0  # «أبو محمد» is a whole name
        if word not in particles or word == ABU:
            units += 1
        if tokens[index].definite:
            break
        index += 1
    if _indefinite_adjective_after(segment, last):
        return None  # «باستهداف قواعد أميركية»: a noun and its adjective, not a name
    short_start = len(tokens[start].text) <= SHORT_WORD and not _given(tokens[start].text)
    return last if units >= (TITLED_SHORT_NAME_WORDS if short_start else MIN_NAME_WORDS) else None


def _indefinite_adjective_after(segment: Segment, last: int) -> bool:
    if last + 1 >= segment.count:
        return False
    following = last + 1
    return (bool(nisba(segment.words[following])) and not segment.hard_before(following)
            and not segment.definite(following))


def find_people(segment: Segment, cover: Cover) -> list[Span]:
    """Unknown people after titles; roles set on the PERSON spans titles introduce."""
    found: list[Span] = []
    for head, name, kind in role_phrases(segment, cover):
        span = cover[name]
        if span is not None:
            if span.type == PERSON and span.start == segment.starts[name]:
                span.set_role(role_text(segment, head, name), kind)
            continue
        last = person_name(segment, cover, name, titled=kind == ROLE_TITLE)
        if last is None:
            continue
        new = _span(segment, segment.tokens[name], segment.tokens[last], PERSON, RULE_STRONG)
        new.set_role(role_text(segment, head, name), kind)
        found.append(new)
        _mark(cover, new, name, last)
    return found + _given_name_people(segment, cover)


def _mark(cover: Cover, span: Span, first: int, last: int) -> None:
    for index in range(first, last + 1):
        cover[index] = span


def _given_name_people(segment: Segment, cover: Cover) -> list[Span]:
    """Names that start with a known given name, with or without a conjunction («وكول
    بالمر»)."""
    strong = arabic_words().given_strong
    found: list[Span] = []
    for index in triggers(segment, GIVEN):
        if cover[index] is not None or _bare(segment.words[index]) not in strong:
            continue
        token = segment.tokens[index]
        last = person_name(segment, cover, index)
        if last is None:
            continue
        span = _span(segment, token, segment.tokens[last], PERSON, RULE)
        if _bare(token.text) != token.text:  # the conjunction is not part of the name
            span.start += 1
            span.name = _surface(segment, token, segment.tokens[last], skip_clitic=True)
            span.flat = flat_form(span.name)
            span.key = f"{PERSON}:{span.flat}"
        found.append(span)
        _mark(cover, span, index, last)
    return found


# --- organizations ------------------------------------------------------------------------

def _quoted_run(segment: Segment, start: int) -> int | None:
    """The last token of a «…» run whose opening quote stands before `start`, or None."""
    gap = segment.gap(start)
    if "«" not in gap and not any(c in OPEN_QUOTES for c in gap):
        return None
    for index in range(start + 1, min(start + MAX_QUOTED_WORDS + 1, segment.count)):
        gap = segment.gap(index)  # never empty after a word: read as `Token.quote_before`…
        if gap != " " and (QUOTE.search(gap) or gap_is_hard(gap)):  # …or `hard_before`
            return index - 1 if any(char in CLOSE_QUOTES for char in gap) else None
    last = segment.count - 1
    if last - start < MAX_QUOTED_WORDS and any(
            char in CLOSE_QUOTES for char in segment.text[segment.end(last):]):
        return last
    return None


def _quoted_orgs(segment: Segment, cover: Cover) -> list[Span]:
    found: list[Span] = []
    text = segment.text
    if "«" not in text and '"' not in text and "“" not in text:  # OPEN_QUOTES
        return found
    tokens, starts = segment.tokens, segment.starts
    previous = -1
    # the words with an opening quote before them, in order (a quote is never inside a word)
    for position in _positions(text, OPEN_QUOTES):
        index = bisect_left(starts, position)
        if index == previous or index >= segment.count:
            continue
        previous = index
        last = _quoted_run(segment, index) if cover[index] is None else None
        if last is None or any(cover[i] is not None for i in range(index, last + 1)):
            continue
        head = index - 1
        if head >= 0 and is_org_head(segment.words[head]) and cover[head] is None:
            name = _surface(segment, tokens[head], tokens[head], skip_clitic=True)
            name = f"{name} {_surface(segment, tokens[index], tokens[last])}"
            span = _span(segment, tokens[head], tokens[last], ORGANIZATION, RULE_STRONG, name)
        elif _quoted_name_with_head(segment, index, last):
            span = _span(segment, tokens[index], tokens[last], ORGANIZATION, RULE_STRONG)
        else:
            continue
        found.append(span)
        _mark(cover, span, max(head, 0) if span.start < starts[index] else index, last)
    return found


def _positions(text: str, chars: Iterable[str]) -> list[int]:
    """Where any of `chars` stands in `text`, in order (`str.find`: faster than a regex)."""
    found = []
    for char in chars:
        position = text.find(char)
        while position >= 0:
            found.append(position)
            position = text.find(char, position + 1)
    return sorted(found)


def _quoted_name_with_head(segment: Segment, first: int, last: int) -> bool:
    """«ائتلاف الإعمار والتنمية»: a short quoted name whose first word is an indefinite
    organization head (a quoted sentence «المفوضية استبعدت…» is not a name)."""
    return (0 < last - first < MAX_QUOTED_NAME_WORDS and is_org_head(segment.words[first])
            and not segment.tokens[first].definite
            and not any(is_stop(word) for word in segment.words[first:last + 1]))


def _chain_word(segment: Segment, cover: Cover, index: int) -> bool:
    token = segment.tokens[index]
    if token.hard_before or token.quote_before or cover[index] is not None:
        return False
    word = token.text
    words = arabic_words()
    return not (is_stop(word) or word in words.org_chain_stop or _DIGIT.search(word)
                or is_head(word))


def _chain_end(segment: Segment, cover: Cover, head: int) -> int | None:
    """The last word of an institution's complement: definite words, after an indefinite
    head one indefinite word first («مكتب تنسيق الشؤون الإنسانية»); a nisba ends it."""
    tokens = segment.tokens
    last, probe = None, head + 1
    while probe < segment.count and probe - head <= MAX_CHAIN_WORDS and _chain_word(
            segment, cover, probe):
        token = tokens[probe]
        if not token.definite and (tokens[head].definite or probe > head + 1):
            break
        coordinated = last is not None and tokens[last].text.startswith("وال")
        if coordinated and not token.text.startswith("وال") and not nisba(token.text):
            break  # «هيئة الأدب والنشر والترجمة» ends at its last coordinated word
        if token.definite:
            last = probe
        if nisba(token.text):
            break
        probe += 1
    return last


def _chain_orgs(segment: Segment, cover: Cover) -> list[Span]:
    heads = arabic_words().org_chain_heads
    tokens = segment.tokens
    found: list[Span] = []
    for index in triggers(segment, CHAIN):
        token = tokens[index]
        if cover[index] is not None or not _in(token.text, heads):
            continue
        last = _chain_end(segment, cover, index)
        if last is None:
            continue
        name = _surface(segment, token, tokens[last], skip_clitic=token.text not in heads)
        flat = flat_form(name)
        span = Span(segment.index, token.start, tokens[last].end, token.start, ORGANIZATION,
                    f"{ORGANIZATION}:{flat}", name=name, priority=RULE, flat=flat)
        found.append(span)
        _mark(cover, span, index, last)
    return found


def _in(word: str, words: frozenset[str]) -> bool:
    """`word`, or `word` without one proclitic, is in `words`."""
    return word in _with_proclitics(words)


@lru_cache(maxsize=32)
def _with_proclitics(words: frozenset[str]) -> frozenset[str]:
    return words | {clitic + word for word in words for clitic in "وفبلك"}


def _strip_one(word: str) -> str:
    """`word` without one proclitic letter (و ف ب ل ك), when something is left."""
    return word[1:] if len(word) > 3 and word[0] in "وفبلك" else word


def find_organizations(segment: Segment, cover: Cover) -> list[Span]:
    return _quoted_orgs(segment, cover) + _chain_orgs(segment, cover)


# --- places -------------------------------------------------------------------------------

def _place_words(segment: Segment, cover: Cover, start: int, venue: bool) -> int | None:
    tokens = segment.tokens
    if start >= segment.count or not _place_word(segment, cover, start, True, venue):
        return None
    last, units, index = start, 0, start
    while index < segment.count and units < MAX_PLACE_WORDS:
        if index > start and not _place_word(segment, cover, index, False, venue):
            break
        last = index
        if tokens[index].text == ABD and index + 1 < segment.count:
            index += 1
            last = index
        units += 1
        index += 1
    return last


def _place_word(segment: Segment, cover: Cover, index: int, first: bool, venue: bool) -> bool:
    """A word of a place name; a venue may be named after a person («ملعب الأمير…»)."""
    token = segment.tokens[index]
    covering = cover[index]
    if covering is not None and not (venue and covering.type == LOCATION):
        return False  # a venue may be named after a known place: «معبر رفح»
    if token.hard_before or (token.quote_before and not first):
        return False
    word = token.text
    words = arabic_words()
    if _in(word, words.settlement_heads) or _in(word, words.feature_heads):
        return False
    written = segment.surface(token.start, token.end)
    if venue and first and not token.definite and written.endswith("ة"):
        return False  # «جزيرة معزولة»: an adjective, not a name (a town may be «طويلة»)
    return not (is_stop(word) or nisba(word) or _DIGIT.search(word) or _verb_like(word)
                or (is_head(word) and not venue) or word in words.org_chain_stop
                or _TANWEEN.search(written))


def find_places(segment: Segment, cover: Cover) -> list[Span]:
    words = arabic_words()
    tokens = segment.tokens
    found: list[Span] = []
    for index in triggers(segment, SETTLEMENT | FEATURE):
        token = tokens[index]
        settlement = _in(token.text, words.settlement_heads)
        if cover[index] is not None or not (settlement or _in(token.text, words.feature_heads)):
            continue
        start = index + 1
        last = _place_words(segment, cover, start, venue=not settlement)
        if last is None:
            continue
        first = tokens[start] if settlement else token
        span = _span(segment, first, tokens[last], LOCATION, RULE,
                     _surface(segment, first, tokens[last], skip_clitic=not settlement))
        found.append(span)
        _mark(cover, span, start, last)
    return found


def find_all(segment: Segment, cover: Cover) -> list[Span]:
    """Every rule's spans for one Arabic segment (`cover` is updated as spans are found).
    The rules that start at a trigger word run only where the segment has one of theirs."""
    kinds = 0
    for _, kind in segment.triggers if segment.triggers is not None else _triggers(segment):
        kinds |= kind
    # places first: a venue may be named after a person
    places = find_places(segment, cover) if kinds & (SETTLEMENT | FEATURE) else []
    people = find_people(segment, cover) if kinds & (ROLE_HEAD | NATIONALITY | GIVEN) else []
    organizations = _quoted_orgs(segment, cover)
    if kinds & CHAIN:
        organizations += _chain_orgs(segment, cover)
    return places + people + organizations
