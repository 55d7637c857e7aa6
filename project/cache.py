"""The shared Redis cache, with one client per connection pool instead of one per operation."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    """Django's client builds a `redis.Redis` for every cache operation, response callbacks
    and all: about a fifth of an API upload's CPU went there (two rate-limit counts and the
    token check; docs/BENCHMARKS.md, scenario 10). This one builds one per connection pool and
    keeps it: a client is safe to share between threads, and its pool reconnects after a
    fork."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Private in Django's stubs, public enough in its code: the pool and the client class.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[id(pool)] = client
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
