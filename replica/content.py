"""The replica's articles: one JSON file per article, loaded and validated.

Every file in the content folder is `<id>.json` in the schema of `docs/replica.md`. Loading is
strict about what is there (a bad field fails with the file and the field named) and lenient
about what is missing: optional fields get defaults, and `related` / `next` ids that no file
provides are kept here and skipped when pages are rendered.

Two editions share the schema: "ar" (aawsat.com, the default, `replica/content/`) and "en"
(english.aawsat.com, `replica/content-en/`); `EDITIONS` describes them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, Literal, TypeAlias

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_CONTENT_DIR = PACKAGE_DIR / "content"
ENGLISH_CONTENT_DIR = PACKAGE_DIR / "content-en"

SITE_NAME = "الشرق الأوسط"

SECTIONS: dict[str, str] = {
    "العالم": "العالم",
    "أوروبا": "أوروبا",
    "الولايات-المتحدة": "الولايات المتحدة",
    "شؤون-إقليمية": "شؤون إقليمية",
    "العالم-العربي": "العالم العربي",
    "الاقتصاد": "الاقتصاد",
    "الرياضة": "الرياضة",
    "ثقافة-وفنون": "ثقافة وفنون",
    "الرأي": "الرأي",
}
OPINION_SECTION = "الرأي"

ENGLISH_SITE_NAME = "Asharq Al-Awsat"
ENGLISH_SECTIONS: dict[str, str] = {
    "world": "World",
    "middle-east": "Middle East",
    "business": "Business",
    "sports": "Sports",
    "culture": "Culture",
    "opinion": "Opinion",
}
ENGLISH_OPINION_SECTION = "opinion"

SEED_ARTICLE_ID = 5154321  # Shoigu in Pyongyang: the seed page
MELONI_ARTICLE_ID = 5163170  # appended below the seed article by infinite scroll

MonthStyle = Literal["gulf", "levant", "both"]
MONTH_STYLES: tuple[str, ...] = ("gulf", "levant", "both")


class ContentError(ValueError):
    """A content file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Edition:
    """One edition of the site: where its content lives and what its pages declare."""

    name: str  # "ar" | "en", the key in EDITIONS
    language: str  # <html lang>, JSON-LD inLanguage, RSS <language>
    direction: str  # <html dir>: "rtl" | "ltr"
    locale: str  # og:locale
    content_dir: Path  # the bundled content folder
    sections: Mapping[str, str]  # slug -> label, in menu order
    opinion_section: str  # the slug whose listing uses opinion cards
    canonical_base: str  # the original site, named by canonical URLs
    site_name: str  # og:site_name, JSON-LD publisher, page titles


DEFAULT_EDITION = "ar"
EDITIONS: dict[str, Edition] = {
    "ar": Edition(
        name="ar",
        language="ar",
        direction="rtl",
        locale="ar_AR",
        content_dir=BUNDLED_CONTENT_DIR,
        sections=SECTIONS,
        opinion_section=OPINION_SECTION,
        canonical_base="https://aawsat.com",
        site_name=SITE_NAME,
    ),
    "en": Edition(
        name="en",
        language="en",
        direction="ltr",
        locale="en_US",
        content_dir=ENGLISH_CONTENT_DIR,
        sections=ENGLISH_SECTIONS,
        opinion_section=ENGLISH_OPINION_SECTION,
        canonical_base="https://english.aawsat.com",
        site_name=ENGLISH_SITE_NAME,
    ),
}
# Fields that only mean something in the Arabic publish line.
ARABIC_ONLY_FIELDS = ("month_style", "arabic_digits")


def get_edition(name: str) -> Edition:
    """The edition called `name` ("ar" or "en"); ValueError for any other name."""
    try:
        return EDITIONS[name]
    except KeyError:
        raise ValueError(f"unknown edition {name!r}; known: {sorted(EDITIONS)}") from None


@dataclass(frozen=True)
class ReplicaImage:
    file: str  # path under /styles/1037xauto/public/
    caption: str  # exactly as displayed, credit included


@dataclass(frozen=True)
class Blockquote:
    """An embedded post inside the body (not an article paragraph)."""

    text: str
    cite: str | None


@dataclass(frozen=True)
class Lines:
    """One `<p>` holding several article paragraphs separated by `<br>`."""

    lines: tuple[str, ...]


BodyItem: TypeAlias = str | Blockquote | Lines


