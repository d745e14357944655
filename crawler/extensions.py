"""Records each crawl in Redis (`crawl_info`, `crawls`): when it started and ended, and why.

`akhbar run`, the tests and later `akhbar status` read it to tell a finished crawl from one
still running, whichever process or host ran it.
"""

from __future__ import annotations

import time

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.outage import outage_tolerant_client
from crawler.spiders.news import NewsSpider
from workers.config import Settings, load_settings
from workers.keys import key
from workers.messages import utc_now_iso
from workers.redisconn import redis_url_for


class CrawlRecord:
    def __init__(self, settings: Settings, crawler: Crawler) -> None:
        self.prefix = settings.prefix
        self.redis = outage_tolerant_client(redis_url_for(settings), settings.redis_outage_s)
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRecord:
        if not crawler.settings.getbool("AKHBAR_HANDOFF_ENABLED", True):
            raise NotConfigured("AKHBAR_HANDOFF_ENABLED is off")
        extension = cls(load_settings(), crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def _info_key(self, spider: NewsSpider) -> str:
        return key("crawl_info", self.prefix, crawl_id=spider.crawl_id)

    def spider_opened(self, spider: NewsSpider) -> None:
        self.redis.hset(
            self._info_key(spider),
            mapping={"site": spider.name, "base_url": spider.base_url, "started_at": utc_now_iso()},
        )
        self.redis.zadd(key("crawls", self.prefix), {spider.crawl_id: time.time()})

    def spider_closed(self, spider: NewsSpider, reason: str) -> None:
        queued = int(self.stats.get_value("pages/queued", 0)) if self.stats else 0
        self.redis.hset(
            self._info_key(spider),
            mapping={"finished_at": utc_now_iso(), "finish_reason": reason, "pages_queued": queued},
        )
