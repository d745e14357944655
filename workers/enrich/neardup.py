"""Near-duplicates and stories: MinHash signatures in a MinHash LSH index kept in Redis.

Every worker on every host shares the index (datasketch's Redis storage), so the same story
from three agencies gets one `story_id` whichever worker saw each. An article joins the story
of its near-duplicates (the smallest story id, should they differ), else starts its own.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import redis
from datasketch import MinHash, MinHashLSH

from workers.keys import key
from workers.messages import Article
from workers.redisconn import as_text

NUM_PERM = 128
# Jaccard similarity of word 3-shingles above which two articles are one story. A rewrite of
# an agency story measures about 0.6 on the replica; unrelated articles stay under 0.05.
THRESHOLD = 0.4
SHINGLE_WORDS = 3
WORD = re.compile(r"\w+")


def shingles(search_text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = WORD.findall(search_text)
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + size]).encode() for i in range(len(words) - size + 1)}


def signature(search_text: str) -> MinHash:
    minhash = MinHash(num_perm=NUM_PERM)
    minhash.update_batch(list(shingles(search_text)))
    return minhash


def article_key(article: Article) -> str:
    """A short, stable key for an article: its canonical URL hashed."""
    url = article.canonical_url or article.url
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:20]


def redis_connection_kwargs(url: str) -> dict[str, Any]:
    """datasketch builds its own redis.Redis from keyword arguments, not from a URL."""
    kwargs = redis.connection.parse_url(url)
    kwargs.pop("connection_class", None)
    if "path" in kwargs:
        kwargs["unix_socket_path"] = kwargs.pop("path")
    return kwargs


class RedisStoryIndex:
    """The near-duplicate index shared by every worker through Redis."""

    def __init__(self, redis_url: str, prefix: str, threshold: float = THRESHOLD) -> None:
        self.client = redis.Redis.from_url(redis_url, socket_timeout=15)
        self.stories = key("stories", prefix)
        self.urls = key("story_urls", prefix)
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, storage_config={
            "type": "redis", "basename": key("lsh", prefix).encode(),
            "redis": redis_connection_kwargs(redis_url)})

    def add(self, article: Article, search_text: str) -> tuple[str, list[str]]:
        """(story id, canonical URLs of the near-duplicates seen before). Idempotent."""
        this = article_key(article)
        minhash = signature(search_text)
        others = sorted(map(as_text, self.lsh.query(minhash)))
        others = [k for k in others if k != this]
        if this not in self.lsh:
            self.lsh.insert(this, minhash)
        self.client.hsetnx(self.urls, this, article.canonical_url or article.url)
        story = self._story_of(others) or this
        self.client.hsetnx(self.stories, this, story)
        story = self.client.hget(self.stories, this).decode()  # type: ignore[union-attr]
        urls = self.client.hmget(self.urls, others) if others else []
        return story, [u.decode() for u in urls if u]

    def _story_of(self, others: list[str]) -> str | None:
        """The story the near-duplicates belong to; the smallest id, so every worker agrees."""
        if not others:
            return None
        stories = self.client.hmget(self.stories, others)
        found = [s.decode() for s in stories if s]
        return min(found) if found else None
