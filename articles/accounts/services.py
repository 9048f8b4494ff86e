"""Accounts: login rate limits and ending sessions."""

import logging

from django.conf import settings
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
