import re

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.factories import make_article, make_comment, make_realistic_thread, make_thread

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
    assert first.content.decode().count('<li class="article-row">') == 20
    assert 'rel="next"' in first.content.decode()
    assert second.content.decode().count('<li class="article-row">') == 1


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


@pytest.mark.parametrize("size", [10, 600])
@pytest.mark.parametrize("query", ["", "?page=all", "?sort=replies", "?sort=newest&page=1"])
def test_article_page_query_count_does_not_grow_with_the_thread(
    client, article, size, query, django_assert_num_queries
):
    make_realistic_thread(article, size)
    # The article, then the page's threads with their comments and the article's totals.
    with django_assert_num_queries(2):
        response = client.get(article.get_absolute_url() + query)
    shown = comment_ids_in_page(response.content.decode())
    within_depth_cap = article.comments.filter(level__lt=settings.THREAD_MAX_DEPTH).count()
    if query == "?page=all" or size == 10:
        assert len(shown) == within_depth_cap
    else:
        assert 0 < len(shown) < within_depth_cap


def test_a_later_page_costs_the_same_two_queries(client, article, django_assert_num_queries):
    make_realistic_thread(article, 600)
    with django_assert_num_queries(2):
        response = client.get(article.get_absolute_url() + "?sort=newest&page=2")
    assert comment_ids_in_page(response.content.decode())


@pytest.mark.parametrize("size", [10, 600])
def test_signed_in_article_page_query_count_does_not_grow_either(
    signed_in, article, size, django_assert_num_queries
):
    make_realistic_thread(article, size)
    # Session and user, then as for anyone (what the reader may do comes with the article), and
    # one statement recording the visit that also reads the bell, follow and mute.
    with django_assert_num_queries(5):
        signed_in.get(article.get_absolute_url() + "?page=all")


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


def test_a_page_past_the_last_links_back_to_the_first_page_of_the_article(client):
    article = make_article()
    make_comment(article)
    response = client.get(article.get_absolute_url() + "?page=99")
    html = response.content.decode()
    assert response.status_code == 404
    assert "This discussion has no page 99." in html
    assert f'<a href="{article.get_absolute_url()}">The first page of comments on' in html
