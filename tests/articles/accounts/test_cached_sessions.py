"""Sessions and users read from the shared cache (ACCOUNT_CACHE_SECONDS): no database read for a
signed-in request, and every way a session ends still ends it at once."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.accounts.services import user_sessions_end
from articles.models import AccountSession
from forum.cache import CacheUnavailable
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = reverse("account_settings")
ACCOUNT_TABLES = ("articles_accountsession", "auth_user")


@pytest.fixture(autouse=True)
def _cached(settings):
    settings.ACCOUNT_CACHE_SECONDS = 300


def _account_reads(client) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE)
    reads = [q["sql"] for q in queries if any(f'FROM "{t}"' in q["sql"] for t in ACCOUNT_TABLES)]
    return response.status_code, reads


def test_a_signed_in_request_reads_neither_session_nor_user_from_the_database(signed_in):
    assert signed_in.get(PAGE).status_code == 200  # the first may fill the cache
    status, reads = _account_reads(signed_in)
    assert status == 200
    assert reads == []


def test_the_rows_are_read_when_the_cache_keeps_nothing(signed_in):
    signed_in.get(PAGE)
    cache.clear()  # Redis restarted, or evicted them
    status, reads = _account_reads(signed_in)
    assert status == 200
    assert len(reads) == 2


def test_a_cache_that_does_not_answer_falls_back_to_the_rows(signed_in, monkeypatch):
    signed_in.get(PAGE)

    def down(*args, **kwargs):
        raise CacheUnavailable("down")

    for method in ("get", "set", "delete", "delete_many"):
        monkeypatch.setattr(cache, method, down)
    status, reads = _account_reads(signed_in)
    assert status == 200
    assert len(reads) == 2


def test_ending_a_users_sessions_drops_their_cached_copies(signed_in, user):
    signed_in.get(PAGE)
    assert user_sessions_end(user_id=user.pk) == 1
    assert signed_in.get(PAGE).status_code == 302  # to the login page
    assert not AccountSession.objects.exists()


def test_a_deactivated_account_is_signed_out_at_once(signed_in, user):
    signed_in.get(PAGE)
    user.is_active = False
    user.save()
    assert signed_in.get(PAGE).status_code == 302


def test_a_changed_password_signs_out_other_sessions(user):
    other, mine = Client(), Client()
    other.force_login(user)
    mine.force_login(user)
    assert other.get(PAGE).status_code == 200
    user.set_password(f"new {PASSWORD}")
    user.save()
    assert other.get(PAGE).status_code == 302


def test_a_role_granted_is_seen_by_the_next_request(signed_in, user):
    signed_in.get(PAGE)
    get_user_model().objects.filter(pk=user.pk).update(is_staff=True)  # no signal: still cached
    user.refresh_from_db()
    user.save()  # a save drops the copy
    response = signed_in.get(reverse("admin:index"))
    assert response.status_code == 200


def test_logging_out_drops_the_cached_session(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    key = client.session.session_key
    assert client.get(PAGE).status_code == 200
    client.post(reverse("logout"))
    client.cookies["sessionid"] = key  # the old cookie, replayed
    assert client.get(PAGE).status_code == 302
