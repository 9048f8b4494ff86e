"""Read a Disqus XML export: ``<thread>`` elements become articles, ``<post>`` elements comments.

A Disqus export lists every thread first and then every post of the site, each post naming its
thread (``<thread dsq:id>``) and its parent (``<parent dsq:id>``) anywhere in the file. Posts are
read once, as a stream, and spooled to a temporary file grouped by thread; then each thread is
handed over with its posts. Memory holds one thread's posts and an offset per post, not the
file. Posts of a thread the file does not define are skipped and reported.

States: ``isSpam`` → removed, ``isDeleted`` → deleted, ``isApproved`` false → pending, otherwise
visible. Messages are HTML. The forum's own exports add elements in the ``FORUM_NS`` namespace
(slug, summary, topics, byline, comment titles and exact states) that Disqus does not have.
"""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import urlsplit

from articles.importers.htmltext import html_to_text
from articles.importers.records import (
    ImportReport,
    SourceArticle,
    SourceComment,
    parse_state,
    parse_timestamp,
)
from articles.importers.xmlstream import child_text, release, stream_elements

NS = "http://disqus.com"
DSQ_NS = "http://disqus.com/disqus-internals"
FORUM_NS = "urn:x-forum:archive:1"
SOURCE = "disqus"

_THREAD = f"{{{NS}}}thread"
_POST = f"{{{NS}}}post"
_DSQ_ID = f"{{{DSQ_NS}}}id"
_SLUG_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


def _tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def _forum(name: str) -> str:
    return f"{{{FORUM_NS}}}{name}"


def parse(stream: BinaryIO, report: ImportReport) -> Iterator[SourceArticle]:
    """Yield the threads of a Disqus export with their posts, one thread at a time."""
    threads: dict[str, SourceArticle] = {}
    offsets: dict[str, array] = {}  # thread id -> where its posts sit in the spool
    with tempfile.TemporaryFile(prefix="disqus-import-") as spool:
        for element in stream_elements(stream, (_THREAD, _POST)):
            parent = element.getparent()
            if parent is None or parent.getparent() is not None:
                continue  # a post's reference to its thread, read with the post
            if element.tag == _THREAD:
                article = _thread(element, report)
                if article.original_id in threads:
                    report.add(
                        "duplicate_id", article.line, article.label, "thread seen before: skipped"
                    )
                else:
                    threads[article.original_id] = article
            else:
                thread_id, comment = _post(element, report)
                offsets.setdefault(thread_id, array("q")).append(spool.tell())
                pickle.dump(comment, spool, protocol=pickle.HIGHEST_PROTOCOL)
            release(element)

        for thread_id, positions in offsets.items():
            if thread_id not in threads:
                for comment in _read(spool, positions):
                    where = f"thread {thread_id!r}" if thread_id else "no thread"
                    report.add("unknown_thread", comment.line, comment.label, f"{where}: skipped")
        for thread_id, article in threads.items():
            article.comments = list(_read(spool, offsets.pop(thread_id, ())))
            yield article


def _read(spool, positions) -> Iterator[SourceComment]:
    for position in positions:
        spool.seek(position)
        yield pickle.load(spool)  # noqa: S301 - our own spool, written above in this run


def _thread(element, report: ImportReport) -> SourceArticle:
    line = element.sourceline
    link = child_text(element, _tag("link")).strip()
    title = " ".join(child_text(element, _tag("title")).split()) or link or "(untitled)"
    original_id = element.get(_DSQ_ID, "").strip()
    article = SourceArticle(
        source=SOURCE,
        original_id=original_id,
        title=title,
        slug=child_text(element, _forum("slug")).strip() or _slug_from_link(link),
        summary=child_text(element, _forum("summary")),
        body=html_to_text(child_text(element, _tag("message"))),
        topics=[t.text or "" for t in element.iterfind(_forum("topic")) if (t.text or "").strip()],
        byline=child_text(element, _forum("byline")),
        source_name=child_text(element, _forum("sourceName")),
        source_url=link,
        comments_open=child_text(element, _tag("isClosed")).strip().lower() != "true",
        line=line,
    )
    if element.find(_forum("sourceUrl")) is not None:
        article.source_url = child_text(element, _forum("sourceUrl"))
    if not original_id:
        article.original_id = link or title
        report.add(
            "missing_id", line, f"thread {title!r}", "no dsq:id: the thread is known by its link"
        )
    created = child_text(element, _tag("createdAt"))
    article.published_at = parse_timestamp(created)
    if article.published_at is None:
        report.add("bad_date", line, article.label, f"time {created!r}: the import time is used")
    return article


def _post(element, report: ImportReport) -> tuple[str, SourceComment]:
    thread = element.find(_tag("thread"))
    parent = element.find(_tag("parent"))
    author = element.find(_tag("author"))
    name = username = ""
    if author is not None:
        name = " ".join(child_text(author, _tag("name")).split())
        username = child_text(author, _tag("username")).strip()
    comment = SourceComment(
        source=SOURCE,
        original_id=element.get(_DSQ_ID, "").strip(),
        author_name=name or username,
        created_at=None,
        state="visible",
        title=child_text(element, _forum("title")),
        body=child_text(element, _tag("message")),
        body_format="html",
        line=element.sourceline,
        parent_id=parent.get(_DSQ_ID, "").strip() if parent is not None else "",
    )
    created = child_text(element, _tag("createdAt"))
    comment.created_at = parse_timestamp(created)
    if comment.created_at is None:
        report.add("bad_date", comment.line, comment.label, f"time {created!r} unreadable")
    comment.state = _state(element, comment, report)
    return (thread.get(_DSQ_ID, "").strip() if thread is not None else ""), comment


def _state(element, comment: SourceComment, report: ImportReport) -> str:
    exact = element.find(_forum("state"))
    if exact is not None:
        return parse_state((exact.text or "").strip(), comment, report)
    if _flag(element, "isSpam"):
        return "removed"
    if _flag(element, "isDeleted"):
        return "deleted"
    if child_text(element, _tag("isApproved")).strip().lower() == "false":
        return "pending"
    return "visible"


def _flag(element, name: str) -> bool:
    return child_text(element, _tag(name)).strip().lower() == "true"


def _slug_from_link(link: str) -> str:
    """The last path segment of a thread's page, when it looks like a slug ("my-post")."""
    segments = [s for s in urlsplit(link).path.split("/") if s]
    if segments and set(segments[-1].lower()) <= _SLUG_CHARACTERS:
        return segments[-1].lower()
    return ""
