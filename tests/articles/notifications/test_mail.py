"""Notification mail: after commit through the task backend, at most one per discussion an hour,
daily digests, and the unsubscribe link and headers."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from articles.models import Notification, Profile
from articles.notifications.tokens import read_unsubscribe_token
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


def _hour_passes():
    Notification.objects.exclude(mailed_at=None).update(
        mailed_at=Notification.objects.values("mailed_at")[:1].get()["mailed_at"]
        - timedelta(hours=2)
    )


def test_a_reply_mails_at_once_with_one_click_unsubscribe_headers(people, talk, post):
    top = post(talk, author=people["alice"])
    post(talk, parent=top, author=people["bob"], body="I disagree")
    [message] = mail.outbox
    assert message.to == [people["alice"].email]
    assert message.subject == f"bob replied to your comment on “{talk.title}”"
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body and link in message.alternatives[0][0]
    key = link.rstrip("/").rsplit("/", 1)[1]
    assert read_unsubscribe_token(key) == (people["alice"].pk, "immediately")


def test_one_mail_per_discussion_an_hour_the_rest_folded_into_the_next(people, talk, post):
    top = post(talk, author=people["alice"])
    post(talk, parent=top, author=people["bob"])
    post(talk, parent=top, author=people["carol"])
    post(talk, parent=top, author=people["dave"])
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(mailed_at=None).count() == 2

    _hour_passes()
    call_command("send_notification_digests", stdout=None)
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == f"2 new comments on “{talk.title}”"
    assert "carol" in mail.outbox[1].body and "dave" in mail.outbox[1].body


def test_the_daily_digest_folds_everything_once_a_day(people, talk, post):
    Profile.objects.filter(user=people["alice"]).update(notification_email="daily")
    top = post(talk, author=people["alice"])
    post(talk, parent=top, author=people["bob"])
    post(talk, parent=top, author=people["carol"], body="and @alice too")
    assert mail.outbox == []

    call_command("send_notification_digests")
    [digest] = mail.outbox
    assert digest.subject == "Your daily digest: 2 new comments"
    assert (
        read_unsubscribe_token(
            digest.extra_headers["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[1]
        )[1]
        == "daily"
    )
    post(talk, parent=top, author=people["dave"])
    call_command("send_notification_digests")
    assert len(mail.outbox) == 1  # not twice in a day


def test_never_mails_nothing_but_notifies_on_the_site(people, talk, post):
    Profile.objects.filter(user=people["alice"]).update(notification_email="never")
    top = post(talk, author=people["alice"])
    post(talk, parent=top, author=people["bob"])
    call_command("send_notification_digests")
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=people["alice"]).count() == 1


def test_read_notifications_are_not_mailed_later(people, talk, post):
    Profile.objects.filter(user=people["alice"]).update(notification_email="daily")
    top = post(talk, author=people["alice"])
    post(talk, parent=top, author=people["bob"])
    Notification.objects.update(read_at=Notification.objects.get().created_at)
    call_command("send_notification_digests")
    assert mail.outbox == []


def test_posting_returns_before_any_mail_is_sent(
    people, talk, client, settings, django_capture_on_commit_callbacks
):
    """With the database task backend, the POST only queues: the outbox is empty and the task
    row exists; the worker then writes the notification and sends the mail."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    top = make_comment(talk, author=people["alice"])
    client.force_login(people["bob"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("comment_create", args=[talk.slug]),
            {"body": "Queued, not sent", "title": "", "parent": top.pk},
        )
    assert response.status_code == 302
    assert mail.outbox == []
    assert not Notification.objects.exists()
    [queued] = DBTaskResult.objects.filter(task_path__endswith="notifications_send")

    # What the worker does with the row (db_worker itself closes the test's connection); the
    # mail it queues in turn is sent at once.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    assert Notification.objects.get().recipient == people["alice"]
    assert [m.to for m in mail.outbox] == [[people["alice"].email]]
