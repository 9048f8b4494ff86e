"""Accounts: the forum's own session rows, which know their user, and each user's profile."""

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class AccountSession(AbstractBaseSession):
    """A database session with its user's id (see articles/accounts/sessions.py)."""

    # Not a foreign key: a session is written on every request, and must not fail or lock the
    # user row because of it; sessions of a deleted user are removed by a signal instead.
    user_id = models.BigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls):
        from articles.accounts.sessions import SessionStore

        return SessionStore


class Profile(models.Model):
    """What the forum keeps about a user beyond Django's user row: the forms of their name that
    sign-up compares new names with, and their display preferences."""

    class ThreadOrder(models.TextChoices):
        OLDEST = "oldest", "Oldest first"
        NEWEST = "newest", "Newest first"
        REPLIES = "replies", "Most replies first"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    # The name NFKC-normalised and casefolded: full-width "frank" and "frank" are one.
    username_key = models.CharField(max_length=150, db_index=True)
    # That key with look-alike letters replaced by the Latin ones they imitate ("admin" spelt
    # with a Cyrillic "a" becomes the Latin "admin"): a new name whose skeleton is taken is refused.
    username_skeleton = models.CharField(max_length=150, db_index=True)
    thread_order = models.CharField(
        max_length=10, choices=ThreadOrder.choices, default=ThreadOrder.OLDEST
    )

    class NotificationEmail(models.TextChoices):
        IMMEDIATELY = "immediately", "At once (at most one mail per discussion an hour)"
        DAILY = "daily", "In a daily digest"
        NEVER = "never", "Never (notifications stay on the site)"

    # How replies, mentions and what the user follows reach them by mail (articles/notifications).
    notification_email = models.CharField(
        max_length=12, choices=NotificationEmail.choices, default=NotificationEmail.IMMEDIATELY
    )
    # Set when the account was deleted: its personal data is gone, its comments stay.
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Profile of user {self.user_id}"


class MemberFigures(models.Model):
    """A member's visible comments and their net score (karma), on every article, kept by
    triggers on the comment table (migration 0017) whatever path writes comments or votes: a
    profile reads them with the user rather than counting the member's comments. No row: no
    comment yet.

    The triggers lock this row last (their names sort after the article figures'), after the
    comment rows a statement changes: a vote, a post and a moderator's hiding all take their
    locks in that order, so none waits for another in a cycle.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.DB_CASCADE,
        related_name="figures",
    )
    comment_count = models.IntegerField(default=0)
    karma = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "member figures"

    def __str__(self):
        return f"user {self.user_id}: {self.comment_count} comments, karma {self.karma}"
