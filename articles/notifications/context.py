"""The bell in every page's header: the signed-in reader's unread notifications."""

import functools

from articles.notifications.selectors import unread_count


def bell(request) -> dict:
    """``unread_notifications``: a callable the header calls for its count, so the query runs
    only on pages that show the bell to a signed-in reader (error pages, which leave out the
    header, never reach the database for it). A view that read the count with a query of its
    own (the article page) puts a number under the same name instead."""

    @functools.cache
    def unread() -> int:
        user = request.user
        return unread_count(user.pk) if user.is_authenticated else 0

    return {"unread_notifications": unread}
