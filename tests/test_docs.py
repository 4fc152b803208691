"""docs/plugins.md is true: its complete plugin runs end to end, and it documents every hook,
every public name and every test fixture (adding one without documenting it fails here)."""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import labelaudit
from labelaudit import hookspecs
from labelaudit.testing import assert_evidence, assert_no_evidence, unless_installed

from clirun import REPO, run

pytest_plugins = ["pytester", *unless_installed()]

DOC = REPO / "docs" / "plugins.md"
TEXT = DOC.read_text("utf-8")
EXAMPLE = re.compile(r"<!-- example: (?P<name>\S+) -->\s*```\w+\n(?P<body>.*?)```", re.S)
SITES = ["lyon", "paris"]


def examples() -> dict[str, str]:
    """The code blocks of the page marked `<!-- example: NAME -->`, by name."""
    found = {m["name"]: m["body"] for m in EXAMPLE.finditer(TEXT)}
    assert found, "docs/plugins.md has no marked example"
    return found


def hook_names() -> list[str]:
    return sorted(name for name in vars(hookspecs) if name.startswith("labelaudit_"))


# --- The complete plugin, run ------------------------------------------------------------------


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The documented plugin written as a module, importable here and by subprocesses."""
    folder = tmp_path / "plugin"
    folder.mkdir()
    (folder / "labelaudit_mystery.py").write_text(examples()["labelaudit_mystery.py"], "utf-8")
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")])))
    yield folder
    sys.modules.pop("labelaudit_mystery", None)


@pytest.fixture
def documented_audit(minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path]) -> Path:
    """The documented scheme fragments and audit, in a minimal scheme and an audit folder."""
    found = examples()
    scheme_part = tomllib.loads(found["scheme.toml"])
    requirement = tomllib.loads(found["requirements/01-welcome.toml"])
    audit_part = tomllib.loads(found["audit.toml"])
    scheme = minimal_scheme(
        sources=scheme_part["sources"],
        bindings={c["id"]: c["bindings"] for c in requirement["criteria"]},
    )
    return make_audit(scheme, sites=SITES, sources=audit_part["sources"], files={"visits.csv": found["visits.csv"]})


def test_the_documented_plugin_reads_the_documented_visits(
    plugin_dir: Path, documented_audit: Path, make_plugins: Callable[..., Any], collect_source: Callable[..., Any]
) -> None:
    module = importlib.import_module("labelaudit_mystery")
    plugins = make_plugins(module)
    assert [(p.name, p.version, p.api) for p in plugins.info if p.name == "labelaudit_mystery"] == [
        ("labelaudit_mystery", "1.0.0", labelaudit.API_VERSION)
    ]
    collection = collect_source(documented_audit, "visits", plugins=plugins)
    assert_evidence(collection, criterion="welcome.1", site="lyon", value=15)
    assert_evidence(collection, criterion="welcome.1", site="paris", value=18)
    assert_evidence(collection, criterion="welcome.2", site="lyon", value="13.5")
    assert_no_evidence(collection, criterion="welcome.2", site="paris")


def test_the_documented_plugin_scores_end_to_end_on_the_command_line(
    plugin_dir: Path, documented_audit: Path, tmp_path: Path
) -> None:
    record = tmp_path / "record.json"
    result = run(
        "score", documented_audit, "-o", record, "-p", "labelaudit_mystery", "--rulesets", tmp_path / "schemes"
    )
    assert result.code == 0, result
    data = json.loads(record.read_text("utf-8"))
    # welcome.1: 16.5 over the sites → (16.5 − 10) / 8 = 13/16; welcome.2: 13.5 → 7/16; mean 5/8.
    assert data["outcome"]["points"]["shown"] == "625.0"
    assert data["outcome"]["status"] == "granted"
    assert "skipped_sources" not in data


def test_the_documented_plugin_is_listed(plugin_dir: Path) -> None:
    result = run("plugins", "-p", "labelaudit_mystery")
    assert result.code == 0, result
    assert "labelaudit_mystery 1.0.0 — command line — plugin API 1" in result.out.splitlines()
    assert "  source kind  mystery: Mystery shopping visits" in result.out.splitlines()


def test_the_documented_plugin_reports_bad_scores_in_both_languages(
    plugin_dir: Path, minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path]
) -> None:
    scheme = minimal_scheme(
        sources={"visits": {"kind": "mystery"}}, bindings={"welcome.1": [{"source": "visits", "floor": 10, "target": 18}]}
    )
    audit = make_audit(
        scheme, sites=["lyon"], sources={"visits": ["v.csv"]}, files={"v.csv": "site,welcome.1\nlyon,25\nnice,3\n"}
    )
    rulesets = ["--rulesets", audit.parent / "schemes"]
    english = run("check", audit, "-p", "labelaudit_mystery", *rulesets)
    assert english.code == 2, english
    assert english.err.splitlines() == [
        f"error: {audit / 'v.csv'}: row 2, column 'welcome.1': expected a score from 0 to 20, got '25'",
        f"{audit / 'v.csv'}: row 3: unknown site 'nice'",
    ]
    french = run("check", audit, "-p", "labelaudit_mystery", *rulesets, lang="fr")
    assert french.err.splitlines()[0].endswith("row 2, column 'welcome.1': note de 0 à 20 attendue, trouvé '25'")


def test_the_documented_test_of_the_plugin_passes(plugin_dir: Path, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_mystery=examples()["test_mystery.py"])
    loaded_by_name = [arg for name in unless_installed() for arg in ("-p", name)]
    result = pytester.runpytest("--strict-markers", "-W", "error", *loaded_by_name)
    result.assert_outcomes(passed=1)


def test_the_documented_entry_point_declaration() -> None:
    pyproject = tomllib.loads(examples()["pyproject.toml"])
    assert pyproject["project"]["entry-points"]["labelaudit"] == {"mystery": "labelaudit_mystery"}
    assert any(d.startswith("labelaudit") for d in pyproject["project"]["dependencies"])


# --- Everything is documented ------------------------------------------------------------------


def headings() -> list[str]:
    return re.findall(r"^#{2,4} (.+)$", TEXT, re.M)


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_has_its_own_heading(hook: str) -> None:
    assert any(re.search(rf"`{hook}\(", heading) for heading in headings()), (
        f"docs/plugins.md has no heading for the hook {hook}: document its arguments, return value "
        "and when it is called"
    )


@pytest.mark.parametrize("hook", hook_names())
def test_every_hook_section_says_when_it_was_added(hook: str) -> None:
    section = TEXT.split(f"`{hook}(", 1)[1].split("\n### ", 1)[0]
    assert re.search(r"Added in API \d+", section), hook
    assert "**Returns**" in section and "**When**" in section and "**Argument**" in section, hook


@pytest.mark.parametrize("name", labelaudit.__all__)
def test_every_public_name_is_documented(name: str) -> None:
    assert f"`{name}`" in TEXT, f"labelaudit.{name} is public but docs/plugins.md does not describe it"


def harness_names() -> list[str]:
    """The fixtures and assertion helpers of labelaudit.testing, read from its source."""
    tree = ast.parse(Path(importlib.import_module("labelaudit.testing").__file__ or "").read_text("utf-8"))
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            fixture = any(ast.unparse(d).startswith("pytest.fixture") for d in node.decorator_list)
            if fixture or node.name.startswith("assert_"):
                names.append(node.name)
    return names


@pytest.mark.parametrize("name", harness_names())
def test_every_fixture_and_assertion_is_documented(name: str) -> None:
    assert f"**`{name}" in TEXT, f"labelaudit.testing.{name} is not described in docs/plugins.md"


def test_the_api_version_and_the_attribute_are_documented() -> None:
    assert f"`labelaudit.API_VERSION` is the version of this contract (currently {labelaudit.API_VERSION})" in TEXT
    assert "LABELAUDIT_API = 1" in TEXT


def test_the_plugin_options_are_documented() -> None:
    for option in ("--plugin-timeout SECONDS", "--on-plugin-error stop|skip", "--disable NAME", "skipped_sources"):
        assert option in TEXT, option
