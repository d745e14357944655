"""The replica over HTTP: stdlib `ThreadingHTTPServer`, loopback by default.

`python -m replica.server --port 0` prints `READY http://127.0.0.1:PORT` (flushed) once it
listens, so a test or the `akhbar demo-site` command can start it as a subprocess and wait
for that line. `--edition en` serves english.aawsat.com instead of aawsat.com; `--markup
drifted` renames the article pages' headline, body and lead-image classes; `--delay 0.5`
answers each article page half a second late (tests catch a crawl mid-way).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit

from replica.content import DEFAULT_EDITION, EDITIONS, ContentError
from replica.render import DEFAULT_MARKUP, MARKUPS
from replica.site import ARTICLE_PATH, TEXT, ReplicaSite


class ReplicaHandler(BaseHTTPRequestHandler):
    """Serves GET and HEAD from the `ReplicaSite` held by the server."""

    server_version = "ReplicaHTTP/1.0"
    protocol_version = "HTTP/1.1"
    site: ReplicaSite  # set on the subclass that `make_server` builds
    verbose: bool = False
    article_delay: float = 0.0  # seconds each article page is held back

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        if self.article_delay and ARTICLE_PATH.match(urlsplit(self.path).path):
            time.sleep(self.article_delay)
        try:
            status, content_type, body = self.site.handle(self.path, self.headers.get("Host"))
        except Exception as exc:  # a bug must answer 500, not drop the connection
            self.log_error("error serving %s: %r", self.path, exc)
            status, content_type, body = 500, TEXT, f"internal error: {exc!r}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_error(self, format: str, *args: object) -> None:
        """Errors always reach stderr, even with the access log off."""
        sys.stderr.write(f"replica: {format % args}\n")

    def log_message(self, format: str, *args: object) -> None:
        """Access log off by default (it would drown test output); on, it goes to stderr."""
        if self.verbose:
            super().log_message(format, *args)


def make_server(
    host: str,
    port: int,
    content_dir: Path | None,
    verbose: bool = False,
    *,
    edition: str = DEFAULT_EDITION,
    markup: str = DEFAULT_MARKUP,
    article_delay: float = 0.0,
) -> ThreadingHTTPServer:
    """A bound, listening server (port 0 picks a free port); call `serve_forever` on it."""
    site = ReplicaSite(content_dir, default_host=f"{host}:{port}", edition=edition, markup=markup)
    attributes = {"site": site, "verbose": verbose, "article_delay": article_delay}
    handler = type("BoundReplicaHandler", (ReplicaHandler,), attributes)
    server = ThreadingHTTPServer((host, port), handler)
    site.default_host = f"{host}:{server.server_address[1]}"
    return server


def serve(
    host: str,
    port: int,
    content_dir: Path | None,
    ready: Callable[[str], None] | None = None,
    verbose: bool = False,
    *,
    edition: str = DEFAULT_EDITION,
    markup: str = DEFAULT_MARKUP,
    article_delay: float = 0.0,
) -> None:
    """Serve `edition` ("ar" or "en") in `markup` ("classic" or "drifted") until interrupted.
    `ready` gets the base URL once the socket listens."""
    server = make_server(
        host,
        port,
        content_dir,
        verbose,
        edition=edition,
        markup=markup,
        article_delay=article_delay,
    )
    try:
        if ready is not None:
            ready(f"http://{host}:{server.server_address[1]}")
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _print_ready(url: str) -> None:
    print(f"READY {url}", flush=True)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m replica.server",
        description="Serve the offline replica of aawsat.com (or of english.aawsat.com).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port; 0 picks a free one")
    parser.add_argument(
        "--content-dir", type=Path, default=None, help="serve article JSON files from this folder"
    )
    parser.add_argument(
        "--edition",
        choices=sorted(EDITIONS),
        default=DEFAULT_EDITION,
        help="ar: aawsat.com (default); en: english.aawsat.com",
    )
    parser.add_argument(
        "--markup",
        choices=MARKUPS,
        default=DEFAULT_MARKUP,
        help="classic (default) or drifted: article pages with renamed headline/body classes",
    )
    parser.add_argument(
        "--delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="answer each article page this late (default 0)",
    )
    parser.add_argument("--verbose", action="store_true", help="access log on stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        serve(
            args.host,
            args.port,
            args.content_dir,
            ready=_print_ready,
            verbose=args.verbose,
            edition=args.edition,
            markup=args.markup,
            article_delay=args.delay,
        )
    except OSError as exc:
        sys.exit(f"replica: cannot listen on {args.host}:{args.port}: {exc}")
    except ContentError as exc:
        sys.exit(f"replica: bad content: {exc}")


if __name__ == "__main__":
    main()
