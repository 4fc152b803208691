"""The register as spreadsheets people open: CSV in the reader's convention, and XLSX.

A French spreadsheet reads `;` between cells and a decimal comma, and Excel takes a CSV for
UTF-8 only when it starts with a byte-order mark; an English one reads `,` and a decimal point.
The dialect follows the reader's language (a decimal comma, as in French or German, goes with
`;`) unless `--csv-dialect` forces one. Only the decimal
columns change with the dialect: ids, digests and ISO dates are written as they are, so that a
program reads any export the same way. The XLSX holds typed cells: numbers as numbers, dates
as dates, every text as a text that no spreadsheet runs as a formula (`write_safe_cell`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from attrs import frozen

from labelaudit.committee.views import CSV_COLUMNS, Registered
from labelaudit.exports import write_safe_cell
from labelaudit.files import safe_cell
from labelaudit.i18n import formatting

DialectName = Literal["fr", "en"]
DECIMAL_COLUMNS = frozenset({"proposed_points"})
INTEGER_COLUMNS = frozenset({"reviews", "validity_years", "surveillance_months"})
DATE_COLUMNS = frozenset({"decided_on", "final_on", "valid_from", "valid_until"})
BOM = "\ufeff"


@frozen
class CsvDialect:
    """How one spreadsheet convention writes a CSV."""

    delimiter: str
    decimal: str
    bom: bool


DIALECTS: dict[DialectName, CsvDialect] = {
    "fr": CsvDialect(delimiter=";", decimal=",", bom=True),
    "en": CsvDialect(delimiter=",", decimal=".", bom=False),
}


def dialect_for(lang: str, forced: DialectName | None = None) -> CsvDialect:
    """The forced dialect, else the reader's language's convention: where the language writes
    a decimal comma (French, German, Italian … by CLDR, through Babel), its spreadsheets read
    `;` between cells, as the French dialect writes; otherwise the English one."""
    if forced is not None:
        return DIALECTS[forced]
    return DIALECTS["fr" if formatting.writes_decimal_comma(lang) else "en"]


def _value(record: Registered, column: str) -> object:
    return record.status if column == "status" else getattr(record, column)


def to_csv(records: Sequence[Registered], dialect: CsvDialect) -> str:
    """Every record as CSV in `dialect` (RFC 4180 line ends; a BOM first when it asks for one)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        row: list[object] = []
        for column in CSV_COLUMNS:
            value = _value(record, column)
            if value is None:
                row.append("")
            elif column in DECIMAL_COLUMNS:
                row.append(str(value).replace(".", dialect.decimal))
            else:
                row.append(safe_cell(value))
        writer.writerow(row)
    return (BOM if dialect.bom else "") + buffer.getvalue()


def _typed(column: str, value: object) -> object:
    if value is None or value == "":
        return None
    if column in DECIMAL_COLUMNS:
        return Decimal(str(value))
    if column in INTEGER_COLUMNS:
        return int(str(value))
    if column in DATE_COLUMNS:
        return dt.date.fromisoformat(str(value))
    return str(value)


def to_xlsx(records: Sequence[Registered]) -> bytes:
    """Every record as one sheet `register`: a header row, typed cells, the header frozen."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "register"
    for col, name in enumerate(CSV_COLUMNS, 1):
        write_safe_cell(sheet.cell(row=1, column=col), name)
    for row, record in enumerate(records, 2):
        for col, column in enumerate(CSV_COLUMNS, 1):
            value = _typed(column, _value(record, column))
            cell = sheet.cell(row=row, column=col)
            if isinstance(value, str):
                write_safe_cell(cell, value)
            elif value is not None:
                cell.value = value
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, Decimal):
                    cell.number_format = "0.0"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
