"""Reads: the thread queries behind the article and permalink pages, one place for their cost."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Comment, PinnedComment
from articles.permissions import (
    PENDING,
    VISIBLE,
    can_delete_comment,
    can_edit_comment,
    can_read_comment,
    edit_window_start,
)
from articles.threads.ranking import (
    SCORED_SORTS,
    pinned_sql,
    root_keys_sql,
    score_keys,
    siblings_in_order,
    threads_in_order,
    vote_columns_sql,
)
from articles.threads.records import TOMBSTONES, Thread, ThreadComment, ThreadPage
from articles.threads.viewer import ANONYMOUS, Viewer
from forum.dbrouter import read_alias

# How top-level threads can be ordered (the ``sort`` parameter of an article page). Tree ids come
# from a sequence, so they give the order threads were started in. "Best" and "Top" rank
# replies among their siblings too (threads/ranking.py).
THREAD_SORTS = {
    "best": "Best",
    "top": "Top",
    "oldest": "Oldest",
    "newest": "Newest",
    "replies": "Most replies",
}
DEFAULT_SORT = "best"

_COMMENTS = Comment._meta.db_table
_USERS = get_user_model()._meta.db_table
_USERNAME = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD).column

# The thread queries are written in SQL: built through the ORM, the one visibility-aware query
# of an article page cost about 11 ms of Python for 2 ms in PostgreSQL, most of a page's time.
# Timestamps are formatted by PostgreSQL too: reading a timestamptz into a Python datetime costs
# psycopg about 4 µs a row, a third of the time of a 10,000-comment page. The machine-readable
# time is to the minute, as shown: seconds would cost a byte a comment, gzipped, on the wire.
_THREAD_COLUMNS_SQL = f"""
    c.id, c.title, c.body_html,
    COALESCE(u.{_USERNAME}, NULLIF(c.author_name, ''), 'Anonymous'),
    CASE WHEN c.time_unknown THEN '' ELSE
        to_char(timezone('UTC', c.created_at), 'YYYY-MM-DD"T"HH24:MI"Z"') END,
    CASE WHEN c.time_unknown THEN '' ELSE
        to_char(timezone(%(zone)s, c.created_at), 'FMDD Mon YYYY, HH24:MI') END,
    c.import_key, c.tree_id, c.lft, c.rght, c.level, c.parent_id, c.author_id, c.state,
    c.edited_at IS NOT NULL, c.created_at > %(edit_since)s"""
_THREAD_COLUMN_COUNT = 20  # the fields of ThreadComment read from the query, in its order


def _shown_sql(viewer: Viewer, root: str) -> str:
    """SQL true when the thread of top-level row ``root`` shows this viewer anything: a visible
    comment, or one of the viewer's own pending ones; everything for moderators."""
    if viewer.may_moderate:
        return "TRUE"
    # The first test spares the subquery for the common case, a visible top-level comment.
    shown = (
        f"{root}.state = '{VISIBLE}' OR EXISTS (SELECT 1 FROM {_COMMENTS} s"
        f" WHERE s.tree_id = {root}.tree_id AND s.state = '{VISIBLE}')"
    )
    if viewer.user_id is not None:
        shown += (
            f" OR EXISTS (SELECT 1 FROM {_COMMENTS} s WHERE s.tree_id ="
            f" {root}.tree_id AND s.state = '{PENDING}' AND s.author_id = %(user)s)"
        )
    return f"({shown})"


def _visible_sql(root: str) -> str:
    """SQL for the visible comments of top-level row ``root``'s thread: its size from lft/rght
    minus its moderated comments (few: the partial index comment_not_visible_idx holds them)."""
    return (
        f"(({root}.rght - {root}.lft + 1) / 2 - (SELECT count(*) FROM {_COMMENTS} n"
        f" WHERE n.article_id = %(article)s AND n.state <> '{VISIBLE}'"
        f" AND n.tree_id = {root}.tree_id))"
    )


