"""Collecting evidence: each source of an audit is read by the plugin that provides its kind.

A plugin's `collect` is third-party code, so it is contained: it runs in a daemon worker
thread that is waited for at most `timeout` seconds, anything it raises other than
`InputError` (bad input, the user's to fix) becomes a `PluginError` naming it, and what it
returns is checked against the contract before the engine sees it: evidence for a criterion,
binding or site the audit does not have, a value or sample that is not exact, a sample for a
binding without indicator, a pre-aggregated measure that breaks the measure contract or that
cannot be pooled over the sites, is the plugin's fault and is reported by the plugin's name,
version and origin. A failing plugin stops the run, unless the caller chose
to skip its source (``--on-plugin-error skip``): the source's evidence is then missing, and
`Collected.skipped` says so, for the record and the outcome's reasons. Never silently.
"""

from __future__ import annotations

import contextvars
import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from attrs import frozen

from labelaudit.audits import load_audit, onsite_visit_problems, require_valid, survey_design_problems
from labelaudit.errors import InputError, LabelauditError, PluginError, Problem
from labelaudit.i18n import both, tr
from labelaudit.indicators import declared_range, measure_problem
from labelaudit.model import (
    FINDING_KINDS,
    Audit,
    Binding,
    Collection,
    CollectRequest,
    Evidence,
    Finding,
    Indicator,
    IndicatorContext,
    Measure,
    Sample,
    Scheme,
    SourceKind,
    Text,
)
from labelaudit.numbers import z_for
from labelaudit.options import DEFAULT_TIMEOUT, ON_PLUGIN_ERROR, OnPluginError
from labelaudit.plugins import Plugins
from labelaudit.tomlfiles import read_bytes

Progress = Callable[[str], None]



@frozen
class Prepared:
    """An audit loaded and checked against its scheme."""

    audit: Audit
    audit_text: str
    audit_digest: str
    scheme: Scheme


@frozen
class SkippedSource:
    """A source left out of the score because its plugin failed (``--on-plugin-error skip``)."""

    source: str
    plugin: str
    problem: str | Text  # labelaudit's own words in both languages, or the plugin's own text


@frozen
class Collected:
    prepared: Prepared
    evidence: tuple[Evidence, ...]
    findings: tuple[Finding, ...]
    input_digests: dict[str, str]
    notes: tuple[str | Text, ...]
    skipped: tuple[SkippedSource, ...] = ()


def prepare(path: Path, plugins: Plugins, rulesets: Sequence[Path] = ()) -> Prepared:
    audit, text, audit_digest = load_audit(path)
    scheme = plugins.scheme(audit.scheme, rulesets)
    require_valid(audit, scheme, text)
    return Prepared(audit, text, audit_digest, scheme)


def file_digest(path: Path) -> str:
    """sha256 of a file, read in chunks: evidence files can be large."""
    try:
        with path.open("rb") as handle:
            return "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        read_bytes(path)  # raises the placed, translated error
        raise


def relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()


def collect(
    prepared: Prepared,
    plugins: Plugins,
    *,
    max_errors: int = 50,
    progress: Progress | None = None,
    on_plugin_error: OnPluginError = "stop",
    timeout: float = DEFAULT_TIMEOUT,
    warn: Progress | None = None,
) -> Collected:
    """Every source's evidence; bad input of all sources is reported together.

    A plugin's failure (`PluginError`) stops the collection, or with ``on_plugin_error="skip"``
    leaves that source out: `warn` is told, and `Collected.skipped` keeps it for the record.
    """
    audit = prepared.audit
    evidence: list[Evidence] = []
    findings: list[Finding] = []
    notes: list[str | Text] = []
    skipped: list[SkippedSource] = []
    problems: list[Problem] = []
    dropped = 0  # problems a plugin already left out under --max-errors
    digests: dict[str, str] = {}
    for source_id in sorted(audit.sources):
        for path in audit.sources[source_id].files:
            digests[relative(path, audit.folder)] = file_digest(path)
        if progress:
            progress(tr("progress.collect", source=source_id))
        try:
            collection = collect_source(prepared, plugins, source_id, max_errors=max_errors, timeout=timeout)
        except InputError as exc:
            problems.extend(exc.problems)  # report every source's problems together
            dropped += exc.truncated
            continue
        except PluginError as exc:
            if on_plugin_error != "skip":
                raise
            skipped.append(_skip(prepared, plugins, source_id, exc, warn))
            continue
        evidence.extend(collection.evidence)
        findings.extend(collection.findings)
        notes.extend(collection.notes)
    if not problems:  # the sampling plan against what the grid holds (see audits.onsite_visit_problems)
        left_out = {s.source for s in skipped}
        problems.extend(onsite_visit_problems(audit, prepared.scheme, prepared.audit_text, evidence, left_out))
        problems.extend(survey_design_problems(audit, prepared.audit_text, evidence, left_out))
    if problems:
        raise InputError(problems[:max_errors], truncated=dropped + max(0, len(problems) - max_errors))
    return Collected(
        prepared, tuple(evidence), tuple(findings), dict(sorted(digests.items())), tuple(notes), tuple(skipped)
    )


