"""The decision record: everything needed to check a decision by hand and to reproduce it.

Serialised canonically (sorted keys, numbers as fixed strings, UTF-8, one trailing newline)
so that the same inputs give the same bytes. Every number appears twice: exactly, as a fraction
a committee member can redo by hand, and as shown (points to one decimal, attainments and
coverages as percentages to one decimal, measured values to six decimals).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import orjson

from labelaudit.anonymity import Hidden, Suppression, suppression
from labelaudit.collect import Collected
from labelaudit.engine import (
    BindingResult,
    CriterionResult,
    Decision,
    GateResult,
    NodeResult,
    Outcome,
    Reason,
    Run,
    SiteResult,
    Tree,
    reason,
    source_means,
)
from labelaudit.bounds import MAX_RECORD_BYTES, load_record_json
from labelaudit.convert import converter
from labelaudit.errors import InputError
from labelaudit.i18n import tr
from labelaudit.i18n.formatting import Figure
from labelaudit.numbers import decimal6, exact, percent, points
from labelaudit.model import Scheme, Text
from labelaudit.plugins import Plugins
from labelaudit.tomlfiles import read_bytes

RECORD_FORMAT = "labelaudit-record/1"


def _share(value: Fraction | None) -> dict[str, str | None]:
    if value is None:
        return {"exact": None, "percent": None}
    return {"exact": exact(value), "percent": str(percent(value))}


def _value(value: Fraction | None) -> dict[str, str | None]:
    if value is None:
        return {"exact": None, "shown": None}
    return {"exact": exact(value), "shown": decimal6(value)}


def _text(text: str | Text) -> str | dict[str, str]:
    """A plugin's own text as it is; labelaudit's own words in both working languages only, so
    that a record's bytes never depend on which other catalogs are installed."""
    return text if isinstance(text, str) else {"fr": text.fr, "en": text.en}


def _title(text: Text) -> dict[str, str]:
    """A scheme's title in every language the scheme gives it: `fr` and `en` (so a scheme
    without other languages is recorded as it always was), and `de` … where it has them."""
    return text.by_language()


def _reason(r: Reason) -> dict[str, Any]:
    """Code, values and both texts; a title (a `Text` value) is in the texts, and by its id in
    the record's scheme or gates, rather than once more per reason."""
    params = {k: str(v) for k, v in r.params if isinstance(v, (str, Figure))}
    return {"code": r.code, "params": params, "fr": r.text("fr"), "en": r.text("en")}


def _site_value(s: Any, hidden: Hidden, anonymity: int) -> dict[str, Any]:
    """One site's line of a binding; a group under the anonymity threshold shows no result, nor
    does the group hidden with it so that it cannot be recovered by subtraction (`secondary`)."""
    if s.site in hidden.sites:
        return {"site": s.site, "suppressed": True, "fewer_than": anonymity, "secondary": s.site in hidden.secondary}
    return {"site": s.site, "value": _value(s.value), "n": s.n, "low": _value(s.low), "high": _value(s.high)}


def _measure(measure: Any, hidden: Hidden, anonymity: int) -> dict[str, Any] | None:
    if measure is None:
        return None
    if hidden.pooled:  # every group together is under the threshold: the pooled figure is theirs
        empty = _value(None)
        return {"value": empty, "n": None, "low": empty, "high": empty, "suppressed": True, "fewer_than": anonymity}
    return {"value": _value(measure.value), "n": measure.n or None, "low": _value(measure.low), "high": _value(measure.high)}


def _binding(b: BindingResult, suppressed: Suppression) -> dict[str, Any]:
    measure = b.measure
    hidden = suppressed.of(b)
    anonymity = suppressed.threshold
    return {
        "id": b.binding.id,
        "source": b.binding.source,
        "item": b.binding.item,
        "paired": b.binding.paired,
        "indicator": b.binding.indicator,
        "weight": exact(b.binding.weight),
        "share": _share(b.share),
        "floor": exact(b.floor),
        "target": exact(b.target),
        "status": b.status,
        "value": _value(b.value),
        "measure": _measure(measure, hidden, anonymity),
        "attainment": _share(b.attainment),
        "unacceptable": b.unacceptable,
        "sites": [_site_value(s, hidden, anonymity) for s in b.sites],
        "evidence": [
            {
                "site": e.site,
                "file": e.provenance.file if e.provenance else None,
                "location": e.provenance.location if e.provenance else None,
                "who": e.provenance.who if e.provenance else None,
                "when": e.provenance.when if e.provenance else None,
                "observations": list(e.observations),
                "references": list(e.references),
            }
            for e in sorted(b.evidence, key=lambda e: (e.site, e.provenance.location if e.provenance else ""))
        ],
    }


