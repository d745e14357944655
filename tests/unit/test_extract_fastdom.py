"""The page as lexbor reads it (`fastdom`), its metadata, the declared language, and the
selectors site files may use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from parsel import Selector

import workers.extract as extract
from replica.content import SEED_ARTICLE_ID, load_articles
from replica.render import absolute, render_article_page
from workers.extract.fastdom import (
    detach,
    drop,
    lxml_view,
    node_lines,
    node_text,
    parse_html,
    select,
)
from workers.extract.language import declared_language
from workers.extract.metadata import read_metadata
from workers.extract.text import element_lines, element_text
from workers.sites import SiteConfigError, all_sites, parse_site

BASE_URL = "http://127.0.0.1:8000"

# --- text: node_text / node_lines read lexbor nodes as element_text / element_lines read lxml

words = st.sampled_from(["word", "كلمة", " ", "\n", "\xa0", "\u200f", "a\tb", "&amp;", "x "])
inline = st.sampled_from(["b", "i", "span", "a", "em"])
block = st.sampled_from(["div", "li", "section", "figure", "blockquote", "article"])
heading = st.sampled_from(["h2", "h3", "figcaption", "dt"])  # inline content only


def _inline_markup(depth: int) -> st.SearchStrategy[str]:
    leaf = st.lists(words, max_size=4).map("".join)
    if depth == 0:
        return leaf
    child = st.one_of(
        leaf,
        st.just("<br>"),
        st.just("<!-- a comment -->"),
        st.tuples(inline, _inline_markup(depth - 1)).map(lambda t: f"<{t[0]}>{t[1]}</{t[0]}>"),
    )
    return st.lists(child, max_size=4).map("".join)


def _block_markup(depth: int) -> st.SearchStrategy[str]:
    paragraph = st.tuples(st.just("p") | heading, _inline_markup(2)).map(
        lambda t: f"<{t[0]}>{t[1]}</{t[0]}>")
    if depth == 0:
        return paragraph
    child = st.one_of(
        paragraph,
        _inline_markup(1),
        st.tuples(block, _block_markup(depth - 1)).map(lambda t: f"<{t[0]}>{t[1]}</{t[0]}>"),
    )
    return st.lists(child, max_size=4).map("".join)


@given(_block_markup(2))
@settings(max_examples=300)
def test_node_text_and_lines_read_as_the_lxml_helpers(markup: str) -> None:
    html = f"<html><body><main>{markup}</main></body></html>"
    tree = parse_html(html)
    lxml_elements = Selector(text=html).css("main, main *")
    lexbor_elements = [node for node in select(tree.root, "main, main *")]
    assert [(n.tag, n.parent.tag) for n in lexbor_elements] == [
        (e.root.tag, e.root.getparent().tag) for e in lxml_elements]  # the same tree
    for node, element in zip(lexbor_elements, lxml_elements, strict=True):
        assert node_text(node) == element_text(element.root)
        assert node_lines(node) == element_lines(element.root)


# --- selectors ---------------------------------------------------------------------------------

PAGE = """<html><body><div class="entry-content outer">
<article><div class="entry-content"><p>one</p><p class="x">two</p></div></article>
<nav class="breadcrumb"><ul><li><a>Home</a></li><li><a>World</a></li></ul></nav>
<div class="share-bar"><div class="share-bar">inner</div></div><p>after</p>
</div></body></html>"""


def test_a_group_finds_each_element_once_in_page_order() -> None:
    tree = parse_html(PAGE)
    found = select(tree.root, ".breadcrumb a, nav.breadcrumb li")
    assert [node_text(n) for n in found] == ["Home", "Home", "World", "World"]
    assert [n.tag for n in found] == ["li", "a", "li", "a"]
    assert len(select(tree.root, "p, .x")) == 3


def test_a_detached_node_is_read_alone_as_parsel_reads_a_scope() -> None:
    tree = parse_html(PAGE)
    article = tree.root.css_first("article")
    assert len(select(article, ".outer p")) == 2  # in the page: through its ancestors
    detach(article)
    assert select(article, ".outer p") == []  # alone: as parsel's scope.css(".outer p")
    assert [node_text(p) for p in select(article, ".entry-content p")] == ["one", "two"]
    assert select(article, "article")  # the scope itself matches, as in parsel
    assert "one" not in node_text(tree.root)


def test_drop_removes_nested_matches_and_keeps_the_text_around() -> None:
    tree = parse_html(PAGE)
    drop(tree.root, [".share-bar", "nav", ""])
    assert tree.root.css_first(".share-bar") is None
    assert "after" in node_text(tree.root) and "inner" not in node_text(tree.root)


def test_lxml_view_of_a_detached_node_and_of_the_page() -> None:
    tree = parse_html(PAGE)
    article = detach(tree.root.css("article")[0])
    assert lxml_view(article).css("p::text").getall() == ["one", "two"]
    assert "one" not in lxml_view(tree.root).get()


# --- metadata from the lexbor tree -------------------------------------------------------------

HEAD = """<html lang=" en-GB "><head><title></title>
<link rel="Canonical" href="/not-this"><link rel="canonical" href="/news/1">
<meta property="og:title" content="  Headline\u200f  here "><meta name="description" content="">
<meta property="og:locale" content="ar_AR"><meta property="og:type" content="ARTICLE">
<script type="application/ld+json">not json</script>
<script type="application/ld+json">{"@graph": [
  {"@type": "BreadcrumbList", "itemListElement": []},
  {"@type": "BreadcrumbList", "itemListElement": [
    {"position": 2, "name": "World"}, {"position": 1, "item": {"name": "Home"}}]},
  {"@type": ["NewsArticle"], "datePublished": "2025-07-13T09:05:00+03:00",
   "author": [{"name": "A"}, "B", {"name": "A"}], "mainEntityOfPage": {"@id": "/main"}}]}
