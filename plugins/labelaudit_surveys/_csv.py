"""Reading a CSV export row by row, through labelaudit's public export helpers.

The columnar reader (`_columnar`) is the fast path; this row reader is its reference and its
fallback for the files Polars could read differently from Python's csv module.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from labelaudit import InputError, cell_place, open_csv_export, row_place

from labelaudit_surveys import _messages as msg
from labelaudit_surveys._table import Table, combine_header


@contextmanager
def open_csv(
    path: Path, file: str, delimiter: str | None, header_rows: int = 1, match_row: int | None = None
) -> Iterator[Table]:
    """Open a CSV export; its header is the first non-blank line (and the `header_rows - 1`
    records below it, combined by `combine_header`), numbered from 1."""
    with open_csv_export(path, file, delimiter) as export:
        rows: list[Sequence[object]] = [export.header]
        for _ in range(header_rows - 1):
            record = next(export.records, None)
            if record is None:
                raise InputError.at(file, row_place(export.header_row), msg.header_rows_past_the_end(header_rows))
            rows.append(record[1])
        header = combine_header(rows, match_row) if header_rows > 1 else export.header
        number = export.header_row + (match_row - 1 if match_row else 0)
        yield Table(number, header, export.records, cell_place, export.delimiter)
