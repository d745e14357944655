"""The hand-off ledger: every page sent to the page workers, kept until its outcome is stored.

Why: kombu's Redis transport takes a message off the queue with BRPOP and only afterwards
writes it to its `unacked` hash. A worker SIGKILLed between the two loses the message: it is
in no queue and in no hash, and no visibility timeout brings it back. With a prefetching worker
(a BRPOP nearly always outstanding) one kill in two lost a page in our tests.

So each `process_page` message's page is written to its crawl's ledger (a Redis hash, URL ->
RawPage JSON) just before it is published, and the store consumer deletes it in the same
MULTI/EXEC that records the page's outcome. Once a crawl is settled (finished, and nothing in
the pages queue, held by a worker or in the results stream), a page still in the ledger
without an outcome is nowhere: `requeue_lost` sends it again. A page sent twice is harmless:
storage is idempotent and an outcome counts once per URL per crawl. A page lost (or refused by
the worker without an outcome of its crawl) `MAX_REQUEUES` times gets a failure record instead,
so it is accounted for and never sent round again.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

import redis
from celery import Celery

from workers.keys import PAGES_QUEUE, key
from workers.messages import Failure, RawPage
from workers.redisconn import redis_client

log = logging.getLogger(__name__)

PAGE_TASK = "process_page"
MAX_REQUEUES = 3


def record(client: redis.Redis, prefix: str, raw_data: Any) -> None:
    """Write one page to its crawl's ledger. Best effort: when Redis is down the publish that
    follows fails or retries on its own, and a page missing from the ledger is only
    unprotected, not lost."""
    try:
        raw = RawPage.from_dict(raw_data)
    except (TypeError, ValueError, AttributeError):
        return  # not a page: the worker rejects it and records why
    if not raw.crawl_id:
        return
    try:
        client.hset(key("crawl_pages", prefix, crawl_id=raw.crawl_id), raw.url,
                    json.dumps(raw.to_dict()))
    except redis.RedisError as exc:
        log.warning("hand-off ledger: could not record %s (%s)", raw.url, exc)


def forget(pipe: redis.client.Pipeline, prefix: str, crawl_id: str, url: str) -> None:
    """Part of the store consumer's MULTI/EXEC: the page has its outcome."""
    pipe.hdel(key("crawl_pages", prefix, crawl_id=crawl_id), url)


def lost_pages(client: redis.Redis, prefix: str, crawl_id: str) -> list[dict[str, Any]]:
    """Pages of the crawl in its ledger with no outcome recorded."""
    ledger = key("crawl_pages", prefix, crawl_id=crawl_id)
    outcomes = key("crawl_outcomes", prefix, crawl_id=crawl_id)
    pages = []
    for url, data in client.hscan_iter(ledger, count=200):
        if not client.hexists(outcomes, url):
            pages.append(json.loads(data))
    return pages


def requeue_lost(client: redis.Redis, prefix: str, app: Celery) -> int:
    """Send again the lost pages of the recent crawls that are settled; how many."""
    # workers.status reads the tallies of workers.runner, which imports the store consumer
    from workers.status import RECENT_CRAWLS, crawl_ids, crawl_status, in_flight

    flight = in_flight(client, prefix)
    if flight.total:
        return 0  # anything in flight might be one of the pages: wait until nothing is
    sent = 0
    for crawl_id in crawl_ids(client, prefix, RECENT_CRAWLS):
        if not crawl_status(client, prefix, crawl_id, flight=flight).settled:
            continue
        for page in lost_pages(client, prefix, crawl_id):
            sent += send_again(client, prefix, app, crawl_id, page)
    return sent


def send_again(client: redis.Redis, prefix: str, app: Celery, crawl_id: str,
               page: dict[str, Any]) -> int:
    """Queue a lost page again (1), or record its failure once it was sent again too often."""
    from workers.pages import publish  # the page worker's code: kept out of workers.app's imports

    url = str(page.get("url"))
    times = int(client.hincrby(key("crawl_requeued", prefix, crawl_id=crawl_id), url, 1))
    if times > MAX_REQUEUES:
        message = (f"the page was sent to the page workers {times} times and never came back "
                   "(lost on the way, or refused: see `akhbar failures` for a stage \"queue\" "
                   "record); fetch it again with the next crawl")
        failure = Failure(url=url, stage="queue", error_class="PageLost", message=message,
                          attempt=times, crawl_id=crawl_id)
        log.error("crawl %s: %s", crawl_id, message)
        publish(client, prefix, failure.result())
        return 0
    log.warning("crawl %s: %s was lost on its way to a worker (no outcome, in no queue); "
                "sending it again", crawl_id, url)
    app.send_task(PAGE_TASK, args=[page], queue=PAGES_QUEUE)
    return 1


class LedgerCelery(Celery):
    """A Celery app that writes each page it sends to the hand-off ledger first: the crawler,
    `akhbar reprocess` and task retries all send through `send_task`."""

    ledger_url: str | None = None
    ledger_prefix = ""

    def keep_ledger(self, redis_url: str, prefix: str) -> None:
        self.ledger_url, self.ledger_prefix = redis_url, prefix

    @functools.cached_property
    def _ledger_client(self) -> redis.Redis:
        return redis_client(self.ledger_url or "")

    def send_task(self, name: str, args: Any = None, kwargs: Any = None,
                  **options: Any) -> Any:
        if name == PAGE_TASK and self.ledger_url and args:
            record(self._ledger_client, self.ledger_prefix, next(iter(args)))
        return super().send_task(name, args, kwargs, **options)
