"""Parse the plain-text source format of a news article followed by its comment thread.

Pure Python: no Django, no database.  The reference sample is
``articles/sample_data/ibm-servers-zdnet.txt``.  ``parse_article`` turns such a text into a
``SourceArticle`` with its ``SourceComment``s, like every other format's reader; ``parse_bytes``
does the same for the bytes of a file.  Anything that does not fit the format raises
``ImportFormatError`` naming the offending (1-based) line.  The comment thread is read by
``textthread``.

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
  paragraph keep their line break.  ``SourceArticle.body`` joins paragraphs with ``"\\n\\n"``.
* The body ends at the ``Topics:`` line (note the case), which must repeat the header's topics.
* Between that line and the thread: a byline paragraph (``""`` if there is none) and the known
  site boilerplate (``BOILERPLATE_PREFIXES`` and ``LOGIN_LINE``), which is dropped. Pasted pages
  carry other sites' footers too: any further paragraph is dropped and, given a report, reported
  as ``footer_dropped``.

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
  Otherwise ``author_name`` is ``""``.

Accepted variations: Windows (``\\r\\n``) or old Mac (``\\r``) line endings, a UTF-8 byte order
mark, trailing whitespace on lines, a trailing newline or none, and a file without comments.
Indentation must use spaces only.
"""

from __future__ import annotations

from articles.portability.records import ImportFormatError, ImportReport, SourceArticle
from articles.portability.textlines import LineReader, indentation, is_blank, join_paragraphs
from articles.portability.textthread import BULLET, SOURCE, looks_like_signature, parse_thread

__all__ = [
    "ImportFormatError",
    "looks_like_signature",
    "parse_article",
    "parse_bytes",
]

SUMMARY_PREFIX = "Summary:"
TOPICS_HEADER_PREFIX = "TOPICS:"
TOPICS_FOOTER_PREFIX = "Topics:"
LOGIN_LINE = "Log in or register to join the discussion"
# Paragraphs of the scraped page that are not part of the article (matched on their first line).
BOILERPLATE_PREFIXES = ("Kick off your day with ZDNet's daily email newsletter",)


def parse_bytes(
    data: bytes, *, source_name: str = "", report: ImportReport | None = None
) -> SourceArticle:
    """Decode ``data`` as strict UTF-8 and parse it with ``parse_article``.

    Invalid UTF-8 raises ``ImportFormatError`` with the line number of the first bad byte.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFormatError(
            line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    return parse_article(text, source_name=source_name, report=report)


def parse_article(
    text: str, *, source_name: str = "", report: ImportReport | None = None
) -> SourceArticle:
    """Parse the source text of one article and its comment thread.

    The format has no ids: the importer names the article by its slug and knows comments by
    their place and text. Raises ``ImportFormatError`` (with the offending line number) for
    malformed input. Footer text dropped after the byline goes to ``report``.
    """
    text = text.removeprefix("\ufeff")
    # Normalise line endings first so that line numbers match what an editor shows.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # a final newline ends the last line rather than starting another one
    if all(is_blank(line) for line in lines):
        raise ImportFormatError(1, "the file is empty")

    reader = LineReader(lines)
    title, summary, topics = _parse_header(reader)
    body = _parse_body(reader, topics)
    byline, dropped_footer = _parse_byline(reader)
    if report is not None:
        for line_number, paragraph in dropped_footer:
            report.add("footer_dropped", line_number, repr(paragraph[:80]))
    return SourceArticle(
        source=SOURCE,
        original_id="",
        title=title,
        summary=summary,
        body=body,
        topics=topics,
        byline=byline,
        source_name=source_name,
        comments=parse_thread(reader),
        comment_ids_expected=False,
    )


# --- implementation -----------------------------------------------------------------------------


def _parse_header(reader: LineReader) -> tuple[str, str, list[str]]:
    """Read the title, the optional repeated title, the summary and the TOPICS line."""
    first = reader.peek()
    if is_blank(first):
        raise ImportFormatError(1, "missing title (the first line is blank)")
    if indentation(first, 1):
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


def _expect_prefixed_line(reader: LineReader, prefix: str) -> str:
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


def _parse_body(reader: LineReader, topics: list[str]) -> str:
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
        if is_blank(line):
            if current:
                paragraphs.append(current)
                current = []
        elif line.startswith(TOPICS_FOOTER_PREFIX):
            break
        elif indentation(line, line_number):
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
    return join_paragraphs(paragraphs)


def _parse_byline(reader: LineReader) -> tuple[str, list[tuple[int, str]]]:
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
        elif indentation(line, line_number):
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
