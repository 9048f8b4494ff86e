"""Writes: every change to articles and comments goes through a function here.

Each function is keyword-only, runs in one transaction, and raises ``ValidationError`` with a
message a person can act on.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.text import slugify

from articles.cache import thread_changed
from articles.importers.text import ParsedArticle, ParsedComment
from articles.markdown import render_markdown, render_plain_text
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
        thread_changed(article.pk)
    return comment


@dataclass
class ImportResult:
    article: Article
    article_created: bool
    new_comments: int
    existing_comments: int


def article_import(*, parsed: ParsedArticle, source_name: str = "") -> ImportResult:
    """Store a parsed article and its thread; importing the same document again adds nothing.

    The article is found again by its slug and each comment by a key derived from its place in
    the thread and its text, so a later copy of the document adds only the comments it gained.
    A new thread is written with lft/rght computed here and one bulk insert: going through
    mptt's per-node insert costs a query or more per comment.
    """
    slug = slugify(parsed.title)[:200]
    if not slug:
        raise ValidationError("The article title has no letters or digits to build a URL from.")
    keys = _comment_keys(parsed.comments)
    with transaction.atomic():
        article, created = Article.objects.get_or_create(
            slug=slug,
            defaults={
                "title": parsed.title,
                "summary": parsed.summary,
                "body": parsed.body,
                "topics": parsed.topics,
                "byline": parsed.byline,
                "source_name": source_name,
            },
        )
        existing = set(
            Comment.objects.filter(article=article, import_key__in=keys).values_list(
                "import_key", flat=True
            )
        )
        missing = [i for i, key in enumerate(keys) if key not in existing]
        if len(missing) == len(keys):
            _bulk_insert_threads(article, parsed.comments, keys)
        else:
            _insert_missing(article, parsed.comments, keys, missing)
        thread_changed(article.pk)
    return ImportResult(article, created, len(missing), len(existing))


def _comment_keys(comments: list[ParsedComment]) -> list[str]:
    # Plain text carries no ids: a comment is known by its parent's key and its own text, with
    # a counter for identical siblings.
    keys: list[str] = []
    seen: dict[str, int] = {}
    for comment in comments:
        parent_key = keys[comment.parent_index] if comment.parent_index is not None else ""
        content = "\x1f".join([parent_key, comment.title, comment.body, comment.author_name or ""])
        digest = hashlib.sha256(content.encode()).hexdigest()[:32]
        seen[digest] = seen.get(digest, 0) + 1
        keys.append(f"text:{digest}:{seen[digest]}")
    return keys


def _new_comment(article, parsed: ParsedComment, key: str) -> Comment:
    return Comment(
        article=article,
        title=parsed.title,
        body=parsed.body,
        body_html=render_plain_text(parsed.body),
        author_name=parsed.author_name or "",
        import_key=key,
    )


def _bulk_insert_threads(article, comments: list[ParsedComment], keys: list[str]) -> None:
    comment_bulk_insert(
        article=article,
        comments=[_new_comment(article, parsed, keys[i]) for i, parsed in enumerate(comments)],
        parent_indexes=[parsed.parent_index for parsed in comments],
    )


def comment_bulk_insert(
    *, article: Article, comments: list[Comment], parent_indexes: list[int | None]
) -> None:
    """Insert whole new threads at once: ``comments`` unsaved, in pre-order (each parent before
    its replies, a reply right after its parent or its parent's previous subtree), with
    ``parent_indexes[i]`` the index of comment i's parent, or None for a top-level comment.

    lft/rght/level are computed here and the rows written by bulk inserts: going through mptt's
    per-node insert costs a query or more per comment. The importer and the benchmark's
    generator use it.
    """
    if len(comments) != len(parent_indexes):
        raise ValueError("comments and parent_indexes differ in length")
    if not comments:
        return
    with transaction.atomic():
        ids = _next_comment_ids(len(comments))
        tree_ids = iter(Comment.objects.next_tree_ids(parent_indexes.count(None)))
        open_nodes: list[Comment] = []  # the path from the current root down to the last comment
        counter = 0
        for index, (node, parent_index) in enumerate(zip(comments, parent_indexes, strict=True)):
            if parent_index is not None and not 0 <= parent_index < index:
                raise ValueError(f"comment {index} comes before its parent")
            parent = None if parent_index is None else comments[parent_index]
            level = 0 if parent is None else parent.level + 1
            while open_nodes and open_nodes[-1].level >= level:
                counter += 1
                open_nodes.pop().rght = counter
            node.pk, node.article = ids[index], article
            if parent is None:
                counter = 0
                node.tree_id, node.parent_id = next(tree_ids), None
            elif not open_nodes or open_nodes[-1] is not parent:
                raise ValueError(f"comment {index} does not follow its parent in pre-order")
            else:
                node.tree_id, node.parent_id = parent.tree_id, parent.pk
            counter += 1
            node.lft, node.level = counter, level
            open_nodes.append(node)
        while open_nodes:
            counter += 1
            open_nodes.pop().rght = counter
        Comment.objects.bulk_create(comments, batch_size=2000)
        thread_changed(article.pk)


def _next_comment_ids(count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('articles_comment', 'id'))"
            " FROM generate_series(1, %s)",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


def _insert_missing(article, comments, keys, missing: list[int]) -> None:
    by_key = dict(
        Comment.objects.filter(article=article, import_key__in=keys).values_list("import_key", "pk")
    )
    for index in missing:
        parsed = comments[index]
        node = _new_comment(article, parsed, keys[index])
        if parsed.parent_index is not None:
            node.parent = Comment.objects.get(pk=by_key[keys[parsed.parent_index]])
            lock_comment_tree(node.parent.tree_id)
        node.save()
        by_key[keys[index]] = node.pk
