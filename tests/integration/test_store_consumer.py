"""The store consumer against a real Redis: stores, acks after commit, counts once, reclaims."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.unit.test_storage_sqlite import (
    CRAWL,
    article_result,
    failure_result,
    make_article,
    skipped_result,
)
from workers.keys import STORE_GROUP, key
from workers.messages import Outcome, Result
from workers.storage import Storage, StorageUnavailable, open_storage
from workers.store import StoreConsumer

pytestmark = pytest.mark.integration


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    storage = open_storage(f"sqlite:///{tmp_path / 'articles.db'}")
    yield storage
    storage.close()


def consumer(redis_client: redis.Redis, storage: Storage, prefix: str, name: str = "B",
             **options: int) -> StoreConsumer:
    options.setdefault("block_ms", 50)
    return StoreConsumer(redis_client, storage, prefix, name, retry_base_s=0.01, **options)


def publish(client: redis.Redis, prefix: str, results: list[Result]) -> list[bytes]:
    return [client.xadd(key("results", prefix), {"data": r.to_json()}) for r in results]


# Entries count as abandoned after this long; tests age them past it with XCLAIM's IDLE
# instead of sleeping, so a busy machine cannot make them abandoned early.
IDLE_MS = 60_000


def age(client: redis.Redis, stream: str, owner: str, entry_ids: list[bytes]) -> None:
    """Make `owner`'s pending entries look idle for twice IDLE_MS (they stay `owner`'s)."""
    client.xclaim(stream, STORE_GROUP, owner, min_idle_time=0, message_ids=entry_ids,
                  idle=2 * IDLE_MS, justid=True)


def crawl_counts(client: redis.Redis, prefix: str, crawl_id: str = CRAWL) -> dict[str, int]:
    raw = client.hgetall(key("crawl_counts", prefix, crawl_id=crawl_id))
    return {k.decode(): int(v) for k, v in raw.items()}


def totals(client: redis.Redis, prefix: str) -> dict[str, int]:
    return {k.decode(): int(v) for k, v in client.hgetall(key("totals", prefix)).items()}


def pending(client: redis.Redis, prefix: str) -> int:
    return int(client.xpending(key("results", prefix), STORE_GROUP)["pending"])


def mixed_batch() -> list[Result]:
    return [article_result(make_article(n)) for n in (1, 2, 3)] + [
        skipped_result("https://aawsat.example/list"),
        failure_result("https://aawsat.example/bad")]


def test_stores_results_and_acks_them(redis_client: redis.Redis, key_prefix: str,
                                      storage: Storage) -> None:
    store = consumer(redis_client, storage, key_prefix)
    results = mixed_batch()
    publish(redis_client, key_prefix, results)
    assert store.run(until_idle=True) == 5
    assert storage.count_articles() == 3
    assert len(storage.recent_failures(10)) == 1
    assert pending(redis_client, key_prefix) == 0
    assert crawl_counts(redis_client, key_prefix) == {"stored": 3, "skipped": 1, "failed": 1}
    outcomes = redis_client.hgetall(key("crawl_outcomes", key_prefix, crawl_id=CRAWL))
    assert {k.decode(): v.decode() for k, v in outcomes.items()} == {
        r.url: o for r, o in zip(results, ["stored"] * 3 + ["skipped", "failed"], strict=True)}
    assert totals(redis_client, key_prefix) == {"stored": 3, "skipped": 1, "failed": 1}


def test_a_url_counts_once_per_crawl_however_often_it_arrives(
        redis_client: redis.Redis, key_prefix: str, storage: Storage) -> None:
    store = consumer(redis_client, storage, key_prefix, batch=2)
    publish(redis_client, key_prefix, mixed_batch())
    publish(redis_client, key_prefix, mixed_batch())  # every message twice
    assert store.run(until_idle=True) == 10
    assert crawl_counts(redis_client, key_prefix) == {"stored": 3, "skipped": 1, "failed": 1}
    assert totals(redis_client, key_prefix) == {
        "stored": 3, "unchanged": 3, "skipped": 2, "failed": 2}
    assert storage.count_versions() == 3


def test_two_consumers_creating_the_group_is_fine(redis_client: redis.Redis, key_prefix: str,
                                                  storage: Storage) -> None:
    consumer(redis_client, storage, key_prefix, "A")
    consumer(redis_client, storage, key_prefix, "B")
    groups = redis_client.xinfo_groups(key("results", key_prefix))
    assert [g["name"] for g in groups] == [STORE_GROUP.encode()]


def test_entries_of_a_dead_consumer_are_reclaimed_and_stored_once(
        redis_client: redis.Redis, key_prefix: str, storage: Storage) -> None:
    stream = key("results", key_prefix)
    consumer(redis_client, storage, key_prefix, "A")  # creates the group
    publish(redis_client, key_prefix, mixed_batch())
    read = redis_client.xreadgroup(STORE_GROUP, "A", {stream: ">"}, count=10)
    assert len(read[0][1]) == 5  # A read them all, then died without acking
    survivor = consumer(redis_client, storage, key_prefix, "B", claim_idle_ms=IDLE_MS)
    assert survivor.step() == 0  # not idle long enough yet: not taken
    age(redis_client, stream, "A", [entry_id for entry_id, _ in read[0][1]])
    assert survivor.run(until_idle=True) == 5
    assert pending(redis_client, key_prefix) == 0
    assert storage.count_versions() == 3
    assert crawl_counts(redis_client, key_prefix) == {"stored": 3, "skipped": 1, "failed": 1}


def test_an_undecodable_entry_becomes_a_store_failure(
        redis_client: redis.Redis, key_prefix: str, storage: Storage) -> None:
    stream = key("results", key_prefix)
    store = consumer(redis_client, storage, key_prefix)
    good = article_result(make_article(1))
    broken = json.loads(article_result(make_article(2)).to_json())
    del broken["article"]["title"]  # Article(...) cannot be built without it
    redis_client.xadd(stream, {"data": good.to_json()})
    redis_client.xadd(stream, {"data": "{not json"})
    redis_client.xadd(stream, {"data": json.dumps({"kind": "gossip", "url": "x"})})
    redis_client.xadd(stream, {"something": "else"})
    redis_client.xadd(stream, {"data": json.dumps(broken)})
    assert store.run(until_idle=True) == 5
    assert pending(redis_client, key_prefix) == 0
    assert storage.count_articles() == 1
    failures = storage.recent_failures(10)
    assert len(failures) == 4
    assert {f["stage"] for f in failures} == {"store"}
    assert broken["url"] in {f["url"] for f in failures}  # its url and crawl were readable
    assert crawl_counts(redis_client, key_prefix) == {"stored": 1, "failed": 1}


class FlakyStorage:
    """A storage whose first `outages` saves find the database unavailable."""

    def __init__(self, inner: Storage, outages: int) -> None:
        self.inner = inner
        self.outages = outages
        self.calls = 0

    def save_results(self, results: list[Result]) -> list[Outcome]:
        self.calls += 1
        if self.calls <= self.outages:
            raise StorageUnavailable("database sqlite:///x is unavailable (test); retry")
        return self.inner.save_results(results)

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_nothing_is_acked_until_the_database_commits(
        redis_client: redis.Redis, key_prefix: str, storage: Storage) -> None:
    flaky = FlakyStorage(storage, outages=2)
    store = consumer(redis_client, flaky, key_prefix)  # type: ignore[arg-type]
    publish(redis_client, key_prefix, mixed_batch())
    for _ in range(2):
        assert store.step() == 0
        assert pending(redis_client, key_prefix) == 5
        assert storage.count_articles() == 0
        assert crawl_counts(redis_client, key_prefix) == {}
    assert store.step() == 5
    assert flaky.calls == 3
    assert pending(redis_client, key_prefix) == 0
    assert storage.count_articles() == 3
    assert crawl_counts(redis_client, key_prefix) == {"stored": 3, "skipped": 1, "failed": 1}


def test_held_entries_are_not_taken_over_during_an_outage(
        redis_client: redis.Redis, key_prefix: str, storage: Storage) -> None:
    flaky = FlakyStorage(storage, outages=2)
    store = consumer(redis_client, flaky, key_prefix, "A")  # type: ignore[arg-type]
    other = consumer(redis_client, storage, key_prefix, "B", claim_idle_ms=IDLE_MS)
    ids = publish(redis_client, key_prefix, mixed_batch())
    assert store.step() == 0  # read; the database is down: held
    age(redis_client, key("results", key_prefix), "A", ids)  # as if the outage were long
    assert store.step() == 0  # still down; the retry marks the held entries as fresh
    assert other.step() == 0  # so B does not take them over
    assert store.step() == 5
    assert totals(redis_client, key_prefix) == {"stored": 3, "skipped": 1, "failed": 1}


class PoisonStorage:
    """Saving any batch that holds the poisoned URL raises (a bug, not an outage)."""

    def __init__(self, inner: Storage, poisoned: str) -> None:
        self.inner = inner
        self.poisoned = poisoned

    def save_results(self, results: list[Result]) -> list[Outcome]:
        if any(r.url == self.poisoned and r.kind != "failure" for r in results):
            raise RuntimeError("this entry breaks the store")
        return self.inner.save_results(results)

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_a_poison_entry_is_given_up_after_max_deliveries(
        redis_client: redis.Redis, key_prefix: str, storage: Storage) -> None:
    batch = mixed_batch()
    poisoned = PoisonStorage(storage, batch[0].url)
    store = consumer(redis_client, poisoned, key_prefix,  # type: ignore[arg-type]
                     claim_idle_ms=30, max_deliveries=2)
    publish(redis_client, key_prefix, batch)
    started = time.monotonic()
    assert store.run(until_idle=True) == 5
    assert time.monotonic() - started < 10
    assert pending(redis_client, key_prefix) == 0
    assert storage.count_articles() == 2  # the others were stored at the first try
    [failure] = [f for f in storage.recent_failures(10) if f["stage"] == "store"]
    assert failure["url"] == batch[0].url
    assert failure["error_class"] == "TooManyDeliveries"
    assert failure["crawl_id"] == CRAWL
    assert crawl_counts(redis_client, key_prefix) == {"stored": 2, "skipped": 1, "failed": 2}


def test_run_stops_promptly_when_asked(redis_client: redis.Redis, key_prefix: str,
                                       storage: Storage) -> None:
    store = consumer(redis_client, storage, key_prefix, block_ms=500)
    stop = threading.Event()
    thread = threading.Thread(target=store.run, kwargs={"stop": stop})
    thread.start()
    publish(redis_client, key_prefix, mixed_batch())
    deadline = time.monotonic() + 5
    while pending(redis_client, key_prefix) or storage.count_articles() < 3:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    stop.set()
    thread.join(2)
    assert not thread.is_alive()


def test_the_consumer_works_on_postgresql(redis_client: redis.Redis, key_prefix: str,
                                          pg_url: str) -> None:
    storage = open_storage(pg_url)
    try:
        publish(redis_client, key_prefix, mixed_batch() + mixed_batch())
        assert consumer(redis_client, storage, key_prefix).run(until_idle=True) == 10
        assert storage.count_versions() == 3
        assert crawl_counts(redis_client, key_prefix) == {"stored": 3, "skipped": 1, "failed": 1}
    finally:
        storage.close()
