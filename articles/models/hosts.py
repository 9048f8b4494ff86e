"""State that several app hosts share through PostgreSQL rather than through Redis."""

from django.db import models


class ThreadVersion(models.Model):
    """How many times an article's comments have changed: the version a cached page belongs to.

    Written only by the triggers of migration 0007 (any INSERT, UPDATE or DELETE of comments bumps
    it in the same transaction), so it moves with every committed write, whoever made it, and a
    cache that forgot an invalidation (restarted, failed over, emptied) can never serve a page
    rendered before the last committed write: that page's key names an older version.
    """

    # Cascaded by PostgreSQL itself: a raw DELETE of an article must not leave a row behind.
    article = models.OneToOneField(
        "articles.Article", primary_key=True, on_delete=models.DB_CASCADE, related_name="+"
    )
    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"article {self.article_id}: version {self.version}"
