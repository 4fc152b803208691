"""Collecting evidence: each source of an audit is read by the plugin that provides its kind.

A plugin's `collect` is third-party code, so it is contained: it runs in a daemon worker
thread that is waited for at most `timeout` seconds, anything it raises other than
`InputError` (bad input, the user's to fix) becomes a `PluginError` naming it, and what it
returns is checked against the contract before the engine sees it: evidence for a criterion,
binding or site the audit does not have, or a value that is not exact, is the plugin's fault
and is reported by the plugin's name. A failing plugin stops the run, unless the caller chose
to skip its source (``--on-plugin-error skip``): the source's evidence is then missing, and
`Collected.skipped` says so, for the record and the outcome's reasons. Never silently.
"""

from __future__ import annotations

import contextvars
import hashlib
import threading
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from attrs import frozen

from labelaudit.audits import load_audit, onsite_visit_problems, require_valid
from labelaudit.errors import InputError, LabelauditError, PluginError, Problem
from labelaudit.i18n import both, catalog, tr
from labelaudit.model import (
    FINDING_KINDS,
    Audit,
    Collection,
    CollectRequest,
    Evidence,
    Finding,
    Sample,
    Scheme,
    SourceKind,
    Text,
)
from labelaudit.plugins import Plugins
from labelaudit.tomlfiles import read_bytes

Progress = Callable[[str], None]
OnPluginError = Literal["stop", "skip"]
ON_PLUGIN_ERROR: tuple[OnPluginError, ...] = ("stop", "skip")
DEFAULT_TIMEOUT = 300.0  # seconds: a plugin reading one source may take this long

catalog(
    {
        "plugin.raised": {
            "fr": "la lecture de la source {source!r} a levé {error}",
            "en": "collecting source {source!r} raised {error}",
        },
        "plugin.timeout": {
            "fr": "la lecture de la source {source!r} n'a pas fini en {seconds} s (voir --plugin-timeout)",
            "en": "collecting source {source!r} did not finish within {seconds} s (see --plugin-timeout)",
        },
        "plugin.not_collection": {
            "fr": "la lecture de la source {source!r} a rendu {found}, au lieu d'une Collection",
            "en": "collecting source {source!r} returned {found}, expected a Collection",
        },
        "plugin.not_sequence": {
            "fr": "source {source!r} : Collection.{field} doit être un tuple, trouvé {found}",
            "en": "source {source!r}: Collection.{field} must be a tuple, got {found}",
        },
        "plugin.not_evidence": {
            "fr": "source {source!r} : {found} rendu comme preuve, au lieu d'une Evidence",
            "en": "source {source!r}: returned {found} as evidence, expected an Evidence",
        },
        "plugin.unknown_binding": {
            "fr": "source {source!r} : preuve rendue pour {criterion} / {binding}, qui n'est pas une "
            "liaison de cette source (ses liaisons : {known})",
            "en": "source {source!r}: returned evidence for {criterion} / {binding}, which is not a binding "
            "of this source (its bindings: {known})",
        },
        "plugin.unknown_site": {
            "fr": "source {source!r} : preuve rendue pour le site inconnu {site!r} (sites de l'audit : {known})",
            "en": "source {source!r}: returned evidence for unknown site {site!r} (sites of the audit: {known})",
        },
        "plugin.bad_value": {
            "fr": "source {source!r} : la preuve {criterion} / {binding} au site {site!r} a la valeur {found}, "
            "au lieu d'une Fraction exacte",
            "en": "source {source!r}: evidence {criterion} / {binding} at site {site!r} has value {found}, "
            "expected an exact Fraction",
        },
        "plugin.bad_sample": {
            "fr": "source {source!r} : la preuve {criterion} / {binding} au site {site!r} a l'échantillon {found}, "
            "au lieu d'un Sample de valeurs exactes (Sample.of)",
            "en": "source {source!r}: evidence {criterion} / {binding} at site {site!r} has sample {found}, "
            "expected a Sample of exact values (Sample.of)",
        },
        "plugin.bad_finding": {
            "fr": "source {source!r} : constat invalide {found} ({why})",
            "en": "source {source!r}: returned an invalid finding {found} ({why})",
        },
        "plugin.bad_note": {
            "fr": "source {source!r} : note {found}, au lieu d'un texte (str ou Text)",
            "en": "source {source!r}: returned the note {found}, expected a text (str or Text)",
        },
        "plugin.skipped": {
            "fr": "avertissement : le plugin {plugin} a échoué sur la source {source!r}, laissée hors du calcul "
            "(--on-plugin-error skip) : {problem}",
            "en": "warning: plugin {plugin} failed on source {source!r}, which is left out of the score "
            "(--on-plugin-error skip): {problem}",
        },
        # A reason of the outcome: engine.Reason reads `reason.<code>`.
        "reason.plugin_skipped": {
            "fr": "source {source} laissée de côté : son plugin {plugin} a échoué (voir skipped_sources "
            "dans l'enregistrement)",
            "en": "source {source} left out: its plugin {plugin} failed (see skipped_sources in the record)",
        },
    }
)


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
    return check_collection(kind.plugin, request, call_collect(kind, request, timeout))


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
    if worker.is_alive() or not outcome:
        raise PluginError(kind.plugin, both("plugin.timeout", source=request.source.id, seconds=f"{timeout:g}"))
    succeeded, value = outcome[0]
    if succeeded:
        return value
    if isinstance(value, LabelauditError):
        raise value  # bad input, or a plugin naming its own failure
    raise PluginError(kind.plugin, both("plugin.raised", source=request.source.id, error=repr(value)))


