"""The lines of a plain-text export: a cursor that knows line numbers, and the column rules.

Shared by the article parser (``text``) and the comment-thread parser (``textthread``).
"""

from __future__ import annotations

from articles.portability.records import ImportFormatError


class LineReader:
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
        while not self.at_end and is_blank(self.peek()):
            self.advance()


def is_blank(line: str) -> bool:
    """Whether a line holds nothing but whitespace."""
    return not line.strip()


def indentation(line: str, line_number: int) -> int:
    """Number of leading spaces; other whitespace there would make the columns ambiguous."""
    text = line.lstrip(" ")
    if text[:1].isspace():
        raise ImportFormatError(
            line_number, "indentation must use spaces only (found a tab or another whitespace)"
        )
    return len(line) - len(text)


def join_paragraphs(paragraphs: list[list[str]]) -> str:
    """Lines joined with a line break, paragraphs with a blank line."""
    return "\n\n".join("\n".join(lines) for lines in paragraphs)
