"""Rules of Asharq Al-Awsat (aawsat.com, Arabic), the first site.

Every selector the project uses for this site is a named constant here, and nowhere else.
Sources: `../shared/aawsat-markup.md` (seen = used by several public scrapers or visible in
the seed page; believed = one source). The replica (`replica/`, `docs/replica.md`) renders
exactly this markup: change one, change the other. When the real site moves, the extractor
fills the field from metadata and records a warning naming the selector that found nothing.
"""

from __future__ import annotations

import re

from workers.sites import CardRules, SiteRules

NAME = "aawsat"
DOMAINS = ("aawsat.com", "www.aawsat.com")
RULES_VERSION = "aawsat-2025.11.1"
TIMEZONE_OFFSET_HOURS = 3.0  # Asia/Riyadh, no daylight saving

# --- where a crawl starts ----------------------------------------------------------------
FEED_PATH = "/feed"
SITEMAP_PATH = "/sitemap.xml"
# Section listings, unquoted (Drupal writes them percent-encoded, UTF-8).
SECTION_PATHS = (
    "/العالم", "/أوروبا", "/الولايات-المتحدة", "/شؤون-إقليمية", "/العالم-العربي",
    "/الاقتصاد", "/الرياضة", "/ثقافة-وفنون", "/الرأي",
)  # fmt: skip
START_PATHS = (FEED_PATH, SITEMAP_PATH, *SECTION_PATHS)

# --- which URLs are articles ---------------------------------------------------------------
# On the URL *path*, quoted or not: modern `/<section>/<id>-<slug>` (believed), old
# `/home/article/<id>/<slug>` (seen). Group `id` is the numeric id, the stable key.
ARTICLE_URL_PATTERN = re.compile(
    r"^/(?:home/article/(?P<old_id>\d+)(?:/[^/]*)?"
    r"|(?!home/|feed/|search|user/)[^/]+/(?P<id>\d{3,})(?:-[^/]*)?)/?$"
)

# --- listing pages (the crawler follows these) ---------------------------------------------
LISTING_CARD_LINK = ".article-item-info .article-item-title h2 a"  # seen; attr href
OPINION_CARD = "div.node--type-opinion"  # seen; attr data-vr-contentbox-url
OLD_LISTING_LINK = "div.media-type-3 div.media div.media-body a"  # seen (one source), old theme
LISTING_LINK_SELECTORS = (LISTING_CARD_LINK, OPINION_CARD, OLD_LISTING_LINK)
LISTING_LINK_ATTRIBUTES = ("href", "data-vr-contentbox-url")

# --- article page ----------------------------------------------------------------------------
ARTICLE_SELECTOR = ".printable-area article"  # the FIRST match is the page's own article
OLD_ARTICLE_SELECTOR = "article.article"  # Drupal 7 theme (before 2022)
HEADLINE_SELECTOR = ".entry-title h1"  # seen
OLD_HEADLINE_SELECTOR = "div#article_content h2"  # seen, old theme
SUBTITLE_SELECTOR = ".entry-subtitle h2"  # believed
BODY_SELECTOR = ".entry-content p"  # seen
BLOCKQUOTE_SELECTOR = ".entry-content blockquote"  # embedded posts: not article text (seen)
BODY_DROP_SELECTORS = (
    BLOCKQUOTE_SELECTOR, ".entry-content script", ".entry-content style",
    ".entry-content .embedded-post",
)  # fmt: skip
LEAD_IMAGE_SELECTOR = ".entry-media .img-field img"  # seen
LEAD_CAPTION_SELECTORS = (  # the caption shows twice; the first found is used once
    ".entry-media .img-field figcaption", ".entry-media .img-field .img-title",
)  # fmt: skip
PUBLISH_LINE_SELECTOR = ".entry-meta .publish-date"  # believed: `نُشر: 17:32-17 يونيو 2025 م ـ …`
OLD_PUBLISH_LINE_SELECTOR = "div#article_content div.node-info div#update_date"  # seen, old
UPDATE_LINE_SELECTOR = ".entry-meta .update-date"  # believed: `آخر تحديث: …`
AUTHOR_SELECTOR = ".entry-meta .author"  # believed
TAGS_SELECTOR = ".entry-tags a"  # believed
BREADCRUMB_SELECTOR = ".breadcrumb a, nav.breadcrumb li"  # believed

