"""Parse the plain-text source format of a news article followed by its comment thread.

Pure Python: no Django, no database.  The reference sample is
``articles/sample_data/ibm-servers-zdnet.txt``.  ``parse_article`` turns such a text into a
``ParsedArticle``; ``parse_file`` does the same for a file on disk.  Anything that does not fit
the format raises ``ImportFormatError`` naming the offending (1-based) line.

The format, measured on the sample::

    Chinese govt urging banks to remove IBM servers: Report      <- line 1: the title

    Chinese govt urging banks to remove IBM servers: Report      <- optional exact repeat

    Summary: The Chinese government is urging ...                <- required, non-empty

    TOPICS: Security, Servers                                    <- required, comma-separated

    China's banks are being urged ...                            <- body paragraphs, at column 0,
                                                                    separated by blank lines
    At the time of writing, IBM had not responded ZDNet's queries.

    Topics: Security, Servers                                    <- closes the body; must list the
                                                                    same topics as "TOPICS:"

    Leon covers enterprise technology and start-ups ...          <- optional byline paragraph

    Kick off your day with ZDNet's daily email newsletter. ...   <- site boilerplate, dropped

    Log in or register to join the discussion                    <- optional; the thread starts
      • lol                                                         after it, otherwise at the
                                                                    first "•" bullet line
        so that would be IBM servers that are "made in China" I presume?
      • Sounds like a way to prop up a slowing economy

        Force people to buy inward.
        • Heaven forbid...                                       <- a reply (depth 1)

          ...we try to do that in the USA.

Article header and body rules:

* Line 1 is the title; it must not be blank or indented.  Blank lines between the header items
  are skipped.  The next item may repeat the title verbatim (it is then ignored); then come the
  ``Summary:`` line and the ``TOPICS:`` line.  Topics are comma-separated, non-empty and distinct.
* Body lines sit at column 0.  A blank line separates paragraphs; consecutive lines of one
  paragraph keep their line break.  ``ParsedArticle.body`` joins paragraphs with ``"\\n\\n"``.
* The body ends at the ``Topics:`` line (note the case), which must repeat the header's topics.
* Between that line and the thread: a byline paragraph (``""`` if there is none) and the known
  site boilerplate (``BOILERPLATE_PREFIXES`` and ``LOGIN_LINE``), which is dropped. Pasted pages
  carry other sites' footers too: any further paragraph is dropped and listed in
  ``ParsedArticle.dropped_footer`` (the import reports it as ``footer_dropped``).

Comment thread rules (the indentation rule measured on the sample):

* A comment starts with a bullet line ``"• Title"``.  The bullet of a comment at depth ``d``
  stands at column ``2 + 2*d`` (two spaces for top-level comments, four for replies, six for
  replies to replies, ...): every level adds two spaces, so a reply's bullet is aligned with its
  parent's body text.  The title is the text after the bullet and must not be empty.
* A reply may be at most one level deeper than the comment just before it; any shallower depth
  closes the open replies.  The parent of a comment is the closest preceding comment one level up.
* The bullet line is followed by a blank line that separates title and body, then the body
  lines, indented two spaces more than the bullet (column ``4 + 2*d``).  Every comment has a
  body.  As in the article, consecutive lines are line breaks and a blank line starts a new
  paragraph; the body ends at the next bullet or at the end of the file.
* Signature: when a body has at least two lines and its last line looks like a name (see
  ``looks_like_signature``), that line is removed from the body and becomes ``author_name``.
  Otherwise ``author_name`` is ``None``.

Accepted variations: Windows (``\\r\\n``) or old Mac (``\\r``) line endings, a UTF-8 byte order
mark, trailing whitespace on lines, a trailing newline or none, and a file without comments.
Indentation must use spaces only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from articles.importers.records import (
    ImportFormatError,
    ImportReport,
    SourceArticle,
    SourceComment,
)

__all__ = [
    "ImportFormatError",
    "ParsedArticle",
    "ParsedComment",
    "as_source_article",
    "looks_like_signature",
    "parse_article",
    "parse_bytes",
    "parse_file",
]

BULLET = "•"
# Column of a top-level bullet, extra columns per depth level, and the body's extra indentation
# relative to its bullet: bullet column = 2 + 2*depth, body column = bullet column + 2.
BULLET_BASE_INDENT = 2
INDENT_PER_LEVEL = 2
BODY_EXTRA_INDENT = 2

SUMMARY_PREFIX = "Summary:"
TOPICS_HEADER_PREFIX = "TOPICS:"
TOPICS_FOOTER_PREFIX = "Topics:"
LOGIN_LINE = "Log in or register to join the discussion"
# Paragraphs of the scraped page that are not part of the article (matched on their first line).
BOILERPLATE_PREFIXES = ("Kick off your day with ZDNet's daily email newsletter",)

SIGNATURE_MAX_LENGTH = 40
SIGNATURE_MAX_WORDS = 4
# Characters that end a sentence or clause; a name never ends with one of them.
_SENTENCE_PUNCTUATION = ".!?,:;"
# Characters allowed inside a name word besides letters: O'Brien, Jean-Luc, and the typographic
# apostrophe (U+2019).
_NAME_INNER_CHARACTERS = "'\u2019-"


@dataclass(frozen=True)
class ParsedComment:
    """One comment of the thread.

    Comments are kept in a flat list in document order, which is a pre-order walk of the tree:
    a parent always comes before its replies, so an importer can create them in list order.
    """

    title: str
    body: str  # lines joined with "\n", paragraphs with "\n\n"; signature removed
    author_name: str | None  # the signature line, or None
    depth: int  # 0 for top-level comments
    line: int  # 1-based line number of the "•" bullet line
    parent_index: int | None  # index of the parent in ParsedArticle.comments, None at depth 0


@dataclass(frozen=True)
class ParsedArticle:
    """A news article and its comment thread."""

    title: str
    summary: str
    topics: list[str]
    body: str  # paragraphs joined with "\n\n"
    byline: str  # "" when the source has none
    comments: list[ParsedComment] = field(default_factory=list)
    # Paragraphs after the byline that are not known boilerplate: (first line number, text).
    dropped_footer: list[tuple[int, str]] = field(default_factory=list)


def parse_file(path: str | os.PathLike[str]) -> ParsedArticle:
    """Read ``path`` as strict UTF-8 and parse it with ``parse_article``.

    Invalid UTF-8 raises ``ImportFormatError`` with the line number of the first bad byte.
    """
    with open(path, "rb") as source:
        return parse_bytes(source.read())


def parse_bytes(data: bytes) -> ParsedArticle:
    """Decode ``data`` as strict UTF-8 and parse it with ``parse_article``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFormatError(
            line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    return parse_article(text)


def as_source_article(
    parsed: ParsedArticle, *, source_name: str = "", report: ImportReport | None = None
) -> SourceArticle:
    """The neutral form the importer stores: the format has no ids, so the slug names the article
    and comments are known by their place and text. Dropped footer text goes to ``report``."""
    if report is not None:
        for line, text in parsed.dropped_footer:
            report.add("footer_dropped", line, repr(text[:80]))
    return SourceArticle(
        source="text",
        original_id="",
        title=parsed.title,
        summary=parsed.summary,
        body=parsed.body,
        topics=list(parsed.topics),
        byline=parsed.byline,
        source_name=source_name,
        comment_ids_expected=False,
        comments=[
            SourceComment(
                source="text",
                original_id="",
                author_name=comment.author_name or "",
                created_at=None,
                state="visible",
                title=comment.title,
                body=comment.body,
                body_format="text",
                line=comment.line,
                parent_index=comment.parent_index,
            )
            for comment in parsed.comments
        ],
    )


def parse_article(text: str) -> ParsedArticle:
    """Parse the source text of one article and its comment thread.

    Raises ``ImportFormatError`` (with the offending line number) for malformed input.
    """
    text = text.removeprefix("\ufeff")
    # Normalise line endings first so that line numbers match what an editor shows.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # a final newline ends the last line rather than starting another one
    if all(_is_blank(line) for line in lines):
        raise ImportFormatError(1, "the file is empty")

    reader = _LineReader(lines)
    title, summary, topics = _parse_header(reader)
    body = _parse_body(reader, topics)
    byline, dropped_footer = _parse_byline(reader)
    comments = _parse_thread(reader)
    return ParsedArticle(
        title=title,
        summary=summary,
        topics=topics,
        body=body,
        byline=byline,
        comments=comments,
        dropped_footer=dropped_footer,
    )


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


# --- implementation -----------------------------------------------------------------------------


def _is_name_word(word: str) -> bool:
    if len(word) == 2 and word[0].isupper() and word[1] == ".":  # an initial: "L."
        return True
    return (
        word[0].isupper()
        and any(c.islower() for c in word)  # rules out acronyms and shouting: "IBM", "LOL"
        and all(c.isalpha() or c in _NAME_INNER_CHARACTERS for c in word)
    )


def _is_blank(line: str) -> bool:
    return not line.strip()


class _LineReader:
    """A cursor over the lines of the text that knows their 1-based numbers."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._index = 0

    @property
    def at_end(self) -> bool:
        return self._index >= len(self._lines)

    @property
    def line_number(self) -> int:
        """Number of the current line (one past the last line at the end)."""
        return self._index + 1

    @property
    def last_line_number(self) -> int:
        return len(self._lines)

    def peek(self) -> str:
        return self._lines[self._index]

    def advance(self) -> None:
        self._index += 1

    def skip_blank_lines(self) -> None:
        while not self.at_end and _is_blank(self.peek()):
            self.advance()


def _indentation(line: str, line_number: int) -> int:
    """Number of leading spaces; other whitespace there would make the columns ambiguous."""
    text = line.lstrip(" ")
    if text[:1].isspace():
        raise ImportFormatError(
            line_number, "indentation must use spaces only (found a tab or another whitespace)"
        )
    return len(line) - len(text)


def _parse_header(reader: _LineReader) -> tuple[str, str, list[str]]:
    """Read the title, the optional repeated title, the summary and the TOPICS line."""
    first = reader.peek()
    if _is_blank(first):
        raise ImportFormatError(1, "missing title (the first line is blank)")
    if _indentation(first, 1):
        raise ImportFormatError(1, "the title must not be indented")
    title = first.strip()
    reader.advance()

    reader.skip_blank_lines()
    # The scraped page shows the title twice; only an exact repeat is skipped.
    if not reader.at_end and reader.peek().strip() == title:
        reader.advance()
        reader.skip_blank_lines()

    summary = _expect_prefixed_line(reader, SUMMARY_PREFIX)
    if not summary:
        raise ImportFormatError(reader.line_number - 1, "the summary is empty")

    reader.skip_blank_lines()
    topics_text = _expect_prefixed_line(reader, TOPICS_HEADER_PREFIX)
    topics = _parse_topics(topics_text, reader.line_number - 1)
    return title, summary, topics


def _expect_prefixed_line(reader: _LineReader, prefix: str) -> str:
    """Consume a line starting with ``prefix`` at column 0 and return the rest of it, stripped."""
    if reader.at_end:
        raise ImportFormatError(
            reader.last_line_number, f"the file ends before the {prefix!r} line"
        )
    line = reader.peek()
    if not line.startswith(prefix):
        raise ImportFormatError(
            reader.line_number, f"expected a line starting with {prefix!r}, found {line.strip()!r}"
        )
    reader.advance()
    return line[len(prefix) :].strip()


def _parse_topics(text: str, line_number: int) -> list[str]:
    topics = [topic.strip() for topic in text.split(",")]
    if any(not topic for topic in topics):
        raise ImportFormatError(line_number, f"empty topic name in {text!r}")
    duplicates = sorted({topic for topic in topics if topics.count(topic) > 1})
    if duplicates:
        raise ImportFormatError(line_number, f"topic listed twice: {', '.join(duplicates)}")
    return topics


def _parse_body(reader: _LineReader, topics: list[str]) -> str:
    """Read the body paragraphs up to and including the closing "Topics:" line."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    while True:
        if reader.at_end:
            raise ImportFormatError(
                reader.last_line_number,
                f"the file ends before the closing {TOPICS_FOOTER_PREFIX!r} line of the article",
            )
        line, line_number = reader.peek(), reader.line_number
        if _is_blank(line):
            if current:
                paragraphs.append(current)
                current = []
        elif line.startswith(TOPICS_FOOTER_PREFIX):
            break
        elif _indentation(line, line_number):
            # Most likely the comments started without the "Topics:" line closing the article.
            raise ImportFormatError(
                line_number,
                f"indented line in the article body (is the closing {TOPICS_FOOTER_PREFIX!r} "
                "line missing?)",
            )
        else:
            current.append(line.rstrip())
        reader.advance()
    if current:
        paragraphs.append(current)
    if not paragraphs:
        raise ImportFormatError(line_number, "the article body is empty")

    footer_topics = _parse_topics(line[len(TOPICS_FOOTER_PREFIX) :].strip(), line_number)
    if footer_topics != topics:
        raise ImportFormatError(
            line_number,
            f"the closing topics ({', '.join(footer_topics)}) differ from the "
            f"{TOPICS_HEADER_PREFIX!r} line ({', '.join(topics)})",
        )
    reader.advance()
    return _join_paragraphs(paragraphs)


def _parse_byline(reader: _LineReader) -> tuple[str, list[tuple[int, str]]]:
    """Read what lies between the article and the thread: a byline, site boilerplate, and
    other footer text, returned apart (line number, text) to be reported as dropped.

    Stops after the "Log in or register" line, or before the first bullet line, or at the end.
    """
    paragraphs: list[tuple[int, list[str]]] = []  # (first line number, lines)
    current: list[str] = []
    first_line_number = 0
    while not reader.at_end:
        line, line_number = reader.peek(), reader.line_number
        text = line.strip()
        if not text or text == LOGIN_LINE or text.startswith(BULLET):
            if current:
                paragraphs.append((first_line_number, current))
                current = []
            if text == LOGIN_LINE:
                reader.advance()
            if text:
                break
        elif _indentation(line, line_number):
            raise ImportFormatError(
                line_number, f"unexpected indented text (a comment starts with a {BULLET!r} line)"
            )
        else:
            if not current:
                first_line_number = line_number
            current.append(text)
        reader.advance()
    if current:
        paragraphs.append((first_line_number, current))

    content = [
        (number, lines)
        for number, lines in paragraphs
        if not lines[0].startswith(BOILERPLATE_PREFIXES)
    ]
    if not content:
        return "", []
    (_, byline), *rest = content
    return "\n".join(byline), [(number, " ".join(lines)) for number, lines in rest]


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

    def finish(self) -> ParsedComment:
        if not self.paragraphs:
            raise ImportFormatError(self.line, f"comment {self.title!r} has no body")
        paragraphs = [list(p) for p in self.paragraphs]
        author_name = None
        # A one-line body is the comment itself, never just a signature.
        if sum(len(p) for p in paragraphs) >= 2 and looks_like_signature(paragraphs[-1][-1]):
            author_name = paragraphs[-1].pop()
            if not paragraphs[-1]:
                paragraphs.pop()
        return ParsedComment(
            title=self.title,
            body=_join_paragraphs(paragraphs),
            author_name=author_name,
            depth=self.depth,
            line=self.line,
            parent_index=self.parent_index,
        )


def _parse_thread(reader: _LineReader) -> list[ParsedComment]:
    """Read the comment thread, a line-by-line state machine over bullets and body lines."""
    comments: list[ParsedComment] = []
    # ancestors[d] is the index of the latest comment at depth d: the parent of the next reply
    # at depth d + 1.  It is cut back whenever a shallower comment starts.
    ancestors: list[int] = []
    current: _OpenComment | None = None

    while not reader.at_end:
        line, line_number = reader.peek(), reader.line_number
        reader.advance()
        if _is_blank(line):
            if current is not None:
                if not current.seen_separator:
                    current.seen_separator = True
                elif current.paragraphs:
                    current.pending_paragraph_break = True
            continue

        indent = _indentation(line, line_number)
        text = line.strip()
        if text.startswith(BULLET):
            if current is not None:
                comments.append(current.finish())
            depth = _bullet_depth(indent, line_number)
            max_depth = comments[-1].depth + 1 if comments else 0
            if depth > max_depth:
                raise ImportFormatError(
                    line_number,
                    f"indentation skips a level (expected at most depth {max_depth}, "
                    f"found depth {depth})",
                )
            title = text[len(BULLET) :].strip()
            if not title:
                raise ImportFormatError(line_number, "comment has an empty title")
            del ancestors[depth:]
            parent_index = ancestors[-1] if ancestors else None
            ancestors.append(len(comments))  # the index this comment will get
            current = _OpenComment(
                title=title, depth=depth, line=line_number, parent_index=parent_index
            )
        elif current is None:
            raise ImportFormatError(
                line_number, f"text before the first comment (expected a {BULLET!r} bullet line)"
            )
        elif not current.seen_separator:
            raise ImportFormatError(
                line_number, "expected a blank line between the comment title and its body"
            )
        elif indent != current.body_indent:
            raise ImportFormatError(
                line_number,
                f"comment body indented by {indent} spaces, expected {current.body_indent} "
                f"(two more than the bullet on line {current.line})",
            )
        else:
            current.add_line(text)

    if current is not None:
        comments.append(current.finish())
    return comments


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


def _join_paragraphs(paragraphs: list[list[str]]) -> str:
    return "\n\n".join("\n".join(lines) for lines in paragraphs)
