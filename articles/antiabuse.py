"""Checks on what users write: sanctions, word lists, duplicates, and holds for new accounts.

These only read; the services that call them decide and write. Rate limits are per request and
live with the views (articles/views/limits.py).
"""

import functools
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Comment, UserSanction


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


def ensure_not_duplicate(*, author, body: str) -> None:
    """Refuse the same text from the same author within ``COMMENT_DUPLICATE_WINDOW_MINUTES``."""
    minutes = settings.COMMENT_DUPLICATE_WINDOW_MINUTES
    since = timezone.now() - timedelta(minutes=minutes)
    duplicate = (
        Comment.objects.filter(author=author, body=body, created_at__gte=since)
        .exclude(state=Comment.State.DELETED)
        .exists()
    )
    if duplicate:
        raise ValidationError({"body": f"You posted this same text in the last {minutes} minutes."})


def hold_reason(*, author, text: str) -> str:
    """Why a new comment is held as pending for a moderator, or "" to publish it at once."""
    reason = watched_word_reason(text)
    if reason:
        return reason
    first = settings.MODERATION_HOLD_FIRST_COMMENTS
    if first and Comment.objects.filter(author=author).count() < first:
        return f"New account: its first {first} comments are reviewed."
    return ""