@dataclass(frozen=True)
class ReplicaArticle:
    id: int
    section: str
    slug: str
    title: str
    subtitle: str | None
    authors: tuple[str, ...]
    published: datetime
    updated: datetime | None
    month_style: MonthStyle
    arabic_digits: bool
    image: ReplicaImage | None
    summary: str
    dateline: str | None
    has_video: bool
    body: tuple[BodyItem, ...]
    tags: tuple[str, ...]
    related: tuple[int, ...]
    next: int | None
    edition: str = DEFAULT_EDITION  # a key of EDITIONS

    @property
    def path(self) -> str:
        """The unquoted URL path: `/<section-slug>/<id>-<slug>`."""
        return f"/{self.section}/{self.id}-{self.slug}"

    @property
    def site(self) -> Edition:
        """The edition the article belongs to."""
        return EDITIONS[self.edition]

    @property
    def section_label(self) -> str:
        return self.site.sections[self.section]

    @property
    def modified(self) -> datetime:
        return self.updated or self.published

    @property
    def is_opinion(self) -> bool:
        return self.section == self.site.opinion_section

    @property
    def paragraphs(self) -> list[str]:
        """The article's paragraphs, embedded posts left out."""
        out: list[str] = []
        for item in self.body:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, Lines):
                out.extend(item.lines)
        return out


# --- validation helpers -------------------------------------------------------------------


class _Fields:
    """Typed access to one JSON object, raising ContentError that names file and field."""

    def __init__(self, data: Mapping[str, Any], where: str) -> None:
        self.data = data
        self.where = where

    def fail(self, field: str, problem: str) -> ContentError:
        return ContentError(f"{self.where}: field {field!r} {problem}")

    def text(self, field: str, *, optional: bool = False, empty_ok: bool = False) -> str | None:
        value = self.data.get(field)
        if value is None:
            if optional:
                return None
            raise self.fail(field, "is required (a string)")
        if not isinstance(value, str):
            raise self.fail(field, f"must be a string, not {type(value).__name__}")
        if not value.strip() and not empty_ok:
            raise self.fail(field, "must not be empty")
        return value

    def required_text(self, field: str) -> str:
        value = self.text(field)
        assert value is not None
        return value

    def flag(self, field: str, default: bool = False) -> bool:
        value = self.data.get(field, default)
        if not isinstance(value, bool):
            raise self.fail(field, "must be true or false")
        return value

    def text_list(self, field: str) -> tuple[str, ...]:
        value = self.data.get(field) or []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(field, "must be a list of non-empty strings")
        return tuple(value)

    def id_list(self, field: str) -> tuple[int, ...]:
        value = self.data.get(field) or []
        if not isinstance(value, list) or not all(_is_id(v) for v in value):
            raise self.fail(field, "must be a list of article ids (positive integers)")
        return tuple(value)

    def optional_id(self, field: str) -> int | None:
        value = self.data.get(field)
        if value is not None and not _is_id(value):
            raise self.fail(field, "must be an article id (a positive integer) or null")
        return value

    def when(self, field: str, *, optional: bool = False) -> datetime | None:
        raw = self.text(field, optional=optional)
        if raw is None:
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError as exc:
            raise self.fail(field, f"is not an ISO 8601 date-time: {raw!r}") from exc
        if value.tzinfo is None:
            raise self.fail(field, f"needs a UTC offset, e.g. +03:00: {raw!r}")
        return value


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


KNOWN_FIELDS = frozenset(
    {
        "id", "section", "slug", "title", "subtitle", "authors", "published", "updated",
        "month_style", "arabic_digits", "image", "summary", "dateline", "has_video", "body",
        "tags", "related", "next",
    }
)  # fmt: skip


def _parse_image(f: _Fields) -> ReplicaImage | None:
    raw = f.data.get("image")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise f.fail("image", "must be an object {file, caption} or null")
    image = _Fields(raw, f.where)
    file = image.required_text("file")
    parts = PurePosixPath(file).parts
    if file.startswith("/") or ".." in parts or "\\" in file:
        raise f.fail("image.file", f"must be a relative path without '..': {file!r}")
    return ReplicaImage(file=file, caption=image.required_text("caption"))


def _parse_body_item(f: _Fields, index: int, item: object) -> BodyItem:
    field = f"body[{index}]"
    if isinstance(item, str) and item.strip():
        return item
    if isinstance(item, dict) and set(item) <= {"blockquote", "cite"} and "blockquote" in item:
        quote = _Fields(item, f.where)
        return Blockquote(quote.required_text("blockquote"), quote.text("cite", optional=True))
    if isinstance(item, dict) and set(item) == {"lines"}:
        lines = item["lines"]
        if isinstance(lines, list) and lines and all(isinstance(x, str) and x for x in lines):
            return Lines(tuple(lines))
    raise f.fail(
        field,
        'must be a non-empty string, {"blockquote": ..., "cite": ...} '
        'or {"lines": [non-empty strings]}',
    )


def _parse_body(f: _Fields) -> tuple[BodyItem, ...]:
    raw = f.data.get("body")
    if not isinstance(raw, list) or not raw:
        raise f.fail("body", "must be a non-empty list")
    return tuple(_parse_body_item(f, i, item) for i, item in enumerate(raw))