def _skip(prepared: Prepared, plugins: Plugins, source_id: str, exc: PluginError, warn: Progress | None) -> SkippedSource:
    kind = plugins.kinds[prepared.scheme.sources[source_id].kind]
    skipped = SkippedSource(source_id, kind.plugin, exc.what)
    if warn:
        warn(tr("plugin.skipped", plugin=kind.plugin, source=source_id, problem=exc.text))
    return skipped


def request_for(prepared: Prepared, source_id: str, max_errors: int = 50) -> CollectRequest:
    """What the engine hands a source kind's `collect` for one source of the audit."""
    scheme, audit = prepared.scheme, prepared.audit
    bindings = tuple((c, b) for c in scheme.criteria() for b in c.bindings if b.source == source_id)
    return CollectRequest(scheme, audit, scheme.sources[source_id], audit.sources[source_id], bindings, max_errors)


def collect_source(
    prepared: Prepared, plugins: Plugins, source_id: str, *, max_errors: int = 50, timeout: float = DEFAULT_TIMEOUT
) -> Collection:
    """One source's `Collection`, read by its plugin in a worker thread and checked.

    Raises `InputError` for bad input and `PluginError` when the plugin fails, is too slow or
    returns something the contract forbids.
    """
    request = request_for(prepared, source_id, max_errors)
    kind = plugins.kinds[request.source.kind]
    return check_collection(kind.plugin_label or kind.plugin, request, call_collect(kind, request, timeout), plugins.indicators)


def call_collect(kind: SourceKind, request: CollectRequest, timeout: float = DEFAULT_TIMEOUT) -> object:
    """`kind.collect(request)` in a daemon thread, waited for at most `timeout` seconds.

    The thread runs in a copy of the caller's context (the language of messages is a context
    variable). A thread that overruns is left behind: Python cannot stop it, and as a daemon
    it does not keep the process alive.
    """
    outcome: list[tuple[bool, Any]] = []

    def work() -> None:
        try:
            outcome.append((True, kind.collect(request)))
        except BaseException as exc:  # a plugin calling sys.exit is contained too
            outcome.append((False, exc))

    context = contextvars.copy_context()
    worker = threading.Thread(
        target=context.run, args=(work,), name=f"labelaudit-collect-{request.source.id}", daemon=True
    )
    worker.start()
    worker.join(timeout)
    plugin = kind.plugin_label or kind.plugin  # its name, version and origin
    if worker.is_alive() or not outcome:
        raise PluginError(plugin, both("plugin.timeout", source=request.source.id, seconds=f"{timeout:g}"))
    succeeded, value = outcome[0]
    if succeeded:
        return value
    if isinstance(value, LabelauditError):
        raise value  # bad input, or a plugin naming its own failure
    raise PluginError(plugin, both("plugin.raised", source=request.source.id, error=repr(value)))


