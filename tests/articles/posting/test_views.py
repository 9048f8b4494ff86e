import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Comment
from tests.factories import make_article, make_comment, make_realistic_thread

pytestmark = pytest.mark.django_db


def comment_ids_in_page(html):
    return [int(pk) for pk in re.findall(r'id="comment-(\d+)"', html)]


# Reply page and posting


def test_reply_page_shows_parent_and_form(signed_in, article):
    parent = make_comment(article, title="Parent title", body="Parent body")
    response = signed_in.get(reverse("comment_reply", args=[parent.pk]))
    html = response.content.decode()
    assert "Reply to “Parent title”" in html
    assert "Parent body" in html
    assert f'name="parent" value="{parent.pk}"' in html


def test_reply_page_needs_login(client, article):
    parent = make_comment(article)
    url = reverse("comment_reply", args=[parent.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_posting_a_reply_lands_on_its_anchor(signed_in, article, user):
    parent = make_comment(article)
    response = signed_in.post(
        reverse("comment_create", args=[article.slug]),
        {"parent": parent.pk, "title": "Re", "body": "I *agree*"},
    )
    reply = Comment.objects.get(title="Re")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{reply.pk}"
    assert reply.parent == parent and reply.author == user
    assert "<em>agree</em>" in reply.body_html


def test_posting_a_top_level_comment(signed_in, article):
    response = signed_in.post(reverse("comment_create", args=[article.slug]), {"body": "First!"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert comment.parent is None and comment.level == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": ""}, "Write something before posting."),
        ({"body": "x" * 10_001}, "at most 10000 characters"),
        ({"body": "ok", "title": "t" * 201}, "at most 200 characters"),
        ({"body": "ok", "parent": 999999}, "does not exist"),
    ],
)
def test_invalid_posts_show_errors_and_store_nothing(signed_in, article, data, message):
    response = signed_in.post(reverse("comment_create", args=[article.slug]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Comment.objects.exists()


def test_reply_to_another_articles_comment_is_refused(signed_in, article):
    foreign = make_comment(make_article())
    response = signed_in.post(
        reverse("comment_create", args=[article.slug]), {"parent": foreign.pk, "body": "hi"}
    )
    assert response.status_code == 400
    assert "same article" in response.content.decode()
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("state", ["hidden", "removed", "pending", "deleted"])
def test_a_refused_reply_never_shows_the_text_of_a_comment_readers_may_not_see(
    signed_in, article, state
):
    parent = make_comment(article, title="Secret title", body="Secret body")
    Comment.objects.filter(pk=parent.pk).update(state=state)
    response = signed_in.post(
        reverse("comment_create", args=[article.slug]), {"parent": parent.pk, "body": "Hi"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "only reply to a comment that is shown" in html
    assert "Secret" not in html and parent.display_author not in html
    assert not Comment.objects.filter(body="Hi").exists()


def test_posting_on_a_closed_article_is_refused(signed_in):
    closed = make_article(comments_open=False)
    response = signed_in.post(reverse("comment_create", args=[closed.slug]), {"body": "hi"})
    assert response.status_code == 400
    assert "closed" in response.content.decode()
    assert not Comment.objects.exists()


def test_anonymous_post_is_sent_to_login_and_stores_nothing(client, article):
    response = client.post(reverse("comment_create", args=[article.slug]), {"body": "hi"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Comment.objects.exists()


def test_posting_needs_post(signed_in, article):
    assert signed_in.get(reverse("comment_create", args=[article.slug])).status_code == 405


def test_posting_without_csrf_token_is_refused(article, user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("comment_create", args=[article.slug]), {"body": "hi"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


# Posting cost: a reply is a fixed number of queries, whatever the size of its thread.


@pytest.mark.parametrize("size", [10, 2_000])
def test_posting_a_reply_costs_the_same_few_queries_at_any_thread_size(
    signed_in, article, size, django_assert_max_num_queries
):
    comments = make_realistic_thread(article, size)
    url = reverse("comment_create", args=[article.slug])
    # session, user, parent with its article; savepoint, locks, checks, room, insert, release;
    # the page to land on
    with django_assert_max_num_queries(10):
        response = signed_in.post(url, {"parent": comments[size // 2].pk, "body": "Quick"})
    assert response.status_code == 302
    assert Comment.objects.get(body="Quick").parent == comments[size // 2]
