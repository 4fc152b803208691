"""`labelaudit.sheet_rows`: a worksheet's values exactly as openpyxl's `iter_rows(values_only=True)`
gives them (after `reset_dimensions()`), on workbooks openpyxl writes and on sheets written by hand.

openpyxl is the reference: each test reads the same sheet both ways and compares every value.
"""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from labelaudit import open_xlsx_workbook, sheet_rows
from labelaudit.errors import InputError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def both_ways(path: Path) -> tuple[list[Sequence[object]], list[Sequence[object]]]:
    """(sheet_rows, openpyxl's iter_rows) of the workbook's first sheet."""
    workbook = open_xlsx_workbook(path)
    try:
        worksheet = workbook.worksheets[0]
        ours = list(sheet_rows(worksheet))
        worksheet.reset_dimensions()
        with warnings.catch_warnings():  # openpyxl warns of an impossible date, read as #VALUE!
            warnings.simplefilter("ignore", UserWarning)
            theirs = list(worksheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    return ours, theirs


def read_all(path: Path) -> list[Sequence[object]]:
    """Every row of the workbook's first sheet by `sheet_rows` alone."""
    workbook = open_xlsx_workbook(path)
    try:
        return list(sheet_rows(workbook.worksheets[0]))
    finally:
        workbook.close()


def assert_same(path: Path) -> list[Sequence[object]]:
    ours, theirs = both_ways(path)
    assert ours == theirs
    assert [type(v) for row in ours for v in row] == [type(v) for row in theirs for v in row]
    return ours


# --- Workbooks openpyxl writes -------------------------------------------------------------------

TEXTS = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n &<>\"'"), max_size=12)
VALUES = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    TEXTS.filter(lambda s: not s.startswith("=")),
    st.sampled_from(["#N/A", "#DIV/0!", "=1+1", "Ne sait pas", " 4 ", "4.0", "1e3"]),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.times(),
    st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=900)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(st.tuples(st.integers(1, 40), st.integers(1, 12), VALUES), max_size=60),
    write_only=st.booleans(),
    mac=st.booleans(),
)
def test_every_value_openpyxl_writes_reads_the_same(
    cells: list[tuple[int, int, object]], write_only: bool, mac: bool, tmp_path: Path
) -> None:
    """Numbers, text (shared or inline), booleans, errors, formulas, dates, times and durations
    in both epochs, at random places (rows and cells left out)."""
    path = tmp_path / "w.xlsx"
    workbook = openpyxl.Workbook(write_only=write_only)
    if mac:
        workbook.epoch = CALENDAR_MAC_1904
    placed = {(row, column): value for row, column, value in cells}
    if write_only:
        sheet = workbook.create_sheet("Réponses")
        last = max((row for row, _ in placed), default=0)
        for row in range(1, last + 1):
            width = max((c for r, c in placed if r == row), default=0)
            sheet.append([placed.get((row, column)) for column in range(1, width + 1)])
    else:
        sheet = workbook.active
        for (row, column), value in placed.items():
            sheet.cell(row, column, value)
    workbook.save(path)
    assert_same(path)


def test_a_survey_export_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Enquête clients", None, None])
    sheet.append([])
    sheet.append(["Agence", "Q1 - Accueil", "Horodatage"])
    for i in range(200):
        sheet.append([f"Agence {i % 7}", i % 5 + 1 if i % 9 else "Ne sait pas", dt.datetime(2026, 3, 1, 9, i % 60)])
    workbook.save(path)
    rows = assert_same(path)
    assert rows[1] == [] and rows[2] == ("Agence", "Q1 - Accueil", "Horodatage")  # a row left out of the XML


# --- Sheets written by hand ----------------------------------------------------------------------


SHARED = (
    '<sst xmlns="{main}" count="3" uniqueCount="3"><si><t>texte</t></si>'
    '<si><r><rPr><b/></rPr><t>riche</t></r><r><t xml:space="preserve"> et simple</t></r></si>'
    '<si><t>Ne sait pas</t><rPh sb="0" eb="1"><t>ね</t></rPh></si></sst>'
).format(main=MAIN)


