"""Accounts: login rate limits, ending sessions, and the log lines operators act on."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_ratelimit.core import is_ratelimited

from articles.models import AccountSession
from forum.logcontext import client_address

logger = logging.getLogger("forum.accounts")


def _login_account(group, request) -> str:
    # Case and spacing variants of one name must share a counter.
    return request.POST.get("username", "").strip().casefold()


def login_rate_limited(request) -> bool:
    """Count a login attempt per client address and per account name; True once either is over.

    Both counters always count, so a guesser spreading over many accounts hits the address
    limit, and one spreading over many addresses hits the account limit.
    """
    by_ip = is_ratelimited(
        request,
        group="login-ip",
        key="ip",
        rate=settings.LOGIN_RATE_PER_IP,
        method="POST",
        increment=True,
    )
    by_account = is_ratelimited(
        request,
        group="login-account",
        key=_login_account,
        rate=settings.LOGIN_RATE_PER_ACCOUNT,
        method="POST",
        increment=True,
    )
    if by_ip or by_account:
        logger.warning(
            "Login refused, rate limit per %s reached: account %r from %s",
            "address" if by_ip else "account",
            _login_account(None, request),
            client_address(request),
        )
    return by_ip or by_account


def user_sessions_end(*, user_id: int) -> int:
    """Log a user out everywhere: delete all their sessions. Returns how many there were."""
    deleted, _ = AccountSession.objects.filter(user_id=user_id).delete()
    return deleted


@receiver(post_save, sender=get_user_model(), dispatch_uid="forum-end-sessions-on-deactivation")
def _end_sessions_of_inactive_user(sender, instance, **kwargs):
    # Any save that leaves the account inactive (the admin's checkbox, a ban, a script) ends its
    # sessions; without this, reactivating the account would bring the old sessions back.
    if not instance.is_active:
        ended = user_sessions_end(user_id=instance.pk)
        if ended:
            logger.info("Account %s deactivated: ended %d session(s)", instance.pk, ended)


@receiver(post_delete, sender=get_user_model(), dispatch_uid="forum-end-sessions-on-delete")
def _end_sessions_of_deleted_user(sender, instance, **kwargs):
    user_sessions_end(user_id=instance.pk)


@receiver(user_login_failed, dispatch_uid="forum-log-failed-login")
def _log_failed_login(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in ``credentials``; only the name is logged.
    logger.warning(
        "Failed login for account %r from %s",
        credentials.get("username", ""),
        client_address(request),
    )


@receiver(user_logged_in, dispatch_uid="forum-log-login")
def _log_login(sender, request, user, **kwargs):
    logger.info("Account %s (%r) logged in from %s", user.pk, str(user), client_address(request))
