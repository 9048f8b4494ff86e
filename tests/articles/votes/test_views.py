"""Voting through the views (a plain form post, and forum.js's JSON), rate limits, pins, and
the article page's cost with scores and the reader's own votes shown."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from articles.models import Article, Comment, PinnedComment, Vote
from articles.votes.services import DOWN, UP, vote_cast
from tests.factories import make_article, make_comment, make_realistic_thread, make_user

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


VOTE_URL = reverse("comment_vote")


def vote(client, comment, way="up", **extra):
    """Press ``way``'s button of ``comment`` (its value the comment's id), as the page does."""
    data = {way: comment.pk, **extra.pop("data", {})}
    return client.post(VOTE_URL, data, **extra)


def test_a_vote_without_javascript_returns_to_the_comment(signed_in, user, article):
    comment = make_comment(article)
    response = vote(signed_in, comment, data={"sort": "top"})
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?sort=top#comment-{comment.pk}"
    assert Vote.objects.get(comment=comment, voter=user).value == UP
    vote(signed_in, comment)  # the same button again
    assert not Vote.objects.filter(comment=comment).exists()


def test_a_vote_from_javascript_gets_the_new_totals(signed_in, article):
    comment = make_comment(article)
    vote_cast(comment_id=comment.pk, voter=make_user(password=None), value=UP)
    response = vote(signed_in, comment, "down", **JSON)
    assert response.json() == {"upvotes": 1, "downvotes": 1, "vote": DOWN, "score": 0}


def test_a_refused_vote_says_why(signed_in, user, article):
    own = make_comment(article, author=user)
    response = vote(signed_in, own, **JSON)
    assert response.status_code == 400
    assert "your own comment" in response.json()["error"]
    page = vote(signed_in, own, follow=True).content.decode()
    assert "You cannot vote on your own comment." in page


def test_anonymous_visitors_are_sent_to_sign_in(client, article):
    comment = make_comment(article)
    response = vote(client, comment)
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.get(VOTE_URL).status_code in (302, 405)
    assert not Vote.objects.exists()


def test_votes_are_rate_limited(signed_in, article, settings):
    settings.COMMENT_VOTE_RATE_PER_USER = "3/m"
    comment = make_comment(article)
    statuses = [vote(signed_in, comment, **JSON).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    comment.refresh_from_db()
    assert comment.upvotes == 1  # up, withdrawn, up; the fourth not counted


def test_the_page_shows_scores_own_votes_and_collapses_low_scores(signed_in, user, article):
    liked, disliked, own = (
        make_comment(article),
        make_comment(article),
        make_comment(article, author=user),
    )
    vote_cast(comment_id=liked.pk, voter=user, value=UP)
    Comment.objects.filter(pk=disliked.pk).update(downvotes=5)
    html = signed_in.get(article.get_absolute_url()).content.decode()
    liked_html = html[html.index(f'id="comment-{liked.pk}"') :]
    assert '<span class="score">1 point</span>' in liked_html.split("</li>")[0]
    assert f'name="up" value="{liked.pk}" aria-pressed="true"' in liked_html.split("</li>")[0]
    disliked_html = html[html.index(f'id="comment-{disliked.pk}"') :].split("</li>")[0]
    assert disliked_html.startswith(f'id="comment-{disliked.pk}"><details><summary>')
    assert "comment score below threshold" in disliked_html
    own_html = html[html.index(f'id="comment-{own.pk}"') :].split("</li>")[0]
    assert "<details open>" in own_html and 'name="up"' not in own_html
    assert 'id="vote-form"' in html


def test_scores_hidden_and_downvotes_off(client, signed_in, article, settings):
    settings.COMMENT_SHOW_SCORES = False
    settings.COMMENT_DOWNVOTES = False
    make_comment(article)
    html = signed_in.get(article.get_absolute_url()).content.decode()
    assert '<span class="score">&bull;</span>' in html
    assert 'name="up"' in html and 'name="down"' not in html


def test_anonymous_readers_see_scores_but_no_buttons(client, article):
    comment = make_comment(article)
    Comment.objects.filter(pk=comment.pk).update(upvotes=3)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="score">3 points</span>' in html
    assert 'name="up"' not in html and 'id="vote-form"' not in html


@pytest.mark.parametrize("field", ["comments_open", "comment_policy"])
def test_no_buttons_in_a_locked_or_closed_thread(signed_in, article, field):
    comment = make_comment(article)
    setattr(article, field, False if field == "comments_open" else Article.CommentPolicy.CLOSED)
    article.save()
    for url in (article.get_absolute_url(), comment.get_absolute_url()):
        html = signed_in.get(url).content.decode()
        assert 'name="up"' not in html and 'id="vote-form"' not in html


def test_moderators_pin_from_the_page(as_moderator, article):
    first, second = make_comment(article), make_comment(article)
    url = reverse("moderation_comment_pin", args=[second.pk])
    assert as_moderator.post(url, {"reason": "Best answer"}).status_code == 302
    html = as_moderator.get(article.get_absolute_url() + "?sort=oldest").content.decode()
    assert re.findall(r'id="comment-(\d+)"', html) == [str(second.pk), str(first.pk)]
    assert "Pinned by the moderators" in html
    as_moderator.post(url, {"unpin": "on"})
    assert not PinnedComment.objects.exists()


def test_readers_cannot_pin(signed_in, article):
    comment = make_comment(article)
    response = signed_in.post(reverse("moderation_comment_pin", args=[comment.pk]))
    assert response.status_code == 403
    assert not PinnedComment.objects.exists()


@pytest.mark.parametrize("size", [10, 2_000])
@pytest.mark.parametrize("query", ["", "?page=all", "?sort=top"])
def test_article_page_queries_stay_flat_with_votes_shown(
    client, size, query, django_assert_max_num_queries
):
    article = make_article()
    article_comments = make_realistic_thread(article, size)
    reader = make_user(password=None)
    voted = article_comments[1 :: max(1, size // 20)]
    for comment in voted:
        vote_cast(comment_id=comment.pk, voter=reader, value=UP)
    with django_assert_max_num_queries(2):
        client.get(article.get_absolute_url() + query)
    client.force_login(reader)
    # The session, the user, the article, the visit (with the bell), the discussion with the
    # reader's votes.
    with django_assert_max_num_queries(5):
        html = client.get(article.get_absolute_url() + query).content.decode()
    pressed = set(re.findall(r'name="up" value="(\d+)" aria-pressed="true"', html))
    shown = set(re.findall(r'id="comment-(\d+)"', html))
    assert pressed == {str(c.pk) for c in voted} & shown
    assert pressed


def test_casting_a_vote_costs_the_same_at_any_size(signed_in, django_assert_max_num_queries):
    for size in (10, 2_000):
        comments = make_realistic_thread(make_article(), size)
        # session, user; savepoint, checks, the vote with the totals, release
        with django_assert_max_num_queries(6):
            response = vote(signed_in, comments[size // 2], **JSON)
        assert response.status_code == 200


def test_moderators_pin_from_the_admin_too(as_moderator, article):
    comment = make_comment(article)
    as_moderator.post(
        reverse("admin:articles_comment_changelist"),
        {"action": "pin", "reason": "", ACTION_CHECKBOX_NAME: [comment.pk]},
    )
    assert PinnedComment.objects.get(article=article).comment == comment