def _root_order_sql(alias: str) -> dict[str, list[str]]:
    # Each order's key of top-level row ``alias``, smallest first: the pinned thread first in
    # every order, ties to the older thread. Keys rather than an ORDER BY clause, so that
    # finding a thread's page is one row comparison (thread_page_number).
    keys = {
        **{sort: [key] for sort, key in root_keys_sql(alias).items()},
        "oldest": [],
        "newest": [f"-{alias}.tree_id"],
        "replies": [f"-{_visible_sql(alias)}"],
    }
    return {
        sort: [f"NOT {pinned_sql(alias)}", *own, f"{alias}.tree_id"] for sort, own in keys.items()
    }


_ROOT_ORDER_SQL = _root_order_sql("r")


def _thread_params(**params) -> dict:
    return {
        "zone": timezone.get_current_timezone_name(),
        "edit_since": edit_window_start(),
        **params,
    }


def _thread_rows(where: str, params: dict, extra: str = "") -> list[tuple]:
    """The comments matching ``where`` (SQL on ``c``) as value tuples for ThreadComment, then the
    ``extra`` columns, in (tree_id, lft) order; with the reader's (``params["user"]``) votes."""
    votes, vote_join = vote_columns_sql(params.get("user"))
    sql = (
        f"SELECT {_THREAD_COLUMNS_SQL}{votes}{extra} FROM {_COMMENTS} c"
        f" LEFT JOIN {_USERS} u ON u.id = c.author_id{vote_join}"
        f" WHERE {where} ORDER BY c.tree_id, c.lft"
    )
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _for_viewer(
    comments: list[ThreadComment],
    viewer: Viewer,
    *,
    base_level: int,
    is_open: bool,
    keep: int | None = None,
) -> list[ThreadComment]:
    # One reverse pass over the (tree_id, lft) order sees every reply before its parent, so a
    # comment the viewer may not read is kept, as a tombstone, exactly when something below it
    # is kept. Below the depth cap nothing was read: a comment there with replies is kept in case
    # one of them is shown (its "continue" link leads to them). ``keep`` is kept whatever (a
    # permalink's own comment). The result is still a pre-order walk of whole subtrees, which
    # _mark_closers needs.
    cap_level = base_level + settings.THREAD_MAX_DEPTH - 1
    sanctioned = viewer.sanction is not None
    user_id, may_moderate = viewer.user_id, viewer.may_moderate
    shown_below: dict[int | None, int] = {}  # comment id -> replies shown below it
    kept: list[ThreadComment] = []
    for c in reversed(comments):
        state = c.state
        own = user_id is not None and c.author_id == user_id
        beyond_cap = c.level == cap_level and c.rght - c.lft > 1
        shown = True
        if state != VISIBLE:
            shown = can_read_comment(state, own=own, moderator=may_moderate)
            if not (shown or beyond_cap or c.pk in shown_below or c.pk == keep):
                continue
            c.label = "" if own and state == PENDING else TOMBSTONES[state]
            if not shown:
                # Nothing of a tombstone's text reaches the renderer.
                c.shown = False
                c.title = c.body_html = c.author = ""
                c.import_key = c.author_id = None
        replies = (c.rght - c.lft - 1) // 2 if beyond_cap else shown_below.get(c.pk, 0)
        c.replies = replies
        shown_below[c.parent_id] = shown_below.get(c.parent_id, 0) + replies + shown
        if own and shown:
            c.own = True
            c.deletable = can_delete_comment(state, own=True)
            c.editable = can_edit_comment(
                state, own=True, recent=c.recent, thread_open=is_open, sanctioned=sanctioned
            )
        kept.append(c)
    kept.reverse()
    return kept


