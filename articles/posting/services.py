"""Writes by authors: posting a comment or a reply, editing and deleting one's own, and the bulk
insert that imports and the benchmark use; and the word lists posting is checked against.

Each function is keyword-only, runs in one transaction, and raises ``ValidationError`` with a
message a person can act on.
"""

import uuid
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.utils import timezone

from articles.models import Article, AuditLogEntry, Comment, CommentRevision, WordList
from articles.models.moderation import entries_of
from articles.notifications.hooks import comment_shown
from articles.permissions import can_delete_comment, ensure_comment_author
from articles.posting import antiabuse, insert, text_policy, wordlists, wordmatch
from articles.posting.markdown import render_markdown
from articles.posting.selectors import comment_edit_refusal
from articles.threads.cache import thread_changed
from articles.threads.viewer import Viewer


class CommentText(NamedTuple):
    """A comment's text as it is stored, and as the word lists see it."""

    title: str
    body: str
    body_html: str
    folded: str  # wordmatch.reader_text: what a reader sees, in the lists' form


def prepare_comment_text(*, title: str, body: str) -> CommentText:
    """Title and body under the text policy (text_policy), rendered, or ValidationError naming
    what is wrong (posting and editing)."""
    if title.strip() and text_policy.is_blank(title):
        raise ValidationError({"title": "This title shows nothing: write one, or leave it empty."})
    title = text_policy.clean_line(title)
    body = text_policy.clean_body(body).strip()
    if text_policy.is_blank(body):
        raise ValidationError({"body": "Write something before posting."})
    if len(body) > settings.COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"body": f"Comments are limited to {settings.COMMENT_MAX_LENGTH:,} characters."}
        )
    if len(title) > settings.COMMENT_TITLE_MAX_LENGTH:
        raise ValidationError(
            {"title": f"Titles are limited to {settings.COMMENT_TITLE_MAX_LENGTH} characters."}
        )
    body_html = render_markdown(body)
    shown = wordmatch.visible_text(body_html)
    if text_policy.is_blank(shown):
        raise ValidationError({"body": "This comment would show nothing: write some text."})
    return CommentText(title, body, body_html, wordmatch.fold(f"{title}\n{shown}"))


def preview_html(body: str) -> str:
    """``body`` rendered as posting would store it (under the text policy, sanitised); nothing
    is checked against the word lists and nothing is stored."""
    return render_markdown(text_policy.clean_body(body).strip())


def comment_post(
    *,
    article: Article,
    parent: Comment | None,
    author,
    body: str,
    title: str = "",
    landing: tuple[str, Viewer] | None = None,
) -> Comment:
    """Post a top-level comment on ``article``, or a reply to ``parent`` at any depth.

    Refused for a suspended or banned author, a blocked word, or the same text twice in a short
    time; held as pending (and logged) for a watched word or a new account's first comments.
    ``landing`` (order, reader): the page to land on, its thread's place counted as it is
    stored (the comment's ``threads_before``, for threads.selectors.comment_thread_url).
    """
    text = prepare_comment_text(title=title, body=body)
    if parent is not None and parent.article_id != article.pk:
        raise ValidationError("You can only reply to a comment on the same article.")

    # No transaction.atomic: the call is one statement, its own transaction, and its locks are
    # held until it ends (posting/insert.py). The after-commit work (thread_changed,
    # comment_shown) then runs at once, the post being committed.
    while True:
        posted = insert.comment_insert(
            article_id=article.pk,
            parent_id=parent.pk if parent else None,
            author_id=author.pk,
            title=text.title,
            body=text.body,
            body_html=text.body_html,
            folded=text.folded,
            landing=landing,
        )
        if posted.refusal != "sanctioned":
            break
        # Reads the sanction, to say why and until when; lifted in the meantime: try again.
        antiabuse.ensure_may_write(author)
    _refuse(posted)
    comment = Comment(
        pk=posted.comment_id,
        article=article,
        parent=parent,
        author=author,
        title=text.title,
        body=text.body,
        body_html=text.body_html,
        state=posted.state,
        created_at=posted.created_at,
        tree_id=posted.tree_id,
        lft=posted.lft,
        rght=posted.lft + 1,
        level=posted.level,
    )
    comment._state.adding, comment._state.db = False, DEFAULT_DB_ALIAS  # as if read back
    comment.threads_before = posted.threads_before
    if parent is not None:
        parent.rght = comment.rght + 1  # as stored now, as mptt's own insert would leave it
    thread_changed(article.pk)
    if comment.is_visible:
        comment_shown(comment_id=comment.pk)  # a failure to queue is logged, never raised
    return comment


