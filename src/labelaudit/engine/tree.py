"""Steps 2 to 6: criteria, requirements, dimensions and the overall score, then coverage and
the sources' attainments, over the audit's tree (the scheme's, less the excluded criteria).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction

import attrs

from labelaudit.engine.bindings import Measures, score_binding
from labelaudit.engine.results import CriterionResult, Inputs, Mode, NodeResult, Tree
from labelaudit.model import Criterion, Evidence, Scheme, Text
from labelaudit.rulesets import tree_layout


def _weighted_mean(pairs: Sequence[tuple[Fraction, Fraction]]) -> Fraction:
    total = sum((w for w, _ in pairs), Fraction(0))
    return sum((w * a for w, a in pairs), Fraction(0)) / total


def score_criterion(
    inputs: Inputs,
    criterion: Criterion,
    share: Fraction,
    measures: Measures,
    mode: Mode,
    only: tuple[str, str] | None = None,
) -> CriterionResult:
    modes = tuple(
        measures.effective_mode(criterion, b, mode if only in (None, (criterion.id, b.id)) else "central")
        for b in criterion.bindings
    )
    key = (criterion.id, modes)  # a criterion's share is fixed by the scheme
    if key not in measures.criteria:
        measures.criteria[key] = _score_criterion(inputs, criterion, share, measures, modes)
    return measures.criteria[key]


def _score_criterion(
    inputs: Inputs, criterion: Criterion, share: Fraction, measures: Measures, modes: tuple[Mode, ...]
) -> CriterionResult:
    bindings = tuple(score_binding(inputs, criterion, b, measures, m) for b, m in zip(criterion.bindings, modes))
    excluded = criterion.id in inputs.excluded
    evidenced = [b for b in bindings if b.status == "evidenced"]
    total_weight = sum(b.binding.weight for b in bindings)
    coverage = sum((b.binding.weight for b in evidenced), Fraction(0)) / total_weight
    if excluded or not evidenced:
        zero = Fraction(0) if inputs.scheme.policies.missing == "zero" and not excluded else None
        return CriterionResult(criterion, share, excluded, False, zero, coverage, bindings)
    if inputs.scheme.policies.missing == "zero":
        value = sum((b.binding.weight * b.attainment for b in evidenced), Fraction(0)) / total_weight  # type: ignore[operator]
    else:
        value = _weighted_mean([(b.binding.weight, b.attainment) for b in evidenced])  # type: ignore[misc]
    return CriterionResult(criterion, share, False, True, value, coverage, bindings)


def _node(
    node_id: str, title: Text, weight: Fraction, share: Fraction, children: Sequence[NodeResult | CriterionResult], weights: Sequence[Fraction], missing: str
) -> NodeResult:
    """Weighted mean over the children that count: assessed ones, or all non-excluded under `zero`."""
    counted = [
        (w, c.attainment)
        for w, c in zip(weights, children)
        if not c.excluded and c.attainment is not None and (c.assessed or missing == "zero")
    ]
    excluded = all(c.excluded for c in children)
    assessed = any(c.assessed for c in children)
    value = _weighted_mean(counted) if counted and (assessed or missing == "zero") else None  # type: ignore[arg-type]
    return NodeResult(node_id, title, weight, share, assessed, excluded, None if excluded else value, tuple(children))


def score_tree(
    inputs: Inputs,
    evidence: Iterable[Evidence] | Measures,
    mode: Mode,
    only: tuple[str, str] | None = None,
) -> Tree:
    """The tree from some evidence; `only` moves a single binding to `mode`, the rest central."""
    scheme = inputs.scheme
    measures = evidence if isinstance(evidence, Measures) else Measures(inputs, evidence)
    missing = scheme.policies.missing
    dimensions = []
    for dimension, d_share, requirements in tree_layout(scheme, inputs.excluded):
        r_results = []
        for requirement, r_share, criteria in requirements:
            c_results = [score_criterion(inputs, c, share, measures, mode, only) for c, share in criteria]
            weights = [c.weight for c, _ in criteria]
            r_results.append(_node(requirement.id, requirement.title, requirement.weight, r_share, c_results, weights, missing))
        if r_results:
            weights = [r.weight for r, _, _ in requirements]
            dimensions.append(_node(dimension.id, dimension.title, dimension.weight, d_share, r_results, weights, missing))
    counted = [(d.weight, d.attainment) for d in dimensions if d.attainment is not None]
    overall = _weighted_mean(counted) if counted else Fraction(0)  # type: ignore[arg-type]
    assessed = any(d.assessed for d in dimensions)
    tree = Tree(overall, overall * scheme.max_points, Fraction(0), assessed, tuple(dimensions), {})
    return attrs.evolve(tree, coverage=audit_coverage(tree), sources=source_attainments(scheme, tree))


def audit_coverage(tree: Tree) -> Fraction:
    """Σ share × coverage over the criteria not excluded, over their total share."""
    kept = [c for c in tree.criteria() if not c.excluded]
    total = sum((c.share for c in kept), Fraction(0))
    if total == 0:
        return Fraction(0)
    return sum((c.share * c.coverage for c in kept), Fraction(0)) / total


def source_attainments(scheme: Scheme, tree: Tree) -> dict[str, Fraction | None]:
    """Each source's evidenced bindings, weighted by criterion share × binding share."""
    return source_means(scheme, tree.criteria())


def source_means(scheme: Scheme, criteria: Iterable[CriterionResult]) -> dict[str, Fraction | None]:
    """Source attainments over some criteria (the whole tree, or one requirement's)."""
    pairs: dict[str, list[tuple[Fraction, Fraction]]] = {s: [] for s in scheme.sources}
    for criterion in criteria:
        for b in criterion.bindings:
            if b.status == "evidenced" and b.attainment is not None:
                pairs[b.binding.source].append((criterion.share * b.share, b.attainment))
    return {s: (_weighted_mean(p) if p else None) for s, p in pairs.items()}
