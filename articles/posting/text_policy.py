"""What may be stored of what people write: one policy for the web and for imports alike.

Pure functions (no Django), for the posting services, sign-up and the importers:

- control characters other than newline and tab are removed everywhere (ESC and BEL reached
  pages); a carriage return becomes a newline;
- bidirectional controls (U+202E and friends) are removed from titles and names, where they turn
  the text around it backwards, and from bodies except inside code, where people discuss them;
  the stylesheet isolates code elements so one left open there cannot reach the text after it;
- zero-width and other default-ignorable characters are removed from titles and names, except
  the joiners and variation selectors that emoji and some scripts need;
- a body, title or name with nothing visible left once invisible characters are set aside is
  refused by the caller (:func:`is_blank`).

Which characters are which comes from Unicode's own properties (through the ``regex`` module's
property classes), not from a list kept here.
"""

import regex

from articles.posting.markdown import code_block_lines

_CONTROLS = regex.compile(r"[^\P{Cc}\n\t]")
_LINE_BREAKS = regex.compile(r"[\n\t]")
_BIDI_CONTROLS = regex.compile(r"\p{Bidi_Control}")
# Zero-width spaces, soft hyphens, Hangul fillers, tags…, but not ZWNJ/ZWJ (U+200C/D: Persian,
# Indic scripts, emoji sequences) nor variation selectors (emoji presentation).
_IGNORABLE_IN_LINES = regex.compile(
    r"[\p{Default_Ignorable_Code_Point}--[\u200c\u200d\ufe00-\ufe0f\U000e0100-\U000e01ef]]",
    regex.V1,
)
# What shows nothing on a page: spaces, controls, format characters, default-ignorables (fillers,
# joiners, variation selectors), and the braille blank that renders as a space.
_INVISIBLE = regex.compile(r"[\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]")
# A CommonMark code span: a run of backticks, then anything up to a run of the same length.
_CODE_SPAN = regex.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", regex.DOTALL)


def remove_controls(text: str) -> str:
    """``text`` without control characters, newlines and tabs kept (CR and CRLF become LF)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", text)


def clean_line(text: str) -> str:
    """A title or a name as it may be stored: on one line, without controls, bidirectional
    controls or zero-width characters, stripped."""
    text = _LINE_BREAKS.sub(" ", remove_controls(text))
    text = _BIDI_CONTROLS.sub("", text)
    return _IGNORABLE_IN_LINES.sub("", text).strip()


def _code_ranges(text: str) -> list[tuple[int, int]]:
    # Character ranges of code blocks (from the Markdown parser), then of code spans elsewhere.
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    blocks = [
        (starts[first], starts[min(last, len(starts) - 1)])
        for first, last in code_block_lines(text)
    ]
    spans = []
    position = 0
    for start, end in [*blocks, (len(text), len(text))]:
        spans += [
            (match.start() + position, match.end() + position)
            for match in _CODE_SPAN.finditer(text[position:start])
        ]
        position = max(position, end)
    return sorted(blocks + spans)


def clean_body(text: str) -> str:
    """A comment's Markdown as it may be stored: without controls (newlines and tabs kept) and
    without bidirectional controls outside code."""
    text = remove_controls(text)
    if not _BIDI_CONTROLS.search(text):
        return text
    kept, position = [], 0
    for start, end in _code_ranges(text):
        if start < position:
            continue
        kept += [_BIDI_CONTROLS.sub("", text[position:start]), text[start:end]]
        position = end
    kept.append(_BIDI_CONTROLS.sub("", text[position:]))
    return "".join(kept)


def clean_text(text: str) -> str:
    """A body without code (plain text, imported HTML) as it may be stored: without controls
    (newlines and tabs kept) and without bidirectional controls."""
    return _BIDI_CONTROLS.sub("", remove_controls(text))


def is_blank(text: str) -> bool:
    """Whether ``text`` shows nothing: empty once spaces and invisible characters are removed."""
    return not _INVISIBLE.sub("", text)