def check_collection(
    plugin: str, request: CollectRequest, collection: object, indicators: Mapping[str, Indicator] | None = None
) -> Collection:
    """The collection, once checked: what the contract forbids (wrong types, unknown criteria,
    bindings or sites, inexact numbers, an invalid or unpoolable measure) is a `PluginError`.

    `plugin` is how messages name the plugin (its name, version and origin); `indicators` are
    the loaded ones, for the declared range of a pre-aggregated measure.
    """
    source = request.source.id
    if not isinstance(collection, Collection):
        raise PluginError(plugin, both("plugin.not_collection", source=source, found=_shown(collection)))
    for field in ("evidence", "findings", "notes"):
        value = getattr(collection, field)
        if not isinstance(value, (tuple, list)):
            raise PluginError(plugin, both("plugin.not_sequence", source=source, field=field, found=_shown(value)))
    allowed = _Allowed.of(request, indicators or {})  # once, not per piece of evidence: a network has thousands
    for item in collection.evidence:
        _check_evidence(plugin, request, item, allowed)
    _check_measures(plugin, request, collection.evidence, allowed)
    for finding in collection.findings:
        _check_finding(plugin, request, finding)
    for note in collection.notes:
        if not isinstance(note, (str, Text)):
            raise PluginError(plugin, both("plugin.bad_note", source=source, found=_shown(note)))
    return collection


@frozen
class _Allowed:
    """The bindings and sites a source's evidence may name, as lists (for messages) and sets,
    each binding by its key (``criterion / binding``), with its declared range if any."""

    bindings: list[str]
    sites: list[str]
    binding_set: frozenset[str]
    site_set: frozenset[str]
    binding_of: dict[str, Binding]
    indicators: Mapping[str, Indicator]
    ranges: dict[str, tuple[Fraction, Fraction] | None]

    @classmethod
    def of(cls, request: CollectRequest, indicators: Mapping[str, Indicator]) -> _Allowed:
        binding_of = {f"{c.id} / {b.id}": b for c, b in request.bindings}
        bindings = list(binding_of)
        sites = [s.id for s in request.audit.sites]
        return cls(bindings, sites, frozenset(bindings), frozenset(sites), binding_of, indicators, {})

    def range_of(self, request: CollectRequest, key: str) -> tuple[Fraction, Fraction] | None:
        """The declared range of the binding's indicator, in its context (found once per binding)."""
        if key not in self.ranges:
            binding = self.binding_of[key]
            indicator = self.indicators.get(binding.indicator or "")
            declared = None
            if indicator is not None:
                scale = request.scheme.scale_of(request.source, binding.item)
                z = z_for(request.scheme.policies.confidence)
                declared = declared_range(indicator, IndicatorContext(binding, scale, z))
            self.ranges[key] = declared
        return self.ranges[key]


def _check_evidence(plugin: str, request: CollectRequest, item: object, allowed: _Allowed) -> None:
    source = request.source.id
    if not isinstance(item, Evidence):
        raise PluginError(plugin, both("plugin.not_evidence", source=source, found=_shown(item)))
    known = allowed.bindings
    key = f"{item.criterion} / {item.binding}"
    if key not in allowed.binding_set:
        raise PluginError(
            plugin,
            both("plugin.unknown_binding", source=source, criterion=item.criterion, binding=item.binding,
                 known=_listed(known)),
        )
    sites = allowed.sites
    if item.site not in allowed.site_set:
        raise PluginError(plugin, both("plugin.unknown_site", source=source, site=item.site, known=_listed(sites)))
    where = {"source": source, "criterion": item.criterion, "binding": item.binding, "site": item.site}
    if item.value is not None and not _exact(item.value):
        raise PluginError(plugin, both("plugin.bad_value", found=_shown(item.value), **where))
    if item.sample is not None and not _exact_sample(item.sample):
        raise PluginError(plugin, both("plugin.bad_sample", found=_shown(item.sample), **where))
    if item.sample is not None and allowed.binding_of[key].indicator is None:
        raise PluginError(plugin, both("plugin.sample_without_indicator", **where))
    if item.measure is not None:
        problem = measure_problem(item.measure, allowed.range_of(request, key))
        if problem is not None:
            raise PluginError(plugin, _nested("plugin.bad_measure", problem, **where))