def _mark_closers(comments: list[ThreadComment], base_level: int) -> None:
    # The page nests replies inside their parent's element, but is rendered in one flat loop:
    # a comment followed by a deeper one opens a reply list; otherwise it closes as many open
    # reply lists as the next comment climbs back up.
    last_shown_level = base_level + settings.THREAD_MAX_DEPTH - 1
    following_comments = [*comments[1:], None] if comments else []
    for current, following in zip(comments, following_comments, strict=True):
        next_level = base_level if following is None else following.level
        current.opens = next_level > current.level
        current.closers = 0 if current.opens else current.level - next_level
        current.continues = current.level == last_shown_level and current.rght - current.lft > 1


def thread_sort(value: str | None) -> str:
    """The sort order named by a request parameter; an unknown name means the default."""
    return value if value in THREAD_SORTS else DEFAULT_SORT


def _totals_sql(shown: str) -> str:
    # The article's threads this viewer sees (``shown``: SQL on its top-level row ``r``), and
    # its visible comments: every comment from lft/rght, minus the few moderated ones.
    return (
        f", (SELECT count(*) FROM {_COMMENTS} r WHERE r.article_id = %(article)s"
        f" AND r.parent_id IS NULL AND {shown})"
        f", (SELECT coalesce(sum((r.rght - r.lft + 1) / 2), 0) FROM {_COMMENTS} r"
        " WHERE r.article_id = %(article)s AND r.parent_id IS NULL)"
        f" - (SELECT count(*) FROM {_COMMENTS} n WHERE n.article_id = %(article)s"
        f" AND n.state <> '{VISIBLE}')"
    )


def _drop_article_source(comments: list[ThreadComment], article: Article) -> None:
    # The article says once where it was imported from; its comments from there do not.
    if article.import_source:
        prefix = f"{article.import_source}:"
        for comment in comments:
            if comment.import_key and comment.import_key.startswith(prefix):
                comment.import_key = None


def thread_page(
    article: Article,
    *,
    sort: str = DEFAULT_SORT,
    number: int | None = 1,
    viewer: Viewer = ANONYMOUS,
) -> ThreadPage:
    """Page ``number`` of an article's top-level threads in ``sort`` order (None: all of them),
    each with its replies down to the depth cap, as ``viewer`` may see them.

    One query whatever the thread's size or how much of it was moderated: the comments of the
    page's threads in tree order (the page's threads chosen by a subquery), the article's totals
    alongside. Tombstones and dropped comments are then worked out in Python.
    """
    shown = _shown_sql(viewer, "r")
    extra = ["threads", "total"]
    columns = _totals_sql(shown)
    if sort == "replies":
        # Only top-level rows need it, to put the page's threads in order.
        columns += f", CASE WHEN c.parent_id IS NULL THEN {_visible_sql('c')} END"
        extra.append("thread_visible")
    where = "c.article_id = %(article)s AND c.level < %(depth)s"
    params = _thread_params(
        article=article.pk, user=viewer.user_id, depth=settings.THREAD_MAX_DEPTH
    )
    first = 0
    if number is not None:
        first = (number - 1) * settings.THREAD_PAGE_SIZE
        where += (
            f" AND c.tree_id IN (SELECT r.tree_id FROM {_COMMENTS} r"
            f" WHERE r.article_id = %(article)s AND r.parent_id IS NULL AND {shown}"
            f" ORDER BY {', '.join(_ROOT_ORDER_SQL[sort])} LIMIT %(limit)s OFFSET %(offset)s)"
        )
        params.update(limit=settings.THREAD_PAGE_SIZE, offset=first)
    elif not viewer.may_moderate:
        # Every thread: rather than a subquery picking them (PostgreSQL then sorts the whole
        # discussion), each top-level row says whether its thread is shown.
        columns += f", CASE WHEN c.parent_id IS NULL THEN {_shown_sql(viewer, 'c')} END"
        extra.append("thread_shown")
    rows = _thread_rows(where, params, columns)
    size = _THREAD_COLUMN_COUNT
    comments = [ThreadComment(*row[:size]) for row in rows]
    extras = {name: size + index for index, name in enumerate(extra)}
    comments = threads_in_order(comments, rows, sort=sort, columns=extras)
    thread_count = len({comment.tree_id for comment in comments})
    comments = _for_viewer(comments, viewer, base_level=0, is_open=article.accepts_comments)
    _mark_closers(comments, base_level=0)
    _drop_article_source(comments, article)
    threads_total, total = rows[0][size : size + 2] if rows else (0, 0)
    return ThreadPage(
        comments=comments,
        sort=sort,
        number=number,
        threads=threads_total,
        total=total,
        first_thread=first + 1,
        thread_count=thread_count,
    )


