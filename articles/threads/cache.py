"""Rendered thread pages in the cache, and the one call that retires them: ``thread_changed``.

Every cached page of an article's thread is stored under the article's current *version*, a
random token kept in the cache. A write that changes what the thread shows calls
``thread_changed``, which replaces the token once the write's transaction commits: from then on
every reader looks up new keys and renders the pages afresh, and the old copies expire unread.
Replacing the token after the commit (not before) matters: a reader who read the new token can
only find committed data.

The cache must be shared by every process serving the site (Redis): a per-process cache would
keep serving a page another process has retired. ``THREAD_CACHE_SECONDS`` is therefore 0 (no
caching) unless ``REDIS_URL`` is set.
"""

import uuid
from collections.abc import Callable, Hashable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction


def _version_key(article_id: int) -> str:
    return f"thread-version:{article_id}"


def thread_changed(article_id: int) -> None:
    """Retire every cached page of the article's thread when the current transaction commits.

    Call it from every write that changes what the thread shows: posting, importing, and any
    moderation or edit of a comment (state, text, author name).
    """
    transaction.on_commit(
        lambda: cache.set(_version_key(article_id), uuid.uuid4().hex, timeout=None)
    )


def thread_cache_variant(user) -> str | None:
    """Which readers may share a cached thread page, as a key part; None: render for this one.

    Every anonymous reader sees the same thread. Signed-in readers bypass the cache: the parts of
    a thread that are theirs alone (their own tools and pending comments, a moderator's tools)
    would otherwise need a copy per person.
    """
    return None if user.is_authenticated else "anonymous"


def cached_thread[T](
    article_id: int, *, variant: str | None, key: tuple[Hashable, ...], render: Callable[[], T]
) -> T:
    """``render()``, or the copy of it cached for this article's current version, ``variant``
    and ``key`` (e.g. sort order and page number)."""
    if not settings.THREAD_CACHE_SECONDS or variant is None:
        return render()
    version_key = _version_key(article_id)
    version = cache.get(version_key)
    if version is None:
        # First visit, or the token was evicted: any fresh token is correct, since no copy
        # can exist under it.
        cache.add(version_key, uuid.uuid4().hex, timeout=None)
        version = cache.get(version_key)
        if version is None:  # a cache that keeps nothing (DummyCache)
            return render()
    page_key = ":".join(["thread", str(article_id), version, variant, *map(str, key)])
    page = cache.get(page_key)
    if page is None:
        page = render()
        cache.set(page_key, page, timeout=settings.THREAD_CACHE_SECONDS)
    return page
