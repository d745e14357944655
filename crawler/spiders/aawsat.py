"""Asharq Al-Awsat (aawsat.com): the spider built from `workers/sites/aawsat.yaml`."""

from crawler.spiders.sites import spider_for

AawsatSpider = spider_for("aawsat")
