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

from articles import antiabuse
from articles.importers.text import ParsedArticle, ParsedComment
from articles.markdown import render_markdown, render_plain_text
from articles.models import Article, AuditLogEntry, Comment

# First half of the two-part advisory lock key, so our locks never collide with another
# application's advisory locks on the same database.
_TREE_LOCK_NAMESPACE = 0x636D  # "cm"
_AUTHOR_LOCK_NAMESPACE = 0x7573  # "us"


def lock_comment_tree(tree_id: int) -> None:
    """Serialise writers to one thread until the transaction ends.

    django-mptt leaves locking to the application: two replies computing space from the same
    stale rght would corrupt the tree. The lock is per thread (tree), so posters in different
    threads of an article never wait for each other.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_TREE_LOCK_NAMESPACE, tree_id])


def lock_author_writes(user_id: int) -> None:
    """Serialise one author's posts until the transaction ends, so that two identical posts sent
    at once are both seen by the duplicate check, and a new account's count of comments is exact.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_AUTHOR_LOCK_NAMESPACE, user_id])


def validate_comment_text(*, title: str, body: str) -> tuple[str, str]:
    """Title and body stripped, or ValidationError naming what is wrong (posting and editing)."""
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
    antiabuse.ensure_no_blocked_word(f"{title}\n{body}")
    return title, body


def comment_post(
    *, article: Article, parent: Comment | None, author, body: str, title: str = ""
) -> Comment:
    """Post a top-level comment on ``article``, or a reply to ``parent`` at any depth.

    Refused for a suspended or banned author, a blocked word, or the same text twice in a short
    time; held as pending (and logged) for a watched word or a new account's first comments.
    """
    title, body = validate_comment_text(title=title, body=body)
    if parent is not None and parent.article_id != article.pk:
        raise ValidationError("You can only reply to a comment on the same article.")
    if parent is not None and not parent.is_visible:
        raise ValidationError("You can only reply to a comment that is shown.")
    body_html = render_markdown(body)

    with transaction.atomic():
        # Read the flag inside the transaction so a thread locked a moment ago stays locked.
        if not Article.objects.filter(pk=article.pk, comments_open=True).exists():
            raise ValidationError("Comments on this article are closed.")
        antiabuse.ensure_may_write(author)
        lock_author_writes(author.pk)
        antiabuse.ensure_not_duplicate(author=author, body=body)
        hold_reason = antiabuse.hold_reason(author=author, text=f"{title}\n{body}")
        comment = Comment(
            article=article,
            parent=parent,
            author=author,
            title=title,
            body=body,
            body_html=body_html,
            state=Comment.State.PENDING if hold_reason else Comment.State.VISIBLE,
        )
        if parent is not None:
            lock_comment_tree(parent.tree_id)
        # mptt re-reads the parent's lft/rght after the lock is held (refresh_target).
        comment.save()
        if hold_reason:
            AuditLogEntry.objects.create(
                action=AuditLogEntry.Action.HOLD,
                comment=comment,
                article=article,
                target_user=author,
                reason=hold_reason,
            )
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
    if not comments:
        return
    ids = _next_comment_ids(len(comments))
    tree_ids = iter(Comment.objects.next_tree_ids(sum(c.depth == 0 for c in comments)))
    rows: list[Comment] = []
    open_nodes: list[Comment] = []  # the path from the current root down to the last comment
    counter = 0
    for index, parsed in enumerate(comments):
        while open_nodes and open_nodes[-1].level >= parsed.depth:
            counter += 1
            open_nodes.pop().rght = counter
        node = _new_comment(article, parsed, keys[index])
        node.pk = ids[index]
        if parsed.parent_index is None:
            counter = 0
            node.tree_id = next(tree_ids)
        else:
            node.parent_id = ids[parsed.parent_index]
            node.tree_id = open_nodes[-1].tree_id
        counter += 1
        node.lft, node.level = counter, parsed.depth
        open_nodes.append(node)
        rows.append(node)
    while open_nodes:
        counter += 1
        open_nodes.pop().rght = counter
    Comment.objects.bulk_create(rows, batch_size=2000)


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
