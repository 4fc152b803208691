"""The auditor's path as library calls: prepare an audit, collect its evidence, decide, record.

The CLI is a thin layer over these functions; tests and other tools call them directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from labelaudit.collect import Collected, Progress, collect, prepare
from labelaudit.engine import Decision, Inputs, score
from labelaudit.errors import InputError
from labelaudit.plugins import Plugins
from labelaudit.record import build_record


@frozen
class Scored:
    collected: Collected
    decision: Decision
    record: dict[str, Any]


def decision_date(collected: Collected, override: dt.date | None) -> dt.date:
    """The decision date is an input: `--decided-on`, else the audit's `dates.decision`."""
    if override is not None:
        return override
    audit = collected.prepared.audit
    if audit.dates.decision is None:
        raise InputError.at(audit.file or "audit.toml", "key dates.decision", "a decision date is needed (or --decided-on)")
    return audit.dates.decision


def inputs_of(collected: Collected, plugins: Plugins) -> Inputs:
    audit = collected.prepared.audit
    return Inputs(
        scheme=collected.prepared.scheme,
        sites=audit.sites,
        evidence=collected.evidence,
        findings=collected.findings,
        excluded=frozenset(e.criterion for e in audit.exclusions),
        indicators=plugins.indicators,
    )


def exclusions_of(collected: Collected) -> dict[str, tuple[str, str]]:
    return {e.criterion: (e.justification, e.approved_by) for e in collected.prepared.audit.exclusions}


def score_audit(
    path: Path,
    plugins: Plugins,
    *,
    rulesets: Sequence[Path] = (),
    decided_on: dt.date | None = None,
    max_errors: int = 50,
    progress: Progress | None = None,
) -> Scored:
    collected = collect(prepare(path, plugins, rulesets), plugins, max_errors=max_errors, progress=progress)
    decision = score(inputs_of(collected, plugins), exclusions_of(collected))
    record = build_record(collected, decision, plugins, decision_date(collected, decided_on))
    return Scored(collected, decision, record)
