"""The SSRF guard, tested as a function: no traffic leaves this machine."""

import pytest

from crawler.guard import BlockedTarget, check_url, is_public_address


def fixed(*addresses: str):  # type: ignore[no-untyped-def]
    return lambda host: list(addresses)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.8.9.10:8080/x",
        "http://localhost/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
    ],
)
def test_local_and_private_targets_are_refused(url: str) -> None:
    with pytest.raises(BlockedTarget, match="non-public"):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "data:text/html,<h1>x</h1>",
        "ftp://example.com/",
        "gopher://example.com/",
        "//no-scheme",
    ],
)
def test_non_http_schemes_are_refused(url: str) -> None:
    with pytest.raises(BlockedTarget, match="only http and https"):
        check_url(url)


def test_a_public_name_that_resolves_to_a_private_address_is_refused() -> None:
    with pytest.raises(BlockedTarget, match="AKHBAR_ALLOWED_HOSTS"):
        check_url("https://rebind.example/", resolve=fixed("93.184.216.34", "10.1.2.3"))


def test_public_addresses_pass_and_allowed_hosts_pass() -> None:
    check_url("https://aawsat.com/feed", resolve=fixed("93.184.216.34"))
    check_url("http://127.0.0.1:8000/feed", allowed_hosts=["127.0.0.1"])


def test_unresolvable_hosts_are_refused() -> None:
    def fail(host: str) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(BlockedTarget, match="cannot resolve"):
        check_url("https://nowhere.invalid/", resolve=fail)


def test_address_classification() -> None:
    assert is_public_address("93.184.216.34")
    assert not is_public_address("::ffff:10.0.0.1")
    assert not is_public_address("100.64.0.1")  # carrier-grade NAT


def no_lookup(host: str) -> list[str]:
    raise AssertionError(f"an IP literal was looked up: {host}")


@pytest.mark.parametrize(
    "url",
    [
        # loopback, in every spelling the resolver (inet_aton) accepts
        "http://127.1/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/",
        "http://0x7f.1/", "http://127.0.0.1:80/", "http://[::1]:8080/", "http://[0:0:0:0:0:0:0:1]/",
        # private, link-local, unspecified, shared, broadcast
        "http://10.255.0.1/", "http://172.31.255.254/", "http://192.168.0.1/",
        "http://169.254.169.254/", "http://0/", "http://0.0.0.0:8000/", "http://100.64.0.1/",
        "http://255.255.255.255/", "http://192.0.0.1/", "http://198.18.0.1/",
        # IPv6: unique-local fc00::/7, link-local fe80::/10 (with a zone), site-local fec0::/10
        "http://[fd12:3456:789a::1]/", "http://[fc00::1]/", "http://[fe80::1%25eth0]/",
        "http://[fec0::1]/", "http://[::]/",
        # IPv6 forms that carry a local IPv4 address
        "http://[::ffff:127.0.0.1]/", "http://[::ffff:10.0.0.1]/", "http://[::ffff:7f00:1]/",
        "http://[::ffff:169.254.169.254]/", "http://[::ffff:0:10.0.0.1]/",
        "http://[64:ff9b::10.0.0.1]/", "http://[64:ff9b::169.254.169.254]/",
        "http://[64:ff9b:1::8.8.8.8]/", "http://[2002:a00:1::]/", "http://[2002:7f00:1::1]/",
        "http://[::127.0.0.1]/", "http://[::10.0.0.1]/",
        # Teredo, documentation, multicast
        "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "http://[2001:db8::1]/",
        "http://[ff02::1]/", "http://239.255.255.250/",
    ],
)
def test_ip_literals_are_judged_without_a_lookup(url: str) -> None:
    with pytest.raises(BlockedTarget, match="non-public address"):
        check_url(url, resolve=no_lookup)


@pytest.mark.parametrize(
    "url",
    ["http://8.8.8.8/", "https://[2606:4700::1111]/", "http://[::ffff:8.8.8.8]/",
     "http://[64:ff9b::8.8.8.8]/", "http://[2002:808:808::1]/", "http://134744072/"],
)
def test_public_ip_literals_pass_without_a_lookup(url: str) -> None:
    check_url(url, resolve=no_lookup)


