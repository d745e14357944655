"""Article links of a listing page, by a site's listing selectors (for the crawler)."""

from __future__ import annotations

from parsel import Selector

from workers.extract.dom import absolute, attribute
from workers.extract.text import unique
from workers.sites import SiteRules


def listing_article_links(html: str, url: str, rules: SiteRules) -> list[str]:
    """Absolute URLs of the article cards of a listing (home, section, opinion), in page
    order, each once; only URLs whose path matches the site's article pattern."""
    doc = Selector(text=html) if html.strip() else None
    if doc is None:
        return []
    found = (
        absolute(url, attribute(element, rules.listing_link_attributes))
        for selector in rules.listing_link_selectors
        for element in doc.css(selector)
    )
    return unique(link for link in found if link and rules.is_article_url(link))
