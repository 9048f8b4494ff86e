"""What moderation records: readers' reports, sanctions on users, the audit log, and the word
lists."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import dateformat, timezone

from articles.models.content import Article, Comment


class CommentReport(models.Model):
    """A reader's report of a comment; open until a moderator decides on the comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse or harassment"
        OFF_TOPIC = "off_topic", "Off-topic"
        OTHER = "other", "Other"

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comment_reports"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_reader")
        ]
        indexes = [
            models.Index(
                fields=["comment"],
                condition=models.Q(resolved_at__isnull=True),
                name="report_open_idx",
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} report on comment {self.comment_id}"


class UserSanctionQuerySet(models.QuerySet):
    def active(self, at=None):
        at = at or timezone.now()
        return self.filter(lifted_at__isnull=True, starts_at__lte=at).filter(
            models.Q(ends_at__isnull=True) | models.Q(ends_at__gt=at)
        )

    def in_force_for(self, user_id):
        """The user's active sanctions, the one to tell them about first: a ban ("ban" sorts
        before "suspension"), else the suspension that lasts longest.
        """
        return self.active().filter(user=user_id).order_by("kind", "-ends_at")


class UserSanction(models.Model):
    """A suspension (until ``ends_at``) or a ban (no end): the user cannot post, edit or report."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", "Suspension"
        BAN = "ban", "Ban"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sanctions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField()
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The comments a ban hid, {id: state before}, so lifting it brings back exactly those.
    hidden_comments = models.JSONField(default=dict, blank=True)

    objects = UserSanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="ban", ends_at__isnull=True)
                | models.Q(kind="suspension", ends_at__isnull=False),
                name="sanction_end_matches_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of user {self.user_id}"

    @property
    def is_active(self):
        now = timezone.now()
        return (
            self.lifted_at is None
            and self.starts_at <= now
            and (self.ends_at is None or self.ends_at > now)
        )

    @property
    def message(self):
        """What the sanctioned user is told when they try to write."""
        if self.kind == self.Kind.BAN:
            return f"Your account is banned: {self.reason}"
        until = dateformat.format(timezone.localtime(self.ends_at), "j M Y, H:i T")
        return f"Your account is suspended until {until}: {self.reason}"


class AuditLogEntry(models.Model):
    """One moderator action, or an automatic hold: who did what, to what, why and when.

    Rows are only ever added: the admin offers no add, change or delete, and a saved row refuses
    to be saved again or deleted.
    """

    class Action(models.TextChoices):
        APPROVE = "approve", "Approve comment"
        HIDE = "hide", "Hide comment"
        REMOVE = "remove", "Remove comment"
        RESTORE = "restore", "Restore comment"
        HIDE_BRANCH = "hide_branch", "Hide branch"
        RESTORE_BRANCH = "restore_branch", "Restore branch"
        DELETE = "delete", "Author deleted comment"
        HOLD = "hold", "Hold comment for review"
        AUTO_HIDE = "auto_hide", "Hide comment after reports"
        LOCK = "lock", "Lock thread"
        UNLOCK = "unlock", "Unlock thread"
        SUSPEND = "suspend", "Suspend user"
        BAN = "ban", "Ban user"
        LIFT = "lift", "Lift suspension or ban"
        ACCOUNT_EXPORT = "account_export", "User downloaded their data"
        ACCOUNT_DELETE = "account_delete", "User deleted their account"
        UNRELIABLE = "unreliable", "Mark reporter unreliable"
        RELIABLE = "reliable", "Count reporter's reports again"
        WORD_LIST = "word_list", "Change word list"
        PIN = "pin", "Pin comment"
        UNPIN = "unpin", "Unpin comment"

    # NULL: the site itself acted (a watched word, a new account, enough reports).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)
        verbose_name_plural = "audit log entries"

    def __str__(self):
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Audit log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit log entries cannot be deleted.")


class UnreliableReporter(models.Model):
    """A reader whose reports a moderator dismissed and found unreliable: their reports are
    still filed and shown, but no longer count towards holding a comment for review."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="unreliable_reporter",
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)
    # The report whose dismissal led to the mark.
    report = models.ForeignKey(
        CommentReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        default_permissions = ("view",)

    def __str__(self):
        return f"Unreliable reporter {self.user_id}"


class WordList(models.Model):
    """Words and phrases moderators keep out of comments (blocked: refused) or want to see first
    (watched: held for review), one per line; moderators edit them in the admin.

    The environment's MODERATION_BLOCKED_WORDS and MODERATION_WATCHED_WORDS seed them when the
    migration that creates them runs.
    """

    class Kind(models.TextChoices):
        BLOCKED = "blocked", "Blocked words (comments refused)"
        WATCHED = "watched", "Watched words (comments held for review)"

    kind = models.CharField(max_length=10, choices=Kind.choices, primary_key=True)
    words = models.TextField(
        blank=True,
        help_text=(
            "One word or phrase per line. Matched as whole words in what readers see, whatever "
            "the case, accents, invisible characters or look-alike letters."
        ),
    )
    # A new one on every change: posting compares it with the one it holds (posting/wordlists).
    version = models.UUIDField(default=uuid.uuid4)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    @property
    def entries(self) -> tuple[str, ...]:
        """The listed words and phrases, without blank lines."""
        return entries_of(self.words)


def entries_of(words: str) -> tuple[str, ...]:
    """The words and phrases of a list's text, one per non-blank line."""
    return tuple(line.strip() for line in words.splitlines() if line.strip())
