"""Site files: one YAML mapping per site, validated into `SiteRules`.

```yaml
name: example-news                 # required: letters, digits, '-', '_' (the spider's name)
domains: [example.com, www.example.com]   # required: the host names that serve the site
article_url_pattern: '^/news/\\d+'  # required: Python regex searched in each URL's path
rules_version: example-2025.1      # optional; default: <name>-<hash of the file>
timezone: Europe/London            # optional: IANA name or offset "+03:00"; default UTC
start: [/feed, /sitemap.xml, https://feeds.example.com/all.xml]   # paths or URLs
listing: {links: ['.teaser h2 a'], attributes: [href]}  # article links of section pages
selectors:                         # optional; without it the generic path extracts pages
  article: [main article]          # the article's element (first match); fields below are
  headline: [.headline h1]         # read inside it. headline and body are required here
  body: .story p
  body_drop: [.story blockquote]   # others: subtitle, lead_image, lead_caption,
  publish_line: [.dateline]        # update_line, author, tags, breadcrumbs, next_article,
  next_article_url: [{selector: .next, attribute: data-url}]
related: {card: .related .item, link: h3 a}   # + section image caption summary dateline
                                               #   video_marker video_label
noise: {selectors: [.share-bar], strings: [Listen to the article]}
error_page_markers: [Page not found]
```

A selector field takes one CSS selector or a list (tried in order; for single-selector fields
the list is joined into one group). Selectors are plain CSS that both engines read: lexbor
(selectolax) for the article's fields, cssselect (parsel) for the listing links; parsel's
`::text`, `::attr()` and cssselect's `:contains()` are refused. Every error names the file and
the key: `sites/foo.yaml: 'domains' must be a list of host names`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from parsel.csstranslator import css2xpath
from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from workers.sites.rules import CardRules, SiteRules

TOP_KEYS = (
    "name", "domains", "article_url_pattern", "rules_version", "timezone", "start", "listing",
    "selectors", "related", "noise", "error_page_markers",
)  # fmt: skip
LISTING_KEYS = ("links", "attributes")
SELECTOR_LISTS = ("article", "headline", "body_drop", "lead_caption", "publish_line")
SELECTOR_ONES = (
    "subtitle", "body", "lead_image", "update_line", "author", "tags", "breadcrumbs",
    "next_article",
)  # fmt: skip
SELECTOR_KEYS = (*SELECTOR_LISTS, *SELECTOR_ONES, "next_article_url")
RELATED_KEYS = (
    "card", "link", "section", "image", "caption", "summary", "dateline", "video_marker",
    "video_label",
)  # fmt: skip
NOISE_KEYS = ("selectors", "strings")
SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
HOST_NAME = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")  # noqa: E501
UTC_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


class SiteConfigError(ValueError):
    """A site file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class _Reader:
    """One mapping of a site file; `prefix` names the enclosing key in errors."""

    data: Mapping[str, Any]
    where: str
    prefix: str = ""

    def fail(self, key: str, problem: str) -> SiteConfigError:
        return SiteConfigError(f"{self.where}: '{self.prefix}{key}' {problem}")

    def check_keys(self, known: tuple[str, ...]) -> None:
        for key in self.data:
            if key not in known:
                raise self.fail(str(key), f"is not a known key; known: {', '.join(known)}")

    def text(self, key: str, *, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "is required: a non-empty string" if value is None
                            else "must be a non-empty string")
        return value.strip()

    def texts(self, key: str) -> tuple[str, ...]:
        """A string or a list of strings, as a tuple ("" and None: empty)."""
        value = self.data.get(key)
        if value is None or value == "":
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise self.fail(key, "must be a string or a list of non-empty strings")
        return tuple(i.strip() for i in items)

    def selectors(self, key: str) -> tuple[str, ...]:
        found = self.texts(key)
        for selector in found:
            try:
                css2xpath(selector)
            except Exception as exc:  # cssselect's SelectorError and ExpressionError
                raise self.fail(key, f"is not a valid CSS selector: {selector!r} ({exc})") from None
            if not _lexbor_reads(selector):
                raise self.fail(key, f"is a selector selectolax (lexbor) cannot read: {selector!r} "
                                     "(use plain CSS: no ::text, ::attr() or :contains())")
        return found

    def selector(self, key: str) -> str:
        return ", ".join(self.selectors(key))

    def section(self, key: str, known: tuple[str, ...]) -> _Reader | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.fail(key, f"must be a mapping with the keys {', '.join(known)}")
        reader = _Reader(value, self.where, f"{self.prefix}{key}.")
        reader.check_keys(known)
        return reader


def _lexbor_reads(selector: str) -> bool:
    """Can lexbor, which reads the article's fields, parse `selector`?"""
    try:
        LexborHTMLParser("<p></p>").css_first(selector)
    except SelectolaxError:
        return False
    return True


# --- identity --------------------------------------------------------------------------------


def _name(r: _Reader) -> str:
    name = r.text("name", required=True)
    if not SITE_NAME.match(name):
        raise r.fail("name", f"must be lower-case letters, digits, '-' or '_', not {name!r}")
    return name


