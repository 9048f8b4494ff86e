"""Read and write Disqus XML exports: ``<thread>`` elements are articles, ``<post>`` comments.

A Disqus export lists every thread first and then every post of the site, each post naming its
thread (``<thread dsq:id>``) and its parent (``<parent dsq:id>``) anywhere in the file. Posts are
read once, as a stream, and spooled to a temporary file grouped by thread; then each thread is
handed over with its posts. Memory holds one thread's posts and an offset per post, not the
file. Posts of a thread the file does not define are skipped and reported.

States: ``isSpam`` → removed, ``isDeleted`` → deleted, ``isApproved`` false → pending, otherwise
visible. Messages are HTML. The forum's own exports add elements in the ``FORUM_NS`` namespace
(slug, summary, topics, byline, comment titles and exact states) that Disqus does not have.

``write`` lays out a forum's articles the same way: every thread first, then every post.
"""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import fields
from typing import BinaryIO
from urllib.parse import urlsplit

from lxml import etree

from articles.models import Article, Comment
from articles.portability.htmltext import html_to_text
from articles.portability.identity import ArticleThread, comment_ids, page_url
from articles.portability.records import (
    ImportReport,
    SourceArticle,
    SourceComment,
    format_optional_timestamp,
    format_timestamp,
    parse_state,
    parse_timestamp,
)
from articles.portability.xmlstream import (
    XmlWriter,
    child_text,
    release,
    stream_elements,
    xml_bool,
)
from articles.posting.markdown import render_plain_text

NS = "http://disqus.com"
DSQ_NS = "http://disqus.com/disqus-internals"
FORUM_NS = "urn:x-forum:archive:1"
SOURCE = "disqus"

_THREAD = f"{{{NS}}}thread"
_POST = f"{{{NS}}}post"
_DSQ_ID = f"{{{DSQ_NS}}}id"
_COMMENT_FIELDS = tuple(field.name for field in fields(SourceComment))
_SLUG_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


def _tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def _forum(name: str) -> str:
    return f"{{{FORUM_NS}}}{name}"


_AUTHOR, _NAME, _USERNAME = _tag("author"), _tag("name"), _tag("username")
_MESSAGE, _CREATED_AT = _tag("message"), _tag("createdAt")
_PARENT_REF, _THREAD_REF = _tag("parent"), _tag("thread")
_IS_SPAM, _IS_DELETED, _IS_APPROVED = _tag("isSpam"), _tag("isDeleted"), _tag("isApproved")
_FORUM_TITLE, _FORUM_STATE = _forum("title"), _forum("state")
_LIKES, _DISLIKES = _tag("likes"), _tag("dislikes")


def parse(stream: BinaryIO, report: ImportReport) -> Iterator[SourceArticle]:
    """Yield the threads of a Disqus export with their posts, one thread at a time."""
    threads: dict[str, SourceArticle] = {}
    spool = _Spool()
    with spool:
        for element in stream_elements(
            stream, (_THREAD, _POST), root="disqus", kind="a Disqus export"
        ):
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
                spool.add(*_post(element, report))
            release(element)

        for thread_id in spool.threads():
            if thread_id not in threads:
                where = f"thread {thread_id!r}" if thread_id else "no thread"
                for comment in spool.posts(thread_id):
                    report.add("unknown_thread", comment.line, comment.label, f"{where}: skipped")
        for thread_id, article in threads.items():
            article.comments = list(spool.posts(thread_id))
            yield article


