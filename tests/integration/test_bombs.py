"""A hostile site on loopback, crawled by the real crawler (`python -m crawler.run` with the
project's settings): compression bombs and oversized bodies are refused by the size limit,
redirects to local targets are refused by the SSRF guard before any connection, hostile
sitemaps expand nothing, and the crawl goes on with the good pages.

The crawl runs in a child process (`python -m tests.integration.test_bombs ...`, the
`__main__` block below) that first makes sure no traffic can leave 127.0.0.0/8: host names
resolve from a fixed table only (never DNS), and a connect to any other address is refused
and recorded. The test then asserts that nothing was even attempted.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import ipaddress
import json
import socket
import subprocess
import sys
import threading
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import brotli
import pytest
import redis

from replica.content import load_articles
from replica.render import render_article_page
from tests.integration.harness import ROOT, service_env
from workers.keys import key

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LIMIT = 1024 * 1024  # AKHBAR_MAX_PAGE_BYTES of the crawl: DOWNLOAD_MAXSIZE follows it
BOMB_SIZE = 256 * 1024 * 1024  # what each bomb inflates to
SECRET = "akhbar-secret-5f0c"
FAKE_DNS = {  # the only names the crawl can resolve (besides IP literals and localhost)
    "metadata.example.test": "169.254.169.254",
    "rebind.example.test": "127.0.0.1",
}
# DNS rebinding: the first look-up answers a public address (the guard's), every later one
# (the connection's) a loopback one. The public address is never connected to.
REBINDING = {"rebind-late.example.test": ("93.184.216.34", "127.0.0.1")}
GOOD = (1, 2, 3)  # /news/N that serve replica article pages


# --- the hostile site ------------------------------------------------------------------------


def zeros_compressed(encoding: str, size: int = BOMB_SIZE) -> bytes:
    """`size` zero bytes compressed, made chunk by chunk (never `size` bytes in memory)."""
    chunk = b"\0" * (1024 * 1024)
    if encoding == "br":
        brot = brotli.Compressor(quality=5)
        parts = [brot.process(chunk) for _ in range(size // len(chunk))]
        return b"".join(parts) + brot.finish()
    wbits = {"gzip": 31, "deflate": 15}[encoding]
    comp = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join(comp.compress(chunk) for _ in range(size // len(chunk))) + comp.flush()


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunks: int = 0  # > 0: the body is sent this many times, chunked, with no Content-Length


@dataclass
class HostileSite:
    """Routes by path; every request it gets is recorded in `hits`."""

    routes: dict[str, Reply]
    hits: list[str] = field(default_factory=list)

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.hits.append(self.path)
                reply = site.routes.get(self.path, Reply(404, body=b"not here"))
                # the crawler hanging up on an oversized body is what it should do
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    send(self, reply)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def send(handler: http.server.BaseHTTPRequestHandler, reply: Reply) -> None:
    handler.send_response(reply.status)
    for name, value in reply.headers.items():
        handler.send_header(name, value)
    if reply.chunks:
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for _ in range(reply.chunks):
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(reply.body), reply.body))
        handler.wfile.write(b"0\r\n\r\n")
        return
    handler.send_header("Content-Length", reply.headers.get("X-Claimed-Length",
                                                            str(len(reply.body))))
    handler.end_headers()
    handler.wfile.write(reply.body)


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-body is what the size-limit tests expect."""


