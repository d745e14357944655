"""Bounded attempts for pages that kill the page worker.

An extraction error becomes a failure record (workers.pages), but a page that kills the worker
process (out of memory, a segfault in a parser, the hard time limit) leaves nothing behind: with
`task_reject_on_worker_lost` its message goes back to the queue and would kill the next worker,
forever. So every delivery of a page counts in Redis before the work starts, and the count is
deleted when the work ends by any Python path (a result, an exception). A count that survives
means the process died. When a page has been started `limit` times without finishing, the next
delivery records a failure instead of trying again.

Celery's `task_retry_on_worker_lost` with `max_retries` would also bound this, but it only sees
a lost pool child; a whole worker SIGKILLed (its messages redelivered after the visibility
timeout) would not count. The Redis counter counts both.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from typing import Any

import redis

from workers.keys import key
from workers.messages import Failure, RawPage, Result, page_identity

log = logging.getLogger(__name__)

COUNT_TTL_S = 24 * 3600  # a counter left by a crash is forgotten after a day


class PageAttempts:
    """Starts of each page (per crawl) that have not finished yet."""

    def __init__(self, client: redis.Redis, prefix: str, limit: int) -> None:
        self.client = client
        self.prefix = prefix
        self.limit = limit

    def key_for(self, raw_data: Any) -> str:
        url, crawl_id = page_identity(raw_data)
        digest = hashlib.sha1(f"{crawl_id}\n{url}".encode(), usedforsecurity=False).hexdigest()
        return key("attempts", self.prefix, url_hash=digest)

    def start(self, raw_data: Any) -> int:
        """Count this delivery; returns how many starts of the page are unfinished, this one
        included."""
        name = self.key_for(raw_data)
        pipe = self.client.pipeline(transaction=True)
        pipe.incr(name)
        pipe.expire(name, COUNT_TTL_S)
        started, _ = pipe.execute()
        return int(started)

    def finish(self, raw_data: Any) -> None:
        """The work ended without killing the process: forget the count. Best effort: with
        Redis gone, the count stays one too high until it expires."""
        with contextlib.suppress(redis.RedisError):
            self.client.delete(self.key_for(raw_data))

    def exhausted(self, started: int) -> bool:
        return started > self.limit


def crashed_result(raw_data: Any, crashes: int, time_limit: int) -> Result:
    """The failure record of a page given up on; it carries the page, so the raw archive keeps
    it for `akhbar reprocess` once the rule is fixed."""
    url, crawl_id = page_identity(raw_data)
    message = (
        f"this page killed the page worker {crashes} times (a crash, out of memory, or past the "
        f"{time_limit} s time limit) and is not tried again. What to do: look at the page in the "
        "raw archive (`akhbar failures`, then the raw_pages table), fix the site's rule or the "
        "extractor, then `akhbar reprocess`"
    )
    failure = Failure(url=url, stage="extract", error_class="PageKilledWorker", message=message,
                      attempt=crashes + 1, crawl_id=crawl_id)
    log.error("giving up on %s: %s", url, message)
    return failure.result(raw=_raw_or_none(raw_data))


def _raw_or_none(raw_data: Any) -> dict[str, Any] | None:
    try:
        return RawPage.from_dict(raw_data).to_dict()
    except (TypeError, ValueError, AttributeError):
        return None
