"""Anti-abuse as posters meet it: rate limits, honeypots, duplicates, word lists, holds."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from articles.models import AuditLogEntry, Comment
from articles.moderation import services as moderation
from tests.factories import PASSWORD, make_comment, make_user, set_word_lists

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trees_stay_valid")]


def post(client, article, body, follow=False, **extra):
    url = reverse("comment_create", args=[article.slug])
    return client.post(url, {"body": body, **extra}, follow=follow)


# Rate limits


def test_posting_too_fast_as_one_user_is_429_and_stores_nothing(signed_in, article, settings):
    settings.COMMENT_RATE_PER_USER = "2/m"
    assert post(signed_in, article, "one").status_code == 302
    assert post(signed_in, article, "two").status_code == 302

    response = post(signed_in, article, "three, too fast")

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    html = response.content.decode()
    assert "You have posted or edited too many comments in a short time" in html
    assert "three, too fast</textarea>" in html  # the text is given back
    assert list(Comment.objects.values_list("body", flat=True).order_by("id")) == ["one", "two"]


def test_the_429_page_links_back_to_the_discussion(signed_in, article, settings):
    settings.COMMENT_RATE_PER_USER = "1/m"
    post(signed_in, article, "one")
    html = post(signed_in, article, "two").content.decode()
    assert f'<a href="{article.get_absolute_url()}">Back to the discussion</a>' in html


def test_the_user_limit_is_per_user(client, article, settings):
    settings.COMMENT_RATE_PER_USER = "1/m"
    client.force_login(make_user())
    assert post(client, article, "first user").status_code == 302
    assert post(client, article, "first user again").status_code == 429
    client.force_login(make_user())
    assert post(client, article, "second user").status_code == 302


def test_the_ip_limit_counts_every_account_from_one_address(client, article, settings):
    settings.COMMENT_RATE_PER_IP = "2/m"
    for n in range(2):
        client.force_login(make_user())
        assert post(client, article, f"sock puppet {n}").status_code == 302
    client.force_login(make_user())
    assert post(client, article, "one puppet too many").status_code == 429
    other = Client(REMOTE_ADDR="192.0.2.7")
    other.force_login(make_user())
    assert post(other, article, "someone elsewhere").status_code == 302
    assert Comment.objects.count() == 3


def test_edits_count_as_posts_for_the_rate_limit(signed_in, article, user, settings):
    settings.COMMENT_RATE_PER_USER = "3/m"
    comment = make_comment(article, author=user, body="first")  # not through the view
    url = reverse("comment_edit", args=[comment.pk])
    for n in range(3):
        assert signed_in.post(url, {"body": f"edit {n}"}).status_code == 302
    response = signed_in.post(url, {"body": "edit, too fast"})
    assert response.status_code == 429
    assert "edit, too fast</textarea>" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).body == "edit 2"
    assert signed_in.get(url).status_code == 200  # reading the form is not limited


# Honeypots


def test_a_filled_honeypot_refuses_the_comment(signed_in, article):
    response = post(signed_in, article, "Buy now", website="http://spam.example")
    assert response.status_code == 400
    assert "This form could not be accepted." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_comment_forms_carry_a_hidden_honeypot(signed_in, article):
    html = signed_in.get(article.get_absolute_url()).content.decode()
    assert html.count('name="website"') == 2  # the form and the reply-form template
    assert 'class="hp"' in html and 'tabindex="-1"' in html


def test_a_filled_honeypot_refuses_the_sign_up(client, db):
    data = {
        "username": "botty",
        "email": "botty@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    response = client.post(reverse("signup"), {**data, "website": "x"})
    assert response.status_code == 400
    assert "This form could not be accepted." in response.content.decode()
    assert not get_user_model().objects.filter(username="botty").exists()
    assert 'name="website"' in client.get(reverse("signup")).content.decode()
    assert client.post(reverse("signup"), data).status_code == 302


# Duplicates, word lists, holds


def test_the_same_text_twice_is_refused(signed_in, article):
    assert post(signed_in, article, "Hello there").status_code == 302
    response = post(signed_in, article, "  Hello there ")
    assert response.status_code == 400
    assert "You posted this same text in the last 10 minutes." in response.content.decode()
    assert Comment.objects.count() == 1


def test_blocked_words_are_refused_and_named(signed_in, article, settings):
    set_word_lists(blocked=["viagra"])
    response = post(signed_in, article, "Cheap Viagra here")
    assert response.status_code == 400
    assert "“viagra” is not allowed here." in response.content.decode()
    assert not Comment.objects.exists()


def test_watched_words_are_held_and_the_author_is_told(signed_in, article, settings):
    set_word_lists(watched=["bitcoin"])
    response = post(signed_in, article, "About bitcoin", title="t", follow=True)
    comment = Comment.objects.get()
    assert comment.state == Comment.State.PENDING
    html = response.content.decode()
    assert "Your comment awaits review by a moderator." in html
    assert "About bitcoin" in html
    assert AuditLogEntry.objects.get().reason == "Contains the watched word “bitcoin”."


def test_a_new_accounts_first_comments_are_held(signed_in, article, user, settings):
    settings.MODERATION_HOLD_FIRST_COMMENTS = 2
    for n in range(3):
        post(signed_in, article, f"comment {n}")
    states = list(Comment.objects.order_by("id").values_list("state", flat=True))
    assert states == ["pending", "pending", "visible"]


def test_a_banned_user_cannot_post_and_sees_why(signed_in, article, user, moderator):
    moderation.user_ban(user=user, moderator=moderator, reason="Repeated abuse")
    make_comment(article)
    response = post(signed_in, article, "let me in")
    assert response.status_code == 400
    assert "Your account is banned: Repeated abuse" in response.content.decode()
    assert Comment.objects.count() == 1
