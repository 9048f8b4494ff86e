"""The Atom feeds of an article's comments, a topic's articles and a member's comments: valid
Atom, only what any reader may see, linked from their pages, a constant number of queries."""

from datetime import timedelta
from xml.etree import ElementTree

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Comment
from tests.factories import make_article, make_comment, make_user

pytestmark = pytest.mark.django_db


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.version == "atom10" and not feed.bozo, feed.get("bozo_exception")
    return feed


def _head(client, url):
    page = client.get(url).content.decode()
    return page[: page.index("</head>")]


def _hide(comment, state):
    Comment.objects.filter(pk=comment.pk).update(state=state)


def test_an_articles_comments_newest_first_without_hidden_ones(client):
    article = make_article(title="Servers")
    ann = make_user("ann")
    first = make_comment(article, author=ann, title="First", body="Hello **there**.")
    make_comment(article, parent=first, author=ann, body="An untitled reply.")
    for state in ("pending", "hidden", "removed", "deleted"):
        _hide(make_comment(article, title=f"Gone {state}", body=f"secret {state}"), state)
    make_comment(make_article(), title="Elsewhere")

    feed = _feed(client, reverse("feed_article", args=[article.slug]))
    assert feed.feed.title == "Comments on “Servers”"
    assert [entry.title for entry in feed.entries] == ["ann on “Servers”", "First"]
    assert "secret" not in str(feed)
    entry = feed.entries[1]
    assert entry.summary == "<p>Hello <strong>there</strong>.</p>"
    assert entry.link.endswith(first.get_absolute_url()) and entry.author == "ann"


def test_comment_html_stays_sanitised_in_the_feed(client):
    article = make_article()
    comment = make_comment(article, body="<script>alert(1)</script> <img src=x onerror=1> *fine*")
    response = client.get(reverse("feed_article", args=[article.slug]))
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.fromstring(response.content)  # noqa: S314 - the site's own response
    summary = feed.find(f"{atom}entry/{atom}summary")
    assert summary.get("type") == "html" and summary.text == comment.body_html
    assert "<script" not in summary.text and "<img" not in summary.text
    assert "<em>fine</em>" in summary.text


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.WITHDRAWN])
def test_an_unpublished_articles_feed_is_not_found(client, status):
    article = make_article()
    make_comment(article)
    Article.objects.filter(pk=article.pk).update(status=status)
    assert client.get(reverse("feed_article", args=[article.slug])).status_code == 404


def test_a_topics_articles_newest_first(client):
    make_article(title="Old", topics=["Chips"], published_at=timezone.now() - timedelta(days=2))
    make_article(title="New", topics=["Chips"])
    make_article(title="Other", topics=["Policy"])
    make_article(title="Draft", topics=["Chips"], status=Article.Status.DRAFT)
    feed = _feed(client, reverse("feed_topic", args=["chips"]))
    assert feed.feed.title == "The Forum: Chips"
    assert [entry.title for entry in feed.entries] == ["New", "Old"]
    assert client.get(reverse("feed_topic", args=["nothing"])).status_code == 404


def test_a_members_comments_only_those_any_reader_sees(client):
    bob = make_user("bob")
    shown = make_comment(make_article(title="Open"), author=bob, title="Shown")
    _hide(make_comment(make_article(), author=bob, title="Hidden one"), "hidden")
    draft = make_article()
    make_comment(draft, author=bob, title="On a draft")
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.DRAFT)
    make_comment(make_article(), title="Someone else")
    feed = _feed(client, reverse("feed_member", args=["bob"]))
    assert feed.feed.title == "Comments by bob"
    assert [entry.title for entry in feed.entries] == ["Shown"]
    assert feed.entries[0].link.endswith(shown.get_absolute_url())
    inactive = make_user("gone", is_active=False)
    assert client.get(reverse("feed_member", args=[inactive.username])).status_code == 404


def test_each_page_links_its_feed_from_its_head(client):
    article = make_article(topics=["Chips"])
    bob = make_user("bob")
    make_comment(article, author=bob)
    pages = {
        article.get_absolute_url(): reverse("feed_article", args=[article.slug]),
        reverse("topic_detail", args=["chips"]): reverse("feed_topic", args=["chips"]),
        reverse("user_profile", args=["bob"]): reverse("feed_member", args=["bob"]),
    }
    for page, feed in pages.items():
        head = _head(client, page)
        assert '<link rel="alternate" type="application/atom+xml" title="' in head
        assert f'href="{feed}"' in head, page


@pytest.mark.parametrize("count", [1, 30])
def test_feeds_take_a_constant_number_of_queries(client, django_assert_num_queries, count):
    article = make_article(topics=["Chips"])
    bob = make_user("bob")
    for i in range(count):
        make_comment(article, author=bob if i % 2 else None)
        make_article(topics=["Chips"])
    # The article, topic or member followed, then the entries: 2 however many.
    for url in (
        reverse("feed_article", args=[article.slug]),
        reverse("feed_topic", args=["chips"]),
        reverse("feed_member", args=["bob"]),
    ):
        with django_assert_num_queries(2):
            _feed(client, url)
