"""Posting limits per user and per IP, counted in the cache by django-ratelimit."""

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage, is_ratelimited


def posting_wait(request) -> int:
    """Count this posting attempt; the seconds to wait if the user or the IP is over its limit
    (``COMMENT_RATE_PER_USER``, ``COMMENT_RATE_PER_IP``), else 0.
    """
    wait = 0
    for key, rate in (
        ("user", settings.COMMENT_RATE_PER_USER),
        ("ip", settings.COMMENT_RATE_PER_IP),
    ):
        usage = get_usage(request, group=f"comment-post-{key}", key=key, rate=rate, increment=True)
        if usage is not None and usage["should_limit"]:
            wait = max(wait, usage["time_left"], 1)
    return wait


def too_many_posts(request, wait: int, *, back_url: str):
    """The 429 page: what happened, how long to wait, the text back so it is not lost, and the
    way back to the discussion (``back_url``)."""
    response = render(
        request,
        "articles/rate_limited.html",
        {"wait": wait, "body": request.POST.get("body", ""), "back_url": back_url},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def preview_limited(request) -> bool:
    """Count a live preview of this user; True once over ``COMMENT_PREVIEW_RATE``. Previews
    store nothing, but each renders up to a whole comment's worth of Markdown."""
    return is_ratelimited(
        request,
        group="comment-preview",
        key="user",
        rate=settings.COMMENT_PREVIEW_RATE,
        method="POST",
        increment=True,
    )