def check_collection(plugin: str, request: CollectRequest, collection: object) -> Collection:
    """The collection, once checked: what the contract forbids (wrong types, unknown criteria,
    bindings or sites) is a `PluginError`."""
    source = request.source.id
    if not isinstance(collection, Collection):
        raise PluginError(plugin, both("plugin.not_collection", source=source, found=_shown(collection)))
    for field in ("evidence", "findings", "notes"):
        value = getattr(collection, field)
        if not isinstance(value, (tuple, list)):
            raise PluginError(plugin, both("plugin.not_sequence", source=source, field=field, found=_shown(value)))
    allowed = _Allowed.of(request)  # once, not per piece of evidence: a network has thousands
    for item in collection.evidence:
        _check_evidence(plugin, request, item, allowed)
    for finding in collection.findings:
        _check_finding(plugin, request, finding)
    for note in collection.notes:
        if not isinstance(note, (str, Text)):
            raise PluginError(plugin, both("plugin.bad_note", source=source, found=_shown(note)))
    return collection


@frozen
class _Allowed:
    """The bindings and sites a source's evidence may name, as lists (for messages) and sets."""

    bindings: list[str]
    sites: list[str]
    binding_set: frozenset[str]
    site_set: frozenset[str]

    @classmethod
    def of(cls, request: CollectRequest) -> _Allowed:
        bindings = [f"{c.id} / {b.id}" for c, b in request.bindings]
        sites = [s.id for s in request.audit.sites]
        return cls(bindings, sites, frozenset(bindings), frozenset(sites))


def _check_evidence(plugin: str, request: CollectRequest, item: object, allowed: _Allowed) -> None:
    source = request.source.id
    if not isinstance(item, Evidence):
        raise PluginError(plugin, both("plugin.not_evidence", source=source, found=_shown(item)))
    known = allowed.bindings
    if f"{item.criterion} / {item.binding}" not in allowed.binding_set:
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
    return text if isinstance(value, (Collection, Evidence, Finding, Sample)) else f"{text} ({type(value).__name__})"


def _listed(names: Iterable[str], most: int = 8) -> str:
    names = list(names)
    shown = ", ".join(names[:most]) or "—"
    return shown + (f", … ({len(names)} in all)" if len(names) > most else "")