def _parse_identity(f: _Fields, expected_id: int | None, edition: Edition) -> tuple[int, str, str]:
    article_id = f.data.get("id")
    if not _is_id(article_id):
        raise f.fail("id", "must be a positive integer")
    assert isinstance(article_id, int)
    if expected_id is not None and article_id != expected_id:
        raise f.fail("id", f"is {article_id} but the file is named {expected_id}.json")
    section = f.required_text("section")
    if section not in edition.sections:
        raise f.fail("section", f"{section!r} is not one of {sorted(edition.sections)}")
    slug = f.required_text("slug")
    if any(ch in slug for ch in "/?#%") or any(ch.isspace() for ch in slug):
        raise f.fail("slug", "must not contain '/', '?', '#', '%' or spaces")
    return article_id, section, slug


def _parse_month_style(f: _Fields) -> MonthStyle:
    style = f.data.get("month_style", "gulf")
    if style == "gulf" or style == "levant" or style == "both":
        return style
    raise f.fail("month_style", f"must be one of {list(MONTH_STYLES)}, not {style!r}")


def _check_field_names(data: Mapping[str, Any], where: str, edition: Edition) -> None:
    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown:
        raise ContentError(f"{where}: unknown field(s) {unknown}; known: {sorted(KNOWN_FIELDS)}")
    if edition.language != "ar":
        for field in ARABIC_ONLY_FIELDS:
            if field in data:
                raise ContentError(
                    f"{where}: field {field!r} is not used by the {edition.name!r} edition"
                )


def parse_article(
    data: object, where: str, expected_id: int | None = None, edition: str = DEFAULT_EDITION
) -> ReplicaArticle:
    """Validate one decoded content file of `edition`; `where` names it in errors."""
    if not isinstance(data, dict):
        raise ContentError(f"{where}: the file must hold one JSON object")
    spec = get_edition(edition)
    _check_field_names(data, where, spec)
    f = _Fields(data, where)
    article_id, section, slug = _parse_identity(f, expected_id, spec)
    body = _parse_body(f)
    published = f.when("published")
    assert published is not None
    return ReplicaArticle(
        id=article_id,
        section=section,
        slug=slug,
        title=f.required_text("title"),
        subtitle=f.text("subtitle", optional=True),
        authors=f.text_list("authors"),
        published=published,
        updated=f.when("updated", optional=True),
        month_style=_parse_month_style(f),
        arabic_digits=f.flag("arabic_digits"),
        image=_parse_image(f),
        summary=f.text("summary", optional=True) or _first_paragraph(body),
        dateline=f.text("dateline", optional=True),
        has_video=f.flag("has_video"),
        body=body,
        tags=f.text_list("tags"),
        related=f.id_list("related"),
        next=f.optional_id("next"),
        edition=spec.name,
    )


def _first_paragraph(body: tuple[BodyItem, ...]) -> str:
    for item in body:
        if isinstance(item, str):
            return item
        if isinstance(item, Lines):
            return item.lines[0]
    return ""


# --- loading ------------------------------------------------------------------------------


def content_files(content_dir: Path | None = None, edition: str = DEFAULT_EDITION) -> list[Path]:
    """The `*.json` files of `content_dir` (the edition's bundled folder by default)."""
    folder = content_dir or get_edition(edition).content_dir
    if not folder.is_dir():
        raise ContentError(f"{folder}: content folder not found")
    return sorted(folder.glob("*.json"))


def load_article_file(path: Path, edition: str = DEFAULT_EDITION) -> ReplicaArticle:
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{where}: cannot read the file: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise ContentError(f"{where}: not valid JSON: {exc}") from exc
    expected = int(path.stem) if path.stem.isdigit() else None
    if expected is None:
        raise ContentError(f"{where}: a content file must be named <id>.json")
    return parse_article(data, where, expected, edition)


def load_articles(
    content_dir: Path | None = None, edition: str = DEFAULT_EDITION
) -> dict[int, ReplicaArticle]:
    """Every article of `edition` ("ar" by default, or "en") from `content_dir` (the
    edition's bundled folder by default), keyed by id."""
    articles: dict[int, ReplicaArticle] = {}
    for path in content_files(content_dir, edition):
        article = load_article_file(path, edition)
        articles[article.id] = article
    return articles


def content_signature(
    content_dir: Path | None = None, edition: str = DEFAULT_EDITION
) -> tuple[tuple[str, int, int], ...]:
    """Names, mtimes and sizes of the content files: changes when any file is edited,
    added or removed, so the site knows to re-read the folder."""
    out = []
    for path in content_files(content_dir, edition):
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed between glob and stat
            continue
        out.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def newest_first(
    articles: Mapping[int, ReplicaArticle],
    keep: Callable[[ReplicaArticle], bool] | None = None,
) -> list[ReplicaArticle]:
    """Articles sorted newest first (ties broken by id), optionally filtered."""
    chosen = [a for a in articles.values() if keep is None or keep(a)]
    return sorted(chosen, key=lambda a: (a.published, a.id), reverse=True)
