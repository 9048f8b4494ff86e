"""Who is told about a comment: replies, mentions, follows, mutes, states, idempotence."""

import pytest

from articles.models import Comment, Notification
from articles.moderation.services import comment_approve, comment_hide, comment_restore
from articles.notifications import services
from articles.notifications.tasks import notifications_send
from tests.articles.notifications.conftest import told
from tests.factories import make_comment, make_moderator

pytestmark = pytest.mark.django_db


def test_a_reply_tells_the_parent_author_and_a_mention_tells_the_named(people, talk, post):
    top = post(talk, author=people["alice"])
    reply = post(talk, parent=top, author=people["bob"], body="Right, @carol? And @Nobody.")
    assert told(reply) == {"alice": "reply", "carol": "mention"}


def test_nothing_for_ones_own_reply_or_mention(people, talk, post):
    top = post(talk, author=people["alice"])
    reply = post(talk, parent=top, author=people["alice"], body="Me again, @alice")
    assert told(reply) == {}


def test_a_mention_in_code_or_of_a_look_alike_case_is_resolved_like_a_login(people, talk, post):
    comment = post(talk, author=people["bob"], body="`@alice` is code; @CAROL is carol")
    assert told(comment) == {"carol": "mention"}


def test_the_task_run_twice_writes_each_notification_once(people, talk, post):
    top = post(talk, author=people["alice"])
    reply = post(talk, parent=top, author=people["bob"])
    notifications_send.enqueue(comment_id=reply.pk)
    notifications_send.enqueue(comment_id=reply.pk)
    assert services.notifications_create(comment_id=reply.pk) == []
    assert Notification.objects.filter(comment=reply).count() == 1


def test_a_held_comment_tells_no_one_until_approved(
    people, talk, post, django_capture_on_commit_callbacks
):
    top = post(talk, author=people["alice"])
    reply = post(talk, parent=top, author=people["bob"], body="Hey @carol")
    Notification.objects.filter(comment=reply).delete()
    Comment.objects.filter(pk=reply.pk).update(state=Comment.State.PENDING)
    notifications_send.enqueue(comment_id=reply.pk)
    assert told(reply) == {}

    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=reply, moderator=make_moderator())
    assert told(reply) == {"alice": "reply", "carol": "mention"}


def test_a_held_comment_hidden_then_restored_tells_its_readers_once(
    people, talk, post, django_capture_on_commit_callbacks
):
    top = post(talk, author=people["alice"])
    reply = post(talk, parent=top, author=people["bob"], body="Hey @carol")
    Notification.objects.filter(comment=reply).delete()
    Comment.objects.filter(pk=reply.pk).update(state=Comment.State.PENDING)
    moderator = make_moderator()
    with django_capture_on_commit_callbacks(execute=True):
        comment_hide(comment=reply, moderator=moderator)
    assert told(reply) == {}

    with django_capture_on_commit_callbacks(execute=True):
        comment_restore(comment=reply, moderator=moderator)
        comment_hide(comment=reply, moderator=moderator)
        comment_restore(comment=reply, moderator=moderator)
    assert told(reply) == {"alice": "reply", "carol": "mention"}
    assert Notification.objects.filter(comment=reply).count() == 2


def test_a_hidden_comment_tells_no_one(people, talk):
    top = make_comment(talk, author=people["alice"])
    reply = make_comment(talk, parent=top, author=people["bob"])
    Comment.objects.filter(pk=reply.pk).update(state=Comment.State.HIDDEN)
    assert services.notifications_create(comment_id=reply.pk) == []


def test_a_muted_user_tells_no_one_who_muted_them(people, talk, post):
    alice, carol, dave = people["alice"], people["carol"], people["dave"]
    services.mute_set(user=alice, on=True, muted_user=dave)
    services.mute_set(user=carol, on=True, muted_user=dave)
    top = post(talk, author=alice)
    reply = post(talk, parent=top, author=dave, body="@carol look")
    assert told(reply) == {}


