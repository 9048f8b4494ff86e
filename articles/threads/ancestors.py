"""The comments above one, as pages show them: the nearest few, with a link up the thread."""

from typing import NamedTuple

from django.db.models.expressions import RawSQL
from django.urls import reverse

from articles.models import Comment
from articles.permissions import PENDING, can_read_comment
from articles.threads.records import TOMBSTONES
from articles.threads.viewer import ANONYMOUS, Viewer

_COMMENTS = Comment._meta.db_table

# How many of a comment's ancestors a page shows (its permalink, the reply page, the admin's
# page, the queue), nearest first; a link continues up the thread from there. All of them cost
# 1.3 MB and 2 s at depth 10,000.
ANCESTORS_SHOWN = 3

_ANCESTOR_IDS_SQL = f"""
    WITH RECURSIVE up(id, parent_id, n) AS (
        SELECT id, parent_id, 1 FROM {_COMMENTS} WHERE id = %s
        UNION ALL
        SELECT c.id, c.parent_id, up.n + 1 FROM {_COMMENTS} c JOIN up ON c.id = up.parent_id
        WHERE up.n < %s
    )
    SELECT id FROM up"""  # noqa: S608 - the table name comes from the model; values are parameters


class Ancestors(NamedTuple):
    """The comments above one, top-level side first, and where the thread continues above them
    (the permalink of the farthest one's parent), or None when they reach the top."""

    comments: list[Comment]
    up_url: str | None


def nearest_ancestors(comment: Comment, count: int = ANCESTORS_SHOWN) -> Ancestors:
    """Up to ``count`` comments above ``comment``, read by following parent links up from it:
    one query, whatever the depth and however many replies came before (an lft/rght range would
    read every earlier reply in the branch)."""
    if comment.parent_id is None:
        return Ancestors([], None)
    ids = RawSQL(_ANCESTOR_IDS_SQL, [comment.parent_id, count])  # noqa: S611 - constant SQL
    comments = list(Comment.objects.select_related("author").filter(pk__in=ids).order_by("level"))
    farthest = comments[0] if comments else None
    up_url = None
    if farthest is not None and farthest.parent_id is not None:
        up_url = reverse("comment_detail", args=[farthest.parent_id])
    return Ancestors(comments, up_url)


def comment_ancestors(comment: Comment, viewer: Viewer = ANONYMOUS) -> Ancestors:
    """The context of a permalink: the nearest comments above ``comment`` (nearest_ancestors).
    Each has ``show_text`` (may this viewer read it) and ``tombstone`` (what stands in its
    place, or the state a moderator sees above its text)."""
    ancestors = nearest_ancestors(comment)
    for ancestor in ancestors.comments:
        own = ancestor.author_id is not None and ancestor.author_id == viewer.user_id
        awaiting_review = own and ancestor.state == PENDING
        ancestor.show_text = can_read_comment(
            ancestor.state, own=own, moderator=viewer.may_moderate
        )
        ancestor.tombstone = "" if awaiting_review else TOMBSTONES.get(ancestor.state, "")
    return ancestors
