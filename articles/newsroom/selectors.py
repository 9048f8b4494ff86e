"""Reads: the front page's tabs, topic pages, the feeds, and the rules of an open thread.

Each list is one query (plus the paginator's count), whatever the number of articles: each
article's comment count and latest comment time are one row of figures joined to it (kept by
triggers, migration 0015), "Most discussed" adds up a few days' comment counts an article, and
the topics come as an array subquery. None of them reads every comment of every article.
"""

from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, FilteredRelation, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, JSONObject
from django.shortcuts import get_object_or_404
from django.utils import timezone

from articles.models import Article, ArticleActivity, Comment, Topic

# The front page's tabs: key → label.
TABS = {"latest": "Latest", "active": "Active", "discussed": "Most discussed"}
DEFAULT_TAB = "latest"
DISCUSSED_DAYS = 7

_ARTICLES = Article._meta.db_table
_STATUS = Article.Status
_POLICY = Article.CommentPolicy


def with_figures(queryset):
    """``queryset`` with ``comment_count`` and ``last_comment_at`` (ArticleFigures), joined."""
    return queryset.annotate(
        comment_count=Coalesce(F("figures__comment_count"), 0),
        last_comment_at=F("figures__last_comment_at"),
    )


def front_tab(value: str | None) -> str:
    """The tab named by a request parameter; an unknown name means the default."""
    return value if value in TABS else DEFAULT_TAB


def with_topic_links(queryset):
    """``queryset`` with ``topic_links``: each article's topics as ``{"name", "slug"}`` dicts,
    by name, read in the same query."""
    topics = (
        Topic.objects.filter(articles=OuterRef("pk"))
        .order_by("name")
        .values(json=JSONObject(name="name", slug="slug"))
    )
    return queryset.annotate(topic_links=ArraySubquery(topics))


def with_topic_names(queryset):
    """``queryset`` with each article's topic names in filing order, read in the same query
    (``Article.topic_names`` uses them: exports)."""
    links = (
        Article.topics.through.objects.filter(article=OuterRef("pk"))
        .order_by("id")
        .values("topic__name")
    )
    return queryset.annotate(ordered_topic_names=ArraySubquery(links))


def _recent_since(now):
    # The first whole day (UTC) "Most discussed" counts.
    return (now - timedelta(days=DISCUSSED_DAYS)).astimezone(UTC).date()


def _with_recent_comments(queryset, now):
    # Visible comments (with a known time) of the last DISCUSSED_DAYS days, counted by whole
    # days (UTC): a few rows an article (ArticleActivity) rather than every comment.
    recent = FilteredRelation("activity", condition=Q(activity__day__gte=_recent_since(now)))
    return queryset.alias(recent=recent).annotate(
        recent_comments=Coalesce(Sum("recent__comments"), 0)
    )


_NEWEST = (F("published_at").desc(nulls_last=True), F("id").desc())
_ACTIVE = (F("last_comment_at").desc(nulls_last=True), *_NEWEST)
_ORDERS = {
    "latest": _NEWEST,
    "active": _ACTIVE,
    "discussed": (F("recent_comments").desc(), *_ACTIVE),
}


class DiscussedArticles:
    """The published articles in "Most discussed" order, for a paginator: its count (one query)
    also says how many were commented on lately, and a page among those (the first pages of a
    busy site) is read from them alone (one query), so its cost follows the last days' activity
    rather than the number of articles.

    That order is the articles with comments in the last ``DISCUSSED_DAYS`` days (by how many),
    then the others in "Active" order; a page reaching past the first is read from every
    published article, as before. Either way the order is the same and each article is in it
    once.
    """

    def __init__(self, now):
        self.now = now
        self.discussed = None
        window = (
            ArticleActivity.objects.filter(day__gte=_recent_since(now))
            .values("article")
            .annotate(total=Sum("comments"))
            .filter(total__gt=0)
            .values("article")
        )
        self.window = window
        self.published = Article.objects.published(now)
        self.recent = self.published.filter(pk__in=window)

    def count(self) -> int:
        """How many articles the tab lists (every published one); notes how many of them
        were commented on lately."""
        counts = self.published.aggregate(
            total=Count("pk"), discussed=Count("pk", filter=Q(pk__in=self.window))
        )
        self.discussed = counts["discussed"]
        return counts["total"]

    def __getitem__(self, page: slice) -> list:
        # Uncounted (sliced without a paginator), every article is read. A comment hidden
        # between the count and the page can shorten that page by the article it took out of
        # the window: a moment's glitch on one page, never an article listed twice.
        within = self.discussed is not None and page.stop is not None
        within = within and page.stop <= self.discussed
        articles = self.recent if within else self.published
        articles = _with_recent_comments(with_figures(articles), self.now)
        return list(with_topic_links(articles).order_by(*_ORDERS["discussed"])[page])


