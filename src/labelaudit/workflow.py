"""The auditor's path as library calls: prepare an audit, collect its evidence, decide, record.

The CLI is a thin layer over these functions; tests and other tools call them directly.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from labelaudit.collect import DEFAULT_TIMEOUT, Collected, OnPluginError, Progress, collect, prepare
from labelaudit.engine import Decision, Inputs, reason, score
from labelaudit.errors import InputError
from labelaudit.i18n import tr
from labelaudit.plugins import Plugins
from labelaudit.record import build_record
from labelaudit.tomlfiles import where


@frozen
class Scored:
    collected: Collected
    decision: Decision
    record: dict[str, Any]


@contextmanager
def without_gc_pauses(*, process_ends: bool = False) -> Iterator[None]:
    """Pause Python's cyclic garbage collector (the command line does, around a command).

    Reading and scoring a network allocates millions of small objects that form no reference
    cycles (tallies, measures, results); the collector would walk all of them again and again,
    which costs about a third of the time. Memory is still freed by reference counting, and
    the collector resumes, and catches up, when the block ends. Mercurial does the same (`nogc`).
    A library caller chooses for itself: `score_audit` leaves the collector as it finds it.

    `process_ends`: the block is the process's last work (`labelaudit` run as a program), so
    what it left is frozen (`gc.freeze`) rather than walked once more as the collector resumes:
    0.2 s on a network's record, for memory the process hands back when it exits a moment later.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if process_ends:
                gc.freeze()
            gc.enable()


def decision_date(collected: Collected, override: dt.date | None) -> dt.date:
    """The decision date is an input: `--decided-on`, else the audit's `dates.decision`."""
    if override is not None:
        return override
    audit = collected.prepared.audit
    if audit.dates.decision is None:
        raise InputError.at(audit.file or "audit.toml", where(None, "dates.decision"), tr("audit.no_decision_date"))
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
        designs=audit.survey_design,
    )


def exclusions_of(collected: Collected) -> dict[str, tuple[str, str]]:
    return {e.criterion: (e.justification, e.approved_by) for e in collected.prepared.audit.exclusions}


def with_skipped_sources(decision: Decision, collected: Collected) -> Decision:
    """The outcome's reasons open with each source left out because its plugin failed."""
    if not collected.skipped:
        return decision
    skipped = tuple(reason("plugin_skipped", source=s.source, plugin=s.plugin) for s in collected.skipped)
    outcome = decision.central.outcome
    outcome = attrs.evolve(outcome, reasons=skipped + tuple(outcome.reasons))
    return attrs.evolve(decision, central=attrs.evolve(decision.central, outcome=outcome))


def score_audit(
    path: Path,
    plugins: Plugins,
    *,
    rulesets: Sequence[Path] = (),
    decided_on: dt.date | None = None,
    max_errors: int = 50,
    progress: Progress | None = None,
    on_plugin_error: OnPluginError = "stop",
    plugin_timeout: float = DEFAULT_TIMEOUT,
    warn: Progress | None = None,
) -> Scored:
    """Prepare, collect, score and record one audit.

    `on_plugin_error`, `plugin_timeout` and `warn` are passed to `collect`: with "skip", a
    source whose plugin fails is left out, and both the record and the reasons say so.
    """
    collected = collect(
        prepare(path, plugins, rulesets),
        plugins,
        max_errors=max_errors,
        progress=progress,
        on_plugin_error=on_plugin_error,
        timeout=plugin_timeout,
        warn=warn,
    )
    decision = with_skipped_sources(score(inputs_of(collected, plugins), exclusions_of(collected)), collected)
    record = build_record(collected, decision, plugins, decision_date(collected, decided_on))
    return Scored(collected, decision, record)
