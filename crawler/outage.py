"""Redis and broker clients for the crawler that ride out a Redis restart.

Every Redis command and every `send_task` of a crawl is retried with backoff for about
`Settings.redis_outage_s` (AKHBAR_REDIS_OUTAGE_S) seconds; after that the error reaches the
caller, which fails the crawl loudly (crawler/scheduler.py) instead of dropping a page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from workers.redisconn import redis_client

REDIS_BACKOFF_BASE_S = 0.05  # first pause 0.1 s, doubling
BACKOFF_CAP_S = 1.0  # then one attempt a second: a restarted Redis is used within a second
BROKER_INTERVAL_STEP_S = 0.25  # kombu's pauses grow linearly: 0, 0.25, 0.5, ... up to the cap


def retries_to_cover(outage_s: float, pause: Callable[[int], float]) -> int:
    """How many retries, pausing `pause(n)` seconds before retry n (1, 2, ...), it takes for
    the pauses to add up to `outage_s` seconds."""
    retries, waited = 0, 0.0
    while waited < outage_s:
        retries += 1
        waited += pause(retries)
    return retries


def outage_tolerant_client(url: str, outage_s: float) -> redis.Redis:
    """`workers.redisconn.redis_client` whose commands are retried through an outage of
    `outage_s` seconds (connection refused, Redis still loading)."""
    backoff = ExponentialBackoff(cap=BACKOFF_CAP_S, base=REDIS_BACKOFF_BASE_S)
    return redis_client(url, retry=Retry(backoff, retries_to_cover(outage_s, backoff.compute)))


def broker_retry_policy(outage_s: float) -> dict[str, Any]:
    """kombu's `retry_policy` for `send_task(..., retry=True)` covering `outage_s` seconds."""

    def pause(retry: int) -> float:
        return min((retry - 1) * BROKER_INTERVAL_STEP_S, BACKOFF_CAP_S)

    return {
        "max_retries": retries_to_cover(outage_s, pause),
        "interval_start": 0,
        "interval_step": BROKER_INTERVAL_STEP_S,
        "interval_max": BACKOFF_CAP_S,
    }
