"""What the TOML and XLSX grids share: one row per criterion and site, checked the same way.

Each format reader turns its file into `SiteEntry` / `Row` values that still hold the raw
level and say where each value was written; `Builder` then checks them against the scheme and
the audit and turns them into `Evidence` and `Finding`. Checking in one place means a grid
gives the same verdict whichever format the auditor chose.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO, TypeVar


from labelaudit import (
    CollectRequest,
    Criterion,
    Evidence,
    Finding,
    LANGS,
    InputError,
    Lang,
    ProblemCollector,
    Provenance,
    ScalePoint,
    Scheme,
    Source,
    Text,
    atomic_output,
    fold_header,
)

from labelaudit_onsite import _messages as msg

T = TypeVar("T")  # what `in_language` picks from a table of texts


@dataclass(frozen=True)
class FindingText:
    """One finding as written: its kind, its text and where it was written."""

    kind: str  # a member of labelaudit.FINDING_KINDS
    text: str
    location: str


@dataclass(frozen=True)
class Row:
    """One criterion's entry in a grid, before any check: the level is still the raw value."""

    criterion: str
    level: Any  # None when not assessed; a Fraction (TOML) or a cell value (XLSX)
    observations: str
    references: tuple[str, ...]
    findings: tuple[FindingText, ...]
    id_where: str  # where a problem with the criterion id is reported
    level_where: str  # where a problem with the level is reported
    location: str  # the provenance location of the level

    @property
    def filled(self) -> bool:
        """Whether the auditor wrote anything for this criterion."""
        return bool(
            self.level is not None or self.observations or self.references or self.findings
        )


@dataclass(frozen=True)
class SiteEntry:
    """One site's part of a grid file: who assessed it, when, and its rows."""

    site: str
    site_where: str
    who: str
    when: str
    rows: tuple[Row, ...]


def fmt(value: Fraction) -> str:
    """A scale value as people write it: `3`, `2.5` (scale points are finite decimals)."""
    if value.denominator == 1:
        return str(value.numerator)
    return str(Decimal(value.numerator) / Decimal(value.denominator))


def scale_values(scheme: Scheme, source: Source) -> tuple[Fraction, ...]:
    """The points a level may take for this grid source (empty if the scheme gives no scale)."""
    scale = scheme.scale_of(source)
    return scale.values if scale is not None else ()


def grid_criteria(scheme: Scheme, source: Source) -> tuple[Criterion, ...]:
    """The criteria this grid source evidences, in scheme order (those with its binding)."""
    return tuple(
        c for c in scheme.criteria() if any(b.id == source.id for b in c.bindings)
    )


def in_language(texts: Mapping[str, T], lang: Lang) -> T:
    """The template's texts in `lang`, else in its base language (`de` for `de_AT`), else in
    English: a language labelaudit speaks from a catalog file alone still gets a grid."""
    found = texts.get(lang) or texts.get(lang.split("_", 1)[0])
    return found if found is not None else texts["en"]


def choice_text(point: ScalePoint, lang: Lang) -> str:
    """A level as the grid's drop-down offers it: `3 – Déployé`."""
    return f"{fmt(point.value)} \N{EN DASH} {point.label.get(lang)}"


def level_choices(scheme: Scheme, source: Source) -> dict[str, Fraction]:
    """Each point's drop-down text in either language, folded as headers are, to its value."""
    scale = scheme.scale_of(source)
    return {
        fold_header(choice_text(point, lang)): point.value
        for point in (scale.points if scale is not None else ())
        for lang in LANGS
    }


def parse_level(raw: Any, values: tuple[Fraction, ...], choices: Mapping[str, Fraction] | None = None) -> Fraction | Text:
    """The level as a scale point, or the problem to report.

    Accepts a number equal to a point (XLSX gives floats such as 3.0), a text holding one
    ("3", "2,5"), since spreadsheets store what the auditor typed either way, or the drop-down's
    text of a point (`3 – Déployé`, in either language; a number with another point's label is
    refused, not guessed).
    """
    number = _as_number(raw)
    if number is not None and number in values:
        return number
    if isinstance(raw, str) and choices and (chosen := choices.get(fold_header(raw))) is not None:
        return chosen
    points = ", ".join(fmt(v) for v in values)
    if isinstance(raw, (dt.date, dt.time, dt.timedelta)):  # a number formatted as a date
        return msg.level_is_date(str(raw), points)
    if isinstance(raw, str):
        return msg.level_text_off_scale(points, raw)
    return msg.level_off_scale(points, _shown(raw))


def _shown(raw: Any) -> str:
    """A non-text value as the auditor typed it (`2.4`, not the float's binary expansion)."""
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    number = _as_number(raw)
    return fmt(number) if number is not None else repr(raw)


