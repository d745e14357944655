"""Site rules: which site a URL belongs to, and that site's selectors.

Each site is one module of named constants (`aawsat.py`) ending in `RULES = SiteRules(...)`;
the extractor and the crawler read only `SiteRules`. To add a site, write its module and
list it in `SITE_MODULES`. Modules load on first use, so importing this package is cheap.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

SITE_MODULES: tuple[str, ...] = ("aawsat",)


@dataclass(frozen=True)
class CardRules:
    """A teaser card (related block, listing): selectors relative to the card element."""

    card: str
    link: str  # <a href> of the card's title
    section: str
    image: str
    caption: str
    summary: str
    dateline: str
    video_marker: str
    video_label: str = ""  # the marker's text, in case only the text survives


@dataclass(frozen=True)
class SiteRules:
    """Everything one site needs: identity, where to start, and every selector.

    Selectors of the article's own fields are relative to the FIRST element `article` finds
    (the appended next article and the related block live outside it).
    """

    name: str
    domains: tuple[str, ...]
    rules_version: str
    article_url_pattern: re.Pattern[str]  # matched against the URL path (quoted or not)
    start_paths: tuple[str, ...]
    listing_link_selectors: tuple[str, ...]
    listing_link_attributes: tuple[str, ...]
    article: tuple[str, ...]  # the first match of the first selector that matches is the article
    headline: tuple[str, ...]
    subtitle: str
    body: str
    body_drop: tuple[str, ...]
    lead_image: str
    lead_caption: tuple[str, ...]
    publish_line: tuple[str, ...]
    update_line: str
    author: str
    tags: str
    breadcrumbs: str
    related: CardRules
    next_article: str  # the container of the appended article (dropped before reading)
    next_article_url_sources: tuple[tuple[str, str], ...]  # (selector, attribute), in order
    noise_selectors: tuple[str, ...]  # dropped from the whole page before reading
    noise_strings: tuple[str, ...]  # removed from every text field
    error_page_markers: tuple[str, ...]  # <title> text of the site's error page
    timezone_offset_hours: float = 3.0

    def is_article_url(self, url: str) -> bool:
        return bool(self.article_url_pattern.search(urlsplit(url).path))

    def owns(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        return host in self.domains


@cache
def _load(name: str) -> SiteRules:
    module = importlib.import_module(f"{__name__}.{name}")
    rules = module.RULES
    if not isinstance(rules, SiteRules):
        raise TypeError(f"{module.__name__}.RULES must be a SiteRules, not {type(rules).__name__}")
    return rules


def all_sites() -> list[SiteRules]:
    return [_load(name) for name in SITE_MODULES]


def get_site(name: str) -> SiteRules | None:
    """The rules of the site called `name`, or None for a site with no rules of its own."""
    return _load(name) if name in SITE_MODULES else None


def site_for_url(url: str) -> SiteRules | None:
    """The rules of the site whose domain serves `url`, or None."""
    return next((site for site in all_sites() if site.owns(url)), None)
