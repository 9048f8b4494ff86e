"""Writes: every change to articles and comments goes through a function here.

Each function is keyword-only, runs in one transaction, and raises ``ValidationError`` with a
message a person can act on.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from articles import antiabuse
from articles.cache import thread_changed
from articles.markdown import render_markdown
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
        thread_changed(article.pk)
    return comment


def comment_bulk_insert(
    *, article: Article, rows: list[dict], parent_indexes: list[int | None]
) -> list[int]:
    """Insert whole new threads at once and return the new comments' ids.

    ``rows`` hold each comment's own column values (title, body, body_html, author_id,
    author_name, created_at, state, import_key…; the rest take their model defaults), in
    pre-order: each parent before its replies, a reply right after its parent or its parent's
    previous subtree. ``parent_indexes[i]`` is the index of comment i's parent, or None for a
    top-level comment. lft/rght/level/tree_id are computed here and the rows written with one
    COPY: mptt's per-node insert costs a query or more per comment, and building model
    instances for bulk_create cost the importer three times as long as COPY of plain values.
    The importer and the benchmark's generator use it.
    """
    if len(rows) != len(parent_indexes):
        raise ValueError("rows and parent_indexes differ in length")
    if not rows:
        return []
    with transaction.atomic():
        ids = _next_comment_ids(len(rows))
        tree_ids = iter(Comment.objects.next_tree_ids(parent_indexes.count(None)))
        nodes: list[dict] = []
        open_nodes: list[dict] = []  # the path from the current root down to the last comment
        counter = 0
        for index, (row, parent_index) in enumerate(zip(rows, parent_indexes, strict=True)):
            if parent_index is not None and not 0 <= parent_index < index:
                raise ValueError(f"comment {index} comes before its parent")
            parent = None if parent_index is None else nodes[parent_index]
            level = 0 if parent is None else parent["level"] + 1
            while open_nodes and open_nodes[-1]["level"] >= level:
                counter += 1
                open_nodes.pop()["rght"] = counter
            node = {**row, "id": ids[index], "article_id": article.pk}
            if parent is None:
                counter = 0
                node["tree_id"], node["parent_id"] = next(tree_ids), None
            elif not open_nodes or open_nodes[-1] is not parent:
                raise ValueError(f"comment {index} does not follow its parent in pre-order")
            else:
                node["tree_id"], node["parent_id"] = parent["tree_id"], parent["id"]
            counter += 1
            node["lft"], node["level"] = counter, level
            open_nodes.append(node)
            nodes.append(node)
        while open_nodes:
            counter += 1
            open_nodes.pop()["rght"] = counter
        _copy_comments(nodes)
        thread_changed(article.pk)
    return ids


def _copy_comments(nodes: list[dict]) -> None:
    fields = Comment._meta.concrete_fields
    # Columns a caller does not set (in any row, or in some rows only) get their model default,
    # computed once.
    given_everywhere = set.intersection(*(set(node) for node in nodes))
    defaults = {
        field.attname: field.get_db_prep_save(field.get_default(), connection)
        for field in fields
        if field.attname not in given_everywhere
    }
    statement = "COPY {} ({}) FROM STDIN".format(
        connection.ops.quote_name(Comment._meta.db_table),
        ", ".join(connection.ops.quote_name(field.column) for field in fields),
    )
    names = [field.attname for field in fields]
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for node in nodes:
            copy.write_row([node[name] if name in node else defaults[name] for name in names])


def _next_comment_ids(count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('articles_comment', 'id'))"
            " FROM generate_series(1, %s)",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]
