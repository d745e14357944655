"""One page read two ways — by a site's rules and by the generic path — field by field, with
how many elements each rule finds: what `akhbar sites check SITE URL` shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from parsel import Selector

from workers.extract import ExtractionError, NotAnArticle, extract_with
from workers.messages import Article
from workers.sites import SiteRules

PREVIEW_CHARS = 70
DRIFT_FIELDS = ("title", "body")  # a rule of these finding nothing is drift

Show = Callable[[Article], str]


@dataclass(frozen=True)
class FieldRow:
    """One field: its value by each path, and the rule that reads it."""

    name: str
    by_rules: str
    by_generic: str
    rule: str  # the field's selectors, joined; "" when the site has no rule for it
    hits: int | None  # elements the rule finds where the extractor looks; None: no rule

    @property
    def needed(self) -> bool:
        """A field the rules cannot miss without drifting (headline, body)."""
        return self.name in DRIFT_FIELDS


@dataclass(frozen=True)
class Comparison:
    rules_outcome: str  # "site", "generic (drift)", "no rules (generic only)", "not an article: …"
    generic_outcome: str
    rows: list[FieldRow]
    warnings: list[str]  # of the extraction by rules


def _preview(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def _body(article: Article) -> str:
    if not article.body:
        return ""
    words = sum(len(p.split()) for p in article.body)
    return f"{len(article.body)} ¶, {words} words: {_preview(article.body[0])}"


def _related(article: Article) -> str:
    if not article.related:
        return ""
    return f"{len(article.related)}: {_preview(article.related[0].title or article.related[0].url)}"


FIELDS: tuple[tuple[str, Show], ...] = (
    ("title", lambda a: _preview(a.title)),
    ("subtitle", lambda a: _preview(a.subtitle)),
    ("section", lambda a: a.section or ""),
    ("authors", lambda a: _preview(", ".join(a.authors))),
    ("published", lambda a: a.published_at or ""),
    ("updated", lambda a: a.updated_at or ""),
    ("lead image", lambda a: _preview(a.lead_image.url)),
    ("lead caption", lambda a: _preview(a.lead_image.caption)),
    ("body", _body),
    ("tags", lambda a: _preview(", ".join(a.tags))),
    ("related", _related),
    ("next article", lambda a: _preview(a.next_article_url)),
    ("language", lambda a: a.language or ""),
)


def field_rules(rules: SiteRules) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Field → (its selectors, read inside the article element?)."""
    card = (rules.related.card,) if rules.related else ()
    return {
        "article": (rules.article, False),
        "title": (rules.headline, True),
        "subtitle": ((rules.subtitle,), True),
        "section": ((rules.breadcrumbs,), False),
        "authors": ((rules.author,), True),
        "published": (rules.publish_line, True),
        "updated": ((rules.update_line,), True),
        "lead image": ((rules.lead_image,), True),
        "lead caption": (rules.lead_caption, True),
        "body": ((rules.body,), True),
        "tags": ((rules.tags,), True),
        "related": (card, False),
        "next article": (tuple(s for s, _attribute in rules.next_article_url_sources), False),
    }


def rule_hits(html: str, rules: SiteRules) -> dict[str, tuple[str, int | None]]:
    """Field → (selectors, elements found): inside the first article element for the
    article's own fields, in the whole page for the rest; (`""`, None) with no rule."""
    doc = Selector(text=html)
    scope = next((found[0] for s in rules.article if (found := doc.css(s))), doc)
    hits: dict[str, tuple[str, int | None]] = {}
    for name, (selectors, inside) in field_rules(rules).items():
        selectors = tuple(s for s in selectors if s)
        where = scope if inside else doc
        count = sum(len(where.css(s)) for s in selectors) if selectors else None
        hits[name] = (" | ".join(selectors), count)
    return hits


def _attempt(html: str, url: str, rules: SiteRules | None, site: str) -> Article | str:
    try:
        return extract_with(html, url, rules, site=site)
    except (NotAnArticle, ExtractionError) as exc:
        return f"{type(exc).__name__}: {exc}"


def _outcome(result: Article | str, rules: SiteRules | None) -> str:
    if isinstance(result, str):
        return result
    if rules is None or not rules.has_rules:
        return "generic" if rules is None else "no rules (generic only)"
    return "site" if result.extraction.method == "site" else "generic (drift)"


def compare_extractions(html: str, url: str, rules: SiteRules) -> Comparison:
    """`html` (the page at `url`) read by `rules` and by the generic path."""
    by_rules = _attempt(html, url, rules, rules.name)
    by_generic = _attempt(html, url, None, rules.name)
    hits = rule_hits(html, rules)
    rows = [FieldRow("article", "", "", *hits["article"])]
    for name, show in FIELDS:
        rule, count = hits.get(name, ("", None))
        rows.append(FieldRow(
            name,
            show(by_rules) if isinstance(by_rules, Article) else "",
            show(by_generic) if isinstance(by_generic, Article) else "",
            rule, count,
        ))
    warnings = by_rules.extraction.warnings if isinstance(by_rules, Article) else []
    return Comparison(_outcome(by_rules, rules), _outcome(by_generic, None), rows, warnings)
