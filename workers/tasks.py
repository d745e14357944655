"""Thin Celery tasks: they route work to the modules that do it. No selectors here."""

from __future__ import annotations

import functools
import gc
import logging
import subprocess
import sys
from typing import Any

import redis
from celery import Task, signals

from workers.app import celery_app
from workers.config import load_settings
from workers.enrich.neardup import RedisStoryIndex
from workers.pages import handle_page
from workers.redisconn import PATIENT_RETRIES, redis_client, redis_url_for

log = logging.getLogger(__name__)


def _redis_url() -> str:
    settings = load_settings()
    return redis_url_for(settings)


@functools.cache
def _results_redis() -> redis.Redis:
    """One client per worker process, made after the fork; patient, so that a page's result
    rides out a Redis restart instead of failing the task."""
    return redis_client(_redis_url(), retries=PATIENT_RETRIES)


@functools.cache
def _story_index() -> RedisStoryIndex:
    """The near-duplicate index every worker shares through Redis; one per process."""
    return RedisStoryIndex(_redis_url(), load_settings().prefix)


@signals.worker_init.connect
def _warm_up(**_: Any) -> None:
    """In the worker's parent, before the pool forks: children share what it builds.

    Then every object is frozen out of the garbage collector's reach: a child's full
    collection would otherwise write to the header of each object it inherited, copying
    every page of them (~43 MB a child, docs/benchmarks.md "Worker memory")."""
    from workers.enrich import warm_up

    warm_up()
    gc.collect()  # garbage frozen now would stay for good
    gc.freeze()


@celery_app.task(
    name="process_page",
    bind=True,
    acks_late=True,
    autoretry_for=(redis.ConnectionError, redis.TimeoutError),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=10,
)
def process_page(self: Task, raw: dict[str, Any]) -> None:
    """Extract one fetched page and publish the Result. Only Redis errors are retried:
    an extraction error would fail the same way again, so it becomes a failure record; a page
    that kills the worker every time becomes one after a few tries (workers.attempts)."""
    handle_page(_results_redis(), load_settings(), raw, attempt=self.request.retries + 1,
                index=_story_index())


# A crawl runs far longer than the broker's visibility timeout, after which an unacked message
# is handed to another worker: with acks_late a running crawl would be started a second time.
# So it is acknowledged when it starts. A crawl killed midway is not redelivered; the next
# crawl of the site resumes from the frontier and in-flight set it left in Redis.
@celery_app.task(
    name="crawl_site", bind=True, acks_late=False, time_limit=3300, soft_time_limit=3240
)
def crawl_site(
    self: Task, site: str, base_url: str | None = None, crawl_id: str | None = None
) -> int:
    """Run one crawl in a child process: Scrapy's reactor cannot restart inside a task."""
    command = [sys.executable, "-m", "crawler.run", site]
    if base_url:
        command += ["--base-url", base_url]
    if crawl_id:
        command += ["--crawl-id", crawl_id]
    log.info("starting crawl: %s", " ".join(command))
    return subprocess.run(command, check=False).returncode
