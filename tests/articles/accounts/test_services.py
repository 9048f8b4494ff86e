"""Sessions end when the account does; failed and refused logins are logged without secrets."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from articles.accounts.services import user_sessions_end
from articles.models import AccountSession
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def signed_in_client(user):
    client = Client()
    client.force_login(user)
    return client


def is_signed_in(client):
    return "Signed in as" in client.get(reverse("home")).content.decode()


def test_each_session_row_knows_its_user(user):
    client = signed_in_client(user)
    row = AccountSession.objects.get(session_key=client.session.session_key)
    assert row.user_id == user.pk


def test_deactivating_a_user_ends_all_their_sessions_and_no_one_elses(user):
    laptop, phone = signed_in_client(user), signed_in_client(user)
    bystander = signed_in_client(make_user(password=None))

    user.is_active = False
    user.save()

    assert not is_signed_in(laptop) and not is_signed_in(phone)
    assert is_signed_in(bystander)
    assert not AccountSession.objects.filter(user_id=user.pk).exists()
    # Ended, not merely refused: reactivating the account does not bring the sessions back.
    user.is_active = True
    user.save()
    assert not is_signed_in(laptop)


def test_deleting_a_user_ends_their_sessions(db):
    doomed = make_user(password=None)
    signed_in_client(doomed)
    pk = doomed.pk
    doomed.delete()
    assert not AccountSession.objects.filter(user_id=pk).exists()


def test_user_sessions_end_says_how_many_it_ended(user):
    signed_in_client(user)
    signed_in_client(user)
    assert user_sessions_end(user_id=user.pk) == 2
    assert user_sessions_end(user_id=user.pk) == 0


def test_a_failed_login_is_logged_with_account_and_address_but_no_password(client, caplog):
    make_user("carol")
    caplog.set_level(logging.DEBUG)
    client.post(
        reverse("login"),
        {"login": "carol", "password": "Hunter2-never-logged"},
        REMOTE_ADDR="203.0.113.9",
    )
    failed = [r for r in caplog.records if r.name == "forum.accounts"]
    assert [r.getMessage() for r in failed] == ["Failed login for account 'carol' from 203.0.113.9"]
    assert_no_secret_logged(caplog, "Hunter2-never-logged")


def test_a_login_is_logged_without_password_or_session_key(client, caplog):
    user = make_user("dave")
    caplog.set_level(logging.DEBUG)
    client.post(reverse("login"), {"login": "dave", "password": PASSWORD})
    assert f"Account {user.pk} ('dave') logged in from 127.0.0.1" in caplog.messages
    assert_no_secret_logged(caplog, PASSWORD, client.cookies["sessionid"].value)


def assert_no_secret_logged(caplog, *secrets):
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "") + repr(record.__dict__)
        for secret in secrets:
            assert secret not in text, f"{record.name} logged a secret: {record.getMessage()}"
