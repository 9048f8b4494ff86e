"""Turn user-written text into HTML that is safe to emit unescaped.

Every path that produces HTML from user input goes through this module, and every
path ends in :func:`sanitize_html`, so the allow-list below is the single place
that decides what may reach a page. Markdown is rendered with raw HTML disabled
*and* sanitised afterwards: the renderer's own link validation is a convenience,
the sanitiser is the security boundary.

The module is deliberately free of Django imports so it can be tested without
settings or a database.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "LINK_REL",
    "PROFILE_HREF",
    "code_block_lines",
    "has_block_markup",
    "mentioned_names",
    "quote_markdown",
    "render_article_markdown",
    "render_html_message",
    "render_markdown",
    "render_plain_text",
    "sanitize_html",
]

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "hr",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "ul",
    }
)

# ``rel`` is deliberately absent: nh3 refuses ``rel`` in the allow-list while
# ``link_rel`` is set, and stripping the user's rel before adding ours is what
# keeps repeated sanitising stable.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {"a": frozenset({"href", "title"})}

ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

LINK_REL = "nofollow ugc noopener"

# "@name" in a comment links to the member's profile (the URL of ``user_profile``, checked by a
# test). A name is what usernames allow (letters, digits, "." "+" "-" "_"), not ending in
# punctuation ("thanks @bob." mentions bob); not after a letter, digit or "@", so addresses
# ("ann@example.com") are not mentions. "\\@bob" is an escaped "@", no mention.
PROFILE_PREFIX = "/users/"
_MENTION = re.compile(r"(?<![\w@.+/-])@(\w(?:[\w.+-]*\w)?)")
# The only relative links the sanitiser keeps: a profile, its name percent-encoded.
PROFILE_HREF = re.compile(r"/users/(?!\.+/)[A-Za-z0-9%._~+-]+/")
_ALLOWED_SCHEME = re.compile(r"(?:https?|mailto):", re.IGNORECASE)

# Elements whose content is code or fallback markup rather than prose; merely
# unwrapping them would dump a script body or escaped tags into the comment.
_DROP_WITH_CONTENT = frozenset(
    {"script", "style", "template", "iframe", "noscript", "noembed", "noframes", "xmp"}
)


def _profile_links_only(tag: str, attribute: str, value: str) -> str | None:
    # nh3 has already dropped URLs with a scheme it does not allow; of the relative ones
    # ("/x", "//evil.example", "/\\evil", "java%09script:"), which have no scheme to check, only
    # a profile's exact path survives.
    if attribute in ("href", "src") and not _ALLOWED_SCHEME.match(value):
        return value if tag == "a" and PROFILE_HREF.fullmatch(value) else None
    return value


# Built once: constructing a Cleaner copies every set into Rust, which is wasted
# work on each post.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_DROP_WITH_CONTENT),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_profile_links_only,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel=LINK_REL,
    url_relative="pass_through",
    strip_comments=True,
)


def _mention_tokens(text: str) -> list[Token] | None:
    pieces, last = [], 0
    for found in _MENTION.finditer(text):
        if found.start() > last:
            piece = Token("text", "", 0)
            piece.content = text[last : found.start()]
            pieces.append(piece)
        link = Token("link_open", "a", 1)
        link.attrs = {"href": f"{PROFILE_PREFIX}{quote(found[1], safe='')}/"}
        link.meta = {"mention": found[1]}
        label = Token("text", "", 0)
        label.content = found[0]
        pieces += [link, label, Token("link_close", "a", -1)]
        last = found.end()
    if not pieces:
        return None
    if last < len(text):
        rest = Token("text", "", 0)
        rest.content = text[last:]
        pieces.append(rest)
    return pieces


def _mentions(state: StateCore) -> None:
    # Text inside links and code is left alone; an escaped "@" is a separate token, not text.
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, depth = [], 0
        for token in block.children:
            if token.type == "link_open":
                depth += 1
            elif token.type == "link_close":
                depth -= 1
            replaced = None
            if token.type == "text" and depth == 0 and "@" in token.content:
                replaced = _mention_tokens(token.content)
            children.extend(replaced or [token])
        block.children = children


# linkify (linkify-it-py) turns bare addresses ("https://…", "www.…", "a@b.example") into links,
# as readers expect; what it makes goes through the sanitiser like any other link.
_md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
_md.enable(["strikethrough", "linkify"])
# Headings would let one comment shout over the whole thread, and images would
# let a comment load third-party content in every reader's browser (tracking,
# oversized files). With these rules off the source stays visible as text,
# and "![alt](url)" degrades to "!" followed by an ordinary link.
_md.disable(["heading", "lheading", "image"])
_md.core.ruler.after("linkify", "mention", _mentions)

# Articles are written by editors, not readers: they may have headings and images, though
# images only from https addresses (no mixed content, no data: or tracking over plain http).
ARTICLE_TAGS: frozenset[str] = ALLOWED_TAGS | {"h2", "h3", "h4", "h5", "h6", "img"}
ARTICLE_ATTRIBUTES: dict[str, frozenset[str]] = {
    **ALLOWED_ATTRIBUTES,
    "img": frozenset({"src", "alt", "title"}),
}


def _https_images_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.lower().startswith("https://"):
        return None
    return value


_ARTICLE_CLEANER = nh3.Cleaner(
    tags=set(ARTICLE_TAGS),
    clean_content_tags=set(_DROP_WITH_CONTENT),
    attributes={tag: set(attrs) for tag, attrs in ARTICLE_ATTRIBUTES.items()},
    attribute_filter=_https_images_only,
    url_schemes=set(ALLOWED_URL_SCHEMES),
    link_rel=LINK_REL,
    # Relative and protocol-relative hrefs ("/x", "//evil.example", "java%09script:")
    # have no scheme to check, so only absolute URLs with an allowed scheme survive.
    url_relative="deny",
    strip_comments=True,
)

# Bare addresses become links in articles as in comments.
_article_md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
_article_md.enable(["strikethrough", "linkify"])

_MAX_EXTRA_PASSES = 4

_BLANK_LINE = re.compile(r"\n[ \t]*\n")

# A message that has any of these lays out its own paragraphs.
_BLOCK_TAG = re.compile(r"<\s*(?:p|div|blockquote|pre|ul|ol|li|h[1-6]|table|hr)\b", re.IGNORECASE)


def _clean_once(html_fragment: str, cleaner: nh3.Cleaner = _CLEANER) -> str:
    cleaned = cleaner.clean(html_fragment)
    # html5ever writes a CR that came from "&#13;" back out raw, and re-parsing
    # turns it into LF; the entity survives a round trip unchanged.
    cleaned = cleaned.replace("\r", "&#13;")
    # Parsers drop one LF straight after <pre>, and html5ever does not write the
    # compensating extra LF the HTML serialisation algorithm asks for. A literal
    # "<pre>" can only be the tag itself: nh3 escapes "<" in text and attributes.
    return cleaned.replace("<pre>\n", "<pre>\n\n")


def sanitize_html(html_fragment: str) -> str:
    """Return ``html_fragment`` reduced to the allow-list, safe to mark as safe.

    Only :data:`ALLOWED_TAGS` survive (others are unwrapped, keeping their text,
    except script-like elements which are removed with their content), only
    ``href``/``title`` on ``<a>``, only absolute ``http``/``https``/``mailto``
    URLs, and every ``<a>`` gets ``rel="nofollow ugc noopener"``.

    The function is idempotent: feeding its output back in returns it unchanged,
    so stored HTML may be re-sanitised (e.g. after an allow-list change) safely.
    """
    return _sanitize(html_fragment, _CLEANER)


def _sanitize(html_fragment: str, cleaner: nh3.Cleaner) -> str:
    cleaned = _clean_once(html_fragment, cleaner)
    # Unwrapping a disallowed element can leave a tree no parser would build,
    # e.g. "<p><button><p>x" becomes "<p><p>x</p></p>", which the next parse
    # splits into siblings. Re-cleaning until the output stops changing makes the
    # result one that parses back to itself; in practice the second pass is final.
    for _ in range(_MAX_EXTRA_PASSES):
        again = _clean_once(cleaned, cleaner)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


def render_markdown(text: str) -> str:
    """Render user-written CommonMark (plus ``~~strikethrough~~``) to safe HTML.

    Raw HTML in ``text`` is not interpreted: it appears escaped, as typed.
    Headings and images are not supported and render as their literal source.
    """
    return sanitize_html(_md.render(text))


def render_article_markdown(text: str) -> str:
    """Render an article's Markdown as :func:`render_markdown` does, with headings (an ``#``
    heading becomes ``<h2>``: the page's ``<h1>`` is the title) and https images allowed."""
    html_fragment = _article_md.render(text).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return _sanitize(html_fragment, _ARTICLE_CLEANER)


