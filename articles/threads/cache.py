"""Pages every anonymous reader shares, in the cache as the bytes sent (a copy per encoding),
and the one call that retires them: ``thread_changed``.

A cached page's key names three versions, and a page is found only while all three still hold:

* the release (``settings.RELEASE``): two releases never share HTML during a rolling deploy;
* the article's thread version in PostgreSQL (``ThreadVersion``), bumped by triggers in the
  transaction of every write to its comments (not of a vote's totals alone: votes keep cached
  pages) or to its pinned comment, and read with the article row the page already fetches: a
  Redis that restarted, failed over or lost an invalidation still cannot serve a page older
  than the last committed write;
* a token in Redis that ``thread_changed`` replaces after commit, for writes that change what a
  thread shows without touching its comments (e.g. an author's name).

Redis is an accelerator: when it fails, the page is rendered uncached (forum/cache.py logs and
counts the failure), and a lost token replacement only costs a render.

The cache must be shared by every process serving the site (Redis): ``THREAD_CACHE_SECONDS`` is
0 (no caching) unless ``REDIS_URL`` is set.
"""

import contextlib
import logging
import uuid
from collections.abc import Callable, Hashable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from articles.models import ThreadVersion
from forum.cache import CacheUnavailable
from forum.compression import IDENTITY, compress
from forum.metrics import PAGE_CACHE

logger = logging.getLogger(__name__)


def _token_key(article_id: int) -> str:
    return f"thread-version:{article_id}"


def _replace_token(article_id: int) -> None:
    try:
        cache.set(_token_key(article_id), uuid.uuid4().hex, timeout=None)
    except CacheUnavailable:
        # The write is committed and its thread version bumped: no page can outlive it.
        logger.warning("Thread %s changed while the cache was unavailable", article_id)


def thread_changed(article_id: int) -> None:
    """Retire every cached page of the article's thread when the current transaction commits.

    Call it from every write that changes what the thread shows: posting, importing, and any
    moderation or edit of a comment (state, text, author name). It never raises after the commit:
    a stored write is never answered with an error page.
    """
    transaction.on_commit(lambda: _replace_token(article_id))


def thread_cache_variant(user) -> str | None:
    """Which readers may share a cached thread page, as a key part; None: render for this one.

    Every anonymous reader sees the same thread. Signed-in readers bypass the cache: the parts of
    a thread that are theirs alone (their own tools and pending comments, a moderator's tools)
    would otherwise need a copy per person.
    """
    return None if user.is_authenticated else "anonymous"


def _token(article_id: int) -> str | None:
    key = _token_key(article_id)
    token = cache.get(key)
    if token is None:
        # First visit, or the token was evicted: any fresh token is correct, since no copy
        # can exist under it.
        cache.add(key, uuid.uuid4().hex, timeout=None)
        token = cache.get(key)
    return token  # None from a cache that keeps nothing (DummyCache)


def with_thread_version(articles):
    """``articles`` annotated with ``thread_version``, the PostgreSQL-held version of their
    threads (0 before their first comment), for :func:`cached_page`: read with the article
    row a page already fetches, it costs no query of its own."""
    version = ThreadVersion.objects.filter(article=OuterRef("pk")).values("version")
    return articles.annotate(thread_version=Coalesce(Subquery(version), 0))


def _page_key(article_id: int, version: int, variant: str, key: tuple[Hashable, ...]) -> str | None:
    token = _token(article_id)
    if token is None:
        return None
    parts = [settings.RELEASE, str(article_id), str(version), token, variant, *map(str, key)]
    return "thread:" + ":".join(parts)


def _lookup(page_key: str, encoding: str) -> tuple[bytes | None, bytes | None]:
    # (the copy in this encoding, or else the page as it is to compress: one read on a hit)
    stored = cache.get(f"{page_key}:{encoding}")
    if stored is not None or encoding == IDENTITY:
        return stored, stored
    return None, cache.get(f"{page_key}:{IDENTITY}")


def cached_page(
    article_id: int,
    *,
    version: int,
    variant: str,
    key: tuple[Hashable, ...],
    encoding: str,
    render: Callable[[], bytes | None],
) -> bytes | None:
    """A shared page's body in ``encoding`` (``forum.compression``): the bytes cached for this
    release, the article's thread ``version`` (``ThreadVersion``, read with the article),
    ``variant`` (``thread_cache_variant``, never None here), ``key`` and ``encoding``, served as
    they are; else compressed from the cached page as it is; else ``render()``'s body, cached as
    it is and in ``encoding``. None when ``render()`` says, with None, that this body must not
    be shared: it is then neither cached nor compressed, and the caller serves its own.

    Only bytes go in and out of the cache, stored as they are (forum/cache.py BytesSerializer):
    a hit costs two reads, the token and the copy, and nothing else that grows with the thread."""
    if not settings.THREAD_CACHE_SECONDS:
        body = render()
        return None if body is None else compress(body, encoding)
    try:
        page_key = _page_key(article_id, version, variant, key)
        stored, plain = _lookup(page_key, encoding) if page_key else (None, None)
    except CacheUnavailable:
        PAGE_CACHE.labels("error").inc()
        page_key, stored, plain = None, None, None
    if stored is not None:
        PAGE_CACHE.labels("hit").inc()
        return stored
    if page_key is not None:
        PAGE_CACHE.labels("miss").inc()
    copies = {}
    if plain is None:
        plain = copies[IDENTITY] = render()
        if plain is None:
            return None
    body = copies[encoding] = compress(plain, encoding)
    if page_key is not None:
        # Logged and counted by the backend; the reader has the page all the same.
        with contextlib.suppress(CacheUnavailable):
            cache.set_many(
                {f"{page_key}:{name}": copy for name, copy in copies.items()},
                timeout=settings.THREAD_CACHE_SECONDS,
            )
    return body
