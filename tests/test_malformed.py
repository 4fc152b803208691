"""Every malformed input listed in the README: one clear message, exit code 2, no traceback.

Each case copies a valid audit (and, for ruleset cases, the bundled scheme, served first with
`--rulesets`), breaks one thing, runs `labelaudit check`, and names the file, the place and
what was expected.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from attrs import frozen

from clirun import FIXTURES, REPO, Result, run


@frozen
class Case:
    audit: str  # fixture copied
    file: str  # the file broken, relative to the copied audit or to `scheme/`
    breaks: Callable[[Path], None]
    expected: str  # a regular expression the first error line must match
    lines: int = 1  # one mistake may break two rules (an unknown header is also a missing one)


def edit(old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        text = path.read_text("utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, count), "utf-8")

    return apply


def write_bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def set_cell(sheet: str, cell: str, value: object) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        workbook = openpyxl.load_workbook(path)
        workbook[sheet][cell] = value
        workbook.save(path)

    return apply


VISION = "scheme/requirements/01-vision.toml"
CASES = {
    "toml syntax error": Case("capped", VISION, edit("weight = 2", "weight = = 2"), r"01-vision\.toml: line \d+, column \d+: invalid TOML: "),
    "unknown key": Case("capped", VISION, edit("pyramid = 1", 'pyramid = 1\ncolour = "blue"'), r"01-vision\.toml: line \d+, key criteria\[0\]\.colour: unknown key: colour"),
    "missing key": Case("capped", VISION, edit("pyramid = 1\n", ""), r"01-vision\.toml: line \d+, key criteria\[0\]\.pyramid: required key missing"),
    "wrong type": Case("capped", VISION, edit("weight = 2", 'weight = "heavy"'), r"01-vision\.toml: line \d+, key criteria\[0\]\.weight: expected number, got 'heavy'"),
    "duplicate id": Case("capped", VISION, edit('id = "vision.2"', 'id = "vision.1"'), r"01-vision\.toml: line \d+, key criteria\[1\]\.id: duplicate id 'vision\.1'"),
    "binding to an unknown item": Case("capped", VISION, edit('item = "E01"', 'item = "E99"'), r"01-vision\.toml: line \d+, key criteria\[0\]\.bindings\[1\]\.item: unknown item 'E99'"),
    "weight not above 0": Case("capped", VISION, edit("weight = 2", "weight = 0"), r"01-vision\.toml: line \d+, key criteria\[0\]: weight must be greater than 0, got 0"),
    "floor equal to target": Case("capped", VISION, edit("target = 0.9", "target = 0.5"), r"01-vision\.toml: line \d+, key criteria\[0\]\.bindings\[1\]\.target: floor and target must differ \(both are 1/2\)"),
    "csv with an unknown header": Case("capped", "surveys/clients.csv", edit("Q1 - Accueil en agence", "Q1 - Accueil"), r"clients\.csv: row 1, column 'Q1 - Accueil' \(B\): unknown header", lines=2),
    "out-of-scale answer": Case("capped", "surveys/clients.csv", edit("\n1,4,4,", "\n1,7,4,"), r"clients\.csv: row 2, column 'Q1 - Accueil en agence' \(B\): expected one of 1, 2, 3, 4, 5"),
    "empty file": Case("capped", "surveys/clients.csv", write_bytes(b""), r"clients\.csv: .*the file is empty"),
    "unreadable encoding": Case("capped", "surveys/clients.csv", write_bytes(b"Identifiant,Q1\n1,\x81\x8d\n"), r"clients\.csv: byte \d+: unrecognised encoding \(expected UTF-8 or Windows-1252\)"),
    "xlsx level outside the scale": Case("demo", "grid.xlsx", set_cell("lyon", "E2", 7), r"grid\.xlsx: cell lyon!E2: .*expected one of 0, 1, 2, 3, 4, got 7"),
    "audit unknown key": Case("capped", "audit.toml", edit('kind = "initial"', 'kind = "initial"\nlevel = "gold"'), r"audit\.toml: line \d+, key level: unknown key: level"),
    "audit wrong kind": Case("capped", "audit.toml", edit('kind = "initial"', 'kind = "first"'), r"audit\.toml: line \d+, key kind: "),
    "audit missing evidence file": Case("capped", "audit.toml", edit('files = ["grid.toml"]', 'files = ["grille.toml"]'), r"audit\.toml: line \d+, key sources\.onsite\.files\[0\]: file not found: .*grille\.toml"),
    "audit unknown exclusion": Case("demo", "audit.toml", edit('criterion = "innovation.3"', 'criterion = "innovation.9"'), r"audit\.toml: line \d+, key exclusions\[0\]\.criterion: unknown criterion 'innovation\.9'"),
}


def check_broken(case: Case, tmp_path: Path, lang: str = "en") -> Result:
    """`labelaudit check` on a copy of the case's audit (and scheme) with the one mistake made."""
    audit = tmp_path / "audit"
    shutil.copytree(FIXTURES / case.audit, audit)
    shutil.copytree(REPO / "rulesets" / "en16880", tmp_path / "scheme")
    target = tmp_path / case.file if case.file.startswith("scheme/") else audit / case.file
    case.breaks(target)
    return run("check", audit, "--rulesets", tmp_path / "scheme", lang=lang)


@pytest.mark.parametrize("name", list(CASES))
def test_malformed_input_gives_one_placed_message(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    result = check_broken(case, tmp_path)

    assert result.code == 2, result
    assert "Traceback" not in result.err, result
    lines = result.err.splitlines()
    assert len(lines) == case.lines, result
    assert lines[0].startswith("error: "), result
    assert re.search(case.expected, lines[0]), result


# The same mistakes under LABELAUDIT_LANG=fr: the place and the message in French.
IN_FRENCH = {
    "toml syntax error": r"01-vision\.toml: ligne \d+, colonne \d+: TOML invalide : ",
    "unknown key": r"01-vision\.toml: ligne \d+, clé criteria\[0\]\.colour: ",
    "binding to an unknown item": r"ligne \d+, clé criteria\[0\]\.bindings\[1\]\.item: item inconnu « E99 » \(valeurs possibles : ",
    "out-of-scale answer": r"clients\.csv: ligne 2, colonne « Q1 - Accueil en agence » \(B\): ",
    "unreadable encoding": r"clients\.csv: octet \d+: encodage non reconnu \(UTF-8 ou Windows-1252 attendu\)",
    "audit unknown exclusion": r"audit\.toml: ligne \d+, clé exclusions\[0\]\.criterion: critère inconnu « innovation\.9 » "
    r"\(valeurs possibles : les \d+ critères de en16880\)",
}


@pytest.mark.parametrize("name", list(IN_FRENCH))
def test_malformed_input_is_placed_in_french(name: str, tmp_path: Path) -> None:
    result = check_broken(CASES[name], tmp_path, lang="fr")

    assert result.code == 2, result
    first = result.err.splitlines()[0]
    assert first.startswith("erreur: "), result
    assert re.search(IN_FRENCH[name], first), result
