"""The two ways extraction says no: the page is not an article, or extraction broke."""

from __future__ import annotations


class NotAnArticle(Exception):
    """The page is fine but holds no article: a listing, an error page, an empty or binary
    body, a page with neither headline nor body. `reason` says which, for the failure log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ExtractionError(ValueError):
    """Extraction could not run on this input (a bad URL, a parser failure); the message says
    what and where."""
