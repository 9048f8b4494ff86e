"""The article side of an import: the fields an article is stored with, finding it again
by its source and original id (or, written here, by its page), a free slug, and updates to the
text (and topics) it already has.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from articles.models import Article
from articles.newsroom.services import article_topics_set
from articles.portability.records import OWN_SOURCE, ImportReport, SourceArticle
from articles.posting.text_policy import clean_line, clean_text

_SLUG_MAX_LENGTH = Article._meta.get_field("slug").max_length


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def article_fields(source: SourceArticle, report: ImportReport) -> dict:
    def fit(name: str, value: str) -> str:
        limit = Article._meta.get_field(name).max_length
        if len(value) > limit:
            report.add("truncated", source.line, source.label, f"{name} cut to {limit} characters")
            return value[:limit]
        return value

    slug = slugify(source.slug or source.title)[:_SLUG_MAX_LENGTH].strip("-")
    if not slug:
        if source.source == "text":
            raise ValidationError("The article title has no letters or digits to build a URL from.")
        slug = f"{source.source}-{digest(source.original_id)[:12]}"
    fields = {
        # The site's input policy (posting/text_policy.py), as for comments.
        "title": fit("title", clean_line(source.title)),
        "slug": slug,
        "summary": clean_text(source.summary),
        "body": clean_text(source.body),
        "topics": [clean_line(topic)[:80] for topic in source.topics],
        "byline": fit("byline", clean_line(source.byline)),
        "source_name": fit("source_name", source.source_name),
        "source_url": fit("source_url", source.source_url),
        "comments_open": source.comments_open,
        "import_source": source.source,
        "import_id": fit("import_id", source.original_id or slug),
    }
    if source.published_at is not None:
        fields["published_at"] = source.published_at
    return fields


def find_article(source: SourceArticle, fields: dict) -> Article | None:
    if source.source == "text":
        # The plain-text format has no ids: an article is the slug it was first stored under
        # (its import id), or, stored before articles kept their source (or written here), its
        # slug. An article from another source with that slug is not this one: it keeps its
        # text, and this one gets a free slug.
        return (
            Article.objects.filter(import_source="text", import_id=fields["import_id"]).first()
            or Article.objects.filter(import_source="", slug=fields["slug"]).first()
        )
    if source.source == OWN_SOURCE:
        written_here = _article_written_here(source, fields)
        if written_here is not None:
            return written_here
    return Article.objects.filter(
        import_source=fields["import_source"], import_id=fields["import_id"]
    ).first()


def _article_written_here(source: SourceArticle, fields: dict) -> Article | None:
    """The article written here that this forum's export names by its page, if it is one.

    Page and publication time must both match: another forum's archive may name a page at
    the same address, and must not take over this forum's article.
    """
    article = Article.objects.filter(
        import_source="", slug=fields["slug"], published_at=source.published_at
    ).first()
    if article is not None and settings.SITE_URL + article.get_absolute_url() == source.original_id:
        return article
    return None


def free_slug(slug: str, source: SourceArticle, report: ImportReport) -> str:
    if not Article.objects.filter(slug=slug).exists():
        return slug
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = slug[: _SLUG_MAX_LENGTH - len(suffix)] + suffix
        if not Article.objects.filter(slug=candidate).exists():
            report.add("slug_taken", source.line, source.label, f"{slug!r} taken: {candidate!r}")
            return candidate
        number += 1


_UPDATABLE = ("title", "summary", "body", "topics", "byline", "source_name")


def update_article(article: Article, fields: dict, dry_run: bool) -> bool:
    """Take the export's text where it has some and it differs; the slug (the URL) stays."""
    changes = {
        name: fields[name]
        for name in _UPDATABLE
        if fields[name]
        and fields[name] != getattr(article, "topic_names" if name == "topics" else name)
    }
    if not article.import_source and not dry_run:
        # Stored by the plain-text importer before articles kept their source.
        Article.objects.filter(pk=article.pk).update(
            import_source=fields["import_source"], import_id=fields["import_id"]
        )
    if changes and not dry_run:
        topics = changes.pop("topics", None)
        if topics is not None:
            article_topics_set(article=article, names=topics)
        Article.objects.filter(pk=article.pk).update(**changes)
        for name, value in changes.items():
            setattr(article, name, value)
    return bool(changes)
