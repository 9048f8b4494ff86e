"""What search reads: one stored, GIN-indexed text-search vector per article and per comment.

The vectors live in a table of their own, written only by the triggers of migration 0014, never
by Python: every way a comment is written (posting, editing, the importer's COPY, moderators'
bulk updates) is covered, and posting pays no extra statement. Not a generated column of
``articles_comment``: a reply shifts the lft/rght of many rows of its thread, and each rewritten
row would insert all its lexemes into the GIN index again; here only a change of a title or text
touches a vector. Whether a document may be found (published article, visible comment) is a
copy kept beside it (``public_from``), so a search reads this table alone.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchDocument(models.Model):
    """An article (``comment`` NULL) or a comment, as search finds it."""

    # Cascaded by PostgreSQL: deleting an article or comment, even by raw SQL, needs no query of
    # this table. Comment's own foreign keys are Python-level (PROTECT), which Django will not
    # mix with DB_CASCADE, so the comment's constraint is the migration's (ON DELETE CASCADE).
    article = models.ForeignKey(
        "articles.Article", on_delete=models.DB_CASCADE, related_name="+", db_index=False
    )
    comment = models.OneToOneField(
        "articles.Comment",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    vector = SearchVectorField()
    # From when any reader may find it: its article's publication (1970 for a published one,
    # whatever its date: -infinity would not load into Python; the time a scheduled one
    # appears), NULL for never (a draft or withdrawn article, a comment
    # that is not visible). Kept by the same triggers, so a search reads this table alone
    # (joining articles and comments to filter 10,000 matches of a common word took longer
    # than ranking them).
    public_from = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            GinIndex(fields=["vector"], name="search_vector_idx"),
            models.Index(fields=["article"], name="search_article_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(comment=None),
                name="search_one_document_per_article",
            ),
        ]

    def __str__(self):
        return f"comment {self.comment_id}" if self.comment_id else f"article {self.article_id}"
