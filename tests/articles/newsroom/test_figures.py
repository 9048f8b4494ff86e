"""Each article's figures (visible comments, latest comment time) and per-day counts, kept by
the comment table's triggers whatever path writes: posting, moderation, bulk import, deletes."""

from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import ArticleActivity, ArticleFigures, Comment
from articles.moderation import services as moderation
from tests.factories import make_article, make_comment, make_moderator, make_realistic_thread

pytestmark = pytest.mark.django_db


def figures(article):
    row = ArticleFigures.objects.filter(article=article).first()
    return (row.comment_count, row.last_comment_at) if row else (0, None)


def days(article):
    return dict(ArticleActivity.objects.filter(article=article).values_list("day", "comments"))


def test_posting_counts_and_moderation_takes_back_with_the_latest_time_read_again():
    article = make_article()
    first = make_comment(article)
    second = make_comment(article, parent=first)
    assert figures(article) == (2, second.created_at)
    assert days(article) == {second.created_at.astimezone(UTC).date(): 2}

    moderator = make_moderator()
    moderation.comment_hide(comment=second, moderator=moderator, reason="rude")
    assert figures(article) == (1, first.created_at)
    moderation.comment_restore(comment=second, moderator=moderator)
    assert figures(article) == (2, second.created_at)


def test_a_changed_time_moves_the_comment_between_days_and_votes_change_nothing():
    article = make_article()
    comment = make_comment(article)
    earlier = timezone.now() - timedelta(days=20)
    Comment.objects.filter(pk=comment.pk).update(created_at=earlier)
    assert figures(article) == (1, earlier)
    assert {day: n for day, n in days(article).items() if n} == {earlier.astimezone(UTC).date(): 1}
    Comment.objects.filter(pk=comment.pk).update(upvotes=5)
    assert figures(article) == (1, earlier)


def test_bulk_inserts_count_and_a_raw_delete_of_the_article_leaves_nothing_behind():
    article = make_article()
    comments = make_realistic_thread(article, 300)
    assert figures(article) == (300, max(c.created_at for c in comments))
    assert sum(days(article).values()) == 300
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_comment WHERE article_id = %s", [article.pk])
        assert figures(article) == (0, None)
        cursor.execute("DELETE FROM articles_article WHERE id = %s", [article.pk])
    assert not ArticleFigures.objects.filter(article_id=article.pk).exists()
    assert not ArticleActivity.objects.filter(article_id=article.pk).exists()