def _check_measures(plugin: str, request: CollectRequest, evidence: Iterable[Evidence], allowed: _Allowed) -> None:
    """Pre-aggregated measures: alone at their site, and poolable where sites are pooled.

    Under ``sites = "pooled"``, measures of several sites are combined by their n-weighted
    mean, the exact pooled value only of an indicator that is the mean of a per-answer score
    (`Indicator.mean_of_scores`) or of the plugin's own unit (a binding without indicator).
    """
    evidence = list(evidence)
    if all(item.measure is None for item in evidence):
        return  # the usual case (samples, values): nothing to group
    by_binding: dict[str, dict[str, list[Evidence]]] = {}
    for item in evidence:
        by_binding.setdefault(f"{item.criterion} / {item.binding}", {}).setdefault(item.site, []).append(item)
    pooled = request.scheme.policies.sites == "pooled"
    source = request.source.id
    for key, by_site in by_binding.items():
        measured = {site: items for site, items in by_site.items() if any(e.measure is not None for e in items)}
        for site, items in measured.items():
            where = {"source": source, "criterion": items[0].criterion, "binding": items[0].binding, "site": site}
            if len(items) > 1:
                raise PluginError(plugin, both("plugin.measure_not_alone", **where))
        if not measured or not pooled or len(by_site) < 2:
            continue
        first = next(iter(measured.values()))[0]
        binding = allowed.binding_of[key]
        indicator = allowed.indicators.get(binding.indicator or "")
        if binding.indicator is not None and (indicator is None or not indicator.mean_of_scores):
            raise PluginError(plugin, both(
                "plugin.measure_not_poolable", source=source, criterion=first.criterion, binding=first.binding,
                sites=_listed(sorted(by_site)), indicator=binding.indicator,
            ))
        for site, items in sorted(measured.items()):
            if items[0].measure.n == 0:  # type: ignore[union-attr]
                raise PluginError(plugin, both(
                    "plugin.measure_no_n", source=source, criterion=first.criterion, binding=first.binding, site=site
                ))


def _nested(key: str, problem: Text, **params: object) -> Text:
    """A message holding another one, each language in its own."""
    return Text(fr=tr(key, lang="fr", problem=problem.fr, **params), en=tr(key, lang="en", problem=problem.en, **params))


def _check_finding(plugin: str, request: CollectRequest, finding: object) -> None:
    why = _finding_problem(request, finding)
    if why:
        raise PluginError(plugin, both("plugin.bad_finding", source=request.source.id, found=_shown(finding), why=why))


def _finding_problem(request: CollectRequest, finding: object) -> str:
    """What is wrong with a finding (in the contract's own terms), or an empty string."""
    if not isinstance(finding, Finding):
        return "not a Finding"
    if finding.requirement not in {r.id for r in request.scheme.requirements}:
        return f"unknown requirement {finding.requirement!r}"
    if finding.kind not in FINDING_KINDS:
        return f"kind {finding.kind!r} is not one of {', '.join(FINDING_KINDS)}"
    if finding.site not in {s.id for s in request.audit.sites}:
        return f"unknown site {finding.site!r}"
    if finding.criterion is not None and request.scheme.criterion(finding.criterion) is None:
        return f"unknown criterion {finding.criterion!r}"
    return ""


def _exact(value: object) -> bool:
    """A number the engine can compute with exactly: a Fraction or an int, never a float."""
    return isinstance(value, (Fraction, int)) and not isinstance(value, bool)


def _exact_sample(sample: object) -> bool:
    """A tally of exact values and non-negative integer counts (checked for every site)."""
    if not isinstance(sample, Sample) or not isinstance(sample.counts, tuple):
        return False
    for pair in sample.counts:
        if not isinstance(pair, tuple) or len(pair) != 2:
            return False
        value, count = pair
        if not _exact(value) or not isinstance(count, int) or isinstance(count, bool) or count < 0:
            return False
    return True


def _shown(value: object, limit: int = 120) -> str:
    """A value as a message shows it: its repr, cut short, with its type when that helps."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text if isinstance(value, (Collection, Evidence, Finding, Measure, Sample)) else f"{text} ({type(value).__name__})"


def _listed(names: Iterable[str], most: int = 8) -> str:
    names = list(names)
    shown = ", ".join(names[:most]) or "—"
    return shown + (f", … ({len(names)} in all)" if len(names) > most else "")
