"""Extraction benchmark, run by hand: `python bench/extraction.py DATA_DIR [--json out.json]`.

DATA_DIR is a WCXB-style folder (`html/NNNN.html.gz`, `ground-truth/NNNN.json` with `url` and
`ground_truth.main_content`), e.g. /work/shared/bench/wcxb-dev-articles. Measured in one run,
on the same pages, side by side:

  1. akhbar's generic path (`extract_article(html, url)`: parse, metadata, trafilatura in fast
     mode, boilerplate filters, recovery, fields, language) against `trafilatura.extract` with
     its default options: word-level precision, recall and F1 of the main text against the
     ground truth (words are `\\w+` lower-cased, compared as multisets, averaged over pages)
     and pages per second;
  2. on the replica's article pages, the site-rules path (`extract_article(html, url,
     site="aawsat")`) against `trafilatura.extract`: pages per second;
  3. what each path's time is spent on, stage by stage (the page's text, parsing with lexbor,
     metadata, parsing with lxml for the generic path, the extractor, finishing: content
     hash, language).

Both extractors get the page as decoded text and its URL; each is warmed up on one page first
(lingua loads its models on first use), then timed by the wall clock, taking turns (page by
page on the benchmark pages, round by round on the replica) so that load from elsewhere on
a shared machine weighs on both alike; the replica's ratio is the median of paired timings.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402
from parsel import Selector  # noqa: E402

from replica.content import load_articles  # noqa: E402
from replica.render import absolute, render_article_page  # noqa: E402
from workers.extract import (  # noqa: E402
    NotAnArticle,
    _finish,
    _page_text,
    extract_article,
    rules_for,
)
from workers.extract.fastdom import LexborHTMLParser, parse_html  # noqa: E402
from workers.extract.generic import extract_generic  # noqa: E402
from workers.extract.language import detect_language  # noqa: E402
from workers.extract.metadata import PageMetadata, read_metadata  # noqa: E402
from workers.extract.site import extract_site  # noqa: E402
from workers.extract.text import remove_controls  # noqa: E402
from workers.messages import Article  # noqa: E402

WORD = re.compile(r"\w+")
REPLICA_BASE = "http://127.0.0.1:8000"
REPLICA_ROUNDS = 5  # stage costs: the replica has few pages, timed this many times over
REPLICA_SECONDS = 0.5  # each timing of the replica lasts at least this long…
REPLICA_REPEATS = 9  # …and is made this many times; the median is reported


@dataclass
class Page:
    page_id: str
    url: str
    html: str
    gold: str
    gold_title: str = ""
    gold_author: str = ""
    gold_date: str = ""


@dataclass
class Score:
    """Mean word-level precision, recall and F1 over pages, and the pages per second."""

    name: str
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    pages_per_second: float = 0.0
    pages: int = 0
    per_page: dict[str, list[float]] = field(default_factory=dict)


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in WORD.findall(text or ""))


def prf(predicted: str, gold: str) -> tuple[float, float, float]:
    """Word-level precision, recall, F1 of `predicted` against `gold` (multiset overlap)."""
    guess, truth = words(predicted), words(gold)
    overlap = sum((guess & truth).values())
    n_guess, n_truth = sum(guess.values()), sum(truth.values())
    if not n_guess and not n_truth:
        return 1.0, 1.0, 1.0
    precision = overlap / n_guess if n_guess else 0.0
    recall = overlap / n_truth if n_truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def load_pages(folder: Path) -> list[Page]:
    pages = []
    for path in sorted((folder / "html").glob("*.html.gz")):
        page_id = path.name.split(".")[0]
        truth = json.loads((folder / "ground-truth" / f"{page_id}.json").read_text("utf-8"))
        gt = truth["ground_truth"]
        pages.append(Page(page_id, truth["url"], gzip.decompress(path.read_bytes()).decode(
            "utf-8", errors="replace"), gt["main_content"], gt.get("title") or "",
            gt.get("author") or "", gt.get("publish_date") or ""))
    return pages


# --- the two extractors ----------------------------------------------------------------------


def akhbar_text(html: str, url: str) -> str:
    try:
        return extract_article(html, url).text
    except NotAnArticle:
        return ""


def trafilatura_text(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url) or ""


def timed_runs(extractors: dict[str, Callable[[str, str], str]], pages: list[Page],
               progress: Progress) -> list[Score]:
    """Every page through every extractor (after one warm-up call each), timed, and scored.

    The extractors take turns page by page, in an order that rotates, so a burst of load
    from elsewhere on a shared machine falls on both alike instead of on whichever ran then.
    """
    for extractor in extractors.values():
        extractor(pages[0].html, pages[0].url)
    task = progress.add_task(" vs ".join(extractors), total=len(pages))
    names = list(extractors)
    outputs: dict[str, dict[str, str]] = {name: {} for name in names}
    elapsed = dict.fromkeys(names, 0.0)
    for n, page in enumerate(pages):
        for name in names[n % len(names):] + names[:n % len(names)]:
            start = time.perf_counter()
            outputs[name][page.page_id] = extractors[name](page.html, page.url)
            elapsed[name] += time.perf_counter() - start
        progress.advance(task)
    return [_score(name, outputs[name], pages, elapsed[name]) for name in names]


def _score(name: str, outputs: dict[str, str], pages: list[Page], elapsed: float) -> Score:
    score = Score(name=name, pages=len(pages), pages_per_second=len(pages) / elapsed)
    for page in pages:
        score.per_page[page.page_id] = list(prf(outputs[page.page_id], page.gold))
    values = list(score.per_page.values())
    score.precision, score.recall, score.f1 = (sum(v[i] for v in values) / len(values)
                                               for i in range(3))
    return score


# --- fields against the ground truth (akhbar only) ------------------------------------------


def _same(a: str, b: str) -> bool:
    return " ".join(WORD.findall(a.lower())) == " ".join(WORD.findall(b.lower()))


def field_agreement(pages: list[Page], progress: Progress) -> dict[str, float]:
    """Share of pages where akhbar's title, first author and publication day equal the
    ground truth's (pages whose ground truth has the field)."""
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    task = progress.add_task("akhbar fields", total=len(pages))
    for page in pages:
        progress.advance(task)
        try:
            article = extract_article(page.html, page.url)
        except NotAnArticle:
            continue
        checks = {
            "title": (page.gold_title, _same(article.title, page.gold_title)),
            "author": (page.gold_author, bool(article.authors) and _same(
                article.authors[0], page.gold_author.split(",")[0])),
            "published day": (page.gold_date, (article.published_at or "")[:10]
                              == page.gold_date[:10]),
        }
        for name, (truth, hit) in checks.items():
            if truth:
                totals[name] += 1
                hits[name] += bool(hit)
    return {name: hits[name] / totals[name] for name in totals}


