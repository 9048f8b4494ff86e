"""The newsroom's records: topics articles are filed under, and earlier versions of articles."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Topic(models.Model):
    """A subject articles are filed under; its page lists them."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("topic_detail", kwargs={"slug": self.slug})


class ArticleRevision(models.Model):
    """A published article's text as it was before an editor changed it, kept for the record."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="revisions"
    )
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    body = models.TextField()
    byline = models.CharField(max_length=500, blank=True)
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["article", "-replaced_at", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"Version of “{self.article}” replaced {self.replaced_at:%Y-%m-%d %H:%M}"


class ArticleFigures(models.Model):
    """An article's visible comments and the time of the latest one with a known time, kept by
    triggers on the comment table (migration 0015) whatever path writes comments: the front
    page and topic pages read them rather than aggregating every comment of every article. No
    row: no comment yet.

    Its own table, not columns of the article: the triggers lock this row after the article's
    thread version (their names sort after the version bump's), which every comment write
    locks first, so writers never wait for each other in a cycle, and an editor saving the
    article waits for no poster.
    """

    article = models.OneToOneField(
        "articles.Article", primary_key=True, on_delete=models.DB_CASCADE, related_name="figures"
    )
    comment_count = models.IntegerField(default=0)
    last_comment_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "article figures"
        # The front page's "Active" tab, read in this order.
        indexes = [
            models.Index(
                models.F("last_comment_at").desc(nulls_last=True), name="figures_active_idx"
            )
        ]

    def __str__(self):
        return f"article {self.article_id}: {self.comment_count} comments"


class ArticleActivity(models.Model):
    """The visible comments (with a known time) an article received on one day (UTC), kept by
    triggers on the comment table (migration 0015): "Most discussed" adds up a few days of
    these rather than counting the comments themselves."""

    # No index of its own: the unique constraint starts with it. Deleted with its article by
    # the database, however the article goes.
    article = models.ForeignKey(
        "articles.Article", on_delete=models.DB_CASCADE, related_name="activity", db_index=False
    )
    day = models.DateField()
    comments = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="article_activity_day_unique")
        ]
        indexes = [
            models.Index(fields=["day"], include=["article", "comments"], name="activity_day_idx")
        ]

    def __str__(self):
        return f"{self.comments} comments on {self.day} ({self.article_id})"
