"""The text and URL helpers' shortcuts give exactly what the plain versions give:
`text.collapse_ws` / `word_count` / `Noise` / `split_caption_credit` / `parse_dateline`
against the regular expressions and loops they replaced, `dom.join_url` against
`urllib.parse.urljoin`, the page's text against the regular expression it replaced."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import workers.extract as extract
from workers.extract import text as text_module
from workers.extract.dom import absolute, join_url
from workers.extract.fastdom import has_text, node_text, parse_html
from workers.extract.text import (
    Noise,
    collapse_ws,
    is_printable,
    noise_pattern,
    parse_collapsed_dateline,
    parse_dateline,
    remove_controls,
    split_caption_credit,
    split_collapsed_caption,
    trailing_parenthesis,
    word_count,
)

TRAILING_CREDIT = re.compile(r"^(?P<caption>.*?)\s*\((?P<credit>[^()]{1,60})\)\s*$", re.S)
INVISIBLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f"
                       "\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")


def reference_collapse(text: str | None) -> str:
    return re.sub(r"\s+", " ", INVISIBLE.sub("", text or "")).strip()


def remove_noise(text: str | None, pattern: re.Pattern[str] | None) -> str:
    """What `Noise.clean` replaced: the pattern run on every text."""
    text = reference_collapse(text)
    return reference_collapse(pattern.sub(" ", text)) if pattern and text else text


def reference_word_count(text: str) -> int:
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))

# Whitespace of every kind, invisible marks, letters, digits, punctuation, diacritics.
TRICKY = (" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u202f\u3000"
          "\u200b\u200e\u200f\u202a\u202e\u2066\u2069\ufeff\u00ad"
          "abcXYZ019٠١٩_-–«»().,،؛:!?/ـًٌَُّْ أبتثجحخدذ")
texts = st.text(alphabet=st.sampled_from(TRICKY), max_size=80) | st.text(max_size=80)


@given(texts)
@settings(max_examples=600)
def test_collapse_ws_is_the_substitution(text: str) -> None:
    assert collapse_ws(text) == reference_collapse(text)


@given(texts | st.text(alphabet=st.sampled_from("أ.ب() «»الشرق موسكو-،,/"), max_size=40))
@settings(max_examples=400)
def test_the_site_path_s_caption_and_dateline_readers_skip_only_the_collapse(text: str) -> None:
    """The site path hands these readers collapsed text; collapsing it again changes nothing,
    so they skip it."""
    collapsed = collapse_ws(text)
    assert collapse_ws(collapsed) == collapsed
    assert split_collapsed_caption(collapsed) == split_caption_credit(text)
    assert parse_collapsed_dateline(collapsed) == parse_dateline(text)


def test_collapse_of_nothing() -> None:
    assert collapse_ws(None) == collapse_ws("") == ""


@given(texts)
@settings(max_examples=600)
def test_word_count_is_the_reference(text: str) -> None:
    assert word_count(text) == reference_word_count(text)


NOISE_WORDS = ("TT", "play-circle", "استمع إلى المقالة")
noisy = st.lists(st.sampled_from(NOISE_WORDS) | texts, max_size=6).map(" ".join)


@given(noisy)
@settings(max_examples=400)
def test_noise_clean_is_remove_noise(text: str) -> None:
    noise = Noise(NOISE_WORDS)
    expected = remove_noise(text, noise_pattern(NOISE_WORDS))
    assert noise.clean(text) == expected
    assert noise.clean_collapsed(collapse_ws(text)) == expected


def test_noise_without_words() -> None:
    assert Noise(()).clean(" a\u200f  b ") == "a b"
    assert Noise(("TT",)).clean_collapsed(None) == ""


CAPTION_PARTS = ["(", ")", "«", "»", " - ", ": ", "رويترز", "أ.ب", "موسكو", "2025", "حزيران", " ",
                 "\u200f", "x"]
captions = st.lists(st.sampled_from(CAPTION_PARTS), max_size=8).map("".join)


@given(captions)
@settings(max_examples=600)
def test_caption_and_dateline_shortcuts_change_nothing(text: str) -> None:
    """Without the bracket its patterns need, the full search finds nothing either."""
    collapsed = reference_collapse(text)
    credit = TRAILING_CREDIT.match(collapsed)
    found = trailing_parenthesis(collapsed) if collapsed else None
    assert (found is None) == (credit is None)
    if found and credit:
        assert (found[0].rstrip(), found[1]) == (credit["caption"].rstrip(), credit["credit"])
    if collapsed and not collapsed.endswith(")"):
        assert split_caption_credit(text) == (collapsed, None)
    patterns = (text_module._DATELINE_SOURCE_FIRST, text_module._DATELINE_PLACE_FIRST,
                text_module._DATELINE_BARE)
    if "(" not in collapsed and "«" not in collapsed:
        assert not any(p.search(collapsed) for p in patterns)
        assert parse_dateline(text).source is None


BASES = [
    "http://127.0.0.1:8000/%D8%A7/5154321-x",
    "https://aawsat.com/a/b/c?q=1#f",
    "https://example.org",
    "http://example.org/dir/",
    "HTTP://Example.org/a;p?q",
    "ftp://example.org/a/b",
    "",
]
url_parts = st.sampled_from([
    "http://", "https://", "//", "/", "./", "../", ".", "..", "a", "b/", "%D8%A7", ";p",
    "?q=1", "?", "#", "#f", "mailto:x", "HTTPS://", "host.org", ":8000", "[::1]", " ", "\t",
    "\n", "\\", "@", "x:y", "ftp://", "\x01", "é", "\u00a0",
])
hrefs = st.lists(url_parts, min_size=1, max_size=6).map("".join)


@given(st.sampled_from(BASES), hrefs)
@settings(max_examples=1500)
def test_join_url_is_urljoin(base: str, href: str) -> None:
    try:
        expected: str | type[ValueError] = urljoin(base, href)
    except ValueError:
        expected = ValueError
    if expected is ValueError:
        with pytest.raises(ValueError):
            join_url(base, href)
    else:
        assert join_url(base, href) == expected


@given(st.sampled_from(BASES), hrefs)
@settings(max_examples=1500)
def test_absolute_is_urljoin_of_the_link_without_controls(base: str, href: str) -> None:
    """`absolute` checks a link's printability once for its control removal and for
    `join_url`'s shortcut: the link it gives is still urljoin's of the cleaned link."""
    cleaned = remove_controls(href).strip()
    try:
        expected = urljoin(base, cleaned) if cleaned and not cleaned.startswith(
            ("javascript:", "data:", "mailto:")) else None
    except ValueError:
        expected = None
    assert absolute(base, href) == expected


@pytest.mark.parametrize("href", [
    "https://aawsat.com/%D8%A7/5154321-x", "/styles/1037xauto/public/a.jpg",
    "//cdn.example.org/a.jpg", "http://127.0.0.1:8000/x?y=1#z", "a/b", "../a", "?page=2",
    "/a/./b", "/a/../b", "http://127.0.0.1:8000", "https://example.org?",
])
def test_join_url_on_the_links_pages_have(href: str) -> None:
    base = "http://127.0.0.1:8000/%D8%A7%D9%84/5154321-x"
    assert join_url(base, href) == urljoin(base, href)


# --- the page's text: control characters found in its UTF-8 ------------------------------------

CONTROLS = "".join(map(chr, range(0x20))) + "\x7f"
pages = st.text(alphabet=st.sampled_from(CONTROLS + "<p>ab كلمة\ufffd\ud800"), min_size=1,
                max_size=200)


@given(pages)
@settings(max_examples=600)
def test_page_text_and_the_controls_lxml_cannot_hold(html: str) -> None:
    head = html[:extract.SNIFF_CHARS]
    window = html.encode("utf-8", "surrogatepass")[:extract.SNIFF_CHARS]
    controls = sum(1 for byte in window if byte < 0x20 and byte not in b"\t\n\r\f")
    replaced = head.count("\ufffd")
    binary = (controls > extract.MAX_CONTROL_SHARE * len(window)
              or replaced > extract.MAX_REPLACEMENT_SHARE * len(head))
    if html.isspace() or binary:
        with pytest.raises(extract.NotAnArticle):
            extract._page_text(html)
        return
    text, data = extract._page_text(html)
    assert text == html  # each field loses the controls where it is collapsed
    assert data == text.encode("utf-8", "surrogatepass")
    expected = re.sub("[\x00-\x08\x0b\x0e-\x1f\x7f]", "", html).replace("\x0c", " ")
    assert remove_controls(text) == remove_controls(text, data) == expected


# --- fastdom.has_text: the raw text's shortcut -------------------------------------------------

card_markup = st.lists(st.sampled_from([
    "play", "-circle", "play-circle", "\u200b", "\u200f", "\x01", "\x0b", " ", "\n", "<b>",
    "</b>", "<div>", "</div>", "<br>", "كلمة", "<!-- play-circle -->",
]), max_size=12).map("".join)


@given(card_markup, st.sampled_from(["play-circle", "play circle", "كلمة", "play\tcircle",
                                     "play\u00a0circle"]))
@settings(max_examples=400)
def test_has_text_is_the_search_in_the_seen_text(markup: str, needle: str) -> None:
    node = parse_html(f"<html><body><section>{markup}</section></body></html>").css_first(
        "section")
    assert node is not None
    assert has_text(node, needle) == (needle in node_text(node))


@given(st.lists(card_markup, min_size=1, max_size=4))
@settings(max_examples=400)
def test_a_card_showing_the_label_shows_it_in_its_holder(cards: list[str]) -> None:
    """`site._videos` looks for the label in each card only when the holder shows it."""
    markup = "".join(f'<div class="card">{card}</div>' for card in cards)
    page = parse_html(f"<html><body><section>{markup}</section></body></html>")
    holder = page.css_first("section")
    assert holder is not None
    if any(has_text(card, "play-circle") for card in page.css(".card")):
        assert has_text(holder, "play-circle")


@pytest.mark.parametrize(("text", "expected"), [
    ("شويغو في بيونغ يانغ ( أ.ب )", ("شويغو في بيونغ يانغ", "أ.ب")),
    ("يفترشون ارصفة المحطات(رويترز)", ("يفترشون ارصفة المحطات", "رويترز")),
    ("  صورة   (  أ ف ب  ) ", ("صورة", "أ ف ب")),
    ("ذكرى ( )", ("ذكرى ( )", None)),
])
def test_caption_and_credit_are_trimmed(text: str, expected: tuple[str, str | None]) -> None:
    assert split_caption_credit(text) == expected


@given(st.text(alphabet=st.sampled_from(CONTROLS + "az%/ \u00a0\u200fé\x80كلمة"), max_size=40))
@settings(max_examples=800)
def test_is_printable_is_isprintable(text: str) -> None:
    assert is_printable(text) == text.isprintable()


datelines = st.lists(st.sampled_from([
    "«", "»", "(", ")", " ", "  ", "\u00a0", "\u200f", "-", ":", "الشرق الأوسط", "موسكو", "لندن",
    "،", "/", "x",
]), max_size=10).map("".join)


@given(datelines)
@example("« »()")  # guillemets around a lone space: no source (was " ")
@example("لندن: « »")
@settings(max_examples=800)
def test_a_dateline_source_is_the_collapsed_part_the_pattern_found(text: str) -> None:
    """parse_dateline no longer collapses the source it finds: a part of the collapsed line
    that the patterns trim is collapsed already."""
    collapsed = collapse_ws(text)
    expected = None
    for pattern in (text_module._DATELINE_SOURCE_FIRST, text_module._DATELINE_PLACE_FIRST,
                    text_module._DATELINE_BARE):
        found = pattern.search(collapsed) if ("(" in collapsed or "«" in collapsed) else None
        if found:
            expected = collapse_ws(found["source"]) or None
            break
    assert parse_dateline(text).source == expected


places = st.lists(st.sampled_from(["موسكو", "كييف", " ", "-", "–", "/", "،", ",", "\u200f", "x"]),
                  max_size=8).map("".join)


@given(places)
@settings(max_examples=400)
def test_a_place_without_separators_is_only_collapsed(place: str) -> None:
    spaced = text_module._PLACE_SEPARATOR.sub(
        lambda m: f" {m[1]} " if m[1] in "-–/" else f"{m[1]} ", place)
    assert text_module._tidy_place(place) == (collapse_ws(spaced) or None)
