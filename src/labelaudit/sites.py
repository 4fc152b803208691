"""Per-site results: the audit's tree, computed for each of a thousand sites, exactly.

A site's attainment, and each of its dimensions, requirements and sources, is a weighted mean
of its bindings' attainments. The weights depend only on the scheme and on which bindings are
evidenced at the site, never on the values nor on the end of the intervals. So the tree is
compiled once per pattern of evidence into linear forms (`SitePlan`), and a site's numbers at
one end of the intervals are a few sums of integers over a common denominator.

The numbers are the exact fractions that `engine.score_tree` gives for the site's evidence
alone (tests/test_properties.py holds the two equal on random schemes, evidence and exclusions);
only the way of computing them differs, because a network audit needs them 1,400 times at each
end of the intervals.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs
from attrs import frozen

from labelaudit.model import Binding, Criterion, Scheme
from labelaudit.rulesets import tree_layout

Attainment = tuple[int, int]  # numerator and positive denominator of a value in [0, 1], not reduced
Weights = dict[int, Fraction]  # binding index → weight of its attainment in a mean
ZERO: Weights = {}  # the constant 0: a criterion without evidence under `missing = "zero"`


@frozen
class Form:
    """Σ weight × attainment over some bindings, weights as integers over one denominator."""

    indices: tuple[int, ...]
    weights: tuple[int, ...]
    denominator: int

    @classmethod
    def of(cls, weights: Weights) -> Form:
        kept = sorted((i, w) for i, w in weights.items() if w)
        denominator = math.lcm(*(w.denominator for _, w in kept)) if kept else 1
        return cls(
            tuple(i for i, _ in kept),
            tuple(w.numerator * (denominator // w.denominator) for _, w in kept),
            denominator,
        )

    def value(self, attainments: Sequence[Attainment]) -> Fraction:
        if not self.indices:
            return Fraction(0)
        terms = [attainments[i] for i in self.indices]
        common = math.lcm(*(d for _, d in terms))
        total = sum(w * n * (common // d) for w, (n, d) in zip(self.weights, terms))
        return Fraction(total, common * self.denominator)


@frozen
class SitePlan:
    """What a pattern of evidence makes of the tree: coverage, and a form for every number."""

    coverage: Fraction
    assessed: bool
    overall: Form
    dimensions: tuple[tuple[str, Form | None], ...]
    requirements: tuple[tuple[str, Form | None], ...]
    sources: tuple[tuple[str, Form | None], ...]


@frozen
class SiteScores:
    """One site's numbers at one end (or the centre) of the intervals, as the record shows them.

    At the ends, `dimensions`, `requirements` and `sources` are empty (see `scores`).
    """

    attainment: Fraction
    points: Fraction
    coverage: Fraction
    assessed: bool
    dimensions: Mapping[str, Fraction | None]
    requirements: Mapping[str, Fraction | None]
    sources: Mapping[str, Fraction | None]


def without_sources(scheme: Scheme, sources: frozenset[str]) -> tuple[Scheme, tuple[int, ...]]:
    """The scheme without the bindings of some sources (the on-site grid, for a site not visited),
    as if it never had them: a criterion left without a binding leaves, and a requirement left
    without a criterion. Returns it with the `slots` indices of the bindings it keeps."""
    kept = tuple(i for i, (_, b) in enumerate(slots(scheme)) if b.source not in sources)
    requirements = []
    for requirement in scheme.requirements:
        criteria = [
            attrs.evolve(c, bindings=tuple(b for b in c.bindings if b.source not in sources))
            for c in requirement.criteria
            if any(b.source not in sources for b in c.bindings)
        ]
        if criteria:
            requirements.append(attrs.evolve(requirement, criteria=tuple(criteria)))
    return attrs.evolve(scheme, requirements=tuple(requirements)), kept


def slots(scheme: Scheme) -> tuple[tuple[Criterion, Binding], ...]:
    """Every (criterion, binding) of the scheme, in the order that indexes a plan's bindings."""
    return tuple((c, b) for c in scheme.criteria() for b in c.bindings)


def attainment_of(value: Fraction, floor: Fraction, span: Fraction) -> Attainment:
    """(v − f) / (t − f) clamped to [0, 1], as integers: `engine.attainment` without the gcds.

    `span` is t − f, computed once per binding.
    """
    numerator = (value.numerator * floor.denominator - floor.numerator * value.denominator) * span.denominator
    denominator = value.denominator * floor.denominator * span.numerator
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    if numerator <= 0:
        return (0, 1)
    if numerator >= denominator:
        return (1, 1)
    return (numerator, denominator)


