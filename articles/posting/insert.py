"""Inserting a new comment: the locks, every check of the author and the article, room in the tree
and the insert (with the audit row of a held comment), in one call of the SQL function
``articles_comment_post`` (migration 0016_posting says why a function and not one statement).

Posting is the hot path the issue-18 budget is about: this one statement replaces six (a
transaction's two, locks, checks, room, insert) and, for a reply, the landing page's count.
"""

from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.utils import timezone

from articles.newsroom.selectors import comments_close_before
from articles.posting import antiabuse, wordlists
from articles.posting.wordmatch import find_listed_word
from articles.threads.selectors import thread_position_sql
from articles.threads.viewer import Viewer


class Posted(NamedTuple):
    """What ``comment_insert`` did: ``refusal`` is None when the comment was stored, else why
    not, as the function checks, in this order: "closed" (the article takes no comments, or
    does not exist), "unverified" (no verified address), "parent_hidden", "sanctioned"
    (suspended or banned), "duplicate" (the same text a moment ago), "blocked" (a blocked
    word); the comment's fields are then None."""

    refusal: str | None
    blocked_word: str
    hold_reason: str
    comment_id: int | None
    tree_id: int | None
    lft: int | None
    level: int | None
    state: str | None
    created_at: datetime | None
    threads_before: int | None  # counted with it when asked (``landing``), else None


_CALL = """
SELECT f.*, {landing} FROM articles_comment_post(
    %(article)s, %(parent)s, %(author)s, %(title)s, %(body)s, %(body_html)s, %(now)s,
    %(close_before)s, %(since)s, %(lists_known)s, %(blocked)s, %(watched_reason)s,
    %(hold_first)s, %(hold_first_reason)s) AS f
"""


def comment_insert(
    *,
    article_id: int,
    parent_id: int | None,
    author_id: int,
    title: str,
    body: str,
    body_html: str,
    folded: str,
    landing: tuple[str, Viewer] | None = None,
) -> Posted:
    """Store a comment (``folded``: its text as the word lists see it, wordmatch.reader_text)
    as ``parent_id``'s last reply, or as a new thread, unless a check refuses it; held as
    pending for a watched word or a new account's first comments.

    ``landing``, the order and reader of the page to land on: the threads before the comment's
    thread there are counted in the same statement (``threads_before``; threads/selectors.py
    thread_position_sql). That count reads the snapshot the statement began with, before the
    comment: right for a reply, which changes no thread's place in these orders (its thread is
    already shown: the parent must be); a new thread, not in that snapshot, is counted from
    the keys it starts with.

    One statement, unless the word lists changed since this process last read them: then a
    second with the lists it brought back.
    """
    position = None
    if landing is not None:
        sort, viewer = landing
        position = thread_position_sql(
            sort, viewer, tree="f.comment_tree_id", new_thread=parent_id is None
        )
    call = _CALL.format(landing=f"({position})" if position else "NULL")
    now = timezone.now()
    params = {
        "article": article_id,
        "parent": parent_id,
        "author": author_id,
        "user": landing[1].user_id if landing else None,
        "title": title,
        "body": body,
        "body_html": body_html,
        "now": now,
        "close_before": comments_close_before(now),
        "since": now - timedelta(minutes=settings.COMMENT_DUPLICATE_WINDOW_MINUTES),
        "hold_first": settings.MODERATION_HOLD_FIRST_COMMENTS,
        "hold_first_reason": (
            f"New account: its first {settings.MODERATION_HOLD_FIRST_COMMENTS} comments are"
            " reviewed."
        ),
    }
    with connection.cursor() as cursor:
        while True:
            version, lists = wordlists.known()
            blocked = find_listed_word(folded, lists.blocked)
            reason = antiabuse.watched_word_reason(folded, lists.watched)
            params.update(
                lists_known=version,
                blocked=bool(blocked),
                watched_reason=reason,
            )
            cursor.execute(call, params)
            refusal, version, words, *stored = cursor.fetchone()
            if refusal != "lists_changed":
                break
            wordlists.lists_at(version, words)  # this process's copy, then decide again
    comment_id, tree_id, lft, level, state, created_at, threads_before = stored
    if state == "pending" and not reason:
        reason = params["hold_first_reason"]
    return Posted(
        refusal, blocked, reason, comment_id, tree_id, lft, level, state, created_at, threads_before
    )
