"""Selectors of different tags answered by one query (`workers.extract.grouped`): what each
finds is what it finds alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workers.extract.fastdom import parse_html, select
from workers.extract.grouped import Selected, select_each, subject_tags

MARKUP = st.lists(st.sampled_from([
    "<h1 class='t'>a</h1>", "<h2>b</h2>", "<div class='t'><h2 class='s'>c</h2></div>",
    "<img src='x' class='t'>", "<figure><img src='y'><figcaption>d</figcaption></figure>",
    "<p class='s'>e</p>", "<svg><foreignObject class='t'>f</foreignObject></svg>",
    "<span><a href='z'>g</a></span>", "<!-- h1 -->",
]), max_size=8).map("".join)
SELECTORS = st.lists(st.sampled_from([
    "h1", ".t h2", "div h2, h1", "img", "figure img", "figcaption", ".t", "p.s", "*",
    "foreignobject", "span > a", "a:not(.x)", "[src]", "", "h1, h2", "p, p.s",
]), max_size=5).map(tuple)


@given(MARKUP, SELECTORS)
@settings(max_examples=500)
def test_each_selector_finds_what_it_finds_alone(markup: str, selectors: tuple[str, ...]) -> None:
    tree = parse_html(f"<html><body><main>{markup}</main></body></html>")
    scope = tree.css_first("main")
    assert scope is not None
    found = select_each(scope, selectors)
    assert set(found) == {s for s in selectors if s}
    for selector, nodes in found.items():
        assert [n.mem_id for n in nodes] == [n.mem_id for n in select(scope, selector)], selector


def test_only_selectors_naming_a_tag_are_grouped() -> None:
    assert subject_tags(".entry-title h1") == frozenset({"h1"})
    assert subject_tags("div h2, h1") == frozenset({"h1", "h2"})
    assert subject_tags("a.b:not(.c)[href]") == frozenset({"a"})
    assert subject_tags(".author") is None
    assert subject_tags("h1, .x") is None
    assert subject_tags("a::before") is None
    assert subject_tags("a[") is None  # cssselect cannot read it: asked alone


def test_a_selector_not_asked_for_at_first_is_queried_then() -> None:
    tree = parse_html("<html><body><main><h1>a</h1><p>b</p><p>c</p></main></body></html>")
    scope = tree.css_first("main")
    assert scope is not None
    fields = Selected(scope, ("h1", "img"))
    assert fields.text_at("h1") == "a"
    assert fields.texts("p") == ["b", "c"]
    assert fields.first("img") is None
    assert fields.first_text(("img", "p")) == ("b", "p")
