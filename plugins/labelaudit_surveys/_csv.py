"""Reading a CSV export row by row, through labelaudit's public export helpers.

The columnar reader (`_columnar`) is the fast path; this row reader is its reference and its
fallback for the files Polars could read differently from Python's csv module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from labelaudit import cell_place, open_csv_export

from labelaudit_surveys._table import Table


@contextmanager
def open_csv(path: Path, file: str, delimiter: str | None) -> Iterator[Table]:
    """Open a CSV export; its header is the first non-blank line, numbered from 1."""
    with open_csv_export(path, file, delimiter) as export:
        yield Table(export.header_row, export.header, export.records, cell_place, export.delimiter)
