"""Read and write the forum's own JSON archive format, one article at a time.

The format (documented with an example in the README)::

    {"format": "forum-archive", "version": 1,
     "articles": [{"source": "json", "id": "...", "title": "...", ...,
                   "comments": [{"id": "...", "author": "...", "body": "...", ...,
                                 "replies": [...]}]}]}

The file is read as a stream (``jsonstream``), one element of ``articles`` at a time, so memory
holds one article's thread, not the whole file; it is written the same way, one article at a
time. Comments nest as replies, so a thread deeper than ``NESTED_JSON_MAX_DEPTH`` levels is
refused on the way out: the flat formats (Disqus, WXR) carry any depth.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from articles.models import Article, Comment
from articles.portability.identity import (
    ArticleThread,
    article_identity,
    comment_identity,
    own_id,
)
from articles.portability.jsonstream import StreamReader
from articles.portability.records import (
    BODY_FORMATS,
    OWN_SOURCE,
    SOURCE_PATTERN,
    ImportFormatError,
    ImportReport,
    SourceArticle,
    SourceComment,
    format_optional_timestamp,
    format_timestamp,
    parse_state,
    parse_timestamp,
)

FORMAT_NAME = "forum-archive"
FORMAT_VERSION = 1
DEFAULT_SOURCE = "json"
# Nested JSON holds a reply chain as nested objects, and JSON encoders and decoders (Python's
# among them) recurse once per level: how deep they get depends on the version (about 745
# levels on Python 3.12, thousands on 3.13) and on the stack already in use. A fixed limit well
# below the lowest of them gives the same answer everywhere, before anything is written.
NESTED_JSON_MAX_DEPTH = 500
_END = object()
# JSON can escape half of a UTF-16 pair ("\ud800") on its own: not a character, and not
# storable (UTF-8 has no form for it).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def parse(stream: BinaryIO, report: ImportReport) -> Iterator[SourceArticle]:
    """Yield the articles of a JSON archive read from a binary stream."""
    reader = StreamReader(stream)
    header: dict = {}
    for value, line in reader.articles(header):
        yield _article(value, line, report)
    if header.get("format") != FORMAT_NAME:
        raise ImportFormatError(1, f'not a forum archive: "format" must be "{FORMAT_NAME}"')
    if header.get("version") != FORMAT_VERSION:
        raise ImportFormatError(
            1, f"unsupported archive version {header.get('version')!r} (expected 1)"
        )


def _text(data: dict, key: str, line: int, *, default: str = "") -> str:
    value = data.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ImportFormatError(line, f'"{key}" must be a string, found {type(value).__name__}')
    return _clean(str(value), key, line)


def _clean(value: str, key: str, line: int) -> str:
    """A string of the file as stored: NUL characters, which PostgreSQL cannot store, dropped."""
    if _LONE_SURROGATE.search(value):
        raise ImportFormatError(
            line, f'"{key}" holds a lone UTF-16 surrogate (like \\ud800), which is no character'
        )
    return value.replace("\x00", "")


def _source(data: dict, line: int, default: str) -> str:
    source = _text(data, "source", line, default=default)
    if not SOURCE_PATTERN.fullmatch(source):
        raise ImportFormatError(
            line, f'"source" must be a short lower-case name like "disqus", found {source!r}'
        )
    return source


def _article(data: object, line: int, report: ImportReport) -> SourceArticle:
    if not isinstance(data, dict):
        raise ImportFormatError(line, "each article must be a JSON object")
    title = _text(data, "title", line).strip()
    if not title:
        raise ImportFormatError(line, 'an article needs a non-empty "title"')
    topics = data.get("topics", [])
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise ImportFormatError(line, '"topics" must be a list of strings')
    topics = [_clean(topic, "topics", line) for topic in topics]
    comments_open = data.get("comments_open", True)
    if not isinstance(comments_open, bool):
        raise ImportFormatError(line, '"comments_open" must be true or false')
    article = SourceArticle(
        source=_source(data, line, DEFAULT_SOURCE),
        original_id=_text(data, "id", line),
        title=title,
        slug=_text(data, "slug", line),
        summary=_text(data, "summary", line),
        body=_text(data, "body", line),
        topics=topics,
        byline=_text(data, "byline", line),
        source_name=_text(data, "source_name", line),
        source_url=_text(data, "url", line),
        comments_open=comments_open,
        line=line,
    )
    published = _text(data, "published_at", line)
    article.published_at = parse_timestamp(published)
    if published and article.published_at is None:
        report.add(
            "bad_date", line, article.label, f"unreadable time {published!r}: shown without a date"
        )
    article.comments = _flatten(data.get("comments", []), article, line, report)
    return article


def _flatten(comments: object, article: SourceArticle, line: int, report) -> list[SourceComment]:
    """The nested comments as a flat list in document order, each knowing its parent's place.

    Each comment is reported at its own line; what is not even an object, at the line of the
    comment (or article) holding it.
    """
    flat: list[SourceComment] = []
    # (comments still to read, their parent's position, the parent's line), innermost last
    stack = [(iter(_list(comments, line)), None, line)]
    while stack:
        items, parent_index, parent_line = stack[-1]
        item = next(items, _END)
        if item is _END:
            stack.pop()
            continue
        item_line = getattr(item, "line", parent_line)
        flat.append(_comment(item, article, item_line, report, parent_index))
        if isinstance(item, dict) and item.get("replies"):
            stack.append((iter(_list(item["replies"], item_line)), len(flat) - 1, item_line))
    return flat


def _list(value: object, line: int) -> list:
    if not isinstance(value, list):
        raise ImportFormatError(line, '"comments" and "replies" must be lists')
    return value


def _comment(data: object, article: SourceArticle, line: int, report, parent_index):
    if not isinstance(data, dict):
        raise ImportFormatError(line, "each comment must be a JSON object")
    body_format = _text(data, "format", line, default="markdown")
    if body_format not in BODY_FORMATS:
        raise ImportFormatError(
            line,
            f'comment "format" must be one of {", ".join(BODY_FORMATS)}, found {body_format!r}',
        )
    comment = SourceComment(
        source=_source(data, line, article.source),
        original_id=_text(data, "id", line),
        author_name=_text(data, "author", line),
        created_at=None,
        state="visible",
        title=_text(data, "title", line),
        body=_text(data, "body", line),
        body_format=body_format,
        line=line,
        parent_index=parent_index,
    )
    created = _text(data, "created_at", line)
    comment.created_at = parse_timestamp(created)
    if comment.created_at is None:
        report.add("bad_date", line, comment.label, f"time {created!r} unreadable or missing")
    comment.state = parse_state(_text(data, "state", line, default="visible"), comment, report)
    comment.upvotes, comment.downvotes = (
        _count(data, "upvotes", line),
        _count(data, "downvotes", line),
    )
    return comment


def _count(data: dict, key: str, line: int) -> int:
    value = data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise ImportFormatError(line, f'"{key}" must be a whole number of votes, found {value!r}')
    return value


# --- writing ------------------------------------------------------------------------------------


class ThreadTooDeep(ValueError):
    """A thread nests replies deeper than the JSON archive carries."""


def check_nesting(deepest_level: int | None) -> None:
    """Refuse (``ThreadTooDeep``) a thread whose deepest comment is at ``deepest_level``.

    Levels count from 0 (a top-level comment), so a thread is ``deepest_level + 1`` deep;
    ``None`` is a thread without comments.
    """
    if deepest_level is not None and deepest_level >= NESTED_JSON_MAX_DEPTH:
        raise ThreadTooDeep(
            f"a thread is nested {deepest_level + 1} levels deep, too deeply for nested JSON "
            f"(at most {NESTED_JSON_MAX_DEPTH} levels)"
        )


def archive_header() -> dict:
    """The archive's format and version, which every JSON archive starts with."""
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION}


