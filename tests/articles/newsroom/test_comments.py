"""Comments per article: open, closed by the editors, or closed N days after publication."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.moderation import services as moderation
from articles.newsroom import services
from articles.posting import services as posting
from tests.factories import make_article, make_comment, make_editor, make_moderator, make_user

pytestmark = pytest.mark.django_db

Policy = Article.CommentPolicy


def close(article):
    article.comment_policy = Policy.CLOSED
    return services.article_update(article=article, editor=make_editor())


def test_readers_see_a_closed_thread_without_a_form(client):
    article = make_article()
    make_comment(article, body="Said before closing")
    close(article)
    client.force_login(make_user())
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Said before closing" in html
    assert "Comments on this article are closed." in html
    assert 'name="body"' not in html and 'id="reply-form-template"' not in html


def test_a_closed_article_refuses_new_comments_and_edits():
    article = make_article()
    author = make_user()
    comment = make_comment(article, author=author)
    close(article)
    with pytest.raises(ValidationError, match="closed"):
        posting.comment_post(article=article, parent=None, author=make_user(), body="late")
    with pytest.raises(ValidationError, match="closed"):
        posting.comment_edit(comment=comment, editor=author, title="", body="changed")


def test_reopening_by_the_editors_lets_readers_post_again():
    article = make_article()
    close(article)
    article.comment_policy = Policy.OPEN
    services.article_update(article=article, editor=make_editor())
    posting.comment_post(article=article, parent=None, author=make_user(), body="back")


@pytest.mark.parametrize(
    ("days", "age", "is_open"),
    [(None, 400, True), (3, 2, True), (3, 4, False)],
)
def test_comments_close_by_themselves_n_days_after_publication(client, days, age, is_open):
    article = make_article(published_at=timezone.now() - timedelta(days=age))
    with override_settings(COMMENTS_CLOSE_AFTER_DAYS=days):
        assert Article.objects.get(pk=article.pk).accepts_comments is is_open
        client.force_login(make_user())
        html = client.get(article.get_absolute_url()).content.decode()
        assert ("Comments on this article are closed." in html) is not is_open
        if is_open:
            make_comment(article)
        else:
            with pytest.raises(ValidationError, match="closed"):
                make_comment(article)


@override_settings(COMMENTS_CLOSE_AFTER_DAYS=3)
def test_an_article_kept_open_ignores_the_automatic_close():
    article = make_article(
        published_at=timezone.now() - timedelta(days=30), comment_policy=Policy.OPEN
    )
    make_comment(article)


def test_the_moderators_lock_and_the_editors_close_are_separate():
    article = make_article()
    moderator = make_moderator()
    moderation.article_lock(article=article, moderator=moderator)
    article.refresh_from_db()
    assert article.comment_policy == Policy.AUTO and not article.accepts_comments
    moderation.article_unlock(article=article, moderator=moderator)
    close(Article.objects.get(pk=article.pk))
    article.refresh_from_db()
    assert article.comments_open and not article.accepts_comments


def test_the_comment_form_view_refuses_a_closed_article(client):
    article = make_article()
    close(article)
    client.force_login(make_user())
    response = client.post(reverse("comment_create", args=[article.slug]), {"body": "late"})
    assert response.status_code in (200, 400, 403)
    assert not article.comments.exists()
