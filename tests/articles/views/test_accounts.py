import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

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
        reverse("signup"), {"username": "x", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert not get_user_model().objects.filter(username="x").exists()

    response = client.post(
        reverse("signup"),
        {
            "username": "y",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("home")


def test_signup_page_renders(client, db):
    assert 'name="password2"' in client.get(reverse("signup")).content.decode()


def test_login_and_logout(client, db):
    make_user("alice")
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert "Signed in as" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("logout")).status_code == 405  # logging out is a POST
    client.post(reverse("logout"))
    assert "Signed in as" not in client.get(reverse("home")).content.decode()


def test_login_with_wrong_password_shows_error(client, db):
    make_user("bob")
    response = client.post(reverse("login"), {"username": "bob", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
