"""Writes for imports: store parsed articles and their threads, whatever format they came in.

One storage path for every format. The readers (``text``, ``json_archive``, ``disqus``, ``wxr``)
hand over ``SourceArticle``s; ``archive_import`` stores them all in one transaction, so a file
that turns out to be broken half-way, or an interrupt, leaves nothing behind. Each article is
found again by its source and original id and each comment by its import key, so importing the
same file again changes nothing and a newer export adds only what is new and updates changed
text. What this forum's own export names as written here (an article by its page, a comment as
``forum:<pk>``) is found again as the article or comment it names, and left as it is.

New threads are written with lft/rght computed in memory and one bulk insert (mptt's own insert
costs a query or more per comment); a new reply to a comment stored earlier goes in through
``Comment.objects.insert_reply`` under that thread's advisory lock, like a posted reply.
The article side (its fields, finding it again, a free slug, updates) is in ``storearticles``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Comment, ImportedScore
from articles.newsroom.services import article_topics_set
from articles.portability.cleaning import cleaned_article
from articles.portability.htmltext import has_unsafe_markup
from articles.portability.records import OWN_SOURCE, ImportReport, SourceArticle, SourceComment
from articles.portability.storearticles import (
    article_fields,
    digest,
    find_article,
    free_slug,
    update_article,
)
from articles.portability.tree import ResolvedComment, comment_key, resolve_thread
from articles.posting import services
from articles.posting.markdown import render_html_message, render_markdown, render_plain_text
from articles.threads.cache import thread_changed
from articles.threads.locks import lock_comment_tree

# Second advisory-lock namespace: one import at a time per imported article, so two runs of
# the same file wait for each other instead of failing on the unique constraint.
_IMPORT_LOCK_NAMESPACE = 0x696D  # "im"
# How this forum's exports name a comment posted here: its pk, "forum-"-prefixed when an
# imported comment of the article already has that id (18 digits always fit a bigint).
_POSTED_COMMENT_ID = re.compile(r"(?:forum-)*([0-9]{1,18})")


@dataclass
class ArticleOutcome:
    """What importing one article did (or, in a dry run, would do)."""

    title: str
    slug: str
    url: str
    created: bool
    updated: bool
    new_comments: int
    existing_comments: int
    updated_comments: int
    article: Article | None  # None for an article a dry run would create


def archive_import(
    *,
    articles: Iterable[SourceArticle],
    report: ImportReport,
    dry_run: bool = False,
    draft: bool = False,
    on_article: Callable[[ArticleOutcome], None] | None = None,
) -> None:
    """Store every article of an export in one transaction; ``report`` collects the totals.

    ``on_article`` is called after each article (to print progress); an exception from it, from
    the parser or a KeyboardInterrupt rolls the whole import back. A dry run reads the database
    to tell what would change and writes nothing. New articles are published, or with
    ``draft`` stored as drafts for the editors.
    """
    with transaction.atomic():
        for source in articles:
            outcome = article_store(source=source, report=report, dry_run=dry_run, draft=draft)
            # Counter.update adds to the counts, but stores a first value as given: ints, then.
            report.totals.update(
                articles_new=int(outcome.created),
                articles_updated=int(outcome.updated),
                articles_unchanged=int(not (outcome.created or outcome.updated)),
                comments_new=outcome.new_comments,
                comments_updated=outcome.updated_comments,
                comments_unchanged=outcome.existing_comments - outcome.updated_comments,
            )
            if on_article is not None:
                on_article(outcome)
        if dry_run:
            transaction.set_rollback(True)


def article_store(
    *, source: SourceArticle, report: ImportReport, dry_run: bool, draft: bool = False
) -> ArticleOutcome:
    """Create or update one article and add the comments it does not have yet."""
    fields = article_fields(source, report)
    if draft:
        fields["status"] = Article.Status.DRAFT
    with transaction.atomic():
        if not dry_run:
            _lock_import(source)
        article = find_article(source, fields)
        created = article is None
        written_here = not created and source.source == OWN_SOURCE and not article.import_source
        updated = False
        if created:
            fields["slug"] = free_slug(fields["slug"], source, report)
            if not dry_run:
                topics = fields.pop("topics")
                article = Article.objects.create(**fields)
                if topics:
                    article_topics_set(article=article, names=topics)
        elif not written_here:  # what was written here is newest here: never updated
            updated = update_article(article, fields, dry_run)

        stored, posted = {}, {}
        if not created:
            stored, posted = _existing_comments(article), _posted_comments(article, source)
        existing = posted | stored
        source = cleaned_article(source, report)
        resolved = resolve_thread(source, existing_keys=existing, report=report)
        rows = [_comment_row(item.comment, report) for item in resolved]
        changed = [
            (stored[item.key][0], row)
            for item, row in zip(resolved, rows, strict=True)
            if item.key in stored and stored[item.key][1:] != (row["title"], row["body_html"])
        ]
        new = [i for i, item in enumerate(resolved) if item.key not in existing]
        if not dry_run:
            for pk, row in changed:
                Comment.objects.filter(pk=pk).update(
                    title=row["title"],
                    body=row["body"],
                    body_html=row["body_html"],
                    body_format=row["body_format"],
                )
            _insert_comments(article, resolved, rows, new, existing)
            if changed or new or updated:
                thread_changed(article.pk)
    slug = article.slug if article is not None else fields["slug"]
    return ArticleOutcome(
        title=fields["title"],
        slug=slug,
        url=settings.SITE_URL + reverse("article_detail", kwargs={"slug": slug}),
        created=created,
        updated=updated,
        new_comments=len(new),
        existing_comments=len(resolved) - len(new),
        updated_comments=len(changed),
        article=article,
    )


def _lock_import(source: SourceArticle) -> None:
    key = int.from_bytes(bytes.fromhex(digest(f"{source.source}:{source.original_id}")[:8]))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [_IMPORT_LOCK_NAMESPACE, key - (1 << 31)]
        )


# --- comments -----------------------------------------------------------------------------------

_TITLE_MAX_LENGTH = Comment._meta.get_field("title").max_length
_AUTHOR_MAX_LENGTH = Comment._meta.get_field("author_name").max_length


def _existing_comments(article: Article) -> dict[str, tuple[int, str, str]]:
    """Import key → (pk, title, body_html) of the comments imported into ``article`` before."""
    return {
        key: (pk, title, body_html)
        for key, pk, title, body_html in Comment.objects.filter(
            article=article, import_key__isnull=False
        ).values_list("import_key", "pk", "title", "body_html")
    }


def _posted_comments(article: Article, source: SourceArticle) -> dict[str, tuple[int, str, str]]:
    """Import key → (pk, title, body_html) of the comments posted here that this forum's export
    names ``forum:<pk>``, so that the archive imported next to them does not copy them.

    Only a comment of the same article posted at the same time (to the microsecond) is taken
    for the one in the file: another forum's archive has the same kind of ids.
    """
    wanted: dict[int, SourceComment] = {}
    for comment in source.comments:
        match = _POSTED_COMMENT_ID.fullmatch(comment.original_id)
        if comment.source == OWN_SOURCE and match and comment.created_at is not None:
            wanted[int(match[1])] = comment
    if not wanted:
        return {}
    found = Comment.objects.filter(
        article=article, import_key__isnull=True, pk__in=wanted
    ).values_list("pk", "created_at", "title", "body_html")
    return {
        comment_key(OWN_SOURCE, wanted[pk].original_id): (pk, title, body_html)
        for pk, created_at, title, body_html in found
        if created_at == wanted[pk].created_at
    }


def _comment_row(comment: SourceComment, report: ImportReport) -> dict:
    title, author = comment.title.strip(), comment.author_name.strip()
    if len(title) > _TITLE_MAX_LENGTH:
        title = title[:_TITLE_MAX_LENGTH]
        report.add("truncated", comment.line, comment.label, f"title cut to {_TITLE_MAX_LENGTH}")
    if len(author) > _AUTHOR_MAX_LENGTH:
        author = author[:_AUTHOR_MAX_LENGTH]
        report.add("truncated", comment.line, comment.label, "author name cut to fit")
    if comment.body_format == "html":
        body_html = render_html_message(comment.body)
        # Most messages come out as they went in; only the others need a closer look.
        if body_html != comment.body and has_unsafe_markup(comment.body):
            report.add("html_sanitised", comment.line, comment.label)
        body = body_html
    elif comment.body_format == "text":
        body, body_html = comment.body, render_plain_text(comment.body)
    else:
        body, body_html = comment.body, render_markdown(comment.body)
    return {
        "title": title,
        "author_name": author,
        "body": body,
        "body_html": body_html,
        "body_format": comment.body_format,
        "state": comment.state,
        "upvotes": comment.upvotes,
        "downvotes": comment.downvotes,
    }


def _insert_comments(article, resolved: list[ResolvedComment], rows, new: list[int], existing):
    """Bulk-insert new threads; put new replies to stored comments in place one by one."""
    bulk: list[int] = []  # positions written in one go: whole new threads
    one_by_one: list[int] = []  # positions under a comment stored by an earlier import
    in_bulk: set[int] = set()
    for position in new:
        item = resolved[position]
        if item.existing_parent_key is None and (item.parent is None or item.parent in in_bulk):
            bulk.append(position)
            in_bulk.add(position)
        else:
            one_by_one.append(position)
    pks = _bulk_insert_trees(article, resolved, rows, bulk)
    for position in one_by_one:
        item = resolved[position]
        if item.parent is None:
            parent_pk = existing[item.existing_parent_key][0]
        else:
            parent_pk = pks.get(item.parent) or existing[resolved[item.parent].key][0]
        parent = Comment.objects.get(pk=parent_pk)
        lock_comment_tree(parent.tree_id)
        node = _new_comment(article, item, rows[position])
        Comment.objects.insert_reply(node, parent)
        pks[position] = node.pk
    # The votes they came with: in their totals, with no vote rows here (the checker adds them).
    ImportedScore.objects.bulk_create(
        ImportedScore(comment_id=pk, upvotes=rows[p]["upvotes"], downvotes=rows[p]["downvotes"])
        for p, pk in pks.items()
        if rows[p]["upvotes"] or rows[p]["downvotes"]
    )


def _new_comment(article, item: ResolvedComment, row: dict) -> Comment:
    return Comment(
        article=article,
        import_key=item.key,
        created_at=item.created_at or timezone.now(),
        time_unknown=item.comment.created_at is None,
        **row,
    )


def _bulk_insert_trees(article, resolved, rows, positions: list[int]) -> dict[int, int]:
    """Write whole new threads (given in pre-order) in one go; position → pk."""
    if not positions:
        return {}
    now = timezone.now()
    index_of = {position: index for index, position in enumerate(positions)}
    ids = services.comment_bulk_insert(
        article=article,
        rows=[
            {
                **rows[position],
                "import_key": resolved[position].key,
                "created_at": resolved[position].created_at or now,
                "time_unknown": resolved[position].comment.created_at is None,
            }
            for position in positions
        ],
        parent_indexes=[
            None if resolved[position].parent is None else index_of[resolved[position].parent]
            for position in positions
        ],
    )
    return dict(zip(positions, ids, strict=True))
