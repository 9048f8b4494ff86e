"""Read and write WordPress WXR exports: ``<item>`` posts are articles, ``<wp:comment>`` comments.

Each item holds its own comments, so the file is streamed item by item. Only published posts
and pages are articles; attachments, menu items, drafts and the like are skipped and reported,
as are pingbacks and trackbacks. ``comment_parent`` links replies (0 is the top level);
``comment_approved`` gives the state: 1 → visible, 0 → pending, spam → removed, trash →
deleted. Post bodies are read for their text; comments are HTML. The forum's own exports add
``forum_*`` post and comment meta (byline, source, comment titles, exact states).

WXR 1.0, 1.1 and 1.2 differ only in the version number of the ``wp`` namespace; ``write``
writes 1.2, each article a post with its comments inside.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from email.utils import format_datetime, parsedate_to_datetime
from typing import BinaryIO

from django.conf import settings
from django.utils.text import slugify
from lxml import etree

from articles.models import Article, Comment
from articles.portability.htmltext import html_to_text
from articles.portability.identity import ArticleThread, article_identity, comment_ids, page_url
from articles.portability.records import (
    ImportReport,
    SourceArticle,
    SourceComment,
    format_timestamp,
    parse_state,
    parse_timestamp,
)
from articles.portability.xmlstream import XmlWriter, release, stream_elements
from articles.posting.markdown import render_plain_text

SOURCE = "wxr"
WP_NS = "http://wordpress.org/export/1.2/"
PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wordpress.org/export/1.2/excerpt/": "excerpt",
}
ARTICLE_TYPES = ("post", "page")
APPROVED_STATES = {
    "1": "visible",
    "approve": "visible",
    "0": "pending",
    "hold": "pending",
    "spam": "removed",
    "trash": "deleted",
    "post-trashed": "deleted",
}


def parse(stream: BinaryIO, report: ImportReport) -> Iterator[SourceArticle]:
    """Yield the published posts and pages of a WXR file with their comments."""
    for element in stream_elements(stream, ("item",), root="rss", kind="a WordPress (WXR) export"):
        fields = _fields(element)
        post_type = _one(fields, "wp:post_type") or "post"
        status = _one(fields, "wp:status") or "publish"
        if post_type not in ARTICLE_TYPES or status != "publish":
            count = len(fields.get("wp:comment", ()))
            report.add(
                "not_an_article",
                element.sourceline,
                f"{post_type} {_one(fields, 'title')!r} ({status})",
                f"skipped with its {count} comment{'s' if count != 1 else ''}",
            )
        else:
            yield _article(element, fields, report)
        release(element)


def _fields(element) -> dict[str, list]:
    """Children by prefixed name ("wp:post_id", "content:encoded", "title"), in order."""
    fields: dict[str, list] = {}
    for child in element:
        fields.setdefault(_name(child), []).append(child)
    return fields


def _name(element) -> str:
    qname = etree.QName(element)
    namespace = qname.namespace or ""
    if namespace.startswith("http://wordpress.org/export/"):
        prefix = "excerpt" if namespace.rstrip("/").endswith("excerpt") else "wp"
        return f"{prefix}:{qname.localname}"
    prefix = PREFIXES.get(namespace)
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


def _one(fields: dict[str, list], name: str) -> str:
    elements = fields.get(name)
    if not elements:
        return ""
    return (elements[0].text or "").replace("\x00", "")


def _meta(fields: dict[str, list], name: str) -> dict[str, str]:
    """postmeta/commentmeta as a dict of key → value."""
    meta = {}
    for element in fields.get(name, ()):
        entry = _fields(element)
        meta[_one(entry, "wp:meta_key")] = _one(entry, "wp:meta_value")
    return meta


def _article(element, fields, report: ImportReport) -> SourceArticle:
    line = element.sourceline
    meta = _meta(fields, "wp:postmeta")
    link = _one(fields, "link").strip()
    title = " ".join(_one(fields, "title").split()) or "(untitled)"
    article = SourceArticle(
        source=SOURCE,
        original_id=_one(fields, "guid").strip() or link,
        title=title,
        slug=_one(fields, "wp:post_name").strip(),
        summary=html_to_text(_one(fields, "excerpt:encoded")),
        body=html_to_text(_one(fields, "content:encoded")),
        topics=[
            " ".join((c.text or "").split())
            for c in fields.get("category", ())
            if c.get("domain", "category") == "category" and (c.text or "").strip()
        ],
        byline=meta.get("forum_byline", ""),
        source_name=meta.get("forum_source_name", ""),
        source_url=meta.get("forum_source_url", link),
        comments_open=_one(fields, "wp:comment_status").strip() != "closed",
        line=line,
    )
    if not article.original_id:
        post_id = _one(fields, "wp:post_id").strip()
        article.original_id = f"post-{post_id}" if post_id else title
        report.add("missing_id", line, f"post {title!r}", "no guid or link: known by its post id")
    article.published_at = _published(fields)
    if article.published_at is None:
        report.add("bad_date", line, article.label, "no readable date: shown without a date")
    article.comments = [
        comment
        for comment in (_comment(c, report) for c in fields.get("wp:comment", ()))
        if comment is not None
    ]
    return article


def _published(fields):
    published = parse_timestamp(_one(fields, "wp:post_date_gmt")) or parse_timestamp(
        _one(fields, "wp:post_date")
    )
    if published is None and _one(fields, "pubDate"):
        try:
            published = parsedate_to_datetime(_one(fields, "pubDate"))
        except (TypeError, ValueError):
            published = None
    return published


def _comment(element, report: ImportReport) -> SourceComment | None:
    fields = _fields(element)
    meta = _meta(fields, "wp:commentmeta")
    comment = SourceComment(
        source=SOURCE,
        original_id=_one(fields, "wp:comment_id").strip(),
        author_name=" ".join(_one(fields, "wp:comment_author").split()),
        created_at=None,
        state="visible",
        title=meta.get("forum_title", ""),
        body=_one(fields, "wp:comment_content"),
        body_format="html",
        line=element.sourceline,
    )
    comment_type = _one(fields, "wp:comment_type").strip()
    if comment_type in ("pingback", "trackback"):
        report.add("not_a_comment", comment.line, f"{comment_type} {comment.original_id!r}")
        return None
    parent = _one(fields, "wp:comment_parent").strip()
    comment.parent_id = "" if parent in ("", "0") else parent
    gmt = _one(fields, "wp:comment_date_gmt")
    comment.created_at = parse_timestamp(gmt)
    if comment.created_at is None:
        local = _one(fields, "wp:comment_date")
        comment.created_at = parse_timestamp(local)
        report.add(
            "bad_date",
            comment.line,
            comment.label,
            f"GMT time {gmt!r} unreadable: local time {local!r} used as UTC"
            if comment.created_at
            else f"times {gmt!r}/{local!r} unreadable: the parent's or the article's is used",
        )
    karma = _one(fields, "wp:comment_karma").strip()
    # One number, up minus down: kept as the votes it stands for.
    if karma.lstrip("-").isdigit() and len(karma) < 10:
        comment.upvotes, comment.downvotes = max(int(karma), 0), max(-int(karma), 0)
    approved = _one(fields, "wp:comment_approved").strip()
    if "forum_state" in meta:
        comment.state = parse_state(meta["forum_state"], comment, report)
    elif approved in APPROVED_STATES:
        comment.state = APPROVED_STATES[approved]
    else:
        comment.state = parse_state(approved, comment, report)
    return comment


# --- writing ------------------------------------------------------------------------------------

WXR_NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": WP_NS,
}
_WP = f"{{{WP_NS}}}"
_WRITTEN_STATES = {
    Comment.State.VISIBLE: "1",
    Comment.State.PENDING: "0",
    Comment.State.HIDDEN: "0",
    Comment.State.REMOVED: "spam",
    Comment.State.DELETED: "trash",
}


def write(threads: Iterable[ArticleThread], out) -> None:
    """A WordPress eXtended RSS 1.2 file: each article a post, with its comments inside."""
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        w = XmlWriter(xf)
        with w.element("rss", {"version": "2.0"}, nsmap=WXR_NAMESPACES), w.element("channel"):
            w.leaf("title", "Forum")
            w.leaf("link", settings.SITE_URL)
            w.leaf("description", "")
            w.leaf(f"{_WP}wxr_version", "1.2")
            w.leaf(f"{_WP}base_site_url", settings.SITE_URL)
            w.leaf(f"{_WP}base_blog_url", settings.SITE_URL)
            for article, comments in threads:
                _write_item(w, article, comments)


def _write_item(w: XmlWriter, article: Article, comments: list[Comment]) -> None:
    with w.element("item"):
        _write_post_fields(w, article)
        for topic in article.topic_names:
            w.leaf("category", topic, {"domain": "category", "nicename": slugify(topic)})
        _write_meta(
            w,
            "postmeta",
            {
                "forum_byline": article.byline,
                "forum_source_name": article.source_name,
                "forum_source_url": article.source_url,
            },
        )
        ids = comment_ids(comments, SOURCE)
        for comment in comments:
            _write_comment(w, comment, ids)


def _write_post_fields(w: XmlWriter, article: Article) -> None:
    when = article.published_at
    # WordPress writes an unknown date as zeros (its drafts); it reads back as no date.
    wp_date = format_timestamp(when, zone=False) if when else "0000-00-00 00:00:00"
    w.leaf("title", article.title)
    w.leaf("link", article.source_url or page_url(article))
    w.leaf("pubDate", format_datetime(when, usegmt=True) if when else "")
    w.leaf("guid", article_identity(article, SOURCE)[1], {"isPermaLink": "false"})
    w.leaf(f"{{{WXR_NAMESPACES['dc']}}}creator", "")
    w.leaf("description", "")
    w.leaf(f"{{{WXR_NAMESPACES['content']}}}encoded", render_plain_text(article.body))
    w.leaf(f"{{{WXR_NAMESPACES['excerpt']}}}encoded", render_plain_text(article.summary))
    w.leaf(f"{_WP}post_id", str(article.pk))
    w.leaf(f"{_WP}post_date", wp_date)
    w.leaf(f"{_WP}post_date_gmt", wp_date)
    w.leaf(f"{_WP}comment_status", "open" if article.comments_open else "closed")
    w.leaf(f"{_WP}ping_status", "closed")
    w.leaf(f"{_WP}post_name", article.slug)
    w.leaf(f"{_WP}status", "publish")
    w.leaf(f"{_WP}post_parent", "0")
    w.leaf(f"{_WP}menu_order", "0")
    w.leaf(f"{_WP}post_type", "post")


def _write_comment(w: XmlWriter, comment: Comment, ids: dict[int, str]) -> None:
    created = format_timestamp(comment.created_at, zone=False)
    with w.element(f"{_WP}comment"):
        w.leaf(f"{_WP}comment_id", ids[comment.pk])
        w.leaf(f"{_WP}comment_author", comment.display_author)
        w.leaf(f"{_WP}comment_author_email", "")
        w.leaf(f"{_WP}comment_author_url", "")
        w.leaf(f"{_WP}comment_author_IP", "")
        w.leaf(f"{_WP}comment_date", created)
        w.leaf(f"{_WP}comment_date_gmt", created)
        w.leaf(f"{_WP}comment_content", comment.body_html)
        w.leaf(f"{_WP}comment_karma", str(comment.upvotes - comment.downvotes))
        w.leaf(f"{_WP}comment_approved", _WRITTEN_STATES[comment.state])
        w.leaf(f"{_WP}comment_type", "comment")
        w.leaf(f"{_WP}comment_parent", ids[comment.parent_id] if comment.parent_id else "0")
        w.leaf(f"{_WP}comment_user_id", "0")
        meta = {"forum_title": comment.title}
        if comment.state == Comment.State.HIDDEN:
            meta["forum_state"] = comment.state
        _write_meta(w, "commentmeta", {key: value for key, value in meta.items() if value})


def _write_meta(w: XmlWriter, name: str, meta: dict[str, str]) -> None:
    for key, value in meta.items():
        with w.element(f"{_WP}{name}"):
            w.leaf(f"{_WP}meta_key", key)
            w.leaf(f"{_WP}meta_value", value)
