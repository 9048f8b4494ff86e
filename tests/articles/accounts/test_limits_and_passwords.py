"""Login limits keyed on the account whatever spelling reaches it; password reset that really
mails a working link; password change; and allauth's limits on reset, change and verification."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-passphrase-77"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(send):
        with django_capture_on_commit_callbacks(execute=True):
            return send()

    return run


def log_in(client, login, password=PASSWORD, address="192.0.2.1"):
    return client.post(
        reverse("login"), {"login": login, "password": password}, REMOTE_ADDR=address
    )


@override_settings(LOGIN_RATE_PER_IP="100/m", LOGIN_RATE_PER_ACCOUNT="3/m")
def test_look_alike_spellings_of_one_account_share_one_login_counter(db):
    frank = make_user("frank")
    spellings = ["frank", "\uff26\uff32\uff21\uff2e\uff2b", frank.email.upper()]  # full-width
    for number, spelling in enumerate(spellings):
        assert log_in(Client(), spelling, "wrong", f"192.0.2.{number}").status_code == 200

    refused = log_in(Client(), "\uff46rank", PASSWORD, "192.0.2.50")  # the right password

    assert refused.status_code == 429
    assert "Too many login attempts" in refused.content.decode()
    assert log_in(Client(), "frank", PASSWORD, "192.0.2.51").status_code == 429
    make_user("grace")
    assert log_in(Client(), "grace", PASSWORD, "192.0.2.51").status_code == 302


def test_full_width_spelling_logs_into_the_account(client, db):
    user = make_user("henry")
    assert log_in(client, "\uff48\uff45\uff4e\uff52\uff59").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def reset_link(message) -> str:
    return re.search(r"https?://testserver(\S+)", message.body)[1]


def test_a_forgotten_password_is_reset_from_the_mailed_link(client, committed):
    user = make_user("ivy")
    response = committed(
        lambda: client.post(reverse("account_reset_password"), {"email": user.email})
    )
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "on its way" in done

    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.alternatives[0][1] == "text/html"
    form_page = client.get(reset_link(message), follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_link(message)
    changed = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert changed.status_code == 302

    assert log_in(Client(), "ivy", NEW_PASSWORD).status_code == 302
    assert log_in(Client(), "ivy", PASSWORD).status_code == 200


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_no_reset_link(client, committed):
    response = committed(
        lambda: client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    )
    assert response.status_code == 302
    assert all("/password/reset/key/" not in m.body for m in mail.outbox)


@override_settings(ACCOUNT_RATE_LIMITS={"reset_password": "2/h/ip"})
def test_password_reset_requests_are_limited(client, db):
    user = make_user()
    for _ in range(2):
        client.post(reverse("account_reset_password"), {"email": user.email})
    assert client.post(reverse("account_reset_password"), {"email": user.email}).status_code == 429


def test_the_password_is_changed_by_its_owner(client, committed):
    user = make_user("jack")
    client.force_login(user)
    response = committed(
        lambda: client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    )
    assert response.status_code == 302
    assert log_in(Client(), "jack", NEW_PASSWORD).status_code == 302
    # The owner is told, in case it was not them.
    assert [m.to for m in mail.outbox] == [[user.email]]


@override_settings(ACCOUNT_RATE_LIMITS={"change_password": "2/h/user"})
def test_password_changes_are_limited(client, db):
    client.force_login(make_user())
    wrong = {"oldpassword": "wrong", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    for _ in range(2):
        assert client.post(reverse("account_change_password"), wrong).status_code == 200
    assert client.post(reverse("account_change_password"), wrong).status_code == 429


def test_verification_mail_is_not_resent_within_the_cooldown(client, committed):
    user = make_user(verified=False)
    client.force_login(user)
    for _ in range(3):
        committed(
            lambda: client.post(reverse("account_email"), {"action_send": "", "email": user.email})
        )
    assert len(mail.outbox) == 1
