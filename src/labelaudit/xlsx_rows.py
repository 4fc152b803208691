"""A worksheet's values streamed from its XML with expat: openpyxl's values, in about half the time.

openpyxl's read-only mode makes a dictionary per cell and reads its coordinate with general
helpers: on a survey export of a hundred thousand rows that is most of a score's time. Here
openpyxl still opens the workbook (after `exports.check_xlsx_archive`): it finds the sheet's
part, reads the shared strings, knows which styles are dates and the workbook's epoch. Only the
loop over `<row>` and `<c>` is labelaudit's, on the standard library's expat (the parser under
ElementTree), a block of the sheet at a time, so memory stays flat whatever its length.

`sheet_rows(worksheet)` gives exactly what `worksheet.iter_rows(values_only=True)` gives after
`worksheet.reset_dimensions()`: a tuple per row, as wide as its last cell, `None` in the gaps,
an empty list for each missing row. tests/test_xlsx_rows.py holds the two equal on generated
workbooks and on hand-written sheets (inline and rich strings, dates of both epochs, rows and
cells without a reference).

Three differences, on broken or hostile files: a negative shared-string index is refused, where
openpyxl reads it from the end of the table (another cell's text); so is a row numbered past
Excel's last, where openpyxl would give a billion empty rows; and so is a sheet with a document
type declaration, whose entities ElementTree would expand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any
from xml.parsers import expat

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROW, VALUE, INLINE, TEXT, RUN = (f"{MAIN}}}{tag}" for tag in ("row", "v", "is", "t", "r"))
BLOCK = 1 << 16  # bytes of the sheet's XML parsed at a time
MAX_ROW = 1_048_576  # Excel's last row: a row numbered past it is a broken (or hostile) sheet
DIGITS = "0123456789"


def sheet_rows(worksheet: Any) -> Iterator[Sequence[object]]:
    """Every row of a read-only worksheet's values (see the module's docstring)."""
    parser = expat.ParserCreate(namespace_separator="}")  # names as "namespace}tag", as ElementTree
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _no_doctype
    rows = _Rows(worksheet.parent, worksheet._shared_strings)  # openpyxl's own reading of them
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = rows.handlers()
    with worksheet.parent._archive.open(worksheet._worksheet_path) as source:
        while block := source.read(BLOCK):
            parser.Parse(block, False)
            yield from _expanded(rows.take())
        parser.Parse(b"", True)
    yield from _expanded(rows.take())


def _no_doctype(*_: object) -> None:
    """A sheet's XML has no document type: one that declares one (and with it entities that
    expand, a billion laughs) is refused before any of it is read."""
    raise ValueError("a worksheet with a document type declaration")


def _expanded(ready: Sequence[list[tuple[int, object]] | int]) -> Iterator[Sequence[object]]:
    """Each row laid out, and each run of rows the sheet leaves out (a count) as that many empty
    ones, one at a time: a block of rows whose one cell is in column ZZZ, or a jump to the last
    row, is never thousands of wide rows, or a million empty ones, held at once."""
    for row in ready:
        if isinstance(row, int):
            for _ in range(row):
                yield []
        else:
            yield _row_values(row)


class _Rows:
    """expat's events in, finished rows out, as openpyxl's WorkSheetParser and read-only
    worksheet make them with `data_only` (a formula's cached value, never the formula).

    The handlers are closures over their state: they run five times per cell, and a local
    name is read faster than an attribute. Inline strings, rare in exports, take `_Inline`."""

    def __init__(self, workbook: Any, shared_strings: Sequence[str]) -> None:
        self.shared = shared_strings
        self.epoch = workbook.epoch
        self.dates, self.durations = workbook._date_formats, workbook._timedelta_formats
        self.ready: list[list[tuple[int, object]] | int] = []  # rows' cells, and counts of rows left out

    def take(self) -> list[list[tuple[int, object]] | int]:
        """The rows finished since the last call (the handlers append to this same list)."""
        ready = self.ready[:]
        self.ready.clear()
        return ready

    def handlers(self) -> tuple[Callable[[str, dict[str, str]], None], Callable[[str], None], Callable[[str], None]]:
        from openpyxl.utils.cell import coordinate_to_tuple  # openpyxl (and numpy) only for a workbook

        ready, value_of = self.ready, self._value
        columns: dict[str, int] = {}  # a reference's letters → its column
        depth = row_depth = 0  # row_depth 0: outside a row
        cell_depth = child_depth = -1  # a row's children are its cells; theirs, <v> and <is>
        row_number = 0  # openpyxl's row counter
        next_row = 1  # the next row number to give (openpyxl's `counter`)
        column = 0  # openpyxl's column counter
        cells: list[tuple[int, object]] = []
        kind, reference = "n", None  # the open cell's type, reference and style
        style: str | int = 0
        value: str | None = None  # the text of its first <v> (an empty one has none, as for openpyxl)
        value_seen = reading = False
        inline: _Inline | None = None

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal depth, row_depth, cell_depth, child_depth, row_number, column, cells
            nonlocal kind, reference, style, value, value_seen, reading, inline
            depth += 1
            reading = False  # an element's text is what comes before its first child
            if depth == child_depth:
                if name == VALUE and not value_seen:  # `findtext`: the first <v>
                    value_seen = reading = True
                elif name == INLINE and inline is None:  # `find`: the first <is>
                    inline = _Inline(depth)
            elif depth == cell_depth:  # every child of a row is a cell, as openpyxl reads it
                kind, reference, style = attrs.get("t", "n"), attrs.get("r"), attrs.get("s", 0)
                value, value_seen, inline = None, False, None
            elif not row_depth:
                if name == ROW:
                    row_depth, cell_depth, child_depth = depth, depth + 1, depth + 2
                    row_number = _row_number(attrs["r"]) if "r" in attrs else row_number + 1
                    if row_number > MAX_ROW:
                        raise ValueError(f"row {row_number} is past Excel's last row, {MAX_ROW}")
                    column, cells = 0, []
            elif inline is not None:  # inside the open cell's <is>
                inline.start(name, depth)

        def text(data: str) -> None:
            nonlocal value
            if reading:
                value = data if value is None else value + data
            elif inline is not None:
                inline.text(data)

        def end(name: str) -> None:
            nonlocal depth, row_depth, cell_depth, child_depth, next_row, column, reading, value, inline
            ended, depth, reading = depth, depth - 1, False
            if ended == child_depth:  # a <v> read, or another child of the cell: nothing to do
                return
            if ended == cell_depth:
                if reference:
                    letters = reference.rstrip(DIGITS)
                    found = columns.get(letters)
                    if found is None or len(letters) == len(reference):
                        found = columns[letters] = coordinate_to_tuple(reference)[1]  # raises on a bad one
                    column = found
                else:
                    column += 1
                given = inline.content() if kind == "inlineStr" and inline is not None else value
                cells.append((column, value_of(kind, given, int(style) if style else style)))
                inline = None
            elif ended == row_depth:
                row_depth, cell_depth, child_depth = 0, -1, -1
                if next_row < row_number:  # rows the sheet leaves out
                    ready.append(row_number - next_row)
                    next_row = row_number
                if next_row <= row_number:  # a row at or above one already given: openpyxl leaves it out
                    next_row += 1
                    ready.append(cells)
            elif inline is not None:
                inline.end(name, ended)

        return start, end, text

    def _value(self, kind: str, text: str | None, style: Any) -> object:
        """A cell's value from its type, its text and its style, as openpyxl's `parse_cell`."""
        if kind == "inlineStr":
            return text
        if not text:
            return None
        if kind == "n":
            number = float(text) if "." in text or "E" in text or "e" in text else int(text)
            return self._date(number, style) if style in self.dates else number
        if kind == "s":
            index = int(text)
            if index < 0:  # Python would count from the end, and read another cell's string
                raise IndexError(f"shared string {index}")
            return self.shared[index]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            return from_ISO8601(text)
        return text  # "str" (a formula's text), "e" (an error such as #N/A), or another type

    def _date(self, number: float | int, style: int) -> object:
        from openpyxl.utils.datetime import from_excel

        try:
            return from_excel(number, self.epoch, timedelta=style in self.durations)
        except (OverflowError, ValueError):  # openpyxl reads an impossible date as this error
            return "#VALUE!"


class _Inline:
    """An inline string (`<is>`): its plain `<t>` (the last one counts, as in openpyxl's Text)
    and each run's `<t>`; a phonetic run's text is not the cell's. A `<t>`'s text is what comes
    before its first child, as ElementTree's `.text`."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.plain: str | None = None
        self.runs: list[str | None] = []
        self.child = ""  # the tag of the open child of <is>
        self.read: list[str] = []
        self.read_depth = 0  # the depth of the <t> being read, 0 for none
        self.reading = False

    def start(self, name: str, depth: int) -> None:
        self.reading = False
        if depth == self.depth + 1:
            self.child = name
            if name == RUN:
                self.runs.append(None)
            if name == TEXT:
                self.read, self.read_depth, self.reading = [], depth, True
        elif depth == self.depth + 2 and name == TEXT and self.child == RUN:
            self.read, self.read_depth, self.reading = [], depth, True

    def text(self, data: str) -> None:
        if self.reading:
            self.read.append(data)

    def end(self, name: str, depth: int) -> None:
        self.reading = False
        if depth != self.read_depth or name != TEXT:
            return
        self.read_depth = 0
        own = "".join(self.read) or None  # an empty <t> has no text, as in ElementTree
        if depth == self.depth + 1:
            self.plain = own
        elif self.runs:
            self.runs[-1] = own

    def content(self) -> str:
        """openpyxl's `Text.content`: the plain text, then each run's."""
        return "".join(part for part in (self.plain, *self.runs) if part is not None)


def _row_values(cells: Sequence[tuple[int, object]]) -> Sequence[object]:
    """A row's values as openpyxl's `_get_row` lays them: as wide as its last cell."""
    if not cells:
        return ()
    width = cells[-1][0]
    values: list[object] = [None] * width
    for column, value in cells:
        if column <= width:
            values[column - 1] = value
    return tuple(values)


def _row_number(text: str) -> int:
    """A row's `r`, as openpyxl reads it: an integer, or a float that is one."""
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if number.is_integer():
            return int(number)
        raise ValueError(f"{text} is not a valid row number") from None