def _as_number(raw: Any) -> Fraction | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, Fraction, Decimal)):
        return Fraction(raw)
    if isinstance(raw, float):
        return Fraction(raw) if raw == raw and abs(raw) != float("inf") else None
    if isinstance(raw, str):
        try:
            number = Decimal(raw.strip().replace(",", "."))
        except InvalidOperation:
            return None
        return Fraction(number) if number.is_finite() else None
    return None


def relative(path: Path, folder: Path) -> str:
    """The file as the record names it: relative to the audit folder, with `/` separators."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a grid through `atomic_output`: all of it or nothing, never over an existing file."""
    with atomic_output(path) as handle:
        write(handle)


class Builder:
    """Checks rows against the scheme and the audit and turns them into evidence and findings.

    One builder serves every file of a source, so that a criterion given twice for a site is
    caught even when the two entries are in different files.
    """

    def __init__(self, request: CollectRequest, problems: ProblemCollector) -> None:
        self.request = request
        self.problems = problems
        self.values = scale_values(request.scheme, request.source)
        self.choices = level_choices(request.scheme, request.source)
        self.sites = tuple(site.id for site in request.audit.sites)
        self.bindings: dict[str, list[str]] = {}
        for criterion, binding in request.bindings:
            if binding.id == request.source.id:
                self.bindings.setdefault(criterion.id, []).append(binding.id)
        self.seen: dict[tuple[str, str], str] = {}  # (site, criterion) of a filled row → where
        self.listed: dict[tuple[int, str, str], str] = {}  # (file's rank, site, criterion) of any row
        self.files_read = 0
        self.evidence: list[Evidence] = []
        self.findings: list[Finding] = []

    def add(self, file: Path, entries: list[SiteEntry]) -> None:
        """Check and convert every row of one file."""
        self.files_read += 1
        shown = relative(file, self.request.audit.folder)
        for entry in entries:
            if entry.site not in self.sites:
                self.problems.add(
                    file, entry.site_where, msg.unknown_site(entry.site, ", ".join(self.sites))
                )
                continue
            for row in entry.rows:
                self._row(file, shown, entry, row)

    def _row(self, file: Path, shown: str, entry: SiteEntry, row: Row) -> None:
        requirement = self.request.scheme.requirement_of(row.criterion)
        if requirement is None:
            self.problems.add(file, row.id_where, self._unknown_criterion(row.criterion))
            return
        key = (entry.site, row.criterion)
        here = f"{Path(shown).name} {row.id_where}"
        # Within one file a criterion listed twice is a mistake even blank (which row was the
        # auditor to fill in?). Across files only filled rows clash: two auditors may each fill
        # their own criteria in a copy of the same blank template.
        first = self.seen.get(key) if row.filled else None
        first = first or self.listed.get((self.files_read, *key))
        if first is not None:
            self.problems.add(file, row.id_where, msg.criterion_twice(row.criterion, entry.site, first))
            return
        self.listed[(self.files_read, *key)] = here
        if not row.filled:
            return  # a blank row of a template gives nothing
        self.seen[key] = here
        if row.level is not None:
            level = parse_level(row.level, self.values, self.choices)
            if isinstance(level, Text):
                self.problems.add(file, row.level_where, level)
            else:
                self._evidence(shown, entry, row, level)
        for finding in row.findings:
            self.findings.append(
                Finding(
                    requirement=requirement.id,
                    kind=finding.kind,  # type: ignore[arg-type]  # checked by the readers
                    text=finding.text,
                    site=entry.site,
                    criterion=row.criterion,
                    provenance=Provenance(shown, finding.location, entry.who, entry.when),
                )
            )

    def _evidence(self, shown: str, entry: SiteEntry, row: Row, level: Fraction) -> None:
        for binding_id in self.bindings.get(row.criterion, ()):
            self.evidence.append(
                Evidence(
                    criterion=row.criterion,
                    binding=binding_id,
                    site=entry.site,
                    value=level,
                    observations=(row.observations,) if row.observations else (),
                    references=row.references,
                    provenance=Provenance(shown, row.location, entry.who, entry.when),
                )
            )

    def _unknown_criterion(self, criterion: str) -> Text:
        known = [c.id for c in self.request.scheme.criteria()]
        close = difflib.get_close_matches(criterion, known, n=1)
        return msg.unknown_criterion(
            criterion, self.request.scheme.id, close[0] if close else None
        )


def lines(value: Any) -> tuple[str, ...]:
    """The non-blank lines of a cell or text, stripped: one reference or finding per line."""
    if value is None:
        return ()
    return tuple(line.strip() for line in str(value).splitlines() if line.strip())
