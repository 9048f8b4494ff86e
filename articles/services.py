"""Writes: every change to articles and comments goes through a function here.

Each function is keyword-only, runs in one transaction, and raises ``ValidationError`` with a
message a person can act on.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

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
