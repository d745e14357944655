"""Scrapy's log lines, with an item named by its URL: a RawPage item carries the whole page
body, which Scrapy would write into the log for every item that fails or is dropped."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


def item_label(item: Any) -> str:
    """The item as a log line shows it: its URL and status, not its body."""
    if isinstance(item, dict) and "url" in item:
        return f"{{'url': {item['url']!r}, 'status': {item.get('status', '?')!r}}}"
    return repr(item)[:300]


class ShortItemLogFormatter(LogFormatter):
    def item_error(self, item: Any, exception: BaseException,
                   response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        return super().item_error(item_label(item), exception, response, spider)

    def dropped(self, item: Any, exception: BaseException,
                response: Response | Failure | None, spider: Spider) -> LogFormatterResult:
        return super().dropped(item_label(item), exception, response, spider)
