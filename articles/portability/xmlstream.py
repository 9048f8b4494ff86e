"""Stream XML exports in and out: read untrusted records safely, write them in bounded memory.

lxml's iterparse hands over each record element when it closes; the caller reads it, then
``release`` frees it and everything before it, so memory holds one record, not the file.

Exports are hostile input. Entities are never resolved, DTDs never loaded, nothing is fetched
from the network (no XXE), and a document that declares a DOCTYPE at all is refused: Disqus and
WordPress exports have none, and an internal subset is how "billion laughs" entity bombs start.

Writing goes the other way through lxml's xmlfile: ``XmlWriter`` streams elements as they are
made, so an export never holds more than the element being written.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from lxml import etree

from articles.portability.records import ImportFormatError

# Characters XML 1.0 cannot carry at all, not even escaped: dropped from what is written.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def stream_elements(
    stream: BinaryIO, tags: tuple[str, ...], *, root: str, kind: str
) -> Iterator[etree._Element]:
    """Yield each element named in ``tags`` when it ends; raises ``ImportFormatError``.

    ``root`` is the local name the document element must have, ``kind`` what the file is then
    ("a Disqus export"): a file of another format holds none of ``tags`` and would otherwise
    import nothing, successfully.
    """
    context = etree.iterparse(
        stream,
        events=("end",),
        tag=tags,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    checked = False
    try:
        for _, element in context:
            if not checked:
                _check_document(element, root, kind)
                checked = True
            yield element
    except etree.XMLSyntaxError as error:
        raise ImportFormatError(error.lineno or None, _reason(error)) from error
    if not checked and context.root is not None:
        _check_document(context.root, root, kind)


def release(element: etree._Element) -> None:
    """Free a record that has been read, and whatever came before it at the same level."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def child_text(element: etree._Element, tag: str) -> str:
    """The text of the first child named ``tag`` ("" when absent or empty)."""
    return (element.findtext(tag) or "").replace("\x00", "")


DOCTYPE_REFUSED = "the file declares a DOCTYPE, which exports never do; refused (entity expansion)"


def _check_document(element: etree._Element, root: str, kind: str) -> None:
    tree = element.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ImportFormatError(1, DOCTYPE_REFUSED)
    document = tree.getroot()
    found = etree.QName(document).localname
    if found != root:
        raise ImportFormatError(
            document.sourceline, f"not {kind}: the root element is <{found}>, not <{root}>"
        )


def _reason(error: etree.XMLSyntaxError) -> str:
    message = error.msg or str(error)
    # libxml2 appends ", line N, column M"; the caller adds the line itself.
    return message.split(", line ")[0].strip() or "malformed XML"


class XmlWriter:
    """Streams elements through lxml's xmlfile, indented, with the namespaces declared once."""

    def __init__(self, xf) -> None:
        self._xf = xf
        self._depth = 0

    @contextmanager
    def element(self, tag: str, attrib: dict | None = None, nsmap: dict | None = None):
        """An element whose children are written inside the ``with`` block."""
        if self._depth:  # nothing may stand before the root element
            self._newline()
        with self._xf.element(tag, attrib or {}, nsmap=nsmap):
            self._depth += 1
            yield
            self._depth -= 1
            self._newline()

    def leaf(self, tag: str, text: str | None = None, attrib: dict | None = None) -> None:
        """An element holding only text (or nothing)."""
        self._newline()
        with self._xf.element(tag, attrib or {}):
            if text:
                self._xf.write(_NOT_XML.sub("", text))

    def _newline(self) -> None:
        self._xf.write("\n" + "  " * self._depth)


def xml_bool(value: bool) -> str:
    """XML Schema's spelling of a boolean, as Disqus writes it."""
    return "true" if value else "false"
