"""The on-site grid as TOML: one site per file, or several `[[sites]]` tables in one file.

Reading structures the file into the frozen classes below through `labelaudit.structure`, so
unknown keys, missing keys and wrong types are reported with their line and key path like any
other labelaudit file. Writing produces the same layout, blank, with comments giving each
criterion's title and the scale's labels in the requested language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from fractions import Fraction
from pathlib import Path
from typing import Any

import tomli_w

from labelaudit import (
    FINDING_KINDS,
    CollectRequest,
    Criterion,
    ProblemCollector,
    TemplateRequest,
    load_toml,
    structure,
    where,
)

from labelaudit_onsite import _messages as msg
from labelaudit_onsite._common import (
    FindingText,
    Row,
    SiteEntry,
    atomic_write,
    fmt,
    grid_criteria,
    in_language,
)


@dataclass(frozen=True)
class GridFindings:
    """`[criteria.findings]`: one list of texts per finding kind (see FINDING_KINDS)."""

    strength: tuple[str, ...] = ()
    improvement: tuple[str, ...] = ()
    sensitive: tuple[str, ...] = ()
    minor: tuple[str, ...] = ()
    major: tuple[str, ...] = ()


if tuple(f.name for f in fields(GridFindings)) != FINDING_KINDS:  # the model gained a kind
    raise RuntimeError(f"GridFindings must have one field per kind of {FINDING_KINDS}")


@dataclass(frozen=True)
class GridCriterion:
    """One `[[criteria]]` entry: the auditor's level, notes, references and findings."""

    id: str
    level: Fraction | None = None
    observations: str = ""
    evidence: tuple[str, ...] = ()
    findings: GridFindings = field(default_factory=GridFindings)


@dataclass(frozen=True)
class GridSite:
    """One `[[sites]]` table of a several-site file: the single-site keys."""

    site: str
    scheme: str | None = None
    auditor: str = ""
    date: dt.date | None = None
    criteria: tuple[GridCriterion, ...] = ()


@dataclass(frozen=True)
class GridFile:
    """A whole grid file: either the single-site keys or `sites` (checked after structuring)."""

    scheme: str | None = None
    site: str | None = None
    auditor: str = ""
    date: dt.date | None = None
    criteria: tuple[GridCriterion, ...] = ()
    sites: tuple[GridSite, ...] = ()


# --- Reading -----------------------------------------------------------------------------------


def read(path: Path, request: CollectRequest, problems: ProblemCollector) -> list[SiteEntry]:
    """The site entries of one TOML grid; structural problems raise, the rest are collected."""
    data, text, _digest = load_toml(path)
    grid = structure(_lenient(data), GridFile, file=path, text=text)
    schemes = [("scheme", grid.scheme)]
    schemes += [(f"sites[{i}].scheme", site.scheme) for i, site in enumerate(grid.sites)]
    for key_path, scheme in schemes:
        if scheme is not None and scheme != request.scheme.id:
            problems.add(path, where(text, key_path), msg.other_scheme(scheme, request.scheme.id))
    return [_entry(prefix, site, text) for prefix, site in _sites(grid, path, text, problems)]


def _sites(
    grid: GridFile, path: Path, text: str, problems: ProblemCollector
) -> list[tuple[str, GridSite]]:
    """Both layouts as a list of (key-path prefix, site table)."""
    single = grid.site is not None or grid.criteria or grid.auditor or grid.date is not None
    if grid.sites:
        if single:
            problems.add(path, where(text, "sites"), msg.both_layouts())
        return [(f"sites[{i}].", site) for i, site in enumerate(grid.sites)]
    if grid.site is None:
        problems.add(path, where(None, "site"), msg.site_missing())
        return []
    return [("", GridSite(grid.site, grid.scheme, grid.auditor, grid.date, grid.criteria))]


def _entry(prefix: str, site: GridSite, text: str) -> SiteEntry:
    rows = []
    for index, criterion in enumerate(site.criteria):
        location = f"{prefix}criteria[{index}]"
        rows.append(
            Row(
                criterion=criterion.id,
                level=criterion.level,
                observations=criterion.observations.strip(),
                references=tuple(ref.strip() for ref in criterion.evidence if ref.strip()),
                findings=_findings(criterion.findings, location),
                id_where=where(text, f"{location}.id"),
                level_where=where(text, f"{location}.level"),
                location=location,
            )
        )
    return SiteEntry(
        site=site.site,
        site_where=where(text, f"{prefix}site"),
        who=site.auditor.strip(),
        when=site.date.isoformat() if site.date else "",
        rows=tuple(rows),
    )


