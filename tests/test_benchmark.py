"""bench/benchmark.py still runs: generated audit, baselines and labelaudit, at a toy size.

This proves nothing about speed (the benchmark itself does, against a baseline measured in the
same run); it keeps the script from rotting as the engine changes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from clirun import REPO


def test_the_benchmark_runs_end_to_end_on_a_toy_network(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "benchmark.py"), "--customers", "3000", "--employees", "300",
         "--sites", "12", "--small", "0", "--repeat", "1", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    measured = next(line for line in lines if line.strip().startswith("labelaudit "))
    assert "'status': 'granted'" in measured or "'status': 'refused'" in measured or "'status': 'deferred'" in measured
    assert "'evidence': " in measured
    assert any(line.startswith("| 3,000 | 300 |") for line in lines), done.stdout
    assert any(line.strip().startswith("polars ") for line in lines)  # the baseline, measured in the same run
