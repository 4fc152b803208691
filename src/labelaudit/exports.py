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
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from attrs import frozen

from labelaudit.errors import InputError, RowPlace
from labelaudit.files import looks_like_formula
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

    For problems only: a language-dependent text never enters a decision record. The place is a
    `RowPlace`: the same problem in the same column of several rows is one message,
    `rows 2, 5, 9 … and 758 more, column 'Arrivée' (D)`.
    """
    letter = column_letter(column)

    def render(rows: tuple[int, ...], more: int) -> str:
        return tr("exports.place.cells", rows=_rows_list(rows, more), header=header, letter=letter)

    text = tr("place.cell", row=row, header=header, letter=letter)
    return RowPlace(text, row, ("cell", letter, header), render)


def row_place(row: int) -> str:
    """`row 12` / `ligne 12`: a record of an export, numbered as a spreadsheet user sees it
    (a `RowPlace`: `rows 2, 5, 9 … and 758 more` for the same problem in several rows)."""

    def render(rows: tuple[int, ...], more: int) -> str:
        return tr("exports.place.rows", rows=_rows_list(rows, more))

    return RowPlace(tr("place.row", row=row), row, ("row",), render)


def _rows_list(rows: tuple[object, ...], more: int) -> str:
    """`2, 5, 9 … and 758 more` / `2, 5, 9 … et 758 autres`."""
    shown = ", ".join(str(row) for row in rows)
    return tr("exports.place.more", shown=shown, more=more) if more else shown


def rows_place(first: int, last: int) -> str:
    """`rows 1-20` / `lignes 1 à 20`."""
    return tr("place.rows", first=first, last=last)


def sheet_place(sheet: str, cell: str | None = None, header: str | None = None) -> str:
    """A workbook place: `sheet 'lyon'`, `cell lyon!E2`, or `cell lyon!E2, column 'Niveau'`
    (`feuille « lyon »`, `cellule lyon!E2`, `cellule lyon!E2, colonne « Niveau »` in French)."""
    if cell is None:
        return tr("place.sheet", sheet=sheet)
    if header is None:
        text = tr("place.sheet_cell", sheet=sheet, cell=cell)
    else:
        text = tr("place.sheet_cell_header", sheet=sheet, cell=cell, header=header)
    match = _CELL.fullmatch(cell)
    if match is None:  # a range (`E3:E5`): a place of its own
        return text
    letter, row = match[1], int(match[2])

    def render(rows: tuple[int, ...], more: int) -> str:
        shown = _rows_list(tuple(f"{letter}{number}" for number in rows), more)
        if header is None:
            return tr("exports.place.sheet_cells", sheet=sheet, cells=shown)
        return tr("exports.place.sheet_cells_header", sheet=sheet, cells=shown, header=header)

    return RowPlace(text, row, ("sheet", sheet, letter, header), render)


_CELL = re.compile(r"([A-Z]{1,3})([0-9]+)")


def clean_cell(value: object) -> str:
    """A header or cell as compared: exports wrap long headers over lines and pad them."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


# What survey tools and word processors substitute for what the auditor types: curly
# apostrophes and quotes, dashes, and the non-breaking spaces French typography puts before
# ':' and '?'. NFKC already turns the narrow and the plain non-breaking spaces into spaces.
_TYPOGRAPHY = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "\u0060": "'",
    "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
})
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def fold_header(text: str) -> str:
    """A header as people read it, for matching: Unicode NFKC, case folded, typographic
    apostrophes, quotes and dashes made plain, invisible characters removed, spaces (non-breaking
    ones too) collapsed. `Q1 – Accueil de l’agence` and `q1 - accueil de l'agence` fold alike."""
    plain = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).translate(_INVISIBLE)
    return " ".join(plain.casefold().split())


