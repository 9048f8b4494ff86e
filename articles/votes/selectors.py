"""Reads: comments whose vote totals disagree with their vote rows."""

from typing import NamedTuple

from django.db import connection

from articles.models import Comment, ImportedScore, Vote

_COMMENTS = Comment._meta.db_table
_VOTES = Vote._meta.db_table
_IMPORTED = ImportedScore._meta.db_table
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