def front_page(tab: str = DEFAULT_TAB, now=None):
    """Published articles in ``tab``'s order, each with its topics, visible comment count and
    last comment time (and for "discussed" its comments of the last ``DISCUSSED_DAYS`` days:
    then a :class:`DiscussedArticles`, to be sliced, rather than a queryset)."""
    now = now or timezone.now()
    if tab == "discussed":
        return DiscussedArticles(now)
    articles = with_figures(Article.objects.published(now))
    return with_topic_links(articles).order_by(*_ORDERS[tab])


def published_count(now=None) -> int:
    """How many articles the front page lists, in every tab."""
    return Article.objects.published(now).count()


def topic_with_articles(slug: str, now=None):
    """The topic called ``slug`` (404 if none) and its published articles, newest first."""
    topic = get_object_or_404(Topic, slug=slug)
    now = now or timezone.now()
    articles = with_figures(Article.objects.published(now).filter(topics=topic))
    return topic, with_topic_links(articles).order_by(*_NEWEST)


def feed_articles(now=None, topic=None):
    """The latest published articles (of ``topic``, if given), for the Atom feeds: one query."""
    articles = Article.objects.published(now)
    if topic is not None:
        articles = articles.filter(topics=topic)
    return articles.order_by(*_NEWEST)[: settings.FRONT_PAGE_SIZE]


def comments_close_before(now=None):
    """Articles on automatic close published before this time are closed; None: never."""
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    if days is None:
        return None
    return (now or timezone.now()) - timedelta(days=days)


def accepting_comments_q(now=None) -> Q:
    """Articles that take new comments (``Article.accepts_comments`` as a query condition)."""
    now = now or timezone.now()
    accepting = Q(comments_open=True) & Article.public_q(now) & ~Q(comment_policy=_POLICY.CLOSED)
    close_before = comments_close_before(now)
    if close_before is not None:
        accepting &= ~Q(comment_policy=_POLICY.AUTO, published_at__lt=close_before)
    return accepting


def accepting_comments_sql(alias: str) -> str:
    """``Article.accepts_comments`` as SQL on article row ``alias``; its parameters are
    ``%(now)s`` and ``%(close_before)s`` (:func:`comments_close_before`, NULL for never)."""
    return (
        f"({alias}.comments_open AND ({alias}.status = '{_STATUS.PUBLISHED}'"
        f" OR ({alias}.status = '{_STATUS.SCHEDULED}' AND {alias}.published_at <= %(now)s))"
        f" AND {alias}.comment_policy <> '{_POLICY.CLOSED}'"
        f" AND NOT ({alias}.comment_policy = '{_POLICY.AUTO}'"
        f" AND coalesce({alias}.published_at < %(close_before)s, false)))"
    )


def feed_article(slug: str):
    """The published article called ``slug``, for its comments' feed (404 otherwise)."""
    return get_object_or_404(Article.objects.published().only("title", "slug"), slug=slug)


def feed_topic(slug: str):
    """The topic called ``slug``, for its feed (404 if none)."""
    return get_object_or_404(Topic, slug=slug)


def feed_member(username: str):
    """The active user called ``username``, for their comments' feed (404 if none)."""
    return get_object_or_404(get_user_model().objects.filter(is_active=True), username=username)


def _feed_comments(comments, now=None):
    # What any reader may see: visible comments of published articles, newest first, with what
    # an entry shows (its article's title and address, its author's name) in the same query.
    return (
        comments.visible()
        .filter(article__in=Article.objects.published(now))
        .select_related("article", "author")
        .only(
            "title",
            "body_html",
            "created_at",
            "edited_at",
            "author_name",
            "article__title",
            "article__slug",
            "author__username",
        )
        .order_by("-created_at", "-id")[: settings.FRONT_PAGE_SIZE]
    )


def feed_article_comments(article, now=None):
    """``article``'s latest visible comments, for its feed: one query."""
    return _feed_comments(Comment.objects.filter(article=article), now)


def feed_member_comments(member, now=None):
    """``member``'s latest visible comments on published articles, for their feed: one query."""
    return _feed_comments(Comment.objects.filter(author=member), now)
