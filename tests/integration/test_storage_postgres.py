"""Storage on a real PostgreSQL: the same contract as SQLite, plus concurrent writers."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from tests.unit.test_storage_sqlite import StorageContract, article_result, make_article
from workers.messages import Outcome, Result
from workers.storage import Storage, StorageUnavailable, open_storage
from workers.storage import writes as writes_module
from workers.storage.sql import SqlStorage

pytestmark = pytest.mark.integration


@pytest.fixture
def storage(pg_url: str) -> Iterator[Storage]:
    storage = open_storage(pg_url)
    yield storage
    storage.close()


class TestPostgresStorage(StorageContract):
    """Every behaviour of tests/unit/test_storage_sqlite.py, on PostgreSQL."""


def test_url_is_rewritten_for_psycopg_and_keeps_its_options(storage: Storage,
                                                             pg_url: str) -> None:
    assert isinstance(storage, SqlStorage)
    assert storage.engine.url.drivername == "postgresql+psycopg"
    schema = pg_url.rsplit("%3D", 1)[1]
    with storage.engine.connect() as conn:
        tables = conn.execute(sa.text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
            {"s": schema}).scalars().all()
    assert set(tables) == {"articles", "raw_pages", "failures"}


def test_opening_twice_is_fine(storage: Storage, pg_url: str) -> None:
    again = open_storage(pg_url)
    again.close()


def test_an_unreachable_server_is_unavailable_with_the_password_masked() -> None:
    with pytest.raises(StorageUnavailable) as caught:
        open_storage("postgresql://akhbar:s3cret@127.0.0.1:1/none?connect_timeout=2")
    message = str(caught.value)
    assert "s3cret" not in message
    assert "127.0.0.1:1" in message
    assert "AKHBAR_DB_URL" in message
    assert "\n" not in message


def _race(pg_url: str, batches: list[list[Result]]) -> list[list[Outcome]]:
    """Save each batch from its own thread and its own Storage, all starting together."""
    stores = [open_storage(pg_url) for _ in batches]
    outcomes: list[list[Outcome]] = [[] for _ in batches]
    errors: list[BaseException] = []
    start = threading.Barrier(len(batches))

    def save(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = stores[index].save_results(batches[index])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for one in stores:
        one.close()
    assert errors == []
    return outcomes


@pytest.fixture
def both_read_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make two writers each read the stored versions before either inserts, so they are
    sure to race for the same (canonical_url, version)."""
    meet = threading.Barrier(2, timeout=10)
    local = threading.local()
    original: Callable[..., Any] = writes_module.ArticleWriter.preload

    def preload(self: Any, urls: list[str]) -> None:
        original(self, urls)
        if not getattr(local, "met", False):
            local.met = True
            meet.wait()

    monkeypatch.setattr(writes_module.ArticleWriter, "preload", preload)


def test_racing_writers_of_one_hash_store_one_version(
        storage: Storage, pg_url: str, both_read_first: None,
        caplog: pytest.LogCaptureFixture) -> None:
    article = make_article()
    with caplog.at_level(logging.DEBUG, logger="workers.storage.writes"):
        outcomes = _race(pg_url, [[article_result(article)], [article_result(article)]])
    assert sorted(o for batch in outcomes for o in batch) == ["stored", "unchanged"]
    assert storage.count_versions() == 1
    assert "stored" in caplog.text and "first; checking again" in caplog.text


def test_racing_writers_of_two_hashes_store_two_versions(
        storage: Storage, pg_url: str, both_read_first: None) -> None:
    one, two = make_article(body=("one",)), make_article(body=("two",))
    outcomes = _race(pg_url, [[article_result(one)], [article_result(two)]])
    assert outcomes == [["stored"], ["stored"]]
    versions = storage.versions(one.canonical_url)
    assert [v["version"] for v in versions] == [1, 2]
    assert {v["content_hash"] for v in versions} == {one.content_hash, two.content_hash}


def test_many_rounds_of_racing_batches_keep_one_version_per_hash(
        storage: Storage, pg_url: str) -> None:
    """Two consumers save the same 20 articles, in different orders, round after round; each
    round changes every article once. No deadlock, no lost or doubled version."""
    rounds, urls = 4, 20
    shuffler = random.Random(7)
    for r in range(rounds):
        batch = [article_result(make_article(n, body=(f"round {r}",))) for n in range(urls)]
        other = batch[:]
        shuffler.shuffle(other)
        first, second = _race(pg_url, [batch, other])
        by_url = {res.url: o for res, o in zip(other, second, strict=True)}
        for res, outcome in zip(batch, first, strict=True):
            assert {outcome, by_url[res.url]} == {"stored", "unchanged"}
    assert storage.count_articles() == urls
    assert storage.count_versions() == urls * rounds
    for n in range(urls):
        versions = storage.versions(make_article(n).canonical_url)
        assert [v["version"] for v in versions] == list(range(1, rounds + 1))
        assert len({v["content_hash"] for v in versions}) == rounds
