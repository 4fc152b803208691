"""What the CSV and XLSX readers share: a header and a stream of numbered rows.

A reader yields rows one at a time and never keeps them, so reading a survey export takes the
same memory whatever its number of respondents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from attrs import frozen

EMPTY = "the file is empty"


@frozen
class Table:
    """An opened export: its header row, the rows below it, and how to name a cell."""

    header_row: int  # as a spreadsheet user sees it (1-based)
    header: tuple[str, ...]  # each header cell, spaces collapsed; "" for a blank cell
    rows: Iterator[tuple[int, Sequence[object]]]  # (row number, cells)
    place: Callable[[int, int, str], str]  # (row number, 0-based column, header) → where


def clean_header(value: object) -> str:
    """A header cell as compared: exports wrap long headers over lines and pad them."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column: 0 → A, 26 → AA."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def is_blank(cells: Sequence[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)
