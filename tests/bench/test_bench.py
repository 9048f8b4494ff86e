"""The benchmark itself works: one quick run at tiny sizes, end to end (timings not judged)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PAGE_KEYS = {"url", "median_ms", "min_ms", "queries", "bytes", "gzip_bytes"}


def test_a_quick_run_measures_everything_and_writes_json(tmp_path):
    output = tmp_path / "results" / "latest.json"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "bench", "--quick", "--sizes", "20,60"),
            *("--search-comments", "300", "--output", str(output)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(output.read_text())

    assert [entry["comments"] for entry in results["sizes"]] == [20, 60]
    for entry in results["sizes"]:
        assert set(entry["pages"]) == {
            "whole_thread",
            "first_page",
            "permalink",
            "whole_thread_cached",
            "whole_thread_oldest",
        }
        for measured in entry["pages"].values():
            assert set(measured) == PAGE_KEYS
            assert measured["median_ms"] > 0 and measured["bytes"] > 0
        assert entry["pages"]["whole_thread"]["queries"] == 2
        assert entry["pages"]["whole_thread_cached"]["queries"] == 1
        whole = entry["pages"]["whole_thread"]
        assert whole["gzip_bytes"] < whole["bytes"]  # compressed for anonymous readers
        assert set(entry["post_reply"]) == {"posts", "median_ms", "min_ms", "queries"}
        assert set(entry["cast_vote"]) == {"votes", "median_ms", "min_ms", "queries"}
    concurrent = results["concurrent_posting"]
    assert (concurrent["errors"], concurrent["lost"], concurrent["tree_valid"]) == (0, 0, True)
    assert concurrent["replies"] == 40
    assert [run["cache"].split(",")[0] for run in results["gunicorn"]] == ["off", "on"]
    for load in results["gunicorn"]:
        assert load["requests"] > 0 and load["errors"] == 0
        assert load["p50_ms"] <= load["p99_ms"]
    assert {t["name"] for t in results["targets"]} >= {
        "posting a reply, slowest size (ms)",
        "casting a vote, slowest size (ms)",
        "concurrent posters: errors, lost replies, tree valid",
    }
    assert "whole thread" in run.stdout and "requests/s" in run.stdout  # the printed table
    search = results["search"]
    assert search["comments"] == 300 and search["searching"]["documents"] >= 300
    assert search["posting"]["posts"] > 0 and search["posting"]["ratio"] > 0
    assert "search over 300 comments" in run.stdout


def test_bad_options_are_refused_with_a_reason():
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", "10,lots"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert "sizes are whole numbers" in run.stderr
