"""How the writers name articles and comments, so an export can be imported again.

An article or comment imported from the same kind of export keeps its original id (so the
export can be imported again next to the original without duplicates); others get this forum's
id, prefixed "forum-" as often as it takes not to clash with an original one.
"""

from __future__ import annotations

from django.conf import settings

from articles.models import Article, Comment
from articles.portability.records import OWN_SOURCE

# One article and its whole thread, comments in tree order: what every writer takes.
ArticleThread = tuple[Article, list[Comment]]


def page_url(article: Article) -> str:
    """The absolute address of the article's page on this forum."""
    return settings.SITE_URL + article.get_absolute_url()


def article_identity(article: Article, kind: str | None = None) -> tuple[str, str]:
    """(source, original id): kept from the import, else this forum's page of the article."""
    if article.import_source and (kind is None or article.import_source == kind):
        return article.import_source, article.import_id
    return OWN_SOURCE, page_url(article)


def comment_identity(comment: Comment) -> tuple[str, str]:
    """(source, original id) from the import key; ("forum", pk) for a comment posted here."""
    if comment.import_key:
        source, _, original_id = comment.import_key.partition(":")
        return source, original_id
    return OWN_SOURCE, str(comment.pk)


def comment_ids(comments: list[Comment], source: str) -> dict[int, str]:
    """pk → the id to write: the original one for comments of this source, else the pk."""
    ids: dict[int, str] = {}
    originals = set()
    for comment in comments:
        identity_source, original_id = comment_identity(comment)
        if identity_source == source:
            ids[comment.pk] = original_id
            originals.add(original_id)
    for comment in comments:
        if comment.pk not in ids:
            ids[comment.pk] = own_id(comment.pk, originals)
    return ids


def own_id(pk: int, taken: set[str]) -> str:
    """This forum's id for a comment, "forum-"-prefixed until no original id has it.

    A pk's digits fix the string, so two comments never get the same id, and none gets an
    original one (even "forum-12", which an import of this forum's own export can hold).
    """
    own = str(pk)
    while own in taken:
        own = f"forum-{own}"
    return own
