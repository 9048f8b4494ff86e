"""Posting and reporting limits per user and per IP, counted in the cache by django-ratelimit."""

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage, is_ratelimited


def _wait(request, group: str, rates: dict[str, str]) -> int:
    # Count the attempt under each key; the longest wait of those over their limit.
    wait = 0
    for key, rate in rates.items():
        usage = get_usage(request, group=f"{group}-{key}", key=key, rate=rate, increment=True)
        if usage is not None and usage["should_limit"]:
            wait = max(wait, usage["time_left"], 1)
    return wait


def posting_wait(request) -> int:
    """Count this posting attempt; the seconds to wait if the user or the IP is over its limit
    (``COMMENT_RATE_PER_USER``, ``COMMENT_RATE_PER_IP``), else 0.
    """
    return _wait(
        request,
        "comment-post",
        {"user": settings.COMMENT_RATE_PER_USER, "ip": settings.COMMENT_RATE_PER_IP},
    )


def report_wait(request) -> int:
    """Count this report; the seconds to wait if the account or the address is over its limit
    (``REPORT_RATE``, ``REPORT_RATE_PER_IP``), else 0."""
    return _wait(
        request, "comment-report", {"user": settings.REPORT_RATE, "ip": settings.REPORT_RATE_PER_IP}
    )


def too_many_reports(request, wait: int, *, comment, form):
    """The report form again with a 429: how long to wait; the reader's text is still there."""
    minutes = -(-wait // 60)
    form.is_valid()  # errors can only be added to a form that was checked
    form.add_error(
        None,
        f"You have sent many reports in a short time. Please wait {minutes} minute"
        f"{'s' if minutes > 1 else ''}: the moderators have your earlier ones.",
    )
    response = render(
        request, "articles/comment_report.html", {"comment": comment, "form": form}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


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