@contextmanager
def serve(site: HostileSite, host: str = "127.0.0.1") -> Iterator[str]:
    server = QuietServer((host, 0), site.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def html(body: bytes, **headers: str) -> Reply:
    return Reply(headers={"Content-Type": "text/html; charset=utf-8", **headers}, body=body)


def redirect(location: str) -> Reply:
    return Reply(302, {"Location": location, "Content-Type": "text/html"}, b"moved")


def sitemap(base: str, paths: list[str], doctype: str = "", suffix: str = "") -> Reply:
    locs = "".join(f"<url><loc>{base}{p}{suffix}</loc></url>" for p in paths)
    xml = (f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}\n'
           f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>')
    return Reply(headers={"Content-Type": "application/xml"}, body=xml.encode())


def good_routes(base: str) -> dict[str, Reply]:
    articles = load_articles()
    ids = sorted(articles)[: len(GOOD)]
    return {f"/news/{n}": html(render_article_page(i, articles, base).encode())
            for n, i in zip(GOOD, ids, strict=True)}


def site_file(folder: Path, extra_domains: list[str]) -> None:
    """A user's site (no selectors: the generic path) whose start is the sitemap."""
    folder.mkdir(parents=True, exist_ok=True)
    domains = ", ".join(["127.0.0.1", *extra_domains])
    (folder / "hostile.yaml").write_text(
        f"name: hostile\ndomains: [{domains}]\narticle_url_pattern: '^/news/\\d+$'\n"
        "start: [/sitemap.xml]\n", encoding="utf-8")


# --- the crawl, in a child process that cannot reach past loopback ---------------------------


@dataclass
class CrawlOutcome:
    exit_code: int
    stats: dict[str, Any]
    leaks: list[str]  # connects or look-ups that the child refused: must stay empty
    fetched: set[str]  # URLs the crawl tried: handed to the page workers, or failed
    failed: dict[str, dict[str, Any]]  # URL -> the failure record sent to the store
    log: str


def run_crawl(tmp_path: Path, redis_url: str, prefix: str, base: str,
              extra_domains: list[str]) -> CrawlOutcome:
    sites = tmp_path / "sites"
    site_file(sites, extra_domains)
    env = service_env(redis_url, prefix, f"sqlite:///{tmp_path / 'a.db'}", tmp_path / "home")
    env.update({"AKHBAR_SITES_DIR": str(sites), "AKHBAR_MAX_PAGE_BYTES": str(LIMIT),
                "PYTHONPATH": str(ROOT)})
    crawl_id = uuid.uuid4().hex[:10]
    report = tmp_path / f"report-{crawl_id}.json"
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.test_bombs", str(report),
         "hostile", "--base-url", base, "--crawl-id", crawl_id],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False)
    data = json.loads(report.read_text()) if report.exists() else {}
    client = redis.Redis.from_url(redis_url)
    fetched = client.smembers(key("crawl_fetched", prefix, crawl_id=crawl_id))
    results = [json.loads(fields[b"data"]) for _id, fields in
               client.xrange(key("results", prefix))]
    failed = {r["url"]: r["failure"] for r in results
              if r["kind"] == "failure" and r["crawl_id"] == crawl_id}
    return CrawlOutcome(done.returncode, data.get("stats", {}), data.get("leaks", []),
                        {u.decode() for u in fetched}, failed, done.stderr + done.stdout)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def fence_loopback(leaks: list[str]) -> None:
    """From here on this process resolves names from FAKE_DNS only and connects only to
    127.0.0.0/8 or ::1; anything else is refused and recorded in `leaks`."""
    real_getaddrinfo = socket.getaddrinfo
    asked: set[str] = set()

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name in FAKE_DNS:
            return real_getaddrinfo(FAKE_DNS[name], *args, **kwargs)
        if name in REBINDING:
            answer = REBINDING[name][name in asked]
            asked.add(name)
            return real_getaddrinfo(answer, *args, **kwargs)
        if name == "localhost" or _numeric(name):
            return real_getaddrinfo(host, *args, **kwargs)
        leaks.append(f"lookup {name}")
        raise socket.gaierror(socket.EAI_NONAME, f"{name}: not in the test's table")

    def gethostbyname(name: str) -> str:
        return str(getaddrinfo(name, None, socket.AF_INET)[0][4][0])

    def guarded(connect: Callable[..., Any]) -> Callable[..., Any]:
        def check(self: socket.socket, address: Any) -> Any:
            if self.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
                leaks.append(f"connect {address}")
                raise OSError(101, "Network is unreachable (the test allows loopback only)")
            return connect(self, address)
        return check

    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.socket.connect = guarded(socket.socket.connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded(socket.socket.connect_ex)  # type: ignore[method-assign]


def _numeric(name: str) -> bool:
    try:
        ipaddress.ip_address(name.split("%", 1)[0])
        return True
    except ValueError:
        pass
    try:
        socket.inet_aton(name)  # 127.1, 2130706433, 0x7f000001: what getaddrinfo takes
        return True
    except OSError:
        return False


def crawl_fenced(report: Path, argv: list[str]) -> int:
    """Run `crawler.run` behind the fence; write its stats, peak memory and leaks."""
    leaks: list[str] = []
    fence_loopback(leaks)
    from scrapy.statscollectors import MemoryStatsCollector

    from crawler import run

    stats: dict[str, Any] = {}
    keep = MemoryStatsCollector._persist_stats

    def persist(self: MemoryStatsCollector, found: dict[str, Any]) -> None:
        stats.update(found)
        keep(self, found)

    MemoryStatsCollector._persist_stats = persist  # type: ignore[method-assign,assignment]
    try:
        return run.main(argv)
    finally:
        stats["peak_rss_mb"] = peak_rss_mb()
        report.write_text(json.dumps({"stats": stats, "leaks": leaks}, default=str))


def peak_rss_mb() -> float:
    """This process's peak resident memory since its exec (VmHWM). Not getrusage's ru_maxrss:
    Linux carries that over from the forking parent, here a pytest process of ~270 MB."""
    status = Path("/proc/self/status").read_text()
    kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kb) / 1024