def _findings(findings: GridFindings, location: str) -> tuple[FindingText, ...]:
    return tuple(
        FindingText(kind, written.strip(), f"{location}.findings.{kind}[{index}]")
        for kind in FINDING_KINDS
        for index, written in enumerate(getattr(findings, kind))
        if written.strip()
    )


def _lenient(data: dict[str, Any]) -> dict[str, Any]:
    """A single text where a list of texts is expected means a list of one.

    Without this, `evidence = "Plan 2025"` would be read as one reference per character.
    """

    def criterion(entry: Any) -> Any:
        if not isinstance(entry, dict):
            return entry
        entry = dict(entry)
        if isinstance(entry.get("evidence"), str):
            entry["evidence"] = [entry["evidence"]]
        if isinstance(entry.get("findings"), dict):
            entry["findings"] = {
                k: [v] if isinstance(v, str) else v for k, v in entry["findings"].items()
            }
        return entry

    def table(entry: Any) -> Any:
        if isinstance(entry, dict) and isinstance(entry.get("criteria"), list):
            return {**entry, "criteria": [criterion(c) for c in entry["criteria"]]}
        return entry

    data = table(data)
    if isinstance(data.get("sites"), list):
        data = {**data, "sites": [table(s) for s in data["sites"]]}
    return data


# --- Writing -----------------------------------------------------------------------------------

_TEMPLATE_TEXTS = {
    "fr": {
        "level": "level : niveau atteint (laisser absent si non évalué) :",
        "findings": "findings : constats, une liste de textes par type :",
        "site": "Site",
    },
    "en": {
        "level": "level: the level reached (leave it out when not assessed):",
        "findings": "findings: one list of texts per kind:",
        "site": "Site",
    },
    "de": {
        "level": "level: die erreichte Stufe (weglassen, wenn nicht bewertet):",
        "findings": "findings: Feststellungen, eine Liste von Texten je Art:",
        "site": "Standort",
    },
}


def write(request: TemplateRequest) -> None:
    """Write a blank TOML grid: the single-site layout for one site, `[[sites]]` for several."""
    criteria = grid_criteria(request.scheme, request.source)
    tables = [_blank_site(request, site.id, criteria) for site in request.sites]
    document = tables[0] if len(tables) == 1 else {"sites": tables}
    text = _annotate(tomli_w.dumps(document), request, criteria)
    atomic_write(request.path, lambda handle: handle.write(text.encode("utf-8")))


def _blank_site(
    request: TemplateRequest, site: str, criteria: tuple[Criterion, ...]
) -> dict[str, Any]:
    return {
        "scheme": request.scheme.id,
        "site": site,
        "auditor": "",
        "criteria": [
            {
                "id": criterion.id,
                "observations": "",
                "evidence": [],
                "findings": {kind: [] for kind in FINDING_KINDS},
            }
            for criterion in criteria
        ],
    }


def _annotate(body: str, request: TemplateRequest, criteria: tuple[Criterion, ...]) -> str:
    """Add comments: a heading with the scale, each site's name, each criterion's title.

    tomli-w writes no comments, but every `[[criteria]]` / `[[sites]]` header it writes starts
    a line of its own (strings never span lines), so the comments go just above them.
    """
    lang, texts = request.lang, in_language(_TEMPLATE_TEXTS, request.lang)
    titles = iter(
        f"# {c.id} — {_one_line(c.title.get(lang))}" for _ in request.sites for c in criteria
    )
    names = iter(f"# {texts['site']} {s.id} — {_one_line(s.name)}" for s in request.sites)
    out = _heading(request)
    for line in body.splitlines():
        if line in ("[[criteria]]", "[[sites.criteria]]"):
            out.append(next(titles))
        elif line == "[[sites]]":
            out.append(next(names))
        out.append(line)
    return "\n".join(out) + "\n"


def _heading(request: TemplateRequest) -> list[str]:
    lang, texts = request.lang, in_language(_TEMPLATE_TEXTS, request.lang)
    scheme, scale = request.scheme, request.scheme.scale_of(request.source)
    heading = [
        f"# {_one_line(request.source.title.get(lang))} — {_one_line(scheme.title.get(lang))}"
        f" ({scheme.id} {scheme.version})",
        f"# {texts['level']}",
    ]
    for point in scale.points if scale else ():
        heading.append(f"#   {fmt(point.value)} = {_one_line(point.label.get(lang))}")
    heading.append(f"# {texts['findings']} {', '.join(FINDING_KINDS)}")
    return [*heading, ""]


def _one_line(text: str) -> str:
    return " ".join(text.split())
