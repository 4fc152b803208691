"""The built-in `grid` source kind: the on-site auditor's evaluation grid, as TOML or XLSX.

A plugin like any third party's: it imports only labelaudit's public API. `collect` reads the
grid files an audit gives a grid source and reports one `Evidence` per assessed criterion and
site (the level, on the source's scale) and one `Finding` per finding text; `write_template`
writes the blank grid an auditor fills in (`labelaudit grid`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from labelaudit import (
    Collection,
    CollectRequest,
    InputError,
    ProblemCollector,
    SourceKind,
    TemplateRequest,
    Text,
    hookimpl,
    where,
)

from labelaudit_onsite import _messages as msg
from labelaudit_onsite import _toml_grid, _xlsx_grid
from labelaudit_onsite._common import Builder, SiteEntry

LABELAUDIT_API = 1  # the labelaudit plugin API this plugin is written for
SUFFIXES = (".toml", ".xlsx")


def collect(request: CollectRequest) -> Collection:
    """Read every grid file of the source; report all problems at once, each at its place."""
    problems = ProblemCollector(request.max_errors)
    _check_options(request, problems)
    builder = Builder(request, problems)
    notes: list[Text] = []
    seen = _xlsx_grid.Seen(set(), {})
    for path in request.inputs.files:
        try:
            entries = _read(path, request, problems, notes, seen)
        except InputError as exc:  # the file could not be read or structured at all
            for problem in exc.problems:
                problems.add(problem.file, problem.where, problem.what)
            continue
        seen.sites.update(entry.site for entry in entries)
        builder.add(path, entries)
    if not problems:  # a file that could not be read would make every site look missing
        seen.missing(request, problems)
    problems.raise_if_any()
    return Collection(
        evidence=tuple(builder.evidence), findings=tuple(builder.findings), notes=tuple(notes)
    )


def _read(
    path: Path,
    request: CollectRequest,
    problems: ProblemCollector,
    notes: list[Text],
    seen: _xlsx_grid.Seen,
) -> list[SiteEntry]:
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return _toml_grid.read(path, request, problems)
    if suffix == ".xlsx":
        return _xlsx_grid.read(path, request, problems, notes, seen)
    raise InputError.at(path, "", msg.grid_suffix(path.suffix))


def _check_options(request: CollectRequest, problems: ProblemCollector) -> None:
    """A grid source takes no options: any key besides `files` is a mistake worth naming."""
    audit_file = request.audit.file or request.audit.folder / "audit.toml"
    for option in request.inputs.options:
        problems.add(
            audit_file,
            where(None, f"sources.{request.source.id}.{option}"),
            msg.unknown_option(option),
        )


_WRITERS: dict[str, Callable[[TemplateRequest], None]] = {
    ".toml": _toml_grid.write,
    ".xlsx": _xlsx_grid.write,
}


def write_template(request: TemplateRequest) -> None:
    """Write a blank grid for the request's sites, in the format its suffix names."""
    writer = _WRITERS.get(request.path.suffix.lower())
    if writer is None:
        raise InputError.at(request.path, "", msg.template_suffix(SUFFIXES))
    writer(request)


SOURCE_KIND = SourceKind(
    name="grid",
    title=Text(fr="Grille d'évaluation sur site", en="On-site evaluation grid", others={"de": "Vor-Ort-Bewertungsraster"}),
    collect=collect,
    write_template=write_template,
    template_suffixes=SUFFIXES,
)


@hookimpl
def labelaudit_register_sources(register: Callable[[SourceKind], None]) -> None:
    """Provide the `grid` source kind."""
    register(SOURCE_KIND)
