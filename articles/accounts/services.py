"""Accounts: login rate limits, profiles, mail, ending sessions, and leaving."""

import logging

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.utils import timezone
from django_ratelimit.core import is_ratelimited

from articles.accounts import selectors
from articles.accounts.sessions import sessions_forget
from articles.accounts.tasks import mail_send
from articles.accounts.usernames import username_key, username_skeleton
from articles.models import (
    AccountSession,
    ArticleVisit,
    AuditLogEntry,
    Comment,
    CommentRevision,
    Follow,
    Mute,
    Notification,
    Profile,
)
from articles.threads.cache import thread_changed
from forum.logcontext import client_address

logger = logging.getLogger("forum.accounts")

# What threads show in place of the name of an account that was deleted.
DELETED_ACCOUNT_NAME = "[deleted account]"


def _login_account_key(login: str) -> str:
    # Every spelling that logs into one account (case, width, its e-mail address) must share a
    # counter: the account's id where there is one, else the name as authentication reads it.
    user_id = selectors.user_id_for_login(login)
    return f"user:{user_id}" if user_id is not None else f"name:{username_key(login)}"


def login_rate_limited(request, *, login: str) -> bool:
    """Count a login attempt per client address and per account; True once either is over.

    Both counters always count, so a guesser spreading over many accounts hits the address
    limit, and one spreading over many addresses (or spellings of one name) hits the account
    limit.
    """
    by_ip = is_ratelimited(
        request,
        group="login-ip",
        key="ip",
        rate=settings.LOGIN_RATE_PER_IP,
        method="POST",
        increment=True,
    )
    account = _login_account_key(login)
    by_account = is_ratelimited(
        request,
        group="login-account",
        key=lambda group, request: account,
        rate=settings.LOGIN_RATE_PER_ACCOUNT,
        method="POST",
        increment=True,
    )
    if by_ip or by_account:
        logger.warning(
            "Login refused, rate limit per %s reached: account %r from %s",
            "address" if by_ip else "account",
            login,
            client_address(request),
        )
    return by_ip or by_account


def user_sessions_end(*, user_id: int) -> int:
    """Log a user out everywhere: delete all their sessions and their cached copies. Returns how
    many there were."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {AccountSession._meta.db_table} WHERE user_id = %s"  # noqa: S608
            " RETURNING session_key",
            [user_id],
        )
        keys = [key for (key,) in cursor.fetchall()]
    sessions_forget(keys)
    # Again once the deletion is committed: a request reading a session row before then may have
    # put its copy back meanwhile.
    transaction.on_commit(lambda: sessions_forget(keys), robust=True)
    return len(keys)


def profile_sync(*, user) -> Profile:
    """Create ``user``'s profile, or bring the forms of its name in step with the username."""
    name = user.get_username()
    profile, _ = Profile.objects.update_or_create(
        user=user,
        defaults={"username_key": username_key(name), "username_skeleton": username_skeleton(name)},
    )
    return profile


def preferences_update(*, user, thread_order: str, notification_email: str) -> Profile:
    """Save ``user``'s display preferences."""
    with transaction.atomic():
        profile = Profile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            profile = profile_sync(user=user)
        if thread_order not in Profile.ThreadOrder.values:
            raise ValidationError({"thread_order": "Choose one of the orders offered."})
        if notification_email not in Profile.NotificationEmail.values:
            raise ValidationError({"notification_email": "Choose one of the options offered."})
        profile.thread_order = thread_order
        profile.notification_email = notification_email
        profile.save(update_fields=["thread_order", "notification_email"])
    return profile


def mail_queue(*, message: EmailMultiAlternatives) -> None:
    """Send ``message`` from the worker once the current transaction commits (at once outside
    one): a rolled-back request sends nothing, and a slow mail server never holds a request."""
    html = next((content for content, kind in message.alternatives if kind == "text/html"), "")
    fields = {
        "subject": message.subject,
        "body": message.body,
        "html": html,
        "from_email": message.from_email,
        "to": list(message.to),
    }
    # robust: a queue failing after the commit is logged; the stored change is not refused.
    transaction.on_commit(lambda: mail_send.enqueue(**fields), robust=True)


def account_export(*, user) -> dict:
    """Everything the forum keeps that ``user`` gave it or wrote (see
    ``selectors.account_data``); the download is recorded in the audit log."""
    with transaction.atomic():
        data = selectors.account_data(user)
        AuditLogEntry.objects.create(
            actor=user,
            action=AuditLogEntry.Action.ACCOUNT_EXPORT,
            target_user=user,
            details={"comments": len(data["comments"])},
        )
    return data


def account_delete(*, user, password: str, keep_text: bool) -> int:
    """Delete ``user``'s account after checking ``password``: their name, addresses, password
    and sessions go; their comments stay in place under "[deleted account]", with their text
    when ``keep_text``, else emptied (and deleted comments show as such). The user row stays,
    emptied, for the moderation records that name it. Returns how many comments were kept."""
    if not user.check_password(password):
        raise ValidationError({"password": "That is not your password. Nothing was deleted."})
    with transaction.atomic():
        comments = Comment.objects.filter(author=user)
        articles = set(comments.values_list("article_id", flat=True))
        if not keep_text:
            CommentRevision.objects.filter(comment__author=user).delete()
            comments.filter(state__in=[Comment.State.VISIBLE, Comment.State.PENDING]).update(
                state=Comment.State.DELETED
            )
            comments.update(title="", body="", body_html="")
        count = comments.update(author=None, author_name=DELETED_ACCOUNT_NAME)
        EmailAddress.objects.filter(user=user).delete()
        # What they followed, muted, were told and read when: theirs alone, gone with them.
        Notification.objects.filter(recipient=user).delete()
        for model in (Follow, Mute, ArticleVisit):
            model.objects.filter(user=user).delete()
        Profile.objects.filter(user=user).update(deleted_at=timezone.now())
        # A colon: no one can sign up under this name (the validators refuse it).
        user.username = f"deleted:{user.pk}"
        user.email = user.first_name = user.last_name = ""
        user.is_active = False  # ends every session (receivers.py)
        user.set_unusable_password()
        user.save()
        AuditLogEntry.objects.create(
            actor=user,
            action=AuditLogEntry.Action.ACCOUNT_DELETE,
            target_user=user,
            details={"comments": count, "text_kept": keep_text},
        )
        for article_id in articles:
            thread_changed(article_id)
    logger.info("Account %s deleted by its owner (%d comments kept)", user.pk, count)
    return count
