"""`labelaudit new-plugin NAME`: a package whose own tests pass as generated, without installing it."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from labelaudit import InputError
from labelaudit.scaffold import Names, files_for, install_line, labelaudit_source, names_for, write_plugin
from labelaudit.testing import unless_installed

from clirun import REPO, run

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
        f"Next: cd {package} && {install_line(labelaudit_source())}",
    ]
    assert result.err == ""  # no installed plugin is called mystery
    assert sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()) == EXPECTED_FILES
    done = pytest_in(package, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


def test_the_readme_install_line_works_in_a_fresh_virtual_environment(tmp_path: Path) -> None:
    """The generated README's install line, run as written in the package folder: a fresh venv
    (no system site-packages), labelaudit installed from this source tree, the package's own
    tests. pip reaches only its configured indexes and caches (hatchling, the dependencies)."""
    result = run("new-plugin", "mystery-shopping", "--dir", tmp_path)
    assert result.code == 0, result
    package = tmp_path / "labelaudit-mystery-shopping"
    readme = (package / "README.md").read_text("utf-8")
    [line] = [line for line in readme.splitlines() if line.startswith("python3 -m venv .venv")]
    assert shlex.quote(str(REPO)) in line  # where this labelaudit was installed from
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    done = subprocess.run(
        ["sh", "-c", line], cwd=package, env=env, capture_output=True, text=True, encoding="utf-8", timeout=900
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "4 passed" in done.stdout
    venv_python = package / ".venv" / "bin" / "python"
    check = subprocess.run(
        [str(venv_python), "-c", "import sys, labelaudit_mystery_shopping; print(sys.prefix != sys.base_prefix)"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert check.stdout.strip() == "True", check.stderr  # the package's own environment, not this one
    listed = subprocess.run([str(package / ".venv" / "bin" / "labelaudit"), "plugins"], capture_output=True, text=True, env=env, timeout=120)
    assert "mystery_shopping 0.1.0 — entry point (labelaudit-mystery-shopping) — plugin API 1" in listed.stdout, listed


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


@pytest.mark.parametrize(
    "name", ["mystery-shopping", "mystery_shopping", "labelaudit-mystery-shopping", "labelaudit_mystery_shopping",
             "Mystery-Shopping", "mystery.shopping", "  mystery--shopping "],
)
def test_the_names_people_type_give_one_package(name: str, tmp_path: Path) -> None:
    assert names_for(name) == Names("mystery_shopping", "labelaudit_mystery_shopping", "labelaudit-mystery-shopping")
    package = write_plugin(name, tmp_path)
    assert package.name == "labelaudit-mystery-shopping"
    pyproject = tomllib.loads((package / "pyproject.toml").read_text("utf-8"))
    assert pyproject["project"]["name"] == "labelaudit-mystery-shopping"
    assert pyproject["project"]["entry-points"]["labelaudit"] == {"mystery_shopping": "labelaudit_mystery_shopping"}
    assert (package / "src" / "labelaudit_mystery_shopping" / "__init__.py").is_file()
    assert 'name="mystery_shopping"' in (package / "src" / "labelaudit_mystery_shopping" / "__init__.py").read_text("utf-8")


@pytest.mark.parametrize("name", ["1st", "_private", "", "mystère", "a b", "labelaudit", "labelaudit-", "visits!", "-"])
def test_a_name_that_cannot_become_a_module_is_refused(name: str, tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        write_plugin(name, tmp_path)
    [problem] = caught.value.problems
    assert problem.what == (
        "a plugin's name becomes a Python module (labelaudit_NAME): letters a to z and digits, separated by - or _, "
        f"starting with a letter, such as mystery-shopping; got {name!r}"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_bad_name_on_the_command_line_in_french(tmp_path: Path) -> None:
    result = run("new-plugin", "mystère", "--dir", tmp_path, lang="fr")
    assert result.code == 2, result
    assert result.err == (
        "erreur: mystère: le nom d'un plugin devient un module Python (labelaudit_NOM) : des lettres a à z et des "
        "chiffres, séparés par - ou _, en commençant par une lettre, comme mystery-shopping ; trouvé 'mystère'\n"
    )


def test_a_name_taken_by_an_installed_plugin_is_warned_about(tmp_path: Path) -> None:
    result = run("new-plugin", "labelaudit-queue", "--dir", tmp_path)  # the worked plugin, installed for the tests
    assert result.code == 0, result  # a warning: the author may mean to replace it
    [warning] = result.err.splitlines()
    assert warning.startswith("warning: already taken by what is installed: the plugin name 'queue' (queue = labelaudit_queue, labelaudit-queue 0.1.0); ")
    assert "the module 'labelaudit_queue' (" in warning
    assert "the source kind 'queue' (queue 0.1.0 (entry point (labelaudit-queue)))" in warning
    assert warning.endswith(
        "the distribution 'labelaudit-queue' (labelaudit-queue 0.1.0); installed together, the two plugins would be "
        "refused when loaded: choose another name, or uninstall the other"
    )
    assert (tmp_path / "labelaudit-queue" / "pyproject.toml").is_file()


def test_a_source_kind_taken_by_a_builtin_is_warned_about_in_french(tmp_path: Path) -> None:
    result = run("new-plugin", "survey", "--dir", tmp_path, lang="fr")
    assert result.code == 0, result
    assert result.err == (
        "avertissement : déjà pris par ce qui est installé : le type de source 'survey' (surveys 0.1.0 (entry point "
        "(labelaudit))) ; installés ensemble, les deux plugins seraient refusés au chargement : choisir un autre nom, "
        "ou désinstaller l'autre\n"
    )


def test_the_install_line_names_labelaudits_source_only_when_it_is_local() -> None:
    assert install_line(None) == 'python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && .venv/bin/python -m pytest'
    assert install_line("/src/my labelaudit") == (
        "python3 -m venv .venv && .venv/bin/pip install '/src/my labelaudit' -e \".[test]\" && .venv/bin/python -m pytest"
    )
    assert labelaudit_source() == str(REPO)  # installed for the tests with pip install -e .


def test_every_file_names_the_plugin_and_nothing_is_left_to_substitute() -> None:
    for path, text in files_for("queue2").items():
        assert "$" not in text, path
        assert "queue2" in text, path
