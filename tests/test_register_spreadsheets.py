"""The register's exports as spreadsheets open them: CSV in the reader's convention, XLSX typed.

Read back as a spreadsheet would: the csv module with the dialect's separator, openpyxl for
the workbook; values, the byte-order mark, cell types and formula safety checked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import openpyxl

from committee_helpers import Desk, copy, desk  # noqa: F401  (fixture)
from labelaudit.record import dumps

BOM = "\ufeff"


def _registered(tmp_path: Path, desk: Desk, cli: Any) -> tuple[Path, Path]:
    """The demo record decided by the committee, and a record whose organisation reads as a
    formula (`=HYPERLINK(…)`), both in the register."""
    demo = copy(tmp_path, "demo")
    desk.decide(demo)
    hostile = json.loads(copy(tmp_path, "capped").read_text("utf-8"))
    hostile["audit"]["organisation"] = '=HYPERLINK("http://x.invalid","clic")'
    capped = tmp_path / "hostile.json"
    capped.write_text(dumps(hostile), "utf-8")
    for record in (demo, capped):
        assert cli("register", "add", record, "--register", desk.db)[0] == 0
    return demo, capped


def _rows(text: str, delimiter: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_a_french_reader_gets_semicolons_a_decimal_comma_and_a_bom(tmp_path: Path, desk: Desk, cli: Any) -> None:
    _registered(tmp_path, desk, cli)
    target = tmp_path / "registre.csv"
    code, out, err = cli("register", "export", "--csv", target, "--register", desk.db, "--lang", "fr")
    assert (code, err) == (0, ""), out
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads it as UTF-8
    text = raw.decode("utf-8")
    assert text.splitlines()[0].startswith(BOM + "audit_id;organisation;scope;")
    rows = {r["audit_id"]: r for r in _rows(text.removeprefix(BOM), ";")}
    demo = rows["2026-MTR-001"]
    assert demo["proposed_points"] == "733,9" and demo["decided_on"] == "2026-11-20"
    assert (demo["status"], demo["final_level"], demo["reviews"]) == ("granted", "confirme", "5")
    assert demo["scope"].count(",") == 2  # a comma inside a cell is the text's, not a separator
    hostile = next(r for k, r in rows.items() if k != "2026-MTR-001")
    assert hostile["organisation"] == '\'=HYPERLINK("http://x.invalid","clic")'  # inert in a spreadsheet


def test_an_english_reader_gets_commas_and_a_decimal_point_and_the_dialect_can_be_forced(
    tmp_path: Path, desk: Desk, cli: Any
) -> None:
    _registered(tmp_path, desk, cli)
    english, forced = tmp_path / "register.csv", tmp_path / "forced.csv"
    assert cli("register", "export", "--csv", english, "--register", desk.db)[0] == 0
    assert cli("register", "export", "--csv", forced, "--csv-dialect", "en", "--register", desk.db, "--lang", "fr")[0] == 0
    for path in (english, forced):
        text = path.read_text("utf-8")
        assert not text.startswith(BOM)
        demo = next(r for r in _rows(text, ",") if r["audit_id"] == "2026-MTR-001")
        assert demo["proposed_points"] == "733.9"
    assert english.read_bytes() == forced.read_bytes()
    french = tmp_path / "fr.csv"
    assert cli("register", "export", "--csv", french, "--csv-dialect", "fr", "--register", desk.db)[0] == 0
    assert french.read_bytes().startswith(b"\xef\xbb\xbf") and "733,9" in french.read_text("utf-8")


def test_a_german_reader_gets_the_convention_of_a_decimal_comma(tmp_path: Path, desk: Desk, cli: Any) -> None:
    """German writes a decimal comma, so its spreadsheets read `;`: the French convention, not
    the English one the German export used to get."""
    _registered(tmp_path, desk, cli)
    german, french = tmp_path / "register.de.csv", tmp_path / "register.fr.csv"
    assert cli("register", "export", "--csv", german, "--register", desk.db, "--lang", "de")[0] == 0
    assert cli("register", "export", "--csv", french, "--register", desk.db, "--lang", "fr")[0] == 0
    assert german.read_bytes() == french.read_bytes()
    demo = next(r for r in _rows(german.read_text("utf-8").removeprefix(BOM), ";") if r["audit_id"] == "2026-MTR-001")
    assert demo["proposed_points"] == "733,9"


def test_the_convention_follows_the_language_s_decimal_mark() -> None:
    from labelaudit.committee.spreadsheets import DIALECTS, dialect_for

    assert [dialect_for(lang) for lang in ("fr", "de", "it", "de_AT", "fr_CA")] == [DIALECTS["fr"]] * 5
    assert [dialect_for(lang) for lang in ("en", "en_GB", "xx", "not a locale")] == [DIALECTS["en"]] * 4
    assert dialect_for("de", "en") == DIALECTS["en"]


def test_the_register_as_an_xlsx_workbook_with_typed_cells(tmp_path: Path, desk: Desk, cli: Any) -> None:
    _registered(tmp_path, desk, cli)
    target = tmp_path / "register.xlsx"
    code, out, err = cli("register", "export", "--xlsx", target, "--register", desk.db)
    assert (code, err) == (0, ""), out
    assert out == f"2 record(s) exported: {target}\n"
    sheet = openpyxl.load_workbook(target).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["audit_id", "organisation", "scope"]
    rows = [dict(zip(header, (c for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    demo = next(r for r in rows if r["audit_id"].value == "2026-MTR-001")
    assert demo["proposed_points"].value == 733.9 and demo["proposed_points"].data_type == "n"
    assert demo["reviews"].value == 5 and isinstance(demo["validity_years"].value, int)
    assert demo["decided_on"].is_date and demo["decided_on"].value.date() == dt.date(2026, 11, 20)
    assert demo["final_member"].value == "pmartin"
    hostile = next(r for r in rows if r["audit_id"].value != "2026-MTR-001")
    cell = hostile["organisation"]
    assert cell.value == '=HYPERLINK("http://x.invalid","clic")'  # the text as it is, not a formula
    assert cell.data_type == "s" and cell.quotePrefix


def test_export_needs_a_target_and_never_writes_over_without_force(tmp_path: Path, desk: Desk, cli: Any) -> None:
    _registered(tmp_path, desk, cli)
    code, out, err = cli("register", "export", "--register", desk.db)
    assert (code, out) == (2, "") and err == "error: --csv: give --csv FILE, --xlsx FILE or both\n"
    target = tmp_path / "register.xlsx"
    target.write_bytes(b"kept")
    code, _, err = cli("register", "export", "--xlsx", target, "--register", desk.db)
    assert code == 2 and "already exists: nothing was written" in err and target.read_bytes() == b"kept"
    assert cli("register", "export", "--xlsx", target, "--register", desk.db, "--force")[0] == 0
    assert openpyxl.load_workbook(target).active.max_row == 3
