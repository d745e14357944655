"""Enrichment benchmark, run by hand: `python bench/enrichment.py [--rounds 20] [--json out]`.

Measures the CPU time of `workers.enrich.enrich_article` (no near-duplicate index) and of
each enricher of `workers.enrich.pipeline.ENRICHERS`, on:
  1. the replica's articles (Arabic and English editions) as extraction gives them;
  2. the same articles grown to at least 600 words with paragraphs of the other articles of
     their edition — the issue's target is under 5 ms of CPU per 600-word article (median).

Each article is enriched once to warm up (lingua loads its models on first use), then
`--rounds` times; an article's figure is the median of its rounds, and the table shows the
median and 90th percentile over articles. The paragraph caches (folded text, words) are
cleared before every round, so no round profits from the one before (within a round the
enrichers share them, as they do in a worker).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from replica.content import load_articles  # noqa: E402
from replica.render import absolute, render_article_page  # noqa: E402
from workers.enrich import enrich_article  # noqa: E402
from workers.enrich.normalize import clear_caches  # noqa: E402
from workers.enrich.pipeline import ENRICHERS, empty_enrichment  # noqa: E402
from workers.extract import extract_article  # noqa: E402
from workers.messages import Article  # noqa: E402

BASE = "http://127.0.0.1:8000"
EDITIONS = (("ar", "aawsat"), ("en", "aawsat-english"))
TARGET_WORDS = 600
TARGET_MS = 5.0


def replica_articles() -> list[Article]:
    """Every replica article of both editions, extracted as the page worker does."""
    found = []
    for edition, site in EDITIONS:
        articles = load_articles(edition=edition)
        for article_id, article in articles.items():
            html = render_article_page(article_id, articles, BASE)
            found.append(extract_article(html, absolute(BASE, article.path), site=site))
    return found


def words(article: Article) -> int:
    return sum(len(p.split()) for p in article.body)


def grown(article: Article, others: list[Article], target: int = TARGET_WORDS) -> Article:
    """`article` with paragraphs of `others` (same edition) appended up to `target` words."""
    body = list(article.body)
    pool = [p for other in others if other is not article for p in other.body]
    while sum(len(p.split()) for p in body) < target and pool:
        body.append(pool.pop(0))
    copy = Article.from_dict(article.to_dict())
    copy.body = body
    return copy.finalize()


def cpu_ms(call: Callable[[], Any], rounds: int) -> float:
    """Median CPU milliseconds of `call` over `rounds`, the folding cache cleared each time."""
    samples = []
    for _ in range(rounds):
        clear_caches()
        start = time.process_time()
        call()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def per_enricher_ms(article: Article, rounds: int) -> dict[str, float]:
    """Median CPU ms of each enricher on `article`, each run on the result of the ones before."""
    samples: dict[str, list[float]] = {name: [] for name, _ in ENRICHERS}
    for _ in range(rounds):
        clear_caches()
        result = empty_enrichment()
        for name, enricher in ENRICHERS:
            start = time.process_time()
            result.update(enricher(article, result))
            samples[name].append((time.process_time() - start) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": statistics.median(ordered),
            "p90": ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]}


def measure(articles: list[Article], rounds: int) -> dict[str, Any]:
    for article in articles:  # warm up: lingua's models, the tables, the regex caches
        enrich_article(article)
    totals = [cpu_ms(partial(enrich_article, article), rounds) for article in articles]
    parts = [per_enricher_ms(article, rounds) for article in articles]
    return {
        "articles": len(articles),
        "words": summary([float(words(a)) for a in articles]),
        "enrich_article_ms": summary(totals),
        "per_enricher_ms": {name: summary([p[name] for p in parts]) for name, _ in ENRICHERS},
    }


def table(title: str, figures: dict[str, Any]) -> Table:
    out = Table(title=f"{title}: {figures['articles']} articles, median "
                      f"{figures['words']['median']:.0f} words")
    out.add_column("CPU ms per article")
    out.add_column("median", justify="right")
    out.add_column("p90", justify="right")
    for name, values in figures["per_enricher_ms"].items():
        out.add_row(name, f"{values['median']:.3f}", f"{values['p90']:.3f}")
    total = figures["enrich_article_ms"]
    out.add_row("[bold]enrich_article[/bold]", f"[bold]{total['median']:.3f}[/bold]",
                f"{total['p90']:.3f}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--json", type=Path, help="write the figures here too")
    options = parser.parse_args()
    console = Console()
    articles = replica_articles()
    by_language = {lang: [a for a in articles if a.language == lang] for lang in ("ar", "en")}
    long_articles = [grown(a, by_language.get(a.language or "", articles)) for a in articles]
    figures = {"replica": measure(articles, options.rounds),
               "600_words": measure(long_articles, options.rounds)}
    console.print(table("Replica articles", figures["replica"]))
    console.print(table(f"Grown to ≥{TARGET_WORDS} words", figures["600_words"]))
    total = figures["600_words"]["enrich_article_ms"]
    met = total["median"] < TARGET_MS
    figures["target"] = {"ms": TARGET_MS, "words": TARGET_WORDS, "median_ms": total["median"],
                         "met": met}
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2))
    # the last line: the target and whether this run meets it
    margin = abs(TARGET_MS - total["median"])
    print(f"Target (issue 4): enrich_article under {TARGET_MS:.0f} ms CPU per article of "
          f"≥{TARGET_WORDS} words, median — {'MET' if met else 'NOT MET'}: median "
          f"{total['median']:.2f} ms (p90 {total['p90']:.2f} ms), {margin:.2f} ms "
          f"{'under' if met else 'over'}")


if __name__ == "__main__":
    main()
