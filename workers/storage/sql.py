"""The SQLAlchemy storage, one class for SQLite and PostgreSQL (the URL picks which)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from workers.messages import Outcome, RawPage, Result
from workers.storage import ArticleRow, StorageUnavailable
from workers.storage.engine import WRITE_OPTION, create_engine, engine_url, mask
from workers.storage.schema import articles, failures, metadata, raw_pages
from workers.storage.writes import save_batch

# Errors a later retry can fix: connection refused or lost, server restarting, lock timeouts,
# deadlocks. Anything else (bad data, a bug) propagates as it is.
UNAVAILABLE_ERRORS = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError,
                      sa.exc.DisconnectionError)
SCHEMA_LOCK_KEY = 0x616B68626172  # "akhbar": serialises create_all across processes
STREAM_ROWS = 500

ROW_COLUMNS = [articles.c[name] for name in (
    "id", "canonical_url", "version", "content_hash", "site", "url", "title", "section",
    "language", "published_at", "fetched_at", "stored_at")]


class SqlStorage:
    """`Storage` over a SQLAlchemy engine."""

    def __init__(self, engine: sa.Engine, display_url: str) -> None:
        self.engine = engine
        self.display_url = display_url  # password masked

    @classmethod
    def open(cls, db_url: str) -> SqlStorage:
        url = engine_url(db_url)
        storage = cls(create_engine(url), mask(url))
        storage.create_tables()
        return storage

    def create_tables(self) -> None:
        with self._guard(), self._write() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(SCHEMA_LOCK_KEY)))
            metadata.create_all(conn)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> SqlStorage:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def save_results(self, results: list[Result]) -> list[Outcome]:
        if not results:
            return []
        now = datetime.now(UTC)
        with self._guard(), self._write() as conn:
            return save_batch(conn, results, now)

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except UNAVAILABLE_ERRORS as exc:
            raise StorageUnavailable(self._unavailable(exc)) from exc

    def _unavailable(self, exc: Exception) -> str:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        first = reason[0][:300] if reason else type(exc).__name__
        return (f"database {self.display_url} is unavailable ({first}); check that it is "
                "running and reachable, or point AKHBAR_DB_URL at one that is")

    # -- reading ---------------------------------------------------------------------------

    def recent_articles(self, limit: int = 20, site: str | None = None) -> list[ArticleRow]:
        """Latest version of each article, most recently stored first."""
        query = (_latest(sa.select(*ROW_COLUMNS), site)
                 .order_by(articles.c.stored_at.desc(), articles.c.id.desc()).limit(limit))
        with self._guard(), self.engine.connect() as conn:
            return [ArticleRow(**row._asdict()) for row in conn.execute(query)]

    def get_article(self, url: str) -> dict[str, Any] | None:
        """Latest version of the article whose canonical URL (or else plain URL) is `url`.

        The Article dict gets one extra key, "storage": {id, version, stored_at}.
        """
        with self._guard(), self.engine.connect() as conn:
            canonical = conn.execute(
                sa.select(articles.c.canonical_url)
                .where(sa.or_(articles.c.canonical_url == url, articles.c.url == url))
                .order_by((articles.c.canonical_url == url).desc()).limit(1)).scalar()
            if canonical is None:
                return None
            row = conn.execute(
                sa.select(articles.c.id, articles.c.version, articles.c.stored_at,
                          articles.c.data)
                .where(articles.c.canonical_url == canonical)
                .order_by(articles.c.version.desc()).limit(1)).one()
        storage = {"id": row.id, "version": row.version, "stored_at": _iso(row.stored_at)}
        return {**row.data, "storage": storage}

    def iter_articles(self, site: str | None = None,
                      since: datetime | None = None) -> Iterator[dict[str, Any]]:
        """Latest version of each article as Article dicts, by published_at then id.

        `since` keeps articles published at or after it (fetched at or after it when the
        publication time is unknown); articles with no publication time come last.
        """
        query = _latest(sa.select(articles.c.data), site)
        if since is not None:
            query = query.where(sa.or_(
                articles.c.published_at >= since,
                sa.and_(articles.c.published_at.is_(None), articles.c.fetched_at >= since)))
        query = query.order_by(articles.c.published_at.asc().nulls_last(), articles.c.id)
        with self._guard(), self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=STREAM_ROWS).execute(query):
                yield row.data

    def versions(self, canonical_url: str) -> list[dict[str, Any]]:
        """Every stored version, oldest first: {version, content_hash, fetched_at,
        stored_at (ISO strings), article (the Article dict)}."""
        query = (sa.select(articles.c.version, articles.c.content_hash, articles.c.fetched_at,
                           articles.c.stored_at, articles.c.data)
                 .where(articles.c.canonical_url == canonical_url)
                 .order_by(articles.c.version))
        with self._guard(), self.engine.connect() as conn:
            return [{"version": r.version, "content_hash": r.content_hash,
                     "fetched_at": _iso(r.fetched_at), "stored_at": _iso(r.stored_at),
                     "article": r.data} for r in conn.execute(query)]

    def count_articles(self) -> int:
        return self._scalar(sa.select(sa.func.count(sa.distinct(articles.c.canonical_url))))

    def count_versions(self) -> int:
        return self._scalar(sa.select(sa.func.count()).select_from(articles))

    def recent_failures(self, limit: int = 20) -> list[dict[str, Any]]:
        """Newest first, each shaped like Failure.to_dict() plus its row "id"."""
        query = (sa.select(failures).order_by(failures.c.at.desc(), failures.c.id.desc())
                 .limit(limit))
        with self._guard(), self.engine.connect() as conn:
            return [{"id": r.id, "url": r.url, "stage": r.stage, "error_class": r.error_class,
                     "message": r.message, "attempt": r.attempt, "crawl_id": r.crawl_id or None,
                     "at": _iso(r.at)} for r in conn.execute(query)]

    def failure_stages(self, crawl_id: str) -> dict[str, int]:
        """Distinct failed URLs of one crawl per stage (a page may be recorded twice)."""
        query = (sa.select(failures.c.stage, sa.func.count(sa.distinct(failures.c.url)))
                 .where(failures.c.crawl_id == crawl_id).group_by(failures.c.stage))
        with self._guard(), self.engine.connect() as conn:
            return {stage: int(count) for stage, count in conn.execute(query)}

    def raw_pages(self, site: str | None = None, since: datetime | None = None,
                  latest_only: bool = False) -> Iterator[RawPage]:
        """Archived pages, oldest fetch first, ready to hand to the page worker again.

        `latest_only`: the last archived fetch of each URL only — re-extracting an older
        fetch would store old content as the newest version.
        """
        query = sa.select(raw_pages).order_by(raw_pages.c.fetched_at, raw_pages.c.id)
        if latest_only:
            newest = sa.select(sa.func.max(raw_pages.c.id)).group_by(raw_pages.c.url)
            query = query.where(raw_pages.c.id.in_(newest.scalar_subquery()))
        if site is not None:
            query = query.where(raw_pages.c.site == site)
        if since is not None:
            query = query.where(raw_pages.c.fetched_at >= since)
        with self._guard(), self.engine.connect() as conn:
            for r in conn.execution_options(yield_per=STREAM_ROWS).execute(query):
                yield RawPage(url=r.url, final_url=r.final_url, site=r.site, status=r.status,
                              headers=r.headers, body_z=base64.b64encode(r.body).decode("ascii"),
                              fetched_at=_iso(r.fetched_at) or "", crawl_id=r.crawl_id or "")

    def _scalar(self, query: sa.Select[Any]) -> int:
        with self._guard(), self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)


def _latest(query: sa.Select[Any], site: str | None) -> sa.Select[Any]:
    """Restrict `query` (over articles) to the latest version of each canonical URL."""
    newest = sa.select(articles.c.canonical_url, sa.func.max(articles.c.version).label("v"))
    if site is not None:
        newest = newest.where(articles.c.site == site)
        query = query.where(articles.c.site == site)
    sub = newest.group_by(articles.c.canonical_url).subquery()
    return query.join(sub, sa.and_(articles.c.canonical_url == sub.c.canonical_url,
                                   articles.c.version == sub.c.v))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