def render_plain_text(text: str) -> str:
    """Render plain text (e.g. imported legacy comments) to safe HTML.

    Everything is escaped; blocks separated by blank lines become ``<p>``
    paragraphs and single newlines inside a block become ``<br>``. The result is
    passed through :func:`sanitize_html` so it is byte-for-byte what a later
    re-sanitise would produce (the serialiser normalises quotes, NBSP, NUL, ...).
    """
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in _BLANK_LINE.split(normalised):
        lines = [line.strip() for line in block.strip().split("\n")]
        if lines == [""]:
            continue
        escaped = "<br>\n".join(html.escape(line, quote=False) for line in lines)
        paragraphs.append(f"<p>{escaped}</p>")
    return sanitize_html("\n".join(paragraphs))


def render_html_message(fragment: str) -> str:
    """Render a message imported as HTML (Disqus, WordPress) to safe HTML.

    Such exports keep line breaks the way their site showed them: when the message has no
    block elements of its own, blank lines separate paragraphs and single newlines are line
    breaks (what WordPress' wpautop does). Either way the result is :func:`sanitize_html`'s.
    """
    normalised = fragment.replace("\r\n", "\n").replace("\r", "\n")
    if not normalised.strip():
        return ""
    if not _BLOCK_TAG.search(normalised):
        blocks = (block.strip() for block in _BLANK_LINE.split(normalised.strip()))
        normalised = "\n".join(
            "<p>" + block.replace("\n", "<br>\n") + "</p>" for block in blocks if block
        )
    return sanitize_html(normalised)


def has_block_markup(fragment: str) -> bool:
    """Whether an HTML fragment lays out its own paragraphs (see render_html_message)."""
    return bool(_BLOCK_TAG.search(fragment))


def code_block_lines(text: str) -> list[tuple[int, int]]:
    """The lines of Markdown ``text`` that its code blocks (fenced or indented) take, as
    ``(first, past_last)`` line numbers counted from 0, as the renderer reads them."""
    return [
        (token.map[0], token.map[1])
        for token in _md.parse(text)
        if token.type in ("fence", "code_block") and token.map
    ]


def mentioned_names(text: str) -> list[str]:
    """The names ``text`` (Markdown) mentions as "@name", as :func:`render_markdown` links them
    (not in code, links or after an escaped "@"), each once, in order."""
    names: dict[str, None] = {}
    for block in _md.parse(text):
        for token in block.children or ():
            if token.type == "link_open" and "mention" in token.meta:
                names.setdefault(token.meta["mention"], None)
    return list(names)


def quote_markdown(text: str) -> str:
    """``text`` (Markdown) as a Markdown quote to reply under: every line behind "> ", then a
    blank line for the reply."""
    lines = text.strip().splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines) + "\n\n"
