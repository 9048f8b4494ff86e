"""The rendered-thread cache: used, and never stale after a write."""

import dataclasses
import os
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from articles.models import Comment
from articles.portability import store
from articles.portability.records import ImportReport
from articles.portability.text import parse_bytes
from articles.threads.cache import thread_changed
from articles.threads.services import comment_tree_repair
from tests.articles.portability.test_import_command import SAMPLE
from tests.factories import make_comment, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread_cache(settings):
    settings.THREAD_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_anonymous_readers_share_one_rendered_page(
    client, article, thread_cache, django_assert_num_queries
):
    make_comment(article, title="Cached")
    first = client.get(article.get_absolute_url()).content
    with django_assert_num_queries(1):  # the article; the discussion comes from the cache
        second = client.get(article.get_absolute_url()).content
    assert second == first
    with django_assert_num_queries(2):  # another page or order is another copy
        client.get(article.get_absolute_url() + "?sort=newest")


def test_without_a_cache_lifetime_every_view_renders(
    client, article, settings, django_assert_num_queries
):
    settings.THREAD_CACHE_SECONDS = 0
    make_comment(article)
    client.get(article.get_absolute_url())
    with django_assert_num_queries(2):
        client.get(article.get_absolute_url())


def test_signed_in_readers_bypass_the_cache(
    signed_in, article, thread_cache, django_assert_num_queries
):
    make_comment(article)
    signed_in.get(article.get_absolute_url())
    with django_assert_num_queries(5):  # session, user, article, visit (and bell), discussion
        signed_in.get(article.get_absolute_url())


def test_a_reader_sees_their_own_post_and_so_does_everyone_else(
    client, signed_in, article, thread_cache, django_capture_on_commit_callbacks
):
    make_comment(article, title="Before")
    url = article.get_absolute_url()
    assert "Before" in client.get(url).content.decode()  # now cached for anonymous readers

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("comment_create", args=[article.slug]), {"body": "x", "title": "After"}
        )

    assert "After" in signed_in.get(response["Location"]).content.decode()
    assert "After" in client.get(url).content.decode()


def test_a_write_outside_the_comments_reaches_the_cached_page_through_thread_changed(
    client, article, thread_cache, django_capture_on_commit_callbacks
):
    author = make_user("before_rename")
    make_comment(article, author=author)
    url = article.get_absolute_url()
    assert "before_rename" in client.get(url).content.decode()

    # A rename touches no comment row, so the thread version in PostgreSQL stays: the token does it.
    get_user_model().objects.filter(pk=author.pk).update(username="after_rename")
    assert "before_rename" in client.get(url).content.decode()  # the cache is really in use
    with django_capture_on_commit_callbacks(execute=True):
        thread_changed(article.pk)

    assert "after_rename" in client.get(url).content.decode()


def test_nothing_is_retired_before_the_write_commits(
    client, article, thread_cache, django_capture_on_commit_callbacks
):
    # Retiring early would let a reader cache the old thread under the new token. (The thread
    # version in PostgreSQL moves inside the transaction, seen only by the writer until commit.)
    client.get(article.get_absolute_url())
    token = cache.get(f"thread-version:{article.pk}")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_comment(article, title="Not committed yet")
    assert cache.get(f"thread-version:{article.pk}") == token
    # The retirement, and queueing the comment's notifications (articles/notifications/hooks.py).
    assert len(callbacks) == 2


def test_an_import_retires_the_cached_page(
    client, thread_cache, django_capture_on_commit_callbacks
):
    parsed = parse_bytes(SAMPLE.read_bytes())
    shorter = dataclasses.replace(parsed, comments=parsed.comments[:-1])
    with django_capture_on_commit_callbacks(execute=True):
        article = store.article_store(source=shorter, report=ImportReport(), dry_run=False).article
    url = article.get_absolute_url() + "?page=all"
    last = parsed.comments[-1]
    assert last.title not in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        store.article_store(source=parsed, report=ImportReport(), dry_run=False)

    assert last.title in client.get(url).content.decode()


def test_a_tree_repair_retires_the_cached_page(
    client, article, thread_cache, django_capture_on_commit_callbacks
):
    root = make_comment(article, title="Root")
    first = make_comment(article, parent=root, title="Reply A")
    second = make_comment(article, parent=root, title="Reply B")
    # Damage as a bad manual edit leaves it: B's interval inside A's, so B shows under A.
    Comment.objects.filter(pk=root.pk).update(rght=6)
    Comment.objects.filter(pk=first.pk).update(lft=2, rght=5)
    Comment.objects.filter(pk=second.pk).update(lft=3, rght=4, level=2)
    url = article.get_absolute_url()
    broken = client.get(url).content

    with django_capture_on_commit_callbacks(execute=True):
        comment_tree_repair(tree_id=root.tree_id)

    repaired = client.get(url).content
    assert repaired != broken
    cache.clear()
    assert client.get(url).content == repaired


def test_the_cache_works_the_same_on_redis(
    client, article, settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    redis = pytest.importorskip("redis")
    location = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    server = redis.Redis.from_url(location, socket_connect_timeout=1)
    try:
        server.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {location}")
    prefix = f"test-{uuid.uuid4().hex}"  # never meets another run's (or the site's) keys
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        }
    }
    settings.THREAD_CACHE_SECONDS = 60
    url = article.get_absolute_url()
    try:
        client.get(url)
        with django_assert_num_queries(1):
            client.get(url)
        with django_capture_on_commit_callbacks(execute=True):
            make_comment(article, title="Posted while cached in Redis")
        assert "Posted while cached in Redis" in client.get(url).content.decode()
    finally:
        for key in server.scan_iter(match=f"{prefix}:*"):
            server.delete(key)
