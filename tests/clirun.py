"""Running the real `labelaudit` entry point, as a user does, for the CLI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from attrs import frozen

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


@frozen
class Result:
    code: int
    out: str
    err: str

    def __str__(self) -> str:  # shown by pytest when an assertion on the result fails
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def run(*args: str | Path, cwd: Path | None = None, lang: str = "en") -> Result:
    env = {**os.environ, "LABELAUDIT_LANG": lang, "PYTHONWARNINGS": "error"}
    done = subprocess.run(
        [sys.executable, "-m", "labelaudit", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd or REPO,
        env=env,
        timeout=120,
    )
    return Result(done.returncode, done.stdout, done.stderr)
