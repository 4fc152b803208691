"""Reading a ticketing export as CSV, one row at a time.

Queue management systems export CSV in UTF-8 (often with a byte-order mark) or, on French
Windows set-ups, in Windows-1252 with semicolons. The encoding is found in one streaming pass
over the bytes before any row is read, so a file is never decoded halfway and then restarted,
and memory does not grow with the number of tickets.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from labelaudit import InputError

from labelaudit_queue import _messages as msg

_CHUNK = 1 << 16
_DELIMITERS = (",", ";", "\t")


def detect_encoding(path: Path, file: str) -> str:
    """`utf-8-sig` if every byte is valid UTF-8, else `cp1252` if valid there, else InputError."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, cp1252_error, offset = True, None, 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            if (nul := chunk.find(b"\0")) >= 0:  # UTF-16 or a binary file
                raise InputError.at(file, f"byte {offset + nul}", msg.bad_encoding())
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
    raise InputError.at(file, f"byte {cp1252_error}", msg.bad_encoding())


def _decodes(decoder: codecs.IncrementalDecoder, chunk: bytes, final: bool = False) -> bool:
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError:
        return False
    return True


def _cp1252_error(chunk: bytes, offset: int) -> int | None:
    try:
        chunk.decode("cp1252")
    except UnicodeDecodeError as exc:
        return offset + exc.start
    return None


def sniff_delimiter(line: str) -> str:
    """The most frequent of comma, semicolon and tab in the header line; comma on a tie."""
    return max(_DELIMITERS, key=line.count)


def clean(value: str | None) -> str:
    """A cell or header as compared: spaces collapsed, stripped."""
    return " ".join((value or "").split())


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column: 0 → A, 26 → AA."""
    letters, number = "", index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def place(row: int, column: int, header: str) -> str:
    """Where a cell is, as the built-in plugins name it: `row 12, column 'Arrivée' (D)`."""
    return f"row {row}, column '{header}' ({column_letter(column)})"


class Export:
    """An opened export: the header (row `header_row`) and the numbered rows below it."""

    def __init__(self, header_row: int, header: tuple[str, ...], rows: Iterator[tuple[int, Sequence[str]]]) -> None:
        self.header_row = header_row
        self.header = header
        self.rows = rows


@contextmanager
def open_export(path: Path, file: str, delimiter: str | None) -> Iterator[Export]:
    """Open a CSV export; its header is the first non-blank record, records numbered from 1."""
    encoding = detect_encoding(path, file)
    with path.open(encoding=encoding, newline="") as handle:
        leading = list(_through_first_content_line(handle))
        if not leading or not leading[-1].strip():
            raise InputError.at(file, "", msg.empty_file())
        chosen = delimiter or sniff_delimiter(leading[-1])
        records = enumerate(_records(itertools.chain(leading, handle), chosen, file), start=1)
        for number, record in records:
            if not is_blank(record):
                yield Export(number, tuple(clean(cell) for cell in record), records)
                return
        raise InputError.at(file, "", msg.empty_file())


def is_blank(cells: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in cells)


def _through_first_content_line(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        yield line
        if line.strip():
            return


def _records(lines: Iterable[str], delimiter: str, file: str) -> Iterator[Sequence[str]]:
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:  # an over-long field, a NUL, a stray quote
        raise InputError.at(file, f"row {reader.line_num}", msg.bad_csv(str(exc))) from None
