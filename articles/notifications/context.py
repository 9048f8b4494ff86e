"""The bell in every page's header: the signed-in reader's unread notifications."""

import functools

from articles.notifications.selectors import unread_count


def bell(request) -> dict:
    """``unread_notifications``: a callable the header calls for its count (one query, only on
    pages that show the header to a signed-in reader). A view that read the count with its own
    query (the article page) puts a number under the same name instead."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": functools.cache(lambda: unread_count(user.pk))}
