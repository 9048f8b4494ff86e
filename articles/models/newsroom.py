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
