"""Sign-up with an e-mail address verified by a mailed link before posting; names that are, or
look like, another or a reserved one refused; sign-up and login limits."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from articles.models import Comment, Profile
from tests.factories import PASSWORD, make_comment, make_user

pytestmark = pytest.mark.django_db


def sign_up(client, username, email=None, address="198.51.100.20", **extra):
    return client.post(
        reverse("signup"),
        {
            "username": username,
            "email": email or f"{username.encode('ascii', 'replace').decode()}@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            **extra,
        },
        REMOTE_ADDR=address,
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body)[0]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a request queues for after its commit (the mail), as a real commit would."""

    def run(send):
        with django_capture_on_commit_callbacks(execute=True):
            return send()

    return run


def test_sign_up_mails_a_verification_link_with_text_and_html(client, committed):
    response = committed(lambda: sign_up(client, "newreader", "new@example.com"))

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["new@example.com"]
    assert "/accounts/confirm-email/" in message.body
    (html, kind) = message.alternatives[0]
    assert kind == "text/html" and "/accounts/confirm-email/" in html
    address = EmailAddress.objects.get(email="new@example.com")
    assert not address.verified and address.user.username == "newreader"


def test_an_unverified_account_reads_but_cannot_post_until_it_follows_the_link(
    client, committed, article
):
    committed(lambda: sign_up(client, "waiting", "waiting@example.com"))
    page = client.get(article.get_absolute_url()).content.decode()
    # Queued, not yet delivered: the page promises no more than that.
    assert "A link to verify waiting@example.com is on its way" in page
    assert "sent to" not in page
    assert "Verify your e-mail address to join the discussion" in page
    assert 'class="comment-form' not in page

    refused = client.post(article.get_absolute_url() + "comments/", {"body": "Too early"})
    assert refused.status_code == 400
    assert "Verify your e-mail address before posting" in refused.content.decode()
    assert not Comment.objects.exists()

    confirm = link_in(mail.outbox[0]).split("testserver", 1)[-1]
    # Following the link asks to confirm: a mail scanner fetching it confirms nothing.
    assert client.get(confirm).status_code == 200
    assert not EmailAddress.objects.get(email="waiting@example.com").verified
    client.post(confirm)
    assert EmailAddress.objects.get(email="waiting@example.com").verified

    posted = client.post(article.get_absolute_url() + "comments/", {"body": "Now verified"})
    assert posted.status_code == 302
    assert Comment.objects.get().body == "Now verified"


def test_the_reply_page_tells_an_unverified_user_why_there_is_no_form(client, article):
    comment = make_comment(article)
    client.force_login(make_user(verified=False))
    page = client.get(reverse("comment_reply", args=[comment.pk])).content.decode()
    assert "Verify your e-mail address" in page and "<textarea" not in page


def test_a_rolled_back_sign_up_sends_nothing(client, committed):
    def signup_then_failure():
        with transaction.atomic():
            sign_up(client, "ghost", "ghost@example.com")
            assert get_user_model().objects.filter(username="ghost").exists()
            transaction.set_rollback(True)

    committed(signup_then_failure)

    assert mail.outbox == []
    assert not get_user_model().objects.filter(username="ghost").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("alice", "That username is taken"),
        ("ALICE", "That username is taken"),
        ("\uff41\uff4c\uff49\uff43\uff45", "That username is taken"),  # full-width "alice"
        ("\u0430lice", "looks the same as an existing one"),  # Cyrillic "a"
        ("\u0430\u217cice", "looks the same as an existing one"),  # Cyrillic a, Roman numeral l
        ("admin", "is reserved"),
        ("Moderator", "is reserved"),
        ("\u0430dmin", "is reserved"),
        ("The_Forum", "is reserved"),
        ("p\u0430ypal", "mixes letters of different alphabets"),
    ],
)
def test_names_that_are_or_look_like_another_are_refused(client, name, message):
    make_user("alice")
    response = sign_up(client, name, email="someone@example.com")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_the_profile_keeps_the_normalised_forms_of_the_name(client, db):
    sign_up(client, "\uff22\uff45\uff41")  # full-width "Bea"
    profile = Profile.objects.get()
    assert profile.user.username == "Bea"
    assert (profile.username_key, profile.username_skeleton) == ("bea", "bea")


def test_the_eleventh_sign_up_from_one_address_in_an_hour_is_refused(db):
    client = Client()
    for number in range(10):
        assert sign_up(client, f"burst{number}").status_code == 302
        client.post(reverse("logout"))
    refused = sign_up(client, "burst10")
    assert refused.status_code == 429
    assert not get_user_model().objects.filter(username="burst10").exists()
    assert sign_up(Client(), "elsewhere", address="198.51.100.21").status_code == 302


@override_settings(ACCOUNT_RATE_LIMITS={"signup": "2/h/ip"})
def test_the_sign_up_limit_is_configurable(db):
    client = Client()
    for number in range(2):
        sign_up(client, f"few{number}")
        client.post(reverse("logout"))
    assert sign_up(client, "few2").status_code == 429


def test_an_account_without_an_address_is_asked_for_one_at_login(client, db):
    make_user("oldtimer", verified=None)
    response = client.post(reverse("login"), {"login": "oldtimer", "password": PASSWORD})
    assert response["Location"] == reverse("account_email")
    page = client.get(response["Location"]).content.decode()
    assert "Please add an e-mail address" in page
