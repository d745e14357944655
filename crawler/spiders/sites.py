"""A spider for every configured site: a `NewsSpider` subclass built from the site's rules.

`python -m crawler.run SITE` asks `spider_for(SITE)`; the classes are also made at import, so
Scrapy's own spider loader (`scrapy crawl SITE`, `scrapy list`) finds every site of the
registry, built-in or in AKHBAR_SITES_DIR.
"""

from __future__ import annotations

import re
from functools import cache

from crawler.spiders.news import NewsSpider
from workers.sites import SiteRules, all_sites, get_site, registry


class UnknownSite(LookupError):
    """No site file names this site."""


@cache
def spider_class(rules: SiteRules) -> type[NewsSpider]:
    """The spider class of one site (`aawsat-english` → `AawsatEnglishSpider`)."""
    class_name = "".join(p.capitalize() for p in re.split(r"[-_]+", rules.name)) + "Spider"
    attributes = {
        "name": rules.name,
        "rules": rules,
        "__module__": __name__,
        "__doc__": f"{rules.name} ({', '.join(rules.domains)}), from {rules.source}.",
    }
    return type(class_name, (NewsSpider,), attributes)


def spider_for(site: str) -> type[NewsSpider]:
    """The spider of the site called `site`; UnknownSite names the sites there are."""
    rules = get_site(site)
    if rules is None:
        known = ", ".join(registry().names())
        raise UnknownSite(f"unknown site {site!r}; known sites: {known} "
                          "(add one as a YAML file in AKHBAR_SITES_DIR)")
    return spider_class(rules)


for _rules in all_sites():  # module attributes, for Scrapy's spider loader
    globals()[spider_class(_rules).__name__] = spider_class(_rules)
