"""The on-site grid as XLSX: one sheet per site, one row per criterion.

Reading copies the cell values out of the workbook first (streaming, read-only) and checks
them afterwards, so that a damaged file is one clear `InputError` and every problem in a sound
one is placed at its cell (`cell lyon!E7`).
"""

from __future__ import annotations

import itertools
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from xml.etree import ElementTree
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labelaudit import (
    FINDING_KINDS,
    CollectRequest,
    InputError,
    Lang,
    ProblemCollector,
    Scale,
    Scheme,
    TemplateRequest,
    Text,
    open_xlsx_workbook,
    sheet_place,
    write_safe_cell,
)

if TYPE_CHECKING:  # openpyxl is imported where a template is written: loading it costs every
    # command 0.1 s, and reading a grid goes through `open_xlsx_workbook`
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

from labelaudit_onsite import _messages as msg
from labelaudit_onsite._common import (
    FindingText,
    Row,
    SiteEntry,
    atomic_write,
    fmt,
    choice_text,
    grid_criteria,
    in_language,
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
LEVELS_SHEET = {"fr": "Niveaux", "en": "Levels", "de": "Stufen"}
AUDIT_SHEET = "Audit"
RESERVED = {title.casefold() for title in (*LEVELS_SHEET.values(), AUDIT_SHEET)}
_FORBIDDEN_IN_TITLES = set('[]:*?/\\')


def header(column: int) -> str:
    """The bilingual header the template writes in a column."""
    fr, en = HEADERS[column]
    return fr if fr == en else f"{fr} / {en}"


# --- Reading -----------------------------------------------------------------------------------

Rows = Iterator[tuple[Any, ...]]


class Uncomputed:
    """A formula cell whose file holds no computed value (openpyxl's `data_only` gives None)."""

    def __repr__(self) -> str:
        return "Uncomputed()"


UNCOMPUTED = Uncomputed()


@dataclass
class Seen:
    """The sites a source's grid files give a sheet (or TOML entries), and each workbook's sheets:
    once every file is read, a site with none is named (`missing`)."""

    sites: set[str]
    sheets: dict[Path, list[str]]

    def missing(self, request: CollectRequest, problems: ProblemCollector) -> None:
        if not self.sheets:
            return  # TOML grids only: which files to expect is not the grid's to say
        path, titles = next(iter(self.sheets.items()))
        for site in request.audit.sites:
            if site.id not in self.sites:
                problems.add(path, "", msg.sheet_missing(site.id, site.name, ", ".join(titles)))


def read(
    path: Path, request: CollectRequest, problems: ProblemCollector, notes: list[Text], seen: Seen
) -> list[SiteEntry]:
    """The site entries of one XLSX grid; a damaged workbook raises, the rest is collected.

    A sheet belongs to the site whose id it is; failing that, to the one whose id or name it
    spells with other capitals, accents or spaces (`Grenoble`, `Agence de Grenoble` for site
    `grenoble`). A sheet that is no site's, a second sheet for a site and a site without a sheet
    are errors.
    """
    sites = _site_keys(request)
    entries: list[SiteEntry] = []
    first_sheet: dict[str, str] = {}
    titles = seen.sheets.setdefault(path, [])
    for title, rows, extras in _load(path):
        titles.append(title)
        site = _site_of(title, sites)
        if site is not None:
            if site in first_sheet:
                problems.add(path, sheet_place(title), msg.sheets_for_one_site(site, first_sheet[site]))
                continue
            first_sheet[site] = title
            seen.sites.add(site)
            entry = _site_entry(path, title, site, rows, extras, problems)
            if entry is not None:
                entries.append(entry)
        elif title.casefold() == AUDIT_SHEET.casefold():
            _check_audit_sheet(path, title, list(rows), request.scheme, problems, notes)
        elif title.casefold() not in RESERVED:
            known = ", ".join(site.id for site in request.audit.sites)
            problems.add(path, sheet_place(title), msg.sheet_not_a_site(title, known))
    return entries


def _fold(text: str) -> str:
    """A name as compared: no accents, no case, spaces collapsed (`Évry ` → `evry`)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _site_keys(request: CollectRequest) -> dict[str, str]:
    """Folded site id or name → site id (an id wins over another site's name)."""
    keys: dict[str, str] = {}
    for site in request.audit.sites:
        keys.setdefault(_fold(site.name), site.id)
    for site in request.audit.sites:
        keys[_fold(site.id)] = site.id
    return {**keys, **{site.id: site.id for site in request.audit.sites}}


def _site_of(title: str, sites: dict[str, str]) -> str | None:
    return sites.get(title) or sites.get(_fold(title))


@dataclass(frozen=True)
class SheetExtras:
    """What read-only openpyxl does not give: merged ranges, formulas without a value."""

    merged: tuple[str, ...]
    uncomputed: frozenset[str]  # cell references (`E7`)


def _load(path: Path) -> Iterator[tuple[str, Rows, SheetExtras]]:
    """Each worksheet's title, its rows of cell values (streamed) and its extras; any failure to
    read is one `InputError`. The archive is checked first, so that a zip bomb is never inflated."""
    workbook = open_xlsx_workbook(path)
    try:
        with zipfile.ZipFile(path) as archive:
            for sheet in workbook.worksheets:
                extras = _extras(archive, getattr(sheet, "_worksheet_path", None))
                sheet.reset_dimensions()  # a stale <dimension> in the file must not hide rows
                rows = _marked(path, sheet.iter_rows(values_only=True), extras)
                yield sheet.title, rows, extras
    except InputError:
        raise
    # openpyxl reports a damaged file with many exception types (zip, XML, KeyError …).
    except Exception as exc:  # noqa: BLE001
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise InputError.at(path, "", msg.not_a_workbook(detail)) from None
    finally:
        workbook.close()


def _extras(archive: zipfile.ZipFile, member: str | None) -> SheetExtras:
    """Merged ranges and value-less formulas of a sheet, in one streaming pass over its XML.

    openpyxl's read-only worksheets know neither, and its `_worksheet_path` is the only way to
    the sheet's part (a private attribute: without it, the sheet is read without these checks).
    """
    if member is None:
        return SheetExtras((), frozenset())
    merged, uncomputed = [], set()
    parents: list[Any] = []
    with archive.open(member.lstrip("/")) as source:
        for event, element in ElementTree.iterparse(source, events=("start", "end")):
            if event == "start":
                parents.append(element)
                continue
            parents.pop()
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell":
                merged.append(element.get("ref", ""))
            elif tag == "c":
                children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
                value = children.get("v")
                if "f" in children and (value is None or not (value.text or "")):
                    uncomputed.add(element.get("r", ""))
            elif tag == "row" and parents:
                parents[-1].remove(element)  # done with: a sheet's rows must not pile up
    return SheetExtras(tuple(merged), frozenset(uncomputed))


def _marked(path: Path, rows: Iterable[tuple[Any, ...]], extras: SheetExtras) -> Rows:
    """The rows, a value-less formula cell replaced by UNCOMPUTED; openpyxl parses lazily, so
    a sheet damaged further down fails here, as one `InputError`."""
    iterator = iter(rows)
    for number in itertools.count(1):
        try:
            row = next(iterator)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001  # as in _load
            detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raise InputError.at(path, "", msg.not_a_workbook(detail)) from None
        if extras.uncomputed:
            row = tuple(
                UNCOMPUTED if value is None and f"{COLUMNS[i] if i < len(COLUMNS) else ''}{number}" in extras.uncomputed
                else value
                for i, value in enumerate(row)
            )
        yield row


def _padded(row: Sequence[Any]) -> tuple[Any, ...]:
    return (*row[: len(COLUMNS)], *([None] * (len(COLUMNS) - len(row))))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _header_ok(value: Any, column: int) -> bool:
    written = " ".join(_text(value).split()).casefold()
    return written in {header(column).casefold(), *(h.casefold() for h in HEADERS[column])}


def _site_entry(
    path: Path, title: str, site: str, rows: Rows, extras: SheetExtras, problems: ProblemCollector
) -> SiteEntry | None:
    """One site sheet's rows, or None (with problems) when its header row is wrong."""
    head = _padded(next(rows, ()))
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
    for merged in extras.merged:
        if _last_row(merged) >= 2:
            problems.add(path, sheet_place(title, merged), msg.merged_cells(merged))
    entries = []
    for number, values in enumerate(rows, 2):
        cells = _padded(values)
        for column in (CRITERION, LEVEL, OBSERVATIONS, EVIDENCE, *(c for _, c in FINDING_COLUMNS)):
            if cells[column] is UNCOMPUTED:
                where = sheet_place(title, f"{COLUMNS[column]}{number}")
                problems.add(path, where, msg.formula_without_value())
                cells = (*cells[:column], None, *cells[column + 1 :])
        entry = _row(title, number, cells)
        if entry is None and any(_text(cells[c]) for c in _ASSESSED):
            problems.add(path, sheet_place(title, f"B{number}"), msg.row_without_criterion())
        entries.append(entry)
    return SiteEntry(
        site=site,
        site_where=sheet_place(title),
        who="",
        when="",
        rows=tuple(entry for entry in entries if entry is not None),
    )


_ASSESSED = (LEVEL, OBSERVATIONS, EVIDENCE, *(column for _, column in FINDING_COLUMNS))


def _last_row(reference: str) -> int:
    """The last row of a range reference (`E3:E5` → 5)."""
    digits = "".join(ch for ch in reference.rsplit(":", 1)[-1] if ch.isdigit())
    return int(digits) if digits else 0


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
        "guidance": "Ce que l'auditeur recherche",
        "levels": "Niveaux",
        "choice": "Choix (liste déroulante)",
        "fields": "Auditeur : ____________________    Date de la visite : ____________",
        "page": "Page &P / &N",
    },
    "en": {
        "error_title": "Invalid level",
        "error": "Choose a level of the scale: {points}",
        "guidance": "What the auditor looks for",
        "levels": "Levels",
        "choice": "Choice (drop-down list)",
        "fields": "Auditor: ____________________    Date of the visit: ____________",
        "page": "Page &P of &N",
    },
    "de": {
        "error_title": "Ungültige Stufe",
        "error": "Eine Stufe der Skala wählen: {points}",
        "guidance": "Worauf der Auditor achtet",
        "levels": "Stufen",
        "choice": "Auswahl (Dropdown-Liste)",
        "fields": "Auditor: ____________________    Datum des Besuchs: ____________",
        "page": "Seite &P von &N",
    },
}