def with_sheet(tmp_path: Path, sheet_data: str, *, root: str = f'<worksheet xmlns="{MAIN}">', prolog: str = "") -> Path:
    """A workbook whose first sheet's XML is `root` + `sheet_data` + its end; style 1 is a
    date, style 2 a duration; shared strings 0, 1 and 2 are "texte", a rich one and one with
    a phonetic reading (openpyxl writes inline strings only: the table is added here)."""
    made = tmp_path / "made.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"] = dt.datetime(2026, 1, 1)  # style 1: a date format
    sheet["B1"] = dt.timedelta(hours=5)  # style 2: a duration
    workbook.save(made)
    path = tmp_path / "hand.xlsx"
    end = "</" + root[1:].split(" ")[0].rstrip(">") + ">"
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = ("<?xml version='1.0' encoding='UTF-8'?>" + prolog + root + sheet_data + end).encode()
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdShared" Target="sharedStrings.xml" Type='
                                    b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
                                    b"</Relationships>")
            target.writestr(item, data)
        target.writestr("xl/sharedStrings.xml", SHARED)
    return path


HAND_WRITTEN = {
    "references": '<sheetData><row r="2"><c r="C2"><v>1</v></c><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c>'
                  '<c r="D2" t="s"><v> 2 </v></c></row>'
                  '<row r="5"><c r="B5" t="b"><v>1</v></c></row></sheetData>',
    "no references": '<sheetData><row><c><v>1</v></c><c t="str"><v>x</v></c></row><row><c r="D3"><v>2.5</v></c><c><v>3</v></c></row></sheetData>',
    "inline and rich": '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c>'
                       '<c r="B1" t="inlineStr"><is><r><rPr><b/></rPr><t>gras</t></r><r><t> et </t></r><rPh sb="0" eb="1"><t>ふ</t></rPh></is></c>'
                       '<c r="C1" t="inlineStr"><is><t></t></is></c><c r="D1" t="inlineStr"/><c r="E1" t="inlineStr"><is><t>x</t><t>y</t></is></c>'
                       '<c r="F1" t="inlineStr"><is><t>avant<b/>après</t></is></c></row></sheetData>',
    "types": '<sheetData><row r="1"><c r="A1" t="e"><v>#N/A</v></c><c r="B1" t="d"><v>2026-03-01T09:30:00</v></c>'
             '<c r="C1" t="n"><v>1E3</v></c><c r="D1" s=""><v>7</v></c><c r="E1"><v></v></c><c r="F1"><f>1+1</f><v>2</v></c>'
             '<c r="G1" t="unknown"><v>z</v></c><c r="H1" t="b"><v>0</v></c></row></sheetData>',
    "dates": '<sheetData><row r="1"><c r="A1" s="1"><v>45000.5</v></c><c r="B1" s="2"><v>0.25</v></c>'
             '<c r="C1" s="1"><v>1E12</v></c><c r="D1" s="1"><v>60</v></c></row></sheetData>',
    "odd rows": '<sheetData><row r="3.0"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
                '<row r="3"><c r="A3"><v>3</v></c></row><row r="4"/><row r="6"><extLst/><c><v>4</v></c></row></sheetData>',
    "value with a child": '<sheetData><row r="1"><c r="A1"><v>5<x/>6</v><v>9</v></c></row></sheetData>',
    "cells out of order": '<sheetData><row r="1"><c r="D1"><v>1</v></c><c r="B1"><v>2</v></c></row></sheetData>',
    "lower-case reference": '<sheetData><row r="1"><c r="b1"><v>1</v></c><c r="aa1"><v>2</v></c></row></sheetData>',
}


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_a_sheet_written_by_hand_reads_the_same(name: str, tmp_path: Path) -> None:
    assert_same(with_sheet(tmp_path, HAND_WRITTEN[name]))


def test_a_prefixed_main_namespace_and_another_namespace(tmp_path: Path) -> None:
    """Elements are matched by namespace, as openpyxl's are: a prefix bound to the main
    namespace reads; rows of another namespace are none of the sheet's."""
    prefixed = with_sheet(tmp_path, '<x:sheetData><x:row r="1"><x:c r="A1"><x:v>4</x:v></x:c></x:row></x:sheetData>',
                          root=f'<x:worksheet xmlns:x="{MAIN}">')
    assert assert_same(prefixed) == [(4,)]
    other = with_sheet(tmp_path, '<sheetData><row r="1"><c r="A1"><v>4</v></c></row></sheetData>',
                       root='<worksheet xmlns="http://example.org/other">')
    assert assert_same(other) == []