# --- the tests -------------------------------------------------------------------------------


def bomb_routes(base: str) -> dict[str, Reply]:
    oversized = b"<p>" + b"x" * (2 * LIMIT) + b"</p>"
    return {
        "/news/101": html(zeros_compressed("gzip"), **{"Content-Encoding": "gzip"}),
        "/news/102": html(zeros_compressed("deflate"), **{"Content-Encoding": "deflate"}),
        "/news/103": html(zeros_compressed("br"), **{"Content-Encoding": "br"}),
        "/news/104": html(oversized),  # Content-Length says it all
        "/news/105": Reply(headers={"Content-Type": "text/html"}, body=b"<p>" + b"y" * 65536,
                           chunks=2 * LIMIT // 65536),  # chunked: no length until too late
        "/news/106": html(gzip.compress(oversized), **{"Content-Encoding": "gzip"}),
    }


def test_bombs_and_oversized_bodies_are_refused_and_the_crawl_goes_on(
    redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    site = HostileSite({})
    with serve(site) as base:
        bombs = bomb_routes(base)
        site.routes.update({**good_routes(base), **bombs, "/robots.txt": Reply(body=b"")})
        site.routes["/sitemap.xml"] = sitemap(base, [*bombs, *(f"/news/{n}" for n in GOOD)])
        outcome = run_crawl(tmp_path, redis_url, key_prefix, base, [])
    assert outcome.exit_code == 0, outcome.log[-3000:]
    good, refused = {f"{base}/news/{n}" for n in GOOD}, {f"{base}{path}" for path in bombs}
    assert outcome.fetched == good | refused, outcome.log[-3000:]
    assert set(outcome.failed) == refused  # each in the failure log, at the fetch stage
    assert {f["stage"] for f in outcome.failed.values()} == {"fetch"}
    assert all(path in site.hits for path in bombs)  # each was served, then refused
    assert outcome.stats["pages/refused/too_large"] == len(bombs), outcome.stats
    assert outcome.stats["peak_rss_mb"] < 250, outcome.stats  # one bomb alone is 256 MB
    assert outcome.leaks == []
    for path in bombs:
        assert f"{base}{path}" in outcome.log  # the log names each refused page


def test_redirects_to_local_targets_are_refused_before_any_connection(
    redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    site, canary = HostileSite({}), HostileSite({})
    with serve(canary, host="127.0.0.2") as canary_base, serve(site) as base:
        port = base.rsplit(":", 1)[1]
        targets = {
            "/news/201": "http://169.254.169.254/latest/meta-data/",
            "/news/202": "http://metadata.example.test/latest/meta-data/",
            "/news/203": f"{canary_base}/news/9",  # loopback, but not an allowed host
            "/news/204": "file:///etc/passwd",
            # 127.0.0.2, the canary, in decimal (w3lib >= 2.6 writes it 127.0.0.2 before the
            # guard sees it, as browsers do; older w3lib leaves it for the guard to read)
            "/news/205": f"http://2130706434:{canary_base.rsplit(':', 1)[1]}/news/7",
            "/news/206": f"http://rebind.example.test:{port}/news/8",  # a name for 127.0.0.1
            "/news/207": "/news/208",  # a first hop that is fine ...
            "/news/208": "http://169.254.169.254/second-hop",  # ... then a second that is not
            "/news/209": f"http://evil@127.0.0.2:{canary_base.rsplit(':', 1)[1]}/news/9",
            "/news/210": f"http://rebind-late.example.test:{port}/news/10",
        }
        site.routes.update({path: redirect(to) for path, to in targets.items()})
        site.routes.update(good_routes(base))
        # robots.txt is a hop too: this one redirects to the canary
        site.routes["/robots.txt"] = redirect(f"{canary_base}/robots.txt")
        site.routes["/sitemap.xml"] = sitemap(base, [*targets, *(f"/news/{n}" for n in GOOD)])
        domains = ["169.254.169.254", "metadata.example.test", "127.0.0.2", "'2130706434'",
                   "rebind.example.test", "rebind-late.example.test"]
        outcome = run_crawl(tmp_path, redis_url, key_prefix, base, domains)
    assert outcome.exit_code == 0, outcome.log[-3000:]
    assert canary.hits == [], canary.hits  # not robots.txt, not a page
    assert outcome.leaks == []  # no look-up outside the table, no connect past loopback
    assert not {"/news/7", "/news/8", "/news/10"} & set(site.hits), site.hits
    good = {f"{base}/news/{n}" for n in GOOD}
    assert outcome.fetched - set(outcome.failed) == good, outcome.log[-3000:]
    # every refused article is in the failure log under its own URL, not the target's; but
    # /news/207, whose hop to /news/208 is a page the crawl has seen (and failed) already
    failed_articles = {f"{base}{path}" for path in targets if path != "/news/207"}
    assert failed_articles <= set(outcome.failed), outcome.failed
    refused = [line for line in outcome.log.splitlines() if "refusing" in line]
    assert "non-public address 127.0.0.2" in outcome.failed[f"{base}/news/205"]["message"]
    for target in ["169.254.169.254", "metadata.example.test", "127.0.0.2",
                   "rebind.example.test", "second-hop", "/robots.txt",
                   "connect to rebind-late.example.test"]:
        assert any(target in line for line in refused), (target, refused)
    assert outcome.stats["pages/blocked"] >= 8, outcome.stats


def test_a_hostile_sitemap_expands_nothing_and_reads_no_file(
    redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    site, canary = HostileSite({}), HostileSite({})
    with serve(canary, host="127.0.0.2") as canary_base, serve(site) as base:
        laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
        doctype = (f'<!DOCTYPE urlset [<!ENTITY x SYSTEM "file://{secret}">'
                   f'<!ENTITY y SYSTEM "{canary_base}/entity"><!ENTITY l0 "lol">{laughs}]>')
        site.routes.update(good_routes(base))
        site.routes["/robots.txt"] = Reply(body=b"")
        site.routes["/sitemap.xml"] = sitemap(base, ["/xxe.xml", "/laughs.xml", "/good.xml"])
        site.routes["/xxe.xml"] = sitemap(base, ["/news/1", "/news/2"], doctype, "&x;&y;")
        site.routes["/laughs.xml"] = sitemap(base, ["/news/4"], doctype, "&l9;")
        site.routes["/good.xml"] = sitemap(base, ["/news/3"])
        outcome = run_crawl(tmp_path, redis_url, key_prefix, base, [])
    assert outcome.exit_code == 0, outcome.log[-3000:]
    assert canary.hits == [] and outcome.leaks == []
    # every link, cut at its entity reference (lxml may drop the rest of the bomb's document)
    good = {f"{base}/news/{n}" for n in GOOD}
    assert good <= outcome.fetched <= {*good, f"{base}/news/4"}, outcome.log[-3000:]
    assert SECRET not in outcome.log and "lollol" not in outcome.log
    assert set(site.hits) <= {"/robots.txt", "/sitemap.xml", "/xxe.xml", "/laughs.xml",
                              "/good.xml", "/news/1", "/news/2", "/news/3", "/news/4"}, site.hits


if __name__ == "__main__":
    sys.exit(crawl_fenced(Path(sys.argv[1]), sys.argv[2:]))
