"""Write articles and their whole comment trees as the forum's JSON archive, Disqus XML or WXR.

Each writer takes ``(article, comments)`` pairs, comments in tree order, and streams them out,
so memory holds one article's thread. Importing an export into an empty database gives back the
same articles, trees, texts, authors, times and states: what Disqus and WordPress have no place
for (slugs, summaries, comment titles, the "hidden" state) travels in a ``forum`` XML namespace
or as ``forum_*`` meta, which other tools ignore.

Ids: an article or comment imported from the same kind of export keeps its original id (so the
export can be imported again next to the original without duplicates); others get this forum's
id, prefixed "forum-" as often as it takes not to clash with an original one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from contextlib import contextmanager
from email.utils import format_datetime
from typing import BinaryIO

from django.conf import settings
from django.utils.text import slugify
from lxml import etree

from articles.importers import disqus, json_archive, wxr
from articles.importers.records import OWN_SOURCE, format_timestamp
from articles.models import Article, Comment
from articles.posting.markdown import render_plain_text

ArticleThread = tuple[Article, list[Comment]]
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --- JSON ---------------------------------------------------------------------------------------


def article_document(article: Article, comments: list[Comment], *, public: bool = False) -> dict:
    """One article of the JSON archive, with its comments nested as replies.

    ``public`` leaves out the title, text and author of comments readers cannot see (pending,
    hidden, removed, deleted), keeping their place in the tree.
    """
    source, original_id = _article_identity(article)
    document = {
        "source": source,
        "id": original_id,
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "topics": list(article.topics),
        "byline": article.byline,
        "source_name": article.source_name,
        "url": article.source_url,
        "published_at": format_timestamp(article.published_at),
        "comments_open": article.comments_open,
        "comments": [],
    }
    identities = _comment_identities(comments)
    open_lists = [document["comments"]]  # open_lists[level] receives comments of that level
    for comment in comments:
        del open_lists[comment.level + 1 :]
        node = _comment_document(comment, identities[comment.pk], public=public)
        open_lists[comment.level].append(node)
        open_lists.append(node["replies"])
    return document


def _comment_document(comment: Comment, identity: tuple[str, str], *, public: bool) -> dict:
    source, original_id = identity
    shown = not public or comment.state == Comment.State.VISIBLE
    return {
        "source": source,
        "id": original_id,
        "author": comment.display_author if shown else "",
        "created_at": format_timestamp(comment.created_at),
        "state": comment.state,
        "title": comment.title if shown else "",
        "body": comment.body if shown else "",
        "format": comment.body_format,
        "html": comment.body_html if shown else "",
        "upvotes": comment.upvotes,
        "downvotes": comment.downvotes,
        "replies": [],
    }


def archive_header() -> dict:
    return {"format": json_archive.FORMAT_NAME, "version": json_archive.FORMAT_VERSION}


def write_json(threads: Iterable[ArticleThread], out: BinaryIO) -> None:
    """The JSON archive, one article at a time (the "articles" list comes last)."""
    header = json.dumps(archive_header(), ensure_ascii=False)[:-1]
    out.write(f'{header}, "articles": [\n'.encode())
    for number, (article, comments) in enumerate(threads):
        if number:
            out.write(b",\n")
        out.write(json.dumps(article_document(article, comments), ensure_ascii=False).encode())
    out.write(b"\n]}\n")


# --- Disqus -------------------------------------------------------------------------------------

_D = f"{{{disqus.NS}}}"
_F = f"{{{disqus.FORUM_NS}}}"
_DSQ_ID = f"{{{disqus.DSQ_NS}}}id"


def write_disqus(articles: Iterable[Article], threads: Iterable[ArticleThread], out) -> None:
    """A Disqus export: every thread first, then every post, as Disqus lays them out."""
    nsmap = {None: disqus.NS, "dsq": disqus.DSQ_NS, "forum": disqus.FORUM_NS}
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        w = _Writer(xf)
        with w.element(f"{_D}disqus", nsmap=nsmap):
            for article in articles:
                _disqus_thread(w, article)
            for article, comments in threads:
                thread_id = _disqus_thread_id(article)
                ids = _comment_ids(comments, disqus.SOURCE)
                for comment in comments:
                    _disqus_post(w, comment, thread_id, ids)


def _disqus_thread(w: _Writer, article: Article) -> None:
    with w.element(f"{_D}thread", {_DSQ_ID: _disqus_thread_id(article)}):
        w.leaf(f"{_D}id", article.slug)
        w.leaf(f"{_D}link", article.source_url or _page_url(article))
        w.leaf(f"{_D}title", article.title)
        w.leaf(f"{_D}message", render_plain_text(article.body))
        w.leaf(f"{_D}createdAt", format_timestamp(article.published_at))
        w.leaf(f"{_D}isClosed", _bool(not article.comments_open))
        w.leaf(f"{_D}isDeleted", "false")
        w.leaf(f"{_F}slug", article.slug)
        w.leaf(f"{_F}summary", article.summary)
        for topic in article.topics:
            w.leaf(f"{_F}topic", topic)
        w.leaf(f"{_F}byline", article.byline)
        w.leaf(f"{_F}sourceName", article.source_name)
        w.leaf(f"{_F}sourceUrl", article.source_url)


def _disqus_post(w: _Writer, comment: Comment, thread_id: str, ids: dict[int, str]) -> None:
    state = comment.state
    with w.element(f"{_D}post", {_DSQ_ID: ids[comment.pk]}):
        w.leaf(f"{_D}id")
        w.leaf(f"{_D}message", comment.body_html)
        w.leaf(f"{_D}createdAt", format_timestamp(comment.created_at))
        w.leaf(f"{_D}isDeleted", _bool(state == Comment.State.DELETED))
        w.leaf(f"{_D}isSpam", _bool(state == Comment.State.REMOVED))
        if state in (Comment.State.PENDING, Comment.State.HIDDEN):
            w.leaf(f"{_D}isApproved", "false")
        with w.element(f"{_D}author"):
            w.leaf(f"{_D}name", comment.display_author)
            w.leaf(f"{_D}isAnonymous", _bool(not comment.author_id))
            if comment.author_id:
                w.leaf(f"{_D}username", comment.author.get_username())
        w.leaf(f"{_D}thread", attrib={_DSQ_ID: thread_id})
        if comment.parent_id:
            w.leaf(f"{_D}parent", attrib={_DSQ_ID: ids[comment.parent_id]})
        if comment.title:
            w.leaf(f"{_F}title", comment.title)
        w.leaf(f"{_F}state", state)
        w.leaf(f"{_D}likes", str(comment.upvotes))
        w.leaf(f"{_D}dislikes", str(comment.downvotes))


def _disqus_thread_id(article: Article) -> str:
    if article.import_source == disqus.SOURCE and article.import_id:
        return article.import_id
    return f"forum-{article.pk}"


# --- WordPress WXR ------------------------------------------------------------------------------

WXR_NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": wxr.WP_NS,
}
_WP = f"{{{wxr.WP_NS}}}"
_WXR_STATES = {
    Comment.State.VISIBLE: "1",
    Comment.State.PENDING: "0",
    Comment.State.HIDDEN: "0",
    Comment.State.REMOVED: "spam",
    Comment.State.DELETED: "trash",
}


def write_wxr(threads: Iterable[ArticleThread], out) -> None:
    """A WordPress eXtended RSS 1.2 file: each article a post, with its comments inside."""
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        w = _Writer(xf)
        with w.element("rss", {"version": "2.0"}, nsmap=WXR_NAMESPACES), w.element("channel"):
            w.leaf("title", "Forum")
            w.leaf("link", settings.SITE_URL)
            w.leaf("description", "")
            w.leaf(f"{_WP}wxr_version", "1.2")
            w.leaf(f"{_WP}base_site_url", settings.SITE_URL)
            w.leaf(f"{_WP}base_blog_url", settings.SITE_URL)
            for article, comments in threads:
                _wxr_item(w, article, comments)


def _wxr_item(w: _Writer, article: Article, comments: list[Comment]) -> None:
    when = article.published_at
    with w.element("item"):
        w.leaf("title", article.title)
        w.leaf("link", article.source_url or _page_url(article))
        w.leaf("pubDate", format_datetime(when, usegmt=True))
        w.leaf("guid", _article_identity(article, wxr.SOURCE)[1], {"isPermaLink": "false"})
        w.leaf(f"{{{WXR_NAMESPACES['dc']}}}creator", "")
        w.leaf("description", "")
        w.leaf(f"{{{WXR_NAMESPACES['content']}}}encoded", render_plain_text(article.body))
        w.leaf(f"{{{WXR_NAMESPACES['excerpt']}}}encoded", render_plain_text(article.summary))
        w.leaf(f"{_WP}post_id", str(article.pk))
        w.leaf(f"{_WP}post_date", format_timestamp(when, zone=False))
        w.leaf(f"{_WP}post_date_gmt", format_timestamp(when, zone=False))
        w.leaf(f"{_WP}comment_status", "open" if article.comments_open else "closed")
        w.leaf(f"{_WP}ping_status", "closed")
        w.leaf(f"{_WP}post_name", article.slug)
        w.leaf(f"{_WP}status", "publish")
        w.leaf(f"{_WP}post_parent", "0")
        w.leaf(f"{_WP}menu_order", "0")
        w.leaf(f"{_WP}post_type", "post")
        for topic in article.topics:
            w.leaf("category", topic, {"domain": "category", "nicename": slugify(topic)})
        _wxr_meta(
            w,
            "postmeta",
            {
                "forum_byline": article.byline,
                "forum_source_name": article.source_name,
                "forum_source_url": article.source_url,
            },
        )
        ids = _comment_ids(comments, wxr.SOURCE)
        for comment in comments:
            _wxr_comment(w, comment, ids)


def _wxr_comment(w: _Writer, comment: Comment, ids: dict[int, str]) -> None:
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
        w.leaf(f"{_WP}comment_approved", _WXR_STATES[comment.state])
        w.leaf(f"{_WP}comment_type", "comment")
        w.leaf(f"{_WP}comment_parent", ids[comment.parent_id] if comment.parent_id else "0")
        w.leaf(f"{_WP}comment_user_id", "0")
        meta = {"forum_title": comment.title}
        if comment.state == Comment.State.HIDDEN:
            meta["forum_state"] = comment.state
        _wxr_meta(w, "commentmeta", {key: value for key, value in meta.items() if value})


def _wxr_meta(w: _Writer, name: str, meta: dict[str, str]) -> None:
    for key, value in meta.items():
        with w.element(f"{_WP}{name}"):
            w.leaf(f"{_WP}meta_key", key)
            w.leaf(f"{_WP}meta_value", value)


# --- shared -------------------------------------------------------------------------------------


class _Writer:
    """Streams elements through lxml's xmlfile, indented, with the namespaces declared once."""

    def __init__(self, xf) -> None:
        self._xf = xf
        self._depth = 0

    @contextmanager
    def element(self, tag: str, attrib: dict | None = None, nsmap: dict | None = None):
        if self._depth:  # nothing may stand before the root element
            self._newline()
        with self._xf.element(tag, attrib or {}, nsmap=nsmap):
            self._depth += 1
            yield
            self._depth -= 1
            self._newline()

    def leaf(self, tag: str, text: str | None = None, attrib: dict | None = None) -> None:
        self._newline()
        with self._xf.element(tag, attrib or {}):
            if text:
                self._xf.write(_NOT_XML.sub("", text))

    def _newline(self) -> None:
        self._xf.write("\n" + "  " * self._depth)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _page_url(article: Article) -> str:
    return settings.SITE_URL + article.get_absolute_url()


