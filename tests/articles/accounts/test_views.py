import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from articles.models import AccountSession
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def comment_ids_in_page(html):
    return [int(pk) for pk in re.findall(r'id="comment-(\d+)"', html)]


# Accounts


def test_signup_creates_account_signs_in_and_returns(client, article):
    response = client.post(
        reverse("signup"),
        {
            "username": "newreader",
            "email": "newreader@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": article.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Signed in as <strong>newreader</strong>" in page


def test_signup_rejects_weak_passwords_and_offsite_next(client, db):
    response = client.post(
        reverse("signup"),
        {"username": "xx", "email": "x@example.com", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert not get_user_model().objects.filter(username="xx").exists()

    response = client.post(
        reverse("signup"),
        {
            "username": "yy",
            "email": "y@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


def test_signup_page_renders(client, db):
    page = client.get(reverse("signup")).content.decode()
    assert 'name="password2"' in page and 'name="email"' in page


def test_login_and_logout(client, db):
    make_user("alice")
    response = client.post(reverse("login"), {"login": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert "Signed in as" in client.get(reverse("home")).content.decode()
    # Logging out is a POST; a GET only asks to confirm.
    assert client.get(reverse("logout")).status_code == 200
    assert "Signed in as" in client.get(reverse("home")).content.decode()
    client.post(reverse("logout"))
    assert "Signed in as" not in client.get(reverse("home")).content.decode()


def test_login_with_wrong_password_shows_error(client, db):
    make_user("bob")
    response = client.post(reverse("login"), {"login": "bob", "password": "wrong"})
    assert response.status_code == 200
    assert "are not correct" in response.content.decode()


def test_login_by_email_address(client, db):
    user = make_user("carla")
    response = client.post(reverse("login"), {"login": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_login_page_links_to_password_reset(client, db):
    assert reverse("account_reset_password") in client.get(reverse("login")).content.decode()


# Login rate limits, sessions


WRONG_PASSWORD = "wrong-guess"


def attempt(client, username, password=WRONG_PASSWORD, address="198.51.100.7", url=None):
    field = "username" if url else "login"  # the admin's form, or allauth's
    return client.post(
        url or reverse("login"), {field: username, "password": password}, REMOTE_ADDR=address
    )


@override_settings(LOGIN_RATE_PER_IP="3/m", LOGIN_RATE_PER_ACCOUNT="100/m")
def test_login_is_rate_limited_per_address(client, db):
    make_user("erin")
    for name in ("a", "b", "c"):  # a guesser trying many accounts from one address
        assert attempt(client, name).status_code == 200

    refused = attempt(client, "erin", PASSWORD)

    assert refused.status_code == 429
    assert "Too many login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session  # the right password did not get through
    assert attempt(Client(), "erin", PASSWORD, address="198.51.100.8").status_code == 302


@override_settings(LOGIN_RATE_PER_IP="100/m", LOGIN_RATE_PER_ACCOUNT="3/m")
def test_login_is_rate_limited_per_account_across_addresses(client, db):
    make_user("frank")
    for number, name in enumerate(["frank", "Frank", " FRANK "]):  # one account, many addresses
        assert attempt(client, name, address=f"192.0.2.{number}").status_code == 200

    assert attempt(client, "frank", PASSWORD, address="192.0.2.99").status_code == 429
    make_user("grace")
    assert attempt(Client(), "grace", PASSWORD, address="192.0.2.99").status_code == 302


@override_settings(LOGIN_RATE_PER_IP="2/m")
def test_admin_login_has_the_same_limits(client, db):
    make_user("root", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    attempt(client, "x", url=url)
    attempt(client, "y", url=url)
    response = attempt(client, "root", PASSWORD, url=url)
    assert "Too many login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_refused_login_is_logged(client, db, caplog):
    with override_settings(LOGIN_RATE_PER_ACCOUNT="1/m"):
        attempt(client, "heidi")
        attempt(client, "heidi")
    assert (
        "Login refused, rate limit per account reached: account 'heidi' from 198.51.100.7"
        in caplog.messages
    )


def test_the_session_key_changes_at_login(client, db):
    make_user("ivan")
    session = client.session
    session["seen"] = True  # an anonymous session an attacker could have planted
    session.save()
    before = session.session_key

    client.post(reverse("login"), {"login": "ivan", "password": PASSWORD})

    after = client.cookies["sessionid"].value
    assert after != before
    assert not AccountSession.objects.filter(session_key=before).exists()
    replayed = Client()
    replayed.cookies["sessionid"] = before
    assert "Signed in as" not in replayed.get(reverse("home")).content.decode()


def test_logging_out_ends_the_session_for_whoever_holds_its_key(client, db):
    make_user("judy")
    client.post(reverse("login"), {"login": "judy", "password": PASSWORD})
    key = client.cookies["sessionid"].value

    client.post(reverse("logout"))

    assert not AccountSession.objects.filter(session_key=key).exists()
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert "Signed in as" not in stolen.get(reverse("home")).content.decode()


@override_settings(
    CLIENT_IP_META_KEY="HTTP_X_REAL_IP", LOGIN_RATE_PER_IP="2/m", LOGIN_RATE_PER_ACCOUNT="100/m"
)
def test_behind_a_proxy_limits_and_logs_use_the_address_the_proxy_passes(client, db, caplog):
    def through_proxy(name, address):
        return client.post(
            reverse("login"),
            {"login": name, "password": WRONG_PASSWORD},
            REMOTE_ADDR="10.0.0.1",  # the proxy, the same for everyone
            HTTP_X_REAL_IP=address,
        )

    through_proxy("a", "192.0.2.50")
    through_proxy("b", "192.0.2.50")
    assert through_proxy("c", "192.0.2.50").status_code == 429
    assert through_proxy("c", "192.0.2.51").status_code == 200  # another reader, not locked out
    assert "Failed login for account 'a' from 192.0.2.50" in caplog.messages
