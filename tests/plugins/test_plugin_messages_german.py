"""The built-in plugins speak German: every text they show a person has its German.

`Text(fr=…, en=…)` alone would read its English under `--lang de`, so the notes of `score` said
`Hinweis: surveys/clients.csv: 600 rows, 3 sites`. Three checks:

- **the source**: every `Text(...)` call in the plugins' message modules (and their titles) gives
  `others={"de": …}`, and no German text quotes with the French « … »;
- **the command**: `score --lang de` on the demo reads its notes in German;
- **the plurals**: the messages that count (rows, sites, cells, columns) say `1 Zeile`, `3 Zeilen`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from clirun import FIXTURES, REPO, run
from labelaudit import Text
from labelaudit_onsite import _messages as onsite
from labelaudit_surveys import _messages as surveys

PLUGINS = REPO / "plugins"
FILES = tuple(
    PLUGINS / name
    for name in (
        "labelaudit_surveys/_messages.py",
        "labelaudit_surveys/__init__.py",
        "labelaudit_onsite/_messages.py",
        "labelaudit_onsite/__init__.py",
        "labelaudit_onsite/_toml_grid.py",
        "labelaudit_onsite/_xlsx_grid.py",
    )
)
# The message modules' `Text(` calls and the plugins' titles and indicators, as of this test:
# fewer found means the test no longer sees the calls it is meant to check.
AT_LEAST = 44 + 24 + 6 + 1


def _text_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "Text")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "Text")
        )
    ]


def _german(call: ast.Call) -> ast.expr | None:
    """The expression a call gives as its German text (`others={"de": …}`), or None."""
    for keyword in call.keywords:
        if keyword.arg == "others" and isinstance(keyword.value, ast.Dict):
            for key, value in zip(keyword.value.keys, keyword.value.values):
                if isinstance(key, ast.Constant) and key.value == "de":
                    return value
    return None


def _where(path: Path, call: ast.Call) -> str:
    return f"{path.relative_to(REPO)}:{call.lineno}"


def _literal_parts(node: ast.expr) -> str:
    """The text a German expression writes itself (its string constants), placeholders left out."""
    return "".join(
        part.value for part in ast.walk(node) if isinstance(part, ast.Constant) and isinstance(part.value, str)
    )


def test_every_text_of_the_plugins_has_its_german() -> None:
    calls = [(path, call) for path in FILES for call in _text_calls(path)]
    missing = [_where(path, call) for path, call in calls if _german(call) is None]
    assert not missing, "Text(...) without others={'de': ...}:\n" + "\n".join(missing)
    assert len(calls) >= AT_LEAST, f"only {len(calls)} Text(...) calls found in {len(FILES)} files"


def test_german_texts_quote_the_german_way() -> None:
    calls = [(path, call) for path in FILES for call in _text_calls(path)]
    french = [
        _where(path, call)
        for path, call in calls
        if (german := _german(call)) is not None and any(mark in _literal_parts(german) for mark in "«»")
    ]
    assert not french, "German text quoting with « »:\n" + "\n".join(french)


def test_the_demo_notes_read_in_german(tmp_path: Path) -> None:
    demo = FIXTURES / "demo"
    result = run("score", demo, "-o", tmp_path / "r.json", "--force", "--lang", "de", cwd=tmp_path, lang="de")
    assert result.code == 0, result
    shown = result.out + result.err
    assert "Hinweis: surveys/clients.csv: 600 Zeilen, 3 Standorte" in shown, result
    assert "Hinweis: surveys/collaborateurs.xlsx: 80 Zeilen, 3 Standorte" in shown, result
    assert " rows" not in shown and " sites" not in shown, result


def _de(text: Text) -> str:
    german = dict(text.others).get("de")
    assert german is not None, f"no German for {text.en!r}"
    return german


@pytest.mark.parametrize(
    ("rows", "sites", "expected"),
    [
        (1, 1, "export.csv: 1 Zeile, 1 Standort"),
        (600, 3, "export.csv: 600 Zeilen, 3 Standorte"),
    ],
)
def test_a_file_read_counts_rows_and_sites_in_german(rows: int, sites: int, expected: str) -> None:
    text = surveys.file_read("export.csv", rows, sites)
    assert _de(text) == expected
    assert text.get("de") == expected


def test_the_filter_note_counts_in_german() -> None:
    one = surveys.file_read_filtered("e.csv", 1, 1, 1, "Statut", True, ["Complet"])
    many = surveys.file_read_filtered("e.csv", 41, 2, 3, "Statut", False, ["Abandon", ""])
    assert _de(one) == (
        "e.csv: 1 Zeile, 1 Standort, 1 Zeile vom Filter ausgeschlossen („Statut“ ungleich „Complet“)"
    )
    assert _de(many) == (
        "e.csv: 41 Zeilen, 2 Standorte, 3 Zeilen vom Filter ausgeschlossen "
        "(„Statut“ gleich „Abandon“ oder leer)"
    )
    assert many.en == "e.csv: 41 rows, 2 sites, 3 rows left out by the filter ('Statut' 'Abandon' or blank)"


def test_cells_and_columns_are_counted_in_german() -> None:
    assert _de(surveys.row_width(1, 3, ";", None)) == "1 Zelle, während die Kopfzeile 3 hat (Trennzeichen „;“)"
    assert _de(surveys.row_width(5, 3, ",", "\t")) == (
        "5 Zellen, während die Kopfzeile 3 hat (Trennzeichen „,“): "
        "die Zeile scheint durch Tabulator getrennt zu sein"
    )
    assert _de(surveys.header_gaps_hint(1)).startswith("1 Spalte ohne Spaltenüberschrift: ")
    assert _de(surveys.header_gaps_hint(4)).startswith("4 Spalten ohne Spaltenüberschrift: ")
    assert _de(surveys.header_rows_past_the_end(2)).startswith("der Kopfbereich sollte 2 Zeilen umfassen")


def test_the_grid_messages_read_in_german() -> None:
    assert _de(onsite.unknown_criterion("A.9", "en16880", None)) == "unbekanntes Kriterium „A.9“ im Schema en16880"
    assert _de(onsite.unknown_criterion("A.9", "en16880", "A.1")) == (
        "unbekanntes Kriterium „A.9“ im Schema en16880; meinten Sie „A.1“?"
    )
    assert _de(onsite.level_text_off_scale("0, 1, 2, 3", "deux")) == (
        "erwartet wird eine der Stufen 0, 1, 2, 3, erhalten: „deux“"
    )
    assert _de(onsite.level_off_scale("", "7")) == "keine Stufe möglich (die Quelle hat keine Skala), erhalten: 7"
    assert _de(onsite.wrong_header("Niveau / Level", "")) == (
        "erwartet wird die Spaltenüberschrift „Niveau / Level“, die Zelle ist leer"
    )


def test_the_closest_header_names_its_characters_in_german() -> None:
    text = surveys.header_not_found_closest("Q'1", "Q’1", "B", 2, "'", "’")
    assert _de(text) == (
        "Spaltenüberschrift „Q'1“ nicht in der Datei gefunden; am nächsten kommt „Q’1“ (Spalte B), "
        "die sich an Zeichenposition 2 unterscheidet: „’“ U+2019 RIGHT SINGLE QUOTATION MARK, "
        "wo das Audit „'“ U+0027 APOSTROPHE hat"
    )
    assert _de(surveys.header_not_found_closest("Q1", "Q", "A", 2, "1", "")).endswith(
        "das Ende des Textes, wo das Audit „1“ U+0031 DIGIT ONE hat"
    )
