import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import Comment
from tests.factories import PASSWORD, make_article, make_comment, make_thread, make_user

pytestmark = pytest.mark.django_db


def comment_ids_in_page(html):
    return [int(pk) for pk in re.findall(r'id="comment-(\d+)"', html)]


# Home page


def test_home_lists_articles_newest_first_with_comment_counts(client, django_assert_num_queries):
    old = make_article(title="Old news", published_at="2020-01-01T00:00Z")
    new = make_article(title="Fresh news", published_at="2024-01-01T00:00Z")
    make_thread(new, 3)
    with django_assert_num_queries(2):  # the page of articles with counts, and the total
        response = client.get(reverse("home"))
    html = response.content.decode()
    assert html.index("Fresh news") < html.index("Old news")
    assert "3 comments" in html
    assert old.get_absolute_url() in html


def test_home_is_paginated(client):
    for _ in range(21):
        make_article()
    first = client.get(reverse("home"))
    second = client.get(reverse("home"), {"page": 2})
    assert first.content.decode().count("<li>\n    <h2>") == 20
    assert 'rel="next"' in first.content.decode()
    assert second.content.decode().count("<li>\n    <h2>") == 1


def test_home_without_articles_says_how_to_import(client):
    assert "import_article" in client.get(reverse("home")).content.decode()


# Article page


def test_article_page_shows_article_and_nested_tree(client, article):
    root = make_comment(article, title="Root <b>title</b>")
    reply = make_comment(article, parent=root, title="Reply")
    deep = make_comment(article, parent=reply, title="Deep")
    sibling = make_comment(article, title="Sibling")

    html = client.get(article.get_absolute_url()).content.decode()

    assert comment_ids_in_page(html) == [root.pk, reply.pk, deep.pk, sibling.pk]
    assert "Root &lt;b&gt;title&lt;/b&gt;" in html
    # Replies sit inside their parent's element: the deep reply closes two lists before sibling.
    between = html[html.index(f'id="comment-{deep.pk}"') : html.index(f'id="comment-{sibling.pk}"')]
    assert between.count("</ol>") == 2
    assert f'href="{reverse("comment_detail", args=[deep.pk])}"' in html
    assert f'href="{reverse("comment_reply", args=[deep.pk])}"' in html
    assert "2 replies" in html


def test_anonymous_reader_is_invited_to_log_in_or_register(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Log in</a> or <a" in html
    assert "to join the discussion" in html
    assert 'name="body"' not in html


def test_signed_in_reader_gets_one_form_and_one_reply_template(signed_in, article):
    make_thread(article, 20)
    html = signed_in.get(article.get_absolute_url()).content.decode()
    assert html.count('name="body"') == 2  # top-level form and the reusable reply form
    assert 'id="reply-form-template"' in html


def test_closed_article_says_so_and_offers_no_form(signed_in):
    closed = make_article(comments_open=False)
    html = signed_in.get(closed.get_absolute_url()).content.decode()
    assert "Comments on this article are closed." in html
    assert 'name="body"' not in html


def test_unknown_article_is_404(client, db):
    assert client.get("/articles/no-such-thing/").status_code == 404


@pytest.mark.parametrize("size", [10, 500])
def test_article_page_query_count_does_not_grow_with_the_thread(
    client, article, size, django_assert_max_num_queries
):
    make_thread(article, size)
    with django_assert_max_num_queries(2):  # the article, then the whole thread
        response = client.get(article.get_absolute_url())
    assert len(comment_ids_in_page(response.content.decode())) == size


# Permalink page


def test_permalink_shows_ancestors_and_replies_only(client, article):
    root = make_comment(article, title="Root")
    middle = make_comment(article, parent=root, title="Middle")
    reply = make_comment(article, parent=middle, title="Reply below")
    other = make_comment(article, title="Unrelated")

    html = client.get(reverse("comment_detail", args=[middle.pk])).content.decode()

    assert "In reply to" in html and "Root" in html
    assert comment_ids_in_page(html) == [middle.pk, reply.pk]
    assert other.title not in html
    assert article.get_absolute_url() in html


def test_permalink_of_unknown_comment_is_404(client, db):
    assert client.get(reverse("comment_detail", args=[999999])).status_code == 404


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


# Accounts


def test_signup_creates_account_signs_in_and_returns(client, article):
    response = client.post(
        reverse("signup"),
        {
            "username": "newreader",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": article.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Signed in as <strong>newreader</strong>" in page


def test_signup_rejects_weak_passwords_and_offsite_next(client, db):
    response = client.post(
        reverse("signup"), {"username": "x", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert not get_user_model().objects.filter(username="x").exists()

    response = client.post(
        reverse("signup"),
        {
            "username": "y",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("home")


def test_signup_page_renders(client, db):
    assert 'name="password2"' in client.get(reverse("signup")).content.decode()


def test_login_and_logout(client, db):
    make_user("alice")
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert "Signed in as" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("logout")).status_code == 405  # logging out is a POST
    client.post(reverse("logout"))
    assert "Signed in as" not in client.get(reverse("home")).content.decode()


def test_login_with_wrong_password_shows_error(client, db):
    make_user("bob")
    response = client.post(reverse("login"), {"username": "bob", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


# Health


def test_health_reports_ok(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db(transaction=True)
def test_health_reports_database_down_and_recovers(client):
    settings_dict = connection.settings_dict
    saved = settings_dict["HOST"], settings_dict["PORT"]
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", "1"  # nothing listens there
    try:
        response = client.get(reverse("health"))
    finally:
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = saved
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert client.get(reverse("health")).status_code == 200
