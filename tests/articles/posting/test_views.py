import re

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from articles.models import Comment
from articles.notifications import hooks
from articles.posting import views, wordlists
from articles.threads.selectors import comment_thread_url
from articles.threads.viewer import Viewer
from tests.factories import make_article, make_comment, make_realistic_thread, make_user

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


def test_the_reply_page_offers_to_quote_and_quotes_the_parent_when_asked(signed_in, article):
    parent = make_comment(article, body="First line\n\nSecond *line*")
    url = reverse("comment_reply", args=[parent.pk])
    assert 'href="?quote=1"' in signed_in.get(url).content.decode()
    html = signed_in.get(url + "?quote=1").content.decode()
    assert "&gt; First line\n&gt;\n&gt; Second *line*\n\n</textarea>" in html
    assert 'href="?quote=1"' not in html


def test_the_preview_button_shows_the_text_as_posted_and_stores_nothing(
    signed_in, article, settings
):
    settings.COMMENT_RATE_PER_USER = "1/m"
    url = reverse("comment_create", args=[article.slug])
    data = {"body": "Some **bold** text <script>x</script>", "preview": "1"}
    for _ in range(3):  # previews do not count as posts
        response = signed_in.post(url, data)
        assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: not posted yet." in html
    assert "<strong>bold</strong>" in html and "<script>x" not in html
    assert "Some **bold** text &lt;script&gt;x&lt;/script&gt;</textarea>" in html
    assert not Comment.objects.exists()
    assert signed_in.post(url, {"body": "Now posted"}).status_code == 302


def test_an_empty_preview_shows_the_form_error(signed_in, article):
    response = signed_in.post(reverse("comment_create", args=[article.slug]), {"preview": "1"})
    assert response.status_code == 400
    assert "Write something before posting." in response.content.decode()


def test_the_live_preview_answers_sanitised_html_and_stores_nothing(signed_in):
    response = signed_in.post(reverse("comment_preview"), {"body": "see https://example.com <b>"})
    assert response.status_code == 200
    html = response.json()["html"]
    assert '<a href="https://example.com"' in html and "&lt;b&gt;" in html
    assert not Comment.objects.exists()


def test_the_live_preview_refuses_empty_text_and_too_many_previews(signed_in, settings):
    settings.COMMENT_PREVIEW_RATE = "2/m"
    url = reverse("comment_preview")
    assert signed_in.post(url, {"body": ""}).json() == {"error": "Write something before posting."}
    signed_in.post(url, {"body": "two"})
    response = signed_in.post(url, {"body": "three"})
    assert response.status_code == 429


def test_the_live_preview_needs_login(client):
    response = client.post(reverse("comment_preview"), {"body": "x"})
    assert response.status_code == 302


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
    wordlists.current_word_lists()  # this process's copy is current (see test_wordmatch)
    # session, user, parent with its article; the posting function (locks, checks, room,
    # insert, and the page to land on, counted in the same statement)
    with django_assert_max_num_queries(4):
        response = signed_in.post(url, {"parent": comments[size // 2].pk, "body": "Quick"})
    assert response.status_code == 302
    assert Comment.objects.get(body="Quick").parent == comments[size // 2]


@pytest.mark.parametrize("size", [10, 2_000])
def test_with_the_account_cache_a_reply_costs_two_statements(
    signed_in, article, size, settings, django_assert_num_queries
):
    settings.ACCOUNT_CACHE_SECONDS = 300  # the default with Redis
    comments = make_realistic_thread(article, size)
    url = reverse("comment_create", args=[article.slug])
    signed_in.get(reverse("account_settings"))  # the session and the user are cached
    wordlists.current_word_lists()
    # the parent with its article; the posting function with the page to land on. (After the
    # commit, which a test's transaction defers, the notifications' task is queued: one INSERT.)
    with django_assert_num_queries(2):
        response = signed_in.post(url, {"parent": comments[size // 2].pk, "body": "Quick"})
    assert response.status_code == 302
    assert Comment.objects.get(body="Quick").parent == comments[size // 2]


@pytest.mark.parametrize("sort", ["best", "top", "oldest", "newest", "replies"])
def test_a_reply_lands_on_the_page_of_its_thread_in_the_readers_order(
    signed_in, user, article, settings, sort
):
    settings.THREAD_PAGE_SIZE = 2
    settings.COMMENT_RATE_PER_USER = "100/m"
    roots = [make_comment(article) for _ in range(7)]
    for index, root in enumerate(roots):
        Comment.objects.filter(pk=root.pk).update(upvotes=index % 4, downvotes=index % 3)
    make_comment(article, parent=roots[6])
    url = reverse("comment_create", args=[article.slug])
    for root in [*roots, None, None]:  # replies, then new threads
        body = f"to {root.pk if root else 'the article'} {Comment.objects.count()}"
        data = {"parent": root.pk if root else "", "body": body, "sort": sort}
        response = signed_in.post(url, data)
        posted = Comment.objects.get(body=body)
        # Counted apart, after the commit, as any other page does it.
        expected = comment_thread_url(posted, sort=sort, viewer=Viewer(user.pk, False))
        assert response["Location"] == expected


def test_a_stored_post_is_never_answered_with_an_error(signed_in, article, monkeypatch):
    def unavailable(*args, **kwargs):
        raise OperationalError("the server closed the connection")

    monkeypatch.setattr(views, "comment_thread_url", unavailable)
    response = signed_in.post(reverse("comment_create", args=[article.slug]), {"body": "Kept"})
    comment = Comment.objects.get(body="Kept")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"


@pytest.mark.django_db(transaction=True)
def test_a_post_whose_notifications_cannot_be_queued_is_still_answered_as_stored(monkeypatch):
    # Outside a test's transaction, as a request runs: the after-commit work runs at once.
    class Unavailable:
        def enqueue(self, **kwargs):
            raise OperationalError("the server closed the connection")

    monkeypatch.setattr(hooks, "notifications_send", Unavailable())
    article, client = make_article(), Client()
    client.force_login(make_user())
    response = client.post(reverse("comment_create", args=[article.slug]), {"body": "Kept"})
    assert response.status_code == 302
    assert Comment.objects.filter(body="Kept").exists()
