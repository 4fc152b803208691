"""The on-site grid as XLSX: one sheet per site, one row per criterion.

Reading copies the cell values out of the workbook first (streaming, read-only) and checks
them afterwards, so that a damaged file is one clear `InputError` and every problem in a sound
one is placed at its cell (`cell lyon!E7`).
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from labelaudit import (
    FINDING_KINDS,
    CollectRequest,
    InputError,
    ProblemCollector,
    Scale,
    Scheme,
    TemplateRequest,
    Text,
    file_problem,
    sheet_place,
)

from labelaudit_onsite import _messages as msg
from labelaudit_onsite._common import (
    FindingText,
    Row,
    SiteEntry,
    atomic_write,
    fmt,
    grid_criteria,
    lines,
)

# (fr, en) of each column, A to L; the bilingual header is "fr / en".
HEADERS: tuple[tuple[str, str], ...] = (
    ("Exigence", "Requirement"),
    ("Critère", "Criterion"),
    ("Intitulé", "Title"),
    ("Pyramide", "Pyramid"),
    ("Niveau", "Level"),
    ("Observations", "Observations"),
    ("Preuves", "Evidence"),
    ("Points forts", "Strengths"),
    ("Points de progrès", "Improvements"),
    ("Points sensibles", "Sensitive points"),
    ("NC mineures", "Minor NCs"),
    ("NC majeures", "Major NCs"),
)
COLUMNS = "ABCDEFGHIJKL"
CRITERION, LEVEL, OBSERVATIONS, EVIDENCE = 1, 4, 5, 6
FINDING_COLUMNS: tuple[tuple[str, int], ...] = tuple(zip(FINDING_KINDS, range(7, 12)))
WIDTHS = (14, 14, 60, 10, 10, 50, 40, 35, 35, 35, 35, 35)
LEVELS_SHEET = {"fr": "Niveaux", "en": "Levels"}
AUDIT_SHEET = "Audit"
RESERVED = {title.casefold() for title in (*LEVELS_SHEET.values(), AUDIT_SHEET)}
_FORBIDDEN_IN_TITLES = set('[]:*?/\\')
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDDDDD")


def header(column: int) -> str:
    """The bilingual header the template writes in a column."""
    fr, en = HEADERS[column]
    return fr if fr == en else f"{fr} / {en}"


# --- Reading -----------------------------------------------------------------------------------

Sheets = list[tuple[str, list[tuple[Any, ...]]]]


def read(
    path: Path, request: CollectRequest, problems: ProblemCollector, notes: list[Text]
) -> list[SiteEntry]:
    """The site entries of one XLSX grid; a damaged workbook raises, the rest is collected."""
    sites = tuple(site.id for site in request.audit.sites)
    entries = []
    for title, rows in _load(path):
        if title in sites:
            entry = _site_entry(path, title, rows, problems)
            if entry is not None:
                entries.append(entry)
        elif title.casefold() == AUDIT_SHEET.casefold():
            _check_audit_sheet(path, title, rows, request.scheme, problems, notes)
        elif title.casefold() not in RESERVED:
            problems.add(path, sheet_place(title), msg.sheet_not_a_site(title, ", ".join(sites)))
    return entries


def _load(path: Path) -> Sheets:
    """Every worksheet's title and cell values; any failure to read is one `InputError`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError.at(path, "", file_problem("missing")) from None
    except OSError as exc:
        raise InputError.at(path, "", file_problem("unreadable", str(exc.strerror))) from None
    try:
        with warnings.catch_warnings():
            # Unsupported Excel extensions (styles, validations) do not matter for values.
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\b")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                return [(sheet.title, _values(sheet)) for sheet in workbook.worksheets]
            finally:
                workbook.close()
    # openpyxl reports a damaged file with many exception types (zip, XML, KeyError …).
    except Exception as exc:  # noqa: BLE001
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise InputError.at(path, "", msg.not_a_workbook(detail)) from None


def _values(sheet: Any) -> list[tuple[Any, ...]]:
    sheet.reset_dimensions()  # a stale <dimension> in the file must not hide rows
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _padded(row: Sequence[Any]) -> tuple[Any, ...]:
    return (*row[: len(COLUMNS)], *([None] * (len(COLUMNS) - len(row))))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _header_ok(value: Any, column: int) -> bool:
    written = " ".join(_text(value).split()).casefold()
    return written in {header(column).casefold(), *(h.casefold() for h in HEADERS[column])}


def _site_entry(
    path: Path, title: str, rows: list[tuple[Any, ...]], problems: ProblemCollector
) -> SiteEntry | None:
    """One site sheet's rows, or None (with problems) when its header row is wrong."""
    head = _padded(rows[0] if rows else ())
    if all(_text(value) == "" for value in head):
        problems.add(path, sheet_place(title, "A1"), msg.header_row_missing())
        return None
    wrong = [c for c in range(len(COLUMNS)) if not _header_ok(head[c], c)]
    for column in wrong:
        problems.add(
            path,
            sheet_place(title, f"{COLUMNS[column]}1"),
            msg.wrong_header(header(column), _text(head[column])),
        )
    if wrong:
        return None
    entries = [_row(title, number, _padded(values)) for number, values in enumerate(rows[1:], 2)]
    return SiteEntry(
        site=title,
        site_where=sheet_place(title),
        who="",
        when="",
        rows=tuple(entry for entry in entries if entry is not None),
    )