def write(threads: Iterable[ArticleThread], out: BinaryIO) -> None:
    """The JSON archive, one article at a time (the "articles" list comes last)."""
    header = json.dumps(archive_header(), ensure_ascii=False)[:-1]
    out.write(f'{header}, "articles": [\n'.encode())
    for number, (article, comments) in enumerate(threads):
        if number:
            out.write(b",\n")
        out.write(json.dumps(article_document(article, comments), ensure_ascii=False).encode())
    out.write(b"\n]}\n")


def article_document(article: Article, comments: list[Comment], *, public: bool = False) -> dict:
    """One article of the JSON archive, with its comments nested as replies.

    ``public`` leaves out the title, text and author of comments readers cannot see (pending,
    hidden, removed, deleted), keeping their place in the tree. A thread deeper than
    ``NESTED_JSON_MAX_DEPTH`` raises ``ThreadTooDeep``.
    """
    check_nesting(max((comment.level for comment in comments), default=None))
    source, original_id = article_identity(article)
    document = {
        "source": source,
        "id": original_id,
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "topics": list(article.topic_names),
        "byline": article.byline,
        "source_name": article.source_name,
        "url": article.source_url,
        "published_at": format_optional_timestamp(article.published_at),
        "comments_open": article.comments_open,
        "comments": [],
    }
    identities = _comment_identities(comments)
    open_lists = [document["comments"]]  # open_lists[level] receives comments of that level
    for comment in comments:
        del open_lists[comment.level + 1 :]
        node = _comment_document(comment, identities[comment.pk], public=public)
        open_lists[comment.level].append(node)
        open_lists.append(node["replies"])
    return document


def _comment_document(comment: Comment, identity: tuple[str, str], *, public: bool) -> dict:
    source, original_id = identity
    shown = not public or comment.state == Comment.State.VISIBLE
    return {
        "source": source,
        "id": original_id,
        "author": comment.display_author if shown else "",
        "created_at": format_timestamp(comment.created_at),
        "state": comment.state,
        "title": comment.title if shown else "",
        "body": comment.body if shown else "",
        "format": comment.body_format,
        "html": comment.body_html if shown else "",
        "upvotes": comment.upvotes,
        "downvotes": comment.downvotes,
        "replies": [],
    }


def _comment_identities(comments: list[Comment]) -> dict[int, tuple[str, str]]:
    """pk → (source, id) for the JSON archive: each comment keeps its own source and id.

    A comment imported from another forum's archive is already "forum:<N>", so a comment
    posted here gets the prefixed form of its pk whenever the plain one is taken: ids must stay
    unique per article, or a re-import drops one of the two as a duplicate.
    """
    imported = {comment.pk: comment_identity(comment) for comment in comments if comment.import_key}
    taken = {original_id for source, original_id in imported.values() if source == OWN_SOURCE}
    return {
        comment.pk: imported.get(comment.pk) or (OWN_SOURCE, own_id(comment.pk, taken))
        for comment in comments
    }
