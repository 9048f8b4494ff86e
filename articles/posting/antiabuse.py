"""Checks on what users write: sanctions, word lists, duplicates, and holds for new accounts.

These only read; the services that call them decide and write. Rate limits are per request and
live with the views (articles/posting/limits.py).
"""

from datetime import timedelta
from typing import NamedTuple

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from articles.models import Article, Comment, UserSanction
from articles.newsroom.selectors import accepting_comments_sql, comments_close_before
from articles.posting import wordlists
from articles.posting.wordmatch import find_listed_word


def ensure_no_blocked_word(folded_text: str, blocked) -> None:
    """Refuse a comment whose text (``wordmatch.reader_text``) contains a ``blocked`` word,
    naming it so it can go."""
    word = find_listed_word(folded_text, blocked)
    if word:
        raise ValidationError(
            {"body": f"“{word}” is not allowed here. Please rephrase your comment."}
        )


def watched_word_reason(folded_text: str, watched) -> str:
    """Why a comment (its ``wordmatch.reader_text``) is held for a ``watched`` word, or ""."""
    word = find_listed_word(folded_text, watched)
    return f"Contains the watched word “{word}”." if word else ""


def active_sanction(user) -> UserSanction | None:
    """The suspension or ban that currently stops ``user`` writing, bans first."""
    if not user.is_authenticated:
        return None
    return UserSanction.objects.in_force_for(user.pk).first()


def ensure_may_write(user) -> None:
    """Refuse a suspended or banned user, telling them why and until when."""
    sanction = active_sanction(user)
    if sanction is not None:
        raise ValidationError(sanction.message)


class PostingChecks(NamedTuple):
    """What ``posting_checks`` found."""

    comments_open: bool  # False also when the article does not exist
    parent_shown: bool | None  # None without a parent
    sanctioned: bool
    duplicate: bool
    earlier_comments: int  # counted up to MODERATION_HOLD_FIRST_COMMENTS only
    email_verified: bool  # the author has verified an e-mail address
    word_lists: wordlists.WordLists


# One statement for every check of a new post: it is a hot path, and through the ORM these
# subqueries cost ten times what PostgreSQL needs to answer them. The word lists come along
# (only when they changed: wordlists.LISTS_SQL). "In force" is
# UserSanctionQuerySet.active(); a test keeps the two in step.
_POSTING_CHECKS_SQL = f"""
SELECT
    coalesce((SELECT {accepting_comments_sql("a")} FROM {Article._meta.db_table} a
        WHERE id = %(article)s), false),
    (SELECT state = '{Comment.State.VISIBLE}' FROM {Comment._meta.db_table} WHERE id = %(parent)s),
    EXISTS (
        SELECT 1 FROM {UserSanction._meta.db_table}
        WHERE user_id = %(author)s AND lifted_at IS NULL AND starts_at <= %(now)s
          AND (ends_at IS NULL OR ends_at > %(now)s)
    ),
    EXISTS (
        SELECT 1 FROM {Comment._meta.db_table}
        WHERE author_id = %(author)s AND body = %(body)s AND created_at >= %(since)s
          AND state <> '{Comment.State.DELETED}'
    ),
    (SELECT count(*) FROM (
        SELECT 1 FROM {Comment._meta.db_table} WHERE author_id = %(author)s LIMIT %(first)s
    ) AS earlier),
    EXISTS (
        SELECT 1 FROM {EmailAddress._meta.db_table} WHERE user_id = %(author)s AND verified
    ),
    {wordlists.LISTS_SQL}
"""  # noqa: S608 - table names and states from the models; every value is a parameter


def posting_checks(
    *, article_id: int, parent_id: int | None, author_id: int, body: str
) -> PostingChecks:
    """Whether comments on the article are open, whether the comment replied to is shown,
    whether the author is suspended or banned, has posted ``body`` within
    ``COMMENT_DUPLICATE_WINDOW_MINUTES``, and how many comments they posted before (up to
    ``MODERATION_HOLD_FIRST_COMMENTS``), whether they verified an e-mail address, and the word
    lists: one query."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _POSTING_CHECKS_SQL,
            {
                "article": article_id,
                "parent": parent_id,
                "author": author_id,
                "body": body,
                "now": now,
                "close_before": comments_close_before(now),
                "since": now - timedelta(minutes=settings.COMMENT_DUPLICATE_WINDOW_MINUTES),
                "first": settings.MODERATION_HOLD_FIRST_COMMENTS,
                "lists_known": wordlists.known_version(),
            },
        )
        *checks, lists_version, lists_words = cursor.fetchone()
    return PostingChecks(*checks, wordlists.lists_at(lists_version, lists_words))


def unverified_error() -> ValidationError:
    """The refusal of a post from an account whose e-mail address is not verified yet."""
    return ValidationError(
        "Verify your e-mail address before posting: follow the link we mailed you, or send a "
        "new one from your account settings."
    )


def duplicate_error() -> ValidationError:
    """The refusal of a text its author posted a moment ago."""
    minutes = settings.COMMENT_DUPLICATE_WINDOW_MINUTES
    return ValidationError({"body": f"You posted this same text in the last {minutes} minutes."})


def hold_reason(*, folded_text: str, checks: PostingChecks) -> str:
    """Why a new comment (its ``wordmatch.reader_text``) is held as pending for a moderator, or
    "" to publish it at once, from what ``posting_checks`` found."""
    reason = watched_word_reason(folded_text, checks.word_lists.watched)
    if reason:
        return reason
    first = settings.MODERATION_HOLD_FIRST_COMMENTS
    if checks.earlier_comments < first:
        return f"New account: its first {first} comments are reviewed."
    return ""
