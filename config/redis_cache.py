"""Django's Redis cache, with one Redis client object per connection pool instead of one per
cache call.

Django's RedisCacheClient.get_client builds a new `redis.Redis` for every get/set; redis-py's
constructor fills a table of ~200 response callbacks each time, which cost more CPU than the
GET of a cached public page itself (issue 22: measured in bench/public_pages.py). A
`redis.Redis` over a connection pool is thread-safe, so one per pool serves every call.
Everything else (pools, serializer, options, CACHE_URL parsing) is Django's.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client: Any = self  # its pool helpers are private: not in django-stubs
        index = django_client._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = django_client._get_connection_pool(write)
            client = self._clients[index] = django_client._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
