"""Coverage-guided fuzzing of extraction and enrichment with atheris (libFuzzer), by hand.

Not part of the test suite (tests/unit/test_fuzz_extract.py is the hypothesis version that
is). atheris is not a dependency of akhbar: install it beside the project, e.g.

    pip install --target /tmp/atheris-lib atheris          # a wheel for CPython 3.11 on x86-64
    PYTHONPATH=/tmp/atheris-lib .venv/bin/python bench/fuzz_extract.py \\
        -max_total_time=600 -rss_limit_mb=4096 /tmp/fuzz-corpus

The corpus folder is seeded with the replica's pages (Arabic, English, drifted markup, a
listing) on first use. Each input is one byte choosing the site's rules, then the page as
bytes. A finding is an exception other than NotAnArticle out of `extract_article`, or an
enricher that fails (`enrich_article` lists it in `errors`): libFuzzer saves the input as
`crash-*`; replay it with `bench/fuzz_extract.py crash-<hash>`. To go on past a finding
already reported, name its message in AKHBAR_FUZZ_KNOWN (a regular expression), e.g.
`AKHBAR_FUZZ_KNOWN='Invalid IPv6 URL'`.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["workers.extract", "workers.enrich"]):
    from workers.enrich import enrich_article
    from workers.extract import ExtractionError, NotAnArticle, extract_article

from replica.content import SEED_ARTICLE_ID, load_articles
from replica.render import render_article_page, render_home_page

BASE = "http://127.0.0.1:8000"
URL = f"{BASE}/news/1"
SITES = ("aawsat", "aawsat-english", None)
KNOWN = re.compile(os.environ.get("AKHBAR_FUZZ_KNOWN") or "(?!)")  # default: matches nothing


class EnrichmentFailed(AssertionError):
    """An enricher raised on an article that extraction produced."""


def seed_pages() -> list[bytes]:
    arabic, english = load_articles(), load_articles(edition="en")
    pages = [
        render_article_page(SEED_ARTICLE_ID, arabic, BASE),
        render_article_page(sorted(english)[0], english, BASE),
        render_article_page(SEED_ARTICLE_ID, arabic, BASE, markup="drifted"),
        render_home_page(arabic, BASE),
    ]
    return [bytes([n % len(SITES)]) + page.encode() for n, page in enumerate(pages)]


def seed_corpus(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        return
    for page in seed_pages():
        (folder / hashlib.sha1(page).hexdigest()).write_bytes(page)


def test_one_input(data: bytes) -> None:
    if not data:
        return
    site = SITES[data[0] % len(SITES)]
    try:
        article = extract_article(data[1:], URL, site=site)
    except NotAnArticle:
        return
    except ExtractionError as exc:
        if KNOWN.search(str(exc)):
            return
        raise
    errors = enrich_article(article).get("errors")
    if errors:
        raise EnrichmentFailed(errors)


def main(argv: list[str]) -> None:
    folders = [Path(arg) for arg in argv[1:] if not arg.startswith("-")]
    for folder in folders:
        if not folder.is_file():
            seed_corpus(folder)
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
