"""Steps 8 to 10: open major findings, the gates, the level reached and the outcome with every
reason (points, coverage, each gate fired, each exclusion, each missing or undersized binding).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from labelaudit.engine.results import GateResult, Outcome, Reason, SiteResult, Tree, figure, reason
from labelaudit.model import Finding, Gate, Level, Scheme
from labelaudit.numbers import percent, points, shown


def majors_by_requirement(scheme: Scheme, findings: Iterable[Finding]) -> dict[str, int]:
    """Open major findings per requirement, counting each `minors_make_major` minors as one."""
    majors: dict[str, int] = defaultdict(int)
    minors: dict[str, int] = defaultdict(int)
    for finding in findings:
        if finding.closed:
            continue
        if finding.kind == "major":
            majors[finding.requirement] += 1
        elif finding.kind == "minor":
            minors[finding.requirement] += 1
    per = scheme.policies.minors_make_major
    if per > 0:
        for requirement, count in minors.items():
            majors[requirement] += count // per
    return {r: n for r, n in sorted(majors.items()) if n}


def _below(gate: Gate, subject: str, value: Fraction | None) -> Reason | None:
    if value is None or gate.min_percent is None:
        return None
    rounded = percent(value)
    if Fraction(rounded) < gate.min_percent:
        return reason("subject_below", subject=subject, value=rounded, minimum=figure(shown(gate.min_percent)))
    return None


def evaluate_gate(gate: Gate, tree: Tree, sites: Sequence[SiteResult], majors: Mapping[str, int]) -> GateResult:
    subjects: list[Reason | None] = []
    skipped: tuple[str, ...] = ()
    if gate.scope == "criterion":
        subjects = [_below(gate, c.criterion.id, c.attainment) for c in tree.criteria() if c.criterion.id == gate.target and c.assessed]
    elif gate.scope == "requirement":
        subjects = [_below(gate, r.id, r.attainment) for r in tree.requirements() if r.assessed and gate.target in (None, r.id)]
    elif gate.scope == "dimension":
        subjects = [_below(gate, d.id, d.attainment) for d in tree.dimensions if d.assessed and gate.target in (None, d.id)]
    elif gate.scope == "source":
        subjects = [_below(gate, gate.target or "", tree.sources.get(gate.target or ""))]
    elif gate.scope == "site":
        subjects = [_below(gate, s.site.id, s.scores.attainment) for s in sites if s.has_result]
        skipped = tuple(s.site.id for s in sites if not s.has_result)
    elif gate.scope == "unacceptable":
        subjects = [
            reason("subject_unacceptable", subject=f"{c.criterion.id} / {b.binding.id}", value=figure(shown(b.value)), floor=figure(shown(b.floor)))  # type: ignore[arg-type]
            for c in tree.criteria()
            for b in c.bindings
            if b.status == "evidenced" and b.unacceptable
        ]
    elif gate.scope == "major_findings":
        total = sum(majors.values())
        if total > (gate.max_major or 0):
            detail = ", ".join(f"{r}: {n}" for r, n in majors.items())
            subjects = [reason("subject_majors", count=total, maximum=gate.max_major or 0, requirements=detail)]
    fired = tuple(s for s in subjects if s is not None)
    return GateResult(gate, bool(fired), fired, skipped)


def _level_reached(levels: Sequence[Level], shown_points: Fraction) -> Level | None:
    reached = [lv for lv in levels if lv.min_points <= shown_points]
    return reached[-1] if reached else None


def decide(scheme: Scheme, tree: Tree, gates: Sequence[GateResult], evidence_reasons: Sequence[Reason]) -> Outcome:
    shown_points = Fraction(points(tree.points))
    shown_coverage = Fraction(percent(tree.coverage))
    reasons: list[Reason] = []
    reached = _level_reached(scheme.levels, shown_points)
    if reached is not None:
        reasons.append(reason("points", points=points(tree.points), level=reached.id, level_title=reached.title,
                              min_points=figure(shown(reached.min_points))))
    elif scheme.levels:
        first = scheme.levels[0]
        reasons.append(reason("no_level", points=points(tree.points), level=first.id, level_title=first.title,
                              min_points=figure(shown(first.min_points))))
    minimum = scheme.policies.min_coverage
    coverage_code = "coverage_low" if shown_coverage < minimum else "coverage_ok"
    reasons.append(reason(coverage_code, coverage=percent(tree.coverage), minimum=figure(shown(minimum))))
    fired = [g for g in gates if g.fired]
    level_titles = {lv.id: lv.title for lv in scheme.levels}
    for result in fired:
        gate = result.gate
        named: dict[str, object] = {"gate": gate.id, "gate_title": gate.title}
        if gate.effect == "cap":  # its level is one of the scheme's (checked when it is loaded)
            named |= {"level": gate.level, "level_title": level_titles[gate.level or ""]}
        code = "gate_refuse" if gate.effect == "refuse" else "gate_cap"
        reasons.extend(reason(code, subject, **named) for subject in result.subjects)
    reasons.extend(evidence_reasons)
    if shown_coverage < minimum:
        return Outcome("deferred", None, tree.points, tree.coverage, tuple(reasons))
    if reached is None or any(g.gate.effect == "refuse" for g in fired):
        return Outcome("refused", None, tree.points, tree.coverage, tuple(reasons))
    order = [lv.id for lv in scheme.levels]
    caps = [order.index(g.gate.level) for g in fired if g.gate.effect == "cap" and g.gate.level in order]
    level = order[min([order.index(reached.id), *caps])]
    return Outcome("granted", level, tree.points, tree.coverage, tuple(reasons))


def evidence_reasons(scheme: Scheme, tree: Tree, exclusions: Mapping[str, tuple[str, str]]) -> list[Reason]:
    """Every exclusion, and every missing or undersized piece of evidence, in tree order."""
    reasons = []
    for criterion in tree.criteria():
        if criterion.excluded:
            justification, approved_by = exclusions.get(criterion.criterion.id, ("", ""))
            reasons.append(reason("excluded", criterion=criterion.criterion.id, justification=justification, approved_by=approved_by))
            continue
        for b in criterion.bindings:
            if b.status == "missing":
                reasons.append(reason("missing", criterion=b.criterion, binding=b.binding.id))
            elif b.status == "undersized" and b.clusters is not None and b.clusters < 2:
                reasons.append(reason("too_few_clusters", criterion=b.criterion, binding=b.binding.id, clusters=b.clusters))
            elif b.status == "undersized" and b.measure is not None:
                minimum = scheme.sources[b.binding.source].min_sample
                reasons.append(reason("undersized", criterion=b.criterion, binding=b.binding.id, n=figure(b.measure.n), min=figure(minimum)))
    return reasons
