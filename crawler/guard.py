"""The SSRF guard: which URLs a crawl may fetch.

Only http(s) URLs whose host resolves to public addresses pass, unless the host is listed in
AKHBAR_ALLOWED_HOSTS (the tests and `akhbar run demo` allow their own loopback replica).
Every hop is checked: redirects come back through the downloader middleware as new requests.
An allowed host passes only as written; but Scrapy's URLs (w3lib >= 2.6) already write a
numeric IPv4 host in dotted form, as browsers do, so in a crawl http://2130706433/ reaches the
guard as http://127.0.0.1/ and passes where 127.0.0.1 is allowed: it is the same address.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

Resolver = Callable[[str], list[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOWED_SCHEMES = frozenset({"http", "https"})


class BlockedTarget(ValueError):
    """A URL the crawler refuses to fetch; the message says why."""


# IPv6 ranges that carry an IPv4 address in their last 32 bits: NAT64 (RFC 6052), SIIT's
# IPv4-translated (RFC 2765) and the deprecated IPv4-compatible ::a.b.c.d. The embedded IPv4
# address is the one judged: 64:ff9b::10.0.0.1 reaches 10.0.0.1 through a NAT64 gateway.
EMBEDS_IPV4 = tuple(ipaddress.IPv6Network(n) for n in ("64:ff9b::/96", "::ffff:0:0:0/96", "::/96"))
# IPv6 ranges Python counts as global that are local all the same: NAT64 for local use
# (RFC 8215) and the deprecated site-local fec0::/10.
LOCAL_IPV6 = tuple(ipaddress.IPv6Network(n) for n in ("64:ff9b:1::/48", "fec0::/10"))


def resolve_host(host: str) -> list[str]:
    """Every address the host resolves to (a literal IP resolves to itself, offline)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def literal_address(host: str) -> str | None:
    """The address a host that is an IP literal names, in any form the resolver accepts
    (127.1, 2130706433, 0x7f000001, 0177.0.0.1 are all 127.0.0.1); None for a name."""
    try:
        return str(ipaddress.ip_address(host.split("%", 1)[0]))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))  # the legacy forms getaddrinfo takes
    except OSError:
        return None


def _judged(ip: IPAddress) -> IPAddress:
    """The address that decides: the IPv4 address inside an IPv6 one that carries it."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return ip
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:  # 6to4: 2002:AABB:CCDD::/48 routes to AA.BB.CC.DD
        return ip.sixtofour
    if any(ip in net for net in EMBEDS_IPV4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def is_public_address(address: str) -> bool:
    try:
        ip = _judged(ipaddress.ip_address(address.split("%", 1)[0]))
    except ValueError:  # not an address at all: nothing to connect to that we could vouch for
        return False
    if isinstance(ip, ipaddress.IPv6Address) and any(ip in net for net in LOCAL_IPV6):
        return False
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
    addresses = _addresses(url, host, resolve)
    private = [a for a in addresses if not is_public_address(a)]
    if private:
        raise BlockedTarget(
            f"refusing {url!r}: {host} resolves to non-public address {', '.join(private)}; "
            "add the host to AKHBAR_ALLOWED_HOSTS if you mean to crawl it"
        )


def _addresses(url: str, host: str, resolve: Resolver) -> list[str]:
    """What `host` connects to: itself when it is an IP literal (no look-up), else what the
    resolver says; BlockedTarget when there is nothing to judge."""
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    try:
        addresses = resolve(host)
    except (OSError, UnicodeError) as exc:
        raise BlockedTarget(f"refusing {url!r}: cannot resolve {host} ({exc})") from exc
    if not addresses:
        raise BlockedTarget(f"refusing {url!r}: {host} resolves to no address")
    return addresses
