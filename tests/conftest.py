"""Shared fixtures: real services, their own key prefix, and a rule for when they are missing.

With AKHBAR_REQUIRE_SERVICES=1 (CI sets it) a missing Redis or PostgreSQL fails the test
instead of skipping it, so CI always runs the integration tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis
import sqlalchemy as sa

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
PG_URL = os.environ.get("AKHBAR_TEST_PG_URL") or "postgresql://postgres@127.0.0.1:5432/test"
REQUIRE_SERVICES = os.environ.get("AKHBAR_REQUIRE_SERVICES") == "1"


def _missing(what: str, url: str, exc: Exception) -> None:
    message = f"{what} at {url} is not reachable ({exc}); start it or set the URL"
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _missing("Redis", REDIS_URL, exc)
    return REDIS_URL


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
