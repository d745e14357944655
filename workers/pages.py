"""What `process_page` does with one fetched page, apart from Celery: extract, then publish.

Every page ends as exactly one Result on the results stream: an article, a skipped page (not an
article: a listing, an error page) or a failure with its reason. Each article of a site with
rules also leaves a drift flag (did the rules find its headline and body?) for
`workers.monitor.drift` to read.
"""

from __future__ import annotations

import logging
from typing import Any

import redis

from workers.attempts import PageAttempts, crashed_result
from workers.config import Settings, load_settings
from workers.enrich import NearDuplicateIndex, enrich_article
from workers.extract import NotAnArticle, extract_article
from workers.extract.decode import decode_html
from workers.faults import crash_if_asked
from workers.keys import DRIFT_WINDOW, key
from workers.messages import (
    Article,
    Failure,
    PageTooLarge,
    RawPage,
    Result,
    Stage,
    page_identity,
)
from workers.redisconn import as_text
from workers.sites import get_site

log = logging.getLogger(__name__)


def failure_result(
    url: str, crawl_id: str | None, stage: Stage, exc: BaseException, attempt: int = 1
) -> Result:
    failure = Failure(
        url=url,
        stage=stage,
        error_class=type(exc).__name__,
        message=str(exc)[:2000],
        attempt=attempt,
        crawl_id=crawl_id,
    )
    return failure.result()


def skipped_result(raw: RawPage, reason: str) -> Result:
    """A page that is not an article (an error page, a listing): counted, archived, not failed."""
    return Result(
        kind="skipped", url=raw.url, crawl_id=raw.crawl_id, reason=reason, raw=raw.to_dict()
    )


def page_result(raw_data: dict[str, Any], attempt: int = 1,
                index: NearDuplicateIndex | None = None, max_bytes: int | None = None) -> Result:
    """Turn one RawPage dict into the Result that describes what became of it: extracted,
    then enriched (with story ids when a near-duplicate index is given). A body past
    `max_bytes` (default AKHBAR_MAX_PAGE_BYTES) is refused before it is inflated whole."""
    url, crawl_id = page_identity(raw_data)
    limit = load_settings().max_page_bytes if max_bytes is None else max_bytes
    try:
        raw = RawPage.from_dict(raw_data)
        body = raw.body(limit)
    except PageTooLarge as exc:  # the crawler's DOWNLOAD_MAXSIZE, enforced again here
        return failure_result(url, crawl_id, "fetch", exc, attempt)
    except (TypeError, ValueError) as exc:
        log.warning("refused page %.200s: %s", url, exc)  # a malformed RawPage, not a bug
        return failure_result(url, crawl_id, "extract", exc, attempt)
    if raw.status >= 400:
        return skipped_result(raw, f"HTTP {raw.status}")
    try:
        html = decode_html(body, raw.headers.get("content-type"))
        article = extract_article(
            html, raw.final_url or raw.url, site=raw.site, fetched_at=raw.fetched_at
        )
    except NotAnArticle as exc:
        reason = str(exc)  # some say "not an article: …" themselves
        return skipped_result(raw, reason if reason.startswith("not an article") else
                              f"not an article: {reason}")
    except Exception as exc:  # an extraction bug must not kill the worker: record it
        log.warning("extraction failed for %s: %s", raw.url, exc, exc_info=True)
        return failure_result(raw.url, raw.crawl_id, "extract", exc, attempt)
    article.url = raw.url
    enrich(article, index)
    return Result(
        kind="article",
        url=raw.url,
        crawl_id=raw.crawl_id,
        article=article.to_dict(),
        raw=raw.to_dict(),
    )


def handle_page(client: redis.Redis, settings: Settings, raw_data: dict[str, Any],
                attempt: int = 1, index: NearDuplicateIndex | None = None) -> Result:
    """All `process_page` does: count the delivery, give up on a page that killed the worker
    `max_page_attempts` times, else extract and enrich it; publish the Result either way."""
    attempts = PageAttempts(client, settings.prefix, settings.max_page_attempts)
    started = attempts.start(raw_data)
    try:
        if attempts.exhausted(started):
            result = crashed_result(raw_data, started - 1, settings.task_time_limit)
        else:
            crash_if_asked(settings, raw_data)
            result = guarded_result(raw_data, attempt, index, settings.max_page_bytes)
        publish(client, settings.prefix, result)
    finally:
        attempts.finish(raw_data)  # any Python exit (even an exception) is not a crash
    return result


def guarded_result(raw_data: dict[str, Any], attempt: int,
                   index: NearDuplicateIndex | None, max_bytes: int) -> Result:
    """`page_result`, with anything that escapes it (an enrichment bug, the soft time limit)
    recorded as a failure: a task that raised would be acked and its page never accounted
    for. Redis errors still raise, for Celery to retry the task."""
    try:
        return page_result(raw_data, attempt=attempt, index=index, max_bytes=max_bytes)
    except redis.RedisError:
        raise
    except Exception as exc:
        url, crawl_id = page_identity(raw_data)
        log.exception("processing %s failed outside extraction", url)
        return failure_result(url, crawl_id, "enrich", exc, attempt)


def enrich(article: Article, index: NearDuplicateIndex | None) -> None:
    """Fill `article.enrichment`; enrichment never fails a page (errors are listed in it)."""
    article.enrichment.update(enrich_article(article, index))
    if article.language is None:
        article.language = article.enrichment["languages"]["article"]


def publish(client: redis.Redis, prefix: str, result: Result) -> str:
    """XADD the result to the stream the store consumer reads; returns the entry id."""
    # No MAXLEN: trimming could drop entries not yet stored. The store consumer deletes each
    # entry once committed, so the stream holds only the backlog.
    entry_id = client.xadd(key("results", prefix), {"data": result.to_json()})
    if result.crawl_id:
        client.hincrby(key("crawl_counts", prefix, crawl_id=result.crawl_id), "processed", 1)
    flag = drift_flag(result)
    if flag is not None:
        record_drift(client, prefix, *flag)
    return as_text(entry_id)


def drift_flag(result: Result) -> tuple[str, bool] | None:
    """(site, drifted) for an article of a site that has rules; None for anything else.
    Drifted: the rules missed the headline or body, so the generic path extracted it."""
    article = result.article if result.kind == "article" else None
    site = article.get("site") if article else None
    rules = get_site(site) if isinstance(site, str) else None
    if article is None or rules is None or not rules.has_rules:
        return None
    extraction = article.get("extraction") or {}
    return rules.name, extraction.get("method") != "site"


def record_drift(client: redis.Redis, prefix: str, site: str, drifted: bool) -> None:
    """One flag on the site's list of the last DRIFT_WINDOW pages, and on its totals."""
    recent = key("drift_recent", prefix, site=site)
    totals = key("drift_totals", prefix, site=site)
    pipe = client.pipeline(transaction=True)
    pipe.lpush(recent, int(drifted))
    pipe.ltrim(recent, 0, DRIFT_WINDOW - 1)
    pipe.hincrby(totals, "total", 1)
    pipe.hincrby(totals, "drifted", int(drifted))
    pipe.sadd(key("drift_sites", prefix), site)
    pipe.execute()