# For the orders an index serves (migration 0016_posting: comment_roots_best_idx,
# comment_roots_top_idx, comment_article_roots_idx), a thread's place is counted on that index
# from the start of the order to the thread, reading no table row: the index holds every column
# the count needs. Each order's key without the pin, and which way the index is read.
_PIN_SQL = (
    f"SELECT p.comment_id FROM {PinnedComment._meta.db_table} p WHERE p.article_id = %(article)s"
)
_INDEXED_ROOT_KEYS = {
    "best": ([root_keys_sql("{0}")["best"], "{0}.tree_id"], "<"),
    "top": ([root_keys_sql("{0}")["top"], "{0}.tree_id"], "<"),
    "oldest": (["{0}.tree_id"], "<"),
    "newest": (["{0}.tree_id"], ">"),
}


def thread_page_number(
    comment: Comment, *, sort: str = DEFAULT_SORT, viewer: Viewer = ANONYMOUS
) -> int:
    """The page of its article, in ``sort`` order, that holds ``comment``'s thread for
    ``viewer`` (one query)."""
    params = {"article": comment.article_id, "tree": comment.tree_id, "user": viewer.user_id}
    if sort in _INDEXED_ROOT_KEYS:
        sql = thread_position_sql(sort, viewer, tree="%(tree)s")
    else:
        own = (
            f"(SELECT {', '.join(_root_order_sql('x')[sort])} FROM {_COMMENTS} x"
            " WHERE x.article_id = %(article)s AND x.parent_id IS NULL AND x.tree_id = %(tree)s"
            f" AND {_shown_sql(viewer, 'x')})"
        )
        sql = (
            f"SELECT count(*) FROM {_COMMENTS} r WHERE r.article_id = %(article)s"
            f" AND r.parent_id IS NULL AND {_shown_sql(viewer, 'r')}"
            f" AND ROW({', '.join(_ROOT_ORDER_SQL[sort])}) < {own}"
        )
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return page_holding(row[0] if row else None)


def page_holding(threads_before: int | None) -> int:
    """The page number of the thread with ``threads_before`` threads before it (None: a thread
    that shows nothing, counted as the first)."""
    return (threads_before or 0) // settings.THREAD_PAGE_SIZE + 1


