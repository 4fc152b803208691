"""Reading an audit folder's `audit.toml`, and checking it against its scheme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from labelaudit.convert import structure
from labelaudit.errors import InputError, Problem
from labelaudit.i18n import tr, unknown_thing
from labelaudit.model import Audit, Scheme
from labelaudit.tomlfiles import load_toml, where

AUDIT_FILE = "audit.toml"


def audit_path(path: Path) -> Path:
    """Accept the audit folder or its `audit.toml`."""
    return path / AUDIT_FILE if path.is_dir() else path


def _split_sources(data: dict[str, Any]) -> dict[str, Any]:
    """`[sources.X]` holds `files` (read by the engine) and the plugin's own options."""
    sources = data.get("sources")
    if not isinstance(sources, dict):
        return data
    split = {}
    for name, table in sources.items():
        if isinstance(table, dict):
            options = {k: v for k, v in table.items() if k != "files"}
            split[name] = {"files": table.get("files", []), "options": options}
        else:
            split[name] = table
    return {**data, "sources": split}


def load_audit(path: Path) -> tuple[Audit, str, str]:
    """The audit, its TOML text (to place later problems) and its digest."""
    file = audit_path(path)
    data, text, file_digest = load_toml(file)
    audit = structure(_split_sources(data), Audit, file=file, text=text)
    folder = file.parent
    sources = {
        name: attrs.evolve(inputs, files=tuple(folder / f for f in inputs.files))
        for name, inputs in audit.sources.items()
    }
    return attrs.evolve(audit, sources=sources, folder=folder, file=file), text, file_digest


def check_audit(audit: Audit, scheme: Scheme, text: str | None) -> list[Problem]:
    """Everything in the audit that must agree with its scheme and its folder."""
    file = str(audit.file)
    problems = []
    site_ids = [s.id for s in audit.sites]
    for i, site_id in enumerate(site_ids):
        if site_id in site_ids[:i]:
            problems.append(Problem(file, where(text, f"sites[{i}].id"), tr("id.duplicate", id=site_id, first=f"sites[{site_ids.index(site_id)}]")))
    for name, inputs in audit.sources.items():
        if name not in scheme.sources:
            problems.append(Problem(file, where(text, f"sources.{name}"), tr("ref.unknown", what=unknown_thing("source"), name=name, known=", ".join(scheme.sources))))
        if not inputs.files:
            problems.append(Problem(file, where(text, f"sources.{name}.files"), tr("audit.no_files", source=name)))
        for j, path in enumerate(inputs.files):
            if not path.is_file():
                what = f"{tr('file.missing')}: {path}"
                problems.append(Problem(file, where(text, f"sources.{name}.files[{j}]"), what))
    criteria = {c.id for c in scheme.criteria()}
    for i, exclusion in enumerate(audit.exclusions):
        if exclusion.criterion not in criteria:
            problems.append(Problem(file, where(text, f"exclusions[{i}].criterion"), tr("ref.unknown", what=unknown_thing("criterion"), name=exclusion.criterion, known=tr("ref.criteria_of", count=len(criteria), scheme=scheme.id))))
    return problems


def require_valid(audit: Audit, scheme: Scheme, text: str | None) -> None:
    problems = check_audit(audit, scheme, text)
    if problems:
        raise InputError(problems)