def _row(title: str, number: int, cells: tuple[Any, ...]) -> Row | None:
    criterion = _text(cells[CRITERION])
    if not criterion:
        return None
    level = cells[LEVEL]
    return Row(
        criterion=criterion,
        level=None if _text(level) == "" else level,
        observations=_text(cells[OBSERVATIONS]),
        references=lines(cells[EVIDENCE]),
        findings=tuple(
            FindingText(kind, text, f"cell {title}!{COLUMNS[column]}{number}")
            for kind, column in FINDING_COLUMNS
            for text in lines(cells[column])
        ),
        id_where=sheet_place(title, f"B{number}"),
        level_where=sheet_place(title, f"E{number}"),
        location=f"cell {title}!E{number}",  # provenance: the record's words, whatever the user's language
    )


def _check_audit_sheet(
    path: Path,
    title: str,
    rows: list[tuple[Any, ...]],
    scheme: Scheme,
    problems: ProblemCollector,
    notes: list[Text],
) -> None:
    """The grid must be for the audit's scheme; a different version is only worth a note."""
    for number, values in enumerate(rows, 1):
        key, value = (_text(v) for v in _padded(values)[:2])
        if key == "scheme" and value and value != scheme.id:
            problems.add(path, sheet_place(title, f"B{number}"), msg.other_scheme(value, scheme.id))
        elif key == "version" and value and value != scheme.version:
            notes.append(msg.older_grid_version(path.name, scheme.id, value, scheme.version))


# --- Writing -----------------------------------------------------------------------------------

_TEXTS = {
    "fr": {
        "error_title": "Niveau invalide",
        "error": "Choisir un niveau de l'échelle : {points}",
    },
    "en": {
        "error_title": "Invalid level",
        "error": "Choose a level of the scale: {points}",
    },
}


def write(request: TemplateRequest) -> None:
    """Write a blank XLSX grid: a sheet per site, the level descriptors, the scheme."""
    for site in request.sites:
        _check_title(request.path, site.id)
    scale = request.scheme.scale_of(request.source)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for site in request.sites:
        _site_sheet(workbook.create_sheet(site.id), request, scale)
    _levels_sheet(workbook.create_sheet(LEVELS_SHEET[request.lang]), scale)
    _audit_sheet(workbook.create_sheet(AUDIT_SHEET), request.scheme)
    atomic_write(request.path, workbook.save)


def _check_title(path: Path, site: str) -> None:
    """A site id must be usable as a sheet name, and not be one the reader skips."""
    if (
        not site
        or len(site) > 31
        or _FORBIDDEN_IN_TITLES & set(site)
        or site.casefold() in RESERVED
    ):
        raise InputError.at(path, "", msg.sheet_name_refused(site, ", ".join(sorted(RESERVED))))


def _site_sheet(sheet: Worksheet, request: TemplateRequest, scale: Scale | None) -> None:
    sheet.append([header(c) for c in range(len(COLUMNS))])
    for criterion in grid_criteria(request.scheme, request.source):
        requirement = request.scheme.requirement_of(criterion.id)
        sheet.append(
            [
                requirement.id if requirement else "",
                criterion.id,
                criterion.title.get(request.lang),
                criterion.pyramid,
            ]
        )
    _style(sheet, WIDTHS, freeze="C2")
    if scale is not None and sheet.max_row > 1:
        sheet.add_data_validation(_level_choices(scale, request, f"E2:E{sheet.max_row}"))


def _level_choices(scale: Scale, request: TemplateRequest, cells: str) -> DataValidation:
    points = ",".join(fmt(value) for value in scale.values)
    texts = _TEXTS[request.lang]
    validation = DataValidation(
        type="list",
        formula1=f'"{points}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=texts["error_title"],
        error=texts["error"].format(points=points),
    )
    validation.add(cells)
    return validation


def _levels_sheet(sheet: Worksheet, scale: Scale | None) -> None:
    """The scale's points with their labels and descriptions in both languages."""
    sheet.append(
        ["Valeur / Value", "Libellé (fr)", "Label (en)", "Description (fr)", "Description (en)"]
    )
    for point in scale.points if scale else ():
        description = point.description
        value = point.value
        sheet.append(
            [
                value.numerator if value.denominator == 1 else Decimal(fmt(value)),
                point.label.fr,
                point.label.en,
                description.fr if description else "",
                description.en if description else "",
            ]
        )
    _style(sheet, (14, 30, 30, 70, 70), freeze="A2")


def _audit_sheet(sheet: Worksheet, scheme: Scheme) -> None:
    sheet.append(["scheme", scheme.id])
    sheet.append(["version", scheme.version])
    _style(sheet, (14, 30), freeze=None, head=False)


def _style(
    sheet: Worksheet, widths: Sequence[int], *, freeze: str | None, head: bool = True
) -> None:
    """Column widths, wrapped text, a bold frozen header: readable on screen and on paper."""
    for column, width in zip(COLUMNS, widths):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=len(widths)):
        for cell in row:
            cell.alignment = _WRAP
    if head:
        for cell in sheet[1]:
            cell.font, cell.fill = _HEAD_FONT, _HEAD_FILL
    sheet.freeze_panes = freeze
