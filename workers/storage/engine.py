"""From a database URL to a configured SQLAlchemy engine, for SQLite and PostgreSQL.

SQLite: WAL journal and a busy timeout on every connection (30 s, or the URL's `?timeout=`
seconds: how long a writer waits for another's lock before the store retries), and write
transactions opened with BEGIN IMMEDIATE. A deferred BEGIN would let two writers both read,
then the second one to write fails at once with "database is locked" (busy_timeout cannot
help a stale WAL snapshot).
PostgreSQL: psycopg 3, a connect timeout, and pre-ping so a restarted server costs no batch.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from workers.storage import BadDatabaseUrl, StorageUnavailable

SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 10
WRITE_OPTION = "akhbar_write"  # execution option: this transaction will write


def engine_url(db_url: str) -> sa.URL:
    """Parse `db_url`; postgresql:// becomes postgresql+psycopg://, query arguments kept."""
    try:
        url = sa.make_url(db_url)
    except sa.exc.ArgumentError as exc:
        raise BadDatabaseUrl(f"{db_url!r} is not a database URL; use sqlite:///path/to/file.db "
                         "or postgresql://user:password@host/db") from exc
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url
    raise BadDatabaseUrl(f"unsupported database {mask(url)}; use sqlite:///path/to/file.db "
                     "or postgresql://user:password@host/db")


def mask(url: sa.URL) -> str:
    return url.render_as_string(hide_password=True)


def create_engine(url: sa.URL) -> sa.Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _sqlite_engine(url: sa.URL) -> sa.Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(
                f"cannot create the folder {folder} for the database {mask(url)} ({exc}); "
                "choose a writable path in AKHBAR_DB_URL or AKHBAR_HOME") from exc
    engine = sa.create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", functools.partial(_on_sqlite_connect, _busy_timeout_ms(url)))
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _busy_timeout_ms(url: sa.URL) -> int:
    raw = url.query.get("timeout")
    try:
        return int(float(str(raw)) * 1000) if raw else SQLITE_BUSY_TIMEOUT_MS
    except ValueError as exc:
        raise BadDatabaseUrl(f"timeout={raw!r} in {mask(url)} is not a number of seconds; "
                             "write e.g. sqlite:///path/to/file.db?timeout=30") from exc


def _on_sqlite_connect(busy_timeout_ms: int, dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # the driver stops issuing BEGIN; _on_sqlite_begin does
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _on_sqlite_begin(conn: sa.Connection) -> None:
    writing = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
