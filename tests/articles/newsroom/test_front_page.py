"""The front page's tabs, topic pages and the Atom feed: order, content, constant queries."""

from datetime import timedelta

import feedparser
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Comment, Topic
from articles.moderation import services as moderation
from articles.newsroom.services import article_topics_set
from tests.factories import make_article, make_comment, make_moderator, make_user

pytestmark = pytest.mark.django_db


def days_ago(days, hours=0):
    return timezone.now() - timedelta(days=days, hours=hours)


def comment_at(article, when, author):
    comment = make_comment(article, author=author)
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    return comment


@pytest.fixture
def three():
    """A: 3 days old, last comment an hour ago; B: newest, silent; C: old, busy two days ago."""
    author = make_user(password=None)
    a = make_article(title="A", published_at=days_ago(3), topics=["Chips", "Servers"])
    b = make_article(title="B", published_at=days_ago(1), summary="Quiet one.")
    c = make_article(title="C", published_at=days_ago(10), topics=["Chips"])
    comment_at(a, days_ago(20), author)  # before the 7 days "Most discussed" counts
    comment_at(a, days_ago(0, hours=1), author)
    for _ in range(3):
        comment_at(c, days_ago(2), author)
    return a, b, c


def titles(response):
    return [article.title for article in response.context["articles"]]


@pytest.mark.parametrize(
    ("tab", "order"),
    [("", "BAC"), ("latest", "BAC"), ("active", "ACB"), ("discussed", "CAB"), ("bogus", "BAC")],
)
def test_each_tab_has_its_order(client, three, tab, order):
    response = client.get(reverse("home"), {"tab": tab} if tab else {})
    assert titles(response) == list(order)


def test_a_row_shows_title_summary_topics_date_count_and_last_comment(client, three):
    a, _, _ = three
    html = client.get(reverse("home")).content.decode()
    row = html[html.index(f'href="{a.get_absolute_url()}"') :]
    row = row[: row.index("</li>")]
    assert '<a href="/topics/chips/" rel="tag">Chips</a>' in row
    assert '<a href="/topics/servers/" rel="tag">Servers</a>' in row
    assert "2 comments" in row
    assert f'datetime="{timezone.localtime(a.published_at):%Y-%m-%dT%H}' in row
    assert 'class="last-comment"' in row
    assert "Quiet one." in html and "0 comments" in html


def test_drafts_scheduled_and_withdrawn_articles_stay_off_the_lists(client):
    make_article(title="Live")
    make_article(title="Draft", status=Article.Status.DRAFT, topics=["Chips"])
    make_article(title="Gone", status=Article.Status.WITHDRAWN, topics=["Chips"])
    make_article(
        title="Soon", status=Article.Status.SCHEDULED, published_at=timezone.now() + timedelta(1)
    )
    assert titles(client.get(reverse("home"))) == ["Live"]
    assert titles(client.get(reverse("topic_detail", args=["chips"]))) == []
    feed = feedparser.parse(client.get(reverse("feed_latest")).content)
    assert [entry.title for entry in feed.entries] == ["Live"]


@override_settings(FRONT_PAGE_SIZE=2)
def test_the_front_page_is_paged_and_keeps_its_tab(client, three):
    first = client.get(reverse("home"), {"tab": "active"})
    assert titles(first) == ["A", "C"]
    assert 'href="?tab=active&amp;page=2"' in first.content.decode()
    assert titles(client.get(reverse("home"), {"tab": "active", "page": 2})) == ["B"]


def test_a_topic_page_lists_its_articles_newest_first(client, three):
    response = client.get(reverse("topic_detail", args=["chips"]))
    assert titles(response) == ["A", "C"]
    assert "Topic: Chips" in response.content.decode()
    assert client.get(reverse("topic_detail", args=["nothing"])).status_code == 404


