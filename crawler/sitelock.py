"""One crawl of a site at a time: the owner of the site's frontier, a Redis key with a TTL.

Two crawls sharing one frontier would each take the other's in-flight requests for those of a
dead crawl. The crawl that holds the lock refreshes it; a crawler that dies lets it expire
within the TTL, at once when it ran on this host (its pid is gone). A second crawl of the site
waits that long, then refuses with a message naming the holder.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time

import redis

log = logging.getLogger(__name__)

# KEYS: lock. ARGV: owner, ttl ms. Whether the lock is still this owner's (TTL renewed).
REFRESH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# KEYS: lock. ARGV: owner. Deletes the lock only if it is this owner's.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# KEYS: lock. ARGV: dead holder, new owner, ttl ms. Takes the lock only if the dead holder has it.
TAKE_OVER = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
"""


class SiteBusy(RuntimeError):
    """Another live crawl owns the site's frontier; the message names it."""


def owner_id(crawl_id: str) -> str:
    return json.dumps({"crawl_id": crawl_id, "host": socket.gethostname(), "pid": os.getpid()})


def holder_is_dead(holder: str) -> bool:
    """Whether the holder was a process of this host that no longer exists."""
    try:
        owner = json.loads(holder)
        if owner["host"] != socket.gethostname():
            return False
        os.kill(int(owner["pid"]), 0)
    except ProcessLookupError:
        return True
    except (ValueError, KeyError, TypeError, PermissionError):
        return False
    return False


class SiteLock:
    def __init__(self, client: redis.Redis, name: str, owner: str, ttl_s: float) -> None:
        self.client = client
        self.name = name
        self.owner = owner
        self.ttl_ms = int(ttl_s * 1000)
        self._refresh = client.register_script(REFRESH)
        self._release = client.register_script(RELEASE)
        self._take_over = client.register_script(TAKE_OVER)

    def acquire(self, wait_s: float, poll_s: float = 0.5) -> None:
        """Take the lock, waiting up to `wait_s` for its holder to end; SiteBusy if it won't."""
        deadline = time.monotonic() + wait_s
        while True:
            if self.client.set(self.name, self.owner, nx=True, px=self.ttl_ms):
                return
            holder = (self.client.get(self.name) or b"").decode()
            if (
                holder
                and holder_is_dead(holder)
                and self._take_over(keys=[self.name], args=[holder, self.owner, self.ttl_ms])
            ):
                log.warning("took over the frontier lock of a crawl that died: %s", holder)
                return
            if time.monotonic() >= deadline:
                raise SiteBusy(
                    f"another crawl of this site is running ({holder or 'lock just released'}); "
                    f"waited {wait_s:.0f} s. Wait for it to finish, or stop it: the next crawl "
                    "resumes where it stopped"
                )
            time.sleep(poll_s)

    def refresh(self) -> bool:
        """Renew the TTL; False if another crawl took the lock (after an outage longer than
        the TTL). A lock that merely expired is taken back."""
        if self._refresh(keys=[self.name], args=[self.owner, self.ttl_ms]):
            return True
        return bool(self.client.set(self.name, self.owner, nx=True, px=self.ttl_ms))

    def release(self) -> None:
        self._release(keys=[self.name], args=[self.owner])
