"""Reads for exports: the articles to write and each one's whole thread."""

from __future__ import annotations

from django.db.models import Max, OuterRef, QuerySet, Subquery

from articles.models import Article, Comment
from articles.newsroom.selectors import with_topic_names


def articles_for_export(slugs=None):
    """Articles to export (all, or those with the given slugs), oldest first."""
    articles = with_topic_names(Article.objects.order_by("published_at", "id"))
    return articles.filter(slug__in=slugs) if slugs else articles


def comments_for_export(article: Article) -> list[Comment]:
    """Every comment of ``article``, whatever its state, in tree order, in one query."""
    return list(Comment.objects.filter(article=article).select_related("author").in_thread_order())


def deepest_comment_level(articles: QuerySet[Article]) -> int | None:
    """The level of the deepest comment of ``articles`` (0 for a top-level comment, ``None``
    without comments), in one aggregate query."""
    comments = Comment.objects.filter(article__in=articles.order_by().values("pk"))
    return comments.aggregate(deepest=Max("level"))["deepest"]


def with_deepest_comment_level(articles: QuerySet[Article]) -> QuerySet[Article]:
    """``articles``, each with ``deepest_comment_level`` (as ``deepest_comment_level`` gives it)
    computed in the same query: a page that fetches the article anyway checks for free."""
    deepest = (
        Comment.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(deepest=Max("level"))
        .values("deepest")
    )
    return articles.annotate(deepest_comment_level=Subquery(deepest))
