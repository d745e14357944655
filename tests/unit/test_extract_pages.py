"""Pages that are not articles, pages whose rules drifted, encodings, generic extraction,
and the site registry."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from replica.content import SEED_ARTICLE_ID, load_articles
from replica.render import (
    absolute,
    render_article_page,
    render_home_page,
    render_not_found_page,
    render_section_page,
)
from workers.extract import (
    ExtractionError,
    NotAnArticle,
    decode_html,
    extract_article,
    listing_article_links,
)
from workers.extract.fastdom import parse_html
from workers.extract.site import CARDS_TAG, _in_page, needs_one_of
from workers.sites import get_site, site_for_url
from workers.sites.aawsat import (
    ARTICLE_URL_PATTERN,
    BODY_SELECTOR,
    HEADLINE_SELECTOR,
    LEAD_IMAGE_SELECTOR,
    PUBLISH_LINE_SELECTOR,
)

BASE_URL = "http://127.0.0.1:8000"
ARTICLES = load_articles()
SEED = ARTICLES[SEED_ARTICLE_ID]
SEED_URL = absolute(BASE_URL, SEED.path)


def seed_html() -> str:
    return render_article_page(SEED_ARTICLE_ID, ARTICLES, BASE_URL)


# --- not articles -----------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["العالم", "الرأي"])
def test_section_listing_is_not_an_article(slug: str) -> None:
    html = render_section_page(slug, ARTICLES, BASE_URL)
    with pytest.raises(NotAnArticle, match="listing page"):
        extract_article(html, absolute(BASE_URL, f"/{slug}"), site="aawsat")


def test_home_page_is_not_an_article() -> None:
    with pytest.raises(NotAnArticle, match="listing page"):
        extract_article(render_home_page(ARTICLES, BASE_URL), f"{BASE_URL}/", site="aawsat")


def test_404_page_is_not_an_article() -> None:
    url = f"{BASE_URL}/{quote('العالم')}/5099999-{quote('مقال-محذوف')}"
    with pytest.raises(NotAnArticle, match="error page"):
        extract_article(render_not_found_page(), url, site="aawsat")


@pytest.mark.parametrize("html", ["", "   \n", "\x00\x01\x02binary\x00" * 50])
def test_empty_or_binary_input_is_not_an_article(html: str) -> None:
    with pytest.raises(NotAnArticle):
        extract_article(html, SEED_URL, site="aawsat")


def test_binary_bytes_are_not_an_article() -> None:
    with pytest.raises(NotAnArticle, match="binary"):
        extract_article(bytes(range(256)) * 20, SEED_URL)


def test_stray_control_characters_do_not_break_extraction() -> None:
    html = seed_html().replace("ذكرت وكالة", "ذكرت\x0b\x00 وكالة\x0c", 1)
    article = extract_article(html, SEED_URL, site="aawsat")
    assert article.body[0].startswith("ذكرت وكالة «تاس»")


def test_control_characters_reach_no_field() -> None:
    """Controls inside words of every kind of field (text, meta tags, JSON-LD, a link, an
    image's URL) leave the article as it was without them."""
    html = (seed_html().replace("شويغو", "شوي\x01غو").replace("shoigu", "sho\x1figu")
            .replace("17:32", "17:\x7f32"))
    assert extract_article(html, SEED_URL, site="aawsat").to_dict() == extract_article(
        seed_html(), SEED_URL, site="aawsat").to_dict()


def test_an_article_element_in_a_teaser_is_not_the_page_s_article() -> None:
    """The rules' first `article` is a related card's (the page's own lacks the markup): once
    the cards are read and gone, the fields are looked for in the page again."""
    html = (
        '<html><head><title>t</title><meta property="og:type" content="article"></head>'
        '<body><main class="printable-area">'
        '<div class="entry-title"><h1>Own headline</h1></div>'
        '<div class="entry-content"><p>Own first paragraph.</p></div>'
        '<section class="related-articles"><div class="article-item"><article class="x">'
        '<div class="article-item-title"><h2><a href="/a/5100001-b">Teaser</a></h2></div>'
        "</article></div></section></main></body></html>"
    )
    article = extract_article(html, SEED_URL, site="aawsat")
    assert (article.title, article.body) == ("Own headline", ["Own first paragraph."])
    assert [r.title for r in article.related] == ["Teaser"]


def test_page_with_neither_headline_nor_body() -> None:
    html = "<html><head><title>x</title></head><body><div>nothing here</div></body></html>"
    with pytest.raises(NotAnArticle):
        extract_article(html, SEED_URL, site="aawsat")
    with pytest.raises(NotAnArticle):
        extract_article(html, "https://example.org/a")


@pytest.mark.parametrize("url", ["", "/relative/path", "ftp://example.org/a"])
def test_bad_url_is_an_extraction_error(url: str) -> None:
    with pytest.raises(ExtractionError):
        extract_article(seed_html(), url, site="aawsat")
    assert issubclass(ExtractionError, ValueError)


# --- drift: a rule finds nothing, metadata fills in, a warning says so -----------------------

DRIFTED = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>عنوان الصفحة | الشرق الأوسط</title>
<link rel="canonical" href="/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85/5200001-x">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "BreadcrumbList", "itemListElement": [
     {"@type": "ListItem", "position": 1, "name": "الرئيسية"},
     {"@type": "ListItem", "position": 2, "name": "العالم"}]},
  {"@type": ["NewsArticle"], "headline": "عنوان من JSON-LD",
   "datePublished": "2025-07-13T09:05:00+03:00",
   "author": {"@type": "Person", "name": "كاتب"},
   "image": [{"@type": "ImageObject", "url": "/styles/1037xauto/public/a.jpg"}],
   "keywords": "روسيا، أوكرانيا"}]}</script>