def _criterion(c: CriterionResult, suppressed: Suppression) -> dict[str, Any]:
    return {
        "id": c.criterion.id,
        "title": _title(c.criterion.title),
        "pyramid": c.criterion.pyramid,
        "weight": exact(c.criterion.weight),
        "tree_share": _share(c.share),
        "excluded": c.excluded,
        "assessed": c.assessed,
        "attainment": _share(c.attainment),
        "coverage": _share(c.coverage),
        "bindings": [_binding(b, suppressed) for b in c.bindings],
    }


def _node(n: NodeResult, children_key: str, scheme: Scheme, suppressed: Suppression) -> dict[str, Any]:
    children = [
        _criterion(c, suppressed) if isinstance(c, CriterionResult) else _node(c, "criteria", scheme, suppressed)
        for c in n.children
    ]
    criteria = [c for c in n.children if isinstance(c, CriterionResult)]
    criteria += [c for r in n.children if isinstance(r, NodeResult) for c in r.children if isinstance(c, CriterionResult)]
    return {
        "sources": {s: _share(v) for s, v in source_means(scheme, criteria).items()},
        "id": n.id,
        "title": _title(n.title),
        "weight": exact(n.weight),
        "share": _share(n.share),
        "assessed": n.assessed,
        "excluded": n.excluded,
        "attainment": _share(n.attainment),
        children_key: children,
    }


def tree_record(tree: Tree, scheme: Scheme, suppressed: Suppression | None = None) -> dict[str, Any]:
    suppressed = suppressed or suppression(tree, scheme)
    return {
        "attainment": _share(tree.attainment),
        "points": {"exact": exact(tree.points), "shown": str(points(tree.points))},
        "coverage": _share(tree.coverage),
        "sources": {s: _share(v) for s, v in tree.sources.items()},
        "dimensions": [_node(d, "requirements", scheme, suppressed) for d in tree.dimensions],
    }


def _site(s: SiteResult, suppressed: Suppression) -> dict[str, Any]:
    scores = s.scores
    site: dict[str, Any] = {
        "id": s.site.id,
        "name": s.site.name,
        "has_result": s.has_result,
        "visited": s.visited,
        "attainment": _share(scores.attainment),
        "points": {"exact": exact(scores.points), "shown": str(points(scores.points))},
        "coverage": _share(scores.coverage),
        "sources": {k: _share(v) for k, v in scores.sources.items()},
        "dimensions": {k: _share(v) for k, v in scores.dimensions.items()},
        "requirements": {k: _share(v) for k, v in scores.requirements.items()},
    }
    hidden = suppressed.parts.get(s.site.id)
    if hidden is None:
        return site
    # A group hidden for anonymity is part of this site's own tree: what is made of it is hidden.
    return site | {
        "suppressed": True,
        "fewer_than": suppressed.threshold,
        "attainment": _share(None),
        "points": {"exact": None, "shown": None},
        "sources": {k: _share(None) if k in hidden.sources else v for k, v in site["sources"].items()},
        "dimensions": {k: _share(None) if k in hidden.dimensions else v for k, v in site["dimensions"].items()},
        "requirements": {k: _share(None) if k in hidden.requirements else v for k, v in site["requirements"].items()},
    }


def _masked(r: Reason, suppressed: Suppression) -> Reason:
    """A site gate's line about a site whose own result is hidden: the minimum, not its value."""
    if r.code == "subject_below" and dict(r.params).get("subject") in suppressed.sites:
        params = dict(r.params)
        return reason("subject_below_hidden", subject=params["subject"], minimum=params["minimum"], fewer_than=suppressed.threshold)
    if r.detail is not None:
        return attrs.evolve(r, detail=_masked(r.detail, suppressed))
    return r


