"""``migrate`` under an advisory lock: hosts starting at once on a fresh database migrate it once,
the others wait and then find nothing to do (issue 17, point 1)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
LOCK = (0x6D67, 1)  # articles/management/commands/migrate.py


@pytest.fixture
def fresh_database(db):
    """The URL of a new, empty database on the test server, dropped afterwards."""
    params = connection.get_connection_params()
    server = {key: params[key] for key in ("host", "port", "user", "password") if params.get(key)}
    name = f"forum_hosts_migrate_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = server["user"] + (f":{server['password']}" if server.get("password") else "")
    yield (
        f"postgres://{auth}@{server.get('host', '127.0.0.1')}:{server.get('port', 5432)}/{name}",
        {
            **server,
            "dbname": name,
        },
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate(url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.Popen(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _has_migrated(conninfo: dict) -> bool:
    with psycopg.connect(**conninfo) as probe:
        return probe.execute("SELECT to_regclass('django_migrations') IS NOT NULL").fetchone()[0]


@pytest.mark.slow
def test_two_starters_at_once_migrate_once_and_the_second_waits(fresh_database):
    url, conninfo = fresh_database
    with psycopg.connect(autocommit=True, **conninfo) as holder:
        holder.execute("SELECT pg_advisory_lock(%s, %s)", LOCK)  # a third host, migrating
        starters = [_migrate(url), _migrate(url)]
        time.sleep(4)
        assert all(starter.poll() is None for starter in starters), "a starter did not wait"
        assert not _has_migrated(conninfo)
        holder.execute("SELECT pg_advisory_unlock(%s, %s)", LOCK)

    outputs = []
    for starter in starters:
        output, _ = starter.communicate(timeout=240)
        assert starter.returncode == 0, output
        outputs.append(output)
    assert all("waiting for it" in output for output in outputs)
    assert sum("No migrations to apply" in output for output in outputs) == 1
    assert _has_migrated(conninfo)
