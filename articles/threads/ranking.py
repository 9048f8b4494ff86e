"""Threads ranked by readers' votes: the SQL of the orders and of the vote columns a page reads,
the one-pass sort that puts each comment's replies in order by score, and the order of a page's
threads (pinned first).

"Best" ranks by the lower bound of the Wilson score interval of a comment's up and down votes
(as Reddit's "best" does): a comment with 10 up and 1 down outranks one with a single up vote.
"Top" ranks by net score. Ties keep the original (oldest first) order, so a thread nobody voted
on reads exactly as in "Oldest".
"""

import math
from collections import defaultdict
from collections.abc import Callable

from articles.models import Comment, PinnedComment, Vote
from articles.threads.records import ThreadComment

_PINS = PinnedComment._meta.db_table
_VOTES = Vote._meta.db_table
_COMMENTS = Comment._meta.db_table
# Reddit's: the 80% confidence interval.
Z = 1.281551565545
_Z2 = Z * Z

# The orders that rank replies among their siblings too (the others keep them oldest first).
SCORED_SORTS = ("best", "top")


def wilson_lower_bound(up: int, down: int) -> float:
    """The lower bound of the Wilson score interval of ``up`` positive votes out of up + down:
    0 without votes. Written as :func:`wilson_sql` is, so the two agree to the last bit."""
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    return (p + _Z2 / (2 * n) - Z * math.sqrt((p * (1 - p) + _Z2 / (4 * n)) / n)) / (1 + _Z2 / n)


def wilson_sql(alias: str) -> str:
    """:func:`wilson_lower_bound` of row ``alias``'s totals, in SQL."""
    up, n = f"{alias}.upvotes::float8", f"({alias}.upvotes + {alias}.downvotes)::float8"
    p = f"({up} / {n})"
    return (
        f"(CASE WHEN {alias}.upvotes + {alias}.downvotes = 0 THEN 0::float8 ELSE"
        f" ({p} + {_Z2!r} / (2 * {n}) - {Z!r} * sqrt(({p} * (1 - {p}) + {_Z2!r} / (4 * {n}))"
        f" / {n})) / (1 + {_Z2!r} / {n}) END)"
    )


def score_keys() -> dict[str, Callable]:
    """For each scored order, a comment's sort key (smaller first), from its totals."""
    return {
        "best": lambda c: -wilson_lower_bound(c.upvotes, c.downvotes),
        "top": lambda c: c.downvotes - c.upvotes,
    }


def root_keys_sql(alias: str) -> dict[str, str]:
    """For each scored order, the key of top-level row ``alias`` in SQL (smaller first)."""
    return {"best": f"-{wilson_sql(alias)}", "top": f"{alias}.downvotes - {alias}.upvotes"}


def pinned_sql(alias: str) -> str:
    """SQL true when row ``alias`` is the pinned comment of article ``%(article)s`` (the pin is
    read once per query, not per row)."""
    return (
        f"coalesce({alias}.id = (SELECT p.comment_id FROM {_PINS} p"
        " WHERE p.article_id = %(article)s), false)"
    )


def vote_columns_sql(user_id: int | None) -> tuple[str, str]:
    """The columns a thread page reads for votes (the totals, the reader's own vote: 1, -1 or
    0, whether pinned), and the join they need, as (columns, join). The reader's votes come from
    the page's own query: a join on the vote table's unique (comment, voter) index."""
    columns = f", c.upvotes, c.downvotes, {{vote}}, {pinned_sql('c')}"
    if user_id is None:
        return columns.format(vote="0"), ""
    join = f" LEFT JOIN {_VOTES} v ON v.comment_id = c.id AND v.voter_id = %(user)s"
    return columns.format(vote="coalesce(v.value, 0)"), join


def siblings_in_order(comments: list, key: Callable) -> list:
    """``comments`` (whole subtrees in pre-order) with every comment's replies ordered by
    ``key``, ties in their original order: still a pre-order walk, built in one pass.

    A list without votes is returned as it is: nothing would move.
    """
    if not any(c.upvotes or c.downvotes for c in comments):
        return comments
    ids = {c.pk for c in comments}
    children = defaultdict(list)
    tops = []
    for c in comments:
        (children[c.parent_id] if c.parent_id in ids else tops).append(c)
    for replies in children.values():
        if len(replies) > 1:
            replies.sort(key=key)  # stable: equal scores stay oldest first
    ordered = []
    for top in tops:
        stack = [top]
        while stack:
            c = stack.pop()
            ordered.append(c)
            replies = children.get(c.pk)
            if replies:
                stack.extend(reversed(replies))
    return ordered


def threads_in_order(
    comments: list[ThreadComment], rows: list[tuple], *, sort: str, columns: dict[str, int]
) -> list[ThreadComment]:
    """The page's threads (``comments``, from ``rows`` in tree id order) in ``sort`` order,
    leaving out those not shown, pinned first; in the scored orders, replies ranked among their
    siblings too. ``columns`` says where each extra column of the rows is."""
    by_tree = defaultdict(list)
    roots = {}  # tree id -> its top-level comment and row
    for comment, row in zip(comments, rows, strict=True):
        by_tree[comment.tree_id].append(comment)
        if comment.parent_id is None:
            roots[comment.tree_id] = (comment, row)
    order = list(by_tree)
    if "thread_shown" in columns:
        shown_at = columns["thread_shown"]
        order = [tree_id for tree_id in order if roots[tree_id][1][shown_at]]
    key = _root_key(sort, columns)
    order.sort(key=lambda tree_id: (not roots[tree_id][0].pinned, key(*roots[tree_id]), tree_id))
    ordered = [comment for tree_id in order for comment in by_tree[tree_id]]
    if sort in SCORED_SORTS:
        ordered = siblings_in_order(ordered, score_keys()[sort])
    return ordered


def _root_key(sort: str, columns: dict[str, int]):
    # A thread's key in ``sort`` order (smaller first) from its top-level comment and row, as
    # the thread selectors' SQL keys have it.
    if sort in SCORED_SORTS:
        score = score_keys()[sort]
        return lambda root, row: score(root)
    if sort == "replies":
        visible_at = columns["thread_visible"]
        return lambda root, row: -row[visible_at]
    sign = -1 if sort == "newest" else 0
    return lambda root, row: sign * root.tree_id
