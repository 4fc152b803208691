"""Reading a CSV export: UTF-8 or Windows-1252, comma, semicolon or tab separated.

French spreadsheet software writes CSV with semicolons and in Windows-1252; online survey tools
write UTF-8, often with a byte-order mark. The encoding is found in one streaming pass over the
bytes before the rows are read, so that a file is never decoded halfway and then restarted.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from labelaudit import InputError

from labelaudit_surveys._table import EMPTY, Table, clean_header, column_letter, is_blank

ENCODING = "unrecognised encoding (expected UTF-8 or Windows-1252)"
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
                raise InputError.at(file, f"byte {offset + nul}", ENCODING)
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
    raise InputError.at(file, f"byte {cp1252_error}", ENCODING)


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


@contextmanager
def open_csv(path: Path, file: str, delimiter: str | None) -> Iterator[Table]:
    """Open a CSV export; its header is the first non-blank line, numbered from 1."""
    encoding = detect_encoding(path, file)
    with path.open(encoding=encoding, newline="") as handle:
        leading = list(_through_first_content_line(handle))
        if not leading or not leading[-1].strip():
            raise InputError.at(file, "", EMPTY)
        chosen = delimiter or sniff_delimiter(leading[-1])
        records = enumerate(_records(itertools.chain(leading, handle), chosen, file), start=1)
        for number, record in records:
            if not is_blank(record):
                header = tuple(clean_header(cell) for cell in record)
                yield Table(number, header, records, _place)
                return
        raise InputError.at(file, "", EMPTY)


def _through_first_content_line(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        yield line
        if line.strip():
            return


def _records(lines: Iterable[str], delimiter: str, file: str) -> Iterator[Sequence[object]]:
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:  # an over-long field, a stray quote under strict settings
        raise InputError.at(file, f"row {reader.line_num}", f"unreadable CSV: {exc}") from None


def _place(row: int, column: int, header: str) -> str:
    return f"row {row}, column '{header}' ({column_letter(column)})"
