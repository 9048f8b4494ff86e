"""HTML helpers for imports: plain text out of an article's HTML, and what the sanitiser drops.

Article bodies here are plain text (paragraphs separated by blank lines), so an HTML body is
read for its text: block elements become paragraphs, ``<br>`` a line break, other whitespace
one space, and scripts and styles disappear with their content. The HTML is parsed, never
shown: lxml's HTML parser resolves no external entities.

``has_unsafe_markup`` tells the import report which comments the sanitiser changes.
"""

import re

import lxml.html
from lxml import etree

from articles.posting.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, has_block_markup

_BLOCKS = frozenset(
    {"p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6"}
    | {"table", "tr", "section", "article", "header", "footer", "figure", "figcaption", "hr"}
    | {"dl", "dt", "dd"}
)
_SKIPPED = frozenset({"script", "style", "template", "noscript", "iframe", "head", "title"})
_SPACES = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment, paragraphs joined with a blank line."""
    fragment = fragment.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not fragment:
        return ""
    if not has_block_markup(fragment):
        # Like a WordPress post body: blank lines are paragraphs, newlines line breaks.
        fragment = "".join(
            "<p>" + block.replace("\n", "<br>") + "</p>" for block in _BLANK_LINE.split(fragment)
        )
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    reader = _TextReader()
    reader.walk(root)
    reader.flush()
    return "\n\n".join(reader.paragraphs)


_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_ATTRIBUTE = re.compile(r"([^\s=/]+)\s*(?:=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_SAFE_URL = re.compile(r"\s*(https?:|mailto:)", re.IGNORECASE)


def has_unsafe_markup(html: str) -> bool:
    """Whether the sanitiser will drop something: for the report only, never for safety."""
    for tag, attributes in _TAG.findall(html):
        allowed = ALLOWED_ATTRIBUTES.get(tag.lower(), frozenset())
        if tag.lower() not in ALLOWED_TAGS:
            return True
        for name, value in _ATTRIBUTE.findall(attributes):
            if name.lower() not in allowed:
                return True
            if name.lower() == "href" and not _SAFE_URL.match(value.strip("\"'")):
                return True
    return False


class _TextReader:
    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.current: list[str] = []

    def flush(self) -> None:
        lines = [" ".join(line.split()) for line in "".join(self.current).split("\n")]
        self.current = []
        text = "\n".join(line for line in lines if line)
        if text:
            self.paragraphs.append(text)

    def text(self, value: str | None) -> None:
        if value:
            self.current.append(_SPACES.sub(" ", value))

    def walk(self, element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "br":
            self.current.append("\n")
            return
        if not tag or tag in _SKIPPED or isinstance(element, etree._Entity):
            return  # comments, processing instructions, scripts: no text of the article
        if tag in _BLOCKS:
            self.flush()
        self.text(element.text)
        for child in element:
            self.walk(child)
            self.text(child.tail)
        if tag in _BLOCKS:
            self.flush()
