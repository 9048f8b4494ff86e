"""Advisory locks for writers: one thread's writers go one at a time, as do one author's posts."""

from django.db import connection

# First half of the two-part advisory lock key, so our locks never collide with another
# application's advisory locks on the same database. Posting takes both in SQL, the author's first
# (the posting function of migration 0016_posting, with these numbers written out: a test keeps
# them equal): the author's lock makes two identical posts sent at once both meet the duplicate
# check, and a new account's count of comments exact.
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