class _Spool:
    """Posts parked on disk by thread, so memory holds one thread's posts, not the file.

    Posts are pickled in chunks (a chunk per thread each time the buffer fills): one pickle per
    post costs several times more.
    """

    BUFFER = 5_000

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="disqus-import-")  # noqa: SIM115 - see __exit__
        self._buffer: dict[str, list[tuple]] = {}
        self._buffered = 0
        self._chunks: dict[str, array] = {}  # thread id -> offsets of its chunks, in file order

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self._file.close()

    def add(self, thread_id: str, comment: SourceComment) -> None:
        row = tuple(getattr(comment, name) for name in _COMMENT_FIELDS)
        self._buffer.setdefault(thread_id, []).append(row)
        self._buffered += 1
        if self._buffered >= self.BUFFER:
            self._flush()

    def threads(self) -> list[str]:
        self._flush()
        return list(self._chunks)

    def posts(self, thread_id: str) -> Iterator[SourceComment]:
        for offset in self._chunks.get(thread_id, ()):
            self._file.seek(offset)
            for row in pickle.load(self._file):  # noqa: S301 - our own spool, from this run
                yield SourceComment(*row)

    def _flush(self) -> None:
        self._file.seek(0, 2)
        for thread_id, rows in self._buffer.items():
            self._chunks.setdefault(thread_id, array("q")).append(self._file.tell())
            pickle.dump(rows, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._buffer.clear()
        self._buffered = 0


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
        report.add("bad_date", line, article.label, f"time {created!r}: shown without a date")
    return article


def _post(element, report: ImportReport) -> tuple[str, SourceComment]:
    # One pass over the children: the hot path of a large import (findtext searches each time).
    fields: dict[str, etree._Element] = {child.tag: child for child in element}
    name = username = ""
    author = fields.get(_AUTHOR)
    if author is not None:
        for child in author:
            if child.tag == _NAME:
                name = " ".join((child.text or "").split())
            elif child.tag == _USERNAME:
                username = (child.text or "").strip()
    comment = SourceComment(
        source=SOURCE,
        original_id=element.get(_DSQ_ID, "").strip(),
        author_name=name or username,
        created_at=None,
        state="visible",
        title=_text(fields, _FORUM_TITLE),
        body=_text(fields, _MESSAGE),
        body_format="html",
        line=element.sourceline,
        parent_id=_reference(fields, _PARENT_REF),
    )
    created = _text(fields, _CREATED_AT)
    comment.created_at = parse_timestamp(created)
    if comment.created_at is None:
        report.add("bad_date", comment.line, comment.label, f"time {created!r} unreadable")
    comment.state = _state(fields, comment, report)
    comment.upvotes, comment.downvotes = _votes(fields, _LIKES), _votes(fields, _DISLIKES)
    return _reference(fields, _THREAD_REF), comment


def _text(fields: dict, tag: str) -> str:
    element = fields.get(tag)
    return "" if element is None else (element.text or "").replace("\x00", "")


def _votes(fields: dict, tag: str) -> int:
    # Likes and dislikes where the export has them; anything but a count is no votes.
    text = _text(fields, tag).strip()
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _reference(fields: dict, tag: str) -> str:
    element = fields.get(tag)
    return "" if element is None else element.get(_DSQ_ID, "").strip()


def _state(fields: dict, comment: SourceComment, report: ImportReport) -> str:
    exact = fields.get(_FORUM_STATE)
    if exact is not None:
        return parse_state((exact.text or "").strip(), comment, report)
    if _flag(fields, _IS_SPAM):
        return "removed"
    if _flag(fields, _IS_DELETED):
        return "deleted"
    if _text(fields, _IS_APPROVED).strip().lower() == "false":
        return "pending"
    return "visible"


def _flag(fields: dict, tag: str) -> bool:
    return _text(fields, tag).strip().lower() == "true"


def _slug_from_link(link: str) -> str:
    """The last path segment of a thread's page, when it looks like a slug ("my-post")."""
    segments = [s for s in urlsplit(link).path.split("/") if s]
    if segments and set(segments[-1].lower()) <= _SLUG_CHARACTERS:
        return segments[-1].lower()
    return ""


# --- writing ------------------------------------------------------------------------------------


def write(articles: Iterable[Article], threads: Iterable[ArticleThread], out) -> None:
    """A Disqus export: every thread first, then every post, as Disqus lays them out."""
    nsmap = {None: NS, "dsq": DSQ_NS, "forum": FORUM_NS}
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        w = XmlWriter(xf)
        with w.element(_tag("disqus"), nsmap=nsmap):
            for article in articles:
                _write_thread(w, article)
            for article, comments in threads:
                thread_id = _thread_id(article)
                ids = comment_ids(comments, SOURCE)
                for comment in comments:
                    _write_post(w, comment, thread_id, ids)


def _write_thread(w: XmlWriter, article: Article) -> None:
    with w.element(_THREAD, {_DSQ_ID: _thread_id(article)}):
        w.leaf(_tag("id"), article.slug)
        w.leaf(_tag("link"), article.source_url or page_url(article))
        w.leaf(_tag("title"), article.title)
        w.leaf(_MESSAGE, render_plain_text(article.body))
        # An undated article stays undated: an empty createdAt reads back as no date.
        w.leaf(_CREATED_AT, format_optional_timestamp(article.published_at))
        w.leaf(_tag("isClosed"), xml_bool(not article.comments_open))
        w.leaf(_IS_DELETED, "false")
        w.leaf(_forum("slug"), article.slug)
        w.leaf(_forum("summary"), article.summary)
        for topic in article.topic_names:
            w.leaf(_forum("topic"), topic)
        w.leaf(_forum("byline"), article.byline)
        w.leaf(_forum("sourceName"), article.source_name)
        w.leaf(_forum("sourceUrl"), article.source_url)


def _write_post(w: XmlWriter, comment: Comment, thread_id: str, ids: dict[int, str]) -> None:
    state = comment.state
    with w.element(_POST, {_DSQ_ID: ids[comment.pk]}):
        w.leaf(_tag("id"))
        w.leaf(_MESSAGE, comment.body_html)
        w.leaf(_CREATED_AT, format_timestamp(comment.created_at))
        w.leaf(_IS_DELETED, xml_bool(state == Comment.State.DELETED))
        w.leaf(_IS_SPAM, xml_bool(state == Comment.State.REMOVED))
        if state in (Comment.State.PENDING, Comment.State.HIDDEN):
            w.leaf(_IS_APPROVED, "false")
        with w.element(_AUTHOR):
            w.leaf(_NAME, comment.display_author)
            w.leaf(_tag("isAnonymous"), xml_bool(not comment.author_id))
            if comment.author_id:
                w.leaf(_USERNAME, comment.author.get_username())
        w.leaf(_THREAD_REF, attrib={_DSQ_ID: thread_id})
        if comment.parent_id:
            w.leaf(_PARENT_REF, attrib={_DSQ_ID: ids[comment.parent_id]})
        if comment.title:
            w.leaf(_FORUM_TITLE, comment.title)
        w.leaf(_FORUM_STATE, state)
        w.leaf(_LIKES, str(comment.upvotes))
        w.leaf(_DISLIKES, str(comment.downvotes))


def _thread_id(article: Article) -> str:
    if article.import_source == SOURCE and article.import_id:
        return article.import_id
    return f"forum-{article.pk}"
