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


# The command runs under a small launcher process, which forks it, limits it and reports its
# peak: a child forked from pytest itself starts with pytest's resident pages (hundreds of MB
# late in a run), and Linux keeps that high-water mark across exec, so wait4 would report
# pytest's size rather than the command's.
LAUNCHER = """
import os, resource, subprocess, sys, time
report, ceiling, seconds, *command = sys.argv[1:]

def limit():  # an address-space ceiling well above the bound: a runaway read fails fast
    if int(ceiling):
        resource.setrlimit(resource.RLIMIT_AS, (int(ceiling), int(ceiling)))

child = subprocess.Popen(command, preexec_fn=limit)
deadline = time.monotonic() + float(seconds)
while (status := os.wait4(child.pid, os.WNOHANG))[0] == 0:
    if time.monotonic() > deadline:
        child.kill()
        status = os.wait4(child.pid, 0)
        break
    time.sleep(0.02)
child.returncode = os.waitstatus_to_exitcode(status[1])  # reaped here: Popen must not wait for it again
with open(report, "w") as handle:
    handle.write(f"{child.returncode} {status[2].ru_maxrss}")
"""


def _run(spec: dict[str, Any], audit: Path, case: Path) -> tuple[int, str, str, float, int]:
    """Exit code, stdout, stderr, seconds and the command's own peak resident set (KiB, from
    wait4 in the launcher)."""
    args = [a.replace("{audit}", str(audit)).replace("{case}", str(case)) for a in spec["args"]]
    env = {**os.environ, "LABELAUDIT_LANG": spec.get("lang", "en"), "PYTHONWARNINGS": "error"}
    ceiling = max(4 * spec["memory_mb"], 2048) * 1024 * 1024 if "memory_mb" in spec else 0
    seconds = spec.get("seconds", 60) + 30
    started = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "status"
        command = [sys.executable, "-W", "ignore", "-c", LAUNCHER, str(report), str(ceiling), str(seconds), sys.executable, "-m", "labelaudit", *args]
        subprocess.run(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=REPO, env=env, timeout=seconds + 30,
                       check=True)
        elapsed = time.monotonic() - started
        code, peak = (int(part) for part in report.read_text().split())
        out.seek(0)
        err.seek(0)
        texts = [f.read().decode("utf-8", "replace") for f in (out, err)]
    return code, texts[0], texts[1], elapsed, peak


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


def test_the_peak_is_the_command_s_own_whatever_pytest_s_size(tmp_path: Path) -> None:
    """A 400 MB pytest does not lend its size to the command's measured peak (a child forked
    from it directly reported at least pytest's resident set)."""
    ballast = bytearray(400 << 20)  # resident: every page written
    for offset in range(0, len(ballast), 4096):
        ballast[offset] = 1
    code, stdout, _, _, peak_kib = _run({"args": ["--help"], "memory_mb": 300}, tmp_path, tmp_path)
    assert code == 0 and "score" in stdout
    assert peak_kib / 1024 < 150, peak_kib
    del ballast