def _refuse(posted: insert.Posted) -> None:
    # The message for each refusal of posting/insert.py.
    if posted.refusal == "closed":
        raise ValidationError("Comments on this article are closed.")
    if posted.refusal == "unverified":
        raise antiabuse.unverified_error()
    if posted.refusal == "parent_hidden":
        raise ValidationError("You can only reply to a comment that is shown.")
    if posted.refusal == "duplicate":
        raise antiabuse.duplicate_error()
    if posted.refusal == "blocked":
        raise antiabuse.blocked_word_error(posted.blocked_word)


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
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Comment._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _locked(comment: Comment) -> Comment:
    # A fresh copy, its row locked until the transaction ends: an edit and a moderator's
    # decision on the same comment are applied one after the other, each seeing the other's.
    return Comment.objects.select_for_update().get(pk=comment.pk)


def comment_edit(*, comment: Comment, editor, title: str, body: str) -> Comment:
    """Change one's own comment within ``COMMENT_EDIT_WINDOW_MINUTES`` of posting it.

    The previous text is kept as a CommentRevision for moderators; a watched word sends the
    comment back for review.
    """
    ensure_comment_author(editor, comment)
    text = prepare_comment_text(title=title, body=body)
    lists = wordlists.current_word_lists()
    antiabuse.ensure_no_blocked_word(text.folded, lists.blocked)
    with transaction.atomic():
        current = _locked(comment)
        refusal = comment_edit_refusal(current, editor)
        if refusal:
            raise ValidationError(refusal)
        if (text.title, text.body) == (current.title, current.body):
            return current
        _save_edit(current, editor=editor, text=text, watched=lists.watched)
        thread_changed(current.article_id)
    return current


def _save_edit(current: Comment, *, editor, text: CommentText, watched) -> None:
    CommentRevision.objects.create(
        comment=current,
        title=current.title,
        body=current.body,
        body_html=current.body_html,
        written_at=current.edited_at or current.created_at,
    )
    hold = antiabuse.watched_word_reason(text.folded, watched)
    current.title, current.body, current.body_html = text.title, text.body, text.body_html
    current.edited_at = timezone.now()
    if hold and current.is_visible:
        current.state = Comment.State.PENDING
        AuditLogEntry.objects.create(
            action=AuditLogEntry.Action.HOLD,
            reason=hold,
            comment=current,
            article_id=current.article_id,
            target_user=editor,
        )
    Comment.objects.filter(pk=current.pk).update(
        title=current.title,
        body=current.body,
        body_html=current.body_html,
        edited_at=current.edited_at,
        state=current.state,
    )


def comment_delete(*, comment: Comment, user) -> Comment:
    """Delete one's own comment: it keeps its place (a tombstone while it has replies)."""
    ensure_comment_author(user, comment)
    with transaction.atomic():
        current = _locked(comment)
        if not can_delete_comment(current.state, own=True):
            raise ValidationError("This comment is already deleted or under moderation.")
        Comment.objects.filter(pk=current.pk).update(state=Comment.State.DELETED)
        AuditLogEntry.objects.create(
            actor=user,
            action=AuditLogEntry.Action.DELETE,
            comment=current,
            article_id=current.article_id,
            target_user=user,
            details={"from": current.state, "to": Comment.State.DELETED},
        )
        thread_changed(current.article_id)
    comment.state = Comment.State.DELETED
    return comment


def word_list_update(*, word_list: WordList, words: str, moderator) -> WordList:
    """A moderator replaces a word list's words (one per line); logged with what was added and
    removed. Its new version makes every process read the list again at its next post."""
    entries = entries_of(words)
    with transaction.atomic():
        current = WordList.objects.select_for_update().get(pk=word_list.pk)
        before = set(current.entries)
        current.words = "\n".join(entries)
        current.version = uuid.uuid4()
        current.updated_at, current.updated_by = timezone.now(), moderator
        current.save()
        AuditLogEntry.objects.create(
            actor=moderator,
            action=AuditLogEntry.Action.WORD_LIST,
            details={
                "list": current.kind,
                "added": sorted(set(entries) - before),
                "removed": sorted(before - set(entries)),
            },
        )
    return current