def _article_identity(article: Article, kind: str | None = None) -> tuple[str, str]:
    """(source, original id): kept from the import, else this forum's page of the article."""
    if article.import_source and (kind is None or article.import_source == kind):
        return article.import_source, article.import_id
    return OWN_SOURCE, _page_url(article)


def _comment_identity(comment: Comment) -> tuple[str, str]:
    """(source, original id) from the import key; ("forum", pk) for a comment posted here."""
    if comment.import_key:
        source, _, original_id = comment.import_key.partition(":")
        return source, original_id
    return OWN_SOURCE, str(comment.pk)


def _comment_identities(comments: list[Comment]) -> dict[int, tuple[str, str]]:
    """pk → (source, id) for the JSON archive: each comment keeps its own source and id.

    A comment imported from another forum's archive is already "forum:<N>", so a comment
    posted here gets the prefixed form of its pk whenever the plain one is taken: ids must stay
    unique per article, or a re-import drops one of the two as a duplicate.
    """
    imported = {
        comment.pk: _comment_identity(comment) for comment in comments if comment.import_key
    }
    taken = {original_id for source, original_id in imported.values() if source == OWN_SOURCE}
    return {
        comment.pk: imported.get(comment.pk) or (OWN_SOURCE, _own_id(comment.pk, taken))
        for comment in comments
    }


def _comment_ids(comments: list[Comment], source: str) -> dict[int, str]:
    """pk → the id to write: the original one for comments of this source, else the pk."""
    ids: dict[int, str] = {}
    originals = set()
    for comment in comments:
        identity_source, original_id = _comment_identity(comment)
        if identity_source == source:
            ids[comment.pk] = original_id
            originals.add(original_id)
    for comment in comments:
        if comment.pk not in ids:
            ids[comment.pk] = _own_id(comment.pk, originals)
    return ids


def _own_id(pk: int, taken: set[str]) -> str:
    """This forum's id for a comment, "forum-"-prefixed until no original id has it.

    A pk's digits fix the string, so two comments never get the same id, and none gets an
    original one (even "forum-12", which an import of this forum's own export can hold).
    """
    own = str(pk)
    while own in taken:
        own = f"forum-{own}"
    return own
