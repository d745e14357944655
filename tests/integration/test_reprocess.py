"""`akhbar reprocess`: archived pages go back through the queue with no re-fetch; a new
version appears only where the content hash changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

import workers.sites
from replica.content import load_articles
from replica.render import render_article_page
from tests.integration.harness import service_env, settings_for
from tests.replica_process import replica_server
from workers.config import Settings
from workers.extract import extract_with
from workers.reprocess import ReprocessJob
from workers.runner import CrawlJob, Job, PipelineRun, RunReport
from workers.sites import get_site
from workers.sites.loader import load_site_file
from workers.storage import open_storage

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def run_jobs(settings: Settings, jobs: list[Job]) -> RunReport:
    [report] = PipelineRun(settings, Console(quiet=True), ("127.0.0.1",)).execute(jobs, 60)
    return report


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


NEW_NOISE = "بوتين"  # the changed rule: a word that now counts as noise on aawsat pages


def changed_rules(sites_dir: Path) -> Path:
    """A copy of the built-in aawsat rules with one more noise string, as a user override."""
    builtin = Path(workers.sites.__file__).parent / "aawsat.yaml"
    text = builtin.read_text("utf-8").replace(
        "strings: [TT, play-circle, استمع إلى المقالة]",
        f"strings: [TT, play-circle, استمع إلى المقالة, {NEW_NOISE}]")
    assert NEW_NOISE in text
    sites_dir.mkdir()
    (sites_dir / "aawsat.yaml").write_text(text, "utf-8")
    return sites_dir / "aawsat.yaml"


def hashes_that_change(new_rules: Path) -> int:
    """How many replica articles the new rules extract differently (worked out here, by hand)."""
    articles = load_articles()
    old, new = get_site("aawsat"), load_site_file(new_rules)
    changed = 0
    for article_id in articles:
        html = render_article_page(article_id, articles, "http://127.0.0.1:8000")
        url = f"http://127.0.0.1:8000/{article_id}"
        before = extract_with(html, url, old).content_hash
        changed += before != extract_with(html, url, new).content_hash
    return changed


def test_reprocessing_after_a_rule_change_versions_only_what_changed(
    redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'articles.db'}"
    env = service_env(redis_url, key_prefix, db_url, tmp_path / "home")
    articles = len(load_articles())
    with replica_server() as base_url:
        assert run_jobs(settings_for(env), [CrawlJob("aawsat", base_url)]).stored == articles

    rules = changed_rules(tmp_path / "sites")
    expected = hashes_that_change(rules)
    assert 0 < expected < articles
    after = run_jobs(settings_for({**env, "AKHBAR_SITES_DIR": str(rules.parent)}),
                     [ReprocessJob("aawsat", None)])
    assert after.tally.counts.get("stored") == expected
    assert after.tally.counts.get("unchanged") == articles - expected
    storage = open_storage(db_url)
    assert storage.count_versions() == articles + expected
    assert storage.count_articles() == articles
    storage.close()
