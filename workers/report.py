"""What the CLI prints: the run summary, article lists, one article, exports."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from workers.config import Settings
from workers.redisconn import mask_url
from workers.runner import RunReport

OUTCOMES = ("stored", "unchanged", "skipped")
CSV_FIELDS = (
    "canonical_url",
    "site",
    "title",
    "section",
    "authors",
    "published_at",
    "language",
    "word_count",
    "content_hash",
    "url",
    "text",
)


def readable_url(url: object) -> str:
    """A percent-encoded URL as people read it (Arabic paths are unreadable encoded)."""
    return unquote(str(url or ""))


def failed_by_stage(counts: dict[str, int]) -> dict[str, int]:
    """Failure counts keyed by stage; outcomes are recorded as `failed` or `failed:<stage>`."""
    stages: dict[str, int] = {}
    for name, count in counts.items():
        if name == "failed" or name.startswith("failed:"):
            stage = name.partition(":")[2] or "any"
            stages[stage] = stages.get(stage, 0) + count
    return stages


def print_summary(console: Console, settings: Settings, reports: list[RunReport]) -> None:
    """One column per crawl, one row per figure: fits a narrow terminal."""
    table = Table(title="akhbar run", show_header=True)
    table.add_column("")
    for report in reports:
        table.add_column(f"{report.site} · crawl {report.crawl_id}", justify="right")
    rows: dict[str, list[str]] = {
        name: [] for name in ("fetched", *OUTCOMES, "failed", "seconds", "articles/s")
    }
    for report in reports:
        counts = report.tally.counts
        failures = failed_by_stage(counts)
        rows["fetched"].append(str(report.tally.fetched))
        for outcome in OUTCOMES:
            rows[outcome].append(str(counts.get(outcome, 0)))
        rows["failed"].append(", ".join(f"{n} ({stage})" for stage, n in failures.items()) or "0")
        rows["seconds"].append(f"{report.seconds:.1f}")
        rows["articles/s"].append(f"{report.stored / report.seconds if report.seconds else 0:.1f}")
    for name, values in rows.items():
        table.add_row(name, *values)
    console.print(table)
    console.print(f"data: {mask_url(settings.db_url)}  (home {settings.home})")
    console.print("next: akhbar articles · akhbar show URL · akhbar export --format jsonl")


def run_problems(reports: list[RunReport], logs: Path) -> list[str]:
    """Why a run that finished still did not do its job: a crawl that failed or found nothing,
    pages that failed. Each line names where to look."""
    problems = []
    for report in reports:
        log = logs / f"crawl-{report.crawl_id}.log"
        if report.crawl_exit:
            problems.append(f"crawl {report.crawl_id} exited with {report.crawl_exit}; see {log}")
        elif report.tally.fetched == 0:
            problems.append(
                f"{report.label or 'crawl'} ({report.crawl_id}) had no page; "
                f"see {log if report.crawl_exit is not None else 'the filters'}"
            )
        failures = sum(failed_by_stage(report.tally.counts).values())
        if failures:
            problems.append(
                f"{failures} pages of crawl {report.crawl_id} failed; `akhbar failures` lists them"
            )
    return problems


def print_articles(console: Console, rows: Iterable[Any]) -> None:
    table = Table(show_header=True, box=None)
    for column in ("published", "site", "section", "title", "v"):
        table.add_column(column)
    for row in rows:
        data = row if isinstance(row, dict) else vars(row)
        table.add_row(
            str(data.get("published_at") or "")[:16],
            str(data.get("site") or ""),
            str(data.get("section") or ""),
            Text(str(data.get("title") or "")),
            str(data.get("version") or ""),
        )
        table.add_row("", "", "", Text(readable_url(data.get("canonical_url")), style="dim"), "")
    console.print(table)


def print_failures(console: Console, failures: Iterable[dict[str, Any]]) -> None:
    table = Table(show_header=True, box=None)
    for column in ("at", "stage", "error", "attempt", "url / message"):
        table.add_column(column)
    for failure in failures:
        table.add_row(
            str(failure.get("at") or "")[:19],
            str(failure.get("stage")),
            str(failure.get("error_class")),
            str(failure.get("attempt")),
            Text(str(failure.get("url"))),
        )
        table.add_row("", "", "", "", Text(str(failure.get("message")), style="dim"))
    console.print(table)


def print_article(console: Console, article: dict[str, Any]) -> None:
    image = article.get("lead_image") or {}
    meta = " · ".join(
        str(v)
        for v in (
            article.get("section"),
            ", ".join(article.get("authors") or []),
            article.get("published_at"),
            article.get("language"),
        )
        if v
    )
    lines = [
        f"[bold]{article.get('title')}[/bold]",
        meta,
        readable_url(article.get("canonical_url")),
    ]
    if image.get("caption"):
        lines.append(f"[italic]{image['caption']} ({image.get('credit') or '—'})[/italic]")
    lines += ["", *(article.get("body") or [])]
    related = article.get("related") or []
    if related:
        lines += ["", "[bold]related[/bold]", *(f"• {r.get('title')}" for r in related)]
    console.print(
        Panel(
            "\n\n".join(lines[:3]) + "\n" + "\n\n".join(lines[3:]),
            subtitle=f"hash {str(article.get('content_hash'))[:12]}",
        )
    )


def write_export(out: TextIO, articles: Iterable[dict[str, Any]], fmt: str) -> None:
    if fmt == "jsonl":
        for article in articles:
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for article in articles:
        row = dict(article)
        row["authors"] = "; ".join(article.get("authors") or [])
        row["word_count"] = (article.get("enrichment") or {}).get("word_count")
        writer.writerow(row)
