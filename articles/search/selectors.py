"""Reads: ranked search over published articles and visible comments, with safe snippets.

The vectors are stored and GIN-indexed (``SearchDocument``, kept by triggers); the query here
parses the reader's words with ``websearch_to_tsquery`` (quotes, ``or`` and ``-word`` work, and
no input is a syntax error) in the configuration stored in the database, the one the vectors
were made with. Every reader finds the same (moderators included): documents of published
articles, and of their visible comments (``SearchDocument.public_from``).
"""

import html
import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db.models import F, Func, TextField
from django.db.models import Value as V
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import SearchDocument, Topic

PAGE_SIZE = 20
# Results a search counts and pages through: "more than 1,000" is answer enough for a word
# that is everywhere, and counting every one of its matches cost as much as ranking them.
MAX_RESULTS = 1_000
KINDS = {"all": "Articles and comments", "articles": "Articles", "comments": "Comments"}

# ts_headline marks the matched words with these: control characters, which the text policy
# removes from everything written, so no text can forge a mark.
_START, _STOP = "\x02", "\x03"
_MARKS = re.compile(f"([{_START}{_STOP}])")


@dataclass(frozen=True)
class Criteria:
    """What a reader searches for: the words, and the optional filters."""

    text: str
    kind: str = "all"
    topic: str = ""
    author: str = ""


@dataclass(frozen=True)
class Result:
    """One search result, as the page shows it."""

    is_comment: bool
    title: str
    url: str
    snippet: SafeString
    article_title: str
    article_url: str
    author: str
    written_at: datetime | None


def topic_choices() -> list[tuple[str, str]]:
    """Every topic as (slug, name), by name: the topic filter's choices."""
    return list(Topic.objects.order_by("name").values_list("slug", "name"))


def highlight(headline: str) -> SafeString:
    """``ts_headline``'s output as safe HTML: all of its text escaped, the marked words in
    ``<mark>``, and nothing else. The text comes from ``body_html`` (already sanitised, its tags
    dropped by the headline) or from Markdown, so character references are decoded first and
    escaped again: a comment showing "<script>" shows it as text."""
    parts, marked = [], False
    for piece in _MARKS.split(headline):
        if piece == _START:
            if not marked:
                parts.append("<mark>")
            marked = True
        elif piece == _STOP:
            if marked:
                parts.append("</mark>")
            marked = False
        else:
            parts.append(escape(html.unescape(piece)))
    if marked:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def _config():
    return Func(function="articles_search_config", output_field=TextField())


def _documents(criteria: Criteria, query: SearchQuery, now):
    # public_from: the document's copy of Article.public_q and the comment's state.
    documents = SearchDocument.objects.filter(vector=query, public_from__lte=now)
    if criteria.kind == "articles":
        documents = documents.filter(comment=None)
    elif criteria.kind == "comments":
        documents = documents.exclude(comment=None)
    if criteria.topic:
        documents = documents.filter(article__topics__slug=criteria.topic)
    if criteria.author:
        documents = documents.filter(comment__author__username=criteria.author)
    return documents


class _CappedPaginator(Paginator):
    """Counts at most ``MAX_RESULTS`` matches: ``count`` stops there (``more`` says whether
    there were more), so a common word's count reads a thousand rows, not every match."""

    def __init__(self, object_list, per_page, *, matches):
        super().__init__(object_list, per_page)
        self.matches = matches
        self.more = False

    @cached_property
    def count(self):
        counted = self.matches.order_by()[: MAX_RESULTS + 1].count()
        self.more = counted > MAX_RESULTS
        return min(counted, MAX_RESULTS)


def _page_documents(ids, query):
    """The documents ``ids`` names, with what a result shows: their article, comment and
    author, their rank and a snippet (computed for these rows only)."""
    return (
        SearchDocument.objects.filter(id__in=ids)
        .select_related("article", "comment__author")
        .only(
            "article__title",
            "article__slug",
            "article__published_at",
            "comment__title",
            "comment__created_at",
            "comment__time_unknown",
            "comment__author__username",
            "comment__author_name",
        )
        .annotate(
            rank=SearchRank(F("vector"), query),
            headline=SearchHeadline(
                # An article's rendered body when it has one (the newsroom's), else its text.
                Coalesce(
                    F("comment__body_html"),
                    NullIf(F("article__body_html"), V("")),
                    "article__body",
                ),
                query,
                config=_config(),
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-id")
    )


class _Ranked:
    """The ranked matches as the paginator slices them: a slice picks the page's ids in the
    ranking subquery, without joins, and only those rows are joined to their article, comment
    and author (joining all 1,000 candidates before ranking them cost 5 ms of the page query's
    26 ms for a two-word search of a million-comment site)."""

    def __init__(self, ranked, query):
        self.ranked, self.query = ranked, query

    def __getitem__(self, page):
        return list(_page_documents(self.ranked[page], self.query))


def search_page(criteria: Criteria, page_number=None, now=None) -> Page:
    """The page ``page_number`` of what matches ``criteria``, best first among the newest
    ``MAX_RESULTS`` matches: a :class:`Result` for each, with a highlighted snippet. Two
    queries: the count (of at most ``MAX_RESULTS``; then ``page.paginator.more``) and the page;
    one when nothing matches."""
    query = SearchQuery(criteria.text, search_type="websearch", config=_config())
    matches = _documents(criteria, query, now or timezone.now())
    # Ranked among the newest MAX_RESULTS matches, the ones the page counts: ranking every
    # match of a common word grows with the site; the newest thousand cost the same at any size.
    newest = matches.order_by("-id").values("id")[:MAX_RESULTS]
    ranked = (
        SearchDocument.objects.filter(id__in=newest)
        .annotate(rank=SearchRank(F("vector"), query))
        .order_by("-rank", "-id")
        .values("id")
    )

    documents = _Ranked(ranked, query)
    page = _CappedPaginator(documents, PAGE_SIZE, matches=matches).get_page(page_number)
    page.object_list = [_result(document) for document in page.object_list]
    return page


def _result(document) -> Result:
    article, comment = document.article, document.comment
    if comment is None:
        return Result(
            is_comment=False,
            title=article.title,
            url=article.get_absolute_url(),
            snippet=highlight(document.headline),
            article_title=article.title,
            article_url=article.get_absolute_url(),
            author="",
            written_at=article.published_at,
        )
    return Result(
        is_comment=True,
        title=comment.title,
        url=comment.get_absolute_url(),
        snippet=highlight(document.headline),
        article_title=article.title,
        article_url=article.get_absolute_url(),
        author=comment.display_author,
        written_at=None if comment.time_unknown else comment.created_at,
    )
