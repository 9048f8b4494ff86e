"""Reaching the test database from another process (pg_dump, manage.py, gunicorn)."""

from urllib.parse import quote

from django.db import connection


def database_url(name=None) -> str:
    """A DATABASE_URL for the test database (or another database ``name`` on its server)."""
    settings_dict = connection.settings_dict
    name = name or settings_dict["NAME"]
    user = quote(settings_dict["USER"] or "", safe="")
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or ""
    if host.startswith("/"):  # a socket folder (the embedded server): libpq's host parameter
        return f"postgres://{user}{password}@/{name}?host={quote(host)}"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{name}"
