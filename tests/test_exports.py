"""labelaudit.exports: the public helpers evidence plugins read their exports with."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from pathlib import Path

import pytest
from attrs import frozen

from labelaudit import (
    InputError,
    cell_place,
    clean_cell,
    column_letter,
    detect_encoding,
    file_problem,
    is_blank,
    open_csv_export,
    row_place,
    rows_place,
    sheet_place,
    sniff_delimiter,
    structure,
    where,
)
from labelaudit.exports import _CHUNK
from labelaudit.i18n import set_lang
from labelaudit.model import Lang, Text


def test_encoding_skips_ascii_blocks_but_not_a_cut_sequence(tmp_path: Path) -> None:
    """ASCII blocks are valid in both encodings; a UTF-8 sequence cut by one is not completed after it."""
    path = tmp_path / "c.csv"
    path.write_bytes(b"a" * (_CHUNK - 1) + b"\xc3" + b"b" * _CHUNK + b"\xa9\n")  # Ã, ASCII, © in Windows-1252
    assert detect_encoding(path, "c.csv") == "cp1252"
    path.write_bytes(b"a" * (_CHUNK - 1) + "é".encode() + b"b" * _CHUNK + "é\n".encode())
    assert detect_encoding(path, "c.csv") == "utf-8-sig"


@pytest.mark.parametrize(
    ("data", "where"),
    [(b"a,b\n1,\x81\n", "byte 6"), (b"a\x00b\n", "byte 1")],
    ids=["undefined in cp1252", "NUL (UTF-16)"],
)
def test_unreadable_encoding_is_placed_at_its_byte(tmp_path: Path, data: bytes, where: str) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(data)
    with pytest.raises(InputError) as error:
        detect_encoding(path, "c.csv")
    assert str(error.value) == f"c.csv: {where}: unrecognised encoding (expected UTF-8 or Windows-1252)"


def test_open_csv_export_finds_the_header_and_numbers_rows(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("\n\nAgence;\"Q1  -\n Accueil\"\nLyon;4\n\nGrenoble;5\n".encode("cp1252"))
    with open_csv_export(path, "c.csv") as export:
        assert (export.header_row, export.header, export.delimiter) == (3, ("Agence", "Q1 - Accueil"), ";")
        assert list(export.records) == [(4, ["Lyon", "4"]), (5, []), (6, ["Grenoble", "5"])]


def test_an_empty_export_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"\xef\xbb\xbf\n \n")
    with pytest.raises(InputError) as error, open_csv_export(path, "c.csv"):
        pass
    assert str(error.value) == "c.csv: the file is empty"


def test_places_and_cells() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert sniff_delimiter("a;b;c,d") == ";" and sniff_delimiter("a\tb") == "\t" and sniff_delimiter("ab") == ","
    assert clean_cell(" Q1 -\n  Accueil ") == "Q1 - Accueil" and clean_cell(3.0) == "3" and clean_cell(None) == ""
    assert is_blank(["", " ", None]) and not is_blank(["", "x"])


def in_lang(lang: Lang, make: Callable[[], object]) -> object:
    """`make()` in `lang`, in a copied context: the other tests keep their language."""

    def run() -> object:
        set_lang(lang)
        return make()

    return contextvars.copy_context().run(run)


PLACES: dict[str, tuple[Callable[[], object], str, str]] = {
    "cell": (lambda: cell_place(12, 3, "Arrivée"), "row 12, column 'Arrivée' (D)", "ligne 12, colonne « Arrivée » (D)"),
    "row": (lambda: row_place(2), "row 2", "ligne 2"),
    "rows": (lambda: rows_place(1, 20), "rows 1-20", "lignes 1 à 20"),
    "sheet": (lambda: sheet_place("lyon"), "sheet 'lyon'", "feuille « lyon »"),
    "sheet cell": (lambda: sheet_place("lyon", "E2"), "cell lyon!E2", "cellule lyon!E2"),
    "sheet cell with header": (
        lambda: sheet_place("'Export 1'", "B4", "Q1"), "cell 'Export 1'!B4, column 'Q1'", "cellule 'Export 1'!B4, colonne « Q1 »"
    ),
    "key without a line": (lambda: where(None, "sources.customer.site"), "key sources.customer.site", "clé sources.customer.site"),
    "key at its line": (lambda: where("a = 1\n[sources.customer]\nsite = 'x'\n", "sources.customer.site"),
                        "line 3, key sources.customer.site", "ligne 3, clé sources.customer.site"),
}


@pytest.mark.parametrize("name", list(PLACES))
def test_places_are_written_in_the_users_language(name: str) -> None:
    make, english, french = PLACES[name]
    assert (in_lang("en", make), in_lang("fr", make)) == (english, french)


@frozen
class _Options:
    site: str
    header_row: int = 1


def test_structure_places_problems_under_where_the_data_is_written() -> None:
    text = "[sources.customer]\nsite = 'lyon'\nheader_row = 'two'\n"
    with pytest.raises(InputError) as error:
        structure({"site": "lyon", "header_row": "two"}, _Options, file="audit.toml", text=text, at="sources.customer")
    [problem] = error.value.problems
    assert (problem.file, problem.where) == ("audit.toml", "line 3, key sources.customer.header_row")
    with pytest.raises(InputError) as error:
        structure({"header_row": 2}, _Options, file="audit.toml", at="sources.customer")
    assert [p.where for p in error.value.problems] == ["key sources.customer.site"]


def test_the_file_problems_every_plugin_shares() -> None:
    assert file_problem("missing") == Text(fr="fichier introuvable", en="file not found")
    assert file_problem("unreadable", "Permission denied") == Text(
        fr="fichier illisible : Permission denied", en="cannot read the file: Permission denied"
    )
    assert file_problem("empty") == Text(fr="le fichier est vide", en="the file is empty")
