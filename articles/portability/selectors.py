"""Reads for export: articles and every comment of theirs, whatever its state."""

from articles.models import Article, Comment
from articles.newsroom.selectors import with_topic_names


def articles_for_export(slugs=None):
    """Articles to export (all, or those with the given slugs), oldest first."""
    articles = with_topic_names(Article.objects.order_by("published_at", "id"))
    return articles.filter(slug__in=slugs) if slugs else articles


def comments_for_export(article: Article) -> list[Comment]:
    """Every comment of ``article``, whatever its state, in tree order, in one query."""
    return list(Comment.objects.filter(article=article).select_related("author").in_thread_order())
