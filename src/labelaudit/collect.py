"""Collecting evidence: each source of an audit is read by the plugin that provides its kind.

What a plugin returns is checked against the contract before the engine sees it: evidence for
a criterion, binding or site the audit does not have is the plugin's fault and is reported by
the plugin's name, never scored silently.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from attrs import frozen

from labelaudit.audits import load_audit, require_valid
from labelaudit.errors import InputError, LabelauditError, PluginError
from labelaudit.i18n import tr
from labelaudit.model import Audit, Collection, CollectRequest, Evidence, Finding, Scheme
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
class Collected:
    prepared: Prepared
    evidence: tuple[Evidence, ...]
    findings: tuple[Finding, ...]
    input_digests: dict[str, str]
    notes: tuple[str, ...]


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


def collect(prepared: Prepared, plugins: Plugins, *, max_errors: int = 50, progress: Progress | None = None) -> Collected:
    audit, scheme = prepared.audit, prepared.scheme
    evidence: list[Evidence] = []
    findings: list[Finding] = []
    notes: list[str] = []
    problems = []
    digests: dict[str, str] = {}
    for source_id in sorted(audit.sources):
        inputs = audit.sources[source_id]
        source = scheme.sources[source_id]
        for path in inputs.files:
            digests[relative(path, audit.folder)] = file_digest(path)
        if progress:
            progress(tr("progress.collect", source=source_id))
        bindings = tuple((c, b) for c in scheme.criteria() for b in c.bindings if b.source == source_id)
        request = CollectRequest(scheme, audit, source, inputs, bindings, max_errors)
        try:
            collection = _call_plugin(plugins, request)
        except InputError as exc:
            problems.extend(exc.problems)  # report every source's problems together
            continue
        evidence.extend(collection.evidence)
        findings.extend(collection.findings)
        notes.extend(collection.notes)
    if problems:
        raise InputError(problems[:max_errors], truncated=max(0, len(problems) - max_errors))
    return Collected(prepared, tuple(evidence), tuple(findings), dict(sorted(digests.items())), tuple(notes))


def _call_plugin(plugins: Plugins, request: CollectRequest) -> Collection:
    kind = plugins.kinds[request.source.kind]
    try:
        collection = kind.collect(request)
    except LabelauditError:
        raise
    except Exception as exc:  # third-party code: contain it and name it
        raise PluginError(kind.plugin, f"collecting source {request.source.id!r} raised {exc!r}") from None
    check_collection(kind.plugin, request, collection)
    return collection


def check_collection(plugin: str, request: CollectRequest, collection: object) -> None:
    """Reject what the contract forbids: wrong types, unknown criteria, bindings or sites."""
    if not isinstance(collection, Collection):
        raise PluginError(plugin, f"returned {type(collection).__name__}, expected a Collection")
    known = {(c.id, b.id) for c, b in request.bindings}
    sites = {s.id for s in request.audit.sites}
    requirements = {r.id for r in request.scheme.requirements}
    for item in collection.evidence:
        if not isinstance(item, Evidence):
            raise PluginError(plugin, f"returned {item!r} as evidence, expected an Evidence")
        if (item.criterion, item.binding) not in known:
            raise PluginError(
                plugin,
                f"returned evidence for {item.criterion} / {item.binding}, which is not a binding "
                f"of source {request.source.id!r}",
            )
        if item.site not in sites:
            raise PluginError(plugin, f"returned evidence for unknown site {item.site!r}")
    for finding in collection.findings:
        if not isinstance(finding, Finding) or finding.requirement not in requirements or finding.site not in sites:
            raise PluginError(plugin, f"returned an invalid finding {finding!r}")
