"""Every command's help opens in both languages: help texts are user-facing too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clirun import REPO
from labelaudit.cli import COMMANDS, build_parser


def _commands() -> list[str]:
    parser = build_parser("en")
    sub = next(a for a in parser._actions if a.dest == "command")  # argparse keeps subparsers here
    return sorted(sub.choices)


@pytest.mark.parametrize("lang", ["fr", "en", "de"])
@pytest.mark.parametrize("command", _commands())
def test_help_renders(command: str, lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser(lang).parse_args([command, "--help"])
    assert exit_info.value.code == 0
    assert f"usage: labelaudit {command}" in capsys.readouterr().out


def _help_text(lang: str, only: set[str] | None) -> str:
    return build_parser(lang, only=only).format_help()


@pytest.mark.parametrize("lang", ["fr", "en", "de"])
def test_the_commands_table_lists_what_the_modules_add(lang: str) -> None:
    """The static table the top-level help is built from names every command the modules add,
    with the same help: `labelaudit --help` reads the same without importing them."""
    assert _help_text(lang, only=set()) == _help_text(lang, only=None)
    parser = build_parser(lang)
    sub = next(a for a in parser._actions if a.dest == "command")
    assert list(sub.choices) == list(COMMANDS)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_parses_alike_with_only_its_own_module(command: str) -> None:
    """Loading only the named command's module gives that command the whole parser's options."""
    whole = build_parser("en")._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
    alone = build_parser("en", only={command})._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
    assert alone.format_help() == whole.format_help()


# Modules `labelaudit --help` must not import: each costs tens of milliseconds at start-up (the
# engine and its dependencies, the documents, the committee, the desk). Babel's catalog reader
# (a few milliseconds) reads the messages; its locale data is read at the first number written.
HEAVY = ("polars", "pluggy", "cattrs", "jinja2", "weasyprint", "starlette", "cryptography", "tomlkit",
         "rapidfuzz", "babel.numbers", "labelaudit.engine", "labelaudit.collect",
         "labelaudit.documents", "labelaudit.committee", "labelaudit.desk", "labelaudit.convert",
         "labelaudit.model")  # the domain model: 25 ms of attrs classes that the help never uses


def test_the_top_level_help_imports_no_command_module() -> None:
    code = (
        "import sys\n"
        "from labelaudit.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    imported = set(done.stderr.split())
    pulled = sorted(m for m in imported if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert pulled == [], pulled
    assert "score" in done.stdout


def test_loading_the_plugins_imports_no_workbook_writer() -> None:
    """Every command loads the plugins; openpyxl (0.1 s) is imported only to read or write a
    workbook, so a score of CSV exports never pays for it."""
    code = (
        "import sys\n"
        "from labelaudit.plugins import load_plugins\n"
        "plugins = load_plugins((), ())\n"
        "assert 'grid' in plugins.kinds and 'survey' in plugins.kinds\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert [m for m in done.stdout.split() if m.split(".")[0] == "openpyxl"] == []


def test_scoring_csv_exports_imports_no_workbook_reader(tmp_path: Path) -> None:
    """An audit whose exports and grids are CSV and TOML is scored without openpyxl, nor the
    numpy it brings (0.16 s together): the survey plugin imports them for a workbook only."""
    code = (
        "import sys\n"
        "from labelaudit.cli import main\n"
        f"assert main(['score', {str(REPO / 'fixtures' / 'excellence')!r}, '-o', {str(tmp_path / 'r.json')!r}]) == 0\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert [m for m in done.stderr.split() if m.split(".")[0] in ("openpyxl", "numpy")] == []