# --- related block («مقالات ذات صلة») and its teaser cards --------------------------------------
RELATED_CARD_SELECTOR = ".related-articles .article-item"  # seen (seed)
CARD_LINK_SELECTOR = ".article-item-title h2 a"  # seen
CARD_SECTION_SELECTOR = ".article-item-section"
CARD_IMAGE_SELECTOR = ".article-item-img img"
CARD_CAPTION_SELECTOR = ".article-item-img figcaption"
CARD_SUMMARY_SELECTOR = ".article-item-summary"
CARD_DATELINE_SELECTOR = ".article-item-dateline"
VIDEO_MARKER_SELECTOR = ".video-icon, .icon-play-circle"  # its label `play-circle` leaks (seed)

# --- infinite scroll: the next article appended below the first (seen in the seed) ----------
NEXT_ARTICLE_SELECTOR = ".infinite-scroll-next"
NEXT_ARTICLE_URL_SOURCES = (  # (selector, attribute): the container's, else the article's
    (NEXT_ARTICLE_SELECTOR, "data-next-url"),
    (f"{NEXT_ARTICLE_SELECTOR} article[data-url]", "data-url"),
)

# --- noise -------------------------------------------------------------------------------------
FONT_SIZE_CONTROL_SELECTOR = ".font-size-control"  # renders `TT` (seed)
SHARE_BAR_SELECTOR = ".share-bar"  # repeats the headline (seed)
AUDIO_LABEL_SELECTOR = ".audio-player-label"  # «استمع إلى المقالة» (opinion cards)
NOISE_SELECTORS = (FONT_SIZE_CONTROL_SELECTOR, SHARE_BAR_SELECTOR, AUDIO_LABEL_SELECTOR)
FONT_SIZE_LABEL = "TT"
VIDEO_LABEL = "play-circle"
LISTEN_LABEL = "استمع إلى المقالة"
NOISE_STRINGS = (FONT_SIZE_LABEL, VIDEO_LABEL, LISTEN_LABEL)

# --- the site's error page: text of its <title> ---------------------------------------------------
ERROR_PAGE_MARKERS = ("الصفحة غير موجودة", "404", "Page not found")

RULES = SiteRules(
    name=NAME,
    domains=DOMAINS,
    rules_version=RULES_VERSION,
    article_url_pattern=ARTICLE_URL_PATTERN,
    start_paths=START_PATHS,
    listing_link_selectors=LISTING_LINK_SELECTORS,
    listing_link_attributes=LISTING_LINK_ATTRIBUTES,
    article=(ARTICLE_SELECTOR, OLD_ARTICLE_SELECTOR),
    headline=(HEADLINE_SELECTOR, OLD_HEADLINE_SELECTOR),
    subtitle=SUBTITLE_SELECTOR,
    body=BODY_SELECTOR,
    body_drop=BODY_DROP_SELECTORS,
    lead_image=LEAD_IMAGE_SELECTOR,
    lead_caption=LEAD_CAPTION_SELECTORS,
    publish_line=(PUBLISH_LINE_SELECTOR, OLD_PUBLISH_LINE_SELECTOR),
    update_line=UPDATE_LINE_SELECTOR,
    author=AUTHOR_SELECTOR,
    tags=TAGS_SELECTOR,
    breadcrumbs=BREADCRUMB_SELECTOR,
    related=CardRules(
        card=RELATED_CARD_SELECTOR,
        link=CARD_LINK_SELECTOR,
        section=CARD_SECTION_SELECTOR,
        image=CARD_IMAGE_SELECTOR,
        caption=CARD_CAPTION_SELECTOR,
        summary=CARD_SUMMARY_SELECTOR,
        dateline=CARD_DATELINE_SELECTOR,
        video_marker=VIDEO_MARKER_SELECTOR,
        video_label=VIDEO_LABEL,
    ),
    next_article=NEXT_ARTICLE_SELECTOR,
    next_article_url_sources=NEXT_ARTICLE_URL_SOURCES,
    noise_selectors=NOISE_SELECTORS,
    noise_strings=NOISE_STRINGS,
    error_page_markers=ERROR_PAGE_MARKERS,
    timezone_offset_hours=TIMEZONE_OFFSET_HOURS,
)
