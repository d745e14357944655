"""What the extractor and the crawler know of one site: `SiteRules` (and its teaser `CardRules`).

A site file (`workers/sites/*.yaml`, or one in AKHBAR_SITES_DIR) becomes one `SiteRules`; see
`workers/sites/loader.py` for the file format. Only name, domains and the article URL pattern
are required: a site without selectors is crawled by its start URLs and extracted by the
generic path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from urllib.parse import urlsplit


@dataclass(frozen=True)
class CardRules:
    """A teaser card (related block, listing): selectors relative to the card element."""

    card: str
    link: str  # <a href> of the card's title
    section: str = ""
    image: str = ""
    caption: str = ""
    summary: str = ""
    dateline: str = ""
    video_marker: str = ""
    video_label: str = ""  # the marker's text, in case only the text survives


@dataclass(frozen=True)
class SiteRules:
    """Everything one site needs: identity, where to start, and every selector.

    Selectors of the article's own fields are relative to the FIRST element `article` finds
    (the appended next article and the related block live outside it). An empty selector
    ("" or ()) means the site has no rule for that field.
    """

    name: str
    domains: tuple[str, ...]
    article_url_pattern: re.Pattern[str]  # searched in the URL path (quoted or not)
    rules_version: str = ""
    start_paths: tuple[str, ...] = ()  # paths on the site, or absolute URLs (feeds, sitemaps)
    listing_link_selectors: tuple[str, ...] = ()
    listing_link_attributes: tuple[str, ...] = ("href",)
    article: tuple[str, ...] = ()  # the first match of the first selector that matches
    headline: tuple[str, ...] = ()
    subtitle: str = ""
    body: str = ""
    body_drop: tuple[str, ...] = ()
    lead_image: str = ""
    lead_caption: tuple[str, ...] = ()
    publish_line: tuple[str, ...] = ()
    update_line: str = ""
    author: str = ""
    tags: str = ""
    breadcrumbs: str = ""
    related: CardRules | None = None
    next_article: str = ""  # the container of the appended article (dropped before reading)
    next_article_url_sources: tuple[tuple[str, str], ...] = ()  # (selector, attribute)
    noise_selectors: tuple[str, ...] = ()  # dropped from the whole page before reading
    noise_strings: tuple[str, ...] = ()  # removed from every text field
    error_page_markers: tuple[str, ...] = ()  # <title> text of the site's error page
    tz: tzinfo = UTC  # the zone of printed times that carry no offset
    source: str = field(default="", compare=False)  # the file the rules came from

    @property
    def has_rules(self) -> bool:
        """True when the site names its headline and body: extraction by its rules; else
        the generic path extracts its pages."""
        return bool(self.headline and self.body)

    def is_article_url(self, url: str) -> bool:
        return bool(self.article_url_pattern.search(urlsplit(url).path))

    def owns(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        return host in self.domains
