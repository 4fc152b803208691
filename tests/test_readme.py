"""The README's promises: its test command is the one CI runs, its demo numbers are true."""

from __future__ import annotations

import json
import re

from clirun import REPO

README = (REPO / "README.md").read_text("utf-8")


def _quick_start_commands() -> list[str]:
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", README, re.S)
    assert block, "the README has no quick-start block"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_quick_start_is_two_single_line_commands() -> None:
    demo, tests = _quick_start_commands()
    assert "labelaudit score fixtures/demo" in demo
    assert tests.endswith("python -m pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert _quick_start_commands()[1] in ci.splitlines()


def test_readme_demo_outcome_is_the_golden_one() -> None:
    outcome = json.loads((REPO / "tests" / "golden" / "demo.json").read_text("utf-8"))["outcome"]
    assert f"{outcome['points']['shown']} points" in README
    assert outcome["level"] == "confirme" and "level *confirmé*" in README


def test_every_test_the_readme_names_exists() -> None:
    """A promise names the test that proves it: the name must still be a test of the suite."""
    named = re.findall(r"`((?:tests|plugins)/[\w/.-]+\.py)((?:::\w+)?)`", README)
    continued = re.findall(r"`((?:tests|plugins)/[\w/.-]+\.py)::\w+`((?:, `::\w+`)+)", README)
    tests = {(path, name.lstrip(":")) for path, name in named}
    tests |= {(path, name) for path, more in continued for name in re.findall(r"`::(\w+)`", more)}
    assert len(tests) > 20, tests
    for path, name in sorted(tests):
        source = (REPO / path).read_text("utf-8")
        assert not name or re.search(rf"^def {name}\(", source, re.M), f"README names {path}::{name}, which does not exist"
