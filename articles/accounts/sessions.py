"""The session engine (SESSION_ENGINE): database sessions, each row knowing its user, read from
the shared cache when one is configured.

Django's own table stores the user only inside the encoded session data, so ending all sessions of
one user would mean decoding every session on the site. This is the extension Django documents
("Extending database-backed session engines"), on Django's cached_db engine: every request of a
signed-in reader needs its session, and with ``ACCOUNT_CACHE_SECONDS`` set (the default with
Redis) it comes from Redis, not from PostgreSQL. The rows stay the truth: written first, read
whenever the cache has no copy or does not answer, and listing or ending a user's sessions reads
them. Ending sessions drops their cached copies too (``sessions_forget``).

Without a shared cache (``ACCOUNT_CACHE_SECONDS`` 0) it is the plain database engine: a copy in
one process's memory could not be dropped by another (a command deactivating an account).
"""

import contextlib
import logging

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDatabaseSessionStore
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.cache import caches

from forum.cache import CacheUnavailable

logger = logging.getLogger("forum.accounts")


def _cache():
    return caches[settings.SESSION_CACHE_ALIAS]


def sessions_forget(session_keys) -> None:
    """Drop the cached copies of these sessions (their rows are being deleted).

    A cache that does not answer cannot serve them either; should it come back with them,
    they last at most ``ACCOUNT_CACHE_SECONDS``. That is logged as an error.
    """
    keys = [SessionStore.cache_key_prefix + key for key in session_keys]
    if not keys or not settings.ACCOUNT_CACHE_SECONDS:
        return
    try:
        _cache().delete_many(keys)
    except CacheUnavailable:
        logger.error(
            "Ended %d session(s) while the cache was unavailable: copies it may still hold "
            "expire within %d s",
            len(keys),
            settings.ACCOUNT_CACHE_SECONDS,
        )


class SessionStore(CachedDatabaseSessionStore):
    cache_key_prefix = "forum.session:"

    @classmethod
    def get_model_class(cls):
        from articles.models import AccountSession  # the engine is imported before the apps

        return AccountSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session

    def _cache_seconds(self, expiry=None) -> int:
        return min(self.get_expiry_age(expiry=expiry), settings.ACCOUNT_CACHE_SECONDS)

    def load(self):
        if not settings.ACCOUNT_CACHE_SECONDS:
            return DatabaseSessionStore.load(self)
        try:
            data = self._cache.get(self.cache_key)
        except CacheUnavailable:
            data = None  # the row is the truth: read it
        if data is not None:
            return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        self._cache_set(data, self._cache_seconds(expiry=row.expire_date))
        return data

    def exists(self, session_key):
        # A new key must be free in the table, whatever the cache holds.
        return DatabaseSessionStore.exists(self, session_key)

    def save(self, must_create=False):
        DatabaseSessionStore.save(self, must_create)
        if settings.ACCOUNT_CACHE_SECONDS:
            self._cache_set(self._session, self._cache_seconds())

    def delete(self, session_key=None):
        DatabaseSessionStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key:
            sessions_forget([session_key])

    def _cache_set(self, data, seconds: int) -> None:
        # Logged and counted by the cache; the next request reads the row.
        with contextlib.suppress(CacheUnavailable):
            self._cache.set(self.cache_key, data, seconds)
