"""Drafts and scheduled articles: editors only, until their time comes (no job publishes them)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.newsroom import services
from articles.posting import services as posting
from tests.factories import make_article, make_comment, make_editor, make_moderator, make_user

pytestmark = pytest.mark.django_db

Status = Article.Status


def test_published_lists_what_readers_see_at_a_given_time():
    now = timezone.now()
    live = make_article(status=Status.PUBLISHED)
    undated = make_article(status=Status.PUBLISHED, published_at=None)
    make_article(status=Status.DRAFT)
    make_article(status=Status.WITHDRAWN)
    soon = make_article(status=Status.SCHEDULED, published_at=now + timedelta(minutes=1))
    assert set(Article.objects.published(now)) == {live, undated}
    later = now + timedelta(minutes=2)
    assert set(Article.objects.published(later)) == {live, undated, soon}
    assert not soon.is_public


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SCHEDULED, Status.WITHDRAWN])
def test_only_editors_read_an_article_that_is_not_public(client, status):
    article = make_article(
        status=status, published_at=timezone.now() + timedelta(hours=1), title="Not yet"
    )
    url = article.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(make_moderator())
    assert client.get(url).status_code == 404
    client.force_login(make_editor())
    response = client.get(url)
    assert response.status_code == 200
    banner = f"{article.get_status_display()}"
    assert "only editors see this page" in response.content.decode()
    assert banner in response.content.decode()
    assert "<form" not in response.content.decode().split('id="comments"')[1].split("</section>")[0]


def test_a_scheduled_article_appears_by_itself(client, monkeypatch):
    when = timezone.now() + timedelta(minutes=1)
    article = make_article(status=Status.SCHEDULED, published_at=when, title="Scheduled")
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Scheduled" not in client.get(reverse("home")).content.decode()
    moved = when + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: moved)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert "Scheduled" in client.get(reverse("home")).content.decode()


def test_nobody_comments_on_an_article_readers_cannot_see():
    article = make_article(status=Status.DRAFT)
    with pytest.raises(ValidationError, match="closed"):
        posting.comment_post(article=article, parent=None, author=make_user(), body="First!")


def test_a_comment_permalink_of_a_withdrawn_article_is_gone(client):
    article = make_article()
    comment = make_comment(article)
    Article.objects.filter(pk=article.pk).update(status=Status.WITHDRAWN)
    assert client.get(comment.get_absolute_url()).status_code == 404
    assert client.get(reverse("comments_json", args=[article.slug])).status_code == 404


def test_services_refuse_a_schedule_in_the_past_and_a_future_publication():
    past = Article(title="T", slug="t", body="b", status=Status.SCHEDULED)
    past.published_at = timezone.now() - timedelta(minutes=1)
    with pytest.raises(ValidationError, match="future"):
        services.article_create(article=past)
    future = Article(title="T", slug="t", body="b", status=Status.PUBLISHED)
    future.published_at = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError, match="scheduled"):
        services.article_create(article=future)
    with pytest.raises(ValidationError, match="letters"):
        services.article_create(article=Article(title="T", slug="Not A Slug", body="b"))
    assert not Article.objects.exists()


def test_a_published_article_keeps_its_slug_even_through_the_service():
    article = make_article(slug="first-address")
    article.slug = "second-address"
    with pytest.raises(ValidationError, match="keeps its address"):
        services.article_update(article=article, editor=make_editor())


def test_the_page_shows_a_visible_correction(client):
    article = make_article()
    article.body = "Fixed text."
    services.article_update(article=article, editor=make_editor(), visible_correction=True)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="notice correction">Corrected <time' in html
    assert "Fixed text." in html


@pytest.mark.parametrize("status", [Status.PUBLISHED, Status.DRAFT])
def test_the_article_page_keeps_its_query_count_with_topics_and_drafts(
    client, django_assert_num_queries, status
):
    article = make_article(status=status, topics=["Chips", "Servers"])
    if status == Status.PUBLISHED:
        make_comment(article)
        with django_assert_num_queries(2):  # the article with its topics, the discussion
            assert client.get(article.get_absolute_url()).status_code == 200
    client.force_login(make_editor())
    # Session, user, article (and may edit), the visit (with the bell), discussion.
    with django_assert_num_queries(5):
        response = client.get(article.get_absolute_url())
    assert '<a href="/topics/chips/" rel="tag">Chips</a>' in response.content.decode()


def test_a_scheduled_article_that_went_live_is_saved_as_published():
    article = make_article(
        status=Status.SCHEDULED, published_at=timezone.now() - timedelta(minutes=5)
    )
    article.title = "Corrected after it went live"
    services.article_update(article=article, editor=make_editor())
    stored = Article.objects.get(pk=article.pk)
    assert stored.status == Status.PUBLISHED and stored.title == "Corrected after it went live"
    article.published_at = timezone.now() - timedelta(minutes=1)
    article.status = Status.SCHEDULED
    with pytest.raises(ValidationError, match="future"):
        services.article_update(article=article, editor=make_editor())
