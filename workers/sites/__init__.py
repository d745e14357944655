"""Sites as configuration: which site a URL belongs to, and that site's selectors.

Each site is one YAML file (format: `workers/sites/loader.py`): the built-in ones beside this
module (`aawsat.yaml`, `aawsat-english.yaml`), plus every `*.yaml` of the folder named by
AKHBAR_SITES_DIR. The extractor and the crawler read only `SiteRules`. The files are read on
first use, once per process; importing this package is cheap.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from workers.sites.loader import SiteConfigError, load_site_file, parse_site
from workers.sites.registry import BUILTIN_DIR, Registry, load_registry
from workers.sites.rules import CardRules, SiteRules

__all__ = [
    "BUILTIN_DIR", "CardRules", "Registry", "SiteConfigError", "SiteRules", "all_sites",
    "get_site", "load_registry", "load_site_file", "parse_site", "registry", "site_for_url",
]


@cache
def registry() -> Registry:
    """The sites of this process: built-in + AKHBAR_SITES_DIR (read once; `registry.cache_clear()`
    re-reads)."""
    from workers.config import load_settings

    return load_registry(load_settings().sites_dir)


def all_sites() -> list[SiteRules]:
    return list(registry())


def get_site(name: str) -> SiteRules | None:
    """The site called `name`, or None for a site akhbar has no file for."""
    return registry().get(name)


def site_for_url(url: str) -> SiteRules | None:
    """The site whose domain serves `url`, or None."""
    return registry().for_host(urlsplit(url).hostname or "")
