"""Who is signed in, without a database read: Django's AuthenticationMiddleware, with the user row
kept in the shared cache for ``ACCOUNT_CACHE_SECONDS`` (0, the default without Redis: off).

A cached user is used only as Django would use the row: the session must name it and the same
authentication backend, and the session's hash of the password must match the cached row's
(``get_session_auth_hash``, with the secret key's fallbacks). Anything else, and every miss or
cache failure, goes through ``django.contrib.auth.get_user``, which reads the row, checks it
(inactive users are refused) and flushes a session whose password changed. Every save or
deletion of a user drops its copy once the transaction commits (receivers.py), so a
deactivation, a new password, a role granted or revoked is seen by the next request.
"""

import contextlib
from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoMiddleware
from django.contrib.auth.middleware import auser
from django.core.cache import cache
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from forum.cache import CacheUnavailable


def _key(user_id) -> str:
    return f"forum.user:{user_id}"


def user_forget(user_id) -> None:
    """Drop the cached copy of this user's row (it changed, or is gone)."""
    with contextlib.suppress(CacheUnavailable):  # logged and counted by the cache
        cache.delete(_key(user_id))


def _hash_matches(session, user) -> bool:
    given = session.get(HASH_SESSION_KEY)
    if not given:
        return False
    if constant_time_compare(given, user.get_session_auth_hash()):
        return True
    return any(
        constant_time_compare(given, fallback) for fallback in user.get_session_auth_fallback_hash()
    )


def _cached_user(session):
    user_id = session.get(SESSION_KEY)
    if user_id is None or session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    try:
        user = cache.get(_key(user_id))
    except CacheUnavailable:
        return None
    if user is None or str(user.pk) != str(user_id) or not _hash_matches(session, user):
        return None
    user.backend = session[BACKEND_SESSION_KEY]
    return user


def get_user(request):
    """The signed-in user (or AnonymousUser), from the cache when it holds a copy that the
    session's hash matches, else as Django reads it (and then cached)."""
    if hasattr(request, "_cached_user"):
        return request._cached_user
    user = None
    if settings.ACCOUNT_CACHE_SECONDS:
        user = _cached_user(request.session)
    if user is None:
        user = auth.get_user(request)
        if settings.ACCOUNT_CACHE_SECONDS and user.is_authenticated:
            with contextlib.suppress(CacheUnavailable):  # logged and counted by the cache
                cache.set(_key(user.pk), user, settings.ACCOUNT_CACHE_SECONDS)
    request._cached_user = user
    return user


class AuthenticationMiddleware(DjangoMiddleware):
    """Django's, reading the user through :func:`get_user`."""

    def process_request(self, request):
        super().process_request(request)  # its checks
        request.user = SimpleLazyObject(lambda: get_user(request))
        request.auser = partial(auser, request)
