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


def lock_for_posting(*, author_id: int, tree_id: int | None) -> None:
    """Serialise one author's posts, and writers to the thread replied to (``tree_id``, None
    for a new thread), until the transaction ends; one statement, as posting is a hot path.

    The author's lock makes two identical posts sent at once both meet the duplicate check, and
    a new account's count of comments exact. It is always taken first: no deadlock.
    """
    with connection.cursor() as cursor:
        if tree_id is None:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [_AUTHOR_LOCK_NAMESPACE, author_id]
            )
        else:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s), pg_advisory_xact_lock(%s, %s)",
                [_AUTHOR_LOCK_NAMESPACE, author_id, _TREE_LOCK_NAMESPACE, tree_id],
            )


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
    body_html = render_markdown(body)

    with transaction.atomic():
        lock_for_posting(author_id=author.pk, tree_id=parent.tree_id if parent else None)
        # After the locks, so a thread locked, a parent hidden (under the thread's lock) or a
        # duplicate posted a moment ago is seen.
        checks = antiabuse.posting_checks(
            article_id=article.pk,
            parent_id=parent.pk if parent else None,
            author_id=author.pk,
            body=body,
        )
        if not checks.comments_open:
            raise ValidationError("Comments on this article are closed.")
        if parent is not None and not checks.parent_shown:
            raise ValidationError("You can only reply to a comment that is shown.")
        if checks.sanctioned:
            antiabuse.ensure_may_write(author)  # reads the sanction, to say why and until when
        if checks.duplicate:
            raise antiabuse.duplicate_error()
        hold_reason = antiabuse.hold_reason(
            text=f"{title}\n{body}", earlier_comments=checks.earlier_comments
        )
        comment = Comment(
            article=article,
            parent=parent,
            author=author,
            title=title,
            body=body,
            body_html=body_html,
            state=Comment.State.PENDING if hold_reason else Comment.State.VISIBLE,
        )
        if parent is None:
            Comment.objects.insert_root(comment)
        else:
            Comment.objects.insert_reply(comment, parent)
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
