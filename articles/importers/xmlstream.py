"""Stream the records of an untrusted XML export, safely and in bounded memory.

lxml's iterparse hands over each record element when it closes; the caller reads it, then
``release`` frees it and everything before it, so memory holds one record, not the file.

Exports are hostile input. Entities are never resolved, DTDs never loaded, nothing is fetched
from the network (no XXE), and a document that declares a DOCTYPE at all is refused: Disqus and
WordPress exports have none, and an internal subset is how "billion laughs" entity bombs start.
"""

from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from articles.importers.records import ImportFormatError


def stream_elements(stream: BinaryIO, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """Yield each element named in ``tags`` when it ends; raises ``ImportFormatError``."""
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
                _refuse_doctype(element)
                checked = True
            yield element
    except etree.XMLSyntaxError as error:
        raise ImportFormatError(error.lineno or None, _reason(error)) from error
    if not checked and context.root is not None:
        _refuse_doctype(context.root)


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


def _refuse_doctype(element: etree._Element) -> None:
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise ImportFormatError(
            1, "the file declares a DOCTYPE, which exports never do; refused (entity expansion)"
        )


def _reason(error: etree.XMLSyntaxError) -> str:
    message = error.msg or str(error)
    # libxml2 appends ", line N, column M"; the caller adds the line itself.
    return message.split(", line ")[0].strip() or "malformed XML"
