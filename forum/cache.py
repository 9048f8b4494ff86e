"""Redis as an accelerator, never a single point of failure.

``ResilientRedisCache`` turns every Redis failure (refused, reset, timed out) into one exception,
``CacheUnavailable``, logged and counted (``forum_cache_errors``), which callers handle as their
feature requires: the page cache renders uncached, an after-commit invalidation is dropped
(PostgreSQL's thread version keeps pages correct without it). ``RateLimitCache``, the cache
django-ratelimit counts in, follows ``RATELIMIT_ON_CACHE_ERROR``: ``deny`` lets the exception
through (the middleware answers 503 with Retry-After), ``allow`` counts the request as the first
of its window.
"""

import functools
import logging

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient, RedisSerializer
from redis.exceptions import RedisError

from forum.metrics import CACHE_ERRORS

logger = logging.getLogger("forum.cache")


class CacheUnavailable(Exception):
    """Redis did not answer (the cause is chained)."""


def _guarded(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            CACHE_ERRORS.labels(method.__name__).inc()
            logger.warning(
                "Cache unavailable: %s failed (%s: %s)",
                method.__name__,
                type(error).__name__,
                error,
            )
            raise CacheUnavailable(str(error)) from error

    return call


class ReusedRedisClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per connection pool instead of making one per
    cache call: building one fills its table of ~200 response callbacks, 0.1 ms each time, and a
    reply made 7 cache calls (the posting profile of issue 18). A ``Redis`` over a pool is safe
    to share between threads."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class BytesSerializer(RedisSerializer):
    """Django's serializer, but ``bytes`` are stored as they are behind a one-byte tag (pickles
    start with 0x80, integers are digits): a cached page (threads/cache.py, 8.6 MB for a
    10,000-comment thread) is read back by slicing off the tag, never unpickled."""

    TAG = b"\x00"

    def dumps(self, obj):
        if type(obj) is bytes:
            return self.TAG + obj
        return super().dumps(obj)

    def loads(self, data):
        if data[:1] == self.TAG:
            return data[1:]
        return super().loads(data)


class ResilientRedisCache(RedisCache):
    """Django's RedisCache raising ``CacheUnavailable`` (logged, counted) for any Redis failure;
    one client per pool, bytes stored as they are."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisClient
        self._options.setdefault("serializer", BytesSerializer)

    add = _guarded(RedisCache.add)
    get = _guarded(RedisCache.get)
    set = _guarded(RedisCache.set)
    touch = _guarded(RedisCache.touch)
    delete = _guarded(RedisCache.delete)
    get_many = _guarded(RedisCache.get_many)
    has_key = _guarded(RedisCache.has_key)
    incr = _guarded(RedisCache.incr)
    set_many = _guarded(RedisCache.set_many)
    delete_many = _guarded(RedisCache.delete_many)
    clear = _guarded(RedisCache.clear)


class RateLimitCache(ResilientRedisCache):
    """The rate-limit counters: on a Redis failure, deny (503) or allow as the policy says."""

    def add(self, key, value, timeout=None, version=None):
        """django-ratelimit's first call per request: a True answer means "count starts here"."""
        try:
            return super().add(key, value, timeout, version)
        except CacheUnavailable:
            if settings.RATELIMIT_ON_CACHE_ERROR == "allow":
                return True
            raise
