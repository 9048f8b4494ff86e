"""Read the forum's own JSON archive format, one article at a time.

The format (documented with an example in the README)::

    {"format": "forum-archive", "version": 1,
     "articles": [{"source": "json", "id": "...", "title": "...", ...,
                   "comments": [{"id": "...", "author": "...", "body": "...", ...,
                                 "replies": [...]}]}]}

The file is read as a stream, one element of ``articles`` at a time, so memory holds one
article's thread, not the whole file. The structure of an article down to its comments and
their replies is walked here, so that each comment knows its own line (for the report); every
other value is decoded whole by the standard library's scanner (which, unlike the streaming
JSON libraries, says on which line and column a file goes wrong).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import BinaryIO

from articles.importers.records import (
    BODY_FORMATS,
    SOURCE_PATTERN,
    ImportFormatError,
    ImportReport,
    SourceArticle,
    SourceComment,
    parse_state,
    parse_timestamp,
)

FORMAT_NAME = "forum-archive"
FORMAT_VERSION = 1
DEFAULT_SOURCE = "json"
_CHUNK = 1 << 20
_WHITESPACE = re.compile("[ \t\n\r]*")
_WHITESPACE_CHARS = " \t\n\r"
_PLAIN_KEY = re.compile(r'[ \t\n\r]*"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')
_END = object()
# JSON can escape half of a UTF-16 pair ("\ud800") on its own: not a character, and not
# storable (UTF-8 has no form for it).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def parse(stream: BinaryIO, report: ImportReport) -> Iterator[SourceArticle]:
    """Yield the articles of a JSON archive read from a binary stream."""
    reader = _StreamReader(stream)
    header: dict = {}
    for value, line in reader.articles(header):
        yield _article(value, line, report)
    if header.get("format") != FORMAT_NAME:
        raise ImportFormatError(1, f'not a forum archive: "format" must be "{FORMAT_NAME}"')
    if header.get("version") != FORMAT_VERSION:
        raise ImportFormatError(
            1, f"unsupported archive version {header.get('version')!r} (expected 1)"
        )


class _Comment(dict):
    """A comment object of the file, with the line its ``{`` is on."""

    __slots__ = ("line",)

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line


class _StreamReader:
    """A cursor over decoded text that reads more of the file when a value runs past its end."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        self._json = json.JSONDecoder()
        self._buffer = ""
        self._pos = 0
        self._line_base = 1  # line number of the start of the buffer
        self._counted = (0, 1)  # a position in the buffer and its line number
        self._eof = False

    def articles(self, header: dict) -> Iterator[tuple[object, int]]:
        self._expect("{", 'expected a JSON object ({"format": "forum-archive", ...})')
        seen_articles = False
        while self._peek() != "}":
            if self._peek() != '"':
                raise self._error("expected a property name")
            key = self._decode()
            self._expect(":", "expected ':' after a property name")
            if key == "articles":
                seen_articles = True
                yield from self._items()
            else:
                header[key] = self._decode()
            if self._peek() != ",":
                break
            self._pos += 1
        self._expect("}", "expected ',' or '}' after a property")
        if self._peek() != "":
            raise self._error("unexpected data after the end of the archive")
        if not seen_articles:
            raise ImportFormatError(1, 'not a forum archive: no "articles" list')

    def _items(self) -> Iterator[tuple[object, int]]:
        self._expect("[", 'expected a list after "articles"')
        if self._peek() == "]":
            self._pos += 1
            return
        while True:
            yield self._article()
            self._compact()
            if self._peek() == ",":
                self._pos += 1
                continue
            self._expect("]", "expected ',' or ']' between articles")
            return

    def _article(self) -> tuple[object, int]:
        """One article and its line. Its comments and their replies are read one object at a
        time, so that each knows its own line (a ``_Comment``); every other value is decoded
        whole. The walk keeps its own stack: replies nest as deep as the file does."""
        first = self._peek()
        line = self._line_at(self._pos)
        if first != "{":
            return self._decode(), line  # not an object: the caller says what it should be
        self._pos += 1
        article: dict = {}
        # The objects and lists being read, innermost last, each with whether it has a member yet.
        open_values: list[list] = [[article, False]]
        while open_values:
            value, started = open_values[-1]
            if not self._next_member("}" if isinstance(value, dict) else "]", started):
                open_values.pop()
                continue
            open_values[-1][1] = True
            if isinstance(value, list):  # a list of comments
                if self._peek() == "{":
                    comment = _Comment(self._line_at(self._pos))
                    self._pos += 1
                    value.append(comment)
                    open_values.append([comment, False])
                else:
                    value.append(self._decode())
                continue
            key = self._key()
            if key == ("comments" if value is article else "replies") and self._peek() == "[":
                self._pos += 1
                value[key] = []
                open_values.append([value[key], False])
            else:
                value[key] = self._decode()
        return article, line

    def _key(self) -> str:
        """A property name, and the ':' after it."""
        # Most names are plain: one match instead of decoding a string, then looking for ':'.
        match = _PLAIN_KEY.match(self._buffer, self._pos)
        if match and match.end() < len(self._buffer):
            self._pos = match.end()
            return match[1]
        if self._peek() != '"':
            raise self._error("Expecting property name enclosed in double quotes")
        key = self._decode()
        self._expect(":", "Expecting ':' delimiter")
        return key

    def _next_member(self, close: str, started: bool) -> bool:
        """Whether another member follows in the open object or list; reads its "," or end."""
        char = self._peek()
        if char == close:
            self._pos += 1
            return False
        if started:
            if char != ",":
                self._expect(",", "Expecting ',' delimiter")  # raises, saying what was found
            self._pos += 1
        return True

    def _decode(self) -> object:
        """The JSON value at the cursor (after any whitespace), decoded whole."""
        self._peek()
        start = self._pos
        while True:
            try:
                value, end = self._json.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as error:
                if self._eof:
                    raise ImportFormatError(self._line_at(error.pos), error.msg) from error
                self._read(max(_CHUNK, len(self._buffer)))
                continue
            except RecursionError as error:
                raise ImportFormatError(self._line_at(start), "value nested too deeply") from error
            # A number or a literal may go on in the part not read yet.
            if end == len(self._buffer) and not self._eof:
                self._read(_CHUNK)
                continue
            self._pos = end
            return value

    def _peek(self) -> str:
        """The next character that is not whitespace ("" at the end), reading more as needed."""
        while True:
            if self._pos < len(self._buffer) and self._buffer[self._pos] in _WHITESPACE_CHARS:
                self._pos = _WHITESPACE.match(self._buffer, self._pos).end()
            if self._pos < len(self._buffer):
                return self._buffer[self._pos]
            if self._eof:
                return ""
            # Doubling: an article's text is appended to until it is read whole.
            self._read(max(_CHUNK, len(self._buffer)))

    def _expect(self, char: str, message: str) -> None:
        if self._peek() != char:
            found = self._peek()
            raise self._error(f"{message}, found {found!r}" if found else f"{message}: file ends")
        self._pos += 1

    def _read(self, size: int) -> None:
        data = self._stream.read(size)
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            line = self._line_at(len(self._buffer)) + data.count(b"\n", 0, error.start)
            raise ImportFormatError(line, f"not valid UTF-8 ({error.reason})") from error
        if not data:
            self._eof = True
        self._buffer += text

    def _compact(self) -> None:
        self._line_base = self._line_at(self._pos)
        self._buffer = self._buffer[self._pos :]
        self._pos = 0
        self._counted = (0, self._line_base)

    def _line_at(self, pos: int) -> int:
        # Counted on from the last position asked about: the cursor moves forward, and
        # counting from the start of a long article for each comment would be quadratic.
        counted_pos, counted_line = self._counted
        if pos < counted_pos:
            counted_pos, counted_line = 0, self._line_base
        line = counted_line + self._buffer.count("\n", counted_pos, pos)
        self._counted = (pos, line)
        return line

    def _error(self, message: str) -> ImportFormatError:
        return ImportFormatError(self._line_at(self._pos), message)


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
        report.add("bad_date", line, article.label, f"unreadable time {published!r}: now is used")
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
