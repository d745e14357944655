"""The records that travel between the boxes of the flow, to and from JSON.

`RawPage` goes from the crawler to the page worker (Celery task argument), `Article` from the
page worker through the results stream into storage, `Failure` wherever a page stops. Every
record is plain JSON: bodies are zlib-compressed then base64-encoded, never pickled.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, Literal

# "queue": a task message the worker refused before any page code ran (workers/rejects.py)
Stage = Literal["fetch", "extract", "enrich", "store", "queue"]
Outcome = Literal["stored", "unchanged", "skipped", "failed"]


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def compress_body(body: bytes) -> str:
    return base64.b64encode(zlib.compress(body, 6)).decode("ascii")


class PageTooLarge(ValueError):
    """A page body past the size limit (AKHBAR_MAX_PAGE_BYTES): refused, never inflated whole."""


def decompress_body(body_z: str, limit: int = 64 * 1024 * 1024) -> bytes:
    """Inflate a compressed body, refusing to grow past `limit` bytes (a compression bomb).

    At most `limit + 1` bytes are ever inflated: one byte more than the limit is the proof.
    """
    try:
        body = zlib.decompressobj().decompress(base64.b64decode(body_z), limit + 1)
    except zlib.error as exc:  # not a ValueError: say what is wrong in the one error type
        raise ValueError(f"page body is not zlib data ({exc}); resend the page") from exc
    if len(body) > limit:
        raise PageTooLarge(
            f"page body inflates past {limit} bytes (AKHBAR_MAX_PAGE_BYTES); refusing it: "
            "raise AKHBAR_MAX_PAGE_BYTES if the site's pages really are this large"
        )
    return body


def _known_fields(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


@dataclass
class RawPage:
    """One fetched page, as the crawler hands it to `process_page`."""

    url: str
    final_url: str
    site: str
    status: int
    headers: dict[str, str]
    body_z: str  # zlib + base64 of the raw bytes as received
    fetched_at: str
    crawl_id: str

    @classmethod
    def build(
        cls,
        *,
        url: str,
        final_url: str,
        site: str,
        status: int,
        headers: dict[str, str],
        body: bytes,
        crawl_id: str,
    ) -> RawPage:
        return cls(
            url=url,
            final_url=final_url,
            site=site,
            status=status,
            headers=headers,
            body_z=compress_body(body),
            fetched_at=utc_now_iso(),
            crawl_id=crawl_id,
        )

    def body(self, limit: int = 64 * 1024 * 1024) -> bytes:
        """The raw bytes; PageTooLarge past `limit` (the worker passes AKHBAR_MAX_PAGE_BYTES)."""
        return decompress_body(self.body_z, limit)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RawPage:
        missing = {f.name for f in fields(cls)} - set(data)
        if missing:
            raise ValueError(
                f"RawPage is missing {sorted(missing)}; resend the page from the crawler"
            )
        return cls(**_known_fields(cls, data))


@dataclass
class Image:
    url: str | None = None
    caption: str | None = None
    credit: str | None = None


@dataclass
class Dateline:
    source: str | None = None
    place: str | None = None


@dataclass
class Related:
    url: str | None = None
    title: str | None = None
    section: str | None = None
    summary: str | None = None
    image: Image = field(default_factory=Image)
    has_video: bool = False
    dateline: Dateline = field(default_factory=Dateline)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Related:
        known = _known_fields(cls, data)
        known["image"] = Image(**_known_fields(Image, data.get("image") or {}))
        known["dateline"] = Dateline(**_known_fields(Dateline, data.get("dateline") or {}))
        return cls(**known)


@dataclass
class Extraction:
    method: Literal["site", "generic"] = "site"
    rules_version: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Article:
    """The one schema every site's articles are stored in (see DESIGN.md, Contracts)."""

    url: str
    canonical_url: str
    site: str
    title: str
    subtitle: str | None = None
    section: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: str | None = None
    updated_at: str | None = None
    language: str | None = None
    lead_image: Image = field(default_factory=Image)
    body: list[str] = field(default_factory=list)
    text: str = ""
    tags: list[str] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    next_article_url: str | None = None
    content_hash: str = ""
    fetched_at: str | None = None
    extraction: Extraction = field(default_factory=Extraction)
    enrichment: dict[str, Any] = field(default_factory=dict)

    def finalize(self) -> Article:
        """Derive `text` and `content_hash` from the fields that make the content."""
        self.text = "\n\n".join(self.body)
        self.content_hash = content_hash(self)
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        known = _known_fields(cls, data)
        known["lead_image"] = Image(**_known_fields(Image, data.get("lead_image") or {}))
        known["related"] = [Related.from_dict(r) for r in data.get("related") or []]
        known["extraction"] = Extraction(**_known_fields(Extraction, data.get("extraction") or {}))
        return cls(**known)


# json.dumps(content, ensure_ascii=False, sort_keys=True), without a new encoder per article
_HASHED_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def content_hash(article: Article) -> str:
    """Hash of what a reader sees; fetch time, extraction notes and enrichment are left out,
    so a re-crawl of an unchanged page hashes the same."""
    content = {
        "title": article.title,
        "subtitle": article.subtitle,
        "section": article.section,
        "authors": article.authors,
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "lead_image": vars(article.lead_image),  # its three strings; asdict deep-copies
        "body": article.body,
        "tags": article.tags,
    }
    blob = _HASHED_JSON.encode(content).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()



def page_identity(raw_data: Any) -> tuple[str, str | None]:
    """(URL, crawl id) of a page message (a RawPage dict), whatever else is wrong with it."""
    if not isinstance(raw_data, dict):
        return "?", None
    crawl_id = raw_data.get("crawl_id")
    return str(raw_data.get("url", "?")), crawl_id if isinstance(crawl_id, str) else None


@dataclass
class Failure:
    url: str
    stage: Stage
    error_class: str
    message: str
    attempt: int = 1
    crawl_id: str | None = None
    at: str = field(default_factory=utc_now_iso)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Failure:
        return cls(**_known_fields(cls, data))

    def result(self, raw: dict[str, Any] | None = None) -> Result:
        """This failure as the Result the store records (with the raw page, when kept)."""
        return Result(kind="failure", url=self.url, crawl_id=self.crawl_id,
                      failure=self.to_dict(), raw=raw)


@dataclass
class Result:
    """One entry of the results stream: what became of one fetched page.

    kind "article" carries `article` and `raw`; "skipped" (not an article: a listing, an
    error page) carries `reason` and `raw`; "failure" carries `failure`.
    """

    kind: Literal["article", "skipped", "failure"]
    url: str
    crawl_id: str | None
    article: dict[str, Any] | None = None
    raw: dict[str, Any] | None = None
    failure: dict[str, Any] | None = None
    reason: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> Result:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("kind") not in ("article", "skipped", "failure"):
            raise ValueError("stream entry is not an akhbar Result (kind article|skipped|failure)")
        return cls(**_known_fields(cls, data))
