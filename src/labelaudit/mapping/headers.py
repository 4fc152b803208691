"""The header of a survey source's exports, and nothing else: `map` reads no answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from labelaudit.errors import InputError
from labelaudit.exports import clean_cell, file_problem, fold_header, is_blank, open_csv_export, open_xlsx_workbook

XLSX = (".xlsx", ".xlsm")


def export_header(path: Path, options: Mapping[str, Any]) -> tuple[str, ...]:
    """The header cells of one export (CSV: its first non-blank record; XLSX: the `sheet`
    option's, or the first, sheet's `header_row`, or its first non-blank row)."""
    shown = str(path)
    if not path.is_file():
        raise InputError.at(shown, "", file_problem("missing"))
    if path.suffix.lower() in XLSX:
        return _xlsx_header(path, shown, options.get("sheet"), options.get("header_row"))
    with open_csv_export(path, shown, options.get("delimiter")) as export:
        return export.header


def _xlsx_header(path: Path, shown: str, sheet: str | None, header_row: int | None) -> tuple[str, ...]:
    workbook = open_xlsx_workbook(path, shown)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputError.at(shown, "", file_problem("unreadable", f"no sheet {sheet!r}"))
        worksheet = workbook[sheet] if sheet is not None else (workbook.worksheets or [None])[0]
        if worksheet is None:
            raise InputError.at(shown, "", file_problem("empty"))
        for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if (header_row is None and not is_blank(row)) or number == header_row:
                return tuple(clean_cell(cell) for cell in row)
        raise InputError.at(shown, "", file_problem("empty"))
    finally:
        workbook.close()


def source_headers(files: Sequence[Path], options: Mapping[str, Any]) -> tuple[str, ...]:
    """Every export's header cells, once each in the order first seen, less the blank cells and
    those the source names in `ignore` or `site_column` (compared folded)."""
    skipped = {fold_header(str(h)) for h in options.get("ignore", ())}
    if options.get("site_column"):
        skipped.add(fold_header(str(options["site_column"])))
    seen: dict[str, None] = {}
    for path in files:
        for header in export_header(path, options):
            if header and fold_header(header) not in skipped:
                seen.setdefault(header, None)
    return tuple(seen)
