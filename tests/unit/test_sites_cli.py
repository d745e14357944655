"""`akhbar sites` and `akhbar sites check SITE URL`, against the replica as a subprocess."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from replica.content import SEED_ARTICLE_ID, load_articles
from replica.render import absolute
from tests.replica_process import replica_server
from workers import sites, sites_cli
from workers.cli import app

ROOT = Path(__file__).resolve().parents[2]
WIDE = 300  # no folding of table cells: assertions see whole values
runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Wide output, no allowed hosts or user sites but the test's, a registry of its own."""
    monkeypatch.setattr(sites_cli, "console", Console(width=WIDE))
    monkeypatch.setattr(sites_cli, "err", Console(stderr=True, width=WIDE))
    monkeypatch.delenv("AKHBAR_ALLOWED_HOSTS", raising=False)
    monkeypatch.delenv("AKHBAR_SITES_DIR", raising=False)
    sites.registry.cache_clear()
    yield
    sites.registry.cache_clear()


def replica(*options: str) -> Iterator[str]:
    with replica_server(*options) as url:
        yield url


@pytest.fixture(scope="module")
def english_replica() -> Iterator[str]:
    yield from replica("--edition", "en")


@pytest.fixture(scope="module")
def drifted_replica() -> Iterator[str]:
    yield from replica("--markup", "drifted")


def sites_check(site: str, url: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, ["sites", "check", site, url], env=env)


ALLOW_LOOPBACK = {"AKHBAR_ALLOWED_HOSTS": "127.0.0.1"}


# --- the list -------------------------------------------------------------------------------------


def test_sites_lists_both_aawsat_sites() -> None:
    result = runner.invoke(app, ["sites"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    arabic = next(line for line in lines if " aawsat " in line)
    english = next(line for line in lines if " aawsat-english " in line)
    assert "aawsat.com, www.aawsat.com" in arabic and "rules" in arabic
    assert "workers/sites/aawsat.yaml" in arabic
    assert "english.aawsat.com" in english and "aawsat-english.yaml" in english


def test_a_user_site_without_selectors_is_listed_as_generic_only(tmp_path: Path) -> None:
    (tmp_path / "example.yaml").write_text(
        "name: example-news\ndomains: [example.com]\narticle_url_pattern: '^/news/'\n")
    result = runner.invoke(app, ["sites"], env={"AKHBAR_SITES_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert any("example-news" in line and "generic only" in line
               for line in result.stdout.splitlines())


def test_a_broken_site_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "foo.yaml").write_text("name: foo\ndomains: http://x\n")
    result = runner.invoke(app, ["sites"], env={"AKHBAR_SITES_DIR": str(tmp_path)})
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"akhbar: {tmp_path / 'foo.yaml'}: 'domains' must be a list of host names (no scheme, "
        "port or path): 'http://x' is not one")


# --- check ----------------------------------------------------------------------------------------


def test_check_shows_what_the_english_rules_extract(english_replica: str) -> None:
    article = load_articles(edition="en")[5200001]
    result = sites_check("aawsat-english", absolute(english_replica, article.path), ALLOW_LOOPBACK)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "aawsat-english rules: site" in out and "generic: generic" in out
    title_row = next(line for line in out.splitlines() if line.startswith("│ title"))
    assert title_row.count(article.title) == 2  # the rules and the generic path agree
    assert ".entry-title h1 | div#article_content h2 (1)" in title_row
    assert "found nothing: drift" not in out


def test_check_on_drifted_markup_names_the_rules_that_found_nothing(drifted_replica: str) -> None:
    seed = load_articles()[SEED_ARTICLE_ID]
    result = sites_check("aawsat", absolute(drifted_replica, seed.path), ALLOW_LOOPBACK)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "aawsat rules: generic (drift)" in out
    body_row = next(line for line in out.splitlines() if line.startswith("│ body"))
    assert "✗ .entry-content p — found nothing: drift" in body_row
    assert "7 ¶" in body_row  # the body is still there, by the generic path
    assert ("warning: drift: aawsat rules found no title (.entry-title h1) and no body "
            "(.entry-content p); generic extraction used") in out


def test_check_accepts_an_unquoted_arabic_url(drifted_replica: str) -> None:
    seed = load_articles()[SEED_ARTICLE_ID]
    result = sites_check("aawsat", drifted_replica + seed.path, ALLOW_LOOPBACK)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("url", [
    "http://10.1.2.3/world/5200001-x",  # private
    "http://127.0.0.1:9/world/5200001-x",  # loopback, not allowed here
    "file:///etc/passwd",
])
def test_a_refused_url_is_a_one_line_error(url: str) -> None:
    result = sites_check("aawsat-english", url)
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("akhbar: refusing ")


def test_an_unknown_site_and_a_missing_page_are_one_line_errors(english_replica: str) -> None:
    unknown = sites_check("nope", f"{english_replica}/world/1-x", ALLOW_LOOPBACK)
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == (
        "akhbar: unknown site 'nope'; known sites: aawsat, aawsat-english")
    missing = sites_check("aawsat-english", f"{english_replica}/world/1-x", ALLOW_LOOPBACK)
    assert missing.exit_code == 1
    assert missing.stderr.strip() == f"akhbar: {english_replica}/world/1-x: HTTP 404 Not Found"


# --- redirects and size: a tiny server of the test's own ------------------------------------------


class Redirecting(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/big":
            body = b"<p>" + b"x" * 5000 + b"</p>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(302)
        self.send_header("Location", "http://10.0.0.1/world/5200001-x")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def tiny_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_redirect_to_a_private_address_is_refused(tiny_server: str) -> None:
    result = sites_check("aawsat-english", f"{tiny_server}/world/5200001-x", ALLOW_LOOPBACK)
    assert result.exit_code == 1
    assert result.stderr.startswith("akhbar: refusing 'http://10.0.0.1/world/5200001-x'")


def test_a_page_larger_than_the_limit_is_refused(tiny_server: str) -> None:
    env = {**ALLOW_LOOPBACK, "AKHBAR_MAX_PAGE_BYTES": "1000"}
    result = sites_check("aawsat-english", f"{tiny_server}/big", env)
    assert result.exit_code == 1
    assert "larger than 1000 bytes (AKHBAR_MAX_PAGE_BYTES)" in result.stderr
