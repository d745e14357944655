"""The crawler's side of the SSRF guard and the size limit: a downloader middleware that checks
every request (redirects and robots.txt included) before it is sent, a resolver that checks
the address each connection is really made to, and the count of pages refused for their size."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from crawler.guard import BlockedTarget, check_url, is_public_address, resolve_host

log = logging.getLogger(__name__)


class TargetGuardMiddleware:
    def __init__(self, allowed_hosts: list[str], crawler: Crawler) -> None:
        self.allowed_hosts = allowed_hosts
        self.stats = crawler.stats
        self._addresses: dict[str, list[str]] = {}

    def _resolve(self, host: str) -> list[str]:
        """Resolve each host once per crawl: getaddrinfo blocks the reactor."""
        if host not in self._addresses:
            self._addresses[host] = resolve_host(host)
        return self._addresses[host]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TargetGuardMiddleware:
        return cls(crawler.settings.getlist("AKHBAR_ALLOWED_HOSTS"), crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        try:
            check_url(request.url, self.allowed_hosts, self._resolve)
        except BlockedTarget as exc:
            log.warning("%s", exc)
            if self.stats:
                self.stats.inc_value("pages/blocked")
            raise IgnoreRequest(str(exc)) from exc


class SizeLimitMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression, which stops at DOWNLOAD_MAXSIZE (a compression bomb never
    inflates past it), plus one stat for every page refused for its size: `pages/refused/
    too_large` counts bombs and bodies longer than the limit, announced or chunked."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest:  # raised only when decompression passes DOWNLOAD_MAXSIZE
            self._count_refusal()
            raise

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        # Scrapy's HTTP handler cancels a download only for a body past DOWNLOAD_MAXSIZE
        # (announced or counted as it arrives; it logs which); a timeout is another error.
        if isinstance(exception, DownloadCancelledError):
            self._count_refusal()

    def _count_refusal(self) -> None:
        if self.stats:
            self.stats.inc_value("pages/refused/too_large")


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's resolver (TWISTED_DNS_RESOLVER), refusing a non-public address for a host that
    is not in AKHBAR_ALLOWED_HOSTS. The middleware judged the host when the request was
    made; this judges the address the connection is made to, so a name that answers with a
    public address first and a private one a moment later (DNS rebinding) is not fetched."""

    allowed_hosts: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        resolver = super().from_crawler(crawler, reactor)
        hosts = crawler.settings.getlist("AKHBAR_ALLOWED_HOSTS")
        resolver.allowed_hosts = frozenset(h.lower() for h in hosts)
        return resolver

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        found = super().getHostByName(name, timeout)
        if name.lower() not in self.allowed_hosts:
            found.addCallback(_public_only, name)
        return found


def _public_only(address: str, name: str) -> str:
    if not is_public_address(address):
        log.warning("refusing to connect to %s: it resolves to non-public %s now", name, address)
        raise DNSLookupError(
            f"refusing to connect to {name}: it resolves to non-public address {address}; "
            "add the host to AKHBAR_ALLOWED_HOSTS if you mean to crawl it"
        )
    return address
