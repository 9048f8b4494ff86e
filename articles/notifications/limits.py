"""A light limit on following and muting, counted in the cache like votes
(``WATCH_RATE_PER_USER``)."""

from django.conf import settings
from django_ratelimit.core import get_usage


def watching_wait(request) -> int:
    """Count this follow or mute; the seconds to wait if the user is over the limit, else 0."""
    rate = settings.WATCH_RATE_PER_USER
    usage = get_usage(request, group="notification-watch", key="user", rate=rate, increment=True)
    if usage is not None and usage["should_limit"]:
        return max(usage["time_left"], 1)
    return 0
