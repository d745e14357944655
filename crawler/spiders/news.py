"""A news spider driven by one site's rules (`workers/sites/<site>.yaml`).

It discovers article URLs from the site's feeds, sitemaps and section listings, follows the
next article that the site appends by infinite scroll and the related teasers, and yields each
article page as a RawPage dict for the pipeline. Listings are walked, never yielded. A site
with no listing selectors has every link of its listings that looks like an article followed.
`crawler/spiders/sites.py` builds one subclass per configured site.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from workers.messages import RawPage
from workers.sites import SiteRules

KEPT_HEADERS = ("content-type", "etag", "last-modified")
XML_LINKS = (
    "//item/link/text() | //*[local-name()='loc']/text()"
    " | //*[local-name()='entry']/*[local-name()='link']/@href"
)
ANY_LINK = "a[href]"  # the listing links of a site that names none


def start_urls(rules: SiteRules, base_url: str | None) -> list[str]:
    """The site's start entries as URLs: paths on `base_url` (default: the site's first
    domain); absolute URLs on one of the site's domains move to `base_url` when it is given
    (a replica), others (a feed host) stay as they are."""
    base = (base_url or f"https://{rules.domains[0]}").rstrip("/")
    urls = []
    for entry in rules.start_paths:
        parts = urlsplit(entry)
        if not parts.scheme:
            urls.append(base + entry)
        elif base_url and (parts.hostname or "") in rules.domains:
            urls.append(base + urlunsplit(("", "", parts.path or "/", parts.query, "")))
        else:
            urls.append(entry)
    return urls


class NewsSpider(scrapy.Spider):
    rules: SiteRules  # set by each site's subclass
    # error pages at article URLs are handed on too, so they are counted, not lost
    handle_httpstatus_list: ClassVar[list[int]] = [404, 410]

    def __init__(
        self, base_url: str | None = None, crawl_id: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.base_url = (base_url or f"https://{self.rules.domains[0]}").rstrip("/")
        self.first_urls = start_urls(self.rules, base_url)
        hosts = {urlsplit(url).hostname or "" for url in [self.base_url, *self.first_urls]}
        self.allowed_domains = list(dict.fromkeys([*self.rules.domains, *sorted(hosts - {""})]))
        self.crawl_id = crawl_id or uuid.uuid4().hex[:12]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.first_urls:
            yield scrapy.Request(url, callback=self.parse_discovery)

    def parse_discovery(self, response: Response) -> Iterator[scrapy.Request]:
        """A feed, a sitemap (index) or a section listing: follow what it links to."""
        if response.status >= 400:
            return
        if b"xml" in (
            response.headers.get("content-type") or b""
        ) or response.text.lstrip().startswith("<?xml"):
            links = [link.strip() for link in response.xpath(XML_LINKS).getall()]
            nested = [link for link in links if urlsplit(link).path.endswith(".xml")]
            for sitemap in nested:
                yield scrapy.Request(response.urljoin(sitemap), callback=self.parse_discovery)
        else:
            links = self.listing_links(response)
        yield from self.follow_articles(response, links)

    def listing_links(self, response: Response) -> list[str]:
        # Attributes are read through XPath: parsel's `.attrib` raises on broken markup.
        cards = response.css(", ".join(self.rules.listing_link_selectors) or ANY_LINK)
        return [
            url
            for attribute in self.rules.listing_link_attributes
            for url in cards.xpath(f"@{attribute}").getall()
        ]

    def parse_article(self, response: Response) -> Iterator[Any]:
        yield self.raw_page(response)
        if response.status < 400:
            yield from self.follow_articles(response, self.article_links(response))

    def article_links(self, response: Response) -> list[str]:
        """The appended next article and the related teasers."""
        links = [
            url
            for selector, attribute in self.rules.next_article_url_sources
            for url in response.css(selector).xpath(f"@{attribute}").getall()
        ][:1]
        related = self.rules.related
        if related is None:
            return links
        return links + response.css(f"{related.card} {related.link}::attr(href)").getall()

    def follow_articles(self, response: Response, urls: Iterable[str]) -> Iterator[scrapy.Request]:
        for url in urls:
            absolute = response.urljoin(url.strip())
            if self.rules.is_article_url(absolute):
                yield scrapy.Request(
                    absolute, callback=self.parse_article, errback=self.article_failed
                )

    def article_failed(self, failure: Failure) -> Iterator[dict[str, Any]]:
        """An article page that could not be fetched: refused (the SSRF guard, the size
        limit), a network error after the retries, an HTTP error. It becomes a failure
        record of the crawl (the pipeline sends it to the store), so it is accounted for."""
        request = getattr(failure, "request", None)
        hops = (request.meta.get("redirect_urls") or [request.url]) if request is not None else []
        yield {
            "fetch_failed": True,
            "url": hops[0] if hops else "?",  # the article's URL, before any redirect
            "crawl_id": self.crawl_id,
            "error_class": failure.type.__name__ if failure.type else "Error",
            "message": failure.getErrorMessage(),
        }

    def raw_page(self, response: Response) -> dict[str, Any]:
        headers = {
            name: (response.headers.get(name) or b"").decode("latin-1")
            for name in KEPT_HEADERS
            if response.headers.get(name)
        }
        redirects = response.meta.get("redirect_urls") or [response.url]
        return RawPage.build(
            url=redirects[0],
            final_url=response.url,
            site=self.name,
            status=response.status,
            headers=headers,
            body=response.body,
            crawl_id=self.crawl_id,
        ).to_dict()
