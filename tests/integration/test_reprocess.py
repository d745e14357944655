"""`akhbar reprocess`: archived pages go back through the queue with no re-fetch; a new
version appears only where the content hash changed."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest
from rich.console import Console

from replica.content import load_articles
from tests.integration.harness import replica_server, service_env
from workers.config import Settings, load_settings
from workers.reprocess import ReprocessJob
from workers.runner import CrawlJob, Job, PipelineRun, RunReport
from workers.storage import open_storage

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def run_jobs(settings: Settings, jobs: list[Job]) -> RunReport:
    [report] = PipelineRun(settings, Console(quiet=True), ("127.0.0.1",)).execute(jobs, 60)
    return report


def settings_for(env: dict[str, str]) -> Settings:
    with mock.patch.dict(os.environ, env):
        return load_settings()


def test_reprocessing_unchanged_rules_stores_nothing_new(
    redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'articles.db'}"
    settings = settings_for(service_env(redis_url, key_prefix, db_url, tmp_path / "home"))
    articles = len(load_articles())
    with replica_server() as base_url:
        crawl = run_jobs(settings, [CrawlJob("aawsat", base_url)])
    assert crawl.stored == articles

    # The replica is gone: reprocessing reads the archive only.
    again = run_jobs(settings, [ReprocessJob(None, None)])
    assert again.tally.counts.get("stored", 0) == 0
    assert again.tally.counts.get("unchanged") == articles
    assert again.tally.counts.get("skipped") == 1  # the archived 404 page, skipped again
    assert again.tally.fetched == articles + 1
    storage = open_storage(db_url)
    assert storage.count_versions() == articles
    storage.close()

    none = run_jobs(settings, [ReprocessJob("no-such-site", None)])
    assert none.tally.fetched == 0
