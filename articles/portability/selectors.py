"""Reads for exports: the articles to write and each one's whole thread."""

from __future__ import annotations

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

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


def with_thread_count(articles: QuerySet[Article]) -> QuerySet[Article]:
    """``articles``, each with ``thread_count``: its top-level comments, in the same query."""
    roots = (
        Comment.objects.filter(article=OuterRef("pk"), parent=None)
        .order_by()
        .values("article")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return articles.annotate(thread_count=Coalesce(Subquery(roots), 0))


def comments_for_export_page(article: Article, *, number: int, size: int) -> list[Comment]:
    """The comments of the article's top-level threads ``size`` at a time (page ``number``,
    from 1; threads oldest first), whatever their state, in tree order, in one query."""
    page_trees = (
        Comment.objects.filter(article=article, parent=None)
        .order_by("tree_id")
        .values("tree_id")[(number - 1) * size : number * size]
    )
    comments = Comment.objects.filter(article=article, tree_id__in=Subquery(page_trees))
    return list(comments.select_related("author").in_thread_order())
