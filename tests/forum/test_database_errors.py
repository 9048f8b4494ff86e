"""Only connection failures are "Database unavailable"; behind PgBouncer in transaction mode,
DATABASE_POOLER=transaction keeps prepared statements and server-side cursors out of the way
(issue 17, point 5)."""

import logging

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test import RequestFactory

from forum.dbconfig import database_options
from forum.dberrors import TIMEOUT, UNAVAILABLE, outage_kind
from forum.middleware import DatabaseUnavailableMiddleware
from tests.processes import PgBouncer

pytestmark = pytest.mark.django_db


def raised_by(sql: str) -> DatabaseError:
    """The exception Django raises for ``sql``, in a savepoint so the test goes on."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    return caught.value


def raise_sqlstate(state: str) -> DatabaseError:
    return raised_by(f"DO $$ BEGIN RAISE EXCEPTION 'test' USING ERRCODE = '{state}'; END $$")


@pytest.mark.parametrize(
    ("sqlstate", "kind"),
    [
        ("40001", None),  # serialization failure: an OperationalError, but no outage
        ("40P01", None),  # deadlock
        ("55P03", None),  # lock not available
        ("42P05", None),  # "prepared statement already exists" (a pooler without support)
        ("57014", TIMEOUT),  # statement_timeout
        ("57P01", UNAVAILABLE),  # the server is shutting down
        ("08006", UNAVAILABLE),  # connection failure
    ],
)
def test_only_connection_failures_are_outages(sqlstate, kind):
    assert outage_kind(raise_sqlstate(sqlstate)) == kind


def test_an_application_error_is_left_to_the_500_handler_and_not_logged_as_an_outage(caplog):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/articles/x/")
    with caplog.at_level(logging.ERROR, logger="forum.availability"):
        assert middleware.process_exception(request, raise_sqlstate("40P01")) is None
    assert "unavailable" not in caplog.text


def _through(bouncer: PgBouncer, options: dict, alias: str) -> DatabaseWrapper:
    """A connection to the test database through ``bouncer``, configured by ``options``."""
    return DatabaseWrapper(
        {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": str(bouncer.port), **options},
        alias,
    )


def _queries_through_a_shared_server_connection(pooler: str) -> None:
    """Two clients take turns on PgBouncer's one server connection, each repeating a query."""
    host = connection.settings_dict["HOST"] or "127.0.0.1"
    bouncer = PgBouncer((host, int(connection.settings_dict["PORT"] or 5432)), pool_size=1)
    options = database_options(
        pooler=pooler, prepared_statements=True, disable_server_side_cursors=False,
        connect_timeout=3, statement_timeout_ms=0, web=False,
    )  # fmt: skip
    # Aliased "default": Django looks some features up by alias; these never enter connections.
    clients = [_through(bouncer, options, "default") for _ in range(2)]
    try:
        for _ in range(8):
            for client in clients:
                with client.cursor() as cursor:
                    cursor.execute("SELECT %s::int + 1", [1])
                    assert cursor.fetchone() == (2,)
        assert clients[0].settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is (pooler == "transaction")
    finally:
        for client in clients:
            client.close()
        bouncer.stop()


def test_behind_pgbouncer_in_transaction_mode_the_pooler_setting_avoids_prepared_statements():
    _queries_through_a_shared_server_connection("transaction")


def test_behind_pgbouncer_in_transaction_mode_the_defaults_fail():
    # What the issue saw: "prepared statement "_pg3_0" already exists", or does not exist.
    with pytest.raises(DatabaseError, match="prepared statement"):
        _queries_through_a_shared_server_connection("none")
