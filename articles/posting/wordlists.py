"""The blocked and watched word lists as this process knows them.

They live in the database (``WordList``, edited by moderators in the admin) and every post needs
them, so each process keeps the last copy it read with the lists' versions. The posting function
(posting/insert.py) compares the versions now with the copy's and brings the words back, storing
nothing, only when they differ: an edit in the admin applies to the very next post in every
process, and posting gains no query but after an edit.
"""

from typing import NamedTuple

from django.db import connection

from articles.models import WordList
from articles.models.moderation import entries_of


class WordLists(NamedTuple):
    blocked: tuple[str, ...] = ()
    watched: tuple[str, ...] = ()


_TABLE = WordList._meta.db_table
_VERSION = WordList._meta.get_field("version").column
_WORDS = WordList._meta.get_field("words").column
_KIND = WordList._meta.get_field("kind").column

# Columns for a SELECT: the lists' versions now, and their words unless they are at
# %(lists_known)s (the versions this process has).
LISTS_SQL = f"""
    (SELECT string_agg({_VERSION}::text, ',' ORDER BY {_KIND}) FROM {_TABLE}),
    (SELECT json_object_agg({_KIND}, {_WORDS}) FROM {_TABLE}
     WHERE (SELECT string_agg({_VERSION}::text, ',' ORDER BY {_KIND}) FROM {_TABLE})
           IS DISTINCT FROM %(lists_known)s)
"""  # noqa: S608 - table and column names from the model

# The versions this process's copy was read at, and the copy. Replaced whole, never changed in
# place, so a thread reading it never sees half of an update.
_known: tuple[str | None, WordLists] = ("", WordLists())


def known_version() -> str | None:
    """The versions of this process's copy, for %(lists_known)s."""
    return _known[0]


def known() -> tuple[str | None, WordLists]:
    """This process's copy with the versions it was read at, taken together: another thread may
    replace the copy between two separate reads."""
    return _known


def lists_at(version: str | None, words: dict | None) -> WordLists:
    """The word lists at ``version``: this process's copy if it is that one, else ``words``
    (kind -> text, as LISTS_SQL returns them), which then become the copy."""
    global _known  # one copy per process, replaced whole
    if version == _known[0]:
        return _known[1]
    words = words or {}
    lists = WordLists(
        blocked=entries_of(words.get(WordList.Kind.BLOCKED, "")),
        watched=entries_of(words.get(WordList.Kind.WATCHED, "")),
    )
    _known = (version, lists)
    return lists


def current_word_lists() -> WordLists:
    """The word lists now, for writes that have no posting checks (edits): one small query."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {LISTS_SQL}", {"lists_known": known_version()})
        return lists_at(*cursor.fetchone())
