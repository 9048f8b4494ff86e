"""Writes by editors: creating and updating articles (with their earlier versions kept) and
filing them under topics.

Each function is keyword-only, runs in one transaction, and raises ``ValidationError`` with a
message a person can act on.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, ArticleRevision, Topic
from articles.posting.markdown import render_article_markdown
from articles.threads.cache import thread_changed

# What a revision keeps: the text readers read.
_TEXT_FIELDS = ("title", "summary", "body", "byline")
_TOPIC_NAME_LENGTH = Topic._meta.get_field("name").max_length
_TOPIC_SLUG_LENGTH = Topic._meta.get_field("slug").max_length


def article_check(*, article: Article) -> None:
    """Refuse what an editor may not store: a bad slug, a schedule without a future time, a
    published article dated in the future, a new address for an article once public."""
    if not article.slug or slugify(article.slug) != article.slug:
        raise ValidationError({"slug": "Use lower-case letters, digits and hyphens only."})
    stored = Article.objects.filter(pk=article.pk).first() if article.pk else None
    when, now = article.published_at, timezone.now()
    past = when is None or when <= now
    if article.status == Article.Status.SCHEDULED and past and not _went_live(article, stored):
        raise ValidationError(
            {"published_at": "A scheduled article needs a publication time in the future."}
        )
    if article.status == Article.Status.PUBLISHED and when is not None and when > now:
        raise ValidationError({"published_at": "To publish later, set the status to scheduled."})
    if stored is not None and _has_been_public(stored) and stored.slug != article.slug:
        raise ValidationError({"slug": "A published article keeps its address."})


def _went_live(article: Article, stored: Article | None) -> bool:
    # A scheduled article whose time came, saved again as it was scheduled: it is published.
    return (
        stored is not None
        and stored.status == Article.Status.SCHEDULED
        and stored.published_at == article.published_at
        and stored.is_public
    )


def _has_been_public(article: Article) -> bool:
    return article.is_public or article.status == Article.Status.WITHDRAWN


def _prepare(article: Article) -> None:
    article_check(article=article)
    if article.status == Article.Status.SCHEDULED and article.is_public:
        article.status = Article.Status.PUBLISHED
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    article.body_html = render_article_markdown(article.body)


def article_create(*, article: Article, topics=()) -> Article:
    """Store the new ``article`` an editor wrote (unsaved), filed under ``topics``."""
    with transaction.atomic():
        _prepare(article)
        article.save()
        article.topics.set(topics)
    return article


def article_update(
    *, article: Article, editor, topics=None, visible_correction: bool = False
) -> Article:
    """Store an editor's changes to ``article`` (the instance with the new values set).

    Once the article has been public its slug stays, and the text it had is kept as an
    :class:`ArticleRevision`; ``visible_correction`` stamps the "Corrected" note on the page.
    """
    with transaction.atomic():
        stored = Article.objects.select_for_update().get(pk=article.pk)
        _prepare(article)
        changed = any(getattr(stored, f) != getattr(article, f) for f in _TEXT_FIELDS)
        if _has_been_public(stored) and changed:
            ArticleRevision.objects.create(
                article=stored,
                replaced_by=editor,
                **{field: getattr(stored, field) for field in _TEXT_FIELDS},
            )
        if visible_correction:
            article.corrected_at = timezone.now()
        article.save()
        if topics is not None:
            article.topics.set(topics)
        # The thread's page shows whether comments are open.
        thread_changed(article.pk)
    return article


def _new_topic(name: str) -> Topic:
    base = slugify(name)[: _TOPIC_SLUG_LENGTH - 8] or "topic"
    slug, number = base, 1
    while Topic.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return Topic.objects.create(name=name, slug=slug)


def article_topics_set(*, article: Article, names: list[str]) -> None:
    """File ``article`` under the topics called ``names`` (creating any that are new, with a
    free slug), in that order, and under no others (imports)."""
    names = list(dict.fromkeys(n.strip()[:_TOPIC_NAME_LENGTH] for n in names if n.strip()))
    through = Article.topics.through
    with transaction.atomic():
        through.objects.filter(article=article).delete()
        if not names:
            return
        topics = {topic.name: topic for topic in Topic.objects.filter(name__in=names)}
        for name in names:
            if name not in topics:
                topics[name] = _new_topic(name)
        # In one insert, in order: the links' ids keep the order the source gave.
        through.objects.bulk_create(through(article=article, topic=topics[n]) for n in names)
