"""Storage behaviour on SQLite, and the contract PostgreSQL must meet too.

`StorageContract` holds the behaviour tests; it is run here against SQLite and in
tests/integration/test_storage_postgres.py against PostgreSQL. The record builders below are
shared with the store consumer tests.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workers.messages import Article, Failure, RawPage, Result
from workers.storage import Storage, StorageUnavailable, open_storage
from workers.storage.engine import SQLITE_BUSY_TIMEOUT_MS
from workers.storage.sql import SqlStorage

SITE = "aawsat"
CRAWL = "crawl-1"


def make_article(n: int = 1, *, body: tuple[str, ...] = ("first paragraph",),
                 site: str = SITE, published_at: str | None = "2026-11-20T10:00:00+03:00",
                 fetched_at: str = "2026-11-29T08:00:00+00:00") -> Article:
    url = f"https://{site}.example/article/{n}"
    return Article(url=f"{url}?utm_source=x", canonical_url=url, site=site,
                   title=f"عنوان {n}", section="news", language="ar", body=list(body),
                   published_at=published_at, fetched_at=fetched_at).finalize()


def make_raw(url: str, html: bytes = b"<html>page</html>", crawl_id: str = CRAWL) -> RawPage:
    return RawPage.build(url=url, final_url=url, site=SITE, status=200,
                         headers={"content-type": "text/html"}, body=html, crawl_id=crawl_id)


def article_result(article: Article, crawl_id: str | None = CRAWL,
                   html: bytes | None = None) -> Result:
    raw = make_raw(article.url, html or f"<html>{article.content_hash}</html>".encode())
    return Result(kind="article", url=article.url, crawl_id=crawl_id,
                  article=article.to_dict(), raw=raw.to_dict())


def skipped_result(url: str, crawl_id: str | None = CRAWL) -> Result:
    return Result(kind="skipped", url=url, crawl_id=crawl_id, reason="listing page",
                  raw=make_raw(url, b"<html>listing</html>").to_dict())


def failure_result(url: str, crawl_id: str | None = CRAWL, attempt: int = 1) -> Result:
    failure = Failure(url=url, stage="extract", error_class="NoTitle", message="no title",
                      attempt=attempt, crawl_id=crawl_id)
    return Result(kind="failure", url=url, crawl_id=crawl_id, failure=failure.to_dict())


def raw_count(storage: Storage) -> int:
    return sum(1 for _ in storage.raw_pages())


class StorageContract:
    """Behaviour every Storage backend must have; subclasses provide the `storage` fixture."""

    def test_new_article_is_stored_as_version_1(self, storage: Storage) -> None:
        article = make_article()
        assert storage.save_results([article_result(article)]) == ["stored"]
        [row] = storage.recent_articles(10, None)
        assert (row.canonical_url, row.version) == (article.canonical_url, 1)
        assert row.content_hash == article.content_hash
        assert row.title == article.title
        assert storage.count_articles() == storage.count_versions() == 1

    def test_same_hash_is_unchanged(self, storage: Storage) -> None:
        article = make_article()
        storage.save_results([article_result(article)])
        again = make_article(fetched_at="2026-11-30T08:00:00+00:00")  # a later re-crawl
        assert storage.save_results([article_result(again)]) == ["unchanged"]
        assert storage.count_versions() == 1

    def test_changed_hash_makes_version_2_beside_1(self, storage: Storage) -> None:
        old = make_article(body=("first",))
        new = make_article(body=("first", "correction"), fetched_at="2026-11-30T08:00:00+00:00")
        storage.save_results([article_result(old)])
        assert storage.save_results([article_result(new)]) == ["stored"]
        versions = storage.versions(old.canonical_url)
        assert [v["version"] for v in versions] == [1, 2]
        assert [v["content_hash"] for v in versions] == [old.content_hash, new.content_hash]
        assert versions[1]["article"]["body"] == ["first", "correction"]
        assert storage.count_articles() == 1
        assert storage.count_versions() == 2
        latest = storage.get_article(old.canonical_url)
        assert latest is not None
        assert latest["content_hash"] == new.content_hash
        assert latest["storage"]["version"] == 2

    def test_late_redelivery_of_an_older_version_is_unchanged(self, storage: Storage) -> None:
        old = make_article(body=("first",))
        new = make_article(body=("second",), fetched_at="2026-11-30T08:00:00+00:00")
        batch = [article_result(old), article_result(new)]
        assert storage.save_results(batch) == ["stored", "stored"]
        assert storage.save_results(batch) == ["unchanged", "unchanged"]
        assert storage.save_results([article_result(old)]) == ["unchanged"]
        assert storage.count_versions() == 2

    def test_a_revert_fetched_later_is_a_new_version(self, storage: Storage) -> None:
        first = make_article(body=("a",), fetched_at="2026-11-28T08:00:00+00:00")
        second = make_article(body=("b",), fetched_at="2026-11-29T08:00:00+00:00")
        reverted = make_article(body=("a",), fetched_at="2026-11-30T08:00:00+00:00")
        for article in (first, second):
            storage.save_results([article_result(article)])
        assert storage.save_results([article_result(reverted)]) == ["stored"]
        assert [v["version"] for v in storage.versions(first.canonical_url)] == [1, 2, 3]

    def test_raw_page_is_archived_once(self, storage: Storage) -> None:
        article = make_article()
        html = "<html><p>نص المقال</p></html>".encode()
        storage.save_results([article_result(article, html=html)])
        storage.save_results([article_result(article, crawl_id="crawl-2", html=html)])
        assert raw_count(storage) == 1
        [page] = list(storage.raw_pages(SITE, None))
        assert page.body() == html
        assert page.url == article.url
        assert page.headers == {"content-type": "text/html"}
        storage.save_results([article_result(article, html=html + b"<!-- ad -->")])
        assert raw_count(storage) == 2

    def test_skipped_archives_its_raw_page(self, storage: Storage) -> None:
        url = "https://aawsat.example/section/world"
        assert storage.save_results([skipped_result(url)]) == ["skipped"]
        assert storage.save_results([skipped_result(url)]) == ["skipped"]
        assert [p.url for p in storage.raw_pages(None, None)] == [url]
        assert storage.count_articles() == 0

    def test_failure_rows_are_written_once(self, storage: Storage) -> None:
        url = "https://aawsat.example/broken"
        batch = [failure_result(url), failure_result(url, crawl_id=None)]
        assert storage.save_results(batch) == ["failed", "failed"]
        assert storage.save_results(batch) == ["failed", "failed"]
        assert len(storage.recent_failures(100)) == 2
        storage.save_results([failure_result(url, attempt=2)])
        failures = storage.recent_failures(100)
        assert len(failures) == 3
        assert {f["crawl_id"] for f in failures} == {CRAWL, None}
        assert failures[0]["stage"] == "extract"
        assert failures[0]["error_class"] == "NoTitle"

    def test_the_same_batch_twice_adds_no_rows(self, storage: Storage) -> None:
        batch = [article_result(make_article(n)) for n in (3, 1, 2)]
        batch += [skipped_result("https://aawsat.example/list"),
                  failure_result("https://aawsat.example/bad")]
        assert storage.save_results(batch) == ["stored"] * 3 + ["skipped", "failed"]
        counts = (storage.count_versions(), raw_count(storage), len(storage.recent_failures(99)))
        assert storage.save_results(batch) == ["unchanged"] * 3 + ["skipped", "failed"]
        assert counts == (storage.count_versions(), raw_count(storage),
                          len(storage.recent_failures(99))) == (3, 4, 1)

    def test_an_empty_batch_is_fine(self, storage: Storage) -> None:
        assert storage.save_results([]) == []

    def test_times_are_kept_in_utc(self, storage: Storage) -> None:
        storage.save_results([article_result(make_article())])
        [row] = storage.recent_articles(1, None)
        assert row.published_at == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
        assert row.stored_at.tzinfo is not None

    def test_nul_characters_are_dropped(self, storage: Storage) -> None:
        article = make_article(body=("nul\x00here",))
        article.title = "title\x00"
        assert storage.save_results([article_result(article)]) == ["stored"]
        stored = storage.get_article(article.canonical_url)
        assert stored is not None
        assert stored["title"] == "title"
        assert stored["body"] == ["nulhere"]

    def test_recent_articles_lists_latest_versions_newest_first(self, storage: Storage) -> None:
        storage.save_results([article_result(make_article(1))])
        storage.save_results([article_result(make_article(2))])
        storage.save_results([article_result(make_article(1, body=("changed",)))])
        storage.save_results([article_result(make_article(9, site="other"))])
        rows = storage.recent_articles(10, SITE)
        assert [(r.canonical_url.rsplit("/", 1)[1], r.version) for r in rows] == [
            ("1", 2), ("2", 1)]
        assert len(storage.recent_articles(1, None)) == 1
        assert storage.count_articles() == 3

    def test_get_article_by_canonical_or_plain_url(self, storage: Storage) -> None:
        article = make_article()
        storage.save_results([article_result(article)])
        by_canonical = storage.get_article(article.canonical_url)
        by_url = storage.get_article(article.url)
        assert by_canonical is not None
        assert by_url == by_canonical
        assert by_canonical["title"] == article.title
        assert Article.from_dict(by_canonical).content_hash == article.content_hash
        assert storage.get_article("https://nowhere.example/") is None

    def test_iter_articles_orders_filters_and_keeps_latest(self, storage: Storage) -> None:
        batch = [article_result(make_article(1, published_at="2026-11-22T00:00:00+00:00")),
                 article_result(make_article(2, published_at="2026-11-21T00:00:00+00:00")),
                 article_result(make_article(3, published_at=None)),
                 article_result(make_article(4, site="other"))]
        storage.save_results(batch)
        storage.save_results([article_result(make_article(
            1, body=("v2",), published_at="2026-11-22T00:00:00+00:00"))])
        found = list(storage.iter_articles(SITE, None))
        assert [a["canonical_url"][-1] for a in found] == ["2", "1", "3"]
        assert found[1]["body"] == ["v2"]
        since = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
        recent = [a["canonical_url"][-1] for a in storage.iter_articles(SITE, since)]
        assert recent == ["1", "3"]  # 3 has no publication time: its fetch time counts
        assert len(list(storage.iter_articles(None, None))) == 4

    def test_raw_pages_filters_by_site_and_time(self, storage: Storage) -> None:
        storage.save_results([article_result(make_article(1))])
        assert len(list(storage.raw_pages(SITE, datetime(2000, 1, 1, tzinfo=UTC)))) == 1
        assert list(storage.raw_pages(SITE, datetime(2999, 1, 1, tzinfo=UTC))) == []
        assert list(storage.raw_pages("other", None)) == []

    def test_batch_outcomes_follow_the_input_order(self, storage: Storage) -> None:
        known = make_article(2)
        storage.save_results([article_result(known)])
        batch = [article_result(make_article(3)), failure_result("https://x.example/f"),
                 article_result(known), article_result(make_article(1))]
        assert storage.save_results(batch) == ["stored", "failed", "unchanged", "stored"]


class TestSqliteStorage(StorageContract):
    @pytest.fixture
    def storage(self, tmp_path: Path) -> Iterator[Storage]:
        storage = open_storage(f"sqlite:///{tmp_path / 'db' / 'articles.db'}")
        yield storage
        storage.close()


def test_sqlite_creates_its_folder_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "a.db"
    storage = open_storage(f"sqlite:///{path}")
    try:
        storage.save_results([article_result(make_article())])
        assert path.exists()
        with sqlite3.connect(path) as plain:
            assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert isinstance(storage, SqlStorage)
        with storage.engine.connect() as conn:
            timeout = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
        assert timeout == SQLITE_BUSY_TIMEOUT_MS
    finally:
        storage.close()


def test_sqlite_at_an_unwritable_path_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageUnavailable, match=r"file/sub"):
        open_storage(f"sqlite:///{blocker / 'sub' / 'a.db'}")


def test_an_unknown_database_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="sqlite:///"):
        open_storage("mysql://user:pw@host/db")


def test_two_sqlite_writers_on_one_file_do_not_lock_each_other_out(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: concurrent writers wait (busy_timeout) instead of failing."""
    url = f"sqlite:///{tmp_path / 'a.db'}"
    stores = [open_storage(url), open_storage(url)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def write(storage: Storage, offset: int) -> None:
        start.wait()
        try:
            for n in range(30):
                storage.save_results([article_result(make_article(n, body=(str(offset),)))])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, i)) for i, s in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stores[0].count_articles() == 30
    assert stores[0].count_versions() == 60  # each article got both bodies, one each
    for storage in stores:
        storage.close()
