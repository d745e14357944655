"""Routing of the replica: a request path and Host header in, (status, type, body) out.

No HTTP here, so the whole site can be tested without a socket. The content folder is
re-read whenever one of its files changes (tests edit a copy between two crawls). A site
serves one edition ("ar" or "en") in one markup ("classic" or "drifted").
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from replica import render
from replica.content import (
    DEFAULT_EDITION,
    ContentError,
    ReplicaArticle,
    content_signature,
    get_edition,
    load_articles,
)

Response = tuple[int, str, bytes]

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
JPEG = "image/jpeg"

PLACEHOLDER_IMAGE = Path(__file__).resolve().parent / "static" / "placeholder.jpg"
ARTICLE_PATH = re.compile(r"^/(?P<section>[^/]+)/(?P<id>\d+)-(?P<slug>[^/]+)$")
SAFE_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


class ReplicaSite:
    """The replica's pages of `edition`, served from `content_dir` (the edition's bundled
    content by default); article pages in `markup` ("classic" or "drifted")."""

    def __init__(
        self,
        content_dir: Path | None = None,
        default_host: str = "127.0.0.1",
        *,
        edition: str = DEFAULT_EDITION,
        markup: str = render.DEFAULT_MARKUP,
    ) -> None:
        self.edition = get_edition(edition)
        render.article_classes(markup)  # ValueError for an unknown markup
        self.markup = markup
        self.content_dir = content_dir or self.edition.content_dir
        self.default_host = default_host
        self._lock = threading.Lock()
        self._signature: object = None
        self._articles: dict[int, ReplicaArticle] = {}
        self.articles()  # fail at start-up, not on the first request, if the content is bad

    def articles(self) -> dict[int, ReplicaArticle]:
        """The current articles, re-read if any content file changed since the last read."""
        with self._lock:
            signature = content_signature(self.content_dir)
            if signature != self._signature:
                self._articles = load_articles(self.content_dir, self.edition.name)
                self._signature = signature
            return self._articles

    def base_url(self, host: str | None) -> str:
        """`http://{host}` from the Host header; a missing or odd header gives the default."""
        if not host or not SAFE_HOST.match(host):
            host = self.default_host
        return f"http://{host}"

    def handle(self, target: str, host: str | None = None) -> Response:
        """Answer one GET. `target` is the request target as sent (percent-encoded or not,
        with or without a query string)."""
        parts = urlsplit(target)
        path = unquote(parts.path or "/", encoding="utf-8", errors="replace")
        if len(path) > 1:
            path = path.rstrip("/") or "/"
        base_url = self.base_url(host)
        try:
            articles = self.articles()
        except ContentError as exc:
            page = render.render_error_page(str(exc), self.edition.name)
            return 500, HTML, page.encode("utf-8")
        return self.route(path, parts.query, articles, base_url)

    def route(
        self, path: str, query: str, articles: dict[int, ReplicaArticle], base_url: str
    ) -> Response:
        edition = self.edition.name
        sections = self.edition.sections
        if path == "/":
            return _html(render.render_home_page(articles, base_url, edition))
        if path == "/robots.txt":
            return 200, TEXT, render.render_robots(base_url).encode("utf-8")
        if path == "/sitemap.xml":
            return 200, XML, render.render_sitemap(articles, base_url).encode("utf-8")
        if path == "/feed":
            return 200, RSS, render.render_feed(articles, base_url, None, edition).encode("utf-8")
        if path.startswith("/feed/") and path[len("/feed/") :] in sections:
            feed = render.render_feed(articles, base_url, path[len("/feed/") :], edition)
            return 200, RSS, feed.encode("utf-8")
        if path == "/search":
            q = parse_qs(query).get("q", [""])[0]
            return _html(render.render_search_page(q, edition))
        if path.startswith(render.IMAGE_PREFIX) and len(path) > len(render.IMAGE_PREFIX):
            return 200, JPEG, PLACEHOLDER_IMAGE.read_bytes()
        if path[1:] in sections:
            return _html(render.render_section_page(path[1:], articles, base_url, edition))
        article = _article_at(path, articles)
        if article is not None:
            page = render.render_article_page(article.id, articles, base_url, self.markup)
            return _html(page)
        return 404, HTML, render.render_not_found_page(edition).encode("utf-8")


def _article_at(path: str, articles: dict[int, ReplicaArticle]) -> ReplicaArticle | None:
    """The article whose URL path is exactly `path` (section, id and slug must all match)."""
    match = ARTICLE_PATH.match(path)
    if match is None:
        return None
    article = articles.get(int(match["id"]))
    if article is None or article.path != path:
        return None
    return article


def _html(text: str) -> Response:
    return 200, HTML, text.encode("utf-8")
