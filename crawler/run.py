"""Run one crawl in this process: `python -m crawler.run SITE [--base-url URL] [--crawl-id ID]`.

SITE is any site of the registry (`akhbar sites` lists them: built-in or in AKHBAR_SITES_DIR).
`akhbar crawl` and the `crawl_site` task start this as a child process, because Scrapy's
Twisted reactor cannot be restarted inside a long-lived process.
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crawler.guard import is_public_address, resolve_host

if TYPE_CHECKING:
    from crawler.spiders.news import NewsSpider


def is_local_target(base_url: str | None) -> bool:
    host = urlsplit(base_url or "").hostname
    if not host:
        return False
    try:
        return not any(is_public_address(a) for a in resolve_host(host))
    except OSError:
        return False


def _spider(site: str) -> type[NewsSpider]:
    """The site's spider, or exit with one line saying why there is none."""
    from crawler.spiders.sites import UnknownSite, spider_for
    from workers.sites import SiteConfigError

    try:
        return spider_for(site)
    except (UnknownSite, SiteConfigError) as exc:
        raise SystemExit(f"crawler.run: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.run")
    parser.add_argument("site")
    parser.add_argument("--base-url", default=None)
    parser.add_argument("--crawl-id", default=None)
    args = parser.parse_args(argv)
    spider = _spider(args.site)

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    if is_local_target(args.base_url):
        # A replica on this machine: no politeness delay is owed to it.
        settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    crawl_id = args.crawl_id or uuid.uuid4().hex[:12]
    process.crawl(crawler, base_url=args.base_url, crawl_id=crawl_id)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    reason = stats.get("finish_reason")
    if reason == "finished":
        return 0
    # e.g. site_busy, redis_unavailable, item_failed: the log above says why
    print(f"crawler.run: crawl {crawl_id} of {args.site} did not finish: {reason}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