def thread_position_sql(
    sort: str, viewer: Viewer, *, tree: str, new_thread: bool = False
) -> str | None:
    """SQL counting, for ``viewer``, the threads of article ``%(article)s`` before the thread
    ``tree`` (SQL giving its tree id) in ``sort`` order (no row when that thread shows the
    viewer nothing); None for an order no index serves. Posting counts in its own statement
    (posting/insert.py), where a thread just started (``new_thread``) is not in the rows the
    statement sees: its keys are those of a thread without votes, shown to its poster."""
    if sort not in _INDEXED_ROOT_KEYS:
        return None
    # The pinned thread (first in every order) unless it is this one, then the others before
    # it in the order's key, counted on the order's index.
    keys, direction = _INDEXED_ROOT_KEYS[sort]
    own = ", ".join(f"{key.format('x')} AS k{index}" for index, key in enumerate(keys))
    own_keys = ", ".join(f"own.k{index}" for index in range(len(keys)))
    root_keys = ", ".join(key.format("r") for key in keys)
    roots = f"SELECT count(*) FROM {_COMMENTS} r WHERE r.article_id = %(article)s"
    shown = _shown_sql(viewer, "r")
    if new_thread:
        thread = f"SELECT false AS pinned, {own} FROM (SELECT 0 AS upvotes, 0 AS downvotes,"
        thread += f" {tree} AS tree_id) x"
    else:
        thread = (
            f"SELECT {pinned_sql('x')} AS pinned, {own} FROM {_COMMENTS} x"
            f" WHERE x.article_id = %(article)s AND x.parent_id IS NULL AND x.tree_id = {tree}"
            f" AND {_shown_sql(viewer, 'x')}"
        )
    return (
        f"SELECT CASE WHEN own.pinned THEN 0 ELSE"
        f" ({roots} AND r.parent_id IS NULL AND ROW({root_keys}) {direction} ROW({own_keys})"
        f" AND NOT {pinned_sql('r')} AND {shown})"
        f" + ({roots} AND r.parent_id IS NULL AND r.id = ({_PIN_SQL}) AND {shown}) END"
        f" FROM ({thread}) AS own"
    )


def subthread_for_comment(
    comment: Comment, viewer: Viewer = ANONYMOUS, *, sort: str = DEFAULT_SORT
) -> Thread:
    """A comment and its replies down to the depth cap (counted from it), in ``sort`` order
    (siblings ranked in the scored orders), as ``viewer`` may see them (the comment itself at
    least as a tombstone)."""
    # The comment's bounds as stored now, read in the same statement: the ones loaded with it a
    # moment ago may have moved since (a reply posted in between shifts them), which left the
    # comment out of its own page (a load test's permalink answered 500).
    rows = _thread_rows(
        "c.tree_id = %(tree)s AND c.level < %(depth)s"
        f" AND c.lft >= (SELECT b.lft FROM {_COMMENTS} b WHERE b.id = %(comment)s)"
        f" AND c.rght <= (SELECT b.rght FROM {_COMMENTS} b WHERE b.id = %(comment)s)",
        _thread_params(
            tree=comment.tree_id,
            comment=comment.pk,
            depth=comment.level + settings.THREAD_MAX_DEPTH,
            article=comment.article_id,
            user=viewer.user_id,
        ),
    )
    comments = [ThreadComment(*row) for row in rows]
    if sort in SCORED_SORTS:
        comments = siblings_in_order(comments, score_keys()[sort])
    comments = _for_viewer(
        comments,
        viewer,
        base_level=comment.level,
        is_open=comment.article.accepts_comments,
        keep=comment.pk,
    )
    _mark_closers(comments, base_level=comment.level)
    return Thread(comments)


def thread_query(sort: str, number: int | None) -> str:
    """The query string of an article page in ``sort`` order at page ``number`` (None: all)."""
    params = {}
    if sort != DEFAULT_SORT:
        params["sort"] = sort
    if number != 1:
        params["page"] = "all" if number is None else number
    return f"?{urlencode(params)}" if params else ""


def comment_thread_url(
    comment: Comment,
    *,
    sort: str = DEFAULT_SORT,
    viewer: Viewer = ANONYMOUS,
    threads_before: int | None = None,
) -> str:
    """Where ``comment`` shows in its discussion, for ``viewer``: the page of its article holding
    its thread, or, past the depth cap, its parent's permalink page. ``threads_before``: that
    thread's place, when already counted (thread_position_sql), spares the query."""
    if comment.level >= settings.THREAD_MAX_DEPTH:
        return f"{reverse('comment_detail', args=[comment.parent_id])}#comment-{comment.pk}"
    if threads_before is None:
        number = thread_page_number(comment, sort=sort, viewer=viewer)
    else:
        number = page_holding(threads_before)
    return f"{comment.article.get_absolute_url()}{thread_query(sort, number)}#comment-{comment.pk}"
