"""A hung database (processes stopped, sockets open) gives 503 within seconds, never a request
held until gunicorn kills the worker (issue 17, point 4); readiness names what is down."""

import threading
import time

import pytest
from django.db import close_old_connections, connection, connections
from django.test import Client
from django.urls import reverse

from forum.dbconfig import database_options
from tests.processes import PausableProxy

# Seconds the database gets to answer in these tests (the site's default is 6: 5 s statement
# timeout, 1 s grace).
DEADLINE = 1


@pytest.fixture
def hung_database(settings):
    """The default connection through a relay the test can freeze, with short timeouts."""
    proxy = PausableProxy((connection.settings_dict["HOST"] or "127.0.0.1",
                           int(connection.settings_dict["PORT"] or 5432)))  # fmt: skip
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT", "OPTIONS")}
    connection.close()
    connection.settings_dict.update(
        HOST="127.0.0.1",
        PORT=str(proxy.port),
        OPTIONS={**saved["OPTIONS"], "connect_timeout": DEADLINE, "answer_deadline": DEADLINE},
    )
    try:
        yield proxy
    finally:
        proxy.resume()
        connection.close()
        connection.settings_dict.update(saved)
        proxy.close()


def timed_get(path: str) -> tuple[int, float]:
    """GET ``path`` as a server would (connections checked around it): (status, seconds).
    Fails instead of hanging the suite when no answer comes within 15 s."""
    result = {}

    def request():
        close_old_connections()
        started = time.monotonic()
        try:
            result["status"] = Client().get(path).status_code
            result["seconds"] = time.monotonic() - started
        finally:
            connections.close_all()  # this thread's own connection

    worker = threading.Thread(target=request, daemon=True)
    worker.start()
    worker.join(timeout=15)
    assert not worker.is_alive(), f"{path} still had no answer after 15 s"
    return result["status"], result["seconds"]


@pytest.mark.django_db(transaction=True)
def test_a_hung_database_answers_503_within_seconds(article, hung_database):
    url = article.get_absolute_url()
    assert timed_get(url)[0] == 200  # the connection is open and reused
    hung_database.pause()

    for path in (url, reverse("health"), reverse("ready")):
        status, seconds = timed_get(path)
        assert status == 503, path
        assert seconds < 4 * DEADLINE + 1, (path, seconds)

    hung_database.resume()
    assert timed_get(url)[0] == 200  # recovered without a restart


@pytest.mark.django_db
def test_readiness_names_what_is_down(client, settings):
    assert client.get(reverse("ready")).json()["status"] == "ok"
    settings.CACHES = {
        "default": {
            "BACKEND": "forum.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_timeout": 0.2, "socket_connect_timeout": 0.2},
        }
    }
    response = client.get(reverse("ready"))
    assert response.status_code == 503
    assert response.json()["down"] == ["redis"]


def test_web_processes_get_timeouts_and_commands_do_not():
    common = {"pooler": "none", "prepared_statements": True, "disable_server_side_cursors": False,
              "connect_timeout": 3, "statement_timeout_ms": 5000}  # fmt: skip
    web = database_options(**common, web=True)["OPTIONS"]
    assert web["connect_timeout"] == 3
    assert web["options"] == "-c jit=off -c random_page_cost=1.1 -c statement_timeout=5000"
    assert web["answer_deadline"] == 6
    command = database_options(**common, web=False)["OPTIONS"]
    assert "options" not in command and "answer_deadline" not in command
