"""bin/test, bin/stop and the bootstrap they share, run as a newcomer runs them."""

import subprocess
from pathlib import Path

import pytest

from forum import embedded_db
from tests.bin.test_serve import newcomer_environment

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]

ROOT = Path(__file__).resolve().parents[2]


def run(script, *arguments, **settings):
    return subprocess.run(
        [ROOT / "bin" / script, *arguments],
        cwd=ROOT,
        env=newcomer_environment(**settings),
        capture_output=True,
        text=True,
        timeout=360,
        check=False,
    )


@pytest.fixture
def data_dir(tmp_path):
    """An embedded server's data folder of its own; whatever runs on it is stopped after."""
    path = tmp_path / "pgdata"
    yield path
    embedded_db.stop(path)


def collect_on_embedded_database(data_dir):
    # Collecting loads the settings, which start the embedded server; no test runs.
    return run(
        "test",
        "--collect-only",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/forum/test_docker.py",
        DATABASE_URL=None,
        EMBEDDED_PGDATA=str(data_dir),
    )


def test_bin_test_stops_the_embedded_database_it_started(data_dir):
    result = collect_on_embedded_database(data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (data_dir / "PG_VERSION").exists()  # it did run
    assert embedded_db.running_pid(data_dir) is None
    assert "Stopped the embedded PostgreSQL" in result.stdout


def test_bin_test_leaves_running_a_server_it_did_not_start(data_dir):
    embedded_db.embedded_database(data_dir)  # as a running bin/serve would have
    pid = embedded_db.running_pid(data_dir)
    result = collect_on_embedded_database(data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert embedded_db.running_pid(data_dir) == pid


def test_bin_stop_stops_the_embedded_database_whoever_started_it(data_dir):
    embedded_db.embedded_database(data_dir)  # as a manage.py command run by hand does
    result = run("stop", EMBEDDED_PGDATA=str(data_dir))
    assert result.returncode == 0, result.stderr
    assert embedded_db.running_pid(data_dir) is None
    assert f"Stopped the embedded PostgreSQL ({data_dir})." in result.stdout
    again = run("stop", EMBEDDED_PGDATA=str(data_dir))
    assert again.returncode == 0 and "was not running" in again.stdout


def test_a_first_run_says_what_it_installs_into_the_virtualenv_it_was_given(tmp_path):
    # VENV names the virtualenv (CI keeps one per Python version); the runtime set is enough
    # for everything but bin/test.
    venv = tmp_path / "venv"
    result = run("stop", VENV=str(venv), EMBEDDED_PGDATA=str(tmp_path / "pgdata"))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Creating {venv} with Python 3.1")
    assert lines[1] == f"Installing the pinned packages into {venv} (first run, about a minute)…"
    assert "was not running" in lines[-1]
    freeze = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "freeze"], capture_output=True, text=True, check=True
    ).stdout.lower()
    assert "gunicorn==" in freeze and "pytest" not in freeze and "ruff" not in freeze