def _gate(g: GateResult, suppressed: Suppression) -> dict[str, Any]:
    gate = g.gate
    return {
        "id": gate.id,
        "title": _title(gate.title),
        "scope": gate.scope,
        "target": gate.target,
        "min_percent": exact(gate.min_percent) if gate.min_percent is not None else None,
        "max_major": gate.max_major,
        "effect": gate.effect,
        "level": gate.level,
        "fired": g.fired,
        "subjects": [_reason(_masked(s, suppressed) if gate.scope == "site" else s) for s in g.subjects],
        "skipped": list(g.skipped),
    }


def _outcome_reason(r: Reason, site_gates: set[str], suppressed: Suppression) -> Reason:
    params = dict(r.params)
    if params.get("gate") in site_gates:
        return _masked(r, suppressed)
    if r.code == "undersized" and suppressed.bindings.get((str(params["criterion"]), str(params["binding"])), Hidden()).pooled:
        return reason("undersized_hidden", criterion=params["criterion"], binding=params["binding"],
                      min=params["min"], fewer_than=suppressed.threshold)
    return r


def _outcome(o: Outcome, site_gates: set[str], suppressed: Suppression) -> dict[str, Any]:
    o = attrs.evolve(o, reasons=tuple(_outcome_reason(r, site_gates, suppressed) for r in o.reasons))
    return {
        "status": o.status,
        "level": o.level,
        "points": {"exact": exact(o.points), "shown": str(points(o.points))},
        "coverage": _share(o.coverage),
        "reasons": [_reason(r) for r in o.reasons],
    }


def _run_summary(r: Run | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {
        "status": r.outcome.status,
        "level": r.outcome.level,
        "points": str(points(r.outcome.points)),
        "gates_fired": [g.gate.id for g in r.gates if g.fired],
    }


def build_record(collected: Collected, decision: Decision, plugins: Plugins, decided_on: dt.date) -> dict[str, Any]:
    prepared = collected.prepared
    audit, scheme = prepared.audit, prepared.scheme
    central = decision.central
    runs = [r.tree for r in (decision.pessimistic, decision.optimistic) if r is not None]
    suppressed = suppression(central.tree, scheme, runs)
    site_gates = {g.id for g in scheme.gates if g.scope == "site"}
    record: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "decided_on": decided_on.isoformat(),
        "audit": {
            "id": audit.id,
            "organisation": audit.organisation,
            "scope": audit.scope,
            "kind": audit.kind,
            **({"label": audit.label} if audit.label is not None else {}),  # read by the register (own_label)
            "auditors": list(audit.auditors),
            "sites": [{"id": s.id, "name": s.name} for s in audit.sites],
            "dates": {k: (v.isoformat() if v else None) for k, v in sorted(attrs.asdict(audit.dates).items())},
            "digest": prepared.audit_digest,
            "exclusions": [
                {"criterion": e.criterion, "justification": e.justification, "approved_by": e.approved_by}
                for e in audit.exclusions
            ],
            # The plan as the audit file gives it (read by `sample --previous` and the dossier).
            **({"sampling": converter.unstructure(audit.sampling)} if audit.sampling is not None else {}),
        },
        "scheme": {
            "id": scheme.id,
            "version": scheme.version,
            "max_points": exact(scheme.max_points),
            "policies": _policies(scheme),
            "levels": [
                {"id": lv.id, "min_points": exact(lv.min_points), "title": _title(lv.title)}
                for lv in scheme.levels
            ],
            "rulesets": dict(scheme.digests),
            **_committee(scheme),
        },
        "inputs": dict(collected.input_digests),
        "plugins": [
            {"name": p.name, "version": p.version, "origin": p.origin}
            for p in sorted(plugins.info, key=lambda p: p.name)
            if p.name in plugins_used(scheme, audit.sources, plugins)
        ],
        "outcome": _outcome(central.outcome, site_gates, suppressed),
        "stability": {
            "checked": decision.pessimistic is not None,
            "borderline": decision.borderline,
            "pessimistic": _run_summary(decision.pessimistic),
            "optimistic": _run_summary(decision.optimistic),
            "sensitive_bindings": [
                {
                    "criterion": x.criterion,
                    "binding": x.binding,
                    "pessimistic_points": str(points(x.pessimistic_points)),
                    "optimistic_points": str(points(x.optimistic_points)),
                }
                for x in decision.sensitivities
            ],
        },
        "tree": tree_record(central.tree, scheme, suppressed),
        "gates": [_gate(g, suppressed) for g in central.gates],
        "sites": [_site(s, suppressed) for s in central.sites],
        "findings": [
            {
                "requirement": f.requirement,
                "criterion": f.criterion,
                "site": f.site,
                "kind": f.kind,
                "text": f.text,
                "closed": f.closed,
                "location": f.provenance.location if f.provenance else None,
            }
            for f in sorted(decision.findings, key=lambda f: (f.requirement, f.criterion or "", f.site, f.kind, f.text))
        ],
        "majors": dict(decision.majors_by_requirement),
    }
    if collected.skipped:  # only then: a record with every source read keeps its bytes
        record["skipped_sources"] = [
            {"source": s.source, "plugin": s.plugin, "problem": _text(s.problem)} for s in collected.skipped
        ]
    return record