</script></head><body><title>Second title</title>
<meta name="author" content="https://example.org/not-a-name"></body></html>"""


def test_metadata_read_from_the_lexbor_tree() -> None:
    meta = read_metadata(parse_html(HEAD), "https://example.org/a/b")
    assert meta.page_title == "Second title"  # the first <title> with text
    assert meta.canonical == "https://example.org/news/1"  # rel="canonical" exactly
    assert meta.title == "Headline here"
    assert meta.description is None
    assert meta.og_url == "https://example.org/main"  # no og:url: JSON-LD's page
    assert meta.is_article and not meta.is_listing
    assert meta.published == "2025-07-13T09:05:00+03:00"
    assert meta.authors == ["A", "B"]
    assert meta.breadcrumbs == ["Home", "World"]  # the first list that names any
    assert (meta.language, meta.locale) == ("en-GB", "ar_AR")


def test_metadata_of_a_page_without_any() -> None:
    meta = read_metadata(parse_html("<p>x</p>"), "https://example.org/")
    assert meta.title is None and meta.authors == [] and meta.breadcrumbs == []
    assert not meta.is_article and meta.language is None


# --- language: declared on the site path, lingua otherwise ---------------------------------


@pytest.mark.parametrize(("tag", "code"), [
    ("ar", "ar"), ("en-US", "en"), ("ar_AR", "ar"), (" EN ", "en"), ("ara", None),
    ("x-default", None), ("", None), (None, None),
])
def test_declared_language(tag: str | None, code: str | None) -> None:
    assert declared_language(tag) == code


def _seed() -> tuple[str, str]:
    articles = load_articles()
    html = render_article_page(SEED_ARTICLE_ID, articles, BASE_URL)
    return html, absolute(BASE_URL, articles[SEED_ARTICLE_ID].path)


def test_the_site_path_takes_the_declared_language_without_lingua(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_lingua(_text: str) -> str:
        raise AssertionError("lingua ran on a page that declares its language")

    monkeypatch.setattr(extract, "detect_language", no_lingua)
    html, url = _seed()
    assert extract.extract_article(html, url, site="aawsat").language == "ar"


def test_the_site_path_asks_lingua_when_nothing_is_declared(
        monkeypatch: pytest.MonkeyPatch) -> None:
    html, url = _seed()
    html = html.replace('<html lang="ar" dir="rtl">', '<html dir="rtl">')
    html = html.replace('"inLanguage": "ar", ', "")
    html = html.replace('<meta property="og:locale" content="ar_AR">', "")
    asked: list[str] = []

    def lingua(text: str) -> str:
        asked.append(text)
        return "fa"

    monkeypatch.setattr(extract, "detect_language", lingua)
    assert extract.extract_article(html, url, site="aawsat").language == "fa"
    assert asked


# --- site files: selectors lexbor can read ---------------------------------------------------


def test_every_built_in_site_loads_and_its_selectors_run() -> None:
    tree = parse_html(render_article_page(SEED_ARTICLE_ID, load_articles(), BASE_URL))
    for rules in all_sites():
        selectors = [*rules.article, *rules.headline, rules.body, *rules.body_drop,
                     rules.lead_image, *rules.lead_caption, *rules.publish_line,
                     rules.update_line, rules.author, rules.tags, rules.breadcrumbs,
                     rules.next_article, *rules.noise_selectors,
                     *(s for s, _attribute in rules.next_article_url_sources)]
        for selector in filter(None, selectors):
            select(tree.root, selector)


@pytest.mark.parametrize("selector", ["p::text", "a::attr(href)", "a:contains('x')"])
def test_a_selector_lexbor_cannot_read_is_refused(selector: str) -> None:
    data = {"name": "x", "domains": ["x.org"], "article_url_pattern": "^/a/",
            "selectors": {"headline": "h1", "body": selector}}
    with pytest.raises(SiteConfigError, match=r"selectors\.body"):
        parse_site(data, "sites/x.yaml")


def test_the_seed_fixture_still_matches() -> None:
    html, url = _seed()
    want = json.loads((Path(__file__).resolve().parents[1] / "fixtures"
                       / "shoigu-north-korea.json").read_text(encoding="utf-8"))
    article = extract.extract_article(html, url, site="aawsat")
    assert article.title == want["title"] and article.body == want["body"]
