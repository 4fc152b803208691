"""Every command's help opens in both languages: help texts are user-facing too."""

from __future__ import annotations

import pytest

from labelaudit.cli import build_parser


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