def test_muting_a_thread_or_an_article_silences_it(people, talk, post):
    alice, bob = people["alice"], people["bob"]
    top = post(talk, author=alice)
    services.mute_set(user=alice, on=True, comment=top)
    assert told(post(talk, parent=top, author=bob)) == {}
    services.mute_set(user=alice, on=False, comment=top)
    services.mute_set(user=alice, on=True, article=talk)
    assert told(post(talk, parent=top, author=bob)) == {}
    services.mute_set(user=alice, on=False, article=talk)
    assert told(post(talk, parent=top, author=bob)) == {"alice": "reply"}


def test_following_an_article_tells_of_new_top_level_comments_only(people, talk, post):
    carol = people["carol"]
    services.follow_set(user=carol, on=True, article=talk)
    top = post(talk, author=people["bob"])
    assert told(top) == {"carol": "followed_article"}
    assert told(post(talk, parent=top, author=people["dave"])) == {"bob": "reply"}


def test_following_a_comment_tells_of_replies_at_any_depth_below_it(people, talk, post):
    carol = people["carol"]
    top = post(talk, author=people["alice"])
    services.follow_set(user=carol, on=True, comment=top)
    middle = post(talk, parent=top, author=people["bob"])
    deep = post(talk, parent=middle, author=people["dave"])
    assert told(deep) == {"bob": "reply", "carol": "followed_comment"}
    services.follow_set(user=carol, on=False, comment=top)
    assert "carol" not in told(post(talk, parent=middle, author=people["dave"]))


def test_following_ends_a_mute_and_one_cannot_mute_oneself(people, talk):
    from django.core.exceptions import ValidationError

    alice = people["alice"]
    services.mute_set(user=alice, on=True, article=talk)
    services.follow_set(user=alice, on=True, article=talk)
    assert services.article_visit(user_id=alice.pk, article_id=talk.pk)[2:] == (True, False)
    with pytest.raises(ValidationError):
        services.mute_set(user=alice, on=True, muted_user=alice)


def test_the_visit_keeps_its_markers_within_the_gap_and_moves_them_after(people, talk):
    from datetime import timedelta

    from articles.models import ArticleVisit

    alice = people["alice"]
    assert services.article_visit(user_id=alice.pk, article_id=talk.pk)[0] is None
    assert services.article_visit(user_id=alice.pk, article_id=talk.pk)[0] is None  # a reload
    visit = ArticleVisit.objects.get(user=alice, article=talk)
    earlier = visit.seen_at - timedelta(hours=2)
    ArticleVisit.objects.filter(pk=visit.pk).update(seen_at=earlier)
    previous = services.article_visit(user_id=alice.pk, article_id=talk.pk)[0]
    assert previous == earlier.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert services.article_visit(user_id=alice.pk, article_id=talk.pk)[0] == previous


def test_a_task_failing_on_the_database_is_tried_again(people, talk, monkeypatch):
    from django.db import OperationalError

    top = make_comment(talk, author=people["alice"])
    reply = make_comment(talk, parent=top, author=people["bob"])
    real, calls = services.notifications_create, []

    def flaky(**arguments):
        calls.append(arguments)
        if len(calls) == 1:
            raise OperationalError("the database went away")
        return real(**arguments)

    monkeypatch.setattr(services, "notifications_create", flaky)
    notifications_send.enqueue(comment_id=reply.pk)
    assert len(calls) == 2
    assert told(reply) == {"alice": "reply"}


def test_a_members_data_lists_follows_and_mutes_and_leaving_removes_them(people, talk, post):
    from articles.accounts.services import account_delete, account_export
    from articles.models import ArticleVisit, Follow, Mute
    from tests.factories import PASSWORD

    alice = people["alice"]
    services.follow_set(user=alice, on=True, article=talk)
    services.mute_set(user=alice, on=True, muted_user=people["dave"])
    services.article_visit(user_id=alice.pk, article_id=talk.pk)
    top = post(talk, author=alice)
    post(talk, parent=top, author=people["bob"])
    data = account_export(user=alice)
    assert data["follows"] == [{"article": talk.pk, "comment": None}]
    assert data["mutes"] == [{"article": None, "comment": None, "user": people["dave"].pk}]

    account_delete(user=alice, password=PASSWORD, keep_text=True)
    assert not Notification.objects.filter(recipient=alice).exists()
    for model in (Follow, Mute, ArticleVisit):
        assert not model.objects.filter(user=alice).exists()