def is_blank(cells: Sequence[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


JOIN = " / "  # between a parent header and its sub-question: `Q5. Votre avis / Accueil`


def combine_header(rows: Sequence[Sequence[object]], match_row: int | None) -> tuple[str, ...]:
    """The header of an export whose header spans `rows`.

    With `match_row` (1-based among them), that row is the header and the others are skipped
    (Qualtrics: names, question texts, `{"ImportId": …}`). Without it the rows are joined per
    column, top to bottom, each non-blank cell carried right over the blank cells that follow it
    in its row, as a parent question spans its sub-questions (SurveyMonkey's matrix questions);
    a cell equal to the one above it is not repeated.
    """
    cleaned = [tuple(clean_cell(cell) for cell in row) for row in rows]
    if match_row is not None:
        return cleaned[match_row - 1]
    width = max((len(row) for row in cleaned), default=0)
    carried = [_carried_right(row, width) for row in cleaned[:-1]] + [cleaned[-1] + ("",) * (width - len(cleaned[-1]))]
    header = []
    for position in range(width):
        if all(position >= len(row) or not row[position] for row in cleaned):
            header.append("")  # blank in every row: padding, or a gap reported as such
            continue
        parts: list[str] = []
        for row in carried:
            part = row[position]
            if part and (not parts or parts[-1] != part):
                parts.append(part)
        header.append(JOIN.join(parts))
    return tuple(header)


def _carried_right(row: tuple[str, ...], width: int) -> tuple[str, ...]:
    out, last = [], ""
    for position in range(width):
        cell = row[position] if position < len(row) else ""
        last = cell or last
        out.append(last)
    return tuple(out)


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


# --- Writing spreadsheets: formula injection -------------------------------------------------

def write_safe_cell(cell: object, text: str) -> None:
    """Put `text` in an openpyxl cell as a string that stays a string.

    openpyxl makes any string starting with `=` a formula, so the cell is typed as a string
    (`t="s"` or inline) whatever it starts with; and a text that `safe_cell` would quote (see `files.looks_like_formula`) gets
    the cell style `quotePrefix`, the XLSX form of the leading quote: Excel and LibreOffice
    keep such a cell as text even when the user edits it, and, unlike a quote typed into the
    text, it shows nothing and is not part of the value another program reads.
    """
    cell.value = text  # type: ignore[attr-defined]
    cell.data_type = "s"  # type: ignore[attr-defined]
    if looks_like_formula(text):
        cell.quotePrefix = True  # type: ignore[attr-defined]


# --- Reading XLSX: refuse what cannot be a workbook before it is inflated ---------------------

# An XLSX workbook is a zip archive of XML parts. openpyxl inflates the parts it reads, so a
# small file whose parts inflate to gigabytes ("zip bomb") would take minutes or the memory of
# the machine. Python's zipfile never inflates a member past the size its directory declares
# (it stops, and the CRC check fails), so checking the declared sizes bounds the work.
MAX_XLSX_MEMBERS = 10_000  # a workbook has a few parts per sheet: thousands is already absurd
MAX_XLSX_MEMBER_BYTES = 1 << 30  # 1 GiB of XML: over a million rows of 30 answers in one sheet
MAX_XLSX_TOTAL_BYTES = 2 << 30  # 2 GiB inflated in all, whatever the number of sheets
MAX_XLSX_RATIO = 200  # inflated / compressed: spreadsheet XML compresses 5 to 50 times, not more
RATIO_FROM_BYTES = 16 << 20  # the ratio is checked only for members past 16 MiB inflated


def check_xlsx_archive(path: Path, file: str | None = None) -> None:
    """Raise an `InputError` unless `path` is a zip archive an XLSX reader may open: not a zip
    or a damaged one, more than `MAX_XLSX_MEMBERS` members, a member declared to inflate past
    `MAX_XLSX_MEMBER_BYTES` or `MAX_XLSX_RATIO` times its compressed size, or all members past
    `MAX_XLSX_TOTAL_BYTES`. Reads only the archive's directory: nothing is inflated."""
    shown = str(path) if file is None else file
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except FileNotFoundError:
        raise InputError.at(shown, "", file_problem("missing")) from None
    except zipfile.BadZipFile as exc:
        raise InputError.at(shown, "", _archive_problem(path, str(exc))) from None
    except OSError as exc:
        raise InputError.at(shown, "", file_problem("unreadable", str(exc.strerror or exc))) from None
    if len(members) > MAX_XLSX_MEMBERS:
        raise InputError.at(shown, "", both("exports.xlsx.members", count=len(members), limit=MAX_XLSX_MEMBERS))
    total = 0
    for member in members:
        where = tr("exports.place.member", member=member.filename)
        size, packed = member.file_size, max(member.compress_size, 1)
        if size > MAX_XLSX_MEMBER_BYTES:
            raise InputError.at(shown, where, both("exports.xlsx.member_size", size=_mib(size), limit=_mib(MAX_XLSX_MEMBER_BYTES)))
        if size > RATIO_FROM_BYTES and size / packed > MAX_XLSX_RATIO:
            raise InputError.at(shown, where, both("exports.xlsx.ratio", size=_mib(size), packed=_mib(packed), limit=MAX_XLSX_RATIO))
        total += size
    if total > MAX_XLSX_TOTAL_BYTES:
        raise InputError.at(shown, "", both("exports.xlsx.total", size=_mib(total), limit=_mib(MAX_XLSX_TOTAL_BYTES)))


def _archive_problem(path: Path, detail: str) -> Text:
    """Not a zip at all (an old .xls, a CSV renamed), or a zip that is damaged."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4)
    except OSError:
        start = b""
    if start.startswith(b"PK"):
        return both("exports.xlsx.damaged", detail=detail)
    if start == b"\xd0\xcf\x11\xe0":  # the OLE header of an Excel 97-2003 .xls
        return both("exports.xlsx.old_xls")
    return both("exports.xlsx.not_zip")


def _mib(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MiB".replace(",", " ")




def open_xlsx_workbook(path: Path, file: str | None = None) -> Any:
    """The workbook at `path`, opened to be streamed (openpyxl, read-only, computed values): the
    archive is checked first (`check_xlsx_archive`), and a file openpyxl cannot open is an
    `InputError` naming openpyxl's reason. Close it when done (`workbook.close()`).

    Reading a sheet this way takes the same memory for a million rows as for a hundred: openpyxl
    clears each row's XML element once read but leaves it attached to the sheet's, about 100
    bytes a row, so the rows are also detached here (see `_forgetful_iterparse`).
    """
    import openpyxl
    from openpyxl.worksheet import _reader

    shown = str(path) if file is None else file
    check_xlsx_archive(path, shown)
    if not getattr(_reader.iterparse, "forgets_rows", False):
        _reader.iterparse = _forgetful_iterparse(_reader.iterparse, _reader.ROW_TAG, _reader.DATA_TAG)
        _reader.WorkSheetParser.parse_dimensions = _dimensions_before_the_data
    try:
        with warnings.catch_warnings():
            # Unsupported Excel extensions (styles, validations) do not matter for values.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\b")
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
    # openpyxl reports a damaged workbook with many exception types (zip, XML, KeyError …).
    except Exception as exc:  # noqa: BLE001
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise InputError.at(shown, "", both("exports.xlsx.unreadable", detail=detail)) from None


def _dimensions_before_the_data(parser: Any) -> tuple[int, int, int, int] | None:
    """A sheet's declared size, from its `<dimension>` element, or None if it declares none.

    openpyxl's own `parse_dimensions` waits for the end of `<sheetData>` to learn that there is
    no `<dimension>`: on a sheet without one (openpyxl's write-only mode writes none) it parses
    every row once before the rows are read. The element comes before the data, so the search
    stops at the data's start.
    """
    from openpyxl.worksheet import _reader
    from openpyxl.worksheet.dimensions import SheetDimension

    for _, element in _reader.iterparse(parser.source, events=("start",)):
        if element.tag == _reader.DIMENSION_TAG:
            return SheetDimension.from_tree(element).boundaries  # type: ignore[no-any-return]
        if element.tag == _reader.DATA_TAG:
            return None
    return None


def _forgetful_iterparse(iterparse: Callable[..., Any], row_tag: str, data_tag: str) -> Callable[..., Any]:
    """openpyxl's `iterparse`, each finished row detached from the sheet's data once openpyxl is
    done with it (when it asks for the next element), so that parsed rows do not pile up.

    Rows are the children of `<sheetData>` only: that one element is remembered, not a stack of
    every element's parent (on a million rows, each event costs)."""

    def forgetful(source: Any, events: Sequence[str] = ("end",), **options: Any) -> Iterator[tuple[str, Any]]:
        starts, ends = "start" in events, "end" in events
        data = None
        for event, element in iterparse(source, events=("start", "end"), **options):
            if event == "start":
                if element.tag == data_tag:
                    data = element
                if starts:
                    yield event, element
                continue
            if ends:
                yield event, element
            if element.tag == row_tag and data is not None and len(data) and data[0] is element:
                del data[0]  # its only child: each row goes once read (a stray row elsewhere stays)

    forgetful.forgets_rows = True  # type: ignore[attr-defined]
    return forgetful
