"""Pages that show a comment's ancestors show the nearest few and a link up the chain (issue 16,
point 5): the permalink, the reply page, the admin's change page and the moderation queue."""

import re
import time

import pytest
from django.urls import reverse

from articles.models import Comment
from articles.threads.ancestors import nearest_ancestors
from tests.factories import make_bulk_thread, make_comment, set_word_lists

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]


def chain(article, depth):
    """``depth`` comments, each replying to the one before (titles b0, b1, …)."""
    return make_bulk_thread(article, [None, *range(depth - 1)])


def titles_in(html):
    return re.findall(r">(b\d+)<", html)


def test_the_nearest_ancestors_come_from_one_query(article, django_assert_num_queries):
    comments = chain(article, 50)
    with django_assert_num_queries(1):
        ancestors = nearest_ancestors(comments[-1])
    assert [c.title for c in ancestors.comments] == ["b46", "b47", "b48"]
    assert ancestors.comments[0].author.username  # authors come along
    assert ancestors.up_url == reverse("comment_detail", args=[comments[45].pk])
    near_top = nearest_ancestors(comments[2])
    assert ([c.title for c in near_top.comments], near_top.up_url) == (["b0", "b1"], None)
    assert nearest_ancestors(comments[0]) == ([], None)


def test_the_permalink_shows_three_ancestors_and_a_link_up(client, article):
    comments = chain(article, 30)
    html = client.get(comments[20].get_absolute_url()).content.decode()
    context = html.split('class="ancestors"')[1].split("</ol>")[0]
    assert titles_in(context) == ["b17", "b18", "b19"]
    up = reverse("comment_detail", args=[comments[16].pk])
    assert f'<a href="{up}" rel="up">&uarr; Continue up the thread</a>' in html
    # Following the link goes on up: three more, and the link again.
    html = client.get(up).content.decode()
    assert titles_in(html.split('class="ancestors"')[1].split("</ol>")[0]) == ["b13", "b14", "b15"]


def test_near_the_top_there_is_no_link_up(client, article):
    comments = chain(article, 4)
    html = client.get(comments[3].get_absolute_url()).content.decode()
    assert "Continue up the thread" not in html
    assert titles_in(html.split('class="ancestors"')[1].split("</ol>")[0]) == ["b0", "b1", "b2"]


def test_the_reply_page_links_up_from_the_parent(signed_in, article):
    comments = chain(article, 6)
    html = signed_in.get(reverse("comment_reply", args=[comments[5].pk])).content.decode()
    assert reverse("comment_detail", args=[comments[4].pk]) in html
    assert "Continue up the thread" in html


def test_the_admin_page_shows_three_ancestors_and_a_link_up(as_moderator, article):
    comments = chain(article, 30)
    url = reverse("admin:articles_comment_change", args=[comments[20].pk])
    html = as_moderator.get(url).content.decode()
    context = html.split('class="comment-context"')[1].split("</ol>")[0]
    assert titles_in(context) == ["b17", "b18", "b19"]
    up = reverse("admin:articles_comment_change", args=[comments[16].pk])
    assert f'<a href="{up}">&uarr; Continue up the thread</a>' in html


def test_the_queue_shows_the_parent_and_a_link_up(as_moderator, article, user):
    comments = chain(article, 5)
    set_word_lists(watched=["casino"])
    make_comment(article, parent=comments[4], author=user, body="casino")
    html = as_moderator.get(reverse("moderation_queue")).content.decode()
    assert reverse("comment_detail", args=[comments[3].pk]) in html
    assert "Continue up the thread" in html


DEPTH = 20_000


@pytest.mark.slow
def test_pages_at_depth_20000_stay_small_and_quick(client, as_moderator, article, capsys):
    deepest = chain(article, DEPTH)[-1]
    assert Comment.objects.get(pk=deepest.pk).level == DEPTH - 1
    figures = {}
    for name, who, url in (
        ("permalink", client, deepest.get_absolute_url()),
        (
            "admin change page",
            as_moderator,
            reverse("admin:articles_comment_change", args=[deepest.pk]),
        ),
    ):
        who.get(url)  # warm: templates compiled, connection open
        started = time.perf_counter()
        response = who.get(url)
        seconds = time.perf_counter() - started
        assert response.status_code == 200
        figures[name] = (seconds, len(response.content))
        assert len(response.content) < 60_000, name
        assert seconds < 1.5, name
    with capsys.disabled():
        for name, (seconds, size) in figures.items():
            print(f"\ndepth {DEPTH:,}: {name} {seconds * 1000:.0f} ms, {size:,} bytes")
