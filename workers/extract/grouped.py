"""Selectors of different tags answered by one lexbor query (`select_each`, `Selected`).

A lexbor query has a fixed cost (selectolax sets up and frees the CSS parser's memory for
each: ~20,000 instructions, most of what a query inside an article or a card costs). Selectors
whose subjects — the compound their last part names, `h1` of `.entry-title h1` — name
different tags run as one query, `a, b, …`: an element the query finds matched a selector
whose subject names its tag, and only one does. The element's tag, one property read, tells
which. Selectors naming no tag (`.author`), or a tag another one names, are asked alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cssselect import parse
from cssselect.parser import CombinedSelector, Element, SelectorError, Tree

from workers.extract.fastdom import LexborNode, node_text, select

__all__ = ["Selected", "select_each", "subject_tags"]


def _subject_tag(tree: Tree) -> str | None:
    if isinstance(tree, CombinedSelector):
        tree = tree.subselector
    while not isinstance(tree, Element):
        tree = tree.selector  # a class, an attribute, a pseudo-class… of the same element
    return tree.element.lower() if tree.namespace is None and tree.element else None


@lru_cache(maxsize=1024)
def subject_tags(selector: str) -> frozenset[str] | None:
    """The tags the subjects of `selector`'s parts name; None when one names none (or
    cssselect cannot read it, or it has a pseudo-element)."""
    try:
        parts = parse(selector)
    except SelectorError:
        return None
    tags = set()
    for part in parts:
        tag = _subject_tag(part.parsed_tree) if part.pseudo_element is None else None
        if tag is None:
            return None
        tags.add(tag)
    return frozenset(tags) or None


@dataclass(frozen=True)
class _Plan:
    query: str  # the selectors that share one query, as one group ("" for none)
    owners: dict[str, str]  # the tag each of them names → that selector
    shared: tuple[str, ...]
    alone: tuple[str, ...]  # the selectors asked one by one
    repeats: bool  # a shared selector has several parts: an element may come twice


@lru_cache(maxsize=256)
def _plan(selectors: tuple[str, ...]) -> _Plan:
    wanted = tuple(dict.fromkeys(s for s in selectors if s))
    owners: dict[str, str] = {}
    shared: list[str] = []
    for selector in wanted:
        tags = subject_tags(selector)
        if tags is None or any(tag in owners for tag in tags):
            continue
        owners.update(dict.fromkeys(tags, selector))
        shared.append(selector)
    if len(shared) < 2:
        return _Plan("", {}, (), wanted, False)
    alone = tuple(s for s in wanted if s not in shared)
    return _Plan(", ".join(shared), owners, tuple(shared), alone,
                 any("," in s for s in shared))


def select_each(scope: LexborNode, selectors: tuple[str, ...]) -> dict[str, list[LexborNode]]:
    """`{selector: fastdom.select(scope, selector)}` for each non-blank one of `selectors`."""
    plan = _plan(selectors)
    found: dict[str, list[LexborNode]] = {}
    if plan.query and not _dispatch(scope, plan, found):
        found = {selector: select(scope, selector) for selector in plan.shared}
    for selector in plan.alone:
        found[selector] = select(scope, selector)
    return found


def _dispatch(scope: LexborNode, plan: _Plan, found: dict[str, list[LexborNode]]) -> bool:
    """Run the shared query and give each element to the selector of its tag; False when an
    element's tag is no selector's (lexbor and cssselect read a tag differently)."""
    owners = plan.owners
    for selector in plan.shared:
        found[selector] = []
    last = -1
    for node in scope.css(plan.query):
        owner = owners.get(node.tag or "")  # lexbor's names of HTML tags: lower case
        if owner is None:
            return False
        if plan.repeats:  # the parts of one group that match an element list it once each
            node_id = node.mem_id
            if node_id == last:
                continue
            last = node_id
        found[owner].append(node)
    return True


class Selected:
    """What selectors find in `scope`: those named at the start found together
    (`select_each`), any other when first asked for, on `scope` as it is then."""

    def __init__(self, scope: LexborNode, selectors: tuple[str, ...] = ()) -> None:
        self.scope = scope
        self.found = select_each(scope, selectors)

    def all(self, selector: str) -> list[LexborNode]:
        if not selector:
            return []
        if selector not in self.found:
            self.found[selector] = select(self.scope, selector)
        return self.found[selector]

    def first(self, selector: str) -> LexborNode | None:
        """The first element `selector` finds; None for none or no rule."""
        if selector and selector not in self.found:
            return self.scope.css_first(selector)  # lexbor stops at the first
        found = self.all(selector)
        return found[0] if found else None

    def first_text(self, selectors: Iterable[str]) -> tuple[str, str | None]:
        """(text, selector) of the first selector that finds non-empty text; ("", None)."""
        for selector in selectors:
            for node in self.all(selector):
                text = node_text(node)
                if text:
                    return text, selector
        return "", None

    def text_at(self, selector: str) -> str:
        """The text of the first element `selector` finds; "" for none or no rule."""
        found = self.first(selector)
        return node_text(found) if found is not None else ""

    def texts(self, selector: str) -> list[str]:
        return [t for t in map(node_text, self.all(selector)) if t]