def write(request: TemplateRequest) -> None:
    """Write a blank XLSX grid: a sheet per site, the level descriptors, the scheme."""
    for site in request.sites:
        _check_title(request.path, site.id)
    from openpyxl import Workbook

    scale = request.scheme.scale_of(request.source)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for site in request.sites:
        _site_sheet(workbook.create_sheet(site.id), request, scale)
        _print_setup(workbook[site.id], f"{site.id} \N{EN DASH} {site.name}", request.lang)
    _levels_sheet(workbook.create_sheet(in_language(LEVELS_SHEET, request.lang)), scale, request.lang)
    _audit_sheet(workbook.create_sheet(AUDIT_SHEET), request.scheme)
    _neutralise(workbook)
    atomic_write(request.path, workbook.save)


def _neutralise(workbook: Workbook) -> None:
    """Every text cell a string that stays one: a criterion title or a scale label starting with
    `=`, `+`, `-` or `@` must not become a formula (see `labelaudit.write_safe_cell`)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    write_safe_cell(cell, cell.value)


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
        sheet.cell(sheet.max_row, 3).comment = _guidance(criterion.guidance, scale, request.lang)
    _style(sheet, WIDTHS, freeze="C2")
    if scale is not None and sheet.max_row > 1:
        sheet.add_data_validation(_level_choices(scale, request, f"E2:E{sheet.max_row}"))


def _guidance(guidance: Text | None, scale: Scale | None, lang: Lang) -> Comment:
    """The criterion's guidance and the level descriptors, on its title cell: what the auditor
    needs at hand while filling the row."""
    colon = " : " if lang == "fr" else ": "  # French puts a space before the colon
    parts = [f"{in_language(_TEXTS, lang)['guidance']}{colon}{guidance.get(lang)}"] if guidance else []
    for point in scale.points if scale else ():
        described = point.description.get(lang) if point.description else ""
        parts.append(choice_text(point, lang) + (f"{colon}{described}" if described else ""))
    from openpyxl.comments import Comment

    comment = Comment("\n".join(parts) or in_language(_TEXTS, lang)["levels"], "labelaudit")
    comment.width, comment.height = 480, 24 * max(len(parts), 1) + 40  # points: room for the text
    return comment


def _print_setup(sheet: Worksheet, title: str, lang: Lang) -> None:
    """A4 landscape, one page wide, the header row repeated on every page, the site, the
    auditor's and date fields in the page header and the page number in its footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.print_options.gridLines = True
    sheet.oddHeader.left.text = title.replace("&", "&&")
    sheet.oddHeader.right.text = in_language(_TEXTS, lang)["fields"]
    sheet.oddFooter.right.text = in_language(_TEXTS, lang)["page"]
    sheet.print_options.horizontalCentered = True


