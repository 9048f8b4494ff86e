"""The one call posting and moderation make: a comment became visible."""

from django.db import transaction

from articles.notifications.tasks import notifications_send


def comment_shown(*, comment_id: int) -> None:
    """Queue the notifications of a comment readers now see (posted, or approved by a
    moderator), once the current transaction commits: the request does no mail work, and a
    rolled-back post tells no one. The task checks the comment is still shown."""
    transaction.on_commit(lambda: notifications_send.enqueue(comment_id=comment_id))
