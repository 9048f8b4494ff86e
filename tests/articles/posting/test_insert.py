"""The posting function (migration 0016_posting) against the Python it writes out in SQL."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from articles.models import Article
from articles.posting import insert
from articles.posting.wordmatch import fold
from articles.threads import locks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]

DAY = timedelta(days=1)


def _function_source() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'articles_comment_post'")
        return cursor.fetchone()[0]


def test_the_function_takes_the_locks_of_threads_locks_author_first():
    source = _function_source()
    taken = re.findall(r"pg_advisory_xact_lock\((\d+),", source)
    assert [int(number) for number in taken] == [
        locks._AUTHOR_LOCK_NAMESPACE,
        locks._TREE_LOCK_NAMESPACE,
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"comments_open": False},
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.WITHDRAWN},
        {"status": Article.Status.SCHEDULED, "published_at_days": 1},
        {"status": Article.Status.SCHEDULED, "published_at_days": -1},
        {"comment_policy": Article.CommentPolicy.CLOSED},
        {"comment_policy": Article.CommentPolicy.OPEN, "published_at_days": -30},
        {"comment_policy": Article.CommentPolicy.AUTO, "published_at_days": -30},
        {"comment_policy": Article.CommentPolicy.AUTO, "published_at_days": -1},
    ],
)
@override_settings(COMMENTS_CLOSE_AFTER_DAYS=7)
def test_the_function_takes_comments_exactly_where_the_article_accepts_them(user, fields):
    days = fields.pop("published_at_days", 0)
    article = Article.objects.create(
        title="t", slug="t", body="b", published_at=timezone.now() + days * DAY, **fields
    )
    posted = insert.comment_insert(
        article_id=article.pk,
        parent_id=None,
        author_id=user.pk,
        title="",
        body="hello",
        body_html="<p>hello</p>",
        folded=fold("hello"),
    )
    assert (posted.refusal != "closed") is article.accepts_comments
