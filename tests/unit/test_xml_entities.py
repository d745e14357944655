"""Sitemaps and feeds with hostile DTDs: the spider reads their links without expanding an
entity, reading a file or fetching a URL the document names (billion laughs, XXE)."""

from __future__ import annotations

import http.server
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from scrapy import Request
from scrapy.http import TextResponse, XmlResponse

from crawler.spiders.aawsat import AawsatSpider
from replica.content import load_articles
from replica.render import render_feed, render_sitemap

BASE = "http://127.0.0.1:8000"
ARTICLES = load_articles()
TOKEN = "akhbar-secret-5f0c"  # what the local file holds; it must reach no URL
LAUGHS = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
)  # lol9 = 10^9 times "lol"
QUADRATIC = f'<!ENTITY big "{"x" * 100_000}">'
BOMBS = ("billion-laughs", "quadratic")  # lxml gives up on these documents: no links, no growth


class Canary(http.server.BaseHTTPRequestHandler):
    """A loopback server that counts the requests it gets: an external entity must not."""

    hits: list[str] = []  # noqa: RUF012 - shared on purpose: the test reads it

    def do_GET(self) -> None:
        Canary.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(TOKEN.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def canary_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(TOKEN)
    return path


def doctypes(secret: Path, canary: str) -> dict[str, tuple[str, str]]:
    """name -> (internal subset or external id, the entity reference to put in the links)."""
    return {
        "file-entity": (f'[<!ENTITY x SYSTEM "file://{secret}">]', "&x;"),
        "passwd-entity": ('[<!ENTITY x SYSTEM "file:///etc/passwd">]', "&x;"),
        "http-entity": (f'[<!ENTITY x SYSTEM "{canary}/entity">]', "&x;"),
        "parameter-entity": (f'[<!ENTITY % p SYSTEM "file://{secret}"> %p;]', ""),
        "external-dtd": (f'SYSTEM "{canary}/dtd"', "&x;"),
        "billion-laughs": (f'[<!ENTITY lol0 "lol">{LAUGHS}]', "&lol9;"),
        "quadratic": (f"[{QUADRATIC}]", "&big;" * 10_000),
    }


def hostile(xml: str, root: str, subset: str, reference: str, closing: str) -> str:
    """The document with a DOCTYPE and `reference` at the end of every link."""
    declaration, rest = xml.split("\n", 1)
    linked = rest.replace(closing, reference + closing)
    return f"{declaration}\n<!DOCTYPE {root} {subset}>\n{linked}"


def documents(secret: Path, canary: str) -> Iterator[tuple[str, str]]:
    sitemap, feed = render_sitemap(ARTICLES, BASE), render_feed(ARTICLES, BASE)
    nested = f"<sitemap><loc>{BASE}/more&x;.xml</loc></sitemap>\n</urlset>"
    for name, (subset, reference) in doctypes(secret, canary).items():
        yield f"sitemap/{name}", hostile(sitemap, "urlset", subset, reference, "</loc>")
        yield f"feed/{name}", hostile(feed, "rss", subset, reference, "</link>")
        if reference == "&x;":
            yield f"nested/{name}", hostile(sitemap, "urlset", subset, "", "</loc>").replace(
                "</urlset>", nested)


def responses(url: str, xml: str) -> list[TextResponse]:
    """As the crawler may get it: an XML response, or text that starts with <?xml."""
    body = xml.encode()
    return [
        XmlResponse(url=url, body=body, request=Request(url),
                    headers={"Content-Type": "application/xml"}),
        TextResponse(url=url, body=body, request=Request(url),
                     headers={"Content-Type": "text/plain"}),
    ]


def discovered(xml: str) -> list[str]:
    spider = AawsatSpider(base_url=BASE, crawl_id="t")
    urls: list[str] = []
    for response in responses(f"{BASE}/sitemap.xml", xml):
        urls += [unquote(r.url) for r in spider.parse_discovery(response)]
    return urls


def test_hostile_sitemaps_and_feeds_are_read_without_expansion(
    secret_file: Path, canary_url: str
) -> None:
    passwd_line = Path("/etc/passwd").read_text().splitlines()[0]
    Canary.hits.clear()
    for name, xml in documents(secret_file, canary_url):
        tracemalloc.start()
        started = time.process_time()
        try:
            urls = discovered(xml)
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        assert time.process_time() - started < 5, name
        assert peak < 64 * 1024 * 1024, (name, peak)  # 10^9 laughs would be gigabytes
        text = "\n".join(urls)
        assert TOKEN not in text and passwd_line not in text and "root:" not in text, name
        assert "lollol" not in text and "xxxxxxxxxx" not in text, name
        assert max(map(len, urls), default=0) < 2_000, name
        assert all(url.startswith(f"{BASE}/") for url in urls), name
        kind, attack = name.split("/")
        if kind != "nested" and attack not in BOMBS:  # the links themselves are still found
            assert len(urls) == 2 * len(ARTICLES), name
    assert Canary.hits == [], "an external entity or DTD was fetched"
