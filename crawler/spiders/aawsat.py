"""Asharq Al-Awsat (aawsat.com). Every selector lives in workers/sites/aawsat.py."""

from crawler.spiders.news import NewsSpider
from workers.sites.aawsat import RULES


class AawsatSpider(NewsSpider):
    name = "aawsat"
    rules = RULES