def scores(plan: SitePlan, attainments: Sequence[Attainment], max_points: Fraction, detail: bool = True) -> SiteScores:
    """A site's numbers from its bindings' attainments (indexed like `slots`).

    Without `detail`, the dimensions, requirements and sources are left empty: at the ends of
    the intervals only the site gates look at a site, and they need its attainment alone.
    """

    def values(forms: tuple[tuple[str, Form | None], ...]) -> dict[str, Fraction | None]:
        if not detail:
            return {}
        return {key: (None if form is None else form.value(attainments)) for key, form in forms}

    overall = plan.overall.value(attainments)
    return SiteScores(
        overall,
        overall * max_points,
        plan.coverage,
        plan.assessed,
        values(plan.dimensions),
        values(plan.requirements),
        values(plan.sources),
    )


# --- Compiling a plan: the same steps as engine.score_tree, on weights instead of values -------


def _mean(parts: Sequence[tuple[Fraction, Weights]]) -> Weights:
    """The weighted mean of some forms, as one form."""
    total = sum((w for w, _ in parts), Fraction(0))
    combined: Weights = {}
    for weight, form in parts:
        for index, inner in form.items():
            combined[index] = combined.get(index, Fraction(0)) + weight / total * inner
    return combined


Child = tuple[Fraction, bool, bool, Weights | None]  # weight, excluded, assessed, form


class _Compiler:
    """One walk down the tree for one pattern of evidence: the criteria's forms, and on the way
    the coverage and the sources' forms, which only need the criteria."""

    def __init__(self, scheme: Scheme, excluded: frozenset[str], evidenced: Sequence[bool]) -> None:
        self.zero = scheme.policies.missing == "zero"
        self.index = {(c.id, b.id): i for i, (c, b) in enumerate(slots(scheme))}
        self.excluded, self.evidenced = excluded, evidenced
        self.kept: list[tuple[Fraction, Fraction]] = []  # (share, coverage) of each criterion not excluded
        self.by_source: dict[str, list[tuple[Fraction, Weights]]] = {s: [] for s in scheme.sources}

    def criterion(self, criterion: Criterion, share: Fraction) -> Child:
        """As `engine.tree._score_criterion`: the mean of the evidenced bindings' attainments."""
        b_total = sum(b.weight for b in criterion.bindings)
        present = [(b, self.index[(criterion.id, b.id)]) for b in criterion.bindings]
        present = [(b, i) for b, i in present if self.evidenced[i]]
        evidenced_weight = sum((b.weight for b, _ in present), Fraction(0))
        is_excluded = criterion.id in self.excluded
        if not is_excluded:
            self.kept.append((share, evidenced_weight / b_total))
        for b, i in present:
            self.by_source[b.source].append((share * b.weight / b_total, {i: Fraction(1)}))
        if is_excluded or not present:
            return criterion.weight, is_excluded, False, ZERO if self.zero and not is_excluded else None
        divisor = b_total if self.zero else evidenced_weight
        return criterion.weight, False, True, {i: b.weight / divisor for b, i in present}

    def node(self, weight: Fraction, children: Sequence[Child]) -> Child:
        """As `engine.tree._node`: the mean of the children that count, for a requirement or dimension."""
        counted = [(w, form) for w, excluded, assessed, form in children if not excluded and form is not None and (assessed or self.zero)]
        excluded = all(c[1] for c in children)
        assessed = any(c[2] for c in children)
        form = _mean(counted) if counted and (assessed or self.zero) else None
        return weight, excluded, assessed, None if excluded else form

    def coverage(self) -> Fraction:
        """As `engine.audit_coverage`: Σ share × coverage over the criteria not excluded."""
        total = sum((s for s, _ in self.kept), Fraction(0))
        return sum((s * c for s, c in self.kept), Fraction(0)) / total if total else Fraction(0)


def _form(form: Weights | None) -> Form | None:
    return None if form is None else Form.of(form)


def plan(scheme: Scheme, excluded: frozenset[str], evidenced: Sequence[bool]) -> SitePlan:
    """Compile the tree for one pattern of evidence (`evidenced` indexed like `slots`)."""
    walk = _Compiler(scheme, excluded, evidenced)
    dimensions: list[tuple[str, Child]] = []
    requirements: list[tuple[str, Child]] = []
    for dimension, _, shares in tree_layout(scheme, excluded):
        r_nodes = []
        for requirement, _, criteria in shares:
            r_node = walk.node(requirement.weight, [walk.criterion(c, share) for c, share in criteria])
            requirements.append((requirement.id, r_node))
            r_nodes.append(r_node)
        if r_nodes:  # as score_tree: a dimension without requirements is not in the tree
            dimensions.append((dimension.id, walk.node(dimension.weight, r_nodes)))
    counted = [(node[0], node[3]) for _, node in dimensions if node[3] is not None]
    return SitePlan(
        coverage=walk.coverage(),
        assessed=any(node[2] for _, node in dimensions),
        overall=Form.of(_mean(counted) if counted else ZERO),
        dimensions=tuple((d, _form(node[3])) for d, node in dimensions),
        requirements=tuple((r, _form(node[3])) for r, node in requirements),
        sources=tuple((s, Form.of(_mean(parts)) if parts else None) for s, parts in walk.by_source.items()),
    )