def _domains(r: _Reader) -> tuple[str, ...]:
    value = r.data.get("domains")
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(h, str) for h in items):
        raise r.fail("domains", f"must be a list of host names, e.g. [example.com, "
                                f"www.example.com]; got {value!r}")
    hosts = [h.strip().lower().rstrip(".") for h in items]
    bad = next((h for h in hosts if not HOST_NAME.match(h)), None)
    if bad is not None:
        raise r.fail("domains", f"must be a list of host names (no scheme, port or path): "
                                f"{bad!r} is not one")
    return tuple(dict.fromkeys(hosts))


def _pattern(r: _Reader) -> re.Pattern[str]:
    source = r.text("article_url_pattern", required=True)
    try:
        return re.compile(source)
    except re.error as exc:
        raise r.fail("article_url_pattern", f"is not a valid regular expression: {exc}") from None


def _timezone(r: _Reader) -> tzinfo:
    name = r.text("timezone")
    if not name or name.upper() in ("UTC", "GMT", "Z"):
        return UTC
    offset = UTC_OFFSET.match(name)
    if offset:
        sign = -1 if offset[1] == "-" else 1
        delta = timedelta(hours=int(offset[2]), minutes=int(offset[3] or 0))
        if delta > timedelta(hours=14):
            raise r.fail("timezone", f"offset {name!r} is beyond ±14:00")
        return timezone(sign * delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise r.fail("timezone", f"is neither an IANA zone name (Asia/Riyadh) nor an "
                                 f"offset (+03:00): {name!r}") from None


def _start(r: _Reader) -> tuple[str, ...]:
    entries = r.texts("start")
    for entry in entries:
        if not entry.startswith(("/", "http://", "https://")):
            raise r.fail("start", f"entries must be paths (/feed) or http(s) URLs, not {entry!r}")
    return entries


# --- selectors -------------------------------------------------------------------------------


def _next_article_urls(s: _Reader) -> tuple[tuple[str, str], ...]:
    value = s.data.get("next_article_url") or []
    if not isinstance(value, list):
        raise s.fail("next_article_url", "must be a list of {selector: ..., attribute: ...}")
    pairs = []
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise s.fail(f"next_article_url[{index}]", "must be {selector: ..., attribute: ...}")
        one = _Reader(item, s.where, f"{s.prefix}next_article_url[{index}].")
        one.check_keys(("selector", "attribute"))
        one.text("selector", required=True)
        pairs.append((one.selector("selector"), one.text("attribute", required=True)))
    return tuple(pairs)


def _selector_fields(r: _Reader) -> dict[str, Any]:
    s = r.section("selectors", SELECTOR_KEYS)
    if s is None:
        return {}
    fields: dict[str, Any] = {key: s.selectors(key) for key in SELECTOR_LISTS}
    fields |= {key: s.selector(key) for key in SELECTOR_ONES}
    for required in ("headline", "body"):
        if not fields[required]:
            raise s.fail(required, "is required when 'selectors' is given (leave 'selectors' "
                                   "out for generic extraction)")
    fields["next_article_url_sources"] = _next_article_urls(s)
    return fields


def _related(r: _Reader) -> CardRules | None:
    c = r.section("related", RELATED_KEYS)
    if c is None:
        return None
    for required in ("card", "link"):
        if not c.selector(required):
            raise c.fail(required, "is required when 'related' is given")
    parts = {key: c.selector(key) for key in RELATED_KEYS if key != "video_label"}
    return CardRules(**parts, video_label=c.text("video_label"))


def _listing(r: _Reader) -> dict[str, Any]:
    listing = r.section("listing", LISTING_KEYS)
    if listing is None:
        return {}
    return {
        "listing_link_selectors": listing.selectors("links"),
        "listing_link_attributes": listing.texts("attributes") or ("href",),
    }


def _noise(r: _Reader) -> dict[str, Any]:
    noise = r.section("noise", NOISE_KEYS)
    if noise is None:
        return {}
    return {
        "noise_selectors": noise.selectors("selectors"),
        "noise_strings": noise.texts("strings"),
    }


# --- files -----------------------------------------------------------------------------------


def parse_site(data: object, where: str, version_seed: bytes = b"") -> SiteRules:
    """Validate one decoded site file; `where` names it in errors."""
    if not isinstance(data, Mapping):
        raise SiteConfigError(f"{where}: a site file must hold one mapping (name: ..., ...)")
    r = _Reader(data, where)
    r.check_keys(TOP_KEYS)
    name = _name(r)
    version = r.text("rules_version") or f"{name}-{hashlib.sha1(version_seed).hexdigest()[:8]}"
    return SiteRules(
        name=name, domains=_domains(r), article_url_pattern=_pattern(r), rules_version=version,
        start_paths=_start(r), error_page_markers=r.texts("error_page_markers"),
        related=_related(r), tz=_timezone(r), source=where,
        **_listing(r), **_selector_fields(r), **_noise(r),
    )


def load_site_file(path: Path) -> SiteRules:
    """The site described by the YAML file at `path`; SiteConfigError names what is wrong."""
    where = str(path)
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8"))
    except OSError as exc:
        raise SiteConfigError(f"{where}: cannot read the file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SiteConfigError(f"{where}: the file must be UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise SiteConfigError(f"{where}: not valid YAML: {exc}") from None
    return parse_site(data, where, raw)
