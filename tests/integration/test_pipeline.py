"""Crawl → Redis → Celery → stream → storage, with real processes and real services."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from unittest import mock

import pytest
import redis

from replica.content import load_articles
from tests.integration.harness import (
    celery_worker,
    copy_content,
    crawl,
    drain,
    service_env,
)
from tests.replica_process import replica_server
from workers.app import make_app
from workers.config import load_settings
from workers.keys import key
from workers.storage import open_storage

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def crawl_and_store(env: dict[str, str], base_url: str, tmp_path: Path, storage, worker):  # type: ignore[no-untyped-def]
    settings = _settings(env)
    crawl_id = uuid.uuid4().hex[:10]
    assert crawl(env, base_url, crawl_id, tmp_path / f"crawl-{crawl_id}.log") == 0
    client = redis.Redis.from_url(env["REDIS_URL"])
    return drain(client, storage, settings, crawl_id, worker)


def _settings(env: dict[str, str]):  # type: ignore[no-untyped-def]
    with mock.patch.dict(os.environ, env):
        return load_settings()


def edit_one_article(content_dir: Path) -> int:
    path = sorted(content_dir.glob("5170*.json"))[0]
    data = json.loads(path.read_text())
    data["body"].append("وأضاف المصدر أن التفاصيل الكاملة ستعلن في وقت لاحق من الأسبوع المقبل.")
    path.write_text(json.dumps(data, ensure_ascii=False))
    return int(data["id"])


def run_three_crawls(db_url: str, redis_url: str, prefix: str, tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    expected = len(load_articles(content))
    env = service_env(redis_url, prefix, db_url, tmp_path / "home")
    storage = open_storage(db_url)
    worker_log = tmp_path / "worker.log"
    with replica_server(content_dir=content) as base_url, celery_worker(env, worker_log) as worker:
        first = crawl_and_store(env, base_url, tmp_path, storage, worker)
        assert first.counts.get("stored") == expected, first
        assert storage.count_articles() == expected
        assert storage.count_versions() == expected  # every article exactly once
        assert first.accounted == first.fetched  # fetched = stored + unchanged + skipped + failed

        second = crawl_and_store(env, base_url, tmp_path, storage, worker)
        assert second.counts.get("stored", 0) == 0, second
        assert second.counts.get("unchanged") == expected
        assert storage.count_versions() == expected  # a second crawl stores no new version

        edited = edit_one_article(content)
        third = crawl_and_store(env, base_url, tmp_path, storage, worker)
        assert third.counts.get("stored") == 1, third
        assert storage.count_versions() == expected + 1
        changed = [
            a for a in storage.iter_articles(None, None) if f"/{edited}-" in a["canonical_url"]
        ]
        assert len(changed) == 1
        assert len(storage.versions(changed[0]["canonical_url"])) == 2
    storage.close()


def test_replica_crawl_into_sqlite(redis_url: str, key_prefix: str, tmp_path: Path) -> None:
    run_three_crawls(f"sqlite:///{tmp_path / 'articles.db'}", redis_url, key_prefix, tmp_path)


def test_replica_crawl_into_postgresql(
    redis_url: str, key_prefix: str, pg_url: str, tmp_path: Path
) -> None:
    run_three_crawls(pg_url, redis_url, key_prefix, tmp_path)


def test_the_crawl_site_task_runs_a_crawl_in_a_child_process(
    redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    """The crawl worker's path: a `crawl_site` task on the `crawl` queue starts the crawl
    process; its pages flow through the page worker into storage and its end is recorded."""
    db_url = f"sqlite:///{tmp_path / 'articles.db'}"
    env = service_env(redis_url, key_prefix, db_url, tmp_path / "home")
    settings = _settings(env)
    storage = open_storage(db_url)
    client = redis.Redis.from_url(redis_url)
    crawl_id = uuid.uuid4().hex[:10]
    with replica_server() as base_url, celery_worker(env, tmp_path / "worker.log") as worker:
        with mock.patch.dict(os.environ, env):
            app = make_app()
        app.send_task("crawl_site", args=["aawsat", base_url, crawl_id], queue="crawl")
        done = drain(client, storage, settings, crawl_id, worker)
    info = {
        k.decode(): v.decode()
        for k, v in client.hgetall(key("crawl_info", key_prefix, crawl_id=crawl_id)).items()
    }
    assert info["finish_reason"] == "finished" and info["site"] == "aawsat"
    assert int(info["pages_queued"]) == done.fetched
    assert done.counts.get("stored") == len(load_articles()) == storage.count_articles()
    storage.close()
