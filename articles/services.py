"""Writes: every change to articles and comments goes through a function here.

Each function is keyword-only, runs in one transaction, and raises ``ValidationError`` with a
message a person can act on.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from articles.importers.records import ImportReport
from articles.importers.text import ParsedArticle, as_source_article
from articles.markdown import render_markdown
from articles.models import Article, Comment

# First half of the two-part advisory lock key, so our locks never collide with another
# application's advisory locks on the same database.
_TREE_LOCK_NAMESPACE = 0x636D  # "cm"


def lock_comment_tree(tree_id: int) -> None:
    """Serialise writers to one thread until the transaction ends.

    django-mptt leaves locking to the application: two replies computing space from the same
    stale rght would corrupt the tree. The lock is per thread (tree), so posters in different
    threads of an article never wait for each other.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_TREE_LOCK_NAMESPACE, tree_id])


def comment_post(
    *, article: Article, parent: Comment | None, author, body: str, title: str = ""
) -> Comment:
    """Post a top-level comment on ``article``, or a reply to ``parent`` at any depth."""
    body = body.strip()
    title = title.strip()
    if not body:
        raise ValidationError({"body": "Write something before posting."})
    if len(body) > settings.COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"body": f"Comments are limited to {settings.COMMENT_MAX_LENGTH:,} characters."}
        )
    if len(title) > settings.COMMENT_TITLE_MAX_LENGTH:
        raise ValidationError(
            {"title": f"Titles are limited to {settings.COMMENT_TITLE_MAX_LENGTH} characters."}
        )
    if parent is not None and parent.article_id != article.pk:
        raise ValidationError("You can only reply to a comment on the same article.")
    body_html = render_markdown(body)

    with transaction.atomic():
        # Read the flag inside the transaction so a thread locked a moment ago stays locked.
        if not Article.objects.filter(pk=article.pk, comments_open=True).exists():
            raise ValidationError("Comments on this article are closed.")
        comment = Comment(
            article=article,
            parent=parent,
            author=author,
            title=title,
            body=body,
            body_html=body_html,
        )
        if parent is not None:
            lock_comment_tree(parent.tree_id)
        # mptt re-reads the parent's lft/rght after the lock is held (refresh_target).
        comment.save()
    return comment


@dataclass
class ImportResult:
    article: Article
    article_created: bool
    new_comments: int
    existing_comments: int


def article_import(*, parsed: ParsedArticle, source_name: str = "") -> ImportResult:
    """Store one article parsed from the plain-text format; importing it again adds nothing.

    The article is found again by its slug and each comment by a key derived from its place in
    the thread and its text, so a later copy of the document adds only the comments it gained.
    Every format is stored by ``articles.importing``; this is its plain-text entry point.
    """
    # Imported here: articles.importing uses lock_comment_tree from this module.
    from articles.importing import article_store

    report = ImportReport()
    with transaction.atomic():
        outcome = article_store(
            source=as_source_article(parsed, source_name=source_name),
            report=report,
            dry_run=False,
        )
    return ImportResult(
        outcome.article, outcome.created, outcome.new_comments, outcome.existing_comments
    )
