"""The header of a survey source's exports, and nothing else: `map` reads no answer."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from labelaudit.errors import InputError
from labelaudit.exports import clean_cell, combine_header, file_problem, fold_header, is_blank, open_csv_export, open_xlsx_workbook
from labelaudit.i18n import tr

XLSX = (".xlsx", ".xlsm")
HEADER_SEARCH_ROWS = 20  # as the survey reader: a header below the 20th row is not looked for
MAX_HEADER_ROWS = 10  # as the survey reader: no export spreads its header over more rows


class BadHeaderOption(Exception):
    """A header option of the source that is not what the survey reader accepts; the caller,
    which knows the audit file, names its place."""

    def __init__(self, option: str, expected: str) -> None:
        super().__init__(option, expected)
        self.option, self.expected = option, expected


def header_shape(options: Mapping[str, Any]) -> tuple[int, int | None]:
    """The source's `header_rows` and `match_row`, read as the survey reader reads them so that
    what `map` proposes is what scoring will find."""
    rows, match = options.get("header_rows", 1), options.get("match_row")
    if type(rows) is not int or not 1 <= rows <= MAX_HEADER_ROWS:
        raise BadHeaderOption("header_rows", tr("map.expected_header_rows", most=MAX_HEADER_ROWS))
    if match is not None and (type(match) is not int or not 1 <= match <= rows):
        raise BadHeaderOption("match_row", tr("map.expected_match_row", rows=rows))
    return rows, match


@frozen
class ExportHeader:
    """One export's header as the survey reader will see it (`names`, what `columns` keys), and,
    for a header spread over several rows, every row's text of each column (`texts`, what `map`
    compares with the items: Qualtrics puts codes in one row and question texts in another)."""

    names: tuple[str, ...]
    texts: tuple[tuple[str, ...], ...]


def export_header(path: Path, options: Mapping[str, Any]) -> ExportHeader:
    """The header of one export: its first non-blank record (XLSX: of the `sheet` option's, or
    the first, sheet, at `header_row` if given, else the fullest of its first rows) and, with
    `header_rows`, the records below it, combined as the survey reader combines them."""
    shown = str(path)
    if not path.is_file():
        raise InputError.at(shown, "", file_problem("missing"))
    rows, match = header_shape(options)
    if path.suffix.lower() in XLSX:
        block = _xlsx_header_rows(path, shown, options.get("sheet"), options.get("header_row"), rows)
    else:
        with open_csv_export(path, shown, options.get("delimiter")) as export:
            block = [export.header, *(record for _, record in itertools.islice(export.records, rows - 1))]
    if len(block) < rows:
        raise InputError.at(shown, "", tr("map.header_rows_past_the_end", rows=rows))
    names = combine_header(block, match) if rows > 1 else tuple(clean_cell(cell) for cell in block[0])
    cells = [tuple(clean_cell(cell) for cell in row) for row in block]
    texts = tuple(tuple(row[i] for row in cells if i < len(row) and row[i]) for i in range(len(names)))
    return ExportHeader(names, texts)


def _xlsx_header_rows(path: Path, shown: str, sheet: str | None, header_row: int | None, count: int) -> list[Sequence[object]]:
    workbook = open_xlsx_workbook(path, shown)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputError.at(shown, "", file_problem("unreadable", f"no sheet {sheet!r}"))
        worksheet = workbook[sheet] if sheet is not None else (workbook.worksheets or [None])[0]
        if worksheet is None:
            raise InputError.at(shown, "", file_problem("empty"))
        first = header_row or 1
        last = (header_row or HEADER_SEARCH_ROWS) + count - 1
        rows = list(itertools.islice(worksheet.iter_rows(values_only=True), first - 1, last))
    finally:
        workbook.close()
    if all(is_blank(row) for row in rows):
        raise InputError.at(shown, "", file_problem("empty"))
    start = 0 if header_row else _fullest(rows[:HEADER_SEARCH_ROWS])
    return rows[start : start + count]


def _fullest(rows: Sequence[Sequence[object]]) -> int:
    """Where the header is when the source does not say: the first of the sheet's first rows
    with the most filled cells (the title and note rows above a header fill one or two)."""
    filled = [sum(not is_blank((cell,)) for cell in row) for row in rows]
    return filled.index(max(filled))


def source_headers(files: Sequence[Path], options: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Every export's header names, once each in the order first seen, with their texts, less
    the blank ones and those the source names in `ignore` or `site_column` (compared folded)."""
    skipped = {fold_header(str(h)) for h in options.get("ignore", ())}
    if options.get("site_column"):
        skipped.add(fold_header(str(options["site_column"])))
    seen: dict[str, tuple[str, ...]] = {}
    for path in files:
        header = export_header(path, options)
        for name, texts in zip(header.names, header.texts):
            if name and fold_header(name) not in skipped:
                seen.setdefault(name, texts)
    return seen
