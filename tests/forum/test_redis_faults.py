"""Redis is an accelerator: with it stopped, pages render, writes are stored and answered as such,
and rate-limited requests follow RATELIMIT_ON_CACHE_ERROR (issue 17, point 2)."""

import pytest
from django.urls import reverse
from prometheus_client import REGISTRY

from articles.models import Comment
from tests.factories import PASSWORD, make_comment, make_user
from tests.processes import redis_server

pytestmark = pytest.mark.django_db


def _cache_errors(operation: str) -> float:
    return REGISTRY.get_sample_value("forum_cache_errors_total", {"operation": operation}) or 0


@pytest.fixture
def redis(tmp_path, settings):
    """The site's caches on a private Redis, with the page cache on."""
    with redis_server(tmp_path) as server:
        options = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        settings.CACHES = {
            "default": {"BACKEND": "forum.cache.ResilientRedisCache", "LOCATION": server.url,
                        "OPTIONS": options},
            "ratelimit": {"BACKEND": "forum.cache.RateLimitCache", "LOCATION": server.url,
                          "OPTIONS": options},
        }  # fmt: skip
        settings.RATELIMIT_USE_CACHE = "ratelimit"
        settings.THREAD_CACHE_SECONDS = 60
        yield server


def test_anonymous_pages_render_uncached_while_redis_is_down(client, article, redis):
    make_comment(article, title="Still readable")
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    errors_before = _cache_errors("get")
    redis.stop()

    response = client.get(url)

    assert response.status_code == 200
    assert "Still readable" in response.content.decode()
    assert _cache_errors("get") > errors_before  # counted, for the metric


def test_posting_is_refused_with_503_and_retry_after_by_default(signed_in, article, redis):
    redis.stop()
    response = signed_in.post(
        reverse("comment_create", args=[article.slug]), {"body": "During the outage"}
    )
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert not Comment.objects.filter(body__contains="During the outage").exists()


def test_posting_passes_with_the_allow_policy(signed_in, article, redis, settings):
    settings.RATELIMIT_ON_CACHE_ERROR = "allow"
    redis.stop()
    response = signed_in.post(
        reverse("comment_create", args=[article.slug]), {"body": "Allowed through"}
    )
    assert response.status_code == 302
    assert Comment.objects.filter(body__contains="Allowed through").exists()


def test_a_login_post_is_refused_with_503_not_500(client, redis):
    make_user("alice")
    redis.stop()
    response = client.post(reverse("login"), {"login": "alice", "password": PASSWORD})
    assert response.status_code == 503
    assert response.has_header("Retry-After")


def test_a_committed_hide_answers_as_stored_although_the_cache_update_fails(
    as_moderator, article, redis, django_capture_on_commit_callbacks
):
    comment = make_comment(article)
    redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_moderator.post(
            reverse("moderation_comment_hide", args=[comment.pk]), {"reason": "off-topic"}
        )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == Comment.State.HIDDEN


def test_one_redis_client_serves_every_call_and_outlives_a_restart(redis):
    """ReusedRedisClient: one ``redis.Redis`` per pool, not one per call, still answering
    after Redis restarts."""
    from django.core.cache import cache

    client = cache._cache.get_client()
    cache.set("reused", 1)
    assert cache._cache.get_client("reused", write=True) is client
    redis.stop()
    redis.start()
    cache.set("reused", 2)
    assert cache.get("reused") == 2
    assert cache._cache.get_client() is client


def test_bytes_are_stored_as_they_are_and_other_values_pickled(redis):
    """A cached page goes to Redis as its bytes behind a one-byte tag and comes back without
    unpickling; other values are pickled as Django does, integers stay integers."""
    import redis as redis_client
    from django.core.cache import cache

    cache.set("page", b"<html>\x80\x00</html>")
    cache.set("parts", {"html": "x"})
    cache.set("count", 7)
    raw = redis_client.Redis.from_url(redis.url)
    assert raw.get(cache.make_key("page")) == b"\x00<html>\x80\x00</html>"
    assert raw.get(cache.make_key("parts"))[:1] == b"\x80"  # a pickle
    assert cache.get("page") == b"<html>\x80\x00</html>"
    assert cache.get("parts") == {"html": "x"}
    assert cache.incr("count") == 8
