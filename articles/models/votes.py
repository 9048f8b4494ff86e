"""Readers' votes on comments, and the comment a moderator pinned above an article's threads.

A comment's totals live in its own row (``Comment.upvotes``, ``Comment.downvotes``) so pages rank
without counting these rows; the rows are what the totals are checked against
(``check_comment_trees --votes``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.content import Article, Comment


class Vote(models.Model):
    """One reader's vote on one comment: up (+1) or down (-1). Withdrawing it deletes the row."""

    class Value(models.IntegerChoices):
        UP = 1, "Up"
        DOWN = -1, "Down"

    # No index of its own: the unique constraint's index starts with it.
    comment = models.ForeignKey(
        Comment, on_delete=models.PROTECT, related_name="votes", db_index=False
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comment_votes"
    )
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["comment", "voter"], name="vote_once_per_reader"),
            models.CheckConstraint(
                condition=models.Q(value__in=[1, -1]), name="vote_value_up_or_down"
            ),
        ]

    def __str__(self):
        return f"{self.get_value_display()} vote on comment {self.comment_id}"


class PinnedComment(models.Model):
    """The one top-level comment a moderator pinned above an article's threads (audited)."""

    article = models.OneToOneField(
        Article, on_delete=models.PROTECT, primary_key=True, related_name="pin"
    )
    comment = models.OneToOneField(Comment, on_delete=models.PROTECT, related_name="pin")
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    pinned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ("view",)

    def __str__(self):
        return f"Comment {self.comment_id} pinned on article {self.article_id}"


class ImportedScore(models.Model):
    """The votes an imported comment had where it came from (Disqus likes, WordPress karma, a
    forum archive's totals): part of its totals, with no vote rows here, so the totals checker
    counts them in."""

    comment = models.OneToOneField(
        Comment, on_delete=models.PROTECT, primary_key=True, related_name="imported_score"
    )
    upvotes = models.PositiveIntegerField(default=0)
    downvotes = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ("view",)

    def __str__(self):
        return f"Imported score of comment {self.comment_id}"
