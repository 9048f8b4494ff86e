""".ci/run, with bin/test replaced by a stand-in that records how it was called.

The real .ci/run is copied into a scratch project whose bin/test prints what a pytest run prints
last and exits with the status the test chose for that Python version."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAKE_BIN_TEST = """#!/usr/bin/env bash
# Records its call, then ends like pytest: the closing line and an exit status.
echo "PYTHON=$PYTHON VENV=$VENV DATABASE_URL=$DATABASE_URL ARGS=$*" >> "$CALLS"
if [ "$PYTHON" = python3.13 ]; then status="$STATUS_313"; else status="$STATUS_312"; fi
if [ "$status" = 0 ]; then
  echo "==================== 10 passed in 1.00s ===================="
else
  echo "=============== 1 failed, 9 passed in 1.00s ================"
fi
exit "$status"
"""


def run_ci(tmp_path, status_312, status_313):
    project = tmp_path / "project"
    (project / ".ci").mkdir(parents=True)
    (project / "bin").mkdir()
    shutil.copy(ROOT / ".ci" / "run", project / ".ci" / "run")
    fake = project / "bin" / "test"
    fake.write_text(FAKE_BIN_TEST)
    fake.chmod(0o755)
    tools = tmp_path / "tools"  # a chromium on PATH, so nothing is installed
    tools.mkdir()
    (tools / "chromium").write_text("#!/bin/sh\n")
    (tools / "chromium").chmod(0o755)
    calls = tmp_path / "calls"
    env = {
        "PATH": f"{tools}:{os.environ['PATH']}",
        "CALLS": str(calls),
        "STATUS_312": str(status_312),
        "STATUS_313": str(status_313),
    }
    result = subprocess.run(
        [project / ".ci" / "run"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    return result, calls.read_text().splitlines()


def test_ci_runs_the_whole_suite_on_312_and_the_quick_loop_on_313_apart(tmp_path):
    result, calls = run_ci(tmp_path, 0, 0)
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls == [
        "PYTHON=python3.12 VENV=.venv DATABASE_URL=postgres://postgres@127.0.0.1:5432/forum ARGS=",
        "PYTHON=python3.13 VENV=.venv-3.13 "
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/forum_py313 ARGS=-m not slow",
    ]


@pytest.mark.parametrize(("status_312", "status_313"), [(1, 0), (0, 1), (1, 1)])
def test_ci_fails_when_either_run_fails_and_still_runs_both(tmp_path, status_312, status_313):
    result, calls = run_ci(tmp_path, status_312, status_313)
    assert result.returncode != 0
    assert len(calls) == 2


def test_ci_prints_both_runs_closing_pytest_lines(tmp_path):
    result, _ = run_ci(tmp_path, 0, 1)
    summary = result.stdout.split("===== summary =====")[1].splitlines()
    assert summary[1:] == [
        "py312 (exit 0): ==================== 10 passed in 1.00s ====================",
        "py313 (exit 1): =============== 1 failed, 9 passed in 1.00s ================",
    ]
    # And each run's own output, unfiltered, before the summary.
    assert result.stdout.count("10 passed in 1.00s") == 2
