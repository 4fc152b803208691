"""What the CSV and XLSX readers share: a header and a stream of numbered rows.

A reader yields rows one at a time and never keeps them, so reading a survey export takes the
same memory whatever its number of respondents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from attrs import frozen

from labelaudit import clean_cell, combine_header, is_blank

__all__ = ["Table", "clean_header", "combine_header", "is_blank"]


@frozen
class Table:
    """An opened export: its header row, the rows below it, and how to name a cell."""

    header_row: int  # as a spreadsheet user sees it (1-based)
    header: tuple[str, ...]  # each header cell, spaces collapsed; "" for a blank cell
    rows: Iterator[tuple[int, Sequence[object]]]  # (row number, cells)
    place: Callable[[int, int, str], str]  # (row number, 0-based column, header) → where
    delimiter: str | None = None  # CSV: every record must have as many cells as the header


def clean_header(value: object) -> str:
    """A header cell as compared (labelaudit's `clean_cell`)."""
    return clean_cell(value)
