"""The Redis page cache (config/redis_cache.py): Django's backend with one client per pool."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from config.env import env, with_reused_clients
from config.redis_cache import RedisCache


def test_cache_urls_for_redis_get_the_backend_that_reuses_clients():
    redis_entry = with_reused_clients(env.cache_url_config("redis://127.0.0.1:6379/3"))
    file_entry = with_reused_clients(env.cache_url_config("filecache:///tmp/x"))

    assert redis_entry["BACKEND"] == "config.redis_cache.RedisCache"
    assert redis_entry["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert file_entry["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"


@pytest.mark.redis
def test_one_redis_client_serves_every_call_and_values_round_trip(monkeypatch):
    built: list[object] = []
    original_init = redis.Redis.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting_init)
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-redis-cache"})
    page = b"<html>" + b"x" * 20_000 + b"</html>"
    try:
        cache.set("page", page, 30)
        assert cache.get("page") == page
        assert cache.add("page", b"other", 30) is False
        assert cache.get_many(["page", "missing"]) == {"page": page}
    finally:
        cache.delete("page")
    # Django's own backend builds one client per call (5 here): ours one for the pool
    assert len(built) == 1
    assert isinstance(cache, DjangoRedisCache)


@pytest.mark.redis
def test_replies_are_parsed_by_hiredis():
    """hiredis (a dependency) parses Redis's replies in C: a cached public page costs ~0.1 ms
    less worker CPU than with redis-py's Python parser (issue 22)."""
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-redis-cache"})
    page = b"<html>" + b"\xff" * 20_000 + b"</html>"  # bytes that are not text round-trip too
    try:
        cache.set("page", page, 30)
        assert cache.get("page") == page
        client = cache._cache.get_client("page")
        connection = client.connection_pool.get_connection()
        try:
            assert "Hiredis" in type(connection._parser).__name__
        finally:
            client.connection_pool.release(connection)
    finally:
        cache.delete("page")
