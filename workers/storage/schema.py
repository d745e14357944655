"""The tables, shared by SQLite and PostgreSQL.

Times are stored in UTC (`UTCDateTime`): SQLite has no time-zone type, so a naive UTC value
goes in and an aware one comes out on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData()

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets 64-bit ids.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Json = sa.JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp kept in UTC; naive values are taken to be UTC already."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


articles = sa.Table(
    "articles", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("canonical_url", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("site", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("section", sa.Text),
    sa.Column("language", sa.String(16)),
    sa.Column("published_at", UTCDateTime),
    sa.Column("fetched_at", UTCDateTime),
    sa.Column("stored_at", UTCDateTime, nullable=False),
    sa.Column("data", Json, nullable=False),  # the whole Article dict
    sa.UniqueConstraint("canonical_url", "version", name="uq_articles_canonical_version"),
    sa.Index("ix_articles_site", "site"),
    sa.Index("ix_articles_published_at", "published_at"),
    sa.Index("ix_articles_stored_at", "stored_at"),
    sa.Index("ix_articles_url", "url"),
)

raw_pages = sa.Table(
    "raw_pages", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("final_url", sa.Text, nullable=False),
    sa.Column("site", sa.Text, nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("headers", Json, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),  # zlib bytes, still compressed
    sa.Column("body_sha256", sa.String(64), nullable=False),  # of the compressed bytes
    sa.Column("fetched_at", UTCDateTime),
    sa.Column("crawl_id", sa.Text),
    sa.UniqueConstraint("url", "body_sha256", name="uq_raw_pages_url_body"),
    sa.Index("ix_raw_pages_site_fetched", "site", "fetched_at"),
)

failures = sa.Table(
    "failures", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("stage", sa.String(16), nullable=False),
    sa.Column("error_class", sa.Text, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    # "" rather than NULL for "no crawl": a unique constraint never matches NULLs.
    sa.Column("crawl_id", sa.Text, nullable=False, server_default=""),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("url", "stage", "attempt", "crawl_id", name="uq_failures_once"),
    sa.Index("ix_failures_at", "at"),
)