@pytest.mark.parametrize("sheet_data", [
    '<sheetData><row r="1"><c r="A1" t="s"><v>99</v></c></row></sheetData>',  # no such shared string
    '<sheetData><row r="1"><c r="1A"><v>1</v></c></row></sheetData>',  # not a reference
    '<sheetData><row r="1.5"><c><v>1</v></c></row></sheetData>',  # not a row number
    '<sheetData><row r="1"><c r="A1"><v>x</v></c></row></sheetData>',  # a number that is none
    '<sheetData><row r="1"><c r="A1" s="z"><v>1</v></c></row></sheetData>',  # not a style
    '<sheetData><row r="1"><c r="A1"><v>1</v></c></sheetData>',  # not XML
])
def test_a_broken_sheet_fails_as_openpyxl_does(sheet_data: str, tmp_path: Path) -> None:
    path = with_sheet(tmp_path, sheet_data)
    workbook = open_xlsx_workbook(path)
    try:
        worksheet = workbook.worksheets[0]
        with pytest.raises(Exception) as ours:
            list(sheet_rows(worksheet))
        worksheet.reset_dimensions()
        with pytest.raises(Exception):
            list(worksheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    assert not isinstance(ours.value, (AssertionError, InputError))  # the plugin words it (`_guarded`)


def test_a_negative_shared_string_index_is_refused(tmp_path: Path) -> None:
    """openpyxl reads index -1 as the table's last string, another cell's text; it is refused."""
    path = with_sheet(tmp_path, '<sheetData><row r="1"><c r="A1" t="s"><v>-1</v></c></row></sheetData>')
    workbook = open_xlsx_workbook(path)
    try:
        worksheet = workbook.worksheets[0]
        with pytest.raises(IndexError):
            list(sheet_rows(worksheet))
        worksheet.reset_dimensions()
        assert list(worksheet.iter_rows(values_only=True)) == [("Ne sait pas",)]  # openpyxl's reading
    finally:
        workbook.close()


def test_a_row_past_excel_s_last_is_refused_and_the_last_is_reached_in_flat_memory(tmp_path: Path) -> None:
    """A sheet that jumps to row 1,048,576 gives its empty rows one at a time; one that names a
    row past it (openpyxl would give a billion empty rows) is refused."""
    import tracemalloc

    last = with_sheet(tmp_path, '<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
                                '<row r="1048576"><c r="A1048576"><v>2</v></c></row></sheetData>')
    workbook = open_xlsx_workbook(last)
    try:
        tracemalloc.start()
        count, final = 0, None
        for row in sheet_rows(workbook.worksheets[0]):
            count, final = count + 1, row
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    finally:
        workbook.close()
    assert (count, final) == (1_048_576, (2,))
    assert peak < 5_000_000  # a million empty rows held at once would take tens of megabytes
    past = with_sheet(tmp_path, '<sheetData><row r="1048577"><c><v>1</v></c></row></sheetData>')
    with pytest.raises(ValueError, match="past Excel's last row"):
        read_all(past)


def test_a_sheet_with_a_document_type_is_refused(tmp_path: Path) -> None:
    """No entity of a DTD is expanded (a billion laughs): a sheet declaring one is refused."""
    laughs = ('<!DOCTYPE worksheet [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    path = with_sheet(tmp_path, '<sheetData><row r="1"><c r="A1" t="str"><v>&c;</v></c></row></sheetData>',
                      prolog=laughs)
    with pytest.raises(ValueError, match="document type"):
        read_all(path)


def test_wide_rows_are_laid_out_one_at_a_time(tmp_path: Path) -> None:
    """Thousands of rows whose one cell is in column ZZZ (18,278 wide each) fit in a block of the
    sheet's XML: each is laid out as it is given, never a block's worth held at once."""
    import tracemalloc

    rows = "".join(f'<row r="{i}"><c r="ZZZ{i}"><v>1</v></c></row>' for i in range(1, 3001))
    workbook = open_xlsx_workbook(with_sheet(tmp_path, f"<sheetData>{rows}</sheetData>"))
    try:
        tracemalloc.start()
        widths = {len(row) for row in sheet_rows(workbook.worksheets[0])}
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    finally:
        workbook.close()
    assert widths == {18_278}
    assert peak < 10_000_000  # a block's rows laid out together would be hundreds of megabytes


def test_the_sheet_is_read_a_block_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows come out as their blocks are parsed: the first row is there before the sheet is read."""
    import labelaudit.xlsx_rows

    path = tmp_path / "long.xlsx"
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Réponses")
    for i in range(5000):
        sheet.append([i, f"Agence {i % 9}", 4])
    workbook.save(path)
    monkeypatch.setattr(labelaudit.xlsx_rows, "BLOCK", 4096)
    opened = open_xlsx_workbook(path)
    try:
        worksheet = opened.worksheets[0]
        with worksheet.parent._archive.open(worksheet._worksheet_path) as whole:
            size = len(whole.read())
        rows = sheet_rows(worksheet)
        assert next(rows) == (0, "Agence 0", 4)
        assert rows.gi_frame is not None and size > 10 * 4096  # a generator part-way through a long sheet
        assert sum(1 for _ in rows) == 4999
    finally:
        opened.close()
