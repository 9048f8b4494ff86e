"""``python -m bench --scale`` works end to end at a tiny size: both sites built, every page
measured on both, the ratios, sizes, import figures and calibration reported (timings not
judged)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_a_tiny_scale_run_reports_every_page_on_both_sites(tmp_path):
    output = tmp_path / "scale.json"
    options = ["--scale-comments", "3000", "--runs", "1", "--posts", "2", "--output", str(output)]
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--scale", *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(output.read_text())

    small, large = results["sites"]
    assert (small["comments"], large["comments"]) == (1_000, 3_000)
    for site in (small, large):
        assert site["articles"] == 100 and site["users"] >= 20
        assert set(site["import"]) == {
            "seconds",
            "comments_per_second",
            "vacuum_analyze_seconds",
            "python_peak_mb",
            "postgresql_peak_mb",
        }
        assert site["sizes"]["database_mb"] > 0
        assert site["sizes"]["tables"]["articles_comment"]["indexes_mb"] > 0
        assert "comment_tree_order_idx" in site["sizes"]["comment_indexes_mb"]
        assert set(site["pages"]) >= {
            "home",
            "home_active",
            "home_discussed",
            "topic",
            "first_page",
            "first_page_largest",
            "whole_thread",
            "whole_thread_largest",
            "permalink_deep",
            "permalink_deep_largest",
            "profile",
            "post_reply",
            "post_reply_largest",
        }
        for page in site["pages"].values():
            assert page["median_ms"] > 0 and page["queries"] > 0
    assert set(results["ratios"]) == set(large["pages"])
    for name, ratio in results["ratios"].items():
        assert ratio["time"] > 0, name
        counts = [site["pages"][name]["queries"] for site in (small, large)]
        assert ratio["queries"] == counts
    assert not results["ratios"]["whole_thread_largest"]["judged"]
    assert results["ratios"]["first_page"]["judged"]
    assert {"start", "end"} == set(results["calibration"])
    names = [target["name"] for target in results["targets"]]
    assert "import of 3,000 comments (s)" in names
    assert "profile: large vs small site (time; queries)" in names
    # The printed report: both sites, the pages, the calibration and the load average.
    assert "site of 3,000 comments" in run.stdout and "comment indexes (MB)" in run.stdout
    assert "permalink_deep" in run.stdout and "large ÷ small" in run.stdout
    assert "calibration loop:" in run.stdout and "load average" in run.stdout


def test_scale_options_are_checked():
    options = ["--scale-comments", "5000", "--scale-base", "5000"]
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--scale", *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert "--scale-base must be smaller than --scale-comments" in run.stderr
