"""Reading an XLSX export, streamed (`labelaudit.sheet_rows` on openpyxl's read-only workbook).

Survey tools often put a title, a date and a blank line above the header: the header row is the
one the audit names (`header_row`), or else the first of the first 20 rows that holds at least
one mapped header (compared as `labelaudit.fold_header` folds them). Rows above it are ignored.
With `header_rows`, the header is that many rows, combined by `_table.combine_header`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from labelaudit import (
    InputError, column_letter, file_problem, fold_header, open_xlsx_workbook, row_place, rows_place, sheet_place,
    sheet_rows,
)

from labelaudit_surveys import _messages as msg
from labelaudit_surveys._table import Table, clean_header, combine_header, is_blank

HEADER_SEARCH_ROWS = 20


@contextmanager
def open_xlsx(
    path: Path, file: str, sheet: str | None, header_row: int | None, wanted: Mapping[str, str],
    header_rows: int = 1, match_row: int | None = None,
) -> Iterator[Table]:
    """Open a workbook's sheet (`sheet`, or the first) and find its header row."""
    # A zip bomb, or a file that is no zip, is refused before openpyxl opens it; rows are streamed.
    workbook = open_xlsx_workbook(path, file)
    try:
        worksheet = _sheet(workbook, sheet, file)
        # Every row, whatever size the sheet declares (exporters often write a wrong one).
        rows: Iterator[tuple[int, Sequence[object]]] = enumerate(_guarded(sheet_rows(worksheet), file), start=1)
        if header_rows > 1:
            rows, (number, header) = _find_header_rows(rows, header_row, wanted, file, header_rows, match_row)
        else:
            number, header = _find_header(rows, header_row, wanted, file)
        reference = _sheet_reference(worksheet.title)
        yield Table(number, header, rows, lambda row, column, name: _place(reference, row, column, name))
    finally:
        workbook.close()


def _sheet(workbook: Any, name: str | None, file: str) -> Any:
    if name is None:
        if not workbook.worksheets:
            raise InputError.at(file, "", file_problem("empty"))
        return workbook.worksheets[0]
    if name not in workbook.sheetnames:
        raise InputError.at(file, "", msg.no_sheet(name, workbook.sheetnames))
    return workbook[name]


def _guarded(rows: Iterable[Sequence[object]], file: str) -> Iterator[Sequence[object]]:
    """The rows, with a corrupt sheet reported as bad input rather than a crash."""
    iterator = iter(rows)
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl parses lazily: a corrupt sheet fails here
            raise InputError.at(file, "", msg.not_a_workbook(exc)) from None
        yield row


def _find_header(
    rows: Iterator[tuple[int, Sequence[object]]], header_row: int | None, wanted: Mapping[str, str], file: str
) -> tuple[int, tuple[str, ...]]:
    seen_content = False
    for number, cells in rows:
        header = tuple(clean_header(cell) for cell in cells)
        seen_content = seen_content or not is_blank(cells)
        if header_row is not None:
            if number == header_row:
                return number, header
        elif wanted.keys() & {fold_header(name) for name in header}:
            return number, header
        elif number >= HEADER_SEARCH_ROWS:
            break
    if header_row is not None and seen_content:
        raise InputError.at(file, row_place(header_row), msg.header_row_past_the_end())
    if not seen_content:
        raise InputError.at(file, "", file_problem("empty"))
    raise InputError.at(file, rows_place(1, HEADER_SEARCH_ROWS), msg.no_header_row(wanted.values()))


def _find_header_rows(
    rows: Iterator[tuple[int, Sequence[object]]], header_row: int | None, wanted: Mapping[str, str], file: str,
    count: int, match_row: int | None,
) -> tuple[Iterator[tuple[int, Sequence[object]]], tuple[int, tuple[str, ...]]]:
    """A header spread over `count` rows (see `combine_header`): from `header_row`, or the first
    rows of the first 20 whose combined header holds a mapped header. Returns the rows below it."""
    seen: list[tuple[int, Sequence[object]]] = []
    last = (header_row or HEADER_SEARCH_ROWS) + count - 1
    for number, cells in rows:
        seen.append((number, cells))
        if number >= last:
            break
    if all(is_blank(cells) for _, cells in seen):
        raise InputError.at(file, "", file_problem("empty"))
    starts = [header_row] if header_row is not None else range(1, HEADER_SEARCH_ROWS + 1)
    for start in starts:
        block = [cells for number, cells in seen if start <= number < start + count]
        if len(block) < count:
            raise InputError.at(file, row_place(start), msg.header_rows_past_the_end(count))
        header = combine_header(block, match_row)
        if header_row is not None or wanted.keys() & {fold_header(name) for name in header}:
            below = [(number, cells) for number, cells in seen if number >= start + count]
            return itertools.chain(below, rows), (start + (match_row - 1 if match_row else 0), header)
    raise InputError.at(file, rows_place(1, HEADER_SEARCH_ROWS), msg.no_header_row(wanted.values()))


def _sheet_reference(title: str) -> str:
    """A sheet name as Excel writes it in a reference: quoted when it holds spaces or symbols."""
    if title and not title[0].isdigit() and all(ch.isalnum() or ch in "_." for ch in title):
        return title
    return "'" + title.replace("'", "''") + "'"


def _place(sheet: str, row: int, column: int, header: str) -> str:
    return sheet_place(sheet, f"{column_letter(column)}{row}", header)
