"""The SSRF guard: which URLs a crawl may fetch.

Only http(s) URLs whose host resolves to public addresses pass, unless the host is listed in
AKHBAR_ALLOWED_HOSTS (the tests and `akhbar run demo` allow their own loopback replica).
Every hop is checked: redirects come back through the downloader middleware as new requests.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

Resolver = Callable[[str], list[str]]
ALLOWED_SCHEMES = frozenset({"http", "https"})


class BlockedTarget(ValueError):
    """A URL the crawler refuses to fetch; the message says why."""


def resolve_host(host: str) -> list[str]:
    """Every address the host resolves to (a literal IP resolves to itself, offline)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(
    url: str, allowed_hosts: Iterable[str] = (), resolve: Resolver = resolve_host
) -> None:
    """Raise BlockedTarget unless `url` may be fetched."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise BlockedTarget(
            f"refusing {parts.scheme or 'scheme-less'}: URL {url!r}: "
            "only http and https are crawled"
        )
    host = (parts.hostname or "").lower()
    if not host:
        raise BlockedTarget(f"refusing {url!r}: it names no host")
    if host in {h.lower() for h in allowed_hosts}:
        return
    try:
        addresses = resolve(host)
    except (OSError, UnicodeError) as exc:
        raise BlockedTarget(f"refusing {url!r}: cannot resolve {host} ({exc})") from exc
    private = [a for a in addresses if not is_public_address(a)]
    if private or not addresses:
        raise BlockedTarget(
            f"refusing {url!r}: {host} resolves to non-public address {', '.join(private)}; "
            "add the host to AKHBAR_ALLOWED_HOSTS if you mean to crawl it"
        )