# --- the replica: site rules against trafilatura -------------------------------------------


def replica_pages() -> list[Page]:
    articles = load_articles()
    return [Page(str(i), absolute(REPLICA_BASE, articles[i].path),
                 render_article_page(i, articles, REPLICA_BASE), "") for i in articles]


def site_text(html: str, url: str) -> str:
    return extract_article(html, url, site="aawsat").text


@dataclass
class Rates:
    """Pages per second of two extractors on the same pages, timed in alternation."""

    first: float
    second: float
    ratio: float  # median over the repeats of first / second, each repeat timed back to back
    ratios: list[float] = field(default_factory=list)  # every repeat's: how much load moved it


def _rounds_for(extractor: Callable[[str, str], str], pages: list[Page]) -> int:
    """How many rounds over `pages` fill REPLICA_SECONDS (one round of the site path over
    35 pages is too short to time on a shared machine); the first round warms up."""
    start = time.perf_counter()
    for page in pages:
        extractor(page.html, page.url)
    return max(1, round(REPLICA_SECONDS / (time.perf_counter() - start)))


def _rate(extractor: Callable[[str, str], str], pages: list[Page], rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        for page in pages:
            extractor(page.html, page.url)
    return rounds * len(pages) / (time.perf_counter() - start)


def paired_rates(first: Callable[[str, str], str], second: Callable[[str, str], str],
                 pages: list[Page]) -> Rates:
    """Pages per second of each (median of REPLICA_REPEATS timings) and their ratio, the two
    timed back to back in each repeat, in alternating order."""
    rounds = (_rounds_for(first, pages), _rounds_for(second, pages))
    firsts, seconds, ratios = [], [], []
    for repeat in range(REPLICA_REPEATS):
        if repeat % 2:
            b = _rate(second, pages, rounds[1])
            a = _rate(first, pages, rounds[0])
        else:
            a = _rate(first, pages, rounds[0])
            b = _rate(second, pages, rounds[1])
        firsts.append(a)
        seconds.append(b)
        ratios.append(a / b)
    return Rates(statistics.median(firsts), statistics.median(seconds), statistics.median(ratios),
                 ratios)


Step = Callable[[str, LexborHTMLParser, str, PageMetadata], Article]


def path_costs(pages: list[Page], step: Step, by_rules: bool,
               rounds: int = 1) -> dict[str, float]:
    """Milliseconds per page of each stage of `extract_article`, measured stage by stage:
    the page's text (binary sniffing, UTF-8), lexbor parsing, metadata (the declarations;
    each field is worked out on first use, so partly inside the next stages), the extractor
    `step` (site rules on the lexbor tree, or the generic path: lxml parsing, trafilatura,
    fields), then finishing (text and content hash, language)."""
    costs: dict[str, float] = defaultdict(float)
    detect_language("warm up the lingua models on an Arabic text: الشرق الأوسط " * 3)
    for _ in range(rounds):
        for page in pages:
            start = time.perf_counter()
            text, data = _page_text(page.html)
            cleaned = time.perf_counter()
            tree = parse_html(data)
            parsed = time.perf_counter()
            meta = read_metadata(tree, page.url)
            read = time.perf_counter()
            try:
                article = step(text, tree, page.url, meta)
            except NotAnArticle:
                continue
            extracted = time.perf_counter()
            _finish(article, meta, None, by_rules)
            done = time.perf_counter()
            costs["page text (binary sniffing, UTF-8)"] += cleaned - start
            costs["parse (selectolax/lexbor)"] += parsed - cleaned
            costs["metadata (OpenGraph, JSON-LD)"] += read - parsed
            costs["extractor"] += extracted - read
            costs["finalize (content hash) + language"] += done - extracted
    n = rounds * len(pages)
    return {stage: seconds * 1000 / n for stage, seconds in costs.items()}


def site_step(_text: str, tree: LexborHTMLParser, url: str, meta: PageMetadata) -> Article:
    rules = rules_for(url, "aawsat")
    assert rules is not None
    return extract_site(tree, url, rules, meta)


def generic_step(text: str, _tree: LexborHTMLParser, url: str, meta: PageMetadata) -> Article:
    return extract_generic(Selector(text=remove_controls(text)), url, "", meta)


# --- report ---------------------------------------------------------------------------------


def score_table(scores: list[Score], pages: int) -> Table:
    table = Table(title=f"Generic extraction: {pages} pages, word-level scores (mean per page)")
    for column in ("extractor", "precision", "recall", "F1", "pages/s"):
        table.add_column(column, justify="left" if column == "extractor" else "right")
    for s in scores:
        table.add_row(s.name, f"{s.precision:.4f}", f"{s.recall:.4f}", f"{s.f1:.4f}",
                      f"{s.pages_per_second:.1f}")
    return table


def replica_table(rates: Rates, pages: int) -> Table:
    table = Table(title=f"Replica: {pages} article pages, site-rules path vs trafilatura")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("site rules (extract_article, site='aawsat') pages/s", f"{rates.first:.1f}")
    table.add_row("trafilatura.extract (defaults) pages/s", f"{rates.second:.1f}")
    table.add_row("site rules / trafilatura (median of paired timings)", f"{rates.ratio:.1f}×")
    table.add_row(f"lowest – highest of the {len(rates.ratios)} paired timings",
                  f"{min(rates.ratios):.1f}× – {max(rates.ratios):.1f}×")
    return table


def costs_table(title: str, columns: dict[str, dict[str, float]]) -> Table:
    """Milliseconds per page by stage, one column per path."""
    table = Table(title=title)
    table.add_column("stage of extract_article")
    for name in columns:
        table.add_column(f"{name}, ms/page", justify="right")
    stages = list(next(iter(columns.values())))
    for stage in stages:
        table.add_row(stage, *(f"{costs.get(stage, 0.0):.2f}" for costs in columns.values()))
    table.add_row("total", *(f"{sum(costs.values()):.2f}" for costs in columns.values()))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="a WCXB-style folder (html/, ground-truth/)")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--per-page", action="store_true", help="per-page scores in the JSON")
    args = parser.parse_args()
    console = Console()
    pages = load_pages(args.data)
    replica = replica_pages()
    with Progress(console=console, transient=True) as progress:
        akhbar, traf = timed_runs({"akhbar generic": akhbar_text,
                                   "trafilatura.extract": trafilatura_text}, pages, progress)
        fields = field_agreement(pages, progress)
        task = progress.add_task("replica and stage costs", total=3)
        rates = paired_rates(site_text, trafilatura_text, replica)
        progress.advance(task)
        costs = {"generic (benchmark pages)": path_costs(pages, generic_step, by_rules=False)}
        progress.advance(task)
        costs["site rules (replica)"] = path_costs(replica, site_step, True, REPLICA_ROUNDS)
        progress.advance(task)
    console.print(score_table([akhbar, traf], len(pages)))
    fields_table = Table(title="akhbar generic fields equal to the ground truth")
    fields_table.add_column("field")
    fields_table.add_column("share of pages", justify="right")
    for name, share in fields.items():
        fields_table.add_row(name, f"{share:.1%}")
    console.print(fields_table)
    console.print(replica_table(rates, len(replica)))
    console.print(costs_table("Where extract_article's time goes", costs))
    if args.json:
        report: dict[str, Any] = {
            "pages": len(pages),
            "scores": [_score_json(s, args.per_page) for s in (akhbar, traf)],
            "fields": fields,
            "replica": {"pages": len(replica), "site_pages_per_second": rates.first,
                        "trafilatura_pages_per_second": rates.second,
                        "site_over_trafilatura": rates.ratio,
                        "site_over_trafilatura_each_repeat": rates.ratios},
            "ms_per_page_by_stage": costs,
        }
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


def _score_json(score: Score, per_page: bool) -> dict[str, Any]:
    data = asdict(score)
    if not per_page:
        data.pop("per_page")
    return data


if __name__ == "__main__":
    main()
