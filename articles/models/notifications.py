"""Notifications (issue 14): what a reader is told about, what they follow or mute, and when they
last read each article."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models.content import Article, Comment


class Notification(models.Model):
    """One comment a reader is told about, once: the unique constraint makes the fan-out task
    safe to run twice (its INSERT does nothing on conflict)."""

    class Reason(models.TextChoices):
        # In order of precedence: a reply that also mentions you is a mention.
        MENTION = "mention", "mentioned you"
        REPLY = "reply", "replied to your comment"
        FOLLOWED_COMMENT = "followed_comment", "replied in a thread you follow"
        FOLLOWED_ARTICLE = "followed_article", "commented on an article you follow"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    # The comment's article, kept here: mail is limited per recipient and article.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when a mail (immediate or digest) took it: it is never mailed twice.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "recipient"], name="notification_once_per_comment"
            ),
        ]
        indexes = [
            # The bell: a reader's unread ones, counted on every page.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_list_idx"),
        ]

    def __str__(self):
        return f"Comment {self.comment_id} for user {self.recipient_id} ({self.reason})"


class Follow(models.Model):
    """A reader follows an article (its new top-level comments) or a comment (every new reply
    anywhere below it). Exactly one of the two is set."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=True) ^ Q(comment__isnull=True),
                name="follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="follow_article_once",
            ),
            models.UniqueConstraint(
                fields=["user", "comment"],
                condition=Q(comment__isnull=False),
                name="follow_comment_once",
            ),
        ]

    def __str__(self):
        return f"User {self.user_id} follows {self.article_id or self.comment_id}"


class Mute(models.Model):
    """A reader mutes an article's discussion, a comment's thread (everything below it), or a
    user (nothing they write notifies this reader). Exactly one of the three is set."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    muted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(article__isnull=False, comment__isnull=True, muted_user__isnull=True)
                    | Q(article__isnull=True, comment__isnull=False, muted_user__isnull=True)
                    | Q(article__isnull=True, comment__isnull=True, muted_user__isnull=False)
                ),
                name="mute_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="mute_article_once",
            ),
            models.UniqueConstraint(
                fields=["user", "comment"],
                condition=Q(comment__isnull=False),
                name="mute_comment_once",
            ),
            models.UniqueConstraint(
                fields=["user", "muted_user"],
                condition=Q(muted_user__isnull=False),
                name="mute_user_once",
            ),
        ]

    def __str__(self):
        return (
            f"User {self.user_id} mutes {self.article_id or self.comment_id or self.muted_user_id}"
        )


class ArticleVisit(models.Model):
    """When a signed-in reader last read an article, and the visit before that one: comments
    newer than ``previous_at`` are marked new. A visit starts a new one only after
    ``VISIT_GAP`` (a reload or the next page of comments keeps the markers)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()
    previous_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="article_visit_once"),
        ]

    def __str__(self):
        return f"User {self.user_id} read article {self.article_id} at {self.seen_at}"
