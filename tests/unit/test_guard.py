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
