"""Hands each fetched page to the page workers: the Celery task `process_page`, by name.

A page that cannot be queued (Redis or the broker unreachable past AKHBAR_REDIS_OUTAGE_S)
raises: the scheduler then stops the crawl and keeps the page's request in flight for the
next crawl (crawler/scheduler.py). Once one page failed, the rest fail at once, without
waiting through the outage again each.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from kombu.exceptions import KombuError
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.outage import broker_retry_policy, outage_tolerant_client
from workers.config import Settings, load_settings
from workers.keys import PAGES_QUEUE, key
from workers.messages import Failure
from workers.redisconn import redis_url_for

log = logging.getLogger(__name__)
HANDOFF_ERRORS = (redis.RedisError, KombuError, OSError)


class HandoffFailed(RuntimeError):
    """A page could not be queued for the page workers; the message says why."""


class CeleryHandoffPipeline:
    """Items are RawPage dicts. Each is marked fetched in its crawl, then queued."""

    def __init__(self, settings: Settings, crawler: Crawler) -> None:
        from workers.app import celery_app  # cheap: no task code is imported

        self.prefix = settings.prefix
        # Both ride out a Redis restart; past AKHBAR_REDIS_OUTAGE_S the error fails the crawl
        # (crawler/scheduler.py) and the page stays in flight for the next crawl.
        self.redis = outage_tolerant_client(redis_url_for(settings), settings.redis_outage_s)
        self.retry_policy = broker_retry_policy(settings.redis_outage_s)
        self.celery = celery_app
        self.stats = crawler.stats
        self.broken: str | None = None  # why the last hand-off failed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CeleryHandoffPipeline:
        if not crawler.settings.getbool("AKHBAR_HANDOFF_ENABLED", True):
            raise NotConfigured("AKHBAR_HANDOFF_ENABLED is off")
        return cls(load_settings(), crawler)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        if self.broken:
            raise HandoffFailed(f"{item['url']} not queued: {self.broken}")
        try:
            if item.get("fetch_failed"):
                self.record_fetch_failure(item)
                return item
            self.hand_off(item)
        except HANDOFF_ERRORS as exc:
            self.broken = f"{exc.__class__.__name__}: {exc}"
            raise HandoffFailed(f"{item['url']} not queued: {self.broken}") from exc
        if self.stats:
            self.stats.inc_value("pages/queued")
        return {"url": item["url"], "status": item["status"]}  # the body stays out of logs

    def record_fetch_failure(self, item: dict[str, Any]) -> None:
        """An article page the crawl could not fetch: counted as fetched (tried) and sent
        straight to the store as a failure (stage "fetch"), as a page worker sends its own."""
        crawl_id, url = item["crawl_id"], item["url"]
        failure = Failure(url=url, stage="fetch", error_class=item["error_class"],
                          message=str(item["message"])[:2000], attempt=1, crawl_id=crawl_id)
        result = failure.result()
        pipe = self.redis.pipeline(transaction=True)
        pipe.sadd(key("crawl_fetched", self.prefix, crawl_id=crawl_id), url)
        pipe.xadd(key("results", self.prefix), {"data": result.to_json()})
        pipe.hincrby(key("crawl_counts", self.prefix, crawl_id=crawl_id), "processed", 1)
        pipe.execute()
        if self.stats:
            self.stats.inc_value("pages/fetch_failed")

    def hand_off(self, item: dict[str, Any]) -> None:
        crawl_id = item["crawl_id"]
        # Marked fetched before it is queued: the run waits for every fetched page to be
        # accounted for, so a page can never be finished before it is counted.
        self.redis.sadd(key("crawl_fetched", self.prefix, crawl_id=crawl_id), item["url"])
        self.celery.send_task(
            "process_page",
            args=[item],
            queue=PAGES_QUEUE,
            retry=True,
            retry_policy=self.retry_policy,
        )
