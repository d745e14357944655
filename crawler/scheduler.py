"""A Scrapy scheduler whose frontier lives in Redis, so a crawler killed mid-crawl loses nothing.

Requests wait in the site's frontier (crawler/frontier.py), keyed by site: the next crawl of
the site resumes whatever a killed crawl left, pending or in flight. A request leaves the
in-flight set only once the engine is done with it: its response parsed and every item it
gave handed on by the pipelines, its redirect or retry queued, or its error final. Scrapy
sends no signal at that moment; it keeps the requests it works on in its engine slot's
`inprogress` set, so the scheduler settles the requests that left that set whenever the
engine asks it for work, and every second on a heartbeat that also renews the site's lock.

If a page cannot be handed on (an item pipeline error, e.g. the broker gone for longer than
AKHBAR_REDIS_OUTAGE_S) or Redis stays unreachable that long, nothing leaves in-flight any
more and the crawl closes with reason `item_failed` or `redis_unavailable`: the next crawl
fetches again everything that was in flight. A crawl that finishes cleanly deletes the
frontier, so the next one starts afresh from the site's start URLs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

import redis
import scrapy
from scrapy import Request, Spider, signals
from scrapy.core.scheduler import BaseScheduler
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.utils.asyncio import AsyncioLoopingCall, create_looping_call
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from crawler.frontier import (
    Frontier,
    UnreadableEntry,
    UnstorableRequest,
    decode_entry,
    encode_entry,
)
from crawler.outage import outage_tolerant_client
from crawler.sitelock import SiteBusy, SiteLock, owner_id
from workers.config import Settings, load_settings
from workers.keys import key
from workers.messages import utc_now_iso
from workers.redisconn import redis_url_for

log = logging.getLogger(__name__)

LOCK_TTL_S = 30.0  # AKHBAR_FRONTIER_LOCK_TTL: a dead crawler's lock frees itself this fast
BEAT_S = 1.0  # a finished request stays in flight (fetched again after a kill) about this long


def engine_requests_in_progress(crawler: Crawler) -> Collection[Request]:
    """The engine's set of the requests it took and has not finished with."""
    in_progress = getattr(getattr(crawler.engine, "_slot", None), "inprogress", None)
    if not isinstance(in_progress, set):
        raise RuntimeError(
            f"Scrapy {scrapy.__version__} does not keep ExecutionEngine._slot.inprogress; "
            "crawler/scheduler.py needs it to know when a request is finished"
        )
    return in_progress


def frontier_name(spider: Spider) -> str:
    return frontier_name_for(spider.name, str(getattr(spider, "base_url", "") or ""))


def frontier_name_for(site: str, base_url: str) -> str:
    """The frontier a crawl resumes: its site's, at the address it crawls ("aawsat@aawsat.com").
    A replica on another port is another target (`akhbar run demo` serves it on a free port
    each time): resuming it would send the old port's URLs to a server that is gone."""
    target = urlsplit(base_url).netloc
    return f"{site}@{target}" if target else site