</head><body><main class="printable-area"><article class="node--type-article">
<div class="story-header"><h1 class="headline">عنوان من JSON-LD</h1></div>
<div class="story-body"><p>الفقرة الأولى من المقال وهي طويلة بما يكفي لتكون نصاً.</p>
<p>الفقرة الثانية من المقال.</p></div>
</article></main></body></html>"""


def test_drifted_page_falls_back_to_metadata_with_warnings() -> None:
    url = f"https://aawsat.com/{quote('العالم')}/5200001-x"
    article = extract_article(DRIFTED, url)
    # the rules found neither headline nor body: drift, so the generic path extracted it
    assert article.site == "aawsat" and article.extraction.method == "generic"
    assert article.extraction.warnings[0].startswith("drift: aawsat rules found no title")
    assert article.title == "عنوان من JSON-LD"
    assert article.published_at == "2025-07-13T09:05:00+03:00"
    assert article.body == ["الفقرة الأولى من المقال وهي طويلة بما يكفي لتكون نصاً.",
                            "الفقرة الثانية من المقال."]
    assert article.authors == ["كاتب"]
    assert article.tags == ["روسيا", "أوكرانيا"]
    assert article.section == "العالم"  # from the JSON-LD breadcrumbs
    assert article.lead_image.url == "https://aawsat.com/styles/1037xauto/public/a.jpg"
    assert article.canonical_url == "https://aawsat.com/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85/5200001-x"
    warnings = "\n".join(article.extraction.warnings)
    for selector in (HEADLINE_SELECTOR, BODY_SELECTOR, PUBLISH_LINE_SELECTOR, LEAD_IMAGE_SELECTOR):
        assert f"via {selector}" in warnings


def test_body_falls_back_to_json_ld_article_body() -> None:
    data = {"@type": "NewsArticle", "headline": "عنوان",
            "articleBody": "فقرة أولى.\nفقرة ثانية.", "datePublished": "2025-07-13"}
    html = (f'<html><head><script type="application/ld+json">{json.dumps(data)}</script>'
            '</head><body><div class="printable-area"><article></article></div></body></html>')
    article = extract_article(html, "https://aawsat.com/x/123456-y")
    assert article.body == ["فقرة أولى.", "فقرة ثانية."]
    assert any("taken from JSON-LD articleBody" in w for w in article.extraction.warnings)


def strip_metadata(html: str) -> str:
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    return re.sub(r'<meta property="article:[a-z_]+_time"[^>]*>', "", html)


def test_publish_line_alone_gives_the_date() -> None:
    article = extract_article(strip_metadata(seed_html()), SEED_URL, site="aawsat")
    assert article.published_at == "2025-06-17T17:32:00+03:00"
    assert article.extraction.warnings == []


def test_publish_line_disagreeing_with_metadata_is_reported() -> None:
    html = seed_html().replace("نُشر: 17:32-17 يونيو", "نُشر: 11:00-16 يونيو")
    article = extract_article(html, SEED_URL, site="aawsat")
    assert article.published_at == "2025-06-17T17:32:00+03:00"  # metadata, exact
    assert any("publish line says 2025-06-16T11:00" in w for w in article.extraction.warnings)


def test_missing_publish_line_is_drift() -> None:
    html = re.sub(r'<span class="publish-date">.*?</span>', "", seed_html())
    article = extract_article(html, SEED_URL, site="aawsat")
    assert article.published_at == "2025-06-17T17:32:00+03:00"
    assert article.extraction.warnings == [
        f"rules: no publish line via {PUBLISH_LINE_SELECTOR}; taken from metadata"]


# --- encodings ----------------------------------------------------------------------------------


def test_windows_1256_page_decodes_by_its_meta_charset() -> None:
    html = seed_html().replace('<meta charset="utf-8">', '<meta charset="windows-1256">')
    body = html.encode("cp1256")
    text = decode_html(body, None)
    article = extract_article(text, SEED_URL, site="aawsat")
    assert article.title == SEED.title
    assert article.body == SEED.paragraphs


def test_windows_1256_by_header_and_undeclared() -> None:
    page = "<html><body><h1>نُشر: الخبر</h1><p>مرحبا بالعالم العربي</p></body></html>"
    body = page.encode("cp1256")
    assert decode_html(body, "text/html; charset=windows-1256") == page
    assert decode_html(body, None) == page  # no declaration: guessed from the bytes
    assert decode_html(page.encode("utf-8"), None) == page
    assert decode_html(b"", "text/html") == ""


def test_a_byte_order_mark_decides_and_is_dropped() -> None:
    page = "<html><body><h1>الخبر</h1><p>مرحبا بالعالم العربي</p></body></html>"
    assert decode_html(b"\xef\xbb\xbf" + page.encode("utf-8"), "text/html; charset=cp1252") == page
    assert decode_html(b"\xff\xfe" + page.encode("utf-16-le"), None) == page


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_decoding_uses_no_deprecated_w3lib_call() -> None:
    page = "<html><body><p>مرحبا بالعالم العربي</p></body></html>"
    assert decode_html(page.encode("cp1256"), None) == page  # the guess: our own


def test_a_latin_header_is_believed_only_for_latin_bytes() -> None:
    arabic = "<html><body><h1>الخبر</h1><p>مرحبا بالعالم العربي</p></body></html>"
    french = "<html><body><h1>Été</h1><p>Le café à Genève, déjà fermé.</p></body></html>"
    for header in ("text/html; charset=iso-8859-1", "text/html; charset=Windows-1252"):
        assert decode_html(arabic.encode("cp1256"), header) == arabic  # old Arabic page
        assert decode_html(arabic.encode("utf-8"), header) == arabic  # a UTF-8 page
        assert decode_html(french.encode("latin-1"), header) == french  # what it says


def test_bytes_are_accepted_and_decoded() -> None:
    html = seed_html().replace('<meta charset="utf-8">', '<meta charset="windows-1256">')
    article = extract_article(html.encode("cp1256"), SEED_URL, site="aawsat")
    assert article.title == SEED.title


# --- generic extraction (a site without rules) ----------------------------------------------

GENERIC = """<html lang="en"><head><title>Storm hits the coast | Example News</title>
<meta property="og:type" content="article">
<meta property="og:title" content="Storm hits the coast">
<meta property="article:published_time" content="2025-08-01T10:00:00Z">
<meta name="author" content="Jane Roe">
</head><body><header><nav><p><a href="/">Home</a> <a href="/world">World</a></p></nav></header>
<article><h1>Storm hits the coast</h1><figure><figcaption>A wave (AP)</figcaption></figure>
<p>A powerful storm made landfall on Friday morning, bringing heavy rain and strong winds.</p>
<p>Officials urged residents to stay indoors<br>and to avoid the beaches until Sunday.</p>
<aside><p>Related: other storms of the season that you may want to read about.</p></aside>
</article><footer><p>© Example News, all rights reserved, terms and privacy.</p></footer>
</body></html>"""


def test_generic_extraction_of_an_unknown_site() -> None:
    article = extract_article(GENERIC, "https://news.example.com/2025/08/storm")
    assert article.extraction.method == "generic"
    assert article.site == "news.example.com"
    assert article.title == "Storm hits the coast"
    assert article.published_at == "2025-08-01T10:00:00+00:00"
    assert article.authors == ["Jane Roe"]
    assert article.body == [
        "A powerful storm made landfall on Friday morning, bringing heavy rain and strong winds.",
        "Officials urged residents to stay indoors",
        "and to avoid the beaches until Sunday.",
    ]
    assert article.language == "en"
    assert article.canonical_url == "https://news.example.com/2025/08/storm"


def test_generic_listing_is_not_an_article() -> None:
    listing = ('<html><head><meta property="og:type" content="website"></head><body>'
               '<ul><li><a href="/a">One</a></li><li><a href="/b">Two</a></li></ul></body></html>')
    with pytest.raises(NotAnArticle):
        extract_article(listing, "https://news.example.com/")


def test_mirror_without_site_name_is_known_by_its_canonical_url() -> None:
    article = extract_article(seed_html(), SEED_URL)  # 127.0.0.1 is no known site
    assert (article.site, article.extraction.method) == ("aawsat", "site")


def test_replica_page_of_no_known_site_goes_generic_and_still_finds_the_body() -> None:
    html = re.sub(r'<link rel="canonical"[^>]*>|<meta property="og:url"[^>]*>', "", seed_html())
    html = html.replace("https://aawsat.com", BASE_URL)  # JSON-LD mainEntityOfPage
    article = extract_article(html, SEED_URL)
    assert (article.site, article.extraction.method) == ("127.0.0.1", "generic")
    assert article.title == SEED.title
    assert article.body == SEED.paragraphs
    assert article.published_at == "2025-06-17T17:32:00+03:00"
    assert article.lead_image.url and article.lead_image.url.startswith(BASE_URL)


# --- listing links (for the crawler) ---------------------------------------------------------


@pytest.mark.parametrize("slug", ["العالم", "الرأي"])  # cards with href; opinion data-vr-…-url
def test_listing_article_links(slug: str) -> None:
    rules = get_site("aawsat")
    assert rules is not None
    html = render_section_page(slug, ARTICLES, BASE_URL)
    links = listing_article_links(html, absolute(BASE_URL, f"/{slug}"), rules)
    in_section = {absolute(BASE_URL, a.path) for a in ARTICLES.values() if a.section == slug}
    assert in_section <= set(links)
    assert all(link.startswith(BASE_URL) and rules.is_article_url(link) for link in links)
    assert len(links) == len(set(links))


# --- the registry -----------------------------------------------------------------------------


def test_site_registry() -> None:
    rules = get_site("aawsat")
    assert rules is not None and rules.name == "aawsat"
    assert site_for_url("https://aawsat.com/feed") is rules
    assert site_for_url("https://www.aawsat.com/x") is rules
    assert site_for_url("https://english.aawsat.com/x") is get_site("aawsat-english")
    assert site_for_url("https://example.org/") is None
    assert get_site("nope") is None


@pytest.mark.parametrize(("path", "is_article"), [
    (SEED.path, True),
    (quote(SEED.path), True),
    ("/home/article/3847291/slug", True),
    ("/home/article/3847291", True),
    ("/العالم", False),
    ("/feed", False),
    ("/feed/health", False),
    ("/sitemap.xml", False),
    ("/styles/1037xauto/public/2025/06/shoigu.jpg", False),
    ("/search", False),
])
def test_article_url_pattern(path: str, is_article: bool) -> None:
    assert bool(ARTICLE_URL_PATTERN.search(path)) is is_article


def test_a_node_moved_out_with_the_cards_is_no_longer_in_the_page() -> None:
    tree = parse_html("<html><body><main><article><h1>x</h1></article>"
                      "<div class='card'><article>t</article></div></main></body></html>")
    doc = tree.root
    assert doc is not None
    own, teaser = doc.css("article")
    holder = tree.create_node(CARDS_TAG)
    card = doc.css_first(".card")
    assert card is not None
    holder.insert_child(card, move=True)
    assert _in_page(own, doc)
    assert not _in_page(teaser, doc)


def test_a_teaser_whose_video_marker_left_only_its_label_is_a_video() -> None:
    card = ('<div class="article-item"><div class="article-item-title"><h2>'
            '<a href="/a/{id}-b">{title}</a></h2></div>{extra}</div>')
    html = (
        '<html><head><title>t</title></head><body><main class="printable-area"><article>'
        '<div class="entry-title"><h1>Own headline</h1></div>'
        '<div class="entry-content"><p>Own first paragraph.</p></div></article>'
        '<section class="related-articles">'
        + card.format(id=5100001, title="Label only", extra="<span>play-circle</span>")
        + card.format(id=5100002, title="Marker", extra='<i class="video-icon">x</i>')
        + card.format(id=5100003, title="Plain", extra="")
        + "</section></main></body></html>"
    )
    related = extract_article(html, SEED_URL, site="aawsat").related
    assert [(r.title, r.has_video) for r in related] == [
        ("Label only", True), ("Marker", True), ("Plain", False)]


@pytest.mark.parametrize(("selector", "other", "needs"), [
    (".infinite-scroll-next article[data-url]", ".infinite-scroll-next", True),
    (".next > a", ".next", True),
    (".next ~ p", ".next", True),
    (".next+p", ".next", True),
    (".next.other a", ".next", False),  # another compound
    (".next, a", ".next", False),  # a group
    (".nextx a", ".next", False),
    (".\\31 a", ".\\31", False),  # the space ends the escape: not a combinator
    (".next", ".next", False),
])
def test_a_next_url_source_needing_an_absent_element(selector: str, other: str,
                                                     needs: bool) -> None:
    assert needs_one_of(selector, other) is needs


NEXT_MARKUP = st.lists(st.sampled_from([
    "<div class='next'><a href='/x'>x</a></div>", "<p class='next'>n</p>", "<a href='/y'>y</a>",
    "<p>q</p>", "<article data-url='/z'>z</article>", "<div class='nextx'><a>w</a></div>",
]), max_size=5).map("".join)


@given(NEXT_MARKUP, st.sampled_from([".next a", ".next > a", ".next ~ p", ".next + a",
                                     ".next article[data-url]", "div.next a"]))
@settings(max_examples=300)
def test_what_needs_an_absent_element_finds_nothing(markup: str, selector: str) -> None:
    """The next URL's later sources are skipped when an earlier one they need found nothing."""
    doc = parse_html(f"<html><body>{markup}</body></html>").root
    assert doc is not None
    other = selector.split(" ")[0]
    if needs_one_of(selector, other) and doc.css_first(other) is None:
        assert doc.css_first(selector) is None
