"""The database going away and coming back, and errors: friendly pages, useful logs, no secrets."""

import logging
from contextlib import contextmanager

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.test import Client, override_settings
from django.test.client import ClientHandler
from django.urls import include, path, reverse

from articles.models import Comment
from forum.logcontext import RequestContextFilter
from tests.factories import PASSWORD, make_article, make_comment, make_user
from tests.processes import direct_connection_only


class ServerLikeHandler(ClientHandler):
    """The test client's handler, checking connections around each request as a server does.

    Under a real WSGI server Django runs close_old_connections when a request starts and ends;
    the test client switches that off, which would hide exactly what is tested here.
    """

    def __call__(self, environ):
        close_old_connections()
        try:
            return super().__call__(environ)
        finally:
            close_old_connections()


def server_like_client():
    client = Client()
    client.handler = ServerLikeHandler(enforce_csrf_checks=False)
    return client


def backend_pid():
    return connection.connection.info.backend_pid


def kill_backend(pid):
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@contextmanager
def database_down():
    """Kill this process's database connection and send reconnections to a closed port.

    What a restart or a crash of PostgreSQL looks like to a running site: the persistent
    connection (CONN_MAX_AGE) dies under it, and new ones are refused until it is back.
    """
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    settings_dict = connection.settings_dict
    saved = settings_dict["HOST"], settings_dict["PORT"]
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", "1"  # nothing listens there
    try:
        yield
    finally:
        settings_dict["HOST"], settings_dict["PORT"] = saved


@direct_connection_only
@pytest.mark.django_db(transaction=True)
def test_database_down_answers_503_then_the_site_recovers_without_a_restart(caplog):
    article = make_article()
    make_comment(article)
    user = make_user("nina")
    reader = server_like_client()
    reader.post(reverse("login"), {"login": "nina", "password": PASSWORD})
    session_key = reader.cookies["sessionid"].value
    reader.get(reverse("home"))  # a warm, persistent connection
    caplog.set_level(logging.INFO)

    with database_down():
        pages = {
            "home": server_like_client().get(reverse("home")),
            "article, signed in": reader.get(article.get_absolute_url()),
            "posting": reader.post(
                reverse("comment_create", args=[article.slug]), {"body": "Lost?"}
            ),
            "login": server_like_client().post(
                reverse("login"), {"login": "nina", "password": PASSWORD}
            ),
        }
        health = server_like_client().get(reverse("health"))

    for name, response in pages.items():
        assert response.status_code == 503, name
        assert "The forum is briefly unavailable" in response.content.decode(), name
        assert response["Retry-After"] == "30"
        assert "Content-Security-Policy" in response
    assert health.status_code == 503
    assert health.json() == {"status": "unavailable", "database": "down"}

    # Back up: the same process serves again, and nothing was lost or half-written.
    assert server_like_client().get(reverse("health")).json() == {
        "status": "ok",
        "database": "ok",
    }
    assert reader.get(article.get_absolute_url()).status_code == 200
    response = reader.post(reverse("comment_create", args=[article.slug]), {"body": "Back"})
    assert response.status_code == 302
    assert list(Comment.objects.order_by("pk").values_list("body", flat=True))[1:] == ["Back"]
    assert f"Signed in as <strong>{user.username}</strong>" in reader.get("/").content.decode()

    outage = [r.getMessage() for r in caplog.records if r.name == "forum.availability"]
    assert len(outage) == len(pages) and "(OperationalError: " in outage[0]
    logged = as_the_site_logs_it(caplog.records)
    assert f"Database unavailable: GET {article.get_absolute_url()} answered 503" in logged
    assert PASSWORD not in logged and session_key not in logged


@direct_connection_only
@pytest.mark.django_db(transaction=True)
def test_connections_are_reused_and_a_dead_one_is_replaced_before_a_request_uses_it():
    article = make_article()
    client = server_like_client()
    client.get(article.get_absolute_url())
    first = backend_pid()
    client.get(article.get_absolute_url())
    assert backend_pid() == first  # CONN_MAX_AGE: one connection across requests

    kill_backend(first)  # PostgreSQL restarted between two requests

    # CONN_HEALTH_CHECKS: the dead connection is noticed and replaced, the reader sees nothing.
    assert client.get(article.get_absolute_url()).status_code == 200
    assert backend_pid() != first


def boom(request):
    raise RuntimeError("an unexpected bug")


urlpatterns = [path("boom/", boom), path("", include("forum.urls"))]


def as_the_site_logs_it(records) -> str:
    """The records formatted by the console handler settings.LOGGING configures."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RequestContextFilter) for f in h.filters)
    )
    return "\n".join(handler.format(r) for r in records if handler.filter(r))


@override_settings(ROOT_URLCONF=__name__)
def test_an_unexpected_error_is_a_friendly_500_logged_with_its_request_but_no_secrets(db, caplog):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "k" * 32
    response = client.post(
        "/boom/?token=query-secret",
        {"username": "olga", "password": "posted-secret"},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    logged = as_the_site_logs_it(caplog.records)
    assert "Internal Server Error: /boom/ [POST /boom/ from 203.0.113.5]" in logged
    assert "RuntimeError: an unexpected bug" in logged  # the traceback, to act on
    for secret in ("posted-secret", "query-secret", "k" * 32):
        assert secret not in logged
