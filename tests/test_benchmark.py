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
        [sys.executable, str(REPO / "bench" / "benchmark.py"), "--sizes", "3000", "--sites", "12",
         "--repeat", "1", "--keep", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for command in ("score", "whatif", "verify", "polars"):  # polars: the baseline, in the same run
        assert any(line.strip().startswith(f"{command} ") for line in lines), done.stdout
    assert any(line.startswith("| 3,000 + 300 |") for line in lines), done.stdout
    assert (tmp_path / "n3000" / "record.json").is_file()  # the score command wrote its record
