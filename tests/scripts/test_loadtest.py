"""The load test runs end to end, briefly, against the test database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from articles.models import Comment
from tests.dbtools import database_url
from tests.factories import make_article, make_comment

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(240),
]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "loadtest.py"


def run_loadtest(*arguments):
    return subprocess.run(
        [sys.executable, SCRIPT, "--clients", "3", "--workers", "2", "--users", "4", *arguments],
        env={**os.environ, "DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        check=False,
        timeout=200,
    )


def test_a_short_run_reports_figures_and_checks_writes_and_trees():
    result = run_loadtest("--seconds", "2")

    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "gunicorn: 2 workers on http://127.0.0.1:" in out
    assert "requests/s" in out and "latency: p50" in out
    assert "5xx responses: 0; connection errors: 0" in out
    acknowledged = int(out.split("writes: ")[1].split(" acknowledged")[0])
    assert acknowledged > 0 and ", 0 missing from the database" in out
    assert Comment.objects.filter(article__slug="load-test").count() == 20 + acknowledged
    assert "report " in out.split("mix ")[1].splitlines()[0]  # the site has a report URL
    assert out.rstrip().endswith("RESULT: ok (zero 5xx, zero lost writes, trees valid)")


def test_a_broken_tree_fails_the_run():
    root = make_comment(make_article())
    make_comment(root.article, parent=root)
    Comment.objects.filter(parent=root).update(level=3)

    result = run_loadtest("--seconds", "1", "--max-requests", "20")

    assert result.returncode == 1
    assert f"broken comment tree(s): {root.tree_id}" in result.stderr
    assert "RESULT: FAILED" in result.stdout
