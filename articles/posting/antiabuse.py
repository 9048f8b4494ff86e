"""Checks on what users write: sanctions, word lists, and the refusals of duplicates and of
unverified accounts.

These only read; the services that call them decide and write. A new post is checked in SQL by
the function that stores it (posting/insert.py). Rate limits are per request and live with the
views (articles/posting/limits.py).
"""

from django.conf import settings
from django.core.exceptions import ValidationError

from articles.models import UserSanction
from articles.posting.wordmatch import find_listed_word


def ensure_no_blocked_word(folded_text: str, blocked) -> None:
    """Refuse a comment whose text (``wordmatch.reader_text``) contains a ``blocked`` word,
    naming it so it can go."""
    word = find_listed_word(folded_text, blocked)
    if word:
        raise blocked_word_error(word)


def blocked_word_error(word: str) -> ValidationError:
    """The refusal of a comment containing the blocked ``word``."""
    return ValidationError({"body": f"“{word}” is not allowed here. Please rephrase your comment."})


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
