"""A thread's comments as HTML, fast enough for 10,000 comments on one page.

The markup is in ``templates/articles/_comment_parts.html``: named parts with ``{field}``
placeholders, as for ``str.format``. Rendering each comment through Django's template engine
(an ``{% include %}`` per comment) cost about 0.5 ms a comment, seconds for a big thread;
Jinja2 was still 10 times slower than ``str.format``, about 3 µs a comment. User-written values
are escaped here, except ``body_html``, sanitised when it was written (posting/markdown.py).
"""

import functools
import html
import operator
import re
from collections.abc import Callable, Iterable
from string import Formatter
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from articles.permissions import VISIBLE, can_report_comment, can_vote_comment
from articles.threads.viewer import ANONYMOUS, Viewer

PARTS_FILE = settings.BASE_DIR / "templates" / "articles" / "_comment_parts.html"
# "<!-- part: NAME -->", or "<!-- part: NAME (a note) -->".
_PART_MARKER = re.compile(r"^<!-- part: (\w+)(?: \([^)\n]*\))? -->\n", re.MULTILINE)
_FIELD = re.compile(r"[a-z_]+")
_NEEDS_ESCAPING = re.compile(r"[&<>\"']")
_URL_PK = 9_876_543_210  # stands for the pk in a reversed URL, split out again below


def _checked(name: str, part: str) -> Callable[..., str]:
    # Only plain {name} fields: str.format would also reach into attributes ({x.y}) and items.
    for _, field, spec, conversion in Formatter().parse(part):
        if field is not None and (not _FIELD.fullmatch(field) or spec or conversion):
            raise ImproperlyConfigured(f"{PARTS_FILE}, part {name}: bad field {{{field}}}")
    return part.format


def _read_parts() -> dict[str, Callable[..., str]]:
    _, *pieces = _PART_MARKER.split(PARTS_FILE.read_text(encoding="utf-8"))
    return {
        name: _checked(name, body.removesuffix("\n"))
        for name, body in zip(pieces[::2], pieces[1::2], strict=True)
    }


_cached_parts = functools.cache(_read_parts)


def _parts() -> dict[str, Callable[..., str]]:
    # Re-read on every render while developing, so edits show without a restart.
    return _read_parts() if settings.DEBUG else _cached_parts()


def _escape(text: str) -> str:
    # Most titles and names need no escaping, and the search is cheaper than html.escape.
    return html.escape(text) if _NEEDS_ESCAPING.search(text) else text


def _pk_url_around(name: str) -> tuple[str, str]:
    # reverse() costs ~20 µs: too much twice per comment on a 10,000-comment page.
    prefix, suffix = reverse(name, args=[_URL_PK]).split(str(_URL_PK))
    return prefix, suffix


def _pk_url(name: str) -> Callable[[int], str]:
    prefix, suffix = _pk_url_around(name)
    return lambda pk: f"{prefix}{pk}{suffix}"


def _with_pk_urls(part: Callable[..., str], **names: str) -> Callable[..., str]:
    # The part with each URL field written out around its {pk}: per comment, a call and a
    # field fewer for each.
    text = part.__self__  # the part's str, whose bound format method it is
    for field, name in names.items():
        prefix, suffix = _pk_url_around(name)
        text = text.replace(f"{{{field}}}", prefix.replace("{", "{{") + "{pk}" + suffix)
    return text.format


# The values the comment part is filled with, in the order thread_markup passes them.
_COMMENT_FIELDS = (
    *("pk", "open", "pinned", "title", "author", "created_iso", "created_display", "new"),
    *("edited", "score", "reply_count", "low_score", "origin", "body_html", "vote", "profile"),
    *("tools", "mod_tools", "continue_link", "end"),
)


def _positional(name: str, part: Callable[..., str], fields: tuple[str, ...]):
    # The part as a function of the values of ``fields``, in that order: %-formatting a tuple
    # takes a quarter of the time of str.format with 20 keywords, some 35 ms of a
    # 10,000-comment page.
    pieces, order = [], []
    for literal, field, _, _ in Formatter().parse(part.__self__):
        pieces.append(literal.replace("%", "%%"))
        if field is not None:
            if field not in fields:
                raise ImproperlyConfigured(f"{PARTS_FILE}, part {name}: unknown field {{{field}}}")
            pieces.append("%s")
            order.append(fields.index(field))
    template = "".join(pieces)
    if len(order) == 1:  # itemgetter of one index gives the value, not a tuple
        (index,) = order
        return lambda *values: template % (values[index],)
    pick = operator.itemgetter(*order)
    return lambda *values: template % pick(values)


def _profile_link(part: Callable[..., str]) -> Callable[[str, bool], str]:
    # A member's profile; none for an imported author or a deleted account. Built from one
    # reverse(), like the permalinks.
    prefix, suffix = reverse("user_profile", args=["~"]).split("~")

    def profile_link(name: str, member: bool) -> str:
        return part(url=f"{prefix}{_escape(quote(name, safe=''))}{suffix}") if member else ""

    return profile_link


