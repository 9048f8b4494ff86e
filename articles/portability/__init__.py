"""Import and export: a module per format holding its reader and writer, and the store.

Every reader produces ``records.SourceArticle``s; ``store`` writes them to the database and
``export`` picks the writer for an export.

``read_articles`` picks the parser (``detect_format`` sniffs the start of the file for
``auto``) and streams the articles of a file one at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from articles.portability import disqus, json_archive, text, wxr
from articles.portability.records import ImportFormatError, ImportReport, SourceArticle
from articles.portability.xmlstream import DOCTYPE_REFUSED

FORMATS = ("text", "json", "disqus", "wxr")
_SNIFF_BYTES = 64 * 1024
_ROOT_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_XML_PREAMBLE = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)


def detect_format(head: bytes) -> str:
    """The format of a file from its first bytes: JSON, Disqus or WordPress XML, else text."""
    data = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if data.startswith(b"{"):
        return "json"
    if not data.startswith(b"<"):
        return "text"
    rest = data
    while True:
        preamble = _XML_PREAMBLE.match(rest)
        if preamble is None:
            break
        rest = rest[preamble.end() :]
    rest = rest.lstrip()
    if rest.startswith(b"<!DOCTYPE"):
        # Refused whatever the format; said here, as an internal subset ("[<!ENTITY …>]")
        # would hide the root element from the look below ("no root element").
        line = head[: len(head) - len(rest)].count(b"\n") + 1
        raise ImportFormatError(line, DOCTYPE_REFUSED)
    root = _ROOT_ELEMENT.match(rest)
    name = root.group(1).split(b":")[-1].decode("ascii", "replace") if root else ""
    if name == "disqus":
        return "disqus"
    if name == "rss" and b"wordpress.org/export/" in data:
        return "wxr"
    found = f"root element <{name}>" if name else "no root element"
    raise ImportFormatError(
        1,
        f"unknown format: XML with {found}, neither a Disqus nor a WordPress (WXR) export"
        " (name the format with --format)",
    )


def read_articles(
    stream: BinaryIO, *, fmt: str, report: ImportReport, source_name: str = ""
) -> Iterator[SourceArticle]:
    """The articles of an export, one at a time; ``fmt`` is one of FORMATS or "auto"."""
    if fmt == "auto":
        fmt = detect_format(stream.read(_SNIFF_BYTES))
        stream.seek(0)
    if fmt == "text":
        yield text.parse_bytes(stream.read(), source_name=source_name, report=report)
        return
    parser = {"json": json_archive.parse, "disqus": disqus.parse, "wxr": wxr.parse}[fmt]
    for article in parser(stream, report):
        if source_name and not article.source_name:
            article.source_name = source_name
        yield article
