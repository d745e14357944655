"""Sites as configuration: the built-in site files, a user's folder, validation, generic sites."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from workers import sites
from workers.extract import extract_article
from workers.sites import SiteConfigError, load_registry, load_site_file
from workers.sites.registry import BUILTIN_DIR

MINIMAL = """\
name: example-news
domains: [example.com, www.example.com]
article_url_pattern: '^/news/\\d+'
start: [/feed, https://feeds.example.net/all.xml]
"""

GENERIC_PAGE = """<html lang="en"><head><title>Storm hits the coast | Example News</title>
<meta property="og:type" content="article">
<meta property="og:title" content="Storm hits the coast">
<meta property="article:published_time" content="2025-08-01T10:00:00Z">
</head><body><article><h1>Storm hits the coast</h1>
<p>A powerful storm made landfall on Friday morning, bringing heavy rain and strong winds.</p>
<p>Officials urged residents to stay indoors and to avoid the beaches until Sunday.</p>
</article></body></html>"""


@pytest.fixture
def fresh_registry() -> Iterator[None]:
    """The process-wide registry re-read for this test (and again after it)."""
    sites.registry.cache_clear()
    yield
    sites.registry.cache_clear()


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- built-in sites ------------------------------------------------------------------------------


def test_every_built_in_site_file_loads_with_rules() -> None:
    registry = load_registry()
    assert registry.names() == ["aawsat", "aawsat-english"]
    for site in registry:
        assert site.has_rules and site.rules_version and site.start_paths
        assert site.related is not None and site.next_article_url_sources
        assert site.tz.utcoffset(None) == timedelta(hours=3)
        assert Path(site.source).parent == BUILTIN_DIR


def test_both_editions_share_the_engine_but_not_domains_or_labels() -> None:
    registry = load_registry()
    arabic, english = registry.get("aawsat"), registry.get("aawsat-english")
    assert arabic is not None and english is not None
    assert (arabic.headline, arabic.body) == (english.headline, english.body)
    assert registry.for_host("english.aawsat.com") is english
    assert registry.for_host("WWW.aawsat.com.") is arabic
    assert "Listen to the article" in english.noise_strings
    assert "/world" in english.start_paths and "/العالم" in arabic.start_paths


def test_the_process_registry_finds_sites_by_name_and_url() -> None:
    english = sites.get_site("aawsat-english")
    assert english is not None
    assert sites.site_for_url("https://english.aawsat.com/world/5200001-x") is english
    assert english.is_article_url("https://english.aawsat.com/world/5200001-x")
    assert not english.is_article_url("https://english.aawsat.com/world")


# --- a user's folder ------------------------------------------------------------------------------


def test_a_user_folder_adds_its_sites(tmp_path: Path) -> None:
    write(tmp_path, "example.yaml", MINIMAL)
    registry = load_registry(tmp_path)
    assert registry.names() == ["aawsat", "aawsat-english", "example-news"]
    site = registry.get("example-news")
    assert site is not None and not site.has_rules
    assert site.start_paths == ("/feed", "https://feeds.example.net/all.xml")
    assert site.rules_version.startswith("example-news-")  # from the file's hash
    assert site.source == str(tmp_path / "example.yaml")


def test_a_user_file_replaces_the_built_in_site_of_its_name(tmp_path: Path) -> None:
    text = (BUILTIN_DIR / "aawsat.yaml").read_text(encoding="utf-8")
    write(tmp_path, "my-aawsat.yml", text.replace("body: .entry-content p", "body: .story p"))
    site = load_registry(tmp_path).get("aawsat")
    assert site is not None and site.body == ".story p"


def test_akhbar_sites_dir_is_read_by_the_process_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_registry: None
) -> None:
    write(tmp_path, "example.yaml", MINIMAL)
    monkeypatch.setenv("AKHBAR_SITES_DIR", str(tmp_path))
    site = sites.get_site("example-news")
    assert site is not None and sites.site_for_url("https://www.example.com/news/1") is site


def test_a_missing_sites_dir_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_registry: None
) -> None:
    monkeypatch.setenv("AKHBAR_SITES_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(SiteConfigError, match="nowhere: sites folder not found"):
        sites.all_sites()


# --- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "message"), [
    ("- a list\n", "must hold one mapping"),
    ("name: [x\n", "not valid YAML"),
    (MINIMAL.replace("name: example-news\n", ""), "'name' is required"),
    (MINIMAL.replace("example-news", "Example News"), "'name' must be lower-case"),
    (MINIMAL.replace("[example.com, www.example.com]", "example.com/news"),
     "'domains' must be a list of host names"),
    (MINIMAL.replace("[example.com, www.example.com]", "[https://example.com]"),
     "'domains' must be a list of host names"),
    (MINIMAL.replace("[example.com, www.example.com]", "[]"),
     "'domains' must be a list of host names"),
    (MINIMAL.replace("'^/news/\\d+'", "'^/news/(\\d+'"),
     "'article_url_pattern' is not a valid regular expression"),
    (MINIMAL + "timezone: Mars/Olympus\n", "'timezone' is neither an IANA zone"),
    (MINIMAL + "selectors: {headline: h1}\n", "'selectors.body' is required"),
    (MINIMAL + "selectors: {headline: h1, body: '.a['}\n", "'selectors.body' is not a valid CSS"),
    (MINIMAL + "selectors: {headline: h1, body: p, bodi_drop: x}\n",
     "'selectors.bodi_drop' is not a known key"),
    (MINIMAL + "selectors: {headline: h1, body: p, next_article_url: [{selector: a}]}\n",
     "'selectors.next_article_url[0].attribute' is required"),
    (MINIMAL + "related: {card: .card}\n", "'related.link' is required"),
    (MINIMAL + "noise: [TT]\n", "'noise' must be a mapping"),
    (MINIMAL + "error_page_markers: [1, 2]\n", "'error_page_markers' must be a string or a list"),
    (MINIMAL.replace("[/feed,", "[feed,"), "'start' entries must be paths"),
    (MINIMAL + "selector: {}\n", "'selector' is not a known key"),
])
def test_bad_files_fail_naming_the_file_and_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path / "sites", "foo.yaml", text)
    with pytest.raises(SiteConfigError) as caught:
        load_site_file(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_two_files_of_one_folder_with_one_name_are_an_error(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", MINIMAL)
    write(tmp_path, "b.yaml", MINIMAL.replace("example.com, www.example.com", "example.org"))
    with pytest.raises(SiteConfigError, match=r"b\.yaml: site 'example-news' is also defined by"):
        load_registry(tmp_path)


def test_two_sites_claiming_one_domain_are_an_error(tmp_path: Path) -> None:
    write(tmp_path, "mirror.yaml", MINIMAL.replace("example-news", "mirror").replace(
        "[example.com, www.example.com]", "[english.aawsat.com]"))
    with pytest.raises(SiteConfigError, match=r"domain 'english\.aawsat\.com' is also claimed"):
        load_registry(tmp_path)


def test_timezones_by_name_or_offset(tmp_path: Path) -> None:
    for zone, offset in (("Asia/Riyadh", 3), ("+05:30", 5.5), ("UTC-4", -4), ("UTC", 0)):
        path = write(tmp_path, "tz.yaml", MINIMAL + f"timezone: '{zone}'\n")
        tz = load_site_file(path).tz
        assert datetime(2025, 6, 17, tzinfo=tz).utcoffset() == timedelta(hours=offset)


# --- a site without selectors: generic extraction under its own name ----------------------------


def test_a_site_without_selectors_is_extracted_by_the_generic_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_registry: None
) -> None:
    write(tmp_path, "example.yaml", MINIMAL)
    monkeypatch.setenv("AKHBAR_SITES_DIR", str(tmp_path))
    by_domain = extract_article(GENERIC_PAGE, "https://www.example.com/news/1")
    by_name = extract_article(GENERIC_PAGE, "http://127.0.0.1:9/news/1", site="example-news")
    for article in (by_domain, by_name):
        assert (article.site, article.extraction.method) == ("example-news", "generic")
        assert article.title == "Storm hits the coast" and len(article.body) == 2
