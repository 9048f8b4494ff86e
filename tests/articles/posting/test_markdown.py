"""Attack and behaviour tests for articles.posting.markdown.

The attack table is run through every renderer, and the output is judged by
parsing it (not by substring search), the way a browser would see it: which
elements exist, which attributes they carry, and which URL scheme each href
resolves to. No database or Django settings are needed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from articles.posting.markdown import (
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    LINK_REL,
    PROFILE_HREF,
    mentioned_names,
    render_html_message,
    render_markdown,
    render_plain_text,
    sanitize_html,
)

# --------------------------------------------------------------------------- helpers

# What the output may contain. Kept independent of the module's constants for the
# attribute side so that widening the module's allow-list fails here on purpose.
EXPECTED_ATTRIBUTES = {"a": {"href", "title", "rel"}}

# WHATWG URL parsing drops leading/trailing C0 controls and spaces and removes
# tab/LF/CR anywhere, so "java\tscript:" is a javascript: URL to a browser.
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def url_scheme(href: str) -> str | None:
    """Return the scheme a browser would see in ``href`` (lower-case), or None if relative."""
    url = _TAB_OR_NEWLINE.sub("", href.strip(_C0_AND_SPACE))
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


@dataclass
class HtmlReport:
    """Everything in a fragment that can execute code or load content."""

    tags: list[str] = field(default_factory=list)
    attributes: list[tuple[str, str, str | None]] = field(default_factory=list)
    other_markup: list[str] = field(default_factory=list)

    @property
    def hrefs(self) -> list[str | None]:
        return [value for tag, name, value in self.attributes if name == "href"]


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        # convert_charrefs decodes entities in attribute values, so "&#106;avascript:"
        # is inspected as "javascript:", as a browser would.
        super().__init__(convert_charrefs=True)
        self.report = HtmlReport()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.report.tags.append(tag)
        self.report.attributes.extend((tag, name, value) for name, value in attrs)

    def handle_endtag(self, tag: str) -> None:
        self.report.tags.append(tag)

    def handle_comment(self, data: str) -> None:
        self.report.other_markup.append(f"comment: {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.report.other_markup.append(f"declaration: {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.report.other_markup.append(f"processing instruction: {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.report.other_markup.append(f"unknown declaration: {data!r}")


def inspect_html(fragment: str) -> HtmlReport:
    """Parse ``fragment`` and collect its tags, attributes and non-element markup."""
    inspector = _Inspector()
    inspector.feed(fragment)
    inspector.close()
    return inspector.report


def safety_violations(fragment: str) -> list[str]:
    """Return a human-readable list of every way ``fragment`` breaks the allow-list."""
    report = inspect_html(fragment)
    problems = [f"disallowed tag <{tag}>" for tag in report.tags if tag not in ALLOWED_TAGS]
    problems += report.other_markup
    for tag, name, value in report.attributes:
        if name not in EXPECTED_ATTRIBUTES.get(tag, set()):
            problems.append(f"disallowed attribute {name}={value!r} on <{tag}>")
        elif value is None:
            problems.append(f"valueless attribute {name} on <{tag}>")
        elif name == "href" and url_scheme(value) is None and PROFILE_HREF.fullmatch(value):
            pass  # a member's profile, the one relative link kept (mentions)
        elif name == "href" and url_scheme(value) not in ALLOWED_URL_SCHEMES:
            problems.append(f"href with scheme {url_scheme(value)!r}: {value!r}")
        elif name == "rel" and value != LINK_REL:
            problems.append(f"unexpected rel={value!r}")
    return problems


def assert_safe(fragment: str) -> None:
    problems = safety_violations(fragment)
    assert not problems, f"{problems} in output {fragment!r}"


RENDERERS = [
    pytest.param(render_markdown, id="markdown"),
    pytest.param(sanitize_html, id="sanitize"),
    pytest.param(render_plain_text, id="plain"),
]

# ----------------------------------------------------------------------- attack table

SCHEME_SPELLINGS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#0000106&#0000097vascript:alert(1)",
    "java&#x09;script:alert(1)",
    "java&#10;script:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    " \x01javascript:alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "jav&#x0D;ascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "data:image/png;base64,iVBORw0KGgo=",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "vb&#x73;cript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "\\\\evil.example\\x",
]

# Each template puts one URL in a place where some renderer could turn it into an href.
URL_CONTEXTS = {
    "raw-a": '<a href="{url}">x</a>',
    "raw-a-unquoted": "<a href={url}>x</a>",
    "md-link": "[x]({url})",
    "md-link-angle": "[x](<{url}>)",
    "md-link-titled": '[x]({url} "t")',
    "md-reference": "[x][r]\n\n[r]: {url}",
    "md-autolink": "<{url}>",
    "md-image": "![x]({url})",
    "raw-img": '<img src="{url}">',
}

URL_ATTACKS = [
    pytest.param(template.format(url=url), id=f"{context}-{index}")
    for context, template in URL_CONTEXTS.items()
    for index, url in enumerate(SCHEME_SPELLINGS)
]

MARKUP_ATTACKS = {
    # script / style and friends
    "script": "<script>alert(1)</script>",
    "script-upper-src": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "script-split": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "script-slash-attr": "<script/xss src=x></script>",
    "script-double-open": "<<script>alert(1)//<</script>",
    "script-unclosed": "<script>alert(1)",
    "style": "<style>@import 'https://evil.example/x.css';</style>",
    "style-attr": '<p style="background:url(javascript:alert(1))">x</p>',
    "style-attr-on-a": '<a href="https://ok.example" style="position:fixed;inset:0">x</a>',
    "style-expression": '<b style="width: expression(alert(1))">x</b>',
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "applet": '<applet code="x.class"></applet>',
    "base": '<base href="javascript:/">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "link-stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "form-action": '<form action="javascript:alert(1)"><input type="submit"></form>',
    "button-formaction": '<button formaction="javascript:alert(1)">x</button>',
    "template": "<template><script>alert(1)</script></template>",
    "noscript-mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "textarea-breakout": "<textarea></textarea><script>alert(1)</script>",
    "title-breakout": "<title></title><script>alert(1)</script>",
    "xmp": "<xmp><img src=x onerror=alert(1)></xmp>",
    "plaintext": "<plaintext><img src=x onerror=alert(1)>",
    # event handlers
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-onerror-mixed-case": "<IMG SRC=x OnErRoR=alert(1)>",
    "img-onerror-no-space": "<img src=x onerror=alert(1)//",
    "img-onerror-slash": "<img/src=x/onerror=alert(1)>",
    "body-onload": "<body onload=alert(1)>",
    "body-onload-upper": "<BODY ONLOAD=alert(1)>",
    "a-onclick": '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "a-onclick-upper": '<a href="https://ok.example" ONCLICK="alert(1)">x</a>',
    "a-onclick-mixed": "<a href=https://ok.example oNcLiCk=alert(1)>x</a>",
    "p-onmouseover": "<p onmouseover=alert(1)>x</p>",
    "b-slash-onclick": "<b/onclick=alert(1)>x</b>",
    "details-ontoggle": "<details open ontoggle=alert(1)>",
    "video-source-onerror": "<video><source onerror=alert(1)></video>",
    "input-autofocus": "<input autofocus onfocus=alert(1)>",
    "marquee-onstart": "<marquee onstart=alert(1)>x</marquee>",
    # attributes on allowed tags that are not on the allow-list
    "a-target": '<a href="https://ok.example" target="_blank">x</a>',
    "a-rel-opener": '<a href="https://ok.example" rel="opener">x</a>',
    "a-rel-duplicate": '<a href="https://ok.example" rel="nofollow" rel="opener">x</a>',
    "a-class-id": '<a href="https://ok.example" class="btn" id="login">x</a>',
    "a-ping-download": '<a href="https://ok.example" ping="https://evil.example" download>x</a>',
    "p-class-id": '<p class="x" id="y" data-x="1">x</p>',
    "code-class": '<code class="language-js">x</code>',
    "a-formaction": '<a href="https://ok.example" formaction="javascript:alert(1)">x</a>',
    "a-xlink-href": '<a xlink:href="javascript:alert(1)">x</a>',
    "a-title-breakout": "<a href=https://ok.example title='\"><script>alert(1)</script>'>x</a>",
    # SVG and MathML
    "svg-onload": "<svg onload=alert(1)>",
    "svg-slash-onload": "<svg/onload=alert(1)>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "svg-a-xlink": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "svg-animate": "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "svg-set-href": '<svg><a><set attributeName="href" to="javascript:alert(1)"/>x</a></svg>',
    "svg-foreignobject": "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
    "svg-style-mxss": "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "math-href": '<math href="javascript:alert(1)">x</math>',
    "math-mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "math-form-mxss": (
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>"
    ),
    "math-maction": '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x',
    # broken / unclosed markup
    "unclosed-img": '<img src="x',
    "unclosed-a-js": '<a href="javascript:alert(1)',
    "unclosed-a-ok": "<a href='https://ok.example'>unclosed",
    "unclosed-attr-quote": '<a href="https://ok.example" title="x>y</a><script>alert(1)</script>',
    "stray-end-tags": "</p></a></script><script>alert(1)</script>",
    "nested-a": '<a href="https://a.example"><a href="javascript:alert(1)">x</a></a>',
    "misnested": "<b><i><p>x</b></i></p><em>y",
    # unwrapping these leaves trees a parser cannot rebuild (p in p, a in a, li in li)
    "p-button-p": "<p><button><p>x</p></button></p>",
    "p-object-p": "<p><object><p>x",
    "li-marquee-li": "<ul><li><marquee><li>x</li></marquee></li></ul>",
    "li-table-li": "<li><table><td><li>x",
    "a-marquee-a": "<a href=https://a.example><marquee><a href=javascript:alert(1)>x</a>",
    "a-table-a": "<a href=https://a.example><table><td><a href=https://b.example>y",
    "pre-leading-newlines": "<pre>\n\n\nx</pre>",
    "cr-entities": "a&#13;b&#x0D;<a href='https://x.example/&#13;'>c</a><pre>&#13;\nx</pre>",
    "comment": "<!--<img src=x onerror=alert(1)>-->",
    "comment-breakout": "<!-- --!><img src=x onerror=alert(1)> -->",
    "conditional-comment": "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "processing-instruction": '<?xml version="1.0"?><x:script>alert(1)</x:script>',
    "doctype": "<!DOCTYPE html><html><head><script>alert(1)</script></head></html>",
    "nul-in-tag": "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "nul-in-attr": '<a href="java\x00script:alert(1)">x</a>',
    "lt-without-tag": "1 < 2 > 0 <- -> << >>",
    "entity-soup": "&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt; &#60;b&#62;",
    # markdown-specific
    "md-raw-a": '<a href="https://ok.example">text, since html is disabled</a>',
    "md-raw-a-js": '<a href="javascript:alert(1)">x</a>',
    "md-raw-html-block": "<div>\n<script>alert(1)</script>\n</div>",
    "md-link-text-html": "[<img src=x onerror=alert(1)>](https://ok.example)",
    "md-title-breakout": '[x](https://ok.example "t\\" onclick=\\"alert(1)")',
    "md-href-quote-breakout": '[x](https://ok.example" onclick="alert(1))',
    "md-href-angle-breakout": '[x](<https://ok.example"onclick="alert(1)>)',
    "md-image-onerror": "![x](http://evil.example/x.png onerror=alert(1))",
    "md-image-quote-onerror": '![x](http://evil.example/x.png"onerror="alert(1))',
    "md-image-title-onerror": '![x](http://evil.example/x.png "a\\" onerror=\\"alert(1)")',
    "md-code-span": "`<script>alert(1)</script>`",
    "md-fenced-info": '```"><script>alert(1)</script>\nx\n```',
    "md-fenced-html": "```html\n<script>alert(1)</script>\n```",
    "md-strong-script": "**<script>alert(1)</script>**",
    "md-heading": "# <script>alert(1)</script>",
    "md-setext-heading": "Title\n=====",
    "md-table": "| a | b |\n|---|---|\n| <script> | x |",
    "md-deep-quote": ">" * 500 + " x",
    "md-deep-list": "".join("  " * depth + "- x\n" for depth in range(200)),
    "md-deep-emphasis": "*" * 1000 + "x" + "*" * 1000,
    "md-many-brackets": "[" * 1000 + "x" + "](https://ok.example)" * 10,
    "md-linebreak-in-url": "[x](java\nscript:alert(1))",
    "md-html-entity-link-text": "[&lt;script&gt;](https://ok.example)",
    "md-percent-encoded-scheme": "[x](javascript%3Aalert(1))",
    "md-bare-url": "https://ok.example/?q=<script>alert(1)</script>",
    # mentions: "@name" links to /users/name/, the one relative link allowed
    "mention-quote-breakout": '@bob"onmouseover="alert(1)',
    "mention-angle": "@bob<script>alert(1)</script>",
    "mention-in-link": "[@bob](javascript:alert(1))",
    "mention-dots": "@.. @../admin @bob/../../x",
    "mention-percent": "@%2e%2e @%2F%2Fevil.example",
    "mention-unicode-rtl": "@bob\u202egnp.exe @\u0000bob",
    "relative-protocol": '<a href="//evil.example">x</a> [y](//evil.example) [z](/\\evil.example)',
    "relative-users-traversal": '<a href="/users/../admin/">x</a> <a href="/users/a/b/">y</a>',
    "relative-users-backslash": '<a href="/users/a\\b/">x</a> [y](/users/%2F%2Fevil/)',
    "relative-other-path": '<a href="/admin/">x</a> [y](/accounts/settings/data/)',
}

ATTACKS = URL_ATTACKS + [pytest.param(payload, id=name) for name, payload in MARKUP_ATTACKS.items()]


@pytest.mark.parametrize("render", RENDERERS)
@pytest.mark.parametrize("payload", ATTACKS)
def test_attack_output_is_safe_and_a_sanitize_fixed_point(render, payload):
    output = render(payload)
    assert_safe(output)
    assert sanitize_html(output) == output


def test_random_mixtures_of_attack_fragments_are_safe_and_stable():
    """Splice fragments together, since many parser confusions need two tricks at once."""
    fragments = [param.values[0] for param in ATTACKS] + ["\n\n", "\n", "> ", "- ", "**", "`"]
    rng = random.Random(20240601)
    for _ in range(300):
        payload = "".join(rng.choice(fragments) for _ in range(rng.randint(2, 6)))
        for render in (render_markdown, sanitize_html, render_plain_text):
            output = render(payload)
            assert_safe(output)
            assert sanitize_html(output) == output, payload


# ------------------------------------------------------------- the checker itself


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ('<a href="https://x">x</a>', []),
        ("<script>x</script>", ["disallowed tag <script>", "disallowed tag <script>"]),
        ('<p onclick="x">x</p>', ["disallowed attribute onclick='x' on <p>"]),
        ('<a href="&#106;avascript:x">x</a>', ["href with scheme 'javascript': 'javascript:x'"]),
        ('<a href=" java\tscript:x">x</a>', ["href with scheme 'javascript': ' java\\tscript:x'"]),
        ('<a href="/relative">x</a>', ["href with scheme None: '/relative'"]),
        ("<!-- x -->", ["comment: ' x '"]),
    ],
)
def test_safety_checker_catches_what_a_browser_would_run(fragment, expected):
    """A checker that sees nothing would make every attack test pass vacuously."""
    assert safety_violations(fragment) == expected


# ------------------------------------------------------------------- positive tests

REL = f'rel="{LINK_REL}"'


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("**bold**", "<p><strong>bold</strong></p>\n"),
        ("__bold__", "<p><strong>bold</strong></p>\n"),
        ("*em*", "<p><em>em</em></p>\n"),
        ("_em_", "<p><em>em</em></p>\n"),
        ("~~gone~~", "<p><s>gone</s></p>\n"),
        ("`a < b`", "<p><code>a &lt; b</code></p>\n"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"),
        ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"),
        ("3. three\n4. four", "<ol>\n<li>three</li>\n<li>four</li>\n</ol>\n"),
        ("    x = 1 < 2", "<pre><code>x = 1 &lt; 2\n</code></pre>\n"),
        (
            "```python\nif a < b:\n    pass\n```",
            "<pre><code>if a &lt; b:\n    pass\n</code></pre>\n",
        ),
        ("> quoted\n> text", "<blockquote>\n<p>quoted\ntext</p>\n</blockquote>\n"),
        (
            "> outer\n>> inner",
            "<blockquote>\n<p>outer</p>\n<blockquote>\n<p>inner</p>\n</blockquote>\n</blockquote>\n",
        ),
        ("one\n\ntwo", "<p>one</p>\n<p>two</p>\n"),
        ("soft\nbreak", "<p>soft\nbreak</p>\n"),
        ("hard  \nbreak", "<p>hard<br>\nbreak</p>\n"),
        ("above\n\n---\n\nbelow", "<p>above</p>\n<hr>\n<p>below</p>\n"),
        (
            "[site](https://example.com/a?b=1&c=2)",
            f'<p><a href="https://example.com/a?b=1&amp;c=2" {REL}>site</a></p>\n',
        ),
        (
            '[site](http://example.com "Title")',
            f'<p><a href="http://example.com" title="Title" {REL}>site</a></p>\n',
        ),
        (
            "<https://example.com>",
            f'<p><a href="https://example.com" {REL}>https://example.com</a></p>\n',
        ),
        (
            "[mail me](mailto:me@example.com)",
            f'<p><a href="mailto:me@example.com" {REL}>mail me</a></p>\n',
        ),
        ("<me@example.com>", f'<p><a href="mailto:me@example.com" {REL}>me@example.com</a></p>\n'),
        (
            "[x][r]\n\n[r]: https://example.com",
            f'<p><a href="https://example.com" {REL}>x</a></p>\n',
        ),
        ("Tom & Jerry \"quoted\" 'single'", "<p>Tom &amp; Jerry \"quoted\" 'single'</p>\n"),
    ],
)
def test_markdown_renders_supported_syntax(source, expected):
    assert render_markdown(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Title", "<p># Title</p>\n"),
        (
            "![alt](https://example.com/x.png)",
            f'<p>!<a href="https://example.com/x.png" {REL}>alt</a></p>\n',
        ),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        # Relative links have no scheme to vet; the link text survives, the href does not.
        ("[x](/articles/1/)", f"<p><a {REL}>x</a></p>\n"),
    ],
)
def test_markdown_unsupported_syntax_degrades_to_text(source, expected):
    assert render_markdown(source) == expected


@pytest.mark.parametrize(
    ("source", "expected_text"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<a href="/about/">x</a>', '&lt;a href="/about/"&gt;x&lt;/a&gt;'),
        ("<b>not bold</b>", "&lt;b&gt;not bold&lt;/b&gt;"),
        ("<!-- hidden -->", "&lt;!-- hidden --&gt;"),
    ],
)
def test_markdown_shows_typed_html_as_text(source, expected_text):
    output = render_markdown(source)
    assert output == f"<p>{expected_text}</p>\n"
    assert inspect_html(output).tags == ["p", "p"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "https://example.com",
            f'<p><a href="https://example.com" {REL}>https://example.com</a></p>\n',
        ),
        (
            "mail me@example.com or see www.zdnet.com.",
            f'<p>mail <a href="mailto:me@example.com" {REL}>me@example.com</a> or see'
            f' <a href="http://www.zdnet.com" {REL}>www.zdnet.com</a>.</p>\n',
        ),
        # Typed markup stays text; only the address in it becomes a link.
        (
            '<a href="https://example.com">x</a>',
            f'<p>&lt;a href="<a href="https://example.com" {REL}>https://example.com</a>"&gt;'
            "x&lt;/a&gt;</p>\n",
        ),
        ("`https://example.com`", "<p><code>https://example.com</code></p>\n"),
        ("javascript:alert(1)", "<p>javascript:alert(1)</p>\n"),
    ],
)
def test_markdown_links_bare_addresses(source, expected):
    assert render_markdown(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('<a href="https://x.example">x</a>', f'<a href="https://x.example" {REL}>x</a>'),
        ('<a href="HTTPS://X.example">x</a>', f'<a href="HTTPS://X.example" {REL}>x</a>'),
        ('<a href="mailto:a@b.example">x</a>', f'<a href="mailto:a@b.example" {REL}>x</a>'),
        (
            '<a href="https://x.example" rel="opener">x</a>',
            f'<a href="https://x.example" {REL}>x</a>',
        ),
        (f'<a href="https://x.example" {REL}>x</a>', f'<a href="https://x.example" {REL}>x</a>'),
        ('<a href="/relative">x</a>', f"<a {REL}>x</a>"),
        ('<a href="javascript:alert(1)">x</a>', f"<a {REL}>x</a>"),
        ("<p>a<br>b</p><hr>", "<p>a<br>b</p><hr>"),
        ("<b>b</b><i>i</i><del>d</del><s>s</s>", "<b>b</b><i>i</i><del>d</del><s>s</s>"),
        ("<div><span>kept text</span></div>", "kept text"),
        ("<h1>heading</h1>", "heading"),
        ("<script>alert(1)</script>after", "after"),
        ("<style>p{}</style>after", "after"),
        ("<p>unclosed", "<p>unclosed</p>"),
        ("<pre>\nx</pre>", "<pre>x</pre>"),
        # The parser eats one LF after <pre>, so a kept leading LF must be written twice.
        ("<pre>\n\nx</pre>", "<pre>\n\nx</pre>"),
        ("a&#13;b", "a&#13;b"),
        ("<p><button><p>x</p></button></p>", "<p></p><p>x</p><p></p>"),
        (
            '<a href="https://x.example" title="<pre>\n">x</a>',
            f'<a href="https://x.example" title="&lt;pre&gt;\n" {REL}>x</a>',
        ),
    ],
)
def test_sanitize_html(source, expected):
    assert sanitize_html(source) == expected


def test_sanitize_html_output_is_idempotent_for_rendered_markdown():
    source = '**b** *i* ~~s~~ `c`\n\n- [l](https://x.example "t")\n\n> q\n\n```\n<p>\n```\n\n---'
    once = render_markdown(source)
    assert sanitize_html(once) == once
    assert sanitize_html(sanitize_html(once)) == once


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("", ""),
        ("   \n\n  \n", ""),
        ("one line", "<p>one line</p>"),
        ("first\nsecond", "<p>first<br>\nsecond</p>"),
        ("para one\n\npara two", "<p>para one</p>\n<p>para two</p>"),
        ("a\nb\n\n\n\nc\nd", "<p>a<br>\nb</p>\n<p>c<br>\nd</p>"),
        ("windows\r\nline\r\n\r\npara", "<p>windows<br>\nline</p>\n<p>para</p>"),
        ("old mac\rline", "<p>old mac<br>\nline</p>"),
        ("a\n \t \nb", "<p>a</p>\n<p>b</p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        (
            "**not markdown** [x](https://x.example)",
            "<p>**not markdown** [x](https://x.example)</p>",
        ),
        ("Tom & Jerry \"q\" 'a'", "<p>Tom &amp; Jerry \"q\" 'a'</p>"),
        ("&lt;already escaped&gt;", "<p>&amp;lt;already escaped&amp;gt;</p>"),
        ("non\u00a0breaking", "<p>non&nbsp;breaking</p>"),
    ],
)
def test_render_plain_text(source, expected):
    output = render_plain_text(source)
    assert output == expected
    assert sanitize_html(output) == output


# --- render_html_message (imported Disqus/WordPress messages) ---------------------------------


def test_imported_html_messages_are_sanitised():
    html = render_html_message('<p onclick="x()">Hi <script>alert(1)</script><b>you</b></p>')
    assert html == "<p>Hi <b>you</b></p>"


def test_imported_messages_without_blocks_get_paragraphs_and_line_breaks():
    assert render_html_message("one\ntwo\n\n<i>three</i>") == (
        "<p>one<br>\ntwo</p>\n<p><i>three</i></p>"
    )
    assert render_html_message("  \n ") == ""


def test_rendered_messages_are_stable_when_imported_again():
    stored = render_markdown("**a**\n\nb")
    assert render_html_message(stored) == stored


# ------------------------------------------------------------------------------ mentions


@pytest.mark.parametrize(
    ("source", "expected_names", "expected_html"),
    [
        (
            "hi @bob",
            ["bob"],
            '<p>hi <a href="/users/bob/" rel="nofollow ugc noopener">@bob</a></p>',
        ),
        ("thanks @bob.", ["bob"], "@bob</a>.</p>"),
        ("@Zoë and @zoë", ["Zoë", "zoë"], '<a href="/users/Zo%C3%AB/"'),
        ("mail ann@example.com", [], "ann@example.com"),
        ("`@code` and\n\n    @indented", [], "<code>@code</code>"),
        ("[a @link](https://x.example)", [], "a @link</a>"),
        ("\\@escaped", [], "<p>@escaped</p>"),
        ("@@double", [], "<p>@@double</p>"),
        ("@a.b-", ["a.b"], '<a href="/users/a.b/"'),
    ],
)
def test_mentions_link_to_profiles_outside_code_and_links(source, expected_names, expected_html):
    html = render_markdown(source)
    assert mentioned_names(source) == expected_names
    assert expected_html in html
    assert_safe(html)
    assert sanitize_html(html) == html


def test_only_profile_paths_survive_as_relative_links():
    html = sanitize_html(
        '<a href="/users/bob/">a</a><a href="/users/../">b</a><a href="/admin/">c</a>'
        '<a href="//evil.example/users/x/">d</a><a href="/users/x/?next=//evil">e</a>'
    )
    assert re.findall(r'href="([^"]*)"', html) == ["/users/bob/"]


def test_the_mention_link_is_the_profile_url(settings):
    from django.urls import reverse

    assert reverse("user_profile", args=["bob"]) == "/users/bob/"
