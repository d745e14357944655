"""Hands each fetched page to the page workers: the Celery task `process_page`, by name."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from workers.config import Settings, load_settings
from workers.keys import PAGES_QUEUE, key
from workers.redisconn import redis_client, redis_url_for

log = logging.getLogger(__name__)


class CeleryHandoffPipeline:
    """Items are RawPage dicts. Each is marked fetched in its crawl, then queued."""

    def __init__(self, settings: Settings, crawler: Crawler) -> None:
        from workers.app import celery_app  # cheap: no task code is imported

        redis_url = redis_url_for(settings)
        self.prefix = settings.prefix
        self.redis = redis_client(redis_url)
        self.celery = celery_app
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CeleryHandoffPipeline:
        if not crawler.settings.getbool("AKHBAR_HANDOFF_ENABLED", True):
            raise NotConfigured("AKHBAR_HANDOFF_ENABLED is off")
        return cls(load_settings(), crawler)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        crawl_id = item["crawl_id"]
        # Marked fetched before it is queued: the run waits for every fetched page to be
        # accounted for, so a page can never be finished before it is counted.
        self.redis.sadd(key("crawl_fetched", self.prefix, crawl_id=crawl_id), item["url"])
        self.celery.send_task("process_page", args=[item], queue=PAGES_QUEUE)
        if self.stats:
            self.stats.inc_value("pages/queued")
        return {"url": item["url"], "status": item["status"]}  # the body stays out of logs