class _Scores:
    """A comment's score as shown (or "&bull;" with ``COMMENT_SHOW_SCORES`` off), and whether it
    starts collapsed (below ``COMMENT_COLLAPSE_BELOW``); worked out once per score, since
    most comments of a big thread share a few."""

    def __init__(self, parts):
        self.part, self.shown = parts["score"], settings.COMMENT_SHOW_SCORES
        self.open, self.low_score = parts["details_open"](), parts["low_score"]()
        self.below = settings.COMMENT_COLLAPSE_BELOW
        self.cache: dict[int, tuple[str, str, str]] = {}

    def __call__(self, score: int) -> tuple[str, str, str]:
        """(the score part, the details' "open" attribute, the low-score note)."""
        found = self.cache.get(score)
        if found is None:
            points = ("1 point" if score == 1 else f"{score} points") if self.shown else "&bull;"
            low = score < self.below
            found = self.cache[score] = (
                self.part(points=points),
                "" if low else self.open,
                self.low_score if low else "",
            )
        return found


def render_thread(comments: Iterable, viewer: Viewer = ANONYMOUS, **options) -> SafeString:
    """:func:`thread_markup` as text for a template."""
    # Escaped and sanitised in thread_markup.
    return mark_safe(thread_markup(comments, viewer, **options))  # noqa: S308


def thread_bytes(comments: Iterable, viewer: Viewer = ANONYMOUS, **options) -> bytes:
    """:func:`thread_markup` encoded, for a page that puts it in as bytes (the article page):
    made safe for a template, 8 MB of a 10,000-comment thread would be copied once more."""
    return thread_markup(comments, viewer, **options).encode()


def thread_markup(
    comments: Iterable,
    viewer: Viewer = ANONYMOUS,
    *,
    thread_open: bool = True,
    new_since: str | None = None,
) -> str:
    """The comments (``records.ThreadComment``, in thread order with their nesting marks, as
    the selector prepared them for ``viewer``) as one ``<ol class="thread">``, escaped and
    sanitised HTML; an empty string when there are none. ``thread_open``: the article takes
    comments (and votes). ``new_since``: a signed-in reader's previous visit
    ("YYYY-MM-DDTHH:MM:SSZ"; ``created_iso`` is "YYYY-MM-DDTHH:MMZ"): later comments, and those
    of the same minute, are marked new.

    For an anonymous viewer the result is the same for every reader (it is cached): the parts of
    the file marked "per reader" are used only for a signed-in ``viewer``.

    Longer than most functions on purpose: the loop runs once per comment of pages of 10,000
    comments, with every part bound to a local name; a helper call per comment would cost more
    than the formatting itself.
    """
    parts = _parts()
    comment = _positional(
        "comment",
        _with_pk_urls(parts["comment"], permalink="comment_detail", reply_url="comment_reply"),
        _COMMENT_FIELDS,
    )
    tombstone = parts["tombstone"]
    replies, continue_link, origin = parts["replies"], parts["continue_link"], parts["origin"]
    one_reply, edited = parts["one_reply"](), parts["edited"]()
    open_replies, close_comment = parts["open_replies"](), parts["close_comment"]()
    close_replies = parts["close_replies"]()
    permalink = _pk_url("comment_detail")
    reader_tools = None
    if viewer.user_id is not None:
        reader_tools = _ReaderTools(parts, viewer, thread_open=thread_open)
    tools = mod_tools = vote = ""  # an anonymous reader's
    scores, pinned, title_part = _Scores(parts), parts["pinned"](), parts["title"]
    new_badge = parts["new_badge"]() if new_since else ""
    # A few hundred people write most of a big thread: (name, member) -> (name, profile link).
    bylines: dict[tuple[str, bool], tuple[str, str]] = {}
    profile_link = _profile_link(parts["profile_link"])
    out = [parts["thread_start"]()]
    for c in comments:
        count = c.replies
        reply_count = replies(count=count) if count > 1 else (one_reply if count else "")
        end = open_replies if c.opens else close_comment + close_replies * c.closers
        more = continue_link(permalink=permalink(c.pk)) if c.continues else ""
        if not c.shown:
            out.append(
                tombstone(
                    pk=c.pk, label=c.label, reply_count=reply_count, continue_link=more, end=end
                )
            )
            continue
        member = c.author_id is not None
        byline = bylines.get((c.author, member))
        if byline is None:
            byline = bylines[c.author, member] = (
                _escape(c.author),
                profile_link(c.author, member),
            )
        author, profile = byline
        # No heading rather than "(untitled)".
        title = title_part(title=_escape(c.title)) if c.title else ""
        if reader_tools is not None:
            tools, mod_tools = reader_tools.tools(c), reader_tools.mod_tools(c)
            vote = reader_tools.vote(c)
        if c.state != VISIBLE:  # only ever shown to a signed-in reader
            out.append(
                reader_tools.held(
                    c,
                    title=title,
                    author=author,
                    profile=profile,
                    reply_count=reply_count,
                    permalink=permalink(c.pk),
                    tools=tools,
                    mod_tools=mod_tools,
                    continue_link=more,
                    end=end,
                )
            )
            continue
        score, details_open, low_score = scores(c.upvotes - c.downvotes)
        out.append(
            comment(  # in the order of _COMMENT_FIELDS
                c.pk,
                details_open,
                pinned if c.pinned else "",
                title,
                author,
                c.created_iso,  # digits and letters, formatted by the selector
                c.created_display,
                # ISO times in UTC compare as strings. The comment's is to the minute, the
                # visit's to the second: a comment of the very minute of the last visit is
                # marked new even if it came just before it; a new one is never missed.
                new_badge if new_since and c.created_iso > new_since else "",
                edited if c.edited else "",
                score,
                reply_count,
                low_score,
                origin(source=_escape(c.origin)) if c.import_key else "",
                c.body_html,
                vote,
                profile,
                tools,
                mod_tools,
                more,
                end,
            )
        )
    if len(out) == 1:
        return ""
    out.append(parts["thread_end"]())
    # Escaped above, bodies sanitised when written.
    return "".join(out)


