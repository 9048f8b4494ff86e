"""Checks on what users write: sanctions, word lists, duplicates, and holds for new accounts.

These only read; the services that call them decide and write. Rate limits are per request and
live with the views (articles/posting/limits.py).
"""

import functools
import re
from datetime import timedelta
from typing import NamedTuple

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from articles.models import Article, Comment, UserSanction
from articles.newsroom.selectors import accepting_comments_sql, comments_close_before


@functools.cache
def _word_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    words = tuple(word.strip() for word in words if word.strip())
    if not words:
        return None
    # Whole words only ("ass" must not catch "class"), whatever their case; longest first so a
    # phrase wins over a word it contains.
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def find_listed_word(text: str, words) -> str | None:
    """The first word or phrase of ``words`` that ``text`` contains, as written in the text."""
    pattern = _word_pattern(tuple(words))
    match = pattern.search(text) if pattern else None
    return match.group(0) if match else None


def ensure_no_blocked_word(text: str) -> None:
    """Refuse text containing a word of ``MODERATION_BLOCKED_WORDS``, naming it so it can go."""
    word = find_listed_word(text, settings.MODERATION_BLOCKED_WORDS)
    if word:
        raise ValidationError(
            {"body": f"“{word}” is not allowed here. Please rephrase your comment."}
        )


def watched_word_reason(text: str) -> str:
    """Why ``text`` is held for review for a ``MODERATION_WATCHED_WORDS`` word, or ""."""
    word = find_listed_word(text, settings.MODERATION_WATCHED_WORDS)
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


# One statement for every check of a new post: it is a hot path, and through the ORM these
# three subqueries cost ten times what PostgreSQL needs to answer them. "In force" is
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
    )
"""  # noqa: S608 - table names and states from the models; every value is a parameter


def posting_checks(
    *, article_id: int, parent_id: int | None, author_id: int, body: str
) -> PostingChecks:
    """Whether comments on the article are open, whether the comment replied to is shown,
    whether the author is suspended or banned, has posted ``body`` within
    ``COMMENT_DUPLICATE_WINDOW_MINUTES``, and how many comments they posted before (up to
    ``MODERATION_HOLD_FIRST_COMMENTS``), and whether they verified an e-mail address: one query."""
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
            },
        )
        return PostingChecks(*cursor.fetchone())


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


def hold_reason(*, text: str, earlier_comments: int) -> str:
    """Why a new comment is held as pending for a moderator, or "" to publish it at once;
    ``earlier_comments`` is what ``posting_checks`` counted."""
    reason = watched_word_reason(text)
    if reason:
        return reason
    first = settings.MODERATION_HOLD_FIRST_COMMENTS
    if earlier_comments < first:
        return f"New account: its first {first} comments are reviewed."
    return ""
