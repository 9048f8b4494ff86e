"""The cluster test of scripts/cluster.py: primary, streaming replica, Redis, two app instances
of two workers, faults under load (issue 17). Slow: about a minute."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_the_cluster_keeps_every_promise_through_its_faults():
    result = subprocess.run(
        [sys.executable, "scripts/cluster.py", "--seconds", "30"],
        cwd=ROOT, capture_output=True, text=True, timeout=360, check=False,
    )  # fmt: skip
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "All promises held." in result.stdout
