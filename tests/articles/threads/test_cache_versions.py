"""Cached pages belong to a thread version PostgreSQL holds, and to a release (issue 17, points
3 and 7): no Redis restart, failover or lost invalidation can serve a page older than the last
committed write, and two releases never share HTML."""

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Comment, ThreadVersion
from articles.votes.services import UP, comment_pin, comment_unpin, vote_cast
from forum.release import current_release
from tests.factories import make_comment, make_user
from tests.processes import redis_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread_cache(settings):
    settings.THREAD_CACHE_SECONDS = 60


def _version(article) -> int:
    row = ThreadVersion.objects.filter(article=article).first()
    return row.version if row else 0


def test_every_statement_on_comments_bumps_the_version_in_its_transaction(article):
    before = _version(article)
    comment = make_comment(article)
    after_insert = _version(article)
    Comment.objects.filter(pk=comment.pk).update(title="changed by hand")
    assert before < after_insert < _version(article)


def test_a_vote_leaves_the_version_as_it_was(article):
    # Votes deliberately keep cached pages (README, "Votes and ranking"): only the totals change.
    comment = make_comment(article)
    before = _version(article)
    vote_cast(comment_id=comment.pk, voter=make_user(), value=UP)
    assert Comment.objects.get(pk=comment.pk).upvotes == 1
    assert _version(article) == before


def test_pinning_and_unpinning_bump_the_version(article, moderator):
    comment = make_comment(article)
    before = _version(article)
    comment_pin(comment=comment, moderator=moderator)
    pinned = _version(article)
    comment_unpin(comment=comment, moderator=moderator)
    assert before < pinned < _version(article)


def test_a_lost_invalidation_never_serves_an_older_page(
    client, article, thread_cache, django_capture_on_commit_callbacks
):
    comment = make_comment(article, title="Soon hidden")
    url = article.get_absolute_url()
    assert "Soon hidden" in client.get(url).content.decode()

    # The after-commit token replacement never happens (Redis was away when it ran).
    with django_capture_on_commit_callbacks(execute=False):
        Comment.objects.filter(pk=comment.pk).update(state=Comment.State.HIDDEN)

    assert "Soon hidden" not in client.get(url).content.decode()


def test_a_lost_invalidation_never_serves_older_comments_json(
    client, article, thread_cache, django_capture_on_commit_callbacks
):
    comment = make_comment(article, body="Soon hidden from integrations")
    url = reverse("comments_json", args=[article.slug])
    assert "Soon hidden from integrations" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=False):
        Comment.objects.filter(pk=comment.pk).update(state=Comment.State.HIDDEN)

    assert "Soon hidden from integrations" not in client.get(url).content.decode()


def test_a_persistent_redis_restarted_after_a_hide_during_its_outage_serves_no_hidden_text(
    as_moderator, article, settings, tmp_path, django_capture_on_commit_callbacks
):
    with redis_server(tmp_path, persistent=True) as redis:
        settings.CACHES = {
            "default": {"BACKEND": "forum.cache.ResilientRedisCache", "LOCATION": redis.url,
                        "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}},
        }  # fmt: skip
        settings.THREAD_CACHE_SECONDS = 600
        client = Client()  # anonymous, beside the moderator's
        comment = make_comment(article, body="Text a moderator will hide")
        url = article.get_absolute_url()
        assert "Text a moderator will hide" in client.get(url).content.decode()

        redis.stop()
        with django_capture_on_commit_callbacks(execute=True):
            response = as_moderator.post(
                reverse("moderation_comment_hide", args=[comment.pk]), {"reason": "spam"}
            )
        assert response.status_code == 302
        redis.start()  # with its append-only file: the old token and page are back

        assert "Text a moderator will hide" not in client.get(url).content.decode()


def test_two_releases_never_share_a_cached_page(
    client, article, settings, thread_cache, django_assert_num_queries
):
    make_comment(article)
    url = article.get_absolute_url()
    settings.RELEASE = "1.0+0006"
    client.get(url)
    with django_assert_num_queries(1):  # cached for this release
        client.get(url)
    settings.RELEASE = "1.1+0007"
    with django_assert_num_queries(2):  # the next release renders its own
        client.get(url)


def test_the_default_release_names_the_version_and_the_latest_migration(settings):
    version, migration = current_release(settings.BASE_DIR).split("+")
    assert version.count(".") == 2
    latest = max(p.name for p in (settings.BASE_DIR / "articles" / "migrations").glob("0*.py"))
    assert latest.startswith(migration + "_")
