"""Downloader middleware that applies the SSRF guard to every request, redirects included."""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.guard import BlockedTarget, check_url, resolve_host

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
