"""The one call posting and moderation make: a comment became visible."""

from django.db import transaction

from articles.notifications.tasks import notifications_send


def comment_shown(*, comment_id: int) -> None:
    """Queue the notifications of a comment readers now see (posted, or approved by a
    moderator), once the current transaction commits: the request does no mail work, and a
    rolled-back post tells no one. The task checks the comment is still shown.

    A queue that fails after the commit (the database gone a moment later) is logged, not
    raised: the comment is stored, and answering its author with an error would make them post
    it again (the cluster test's "stored although refused")."""
    transaction.on_commit(lambda: notifications_send.enqueue(comment_id=comment_id), robust=True)
