"""A cursor over a JSON archive that is read as a stream, one article at a time.

The structure of an article down to its comments and their replies is walked here, with its own
stack (replies nest as deep as the file does), so that each comment knows its own line for the
report; every other value is decoded whole by the standard library's scanner, which, unlike the
streaming JSON libraries, says on which line and column a file goes wrong.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import BinaryIO

from articles.portability.records import ImportFormatError

_CHUNK = 1 << 20
_WHITESPACE = re.compile("[ \t\n\r]*")
_WHITESPACE_CHARS = " \t\n\r"
_PLAIN_KEY = re.compile(r'[ \t\n\r]*"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')


class CommentObject(dict):
    """A comment object of the file, with the line its ``{`` is on."""

    __slots__ = ("line",)

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line


class StreamReader:
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
        time, so that each knows its own line (a ``CommentObject``); every other value is decoded
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
                    comment = CommentObject(self._line_at(self._pos))
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
