import pytest
from django.urls import reverse

from articles.models import Comment
from articles.portability import store
from articles.portability.records import ImportReport, SourceArticle, SourceComment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def test_an_articles_thread_is_served_as_a_one_article_archive(
    client, article, user, django_assert_max_num_queries
):
    root = make_comment(article, author=user, title="Root", body="*hello*")
    reply = make_comment(article, parent=root, author=user, body="a reply")
    make_comment(article, parent=reply, author=user, body="deeper")
    url = reverse("comments_json", kwargs={"slug": article.slug})

    with django_assert_max_num_queries(2):
        response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert (document["format"], document["version"]) == ("forum-archive", 1)
    (served,) = document["articles"]
    assert (served["slug"], served["title"]) == (article.slug, article.title)
    (top,) = served["comments"]
    assert (top["id"], top["author"], top["title"], top["body"]) == (
        str(root.pk),
        user.username,
        "Root",
        "*hello*",
    )
    assert top["html"] == "<p><em>hello</em></p>\n"
    assert top["replies"][0]["replies"][0]["body"] == "deeper"


@pytest.mark.parametrize("state", ["pending", "hidden", "removed", "deleted"])
def test_comments_readers_cannot_see_keep_their_place_but_not_their_text(client, state):
    article = make_article()
    hidden = make_comment(article, body="a secret")
    make_comment(article, parent=hidden, body="visible reply")
    Comment.objects.filter(pk=hidden.pk).update(state=state)

    response = client.get(reverse("comments_json", kwargs={"slug": article.slug}))

    assert "a secret" not in response.content.decode()
    (top,) = response.json()["articles"][0]["comments"]
    assert (top["state"], top["body"], top["html"], top["author"]) == (state, "", "", "")
    assert top["replies"][0]["body"] == "visible reply"


def test_an_unknown_article_is_404(client):
    assert client.get("/articles/nothing-here/comments.json").status_code == 404


def test_the_json_is_read_only(client, article):
    url = reverse("comments_json", kwargs={"slug": article.slug})
    assert client.post(url).status_code == 405


def test_a_thread_too_deep_for_nested_json_is_refused_with_a_reason(client):
    depth = 1200
    chain = [
        SourceComment(
            source="text",
            original_id="",
            author_name="",
            created_at=None,
            state="visible",
            title=f"c{i}",
            body="deeper",
            body_format="text",
            line=i + 1,
            parent_index=i - 1 if i else None,
        )
        for i in range(depth)
    ]
    source = SourceArticle(
        source="text",
        original_id="",
        title="Deep",
        summary="s",
        body="b",
        comments=chain,
        comment_ids_expected=False,
    )
    article = store.article_store(source=source, report=ImportReport(), dry_run=False).article
    response = client.get(reverse("comments_json", args=[article.slug]))
    assert response.status_code == 422
    assert "--format disqus" in response.json()["error"]


def make_threads(article, count):
    for i in range(count):
        root = make_comment(article, body=f"thread {i}")
        make_comment(article, parent=root, body=f"reply {i}")


def test_the_json_is_paged_by_top_level_thread_with_links(client, article, settings):
    settings.THREAD_PAGE_SIZE = 2
    make_threads(article, 5)
    url = reverse("comments_json", kwargs={"slug": article.slug})
    first = client.get(url).json()
    assert [c["body"] for c in first["articles"][0]["comments"]] == ["thread 0", "thread 1"]
    assert first["articles"][0]["comments"][0]["replies"][0]["body"] == "reply 0"
    assert first["page"] == {
        "number": 1,
        "pages": 3,
        "threads_per_page": 2,
        "previous": None,
        "next": f"{url}?page=2",
    }
    # Only the page number: the slug may hold a 2 too (article-2164).
    last = client.get(first["page"]["next"].replace("page=2", "page=3")).json()
    assert [c["body"] for c in last["articles"][0]["comments"]] == ["thread 4"]
    assert (last["page"]["previous"], last["page"]["next"]) == (f"{url}?page=2", None)


@pytest.mark.parametrize(("page", "status"), [("9", 404), ("0", 400), ("x", 400), ("1" * 9, 400)])
def test_a_page_that_does_not_exist_is_refused_with_a_reason(client, article, page, status):
    make_threads(article, 1)
    response = client.get(reverse("comments_json", args=[article.slug]) + f"?page={page}")
    assert response.status_code == status
    assert response.json()["error"]


def test_an_unchanged_page_answers_304_to_its_etag(client, article):
    make_threads(article, 1)
    url = reverse("comments_json", args=[article.slug])
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    make_comment(article, body="news")
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_anonymous_readers_get_the_cached_copy(
    client, article, settings, django_assert_max_num_queries
):
    settings.THREAD_CACHE_SECONDS = 60
    make_threads(article, 2)
    url = reverse("comments_json", args=[article.slug])
    first = client.get(url).content
    with django_assert_max_num_queries(1):  # the article; the comments come from the cache
        assert client.get(url).content == first


def test_the_json_is_rate_limited_per_address(client, article, settings):
    settings.COMMENTS_JSON_RATE = "2/m"
    url = reverse("comments_json", args=[article.slug])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
