"""Background work of notifications (django.tasks, run by ``manage.py db_worker``): the fan-out
of a new comment, and the mails. Every task may run twice: notifications are unique by comment
and recipient, and mails claim their notifications before they are queued."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.tasks import task
from django.utils import timezone

from articles.models import Comment, Profile
from articles.notifications import services
from articles.notifications.mail import notification_mail_queue

logger = logging.getLogger("forum.notifications")
Email = Profile.NotificationEmail


def _again(function, attempt: int, error: Exception, **arguments) -> None:
    # A failed run (the database away) is queued again, waiting longer each time, up to
    # EMAIL_SEND_ATTEMPTS tries; then it fails and the worker records it.
    if attempt >= settings.EMAIL_SEND_ATTEMPTS:
        raise error
    delay = timedelta(seconds=30 * 2**attempt)
    logger.warning(
        "%s failed (try %d), trying again in %s: %s", function.name, attempt, delay, error
    )
    again = function
    if again.get_backend().supports_defer:
        again = again.using(run_after=timezone.now() + delay)
    again.enqueue(**arguments, attempt=attempt + 1)


@task()
def notifications_send(*, comment_id: int, attempt: int = 1) -> None:
    """Write the notifications a newly shown comment gives, then queue the immediate mails of
    those recipients who want them."""
    try:
        recipients = services.notifications_create(comment_id=comment_id)
    except DatabaseError as error:
        _again(notifications_send, attempt, error, comment_id=comment_id)
        return
    if not recipients:
        return
    immediate = Profile.objects.filter(
        user_id__in=recipients, notification_email=Email.IMMEDIATELY
    ).values_list("user_id", flat=True)
    article_id = Comment.objects.values_list("article_id", flat=True).get(pk=comment_id)
    for recipient_id in immediate:
        thread_mail_send.enqueue(recipient_id=recipient_id, article_id=article_id)


@task()
def thread_mail_send(*, recipient_id: int, article_id: int, attempt: int = 1) -> None:
    """One mail of the recipient's news in one discussion; within the hour after the last one,
    queued again for when the hour is up (folding in whatever comes meanwhile)."""
    try:
        notifications, retry_at = services.thread_mail_claim(
            recipient_id=recipient_id, article_id=article_id
        )
    except DatabaseError as error:
        _again(thread_mail_send, attempt, error, recipient_id=recipient_id, article_id=article_id)
        return
    if retry_at is not None:
        # Without a backend that can wait (the tests' immediate one), the digest command's sweep
        # sends them once the hour is up.
        if thread_mail_send.get_backend().supports_defer:
            thread_mail_send.using(run_after=retry_at).enqueue(
                recipient_id=recipient_id, article_id=article_id
            )
        return
    if notifications:
        user = get_user_model().objects.get(pk=recipient_id)
        notification_mail_queue(user=user, notifications=notifications, kind=Email.IMMEDIATELY)


@task()
def digest_send(*, recipient_id: int, attempt: int = 1) -> None:
    """The recipient's daily digest, if they take one and one is due."""
    try:
        notifications = services.digest_claim(recipient_id=recipient_id)
    except DatabaseError as error:
        _again(digest_send, attempt, error, recipient_id=recipient_id)
        return
    if notifications:
        user = get_user_model().objects.get(pk=recipient_id)
        notification_mail_queue(user=user, notifications=notifications, kind=Email.DAILY)
