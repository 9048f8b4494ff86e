"""Write articles and their whole comment trees as the forum's JSON archive, Disqus XML or WXR.

Each format's writer lives beside its reader (``json_archive``, ``disqus``, ``wxr``); this
picks one and feeds it ``(article, comments)`` pairs, one article's thread in memory at a time.
Importing an export into an empty database gives back the same articles, trees, texts,
authors, times and states: what Disqus and WordPress have no place for (slugs, summaries,
comment titles, the "hidden" state) travels in a ``forum`` XML namespace or as ``forum_*``
meta, which other tools ignore.
"""

from __future__ import annotations

from typing import BinaryIO

from django.db.models import QuerySet

from articles.models import Article
from articles.portability import disqus, json_archive, selectors, wxr

EXPORT_FORMATS = ("json", "disqus", "wxr")


def write_export(fmt: str, articles: QuerySet[Article], out: BinaryIO) -> None:
    """Write ``articles`` in the format ``fmt`` (one of EXPORT_FORMATS) to ``out``.

    A JSON export of a thread too deep for nested JSON raises ``json_archive.ThreadTooDeep``
    before anything is written.
    """
    threads = ((article, selectors.comments_for_export(article)) for article in articles.iterator())
    if fmt == "json":
        json_archive.check_nesting(selectors.deepest_comment_level(articles))
        json_archive.write(threads, out)
    elif fmt == "disqus":
        # Disqus lists every thread before the posts: the articles are read twice.
        disqus.write(articles.iterator(), threads, out)
    else:
        wxr.write(threads, out)
