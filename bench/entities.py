"""Entity benchmark, run by hand: `python bench/entities.py [--misses] [--rounds N]`.

1. Quality: the entities of the replica articles annotated by hand in
   tests/fixtures/entities/ (rendered, extracted by the site rules, enriched), scored by
   `workers.enrich.entities.evaluate`: precision, recall and F1 per type and overall; then
   the same on tests/fixtures/entities/heldout/, articles annotated after the rules were
   written and not tuned on, for an honest figure.
2. Cost: CPU time (process_time) of `enrich_entities` per article, median over the replica
   articles and over 600-word articles made by joining replica paragraphs; the whole
   `enrich_article` too when every enricher is importable. The gazetteer is built before the
   clock starts (once per process), as in a worker.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workers.enrich.entities import enrich_entities  # noqa: E402
from workers.enrich.entities.evaluate import TYPES, Score, load_annotations, replica_article  # noqa: E402
from workers.enrich.entities.gazetteer import gazetteer  # noqa: E402
from workers.enrich.normalize import fold_text  # noqa: E402
from workers.messages import Article  # noqa: E402

ANNOTATIONS = ROOT / "tests" / "fixtures" / "entities"
HELD_OUT = ANNOTATIONS / "heldout"  # annotated after the rules were written: never tuned on
TARGET_WORDS = 600


def score(folder: Path, show_misses: bool) -> Score:
    result = Score()
    annotations = load_annotations(folder)
    print(f"\n{folder.relative_to(ROOT)}: {len(annotations)} articles")
    for annotation in annotations:
        article = replica_article(annotation["id"], annotation["edition"])
        found = enrich_entities(article, {})["entities"]
        result.add(annotation["id"], annotation["entities"], found)
    print(f"{'type':<14}{'P':>7}{'R':>7}{'F1':>7}{'found':>7}{'gold':>6}")
    for type_ in (*TYPES, None):
        p, r, f = result.prf(type_)
        found = result.found[type_] if type_ else sum(result.found.values())
        gold = result.annotated[type_] if type_ else sum(result.annotated.values())
        print(f"{type_ or 'overall':<14}{p:7.3f}{r:7.3f}{f:7.3f}{found:7d}{gold:6d}")
    if show_misses:
        for label, rows in (("missed", result.misses), ("invented", result.inventions)):
            for article_id, type_, name in rows:
                print(f"  {label}: {article_id} {type_} {name}")
    return result


def long_articles(articles: list[Article]) -> list[Article]:
    """Articles of about 600 words, each made of consecutive replica paragraphs."""
    paragraphs = [p for a in articles for p in a.body]
    made: list[Article] = []
    body: list[str] = []
    words = 0
    for paragraph in paragraphs:
        body.append(paragraph)
        words += len(paragraph.split())
        if words >= TARGET_WORDS:
            made.append(Article(url="x", canonical_url="x", site="aawsat",
                                title=articles[len(made) % len(articles)].title,
                                body=body).finalize())
            body, words = [], 0
    return made


def cpu_ms(function, articles: list[Article], rounds: int) -> list[float]:
    times = []
    for article in articles:
        start = time.process_time()
        for _ in range(rounds):
            function(article)
        times.append((time.process_time() - start) / rounds * 1000)
    return times


def _cold_entities(article: Article) -> None:
    """`enrich_entities` paying for the folding of its paragraphs, which `fold_text` caches
    for all the enrichers of an article (in the pipeline an earlier one may have paid)."""
    fold_text.cache_clear()
    enrich_entities(article, {})


def cost(rounds: int) -> None:
    from replica.content import load_articles

    articles = [replica_article(i, "ar") for i in load_articles()]
    sets = {"replica articles": articles, "600-word articles": long_articles(articles)}
    for label, group in sets.items():
        words = statistics.median(len(a.text.split()) for a in group)
        times = cpu_ms(lambda a: enrich_entities(a, {}), group, rounds)
        cold = cpu_ms(_cold_entities, group, rounds)
        print(f"enrich_entities, {label} ({len(group)}, median {words:.0f} words): "
              f"median {statistics.median(times):.2f} ms, max {max(times):.2f} ms CPU; "
              f"with folding not yet cached: median {statistics.median(cold):.2f} ms")
    try:
        from workers.enrich import enrich_article
        enrich_article(articles[0])
    except Exception as exc:  # the other enrichers may not be there yet
        print(f"enrich_article not measured: {type(exc).__name__}: {exc}")
        return
    times = cpu_ms(enrich_article, sets["600-word articles"], rounds)
    print(f"enrich_article, 600-word articles: median {statistics.median(times):.2f} ms CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list misses and inventions")
    parser.add_argument("--rounds", type=int, default=20, help="timing repetitions")
    args = parser.parse_args()
    started = time.process_time()
    gazetteer()
    print(f"gazetteer built in {time.process_time() - started:.2f} s CPU (once per process)")
    score(ANNOTATIONS, args.misses)
    score(HELD_OUT, args.misses)
    cost(args.rounds)


if __name__ == "__main__":
    main()