def _level_choices(scale: Scale, request: TemplateRequest, cells: str) -> DataValidation:
    """The drop-down: each point with its label (`3 – Déployé`), listed on the levels sheet so
    that a label with a comma stays one choice; a typed number is accepted as well."""
    from openpyxl.worksheet.datavalidation import DataValidation

    points = ", ".join(fmt(value) for value in scale.values)
    texts = in_language(_TEXTS, request.lang)
    sheet = in_language(LEVELS_SHEET, request.lang)
    validation = DataValidation(
        type="list",
        formula1=f"'{sheet}'!$F$2:$F${len(scale.points) + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",  # a typed `3` is not in the list, yet a sound level: warn, never block
        errorTitle=texts["error_title"],
        error=texts["error"].format(points=points),
    )
    validation.add(cells)
    return validation


def _levels_sheet(sheet: Worksheet, scale: Scale | None, lang: Lang) -> None:
    """The scale's points with their labels and descriptions in both languages, and the
    drop-down's choices (column F) in the grid's language."""
    sheet.append(
        ["Valeur / Value", "Libellé (fr)", "Label (en)", "Description (fr)", "Description (en)", in_language(_TEXTS, lang)["choice"]]
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
                choice_text(point, lang),
            ]
        )
    _style(sheet, (14, 30, 30, 70, 70, 30), freeze="A2")


def _audit_sheet(sheet: Worksheet, scheme: Scheme) -> None:
    sheet.append(["scheme", scheme.id])
    sheet.append(["version", scheme.version])
    _style(sheet, (14, 30), freeze=None, head=False)


def _style(
    sheet: Worksheet, widths: Sequence[int], *, freeze: str | None, head: bool = True
) -> None:
    """Column widths, wrapped text, a bold frozen header: readable on screen and on paper."""
    from openpyxl.styles import Alignment, Font, PatternFill

    wrap = Alignment(wrap_text=True, vertical="top")
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
    for column, width in zip(COLUMNS, widths):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=len(widths)):
        for cell in row:
            cell.alignment = wrap
    if head:
        for cell in sheet[1]:
            cell.font, cell.fill = head_font, head_fill
    sheet.freeze_panes = freeze
