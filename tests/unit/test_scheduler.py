"""The pure parts of the Redis frontier: request entries as JSON, retry budgets, lock owners,
and the engine attribute the scheduler relies on. The scheduler itself is proven against real
Redis and real crawls in tests/integration/test_crawl_resume.py and
tests/integration/test_crawler_redis_restart.py."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
from redis.backoff import ExponentialBackoff
from scrapy import FormRequest, Request
from scrapy.core.engine import _Slot

from crawler.frontier import (
    UnreadableEntry,
    UnstorableRequest,
    decode_entry,
    encode_entry,
    entry_id,
    entry_score,
)
from crawler.outage import (
    BACKOFF_CAP_S,
    REDIS_BACKOFF_BASE_S,
    broker_retry_policy,
    retries_to_cover,
)
from crawler.scheduler import engine_requests_in_progress
from crawler.sitelock import holder_is_dead, owner_id
from crawler.spiders.sites import spider_for

FINGERPRINT = "ab" * 20


@pytest.fixture
def spider() -> Any:
    return spider_for("aawsat")(base_url="http://127.0.0.1:8000", crawl_id="unit")


def test_a_request_survives_the_round_trip_through_json(spider: Any) -> None:
    request = Request(
        "http://127.0.0.1:8000/%D8%A7%D9%84%D8%B9%D8%A7%D9%84%D9%85/5180012-x",
        callback=spider.parse_article,
        headers={"Accept-Language": "ar", "X-Raw": b"\xd8\xa7"},
        body=b"\x00\xff binary",
        meta={"depth": 2, "redirect_urls": ["http://127.0.0.1:8000/old"]},
        cb_kwargs={"source": "feed"},
        priority=3,
        dont_filter=True,
    )
    entry = encode_entry(request, spider, FINGERPRINT)
    back = decode_entry(entry, spider)
    assert back.url == request.url and back.body == request.body
    assert back.callback == spider.parse_article  # bound to this spider, by method name
    assert back.headers.getlist("X-Raw") == [b"\xd8\xa7"]
    assert back.meta == request.meta and back.cb_kwargs == request.cb_kwargs
    assert (back.priority, back.dont_filter) == (3, True)
    assert json.loads(entry)["fp"] == FINGERPRINT
    assert entry_score(entry) == -3  # the highest priority pops first (lowest score)


def test_each_entry_has_its_own_id_even_for_the_same_request(spider: Any) -> None:
    request = Request("http://127.0.0.1:8000/feed", callback=spider.parse_discovery)
    first, second = (encode_entry(request, spider, FINGERPRINT) for _ in range(2))
    assert entry_id(first) != entry_id(second)  # a retry in flight never shares a slot


def test_requests_json_cannot_hold_are_refused_with_the_reason(spider: Any) -> None:
    form = FormRequest("http://127.0.0.1:8000/search", formdata={"q": "x"})
    with pytest.raises(UnstorableRequest, match=r"only plain scrapy\.Request"):
        encode_entry(form, spider, FINGERPRINT)
    odd_meta = Request("http://127.0.0.1:8000/feed", meta={"when": object()})
    with pytest.raises(UnstorableRequest, match="not JSON"):
        encode_entry(odd_meta, spider, FINGERPRINT)


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda e: {**e, "request": {**e["request"], "_class": "os.system"}}, "not allowed"),
        (lambda e: {**e, "request": {**e["request"], "callback": "no_such_method"}}, "not found"),
        (lambda e: {**e, "request": {**e["request"], "body": "%%%"}}, "not a request entry"),
        (lambda e: {"id": e["id"]}, "not a request entry"),
    ],
)
def test_an_entry_written_into_redis_by_someone_else_is_refused(
    spider: Any, tamper: Any, reason: str
) -> None:
    good = json.loads(encode_entry(Request("http://127.0.0.1:8000/feed"), spider, FINGERPRINT))
    with pytest.raises(UnreadableEntry, match=reason):
        decode_entry(json.dumps(tamper(good)), spider)


def test_garbage_is_refused_and_scores_like_priority_zero(spider: Any) -> None:
    with pytest.raises(UnreadableEntry):
        decode_entry(b"\x80not json", spider)
    assert entry_score(b"\x80not json") == 0.0


def test_retries_cover_the_outage_they_are_given() -> None:
    backoff = ExponentialBackoff(cap=BACKOFF_CAP_S, base=REDIS_BACKOFF_BASE_S)
    retries = retries_to_cover(60, backoff.compute)
    assert sum(backoff.compute(n) for n in range(1, retries + 1)) >= 60
    assert sum(backoff.compute(n) for n in range(1, retries)) < 60  # and no more than that
    assert retries_to_cover(0, backoff.compute) == 0


def test_the_broker_retry_policy_covers_the_outage_too() -> None:
    policy = broker_retry_policy(60)
    pauses = [
        min(policy["interval_start"] + n * policy["interval_step"], policy["interval_max"])
        for n in range(policy["max_retries"])
    ]
    assert sum(pauses) >= 60 and policy["interval_max"] <= 1.0


def test_a_lock_holder_is_dead_only_if_its_pid_is_gone_from_this_host() -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    mine = json.loads(owner_id("c1"))
    assert mine == {"crawl_id": "c1", "host": socket.gethostname(), "pid": os.getpid()}
    assert not holder_is_dead(owner_id("c1"))  # this very process
    assert holder_is_dead(json.dumps({**mine, "pid": finished.pid}))
    assert not holder_is_dead(json.dumps({**mine, "host": "elsewhere", "pid": finished.pid}))
    assert not holder_is_dead("not json")  # unknown holders are waited for, never taken over


def test_scrapy_still_keeps_the_engines_requests_in_progress() -> None:
    """The scheduler settles a request when it leaves this set; a Scrapy upgrade that drops
    it must fail here and at crawl start, not lose requests quietly."""
    with mock.patch("scrapy.core.engine.create_looping_call"):  # no reactor in unit tests
        slot = _Slot(close_if_idle=True, nextcall=mock.Mock(), scheduler=mock.Mock())
    crawler = SimpleNamespace(engine=SimpleNamespace(_slot=slot))
    assert engine_requests_in_progress(crawler) is slot.inprogress  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match=r"_slot\.inprogress"):
        engine_requests_in_progress(SimpleNamespace(engine=None))  # type: ignore[arg-type]