class RedisScheduler(BaseScheduler):
    def __init__(self, crawler: Crawler, settings: Settings) -> None:
        spider = crawler.spider
        assert spider is not None, "Scrapy builds its scheduler once the spider exists"
        self.crawler = crawler
        self.spider: Spider = spider
        self.stats = crawler.stats
        self.outage_s = settings.redis_outage_s
        client = outage_tolerant_client(redis_url_for(settings), settings.redis_outage_s)
        self.frontier = Frontier(client, settings.prefix, frontier_name(spider))
        self.frontier_prefix = settings.prefix
        self.lock_ttl_s = crawler.settings.getfloat("AKHBAR_FRONTIER_LOCK_TTL", LOCK_TTL_S)
        lock_key = key("frontier_lock", settings.prefix, site=frontier_name(spider))
        crawl_id = str(getattr(spider, "crawl_id", ""))
        self.lock = SiteLock(client, lock_key, owner_id(crawl_id), self.lock_ttl_s)
        self.locked = False
        self.handed: dict[str, Request] = {}  # entry id -> request the engine is working on
        self.in_progress: Collection[Request] = ()
        self.failure: str | None = None  # once set, nothing leaves in-flight any more
        self.heartbeat: AsyncioLoopingCall | LoopingCall | None = None
        self.lock_renewed = 0.0  # time.monotonic() of the last renewal

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScheduler:
        scheduler = cls(crawler, load_settings())
        crawler.signals.connect(scheduler.item_failed, signal=signals.item_error)
        return scheduler

    def open(self, spider: Spider) -> None:
        self.in_progress = engine_requests_in_progress(self.crawler)
        try:
            self.lock.acquire(wait_s=self.lock_ttl_s + 1)
            self.locked, self.lock_renewed = True, time.monotonic()
            self.end_dead_crawl()
            self.resume()
        except SiteBusy as exc:
            log.error("cannot crawl %s: %s", spider.name, exc)
            raise CloseSpider("site_busy") from exc
        except redis.RedisError as exc:
            log.error("cannot crawl %s: Redis unreachable (%s)", spider.name, exc)
            self.failure = "redis_unavailable"
            raise CloseSpider(self.failure) from exc
        self.heartbeat = create_looping_call(self.beat)
        self.heartbeat.start(BEAT_S, now=False)

    def end_dead_crawl(self) -> None:
        """Mark the crawl this one takes the frontier over from as ended, if it never said so
        (it was killed): its pages then count as settled once nothing is in flight, so
        `akhbar status` can judge them and the hand-off ledger can send its lost ones again."""
        crawl_id = str(getattr(self.spider, "crawl_id", ""))
        previous = self.frontier.take(crawl_id)
        if not previous or previous == crawl_id:
            return
        info = key("crawl_info", self.frontier_prefix, crawl_id=previous)
        if self.frontier.client.hsetnx(info, "finished_at", utc_now_iso()):
            self.frontier.client.hset(info, "finish_reason", f"died; resumed by crawl {crawl_id}")
            log.warning("crawl %s of %s died without finishing; this crawl resumes it",
                        previous, self.spider.name)

    def resume(self) -> None:
        """Put back what a dead crawl had in flight; with nothing to resume, start afresh."""
        recovered = self.frontier.recover()
        pending = self.frontier.pending_count()
        if not pending:
            self.frontier.forget_seen()
            return
        log.info(
            "resuming the crawl of %s: %d requests pending, %d of them in flight when its "
            "last crawl stopped",
            self.spider.name,
            pending,
            recovered,
        )
        self._stat("scheduler/resumed", pending)
        self._stat("scheduler/recovered", recovered)

    def close(self, reason: str) -> None:
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        if not self.locked or self.failure == "redis_unavailable":
            return  # not ours, or Redis is gone: the lock expires by itself
        try:
            self.settle()
            if reason == "finished" and self.failure is None:
                self.frontier.clear()
            else:
                log.warning(
                    "the crawl of %s ended (%s): %d requests pending and %d in flight stay in "
                    "Redis for its next crawl",
                    self.spider.name,
                    reason,
                    self.frontier.pending_count(),
                    self.frontier.inflight_count(),
                )
            self.lock.release()
        except redis.RedisError as exc:
            log.error("could not close the frontier of %s in Redis: %s", self.spider.name, exc)

    def has_pending_requests(self) -> bool:
        if self.failure:
            return False
        try:
            self.settle()
            if self.frontier.pending_count():
                return True
            # The engine is idle, yet entries are in flight: taken by a pop whose reply a
            # Redis restart lost. No request of this crawl holds them: fetch them again.
            return not self.handed and self.frontier.recover() > 0
        except redis.RedisError as exc:
            self.fail(f"Redis unreachable for {self.outage_s} s ({exc})", "redis_unavailable")
            return False

    def enqueue_request(self, request: Request) -> bool:
        if self.failure:
            return False  # the request that found it stays in flight: the next crawl redoes it
        fingerprint = self.crawler.request_fingerprinter.fingerprint(request).hex()
        try:
            entry = encode_entry(request, self.spider, fingerprint)
        except UnstorableRequest as exc:
            log.error("not crawled: %s", exc)
            self._stat("scheduler/unstorable")
            return False
        try:
            queued = self.frontier.push(
                entry, -request.priority, None if request.dont_filter else fingerprint
            )
        except redis.RedisError as exc:
            self.fail(f"cannot queue {request.url}: Redis unreachable ({exc})", "redis_unavailable")
            return False
        self._stat("scheduler/enqueued/redis" if queued else "dupefilter/filtered")
        return queued

    def next_request(self) -> Request | None:
        if self.failure:
            return None
        try:
            self.settle()
            while (popped := self.frontier.pop()) is not None:
                entry_id, entry = popped
                try:
                    request = decode_entry(entry, self.spider)
                except UnreadableEntry as exc:
                    log.error("dropped frontier entry %s (%r...): %s", entry_id, entry[:200], exc)
                    self._stat("scheduler/unreadable")
                    self.frontier.finish([entry_id])
                    continue
                self.handed[entry_id] = request
                self._stat("scheduler/dequeued/redis")
                return request
        except redis.RedisError as exc:
            self.fail(f"Redis unreachable for {self.outage_s} s ({exc})", "redis_unavailable")
        return None

    def settle(self) -> None:
        """Take the requests the engine has finished with out of the in-flight set."""
        if self.failure:
            return
        done = [eid for eid, request in self.handed.items() if request not in self.in_progress]
        if done:
            self.frontier.finish(done)
            for eid in done:
                del self.handed[eid]
            self._stat("scheduler/finished", len(done))

    def beat(self) -> None:
        """Settle finished requests (the engine may not ask for work for a while); renew the
        lock when a third of its TTL has passed."""
        try:
            self.settle()
            if time.monotonic() - self.lock_renewed >= self.lock_ttl_s / 3:
                if not self.lock.refresh():
                    self.fail("another crawl took over this site's frontier", "frontier_lost")
                    return
                self.lock_renewed = time.monotonic()
        except redis.RedisError as exc:
            self.fail(f"Redis unreachable for {self.outage_s} s ({exc})", "redis_unavailable")

    def item_failed(self, item: Any, failure: Failure) -> None:
        url = item.get("url") if isinstance(item, dict) else repr(item)[:200]
        self.fail(f"page {url} could not be handed on ({failure.getErrorMessage()})", "item_failed")

    def fail(self, message: str, reason: str) -> None:
        """Stop the crawl loudly; what is in flight stays there for the next crawl."""
        if self.failure is None:
            log.error(
                "%s; the crawl of %s stops and the %d requests in flight stay in Redis for "
                "its next crawl",
                message,
                self.spider.name,
                len(self.handed),
            )
            self.failure = reason
            self._stat(f"scheduler/failed/{reason}")
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def _stat(self, name: str, count: int = 1) -> None:
        if self.stats:
            self.stats.inc_value(name, count)
