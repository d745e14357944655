"""Where articles, raw pages and failures end up: a small Protocol and `open_storage(url)`.

One SQLAlchemy implementation (`workers.storage.sql`) serves SQLite and PostgreSQL; the URL
scheme picks the database. Everything above this package talks to the `Storage` Protocol only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from workers.messages import Outcome, RawPage, Result

__all__ = ["ArticleRow", "Storage", "StorageUnavailable", "open_storage"]


class BadDatabaseUrl(ValueError):
    """AKHBAR_DB_URL is not a database URL akhbar can use; the message says what works."""


class StorageUnavailable(RuntimeError):
    """The database cannot be reached or used right now; retrying later may work.

    The message is one line naming the database URL (password masked) and what to do.
    """


@dataclass(frozen=True)
class ArticleRow:
    """One stored article version, as listings show it (the full Article is in `data`)."""

    id: int
    canonical_url: str
    version: int
    content_hash: str
    site: str
    url: str
    title: str
    section: str | None
    language: str | None
    published_at: datetime | None
    fetched_at: datetime | None
    stored_at: datetime


class Storage(Protocol):
    def save_results(self, results: list[Result]) -> list[Outcome]:
        """Save a batch in one transaction; one outcome per result, in the same order."""
        ...

    def recent_articles(self, limit: int = 20, site: str | None = None) -> list[ArticleRow]: ...

    def get_article(self, url: str) -> dict[str, Any] | None: ...

    def iter_articles(self, site: str | None = None,
                      since: datetime | None = None) -> Iterator[dict[str, Any]]: ...

    def versions(self, canonical_url: str) -> list[dict[str, Any]]: ...

    def count_articles(self) -> int: ...

    def count_versions(self) -> int: ...

    def recent_failures(self, limit: int = 20) -> list[dict[str, Any]]: ...

    def failure_stages(self, crawl_id: str) -> dict[str, int]:
        """Pages of one crawl in the failure log, counted by stage."""
        ...

    def raw_pages(self, site: str | None = None, since: datetime | None = None,
                  latest_only: bool = False) -> Iterator[RawPage]: ...

    def close(self) -> None: ...


def open_storage(db_url: str) -> Storage:
    """Open the database at `db_url` (sqlite:///path or postgresql://...), creating tables.

    Raises StorageUnavailable when the database cannot be reached.
    """
    from workers.storage.sql import SqlStorage

    return SqlStorage.open(db_url)
