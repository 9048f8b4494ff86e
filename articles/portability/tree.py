"""Turn an article's comments, as an export lists them, into trees in pre-order.

Pure Python: no Django, no database. Exports link a reply to its parent by position or by id,
and real ones are messy: ids missing or repeated, parents missing, later in the file or looping
back. ``resolve_thread`` applies one stated policy to each case (see ``PROBLEM_KINDS``), notes
it in the report, and returns every comment once, parents before their replies, each with the
key that finds it again on the next import.
"""

from __future__ import annotations

import hashlib
from collections.abc import Container
from dataclasses import dataclass
from datetime import datetime

from articles.portability.records import ImportReport, SourceArticle, SourceComment

IMPORT_KEY_MAX_LENGTH = 200


@dataclass(slots=True)
class ResolvedComment:
    """A comment placed in its tree."""

    comment: SourceComment
    key: str  # "<source>:<original id>", or a derived one for comments without an id
    parent: int | None  # position of the parent in the resolved list
    existing_parent_key: str | None  # or the key of a parent stored by an earlier import
    depth: int  # below the top of its part of the file: 0 for a top-level comment
    created_at: datetime | None  # the comment's time, or its parent's/article's when unreadable


def comment_key(source: str, original_id: str) -> str:
    """The import key of a comment; very long ids are hashed to fit the column."""
    key = f"{source}:{original_id}"
    if len(key) > IMPORT_KEY_MAX_LENGTH:
        key = f"{source}:sha256-{hashlib.sha256(original_id.encode()).hexdigest()}"
    return key


def derived_key(source: str, parent_key: str, comment: SourceComment, seen: dict[str, int]) -> str:
    """A key for a comment without an id: its parent's key, title, body and author.

    Identical siblings are told apart by a counter. For the plain-text format this is the key
    the first importer already stored, so old imports are recognised.
    """
    content = "\x1f".join([parent_key, comment.title, comment.body, comment.author_name])
    digest = hashlib.sha256(content.encode()).hexdigest()[:32]
    seen[digest] = seen.get(digest, 0) + 1
    return f"{source}:{digest}:{seen[digest]}"


def resolve_thread(
    article: SourceArticle, *, existing_keys: Container[str], report: ImportReport
) -> list[ResolvedComment]:
    """Every comment of ``article`` once, in pre-order, with the policy applied to each oddity.

    ``existing_keys`` are the keys already stored for this article: a reply whose parent is not
    in the file but was imported before goes under that parent.
    """
    comments = article.comments
    kept, by_key, alias = _deduplicate(article, report)
    parents, external = _link_parents(comments, kept, by_key, alias, existing_keys, report)
    children: dict[int, list[int]] = {}
    for index in kept:
        if parents[index] is not None:
            children.setdefault(parents[index], []).append(index)

    order: list[tuple[int, int]] = []  # (index, depth)
    visited: set[int] = set()
    for index in kept:
        if parents[index] is None and index not in visited:
            _walk(index, children, visited, order)
    for index in kept:
        if index not in visited:
            root = _break_cycle(index, parents)
            parents[root] = None
            report.add("cycle", comments[root].line, comments[root].label)
            _walk(root, children, visited, order)
    return _assign_keys(article, order, parents, external)


def _deduplicate(article, report):
    kept: list[int] = []
    by_key: dict[str, int] = {}
    alias: dict[int, int] = {}  # a dropped duplicate -> the comment kept under that id
    for index, comment in enumerate(article.comments):
        if comment.original_id:
            key = comment_key(comment.source, comment.original_id)
            if key in by_key:
                alias[index] = by_key[key]
                report.add("duplicate_id", comment.line, comment.label)
                continue
            by_key[key] = index
        elif article.comment_ids_expected:
            report.add("missing_id", comment.line, comment.label)
        kept.append(index)
    return kept, by_key, alias


def _link_parents(comments, kept, by_key, alias, existing_keys, report):
    parents: dict[int, int | None] = {}
    external: dict[int, str] = {}
    for index in kept:
        comment = comments[index]
        parent = None
        if comment.parent_index is not None:
            parent = alias.get(comment.parent_index, comment.parent_index)
        elif comment.parent_id:
            key = comment_key(comment.source, comment.parent_id)
            if key in by_key:
                parent = by_key[key]
            elif key in existing_keys:
                external[index] = key
            else:
                report.add("orphan_reply", comment.line, comment.label)
        if parent is not None and parent > index:
            report.add("parent_after_reply", comment.line, comment.label)
        parents[index] = parent
    return parents, external


def _walk(root: int, children, visited: set[int], order: list[tuple[int, int]]) -> None:
    stack = [(root, 0)]
    while stack:
        index, depth = stack.pop()
        visited.add(index)
        order.append((index, depth))
        stack.extend(
            (child, depth + 1)
            for child in reversed(children.get(index, ()))
            if child not in visited
        )


def _break_cycle(start: int, parents) -> int:
    """The comment to lift to the top level: the earliest in the file of the loop above start."""
    path: list[int] = []
    on_path: set[int] = set()
    current = start
    while current not in on_path:
        path.append(current)
        on_path.add(current)
        current = parents[current]
    return min(path[path.index(current) :])


def _assign_keys(article, order, parents, external) -> list[ResolvedComment]:
    position = {index: pos for pos, (index, _) in enumerate(order)}
    resolved: list[ResolvedComment] = []
    seen: dict[str, int] = {}
    for index, depth in order:
        comment = article.comments[index]
        parent_pos = position[parents[index]] if parents[index] is not None else None
        parent_key = resolved[parent_pos].key if parent_pos is not None else external.get(index)
        if comment.original_id:
            key = comment_key(comment.source, comment.original_id)
        else:
            key = derived_key(comment.source, parent_key or "", comment, seen)
        created_at = comment.created_at
        if created_at is None:
            created_at = (
                resolved[parent_pos].created_at if parent_pos is not None else article.published_at
            )
        resolved.append(
            ResolvedComment(
                comment=comment,
                key=key,
                parent=parent_pos,
                existing_parent_key=external.get(index) if parent_pos is None else None,
                depth=depth,
                created_at=created_at,
            )
        )
    return resolved
