"""Advisory locks for writers: one thread's writers go one at a time, as do one author's posts."""

from django.db import connection

# First half of the two-part advisory lock key, so our locks never collide with another
# application's advisory locks on the same database.
_TREE_LOCK_NAMESPACE = 0x636D  # "cm"
_AUTHOR_LOCK_NAMESPACE = 0x7573  # "us"


def lock_comment_tree(tree_id: int) -> None:
    """Serialise writers to one thread until the transaction ends.

    django-mptt leaves locking to the application: two replies computing space from the same
    stale rght would corrupt the tree. The lock is per thread (tree), so posters in different
    threads of an article never wait for each other.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_TREE_LOCK_NAMESPACE, tree_id])


def lock_for_posting(*, author_id: int, tree_id: int | None) -> None:
    """Serialise one author's posts, and writers to the thread replied to (``tree_id``, None
    for a new thread), until the transaction ends; one statement, as posting is a hot path.

    The author's lock makes two identical posts sent at once both meet the duplicate check, and
    a new account's count of comments exact. It is always taken first: no deadlock.
    """
    with connection.cursor() as cursor:
        if tree_id is None:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_AUTHOR_LOCK_NAMESPACE, author_id]
            )
        else:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s), pg_advisory_xact_lock(%s, %s)",
                [_AUTHOR_LOCK_NAMESPACE, author_id, _TREE_LOCK_NAMESPACE, tree_id],
            )
