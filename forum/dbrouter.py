"""Read replicas: which database alias a read goes to.

Anonymous page reads (GET or HEAD, no session cookie) go to a replica from
``DATABASE_REPLICA_URLS``. Everything else reads the primary: every other method (all write
paths), signed-in readers, anything inside a transaction (a read there may feed a write), and a
reader who wrote in the last ``READ_YOUR_WRITES_SECONDS``, whom a signed cookie pins to the
primary so they never miss their own write through replica lag.

Hand-written SQL asks ``read_alias()`` for its connection; ORM reads ask the router, which
answers the same.
"""

import contextvars
import random

from django.conf import settings
from django.core import signing
from django.db import connections

_PRIMARY = "default"
_READ_FROM = contextvars.ContextVar("read_from", default=_PRIMARY)
_SAFE_METHODS = {"GET", "HEAD"}
WROTE_COOKIE = "forum_wrote"
_SALT = "forum.dbrouter.wrote"


def read_alias() -> str:
    """The alias a read should use now: this request's replica, or the primary."""
    alias = _READ_FROM.get()
    if alias != _PRIMARY and connections[_PRIMARY].in_atomic_block:
        return _PRIMARY
    return alias


class ReplicaRouter:
    """Reads where ``read_alias()`` says, writes and migrations on the primary."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return _PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == _PRIMARY


def _wrote_recently(request) -> bool:
    try:
        signing.get_cookie_signer(salt=_SALT).unsign(
            request.COOKIES.get(WROTE_COOKIE, ""), max_age=settings.READ_YOUR_WRITES_SECONDS
        )
    except signing.BadSignature:
        return False
    return True


def _replica_for(request) -> str:
    if (
        not settings.READ_REPLICA_ALIASES
        or request.method not in _SAFE_METHODS
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or _wrote_recently(request)
    ):
        return _PRIMARY
    return random.choice(settings.READ_REPLICA_ALIASES)  # noqa: S311 - load spreading, not secrets


class ReadYourWritesMiddleware:
    """Choose this request's read alias; pin a writer to the primary for a while."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _READ_FROM.set(_replica_for(request))
        try:
            response = self.get_response(request)
        finally:
            _READ_FROM.reset(token)
        if request.method not in _SAFE_METHODS and response.status_code < 400:
            value = signing.get_cookie_signer(salt=_SALT).sign("1")
            response.set_cookie(
                WROTE_COOKIE,
                value,
                max_age=settings.READ_YOUR_WRITES_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
