"""HTML, RSS and XML of the replica, built as strings with every text escaped.

The markup follows `docs/replica.md` (itself built on `../shared/aawsat-markup.md`). Hrefs are
written percent-encoded and relative; canonical, OpenGraph, JSON-LD, `data-*` URLs, images,
the feed and the sitemap use absolute URLs built from `base_url` (`http://{Host header}`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from email.utils import format_datetime
from html import escape
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import hijridate

from replica.content import (
    OPINION_SECTION,
    SECTIONS,
    SITE_NAME,
    Blockquote,
    Lines,
    MonthStyle,
    ReplicaArticle,
    ReplicaImage,
    newest_first,
)

Articles = Mapping[int, ReplicaArticle]

IMAGE_PREFIX = "/styles/1037xauto/public/"
RELATED_HEADING = "مقالات ذات صلة"
LISTEN_LABEL = "استمع إلى المقالة"  # the audio player's label that leaks into opinion titles
VIDEO_LABEL = "play-circle"  # the video icon's label that leaks into teaser text
HOME_CARDS_PER_SECTION = 4
CANONICAL_BASE_URL = "https://aawsat.com"

# A card in the «العالم» listing points at an article that no longer exists, so that
# crawlers meet a 404 on a URL of the article shape.
DEAD_LINK_SECTION = "العالم"
DEAD_LINK_ID = 5099999
DEAD_LINK_SLUG = "محادثات-جديدة-بشأن-أمن-الممرات-البحرية"
DEAD_LINK_TITLE = "محادثات جديدة بشأن أمن الممرات البحرية"

GULF_MONTHS = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)  # fmt: skip
LEVANT_MONTHS = (
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
    "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
)  # fmt: skip
HIJRI_MONTHS = (
    "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
)  # fmt: skip
ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

CSS = (
    "body{font-family:sans-serif;margin:0 auto;max-width:1100px;line-height:1.7}"
    ".main-menu ul{display:flex;flex-wrap:wrap;gap:1em;list-style:none;padding:0}"
    ".article-item{border-top:1px solid #ddd;padding:.5em 0}"
    "img{max-width:100%;height:auto;background:#c8ccd2}"
)


# --- small helpers ------------------------------------------------------------------------


def esc(text: str) -> str:
    """Escape text for HTML content and double-quoted attribute values."""
    return escape(text, quote=True)


def quote_path(path: str) -> str:
    """Percent-encode a UTF-8 path the way Drupal writes hrefs."""
    return quote(path, safe="/")


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + quote_path(path)


def section_path(slug: str) -> str:
    return f"/{slug}"


def image_url(base_url: str, image: ReplicaImage) -> str:
    return absolute(base_url, IMAGE_PREFIX + image.file)


def gregorian_month(month: int, style: MonthStyle) -> str:
    gulf, levant = GULF_MONTHS[month - 1], LEVANT_MONTHS[month - 1]
    if style == "gulf":
        return gulf
    if style == "levant":
        return levant
    return f"{gulf} ({levant})"


def hijri_date(when: datetime) -> str:
    """The Umm al-Qura date of `when`'s own calendar day: `21 ذو الحجة 1446 هـ`."""
    hijri = hijridate.Gregorian(when.year, when.month, when.day).to_hijri()
    return f"{hijri.day} {HIJRI_MONTHS[hijri.month - 1]} {hijri.year} هـ"


def dated_line(
    label: str, when: datetime, month_style: MonthStyle = "gulf", arabic_digits: bool = False
) -> str:
    """`نُشر: 17:32-17 يونيو 2025 م ـ 21 ذو الحجة 1446 هـ`, in the time's own UTC offset."""
    month = gregorian_month(when.month, month_style)
    line = f"{label}: {when:%H:%M}-{when.day} {month} {when.year} م ـ {hijri_date(when)}"
    return line.translate(ARABIC_INDIC_DIGITS) if arabic_digits else line


