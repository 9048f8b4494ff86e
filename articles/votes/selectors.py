"""Reads: comments whose vote totals disagree with their vote rows, and members whose figures
(comment count, karma) disagree with their comments."""

from typing import NamedTuple

from django.db import connection

from articles.models import Comment, ImportedScore, MemberFigures, Vote

_COMMENTS = Comment._meta.db_table
_VOTES = Vote._meta.db_table
_IMPORTED = ImportedScore._meta.db_table
_MEMBERS = MemberFigures._meta.db_table
UP, DOWN = Vote.Value.UP.value, Vote.Value.DOWN.value

# Each comment's totals as its vote rows count them, plus the votes it was imported with
# (comments nobody voted on count 0, 0).
COUNTED_SQL = f"""
    SELECT c.id, c.upvotes, c.downvotes,
        coalesce(v.up, 0) + coalesce(i.upvotes, 0) AS up,
        coalesce(v.down, 0) + coalesce(i.downvotes, 0) AS down
    FROM {_COMMENTS} c LEFT JOIN (
        SELECT comment_id, count(*) FILTER (WHERE value = {UP}) AS up,
            count(*) FILTER (WHERE value = {DOWN}) AS down
        FROM {_VOTES} GROUP BY comment_id
    ) v ON v.comment_id = c.id
    LEFT JOIN {_IMPORTED} i ON i.comment_id = c.id
"""
WRONG_SQL = (
    "c.upvotes <> coalesce(v.up, 0) + coalesce(i.upvotes, 0)"
    " OR c.downvotes <> coalesce(v.down, 0) + coalesce(i.downvotes, 0)"
)


class WrongTotals(NamedTuple):
    """A comment whose stored totals are not what its vote rows add up to."""

    comment_id: int
    upvotes: int
    downvotes: int
    counted_up: int
    counted_down: int


def vote_total_problems() -> list[WrongTotals]:
    """Every comment whose ``upvotes``/``downvotes`` disagree with its vote rows, by id."""
    with connection.cursor() as cursor:
        cursor.execute(f"{COUNTED_SQL} WHERE {WRONG_SQL} ORDER BY c.id")
        return [WrongTotals(*row) for row in cursor.fetchall()]


# Each member's figures as stored and as their visible comments count them (a member with no
# row counts 0, 0), where the two differ.
MEMBERS_WRONG_SQL = f"""
    SELECT user_id, coalesce(f.comment_count, 0) AS stored_count,
        coalesce(f.karma, 0) AS stored_karma,
        coalesce(c.comment_count, 0) AS counted_count, coalesce(c.karma, 0) AS counted_karma
    FROM (
        SELECT author_id AS user_id, count(*) AS comment_count,
            sum(upvotes - downvotes) AS karma
        FROM {_COMMENTS} WHERE state = '{Comment.State.VISIBLE}' AND author_id IS NOT NULL
        GROUP BY author_id
    ) c FULL JOIN {_MEMBERS} f USING (user_id)
    WHERE (coalesce(f.comment_count, 0), coalesce(f.karma, 0))
        <> (coalesce(c.comment_count, 0), coalesce(c.karma, 0))
"""


class WrongMemberFigures(NamedTuple):
    """A member whose stored figures are not what their visible comments add up to."""

    user_id: int
    stored_count: int
    stored_karma: int
    counted_count: int
    counted_karma: int


def member_figure_problems() -> list[WrongMemberFigures]:
    """Every member whose comment count or karma (MemberFigures, kept by triggers) disagrees
    with their visible comments, by id."""
    with connection.cursor() as cursor:
        cursor.execute(f"{MEMBERS_WRONG_SQL} ORDER BY user_id")
        return [WrongMemberFigures(*row) for row in cursor.fetchall()]
