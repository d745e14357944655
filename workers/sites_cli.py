"""`akhbar sites`: the sites akhbar knows, and a check of one site's rules on a live page.

`akhbar sites` lists every site (built-in and AKHBAR_SITES_DIR); `akhbar sites check SITE URL`
fetches one page — through the crawler's SSRF guard, with a timeout and a size limit — and
shows field by field what the site's rules and the generic path extract, and which rule
found nothing.
"""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated
from urllib.error import HTTPError, URLError

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from w3lib.url import safe_url_string

from crawler.guard import BlockedTarget, check_url
from workers.config import Settings, load_settings
from workers.sites import Registry, SiteConfigError, SiteRules, registry

if TYPE_CHECKING:  # the extractor loads on `check` only: `akhbar --help` stays fast
    from workers.extract.compare import Comparison, FieldRow

USER_AGENT = "akhbar/0.1 (sites check; +https://github.com/akhbar/akhbar)"
CHUNK = 64 * 1024

sites_app = typer.Typer(
    help="The sites akhbar knows (built-in and AKHBAR_SITES_DIR); check a site's rules.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)


class FetchError(Exception):
    """A page that could not be fetched; the message says why, in one line."""


@dataclass(frozen=True)
class FetchedPage:
    url: str  # after redirects
    content_type: str | None
    body: bytes


# --- fetching one page ------------------------------------------------------------------------


class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    """Every redirect target passes the SSRF guard before it is followed."""

    def __init__(self, allowed_hosts: tuple[str, ...]) -> None:
        self.allowed_hosts = allowed_hosts

    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
        headers: HTTPMessage, newurl: str,
    ) -> urllib.request.Request | None:
        check_url(newurl, self.allowed_hosts)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_limited(response: IO[bytes], max_bytes: int, url: str) -> bytes:
    chunks, size = [], 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url}: larger than {max_bytes} bytes (AKHBAR_MAX_PAGE_BYTES)")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_page(url: str, settings: Settings, timeout: float) -> FetchedPage:
    """GET `url` as the crawler would be allowed to; BlockedTarget or FetchError otherwise."""
    check_url(url, settings.allowed_hosts)
    opener = urllib.request.build_opener(_GuardedRedirects(settings.allowed_hosts))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html"})
    try:
        with opener.open(request, timeout=timeout) as response:
            body = _read_limited(response, settings.max_page_bytes, url)
            return FetchedPage(response.geturl(), response.headers.get("content-type"), body)
    except HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except URLError as exc:
        raise FetchError(f"cannot fetch {url}: {exc.reason}") from None
    except (TimeoutError, OSError) as exc:
        raise FetchError(f"cannot fetch {url}: {exc}") from None


# --- output -------------------------------------------------------------------------------------


def _shown_path(source: str) -> str:
    """The file, relative to the working directory when it lies below it."""
    path = Path(source)
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else source


def sites_table(sites: Registry) -> Table:
    table = Table(title="sites", title_justify="left")
    for column in ("name", "domains", "extraction", "file"):
        table.add_column(column, overflow="fold")
    for site in sites:
        extraction = "rules" if site.has_rules else "generic only"
        row = (site.name, ", ".join(site.domains), extraction, _shown_path(site.source))
        table.add_row(*map(escape, row))
    return table


def _rule_cell(row: FieldRow) -> str:
    if row.hits is None:
        return "[dim]—[/dim]"
    if row.hits == 0 and row.needed:
        return f"[red]✗ {escape(row.rule)} — found nothing: drift[/red]"
    if row.hits == 0:
        return f"[yellow]✗ {escape(row.rule)} — found nothing[/yellow]"
    return f"{escape(row.rule)} [dim]({row.hits})[/dim]"


def comparison_table(site: SiteRules, comparison: Comparison) -> Table:
    table = Table(title_justify="left", show_lines=False)
    table.add_column("field", no_wrap=True)
    table.add_column(escape(f"{site.name} rules: {comparison.rules_outcome}"), overflow="fold")
    table.add_column(escape(f"generic: {comparison.generic_outcome}"), overflow="fold")
    table.add_column("rule (elements found)", overflow="fold")
    for row in comparison.rows:
        values = (escape(row.name), escape(row.by_rules), escape(row.by_generic))
        table.add_row(*values, _rule_cell(row))
    return table


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]akhbar: {escape(message)}[/red]", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _registry() -> Registry:
    try:
        return registry()
    except SiteConfigError as exc:
        raise _fail(str(exc), 2) from None


# --- commands -----------------------------------------------------------------------------------


@sites_app.callback()
def sites(ctx: typer.Context) -> None:
    """List every site: name, domains, extraction (rules or generic only), file."""
    if ctx.invoked_subcommand is None:
        console.print(sites_table(_registry()))


@sites_app.command()
def check(
    site: Annotated[str, typer.Argument(help="a site name, as `akhbar sites` lists them")],
    url: Annotated[str, typer.Argument(help="an article page of that site")],
    timeout: Annotated[float, typer.Option(help="seconds to wait for the page")] = 20.0,
) -> None:
    """Fetch URL and show, field by field, what SITE's rules and the generic path extract."""
    rules = _registry().get(site)
    if rules is None:
        raise _fail(f"unknown site {site!r}; known sites: {', '.join(_registry().names())}")
    try:
        page = fetch_page(safe_url_string(url), load_settings(), timeout)
    except (BlockedTarget, FetchError) as exc:
        raise _fail(str(exc)) from None
    from workers.extract.compare import compare_extractions
    from workers.extract.decode import decode_html

    html = decode_html(page.body, page.content_type)
    comparison = compare_extractions(html, page.url, rules)
    console.print(f"{site} · {page.url} · {len(page.body)} bytes")
    console.print(comparison_table(rules, comparison))
    for warning in comparison.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
