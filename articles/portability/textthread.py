"""The comment thread of a plain-text export: bullets, indentation levels and signatures.

The rules are in the ``text`` module's docstring. ``parse_thread`` reads the lines after the
article and returns the comments as ``SourceComment`` records in document order, each naming its
parent by position.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from articles.portability.records import ImportFormatError, SourceComment
from articles.portability.textlines import LineReader, indentation, is_blank, join_paragraphs

SOURCE = "text"
BULLET = "•"
# Column of a top-level bullet, extra columns per depth level, and the body's extra indentation
# relative to its bullet: bullet column = 2 + 2*depth, body column = bullet column + 2.
BULLET_BASE_INDENT = 2
INDENT_PER_LEVEL = 2
BODY_EXTRA_INDENT = 2

SIGNATURE_MAX_LENGTH = 40
SIGNATURE_MAX_WORDS = 4
# Characters that end a sentence or clause; a name never ends with one of them.
_SENTENCE_PUNCTUATION = ".!?,:;"
# Characters allowed inside a name word besides letters: O'Brien, Jean-Luc, and the typographic
# apostrophe (U+2019).
_NAME_INNER_CHARACTERS = "'\u2019-"


def looks_like_signature(line: str) -> bool:
    """Whether a comment's last body line is short and name-like, i.e. an author's signature.

    True for "Rabid Howler Monkey" or "John L. Ries": 1 to 4 words of at most 40 characters in
    all, each word either a capitalised name (a capital letter followed by letters, at least one of
    them lower-case, plus ' or -) or an initial ("L."), and no sentence punctuation at the end.
    False for sentences such as "Force people to buy inward." and for acronyms like "IBM".
    """
    line = line.strip()
    if not line or len(line) > SIGNATURE_MAX_LENGTH or line[-1] in _SENTENCE_PUNCTUATION:
        return False
    words = line.split()
    return 1 <= len(words) <= SIGNATURE_MAX_WORDS and all(_is_name_word(w) for w in words)


def parse_thread(reader: LineReader) -> list[SourceComment]:
    """Read the comment thread to the end of the file, line by line."""
    thread = _Thread()
    while not reader.at_end:
        line, line_number = reader.peek(), reader.line_number
        reader.advance()
        if is_blank(line):
            thread.blank_line()
        elif line.strip().startswith(BULLET):
            thread.start_comment(line, line_number)
        else:
            thread.body_line(line, line_number)
    thread.finish_current()
    return thread.comments


def _is_name_word(word: str) -> bool:
    if len(word) == 2 and word[0].isupper() and word[1] == ".":  # an initial: "L."
        return True
    return (
        word[0].isupper()
        and any(c.islower() for c in word)  # rules out acronyms and shouting: "IBM", "LOL"
        and all(c.isalpha() or c in _NAME_INNER_CHARACTERS for c in word)
    )


@dataclass
class _OpenComment:
    """A comment whose body is still being read."""

    title: str
    depth: int
    line: int
    parent_index: int | None
    paragraphs: list[list[str]] = field(default_factory=list)
    seen_separator: bool = False  # the blank line between title and body
    pending_paragraph_break: bool = False

    @property
    def body_indent(self) -> int:
        return BULLET_BASE_INDENT + INDENT_PER_LEVEL * self.depth + BODY_EXTRA_INDENT

    def add_line(self, text: str) -> None:
        if not self.paragraphs or self.pending_paragraph_break:
            self.paragraphs.append([])
            self.pending_paragraph_break = False
        self.paragraphs[-1].append(text)

    def finish(self) -> SourceComment:
        if not self.paragraphs:
            raise ImportFormatError(self.line, f"comment {self.title!r} has no body")
        paragraphs = [list(p) for p in self.paragraphs]
        author_name = ""
        # A one-line body is the comment itself, never just a signature.
        if sum(len(p) for p in paragraphs) >= 2 and looks_like_signature(paragraphs[-1][-1]):
            author_name = paragraphs[-1].pop()
            if not paragraphs[-1]:
                paragraphs.pop()
        # The format has no ids: the importer knows a comment by its place and text.
        return SourceComment(
            source=SOURCE,
            original_id="",
            author_name=author_name,
            created_at=None,
            state="visible",
            title=self.title,
            body=join_paragraphs(paragraphs),
            body_format="text",
            line=self.line,
            parent_index=self.parent_index,
        )


class _Thread:
    """The comments read so far, the one being read, and where the next reply would attach."""

    def __init__(self) -> None:
        self.comments: list[SourceComment] = []
        self._last_depth: int | None = None  # depth of the last finished comment
        # ancestors[d] is the index of the latest comment at depth d: the parent of the next
        # reply at depth d + 1. It is cut back whenever a shallower comment starts.
        self._ancestors: list[int] = []
        self._current: _OpenComment | None = None

    def blank_line(self) -> None:
        current = self._current
        if current is None:
            return
        if not current.seen_separator:
            current.seen_separator = True
        elif current.paragraphs:
            current.pending_paragraph_break = True

    def start_comment(self, line: str, line_number: int) -> None:
        indent = indentation(line, line_number)
        self.finish_current()
        depth = _bullet_depth(indent, line_number)
        max_depth = self._last_depth + 1 if self._last_depth is not None else 0
        if depth > max_depth:
            raise ImportFormatError(
                line_number,
                f"indentation skips a level (expected at most depth {max_depth}, "
                f"found depth {depth})",
            )
        title = line.strip()[len(BULLET) :].strip()
        if not title:
            raise ImportFormatError(line_number, "comment has an empty title")
        del self._ancestors[depth:]
        parent_index = self._ancestors[-1] if self._ancestors else None
        self._ancestors.append(len(self.comments))  # the index this comment will get
        self._current = _OpenComment(
            title=title, depth=depth, line=line_number, parent_index=parent_index
        )

    def body_line(self, line: str, line_number: int) -> None:
        indent = indentation(line, line_number)
        current = self._current
        if current is None:
            raise ImportFormatError(
                line_number, f"text before the first comment (expected a {BULLET!r} bullet line)"
            )
        if not current.seen_separator:
            raise ImportFormatError(
                line_number, "expected a blank line between the comment title and its body"
            )
        if indent != current.body_indent:
            raise ImportFormatError(
                line_number,
                f"comment body indented by {indent} spaces, expected {current.body_indent} "
                f"(two more than the bullet on line {current.line})",
            )
        current.add_line(line.strip())

    def finish_current(self) -> None:
        if self._current is not None:
            self.comments.append(self._current.finish())
            self._last_depth = self._current.depth
            self._current = None


def _bullet_depth(indent: int, line_number: int) -> int:
    """Map a bullet's column to its depth: column 2 + 2*depth."""
    offset = indent - BULLET_BASE_INDENT
    if offset < 0 or offset % INDENT_PER_LEVEL:
        raise ImportFormatError(
            line_number,
            f"bullet indented by {indent} spaces, which is not a comment level "
            f"(levels are at {BULLET_BASE_INDENT} + {INDENT_PER_LEVEL}*depth spaces)",
        )
    return offset // INDENT_PER_LEVEL