def publish_line(article: ReplicaArticle) -> str:
    return dated_line("نُشر", article.published, article.month_style, article.arabic_digits)


def update_line(article: ReplicaArticle) -> str | None:
    if article.updated is None:
        return None
    return dated_line("آخر تحديث", article.updated, article.month_style, article.arabic_digits)


def json_ld(data: Mapping[str, Any]) -> str:
    """JSON for a <script> element: `<` is written as \\u003c so no `</script>` can occur."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def existing(ids: Iterable[int], articles: Articles, skip: int) -> list[ReplicaArticle]:
    """The articles behind `ids` that exist, in order, without `skip` or repeats."""
    out: list[ReplicaArticle] = []
    for article_id in ids:
        article = articles.get(article_id)
        if article is not None and article_id != skip and article not in out:
            out.append(article)
    return out


# --- page frame ---------------------------------------------------------------------------


def site_header() -> str:
    links = "".join(
        f'<li><a href="{esc(quote_path(section_path(slug)))}">{esc(label)}</a></li>'
        for slug, label in SECTIONS.items()
    )
    return (
        '<header class="site-header">\n'
        f'<div class="site-branding"><a class="site-logo" href="/" rel="home">{esc(SITE_NAME)}</a>'
        "</div>\n"
        f'<nav class="main-menu" aria-label="الأقسام"><ul>{links}</ul></nav>\n'
        '<form class="search-form" action="/search" method="get">'
        '<input type="search" name="q" aria-label="بحث"><button type="submit">بحث</button></form>\n'
        '<a class="search-link" href="/search">بحث</a>\n'
        "</header>"
    )


def site_footer() -> str:
    return (
        '<footer class="site-footer">\n'
        '<nav class="footer-menu"><a href="/feed">RSS</a> '
        '<a href="/sitemap.xml">خريطة الموقع</a> '
        '<a href="/user/login">تسجيل الدخول</a></nav>\n'
        f"<p>© 2025 {esc(SITE_NAME)} — نسخة محلية للاختبار</p>\n"
        "</footer>"
    )


def page(title: str, body_class: str, head: str, main: str) -> str:
    """A whole HTML document: head, the site's header, `<main>`, the site's footer."""
    return (
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        f"{head}"
        f'<link rel="alternate" type="application/rss+xml" title="{esc(SITE_NAME)}" href="/feed">\n'
        f"<style>{CSS}</style>\n"
        "</head>\n"
        f'<body class="{esc(body_class)}">\n'
        f"{site_header()}\n"
        f'<main class="printable-area">\n{main}</main>\n'
        f"{site_footer()}\n"
        "</body>\n</html>\n"
    )


def page_title(title: str) -> str:
    return f"{title} | {SITE_NAME}"


# --- article page -------------------------------------------------------------------------


def meta_property(prop: str, content: str) -> str:
    return f'<meta property="{esc(prop)}" content="{esc(content)}">\n'


def article_meta_tags(article: ReplicaArticle, url: str, base_url: str) -> str:
    tags = [
        f'<link rel="canonical" href="{esc(url)}">\n',
        f'<meta name="description" content="{esc(article.summary)}">\n',
        meta_property("og:type", "article"),
        meta_property("og:site_name", SITE_NAME),
        meta_property("og:locale", "ar_AR"),
        meta_property("og:title", article.title),
        meta_property("og:url", url),
        meta_property("og:description", article.summary),
    ]
    if article.image is not None:
        tags.append(meta_property("og:image", image_url(base_url, article.image)))
        tags.append(meta_property("og:image:alt", article.image.caption))
    tags.append(meta_property("article:published_time", article.published.isoformat()))
    tags.append(meta_property("article:modified_time", article.modified.isoformat()))
    tags.append(meta_property("article:section", article.section_label))
    tags.extend(meta_property("article:tag", tag) for tag in article.tags)
    return "".join(tags)


def article_json_ld(article: ReplicaArticle, url: str, base_url: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.published.isoformat(),
        "dateModified": article.modified.isoformat(),
        "author": [{"@type": "Person", "name": name} for name in article.authors],
        "articleSection": article.section_label,
        "keywords": list(article.tags),
        "inLanguage": "ar",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "publisher": {
            "@type": "Organization",
            "name": SITE_NAME,
            "url": base_url.rstrip("/") + "/",
        },
    }
    if article.image is not None:
        data["image"] = {"@type": "ImageObject", "url": image_url(base_url, article.image)}
    return data


def article_head(article: ReplicaArticle, base_url: str) -> str:
    # A mirror names the original as canonical: articles keep one identity whichever port
    # the replica is served on, so a second `akhbar run demo` finds them unchanged.
    url = absolute(CANONICAL_BASE_URL, article.path)
    ld = json_ld(article_json_ld(article, url, base_url))
    return (
        article_meta_tags(article, url, base_url)
        + f'<script type="application/ld+json">{ld}</script>\n'
    )


def entry_meta(article: ReplicaArticle) -> str:
    spans = [f'<span class="author"><a>{esc(a)}</a></span>' for a in article.authors]
    spans.append(f'<span class="publish-date">{esc(publish_line(article))}</span>')
    updated = update_line(article)
    if updated:
        spans.append(f'<span class="update-date">{esc(updated)}</span>')
    return '<div class="entry-meta">' + "\n".join(spans) + "</div>\n"


def entry_media(base_url: str, image: ReplicaImage | None, preview: bool = False) -> str:
    """The lead image; its caption shows twice (figcaption and the image-title overlay)."""
    if image is None:
        return ""
    css = "entry-media entry-media--preview" if preview else "entry-media"
    caption = esc(image.caption)
    return (
        f'<div class="{css}"><div class="img-field"><figure>'
        f'<img src="{esc(image_url(base_url, image))}" alt="{caption}" title="{caption}" '
        'width="1037" height="583">\n'
        f'<figcaption class="img-caption">{caption}</figcaption>\n'
        f'<span class="img-title">{caption}</span>'
        "</figure></div></div>\n"
    )


def body_html(article: ReplicaArticle) -> str:
    parts: list[str] = []
    for item in article.body:
        if isinstance(item, str):
            parts.append(f"<p>{esc(item)}</p>")
        elif isinstance(item, Lines):
            parts.append("<p>" + "<br>".join(esc(line) for line in item.lines) + "</p>")
        elif isinstance(item, Blockquote):
            cite = f"<cite>{esc(item.cite)}</cite>" if item.cite else ""
            quote_html = f"<p>{esc(item.text)}</p>{cite}"
            parts.append(f'<blockquote class="embedded-post">{quote_html}</blockquote>')
    return '<div class="entry-content">' + "\n".join(parts) + "</div>\n"


def entry_tags(article: ReplicaArticle) -> str:
    if not article.tags:
        return ""
    links = " ".join(f'<a rel="tag">{esc(tag)}</a>' for tag in article.tags)
    return f'<div class="entry-tags">{links}</div>\n'


def article_node(article: ReplicaArticle, base_url: str, appended: bool = False) -> str:
    """One `<article>`: the page's own (`appended=False`) or the next one, appended by
    infinite scroll (no byline or tags, and a preview of its image above the TT control)."""
    url = absolute(base_url, article.path)
    parts = [
        '<article class="node node--type-article" '
        f'data-nid="{article.id}" data-url="{esc(url)}">\n',
        f'<div class="entry-title"><h1>{esc(article.title)}</h1></div>\n',
    ]
    if article.subtitle:
        parts.append(f'<div class="entry-subtitle"><h2>{esc(article.subtitle)}</h2></div>\n')
    if appended:
        parts.append(entry_media(base_url, article.image, preview=True))
    else:
        parts.append(entry_meta(article))
    parts += [
        '<div class="font-size-control"><button type="button">TT</button></div>\n',
        f'<div class="share-bar"><span class="share-title">{esc(article.title)}</span></div>\n',
        entry_media(base_url, article.image),
        body_html(article),
        "" if appended else entry_tags(article),
        "</article>\n",
    ]
    return "".join(parts)


def related_block(article: ReplicaArticle, articles: Articles, base_url: str) -> str:
    teasers = existing(article.related, articles, skip=article.id)
    if not teasers:
        return ""
    cards = "".join(article_card(t, base_url) for t in teasers)
    return (
        '<section class="related-articles">\n'
        f'<h3 class="block-title">{esc(RELATED_HEADING)}</h3>\n'
        f'<div class="related-featured-title">{esc(teasers[0].title)}</div>\n'
        f"{cards}</section>\n"
    )


def infinite_scroll(article: ReplicaArticle, articles: Articles, base_url: str) -> str:
    following = existing([article.next] if article.next else [], articles, skip=article.id)
    if not following:
        return ""
    nxt = following[0]
    url = absolute(base_url, nxt.path)
    return (
        f'<div class="infinite-scroll-next" data-next-url="{esc(url)}">\n'
        f"{article_node(nxt, base_url, appended=True)}"
        "</div>\n"
    )


def render_article_page(article_id: int, articles: Articles, base_url: str) -> str:
    """The article page of `article_id` (KeyError if there is none)."""
    article = articles[article_id]
    settings = json_ld({"nid": article.id, "section": article.section})
    main = (
        article_node(article, base_url)
        + f"<script>window.replicaNode = {settings};</script>\n"
        + related_block(article, articles, base_url)
        + infinite_scroll(article, articles, base_url)
    )
    body_class = "path-node page-node-type-article"
    if article.is_opinion:
        body_class += " page-section-opinion"
    return page(page_title(article.title), body_class, article_head(article, base_url), main)


# --- cards and listings -------------------------------------------------------------------


def card_image(article: ReplicaArticle, base_url: str, href: str) -> str:
    if article.image is None:
        return ""
    caption = esc(article.image.caption)
    return (
        f'<figure><a href="{esc(href)}"><img src="{esc(image_url(base_url, article.image))}" '
        f'alt="{caption}" loading="lazy"></a>\n'
        f'<figcaption class="img-caption">{caption}</figcaption></figure>\n'
    )


def article_card(article: ReplicaArticle, base_url: str) -> str:
    """A teaser card: section label, image and caption, [video icon], title, summary, dateline."""
    href = quote_path(article.path)
    section_href = quote_path(section_path(article.section))
    video = (
        f'<span class="video-icon"><i class="icon-play-circle"></i>{VIDEO_LABEL}</span>'
        if article.has_video
        else ""
    )
    dateline = (
        f'<div class="article-item-dateline">{esc(article.dateline)}</div>\n'
        if article.dateline
        else ""
    )
    return (
        f'<div class="article-item" data-nid="{article.id}">\n'
        '<div class="article-item-img">'
        f'<span class="article-item-section"><a href="{esc(section_href)}">'
        f"{esc(article.section_label)}</a></span>\n"
        f"{card_image(article, base_url, href)}{video}</div>\n"
        '<div class="article-item-info">\n'
        f'<div class="article-item-title"><h2><a href="{esc(href)}">{esc(article.title)}</a></h2>'
        "</div>\n"
        f'<div class="article-item-summary"><p>{esc(article.summary)}</p></div>\n'
        f"{dateline}</div>\n"
        "</div>\n"
    )


def opinion_card(article: ReplicaArticle, base_url: str) -> str:
    """An opinion card: the URL sits in `data-vr-contentbox-url`, the title is not a link,
    and the audio player's label leaks into the title's text, as on the real site."""
    url = absolute(base_url, article.path)
    href = quote_path(article.path)
    author = esc("، ".join(article.authors))
    return (
        f'<div class="node node--type-opinion opinion-item" data-nid="{article.id}" '
        f'data-vr-contentbox-url="{esc(url)}">\n'
        f'<div class="article-item-author"><a class="opinion-item-link" href="{esc(href)}">'
        f"{author}</a></div>\n"
        '<div class="article-item-info">\n'
        f'<div class="article-item-title"><h2>{esc(article.title)} '
        f'<span class="audio-player-label">{LISTEN_LABEL}</span></h2></div>\n'
        f'<div class="article-item-summary"><p>{esc(article.summary)}</p></div>\n'
        "</div>\n</div>\n"
    )


def section_articles(articles: Articles, slug: str) -> list[ReplicaArticle]:
    return newest_first(articles, lambda a: a.section == slug)


def card(article: ReplicaArticle, base_url: str) -> str:
    if article.is_opinion:
        return opinion_card(article, base_url)
    return article_card(article, base_url)


def dead_link_card() -> str:
    """A card whose article is gone: its URL answers 404."""
    path = f"/{DEAD_LINK_SECTION}/{DEAD_LINK_ID}-{DEAD_LINK_SLUG}"
    href = esc(quote_path(path))
    return (
        f'<div class="article-item" data-nid="{DEAD_LINK_ID}">\n'
        '<div class="article-item-img"><span class="article-item-section">'
        f'<a href="{esc(quote_path(section_path(DEAD_LINK_SECTION)))}">'
        f"{esc(SECTIONS[DEAD_LINK_SECTION])}</a></span></div>\n"
        '<div class="article-item-info">'
        f'<div class="article-item-title"><h2><a href="{href}">{esc(DEAD_LINK_TITLE)}</a></h2>'
        "</div></div>\n</div>\n"
    )


def feed_link(title: str, path: str) -> str:
    return (
        f'<link rel="alternate" type="application/rss+xml" title="{esc(title)}" '
        f'href="{esc(quote_path(path))}">\n'
    )


def render_section_page(slug: str, articles: Articles, base_url: str) -> str:
    """The listing of one section, newest first (KeyError for an unknown section)."""
    label = SECTIONS[slug]
    listed = section_articles(articles, slug)
    cards = "".join(card(a, base_url) for a in listed)
    if slug == DEAD_LINK_SECTION and DEAD_LINK_ID not in articles:
        cards += dead_link_card()
    if not cards:
        cards = '<p class="empty">لا توجد مقالات في هذا القسم بعد.</p>\n'
    main = (
        f'<div class="section-header"><h1 class="section-title">{esc(label)}</h1></div>\n'
        f'<div class="article-list">\n{cards}</div>\n'
    )
    head = (
        f'<link rel="canonical" href="{esc(absolute(base_url, section_path(slug)))}">\n'
        + feed_link(f"{SITE_NAME} - {label}", f"/feed/{slug}")
    )
    kind = "opinion" if slug == OPINION_SECTION else "section"
    return page(page_title(label), f"path-taxonomy-term page-{kind}", head, main)


def home_section(slug: str, listed: list[ReplicaArticle], base_url: str) -> str:
    cards = "".join(card(a, base_url) for a in listed[:HOME_CARDS_PER_SECTION])
    href = esc(quote_path(section_path(slug)))
    return (
        f'<section class="home-section" data-section="{esc(slug)}">\n'
        f'<h2 class="block-title"><a href="{href}">{esc(SECTIONS[slug])}</a></h2>\n'
        f'<div class="article-list">\n{cards}</div>\n</section>\n'
    )


def render_home_page(articles: Articles, base_url: str) -> str:
    """The latest articles of every section that has any."""
    blocks = []
    for slug in SECTIONS:
        listed = section_articles(articles, slug)
        if listed:
            blocks.append(home_section(slug, listed, base_url))
    head = f'<link rel="canonical" href="{esc(base_url.rstrip("/") + "/")}">\n'
    main = f'<h1 class="visually-hidden">{esc(SITE_NAME)}</h1>\n' + "".join(blocks)
    return page(SITE_NAME, "path-frontpage", head, main)


def render_search_page(query: str) -> str:
    """A plain search page (robots.txt keeps crawlers out): it never finds anything."""
    found = (
        f'<p class="search-empty">لا توجد نتائج لـ «{esc(query)}».</p>\n'
        if query
        else '<p class="search-empty">اكتب كلمة للبحث.</p>\n'
    )
    main = f'<div class="search-page"><h1>البحث</h1>\n{found}</div>\n'
    head = '<meta name="robots" content="noindex, nofollow">\n'
    return page(page_title("البحث"), "path-search", head, main)


def render_not_found_page() -> str:
    main = (
        '<div class="not-found"><h1>الصفحة غير موجودة</h1>\n'
        "<p>عذراً، لم نعثر على الصفحة التي تبحث عنها.</p>\n"
        '<p><a href="/">العودة إلى الصفحة الرئيسية</a></p></div>\n'
    )
    head = '<meta name="robots" content="noindex">\n'
    return page(page_title("الصفحة غير موجودة"), "path-not-found", head, main)


def render_error_page(message: str) -> str:
    """The page of a 500: the content folder could not be read."""
    main = f'<div class="server-error"><h1>خطأ في الخادم</h1>\n<pre>{esc(message)}</pre></div>\n'
    return page(page_title("خطأ"), "path-error", "", main)


# --- feed, sitemap, robots ----------------------------------------------------------------


def xml_text(tag: str, text: str) -> str:
    return f"<{tag}>{xml_escape(text)}</{tag}>"


def feed_item(article: ReplicaArticle, base_url: str) -> str:
    url = absolute(base_url, article.path)
    creators = "".join(xml_text("dc:creator", name) for name in article.authors)
    return (
        "<item>"
        + xml_text("title", article.title)
        + xml_text("link", url)
        + f'<guid isPermaLink="true">{xml_escape(url)}</guid>'
        + xml_text("pubDate", format_datetime(article.published))
        + xml_text("description", article.summary)
        + xml_text("category", article.section_label)
        + creators
        + "</item>\n"
    )


def render_feed(articles: Articles, base_url: str, section: str | None = None) -> str:
    """RSS 2.0 of every article (of one section if given), newest first."""
    title = SITE_NAME if section is None else f"{SITE_NAME} - {SECTIONS[section]}"
    listed = newest_first(articles, lambda a: section is None or a.section == section)
    self_path = "/feed" if section is None else f"/feed/{section}"
    home = absolute(base_url, "/" if section is None else section_path(section))
    built = max((a.modified for a in listed), default=None)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
        + xml_text("title", title)
        + xml_text("link", home)
        + xml_text("description", f"آخر الأخبار من {title}")
        + xml_text("language", "ar")
        + (xml_text("lastBuildDate", format_datetime(built)) if built else "")
        + f'<atom:link href={quoteattr(absolute(base_url, self_path))} rel="self" '
        'type="application/rss+xml"/>\n'
        + "".join(feed_item(a, base_url) for a in listed)
        + "</channel>\n</rss>\n"
    )


def render_sitemap(articles: Articles, base_url: str) -> str:
    urls = "".join(
        "<url>"
        + xml_text("loc", absolute(base_url, a.path))
        + xml_text("lastmod", a.modified.isoformat())
        + "</url>\n"
        for a in newest_first(articles)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}</urlset>\n"
    )


def render_robots(base_url: str) -> str:
    return (
        "User-agent: *\n"
        "Disallow: /search\n"
        "Disallow: /user/\n"
        "\n"
        f"Sitemap: {base_url.rstrip('/')}/sitemap.xml\n"
    )
