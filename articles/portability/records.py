"""The neutral shape every importer produces, and the report of what a run met on the way.

Pure Python: no Django, no database. A parser turns one file into a stream of
``SourceArticle``; each carries its comments as a flat list in which a comment names its parent
either by position (nested formats) or by original id (flat formats, where the parent may come
later, be missing or form a cycle: ``articles.portability.tree`` sorts that out). Everything a
parser had to repair or leave out is noted in the ``ImportReport`` with the line it came from.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

COMMENT_STATES = ("visible", "pending", "hidden", "removed", "deleted")
BODY_FORMATS = ("markdown", "text", "html")
SOURCE_PATTERN = re.compile(r"[a-z][a-z0-9_-]{0,29}")
# The source this forum names itself by in its own exports: what was written here.
OWN_SOURCE = "forum"


class ImportFormatError(ValueError):
    """The file cannot be read as the format it claims to be.

    ``line`` is the 1-based line number the problem was found on (``None`` if no single line is
    to blame) and ``reason`` a human-readable explanation; ``str()`` combines both, e.g.
    ``"line 42: indentation skips a level (expected at most depth 1, found 3)"``.
    """

    def __init__(self, line: int | None, reason: str) -> None:
        # Pass both to ValueError so that the exception pickles and reprs faithfully.
        super().__init__(line, reason)
        self.line = line
        self.reason = reason

    def __str__(self) -> str:
        if self.line is None:
            return self.reason
        return f"line {self.line}: {self.reason}"


@dataclass(slots=True)
class SourceComment:
    """One comment as an export gives it."""

    source: str  # "disqus", "wxr", "json", "text", or what a JSON archive names
    original_id: str  # "" when the export has none
    author_name: str
    created_at: datetime | None  # None when missing or unreadable: the importer picks a time
    state: str  # one of COMMENT_STATES
    title: str
    body: str
    body_format: str  # one of BODY_FORMATS: how body becomes HTML
    line: int | None = None  # where the record starts in the file, for the report
    parent_index: int | None = None  # the parent's position in SourceArticle.comments
    parent_id: str = ""  # or the parent's original id (same source); "" for a top-level one
    upvotes: int = 0  # votes it had there (Disqus likes, WordPress karma above 0)
    downvotes: int = 0

    @property
    def label(self) -> str:
        return f"comment {self.original_id!r}" if self.original_id else "comment without id"


@dataclass
class SourceArticle:
    """One article and its whole thread."""

    source: str
    original_id: str
    title: str
    slug: str = ""  # "" to derive one from the title
    summary: str = ""
    body: str = ""
    topics: list[str] = field(default_factory=list)
    byline: str = ""
    source_name: str = ""
    source_url: str = ""
    published_at: datetime | None = None
    comments_open: bool = True
    comments: list[SourceComment] = field(default_factory=list)
    line: int | None = None
    # False for formats that carry no ids at all (plain text): no "missing id" to report.
    comment_ids_expected: bool = True

    @property
    def label(self) -> str:
        return f"article {self.original_id or self.title!r}"


@dataclass(frozen=True)
class Problem:
    """A record that did not fit and what was done with it."""

    kind: str
    line: int | None
    record: str
    action: str


# Every kind of problem, with the policy the README states for it.
PROBLEM_KINDS = {
    "missing_id": "no id: one is derived from the comment's parent, text and author",
    "duplicate_id": "id seen before in the same article: the first one is kept",
    "orphan_reply": "its parent is nowhere: attached at the top level",
    "parent_after_reply": "its parent comes later in the file: nested under it all the same",
    "cycle": "its parents loop back to it: attached at the top level",
    "unknown_thread": "its article is not in the file: skipped",
    "bad_date": "missing or unreadable time: the parent's or the article's time is used",
    "unknown_state": "unknown state: imported as pending (not shown until reviewed)",
    "html_sanitised": "HTML outside the allowed set: removed or rewritten by the sanitiser",
    "truncated": "longer than the field allows: cut to fit",
    "slug_taken": "its URL slug belongs to another article: a numbered one is used",
    "not_an_article": "not a published post or page: skipped with its comments",
    "not_a_comment": "a pingback or trackback: skipped",
    "footer_dropped": "text after the byline (another site's footer?): dropped",
    "blank_skipped": "nothing visible once invisible characters are removed: skipped",
}


@dataclass
class ImportReport:
    """What one import met: problems by record, and the running totals."""

    problems: list[Problem] = field(default_factory=list)
    totals: Counter = field(default_factory=Counter)

    def add(self, kind: str, line: int | None, record: str, action: str = "") -> None:
        if kind not in PROBLEM_KINDS:
            raise ValueError(f"unknown problem kind {kind!r}")
        self.problems.append(Problem(kind, line, record, action or PROBLEM_KINDS[kind]))

    def counts(self) -> Counter:
        return Counter(problem.kind for problem in self.problems)

    def as_dict(self) -> dict:
        return {
            "totals": dict(self.totals),
            "problem_counts": dict(self.counts()),
            "problems": [asdict(problem) for problem in self.problems],
        }


_ZERO_DATE = re.compile(r"0000-00-00")


def parse_timestamp(value: str | None) -> datetime | None:
    """Read an export's timestamp; ``None`` when it is missing or unreadable.

    Accepts ISO 8601 with ``T`` or a space, with or without fractional seconds, with ``Z`` or an
    offset; a time without a zone is UTC (WordPress' ``*_gmt`` fields, Disqus). WordPress'
    "0000-00-00 00:00:00" means "no date", and so does a time whose UTC year is not 1 to 9999.
    """
    if not value:
        return None
    value = value.strip()
    if not value or _ZERO_DATE.match(value):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        # "0001-01-01T00:00+05:00" is in year 0 in UTC: PostgreSQL would store it (as BC),
        # but Python cannot read it back, and every page showing it would fail.
        parsed.astimezone(UTC)
    except OverflowError:
        return None
    return parsed


def format_timestamp(value: datetime, *, zone: bool = True) -> str:
    """UTC ISO 8601 with "Z", microseconds only when there are some (a lossless round trip).

    ``zone=False`` gives WordPress' form, "2014-05-28 09:00:00", always meant as UTC here.
    """
    value = value.astimezone(UTC).replace(tzinfo=None)
    spec = "microseconds" if value.microsecond else "seconds"
    if zone:
        return value.isoformat(timespec=spec) + "Z"
    return value.isoformat(sep=" ", timespec=spec)


def format_optional_timestamp(value: datetime | None) -> str:
    """``format_timestamp``, or "" for no time: an undated article reads back as undated."""
    return format_timestamp(value) if value else ""


def parse_state(value: str, comment: SourceComment, report: ImportReport) -> str:
    """A state name, or "pending" (and a report entry) for one this forum does not know."""
    if value in COMMENT_STATES:
        return value
    report.add("unknown_state", comment.line, comment.label, f"state {value!r} imported as pending")
    return "pending"