def test_the_feed_is_atom_and_linked_from_the_page_head(client, three):
    page = client.get(reverse("home")).content.decode()
    head = page[: page.index("</head>")]
    assert 'rel="alternate" type="application/atom+xml"' in head and 'href="/feed/"' in head
    response = client.get(reverse("feed_latest"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.version == "atom10" and not feed.bozo
    assert [entry.title for entry in feed.entries] == ["B", "A", "C"]
    assert feed.entries[0].summary == "Quiet one."
    assert feed.entries[0].link.endswith(three[1].get_absolute_url())


def bulk_articles(count):
    """``count`` published articles, each under two of three topics, written in a few queries."""
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=f"Bulk {i}",
            slug=f"bulk-{i}",
            body="b",
            published_at=now - timedelta(minutes=i),
            summary="s",
        )
        for i in range(count)
    )
    topics = [Topic.objects.create(name=f"T{i}", slug=f"t{i}") for i in range(3)]
    through = Article.topics.through
    through.objects.bulk_create(
        through(article=article, topic=topics[(i + k) % 3])
        for i, article in enumerate(articles)
        for k in range(2)
    )
    author = make_user(password=None)
    for article in articles[:3]:
        make_comment(article, author=author)
    return articles


@override_settings(FRONT_PAGE_SIZE=2, COMMENTS_CLOSE_AFTER_DAYS=None)
def test_most_discussed_pages_list_every_article_once_in_its_order(client):
    author, moderator = make_user(password=None), make_moderator()
    titles_by_recent = {"R4": 4, "R2": 2, "R2b": 2, "R1": 1}
    for title, count in titles_by_recent.items():
        article = make_article(title=title, published_at=days_ago(30))
        for _ in range(count):
            comment_at(article, days_ago(1), author)
    old = make_article(title="Old", published_at=days_ago(40))
    comment_at(old, days_ago(20), author)
    hushed = make_article(title="Hushed", published_at=days_ago(40))
    hidden = comment_at(hushed, days_ago(1), author)
    comment_at(hushed, days_ago(25), author)
    moderation.comment_hide(comment=hidden, moderator=moderator, reason="rude")
    for title in ("Silent", "Silent new"):
        make_article(title=title, published_at=days_ago(50 if title == "Silent" else 5))
    gone = make_article(title="Gone")
    for _ in range(9):
        comment_at(gone, days_ago(1), author)
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.WITHDRAWN)

    listed = []
    for page in range(1, 5):
        response = client.get(reverse("home"), {"tab": "discussed", "page": page})
        listed += titles(response)
    # By the last days' comments (ties: the latest comment), then the others as "Active" lists
    # them: the latest comment (a hidden one does not count), then the newest.
    assert listed[:4] == ["R4", "R2b", "R2", "R1"]
    assert listed[4:] == ["Old", "Hushed", "Silent new", "Silent"]
    assert "Page 4 of 4" in response.content.decode()


@pytest.mark.parametrize("count", [5, 500])
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?tab=active",
        "/?tab=discussed",
        "/?tab=discussed&page=2",
        "/topics/t1/",
        "/feed/",
    ],
)
def test_lists_take_a_constant_number_of_queries(
    client, django_assert_num_queries, count, url, settings
):
    settings.FRONT_PAGE_SIZE = 2
    bulk_articles(count)
    expected = 1 if url == "/feed/" else 2  # the page (and the paginator's count)
    if url.startswith("/topics/"):
        expected += 1  # the topic
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


def test_topics_set_by_name_keep_their_order_and_reuse_rows():
    article = make_article()
    article_topics_set(article=article, names=["Servers", "Chips", "Servers", " "])
    other = make_article()
    article_topics_set(article=other, names=["chips", "Chips"])
    assert article.topic_names == ["Servers", "Chips"]
    assert other.topic_names == ["chips", "Chips"]
    assert sorted(Topic.objects.values_list("slug", flat=True)) == ["chips", "chips-2", "servers"]
