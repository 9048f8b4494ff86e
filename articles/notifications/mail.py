"""The notification mails: one discussion's news at once, or a daily digest, each with its
one-click unsubscribe link and the List-Unsubscribe headers of RFC 8058."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from articles.accounts.tasks import mail_send
from articles.models import Notification, Profile
from articles.notifications.tokens import unsubscribe_token


def _address(user) -> str | None:
    primary = EmailAddress.objects.filter(user=user, verified=True).order_by("-primary").first()
    return primary.email if primary else None


def _subject(notifications: list[Notification], kind: str) -> str:
    if kind == Profile.NotificationEmail.DAILY:
        count = len(notifications)
        return f"Your daily digest: {count} new comment{'s' if count != 1 else ''}"
    first = notifications[0]
    title = " ".join(first.article.title.split())  # one line: a header cannot break
    if len(notifications) > 1:
        return f"{len(notifications)} new comments on “{title}”"
    who = first.comment.author.get_username() if first.comment.author else "Someone"
    return f"{who} {first.get_reason_display()} on “{title}”"


def notification_mail_queue(*, user, notifications: list[Notification], kind: str) -> bool:
    """Queue the mail telling ``user`` about ``notifications`` (``kind``: "immediately" for one
    discussion's, "daily" for the digest); False when the user has no verified address."""
    to = _address(user)
    if to is None or not notifications:
        return False
    unsubscribe_url = settings.SITE_URL + reverse(
        "notification_unsubscribe", args=[unsubscribe_token(user.pk, kind)]
    )
    context = {
        "user": user,
        "items": [
            {
                "notification": n,
                "who": n.comment.author.get_username() if n.comment.author else "Someone",
                "url": settings.SITE_URL + n.comment.get_absolute_url(),
            }
            for n in notifications
        ],
        "digest": kind == Profile.NotificationEmail.DAILY,
        "unsubscribe_url": unsubscribe_url,
        "settings_url": settings.SITE_URL + reverse("account_settings"),
        "notifications_url": settings.SITE_URL + reverse("notification_list"),
    }
    mail_send.enqueue(
        subject=_subject(notifications, kind),
        body=render_to_string("notifications/mail.txt", context),
        html=render_to_string("notifications/mail.html", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return True