@pytest.mark.parametrize(
    ("url", "resolved"),
    [
        ("http://localhost/", ["127.0.0.1", "::1"]),
        ("http://metadata.example/", ["169.254.169.254"]),
        ("http://intranet.example/", ["10.0.0.5"]),
        ("http://v6.example/", ["2606:4700::1111", "fd00::1"]),  # one public, one not
        ("http://mapped.example/", ["::ffff:192.168.1.1"]),
        ("http://nat64.example/", ["64:ff9b::a9fe:a9fe"]),
        ("http://zone.example/", ["fe80::1%eth0"]),
        ("http://garbage.example/", ["not-an-address"]),
    ],
)
def test_names_are_judged_by_every_address_they_resolve_to(
    url: str, resolved: list[str]
) -> None:
    with pytest.raises(BlockedTarget, match="non-public address"):
        check_url(url, resolve=fixed(*resolved))


def test_a_name_that_resolves_to_nothing_is_refused_and_says_so() -> None:
    with pytest.raises(BlockedTarget, match="resolves to no address"):
        check_url("http://empty.example/", resolve=fixed())


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://evil@127.0.0.1/", "127.0.0.1"),  # userinfo: the host is after the @
        ("http://user:pass@10.0.0.1:8080/", "10.0.0.1"),
        ("http://aawsat.com@169.254.169.254/", "169.254.169.254"),
        ("http://aawsat.com:80@[::1]/", "::1"),
        ("http://a@b@127.0.0.1/", "127.0.0.1"),
        ("HTTP://127.0.0.1/", "127.0.0.1"),  # the scheme's case does not matter
        ("http://127.0.0.1#@aawsat.com/", "127.0.0.1"),  # the fragment is not the host
        ("http://127.0.0.1?@aawsat.com/", "127.0.0.1"),
    ],
)
def test_userinfo_and_delimiter_tricks_are_judged_by_the_real_host(url: str, host: str) -> None:
    with pytest.raises(BlockedTarget, match=f"{host} resolves to non-public"):
        check_url(url, resolve=no_lookup)


def test_the_host_after_userinfo_is_the_one_looked_up() -> None:
    asked: list[str] = []

    def record(host: str) -> list[str]:
        asked.append(host)
        return ["93.184.216.34"]

    check_url("https://127.0.0.1@aawsat.com/x", resolve=record)
    assert asked == ["aawsat.com"]


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "FILE:///etc/passwd", "file://localhost/etc/passwd",
     "data:text/html;base64,PGgxPng8L2gxPg==", "gopher://127.0.0.1:6379/_INFO",
     "ftp://127.0.0.1/", "dict://127.0.0.1:6379/info", "ldap://127.0.0.1/", "jar:http://x/!/",
     "javascript:alert(1)", "s3://bucket/key", "ws://127.0.0.1/", "/relative/path", ""],
)
def test_every_scheme_but_http_and_https_is_refused(url: str) -> None:
    with pytest.raises(BlockedTarget, match="only http and https"):
        check_url(url, resolve=no_lookup)


def test_allowed_hosts_pass_only_as_written() -> None:
    check_url("http://127.0.0.1:8000/x", allowed_hosts=["127.0.0.1"], resolve=no_lookup)
    check_url("http://REPLICA.test/x", allowed_hosts=["replica.test"], resolve=no_lookup)
    # another spelling of an allowed address is not allowed: it is judged like any other
    with pytest.raises(BlockedTarget, match="non-public"):
        check_url("http://2130706433:8000/x", allowed_hosts=["127.0.0.1"], resolve=no_lookup)
    with pytest.raises(BlockedTarget, match="non-public"):
        check_url("http://127.0.0.2/x", allowed_hosts=["127.0.0.1"], resolve=no_lookup)


def test_the_messages_say_what_was_refused_and_what_to_do() -> None:
    with pytest.raises(BlockedTarget) as refused:
        check_url("http://169.254.169.254/latest/meta-data/", resolve=no_lookup)
    message = str(refused.value)
    assert "http://169.254.169.254/latest/meta-data/" in message
    assert "169.254.169.254" in message and "AKHBAR_ALLOWED_HOSTS" in message
