"""The crawl settings DESIGN.md makes non-optional."""

import os
from unittest import mock

from scrapy import Spider
from scrapy.settings import Settings

import crawler.settings as crawl_settings


def project_settings() -> Settings:
    settings = Settings()
    settings.setmodule(crawl_settings, priority="project")
    return settings


def test_politeness_and_limits() -> None:
    settings = project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 4
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 64 * 1024 * 1024
    assert settings.getint("DOWNLOAD_TIMEOUT") > 0


def test_the_guard_sees_every_hop_before_robots_and_redirects() -> None:
    middlewares = project_settings().getdict("DOWNLOADER_MIDDLEWARES")
    guard = middlewares["crawler.middlewares.TargetGuardMiddleware"]
    assert guard < 100  # RobotsTxtMiddleware: robots.txt fetches are guarded too
    assert guard < 600  # RedirectMiddleware: every redirect comes back through the guard


def test_pages_go_to_celery_and_crawls_are_recorded() -> None:
    settings = project_settings()
    assert "crawler.pipelines.CeleryHandoffPipeline" in settings.getdict("ITEM_PIPELINES")
    assert "crawler.extensions.CrawlRecord" in settings.getdict("EXTENSIONS")


def test_allowed_hosts_come_from_the_environment() -> None:
    import importlib

    with mock.patch.dict(os.environ, {"AKHBAR_ALLOWED_HOSTS": "127.0.0.1, replica.test"}):
        module = importlib.reload(crawl_settings)
        assert module.AKHBAR_ALLOWED_HOSTS == ["127.0.0.1", "replica.test"]
    importlib.reload(crawl_settings)


def test_a_failed_item_is_logged_by_its_url_not_its_body() -> None:
    from crawler.logformatter import ShortItemLogFormatter

    assert crawl_settings.LOG_FORMATTER == "crawler.logformatter.ShortItemLogFormatter"
    item = {"url": "http://127.0.0.1:8000/x", "status": 200, "body_z": "B" * 100_000}
    entry = ShortItemLogFormatter().item_error(item, RuntimeError("no"), None, Spider("s"))
    line = entry["msg"] % entry["args"]
    assert "http://127.0.0.1:8000/x" in line and "BBBB" not in line and len(line) < 200