def plugins_used(scheme: Scheme, sources: Any, plugins: Plugins) -> set[str]:
    """The plugins this decision depends on: the audit's source kinds and the indicators bound.

    Plugins that are merely installed do not enter the record, so that installing an unrelated
    plugin changes no record.
    """
    used = {plugins.kinds[scheme.sources[s].kind].plugin for s in sources if scheme.sources[s].kind in plugins.kinds}
    for criterion in scheme.criteria():
        for binding in criterion.bindings:
            indicator = plugins.indicators.get(binding.indicator or "")
            if indicator is not None:
                used.add(indicator.plugin)
    return used


def _committee(scheme: Any) -> dict[str, Any]:
    """The scheme's `[committee]` table, only when it has one: the committee's verifier reads
    its quorum and majority from the record (without it, the defaults apply)."""
    c = getattr(scheme, "committee", None)
    if c is None:
        return {}
    return {"committee": {"quorum": c.quorum, "majority": c.majority, "chair_breaks_tie": c.chair_breaks_tie}}


def _policies(scheme: Any) -> dict[str, Any]:
    p = scheme.policies
    return {
        "missing": p.missing,
        "sites": p.sites,
        "min_coverage": exact(p.min_coverage),
        "confidence": exact(p.confidence),
        "anonymity": p.anonymity,
        "minors_make_major": p.minors_make_major,
        "validity_years": p.validity_years,
        "surveillance_months": p.surveillance_months,
    }


def canonical_bytes(record: dict[str, Any]) -> bytes:
    """The canonical text in UTF-8: sorted keys, two-space indent, characters unescaped, final newline.

    Byte for byte `json.dumps(record, sort_keys=True, ensure_ascii=False, indent=2)` (a test
    holds them equal), written by orjson because a network's record is tens of megabytes and
    the standard library indents in pure Python.
    """
    return orjson.dumps(record, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def dumps(record: dict[str, Any]) -> str:
    """The canonical text (see `canonical_bytes`)."""
    return canonical_bytes(record).decode("utf-8")


def load_record(path: Path) -> dict[str, Any]:
    return read_record(path)[0]


def read_record(path: Path) -> tuple[dict[str, Any], bytes]:
    """A record and the very bytes it was parsed from, read once (bounded): what is checked,
    hashed or compared is then what was parsed, whatever happens to the file meanwhile."""
    raw = read_bytes(path, MAX_RECORD_BYTES)
    return parse_record(path, raw), raw


def parse_record(path: Path, raw: bytes) -> dict[str, Any]:
    """A record from its bytes (a caller that also hashes them reads the file only once).

    Its size, nesting and numbers are bounded (`labelaudit.bounds`): a record edited by hand
    is input like any other, and `explain` or `verify` turn its numbers into Fractions.
    """
    try:
        data = load_record_json(path, raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = tr("place.line_column", line=exc.lineno, column=exc.colno) if isinstance(exc, json.JSONDecodeError) else ""
        raise InputError.at(path, where, tr("record.invalid", detail=str(exc))) from None
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        raise InputError.at(path, tr("place.key", key="format"), tr("record.format", expected=RECORD_FORMAT))
    return data


def site_names(record: dict[str, Any]) -> Sequence[str]:
    return [s["id"] for s in record["audit"]["sites"]]
