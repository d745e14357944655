"""The sites akhbar knows: the built-in files beside this module, then the user's folder.

A user's file whose `name` is that of a built-in site replaces it (a fix for a drifted site
needs no release). Two files of one folder with one name, or two sites claiming one domain,
are errors naming both files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from workers.sites.loader import SiteConfigError, load_site_file
from workers.sites.rules import SiteRules

BUILTIN_DIR = Path(__file__).resolve().parent
SITE_FILE_PATTERNS = ("*.yaml", "*.yml")


def site_files(folder: Path) -> list[Path]:
    """The site files of `folder`, by name."""
    if not folder.is_dir():
        raise SiteConfigError(f"{folder}: sites folder not found (AKHBAR_SITES_DIR)")
    return sorted(p for pattern in SITE_FILE_PATTERNS for p in folder.glob(pattern))


def _load_folder(folder: Path) -> dict[str, SiteRules]:
    sites: dict[str, SiteRules] = {}
    for path in site_files(folder):
        rules = load_site_file(path)
        if rules.name in sites:
            raise SiteConfigError(
                f"{path}: site {rules.name!r} is also defined by {sites[rules.name].source}"
            )
        sites[rules.name] = rules
    return sites


class Registry:
    """Sites by name, and which site serves a URL."""

    def __init__(self, sites: Iterable[SiteRules]) -> None:
        self._sites = {site.name: site for site in sites}
        self._by_domain: dict[str, SiteRules] = {}
        for site in self._sites.values():
            for domain in site.domains:
                other = self._by_domain.setdefault(domain, site)
                if other is not site:
                    raise SiteConfigError(
                        f"{site.source}: domain {domain!r} is also claimed by site "
                        f"{other.name!r} ({other.source})"
                    )

    def __iter__(self) -> Iterator[SiteRules]:
        return iter(self._sites.values())

    def __len__(self) -> int:
        return len(self._sites)

    def names(self) -> list[str]:
        return list(self._sites)

    def get(self, name: str) -> SiteRules | None:
        return self._sites.get(name)

    def for_host(self, host: str) -> SiteRules | None:
        return self._by_domain.get(host.lower().rstrip("."))


def load_registry(user_dir: Path | None = None, builtin_dir: Path = BUILTIN_DIR) -> Registry:
    """Every built-in site, then those of `user_dir` (replacing built-ins of the same name)."""
    sites = _load_folder(builtin_dir)
    if user_dir is not None:
        sites |= _load_folder(user_dir)
    return Registry(sorted(sites.values(), key=lambda s: s.name))
