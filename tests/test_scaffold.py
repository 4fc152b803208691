"""`labelaudit new-plugin NAME`: a package whose own tests pass as generated, without installing it."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from labelaudit import InputError
from labelaudit.scaffold import files_for, write_plugin
from labelaudit.testing import unless_installed

from clirun import run

EXPECTED_FILES = [
    "README.md",
    "pyproject.toml",
    "src/labelaudit_mystery/__init__.py",
    "tests/test_mystery.py",
]


def fake_pytest11(folder: Path) -> Path:
    """A distribution on `folder` that declares labelaudit's pytest11 entry point, as installed."""
    info = folder / "labelaudit_pytest_entry-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: labelaudit-pytest-entry\nVersion: 0\n", "utf-8")
    (info / "entry_points.txt").write_text("[pytest11]\nlabelaudit = labelaudit.testing\n", "utf-8")
    return folder


def pytest_in(package: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The package's own tests, run as its author would: `python -m pytest` in its folder.

    Its `src` is on PYTHONPATH (no install needed); labelaudit's pytest plugin is found by its
    pytest11 entry point, faked here while labelaudit's pyproject.toml does not declare it.
    """
    paths = [str(package / "src")]
    if unless_installed():
        paths.append(str(fake_pytest11(tmp_path / "entry-point")))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "PYTHONWARNINGS": "error"}
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=package, env=env, capture_output=True, text=True, encoding="utf-8", timeout=300,
    )


def test_new_plugin_writes_a_package_whose_tests_pass(tmp_path: Path) -> None:
    result = run("new-plugin", "mystery", "--dir", tmp_path)
    assert result.code == 0, result
    package = tmp_path / "labelaudit-mystery"
    assert result.out.splitlines() == [
        f"Plugin package written: {package}",
        f'Next: cd {package} && pip install -e ".[test]" && python -m pytest',
    ]
    assert sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()) == EXPECTED_FILES
    done = pytest_in(package, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


def test_the_package_declares_what_labelaudit_needs(tmp_path: Path) -> None:
    package = write_plugin("mystery", tmp_path)
    pyproject = tomllib.loads((package / "pyproject.toml").read_text("utf-8"))
    assert pyproject["build-system"]["build-backend"] == "hatchling.build"
    assert pyproject["project"]["name"] == "labelaudit-mystery"
    assert pyproject["project"]["dependencies"] == ["labelaudit>=0.1"]
    assert pyproject["project"]["entry-points"]["labelaudit"] == {"mystery": "labelaudit_mystery"}
    assert pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["src/labelaudit_mystery"]
    module = (package / "src" / "labelaudit_mystery" / "__init__.py").read_text("utf-8")
    assert "LABELAUDIT_API = 1" in module
    assert "from labelaudit." not in module and "import labelaudit." not in module  # the public API only
    compile(module, "__init__.py", "exec")


def test_the_generated_plugin_is_found_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = write_plugin("visits", tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(package / "src"))
    result = run("plugins", "-p", "labelaudit_visits")
    assert result.code == 0, result
    assert "labelaudit_visits 0.1.0 — command line — plugin API 1" in result.out.splitlines()
    assert "  source kind  visits: visits source (CSV)" in result.out.splitlines()


def test_an_existing_folder_is_refused_and_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "labelaudit-mystery"
    target.mkdir()
    (target / "notes.txt").write_text("mine", "utf-8")
    result = run("new-plugin", "mystery", "--dir", tmp_path)
    assert result.code == 2, result
    assert result.err == f"error: {target}: {target} already exists: nothing was written\n"
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("name", ["Mystery", "my-plugin", "1st", "_private", "class", "", "mystère", "a b"])
def test_the_name_must_be_a_lowercase_identifier(name: str, tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        write_plugin(name, tmp_path)
    [problem] = caught.value.problems
    assert problem.what == (
        "a plugin name is a lowercase Python identifier (letters, digits, _, starting with a letter), "
        f"got {name!r}"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_bad_name_on_the_command_line_in_french(tmp_path: Path) -> None:
    result = run("new-plugin", "Mystery", "--dir", tmp_path, lang="fr")
    assert result.code == 2, result
    assert result.err == (
        "erreur: Mystery: un nom de plugin est un identifiant Python en minuscules (lettres, chiffres, _, "
        "commençant par une lettre), trouvé 'Mystery'\n"
    )


def test_every_file_names_the_plugin_and_nothing_is_left_to_substitute() -> None:
    for path, text in files_for("queue2").items():
        assert "$" not in text, path
        assert "queue2" in text, path
