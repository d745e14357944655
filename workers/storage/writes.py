"""Saving one batch of Results inside one open transaction.

Idempotent: any Result may arrive twice. An article whose hash matches the latest version is
"unchanged"; raw pages and failures are inserted with ON CONFLICT DO NOTHING on their natural
keys. Safe with concurrent writers: a version insert that loses the race on
(canonical_url, version) does nothing, and the article is checked again against the winner.
Rows are written in key order (articles, then raw pages, then failures, each sorted) so two
PostgreSQL transactions always take row locks in the same order and cannot deadlock.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from workers.messages import Article, Failure, Outcome, RawPage, Result, content_hash
from workers.storage.schema import articles, failures, raw_pages

log = logging.getLogger(__name__)

MAX_RACES = 5  # lost version races for one article before giving up on the batch


@dataclass
class Known:
    """One stored version of an article, as far as deciding the next one needs."""

    version: int
    content_hash: str
    fetched_at: datetime | None


def save_batch(conn: sa.Connection, results: list[Result], now: datetime) -> list[Outcome]:
    """Write `results` through `conn` (the caller commits); one outcome per result, in order."""
    outcomes: list[Outcome] = [_plain_outcome(r) for r in results]
    found = {i: clean(r.article or {}) for i, r in enumerate(results) if r.kind == "article"}
    order = sorted(found, key=lambda i: _canonical(found[i]))
    writer = ArticleWriter(conn, now)
    writer.preload([_canonical(found[i]) for i in order])
    for i in order:
        outcomes[i] = writer.upsert(found[i])
    archive_raw_pages(conn, [r.raw for r in results if r.raw])
    record_failures(conn, [r.failure for r in results if r.kind == "failure" and r.failure], now)
    return outcomes


def _plain_outcome(result: Result) -> Outcome:
    return {"article": "stored", "skipped": "skipped", "failure": "failed"}[result.kind]  # type: ignore[return-value]


def _canonical(data: dict[str, Any]) -> str:
    return str(data.get("canonical_url") or data.get("url") or "")


class ArticleWriter:
    """Decides and inserts article versions, keeping what it has seen of each URL."""

    def __init__(self, conn: sa.Connection, now: datetime) -> None:
        self.conn = conn
        self.now = now
        self.known: dict[str, list[Known]] = {}

    def preload(self, urls: list[str]) -> None:
        """Load the stored versions of every URL of the batch in one query per 500."""
        unique = sorted(set(urls))
        for start in range(0, len(unique), 500):
            chunk = unique[start:start + 500]
            for url in chunk:
                self.known[url] = []
            query = (sa.select(articles.c.canonical_url, articles.c.version,
                               articles.c.content_hash, articles.c.fetched_at)
                     .where(articles.c.canonical_url.in_(chunk)))
            for row in self.conn.execute(query):
                self.known[row.canonical_url].append(
                    Known(row.version, row.content_hash, row.fetched_at))

    def reload(self, url: str) -> None:
        self.known.pop(url, None)
        self.preload([url])

    def upsert(self, data: dict[str, Any]) -> Outcome:
        article = Article.from_dict(data)
        url = article.canonical_url or article.url
        digest = article.content_hash or content_hash(article)
        fetched = parse_time(article.fetched_at)
        for _ in range(MAX_RACES):
            if url not in self.known:
                self.reload(url)
            version = next_version(self.known[url], digest, fetched)
            if version is None:
                return "unchanged"
            if self._insert(article, data, url, version, digest):
                self.known[url].append(Known(version, digest, fetched))
                return "stored"
            log.debug("another writer stored %s v%d first; checking again", url, version)
            self.reload(url)
        raise RuntimeError(f"lost the race to store {url} {MAX_RACES} times in a row")

    def _insert(self, article: Article, data: dict[str, Any], url: str, version: int,
                digest: str) -> bool:
        row = {
            "canonical_url": url, "version": version, "content_hash": digest,
            "site": article.site or "", "url": article.url or url, "title": article.title or "",
            "section": article.section, "language": article.language,
            "published_at": parse_time(article.published_at),
            "fetched_at": parse_time(article.fetched_at), "stored_at": self.now,
            "data": {**data, "canonical_url": url, "content_hash": digest},
        }
        stmt = (insert_ignoring(self.conn, articles, ["canonical_url", "version"])
                .values(row).returning(articles.c.id))
        # A row comes back only when inserted (rowcount is -1 with RETURNING on psycopg).
        return self.conn.execute(stmt).first() is not None


def next_version(known: list[Known], digest: str, fetched: datetime | None) -> int | None:
    """The version number to store, or None when the article is unchanged.

    Unchanged: the hash equals the latest version's; or it equals an older version's and the
    article was fetched no later than the latest version (a late re-delivery, not a revert).
    """
    if not known:
        return 1
    latest = max(known, key=lambda k: k.version)
    if latest.content_hash == digest:
        return None
    seen = any(k.content_hash == digest for k in known)
    if seen and (fetched is None or latest.fetched_at is None or fetched <= latest.fetched_at):
        return None
    return latest.version + 1


def archive_raw_pages(conn: sa.Connection, raws: list[dict[str, Any]]) -> None:
    rows = {}
    for data in raws:
        row = raw_page_row(RawPage.from_dict(data))
        rows[(row["url"], row["body_sha256"])] = row
    if rows:
        stmt = insert_ignoring(conn, raw_pages, ["url", "body_sha256"])
        conn.execute(stmt, [rows[k] for k in sorted(rows)])


def raw_page_row(page: RawPage) -> dict[str, Any]:
    body = base64.b64decode(page.body_z)  # the zlib bytes: archived still compressed
    return {
        "url": clean(page.url), "final_url": clean(page.final_url), "site": clean(page.site),
        "status": page.status, "headers": clean(page.headers), "body": body,
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "fetched_at": parse_time(page.fetched_at), "crawl_id": clean(page.crawl_id),
    }


def record_failures(conn: sa.Connection, items: list[dict[str, Any]], now: datetime) -> None:
    rows = {}
    for data in items:
        failure = Failure.from_dict(clean(data))
        row = {
            "url": failure.url, "stage": failure.stage, "error_class": failure.error_class,
            "message": failure.message, "attempt": failure.attempt,
            "crawl_id": failure.crawl_id or "", "at": parse_time(failure.at) or now,
        }
        rows[(row["url"], row["stage"], row["attempt"], row["crawl_id"])] = row
    if rows:
        stmt = insert_ignoring(conn, failures, ["url", "stage", "attempt", "crawl_id"])
        conn.execute(stmt, [rows[k] for k in sorted(rows)])


def insert_ignoring(conn: sa.Connection, table: sa.Table, key: list[str]) -> Any:
    """INSERT ... ON CONFLICT (key) DO NOTHING, in the connection's dialect."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=key)


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 string as an aware UTC datetime; None when missing or unreadable."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def clean(value: Any) -> Any:
    """Drop NUL characters and lone surrogates, which PostgreSQL text and JSONB refuse."""
    if isinstance(value, str):
        value = value.replace("\x00", "")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value
