"""Reaching the test database from another process (pg_dump, manage.py, gunicorn)."""

from urllib.parse import quote

from django.db import connection


def database_url(name=None) -> str:
    """A DATABASE_URL for the test database (or another database ``name`` on its server)."""
    settings_dict = connection.settings_dict
    host = settings_dict["HOST"] or ""
    host = quote(host, safe="") if host.startswith("/") else host  # a socket folder
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict["PASSWORD"] else ""
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return (
        f"postgres://{settings_dict['USER']}{password}@{host}{port}/{name or settings_dict['NAME']}"
    )
