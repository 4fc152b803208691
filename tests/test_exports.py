"""labelaudit.exports: the public helpers evidence plugins read their exports with."""

from __future__ import annotations

import contextvars
import os
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


def working(text: Text) -> tuple[str, str]:
    """A message's French and English: the working languages every message has."""
    return text.fr, text.en


def test_the_file_problems_every_plugin_shares() -> None:
    assert working(file_problem("missing")) == ("fichier introuvable", "file not found")
    assert working(file_problem("unreadable", "Permission denied")) == (
        "fichier illisible : Permission denied", "cannot read the file: Permission denied"
    )
    assert working(file_problem("empty")) == ("le fichier est vide", "the file is empty")
    assert file_problem("missing").get("de") == "Datei nicht gefunden"  # and every other catalog's


# --- Repeated problems, XLSX archives, formula injection (issue 10) ----------------------------


def test_a_problem_repeated_down_a_column_is_one_message() -> None:
    from labelaudit import ProblemCollector, cell_place, row_place, sheet_place

    problems = ProblemCollector(max_errors=3)
    for row in range(2, 763):
        problems.add("c.csv", cell_place(row, 3, "Arrivée"), "bad")
    problems.add("c.csv", cell_place(5, 3, "Arrivée"), "other")  # another message
    problems.add("c.csv", sheet_place("lyon", "E2", "Niveau"), "x")
    problems.add("c.csv", sheet_place("lyon", "E9", "Niveau"), "x")  # the limit is reached, but grouped
    problems.add("c.csv", cell_place(900, 3, "Arrivée"), "bad", count=10)  # still grouped, counted
    assert [(p.where, p.what) for p in problems.problems] == [
        ("rows 2, 3, 4 … and 768 more, column 'Arrivée' (D)", "bad"),
        ("row 5, column 'Arrivée' (D)", "other"),
        ("cells lyon!E2, E9, column 'Niveau'", "x"),
    ]
    assert problems.dropped == 0 and problems.room == 0
    problems.add("c.csv", row_place(4), "new")
    assert problems.dropped == 1


def test_repeated_places_in_french() -> None:
    from labelaudit import ProblemCollector, cell_place, sheet_place

    def build() -> list[str]:
        problems = ProblemCollector()
        for row in (2, 5, 9, 11, 12):
            problems.add("c.csv", cell_place(row, 22, "Q17"), "bad")
            problems.add("g.xlsx", sheet_place("lyon", f"E{row}"), "bad")
        return [p.where for p in problems.problems]

    assert in_lang("fr", build) == [
        "lignes 2, 5, 9 … et 2 autres, colonne « Q17 » (W)", "cellules lyon!E2, E5, E9 … et 2 autres",
    ]


def test_a_collector_merged_into_another_keeps_rows_and_counts() -> None:
    from labelaudit import ProblemCollector, cell_place

    apart, main = ProblemCollector(), ProblemCollector()
    main.add("a.csv", cell_place(2, 0, "Q1"), "bad")
    for row in (3, 4, 5, 6):
        apart.add("a.csv", cell_place(row, 0, "Q1"), "bad")
    apart.add("a.csv", "", "whole file")
    main.merge(apart)
    assert [p.where for p in main.problems] == ["rows 2, 3, 4 … and 2 more, column 'Q1' (A)", ""]


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def archive_problem(path: Path) -> tuple[str, str]:
    from labelaudit import check_xlsx_archive

    with pytest.raises(InputError) as caught:
        check_xlsx_archive(path, "w.xlsx")
    (problem,) = caught.value.problems
    return problem.where, str(problem.what.en if isinstance(problem.what, Text) else problem.what)


def test_check_xlsx_archive_refuses_a_zip_bomb_and_what_is_no_zip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from labelaudit import check_xlsx_archive
    from labelaudit import exports

    check_xlsx_archive(Path("fixtures/demo/grid.xlsx"))  # a real workbook passes
    bomb = write_zip(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": b"\0" * (20 << 20)})
    assert archive_problem(bomb) == (
        "archive member xl/worksheets/sheet1.xml",
        f"member declared to inflate from 0 MiB to 20 MiB, more than 200 times: a zip bomb, refused without inflating it",
    )
    many = write_zip(tmp_path / "many.xlsx", {f"m{i}": b"x" for i in range(12)})
    monkeypatch.setattr(exports, "MAX_XLSX_MEMBERS", 10)
    assert archive_problem(many)[1] == "the archive holds 12 members, more than the 10 a workbook can sensibly have"
    monkeypatch.setattr(exports, "MAX_XLSX_MEMBER_BYTES", 1 << 20)
    big = write_zip(tmp_path / "big.xlsx", {"a": os.urandom(2 << 20)})
    assert archive_problem(big)[1].startswith("member declared to inflate to 2 MiB, past the limit of 1 MiB")
    monkeypatch.setattr(exports, "MAX_XLSX_TOTAL_BYTES", 3 << 20)
    total = write_zip(tmp_path / "total.xlsx", {"a": os.urandom(900_000), "b": os.urandom(900_000), "c": os.urandom(900_000), "d": os.urandom(900_000)})
    assert archive_problem(total) == ("", "the archive inflates to 3 MiB in all, past the limit of 3 MiB: refused without inflating it")
    (tmp_path / "text.xlsx").write_text("a;b\n", encoding="utf-8")
    assert archive_problem(tmp_path / "text.xlsx")[1].startswith("not an XLSX workbook")
    (tmp_path / "cut.xlsx").write_bytes(Path("fixtures/demo/grid.xlsx").read_bytes()[:3000])
    assert archive_problem(tmp_path / "cut.xlsx")[1].startswith("damaged zip archive (")
    assert archive_problem(tmp_path / "absent.xlsx") == ("", "file not found")


@pytest.mark.parametrize(
    ("typed", "exported"),
    [
        ("Q1 - Accueil de l'agence", "Q1 – Accueil de l’agence"),
        ("Votre avis : la clarté ?", "Votre avis\u202f: la clarté\u00a0?"),
        ("NPS", "nps"),
        ("Délai", "De\u0301lai"),  # the accent composed or decomposed
        ("Recommandation", "Recom\u00admandation\u200b"),
        ("« Conseil »", '" Conseil "'),
    ],
)
def test_fold_header_matches_what_tools_substitute(typed: str, exported: str) -> None:
    from labelaudit import fold_header

    assert fold_header(typed) == fold_header(exported)


def test_fold_header_keeps_what_differs() -> None:
    from labelaudit import fold_header

    assert fold_header("Q1 Accueil") != fold_header("Q11 Accueil")
    assert fold_header("l'agence") != fold_header("lagence")
