"""The shared cache of rendered public pages (issue 22): every worker and every machine reads
what any of them rendered, keyed by the page's version fingerprint (its ETag), so a page
rendered once costs any other worker one cache read and no template work.

Django's cache framework holds it: Redis in production, a file cache in the embedded mode and
tests (config/settings). The cache is an optimisation, never a dependency: a cache that is
down or refuses a value costs a render, not an error page.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


class SharedCache:
    """The default cache for the public pages' reads and writes, where an outage degrades to
    a miss: what the public selectors import (`shared_cache as cache`). A dropped delete only
    lets a cached board or specialty list live to its expiry (PUBLIC_PAGE_CACHE_SECONDS)."""

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return cache.get(key, default)
        except Exception:  # any backend's connection error
            logger.warning("cache unavailable (get %s)", key, exc_info=True)
            return default

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        try:
            cache.set(key, value, timeout)
        except Exception:
            logger.warning("cache unavailable (set %s)", key, exc_info=True)

    def set_many(self, values: dict[str, Any], timeout: int | None = None) -> None:
        try:
            cache.set_many(values, timeout)
        except Exception:
            logger.warning("cache unavailable (set_many)", exc_info=True)

    def delete_many(self, keys: Iterable[str]) -> None:
        try:
            cache.delete_many(list(keys))
        except Exception:
            logger.error("cache unavailable: %s not dropped until they expire", keys)


shared_cache = SharedCache()


def page_key(kind: str, host: str, fingerprint: str) -> str:
    """One rendered page: what it is, for which host (absolute URLs), which version."""
    return f"public-{kind}:{host}:{fingerprint}"


def page_get(key: str) -> bytes | None:
    if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0:
        return None
    local = _LOCAL_PAGES.get(key)
    if local is not None and local[1] > time.monotonic():
        return local[0]
    body = shared_cache.get(key)
    if not isinstance(body, bytes):
        return None
    _local_set(key, body)
    return body


def page_set(key: str, body: bytes) -> None:
    if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0:
        return
    shared_cache.set(key, body, settings.PUBLIC_PAGE_CACHE_SECONDS)
    _local_set(key, body)


# This process's copies of the pages it served last, {key: (page, monotonic expiry)}, in front
# of the shared cache: a hot page (the index's first pages) costs no cache read. Safe for the
# same reason the shared cache is: a key names its page's version (the fingerprint each view
# computes from the database on every request), so an unapproved or changed article has a new
# key and no copy of its old page is ever found. What a key does not name (the cached board)
# a copy keeps PUBLIC_PAGE_LOCAL_SECONDS past the shared cache's bound at most.
_LOCAL_PAGES: dict[str, tuple[bytes, float]] = {}
LOCAL_PAGES_MAX = 64  # pages of ~20 KB: ~1.5 MB per process
_local_lock = threading.Lock()


def _local_set(key: str, body: bytes) -> None:
    seconds = settings.PUBLIC_PAGE_LOCAL_SECONDS
    if seconds <= 0:
        return
    now = time.monotonic()
    with _local_lock:
        _LOCAL_PAGES.pop(key, None)
        # copies are kept in the order they were stored, so in expiry order: drop from the
        # front what has expired and what is over the bound (no scan of them all per request)
        while _LOCAL_PAGES:
            oldest = next(iter(_LOCAL_PAGES))
            if len(_LOCAL_PAGES) < LOCAL_PAGES_MAX and _LOCAL_PAGES[oldest][1] > now:
                break
            del _LOCAL_PAGES[oldest]
        _LOCAL_PAGES[key] = (body, now + seconds)
