"""Reading spreadsheet exports as evidence plugins need them: public helpers.

Survey tools, queue systems and complaint desks export CSV in UTF-8 (often with a byte-order
mark) or, on French Windows set-ups, in Windows-1252 with semicolons. These helpers find the
encoding in one streaming pass over the bytes before any row is read (a file is never decoded
halfway and restarted), stream the records with the row numbers a spreadsheet user sees, and
name cells the same way in every plugin: `row 12, column 'Arrivée' (D)` (in French,
`ligne 12, colonne « Arrivée » (D)`).
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from attrs import frozen

from labelaudit.errors import InputError
from labelaudit.i18n import both, tr
from labelaudit.model import Text



def file_problem(kind: Literal["missing", "unreadable", "empty"], detail: str = "") -> Text:
    """What every plugin says of a file it cannot read (`detail`: the system's reason)."""
    return both(f"file.{kind}", detail=detail)


EMPTY = file_problem("empty")
ENCODING = both("file.encoding")
_CHUNK = 1 << 16
_DELIMITERS = (",", ";", "\t")


def detect_encoding(path: Path, file: str) -> str:
    """`utf-8-sig` if every byte is valid UTF-8, else `cp1252` if valid there, else InputError.

    NUL bytes mean UTF-16 or a binary file: neither encoding is right even if they decode.
    """
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, cp1252_error, offset = True, None, 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if (nul := chunk.find(b"\0")) >= 0:
                raise InputError.at(file, tr("place.byte", byte=offset + nul), ENCODING)
            if chunk.isascii() and not utf8.getstate()[0]:  # valid in both, and no sequence was cut
                offset += len(chunk)
                continue
            is_utf8 = is_utf8 and _decodes(utf8, chunk)
            if cp1252_error is None:
                cp1252_error = _cp1252_error(chunk, offset)
            if not is_utf8 and cp1252_error is not None:
                break
            offset += len(chunk)
    if is_utf8 and _decodes(utf8, b"", final=True):
        return "utf-8-sig"
    if cp1252_error is None:
        return "cp1252"
    raise InputError.at(file, tr("place.byte", byte=cp1252_error), ENCODING)


def _decodes(decoder: codecs.IncrementalDecoder, chunk: bytes, final: bool = False) -> bool:
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError:
        return False
    return True


def _cp1252_error(chunk: bytes, offset: int) -> int | None:
    """The offset of the first byte undefined in Windows-1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D)."""
    try:
        chunk.decode("cp1252")
    except UnicodeDecodeError as exc:
        return offset + exc.start
    return None


def sniff_delimiter(line: str) -> str:
    """The most frequent of comma, semicolon and tab in the header line; comma on a tie."""
    return max(_DELIMITERS, key=line.count)


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column: 0 → A, 26 → AA."""
    letters, number = "", index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_place(row: int, column: int, header: str) -> str:
    """Where a cell is, in the user's language: `row 12, column 'Arrivée' (D)` or
    `ligne 12, colonne « Arrivée » (D)` (row 1-based, column 0-based).

    For problems only: a language-dependent text never enters a decision record.
    """
    return tr("place.cell", row=row, header=header, letter=column_letter(column))


def row_place(row: int) -> str:
    """`row 12` / `ligne 12`: a record of an export, numbered as a spreadsheet user sees it."""
    return tr("place.row", row=row)


def rows_place(first: int, last: int) -> str:
    """`rows 1-20` / `lignes 1 à 20`."""
    return tr("place.rows", first=first, last=last)


def sheet_place(sheet: str, cell: str | None = None, header: str | None = None) -> str:
    """A workbook place: `sheet 'lyon'`, `cell lyon!E2`, or `cell lyon!E2, column 'Niveau'`
    (`feuille « lyon »`, `cellule lyon!E2`, `cellule lyon!E2, colonne « Niveau »` in French)."""
    if cell is None:
        return tr("place.sheet", sheet=sheet)
    if header is None:
        return tr("place.sheet_cell", sheet=sheet, cell=cell)
    return tr("place.sheet_cell_header", sheet=sheet, cell=cell, header=header)


def clean_cell(value: object) -> str:
    """A header or cell as compared: exports wrap long headers over lines and pad them."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def is_blank(cells: Sequence[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def leading_lines(lines: Iterable[str]) -> Iterator[str]:
    """The lines up to and including the first one that is not blank (it holds the header)."""
    for line in lines:
        yield line
        if line.strip():
            return


def csv_records(lines: Iterable[str], delimiter: str, file: str) -> Iterator[Sequence[str]]:
    """The CSV records of `lines`; a malformed one is an InputError at its row."""
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:  # an over-long field, a stray quote
        what = Text(fr=f"CSV illisible : {exc}", en=f"unreadable CSV: {exc}")
        raise InputError.at(file, tr("place.row", row=reader.line_num), what) from None


@frozen
class CsvExport:
    """An opened CSV export: its header (on row `header_row`) and the numbered records below."""

    header_row: int
    header: tuple[str, ...]
    records: Iterator[tuple[int, Sequence[str]]]
    delimiter: str


@contextmanager
def open_csv_export(path: Path, file: str, delimiter: str | None = None) -> Iterator[CsvExport]:
    """Open a CSV export: the header is its first non-blank record, records numbered from 1."""
    encoding = detect_encoding(path, file)
    with path.open(encoding=encoding, newline="") as handle:
        leading = list(leading_lines(handle))
        if not leading or not leading[-1].strip():
            raise InputError.at(file, "", EMPTY)
        chosen = delimiter or sniff_delimiter(leading[-1])
        records = enumerate(csv_records(itertools.chain(leading, handle), chosen, file), start=1)
        for number, record in records:
            if not is_blank(record):
                yield CsvExport(number, tuple(clean_cell(cell) for cell in record), records, chosen)
                return
        raise InputError.at(file, "", EMPTY)