class _ReaderTools:
    """The parts of a comment that depend on who reads it: their own comment's notice and
    tools, the report link, a moderator's label and tools."""

    def __init__(self, parts, viewer: Viewer, *, thread_open: bool):
        self.viewer = viewer
        self.sanctioned = viewer.sanction is not None
        self.thread_open = thread_open
        self.vote_buttons, self.vote_up, self.vote_down = (
            parts["vote_buttons"],
            parts["vote_up"],
            parts["vote_down"] if settings.COMMENT_DOWNVOTES else None,
        )
        self.awaiting_review = parts["awaiting_review"]()
        self.moderated = parts["moderated"]()
        self.state_label = parts["state_label"]
        self.edit_link, self.delete_link = parts["edit_link"], parts["delete_link"]
        self.report_link, self.mod_tools_part = parts["report_link"], parts["mod_tools"]
        self.mod_author, self.mod_branch = parts["mod_author"], parts["mod_branch"]()
        self.mod_pin = parts["mod_pin"]
        self.edit_url, self.delete_url = _pk_url("comment_edit"), _pk_url("comment_delete")
        self.report_url = _pk_url("comment_report")
        self.admin_url = _pk_url("admin:articles_comment_change")
        self.held_comment, self.origin = parts["held_comment"], parts["origin"]
        self.edited = parts["edited"]()

    def held(self, c, **shown) -> str:
        """A comment readers do not see, as its author or a moderator does: with its state and,
        for its author, the notice that it awaits review. ``shown`` holds the parts already
        worked out for every comment."""
        return self.held_comment(
            css=self.moderated if c.label else "",
            label=self.state_label(label=c.label) if c.label else "",
            notice=self.awaiting_review if c.awaiting_review else "",
            pk=c.pk,
            created_iso=c.created_iso,
            created_display=c.created_display,
            edited=self.edited if c.edited else "",
            origin=self.origin(source=_escape(c.origin)) if c.import_key else "",
            body_html=c.body_html,
            **shown,
        )

    def tools(self, c) -> str:
        """The links to the reader's own tools on the comment: edit, delete, or report."""
        tools = ""
        if c.editable:
            tools += self.edit_link(url=self.edit_url(c.pk))
        if c.deletable:
            tools += self.delete_link(url=self.delete_url(c.pk))
        if can_report_comment(c.state, own=c.own, sanctioned=self.sanctioned):
            tools += self.report_link(url=self.report_url(c.pk))
        return tools

    def vote(self, c) -> str:
        """The reader's vote buttons, their own vote pressed, where they may vote."""
        if not can_vote_comment(
            c.state,
            own=c.own,
            sanctioned=self.sanctioned,
            thread_open=self.thread_open,
            verified=self.viewer.email_verified,
        ):
            return ""
        up = self.vote_up(pk=c.pk, pressed="true" if c.vote > 0 else "false")
        down = ""
        if self.vote_down is not None:
            down = self.vote_down(pk=c.pk, pressed="true" if c.vote < 0 else "false")
        return self.vote_buttons(up=up, down=down)

    def mod_tools(self, c) -> str:
        """A moderator's "Moderate" link, carrying what the moderation form needs."""
        if not self.viewer.may_moderate:
            return ""
        return self.mod_tools_part(
            admin_url=self.admin_url(c.pk),
            pk=c.pk,
            state=c.state,  # one of Comment.State's values
            author=self.mod_author(author_id=c.author_id) if c.author_id else "",
            branch=self.mod_branch if c.has_replies else "",
            pin=self._pin(c),
        )

    def _pin(self, c) -> str:
        # Which of Pin or Unpin the moderator's form offers: only top-level shown comments pin.
        if c.pinned:
            return self.mod_pin(pin="unpin")
        if c.parent_id is None and c.state == VISIBLE:
            return self.mod_pin(pin="pin")
        return ""
