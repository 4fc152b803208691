"""User text reaches the terminal with its control and bidi characters shown, never obeyed
(labelaudit.terminal), on stdout and stderr of every command; records keep the exact text."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from clirun import FIXTURES, run
from labelaudit.terminal import EscapingStream, shown

ESC_CLEAR = "\x1b[2J"  # clears the screen
OSC_TITLE = "\x1b]0;pwned\x07"  # retitles the window, ends with BEL
RLO = "\u202e"  # right-to-left override: "Trojan Source"
ORGANISATION = f"Evil{ESC_CLEAR} Corp{RLO}gnp.exe"
SITE = f"{OSC_TITLE}Agence\rde\bRodez"
RAW = ("\x1b", "\x07", "\r", "\b", RLO)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ESC_CLEAR, "\\x1b[2J"),
        (OSC_TITLE, "\\x1b]0;pwned\\x07"),
        ("a\rb\bc\x00d\x7fe", "a\\x0db\\x08c\\x00d\\x7fe"),
        ("\x9b31m", "\\x9b31m"),  # the one-byte CSI of C1
        ("\u202a\u202b\u202c\u202d\u202e", "\\u202a\\u202b\\u202c\\u202d\\u202e"),
        ("\u2066\u2067\u2068\u2069\u200e\u200f\u061c", "\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c"),
        ("ligne 1\nligne 2\tcolonne", "ligne 1\nligne 2\tcolonne"),  # layout is kept
        ("C:\\Users\\Claire — « Agence » 🙂", "C:\\Users\\Claire — « Agence » 🙂"),
    ],
)
def test_shown(text: str, expected: str) -> None:
    assert shown(text) == expected


def test_the_stream_escapes_and_passes_the_rest() -> None:
    target = io.StringIO()
    stream: Any = EscapingStream(target)
    assert stream.write(ESC_CLEAR) == len(ESC_CLEAR)
    stream.writelines(["\n", RLO])
    assert target.getvalue() == "\\x1b[2J\n\\u202e"
    assert stream.isatty() is False and stream.getvalue() == target.getvalue()


@pytest.fixture
def evil_audit(tmp_path: Path) -> Path:
    audit = tmp_path / "audit"
    shutil.copytree(FIXTURES / "capped", audit)
    text = (audit / "audit.toml").read_text("utf-8")
    text = text.replace('"Banque Coopérative du Rouergue"', json.dumps(ORGANISATION))
    text = text.replace('"Agence de Rodez Centre"', json.dumps(SITE))
    (audit / "audit.toml").write_text(text, "utf-8")
    return audit


def assert_escaped(output: str) -> None:
    for raw in RAW:
        assert raw not in output, repr(output)


def test_score_explain_and_review_show_escape_the_organisation(evil_audit: Path, tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    scored = run("score", evil_audit, "-o", record)
    assert scored.code == 0, scored
    assert "Evil\\x1b[2J Corp\\u202egnp.exe" in scored.out
    assert json.loads(record.read_text("utf-8"))["audit"]["organisation"] == ORGANISATION  # data keeps it
    assert [s["name"] for s in json.loads(record.read_text("utf-8"))["audit"]["sites"]] == [SITE]
    explained = run("explain", record, "--lang", "fr")
    shown_review = run("review", record, "--show")
    for result in (scored, explained, shown_review):
        assert result.code == 0, result
        assert_escaped(result.out + result.err)
        assert "Evil\\x1b[2J Corp\\u202egnp.exe" in result.out


def test_errors_on_stderr_are_escaped(evil_audit: Path, tmp_path: Path) -> None:
    with (evil_audit / "audit.toml").open("a", encoding="utf-8") as handle:
        handle.write(f'\n[[exclusions]]\ncriterion = {json.dumps("C99" + ESC_CLEAR + RLO)}\njustification = "x"\napproved_by = "y"\n')
    checked = run("check", evil_audit, lang="fr")
    assert checked.code == 2, checked
    assert "critère inconnu « C99\\x1b[2J\\u202e »" in checked.err
    assert_escaped(checked.err)
    usage = run("score", evil_audit, "-o", tmp_path / "r.json", "--decided-on", f"2026{ESC_CLEAR}")
    assert usage.code == 2 and "2026\\x1b[2J" in usage.err  # argparse's own message too
    assert_escaped(usage.err)
