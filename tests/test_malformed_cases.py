"""The data-driven malformed-input suite: one folder a case under fixtures/malformed/.

Each case runs the real `labelaudit` command on a working copy (a fixture, then the case's
files, then its `make.py`) and asserts the exit code, the substrings that place the problem,
that no traceback is printed, that the working copy is left without temporary files, and the
time and memory bounds the case sets. fixtures/malformed/README.md describes a case's files.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from clirun import FIXTURES, REPO

CASES = FIXTURES / "malformed"
CASE_KEYS = {"description", "base", "args", "exit", "lang", "stderr", "stdout", "lines", "seconds", "memory_mb"}


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "case.toml").is_file())


def _load(case: Path) -> dict[str, Any]:
    spec = tomllib.loads((case / "case.toml").read_text("utf-8"))
    unknown = set(spec) - CASE_KEYS
    assert not unknown, f"{case.name}/case.toml: unknown keys {sorted(unknown)}"
    for key in ("description", "args", "exit", "stderr"):
        assert key in spec, f"{case.name}/case.toml: missing key {key}"
    return spec


def _working_copy(case: Path, spec: dict[str, Any], tmp_path: Path) -> Path:
    audit = tmp_path / "audit"
    if "base" in spec:
        shutil.copytree(FIXTURES / spec["base"], audit)
    else:
        audit.mkdir()
    if (case / "files").is_dir():
        shutil.copytree(case / "files", audit, dirs_exist_ok=True)
    if (case / "make.py").is_file():
        subprocess.run([sys.executable, str(case / "make.py"), str(audit)], check=True, timeout=120)
    return audit


def _limit_memory(megabytes: int):  # type: ignore[no-untyped-def]
    """In the child: an address-space ceiling well above the bound, so a runaway read fails fast
    instead of taking the machine; the bound itself is checked on the peak resident set."""

    def apply() -> None:
        ceiling = max(4 * megabytes, 2048) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))

    return apply


def _run(spec: dict[str, Any], audit: Path, case: Path) -> tuple[int, str, str, float, int]:
    """Exit code, stdout, stderr, seconds and the child's own peak resident set (KiB, from wait4)."""
    args = [a.replace("{audit}", str(audit)).replace("{case}", str(case)) for a in spec["args"]]
    env = {**os.environ, "LABELAUDIT_LANG": spec.get("lang", "en"), "PYTHONWARNINGS": "error"}
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "labelaudit", *args], stdout=out, stderr=err, stdin=subprocess.DEVNULL,
            cwd=REPO, env=env, preexec_fn=_limit_memory(spec["memory_mb"]) if "memory_mb" in spec else None,
        )
        deadline = started + spec.get("seconds", 60) + 30
        while (status := os.wait4(child.pid, os.WNOHANG))[0] == 0:
            if time.monotonic() > deadline:
                child.kill()
                status = os.wait4(child.pid, 0)
                break
            time.sleep(0.02)
        child.returncode = os.waitstatus_to_exitcode(status[1])
        elapsed = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        texts = [f.read().decode("utf-8", "replace") for f in (out, err)]
    return child.returncode, texts[0], texts[1], elapsed, status[2].ru_maxrss


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_malformed_case(case: Path, tmp_path: Path) -> None:
    spec = _load(case)
    audit = _working_copy(case, spec, tmp_path)
    before = {p.relative_to(audit) for p in audit.rglob("*")}
    code, stdout, stderr, elapsed, peak_kib = _run(spec, audit, case)
    shown = f"exit {code}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"

    assert code == spec["exit"], shown
    assert "Traceback" not in stderr, shown
    for expected in spec["stderr"]:
        assert expected in stderr, f"{expected!r} not in stderr\n{shown}"
    for expected in spec.get("stdout", []):
        assert expected in stdout, f"{expected!r} not in stdout\n{shown}"
    if "lines" in spec:
        assert len(stderr.splitlines()) == spec["lines"], shown
    assert elapsed <= spec.get("seconds", 60), f"took {elapsed:.1f} s\n{shown}"
    if "memory_mb" in spec:
        assert peak_kib / 1024 <= spec["memory_mb"], f"peak {peak_kib / 1024:.0f} MB\n{shown}"
    left = {p.relative_to(audit) for p in audit.rglob("*")} - before
    assert not [p for p in left if p.name.startswith(".") or p.suffix in (".tmp", ".part")], left
