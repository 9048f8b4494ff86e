"""Writes: changing the text search configuration, and recomputing every stored vector.

Vectors are otherwise written only by the database's triggers (migration 0014_search), never
from Python: posting, editing and importing pay no statement for them.
"""

import re

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.utils import DataError, ProgrammingError

# What SEARCH_CONFIG accepts (forum/settings.py): a name, optionally schema-qualified.
_NAME = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?")


def search_config_set(*, config: str) -> int:
    """Store ``config`` as the configuration of search (``articles_search_config()``, which the
    triggers and the search query call) and recompute every vector with it; the number of
    documents. One transaction: searches keep the old vectors until it commits."""
    if not _NAME.fullmatch(config):
        raise ValidationError({"config": f"{config!r} is not the name of a configuration."})
    with transaction.atomic():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT %s::regconfig::text", [config])
                (name,) = cursor.fetchone()
        except (DataError, ProgrammingError):
            raise ValidationError(
                {"config": f"PostgreSQL has no text search configuration {config!r}."}
            ) from None
        with connection.cursor() as cursor:
            # DDL takes no parameters: the name is checked above ([a-z0-9_.] only) and exists.
            cursor.execute(
                "CREATE OR REPLACE FUNCTION articles_search_config() RETURNS regconfig"
                " LANGUAGE sql IMMUTABLE PARALLEL SAFE"
                f" AS $$ SELECT '{name}'::regconfig $$"
            )
            cursor.execute(
                "UPDATE articles_searchdocument d"
                " SET vector = articles_comment_vector(c.title, c.body_html)"
                " FROM articles_comment c WHERE d.comment_id = c.id"
            )
            comments = cursor.rowcount
            cursor.execute(
                "UPDATE articles_searchdocument d"
                " SET vector = articles_article_vector(a.title, a.summary, a.body)"
                " FROM articles_article a WHERE d.comment_id IS NULL AND d.article_id = a.id"
            )
            return comments + cursor.rowcount
