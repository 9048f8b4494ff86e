"""Voting limits per user and per IP, counted in the cache by django-ratelimit like posting's."""

from django.conf import settings
from django_ratelimit.core import get_usage


def voting_wait(request) -> int:
    """Count this vote; the seconds to wait if the user or the IP is over its limit
    (``COMMENT_VOTE_RATE_PER_USER``, ``COMMENT_VOTE_RATE_PER_IP``), else 0."""
    wait = 0
    for key, rate in (
        ("user", settings.COMMENT_VOTE_RATE_PER_USER),
        ("ip", settings.COMMENT_VOTE_RATE_PER_IP),
    ):
        usage = get_usage(request, group=f"comment-vote-{key}", key=key, rate=rate, increment=True)
        if usage is not None and usage["should_limit"]:
            wait = max(wait, usage["time_left"], 1)
    return wait
