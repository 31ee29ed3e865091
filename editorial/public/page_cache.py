"""The shared cache of rendered public pages (issue 22): every worker and every machine reads
what any of them rendered, keyed by the page's version fingerprint (its ETag), so a page
rendered once costs any other worker one cache read and no template work.

Django's cache framework holds it: Redis in production, a file cache in the embedded mode and
tests (config/settings). The cache is an optimisation, never a dependency: a cache that is
down or refuses a value costs a render, not an error page.
"""

from __future__ import annotations

import logging
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
    body = shared_cache.get(key)
    return body if isinstance(body, bytes) else None


def page_set(key: str, body: bytes) -> None:
    if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0:
        return
    shared_cache.set(key, body, settings.PUBLIC_PAGE_CACHE_SECONDS)
