"""Public profiles: what any reader may see of a member, linked from every author name."""

import re

import pytest
from django.urls import reverse

from articles.models import Comment, Profile
from articles.moderation import services as moderation
from tests.factories import make_article, make_comment, make_moderator, make_user, make_votes

pytestmark = pytest.mark.django_db


def profile_url(user):
    return reverse("user_profile", args=[user.username])


def test_a_profile_shows_join_date_count_and_visible_comments_newest_first(client):
    member = make_user("writer")
    article = make_article(title="The article")
    first = make_comment(article, author=member, title="First words")
    second = make_comment(article, author=member, title="Second words")
    hidden = make_comment(article, author=member, title="Hidden words")
    moderation.comment_hide(comment=hidden, moderator=make_moderator(), reason="rude")

    page = client.get(profile_url(member)).content.decode()

    assert "<h1>writer</h1>" in page
    assert f'Joined <time datetime="{member.date_joined:%Y-%m-%d}' in page
    assert "2 comments" in page
    assert page.index("Second words") < page.index("First words")
    assert "Hidden words" not in page
    assert f"#comment-{second.pk}" in page and f"#comment-{first.pk}" in page
    assert "Member record" not in page


def test_profiles_are_paged(client):
    member = make_user()
    article = make_article()
    for number in range(21):
        make_comment(article, author=member, title=f"t{number}")
    first = client.get(profile_url(member)).content.decode()
    second = client.get(profile_url(member) + "?page=2").content.decode()
    assert first.count('<li><a href="') == 20 and second.count('<li><a href="') == 1
    assert "Page 1 of 2" in first and ">t0<" in second


def test_moderators_see_the_member_record_link(client):
    member = make_user()
    client.force_login(make_moderator())
    page = client.get(profile_url(member)).content.decode()
    assert reverse("moderation_user", args=[member.pk]) in page


def test_no_profile_for_unknown_or_deactivated_accounts(client):
    gone = make_user("gone", is_active=False)
    assert client.get(reverse("user_profile", args=["nobody"])).status_code == 404
    assert client.get(profile_url(gone)).status_code == 404


def test_comments_in_threads_link_to_their_authors_profiles(client):
    member = make_user("linked")
    article = make_article()
    make_comment(article, author=member)
    Comment.objects.create(
        article=article, body="x", body_html="<p>x</p>", author_name="Imported Person"
    )
    page = client.get(article.get_absolute_url()).content.decode()
    # Outside the <summary> (a link there would nest in its toggle), beside the permalink.
    assert '<span class="by">linked</span>' in page
    assert '<a href="/users/linked/" rel="author">Profile</a>' in page
    assert '<span class="by">Imported Person</span>' in page
    assert page.count('rel="author"') == 1


def test_the_article_page_costs_the_same_queries_with_profile_links(
    client, django_assert_num_queries
):
    article = make_article()
    for _ in range(5):
        make_comment(article, author=make_user())
    with django_assert_num_queries(2):
        page = client.get(article.get_absolute_url()).content.decode()
    assert len(re.findall(r'href="/users/', page)) == 5


def test_every_user_gets_a_profile_in_step_with_their_name(db):
    user = make_user("Renamed")
    user.username = "\uff32enamed\uff12"  # full-width R and 2
    user.save()
    assert Profile.objects.get(user=user).username_key == "renamed2"


def test_a_profile_shows_karma_the_net_score_of_visible_comments(client):
    member = make_user(username="karmic")
    article = make_article()
    liked, disliked, hidden = (make_comment(article, author=member) for _ in range(3))
    make_votes(liked, up=3)
    make_votes(disliked, down=1)
    make_votes(hidden, up=5)
    Comment.objects.filter(pk=hidden.pk).update(state=Comment.State.HIDDEN)
    html = client.get(reverse("user_profile", args=["karmic"])).content.decode()
    assert "2 comments · karma 2" in html
