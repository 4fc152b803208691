"""The scoring engine: evidence in, a proposed label decision out.

A pure function of the scheme, the audit's exclusions and sites, the evidence and the
findings. Every number is an exact `Fraction`; rounding happens once, where a number is
compared with a threshold or shown (`labelaudit.numbers`). The steps follow the scoring
contract in docs/scoring.md: binding → criterion → requirement → dimension → overall, then
coverage, levels, gates, the outcome, and the stability check within the intervals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Literal

import attrs
from attrs import frozen

from labelaudit.errors import PluginError
from labelaudit.indicators import declared_range, interval, measure_problem
from labelaudit.i18n import both, tr
from labelaudit.model import (
    Binding,
    Criterion,
    Evidence,
    Finding,
    Gate,
    Indicator,
    IndicatorContext,
    Level,
    Measure,
    Sample,
    Scheme,
    Site,
    Text,
)
from labelaudit.numbers import from_float6, percent, points, shown, z_for
from labelaudit.rulesets import GRID_KINDS, curve_of, tree_layout
from labelaudit.sites import SitePlan, SiteScores, attainment_of, plan, scores, slots, without_sources


SITES_NAMED = 20  # a reason's text names this many sites; its `sites` value names them all

Mode = Literal["central", "pessimistic", "optimistic"]
Status = Literal["granted", "refused", "deferred"]
BindingStatus = Literal["evidenced", "missing", "undersized", "excluded"]



@frozen
class Reason:
    """One line of an outcome's justification: a message key, its values, and a detail.

    A value is a string, or a `Text` (a level's or a gate's title) shown in the reader's language.
    """

    code: str
    params: tuple[tuple[str, str | Text], ...] = ()
    detail: Reason | None = None

    def text(self, lang: Literal["fr", "en"]) -> str:
        detail = self.detail.text(lang) if self.detail else ""
        values = {k: (v.get(lang) if isinstance(v, Text) else v) for k, v in self.params}
        return tr(f"reason.{self.code}", lang=lang, detail=detail, **values)


def reason(code: str, detail: Reason | None = None, **params: object) -> Reason:
    return Reason(code, tuple(sorted((k, v if isinstance(v, Text) else str(v)) for k, v in params.items())), detail)


@frozen
class SiteValue:
    site: str
    value: Fraction
    n: int | None
    low: Fraction | None = None
    high: Fraction | None = None


@frozen
class BindingResult:
    criterion: str
    binding: Binding
    share: Fraction  # the binding's weight over its criterion's bindings' weight
    floor: Fraction
    target: Fraction
    status: BindingStatus
    value: Fraction | None = None  # the value the attainment was computed from (mode applied)
    measure: Measure | None = None  # the central measure, with its interval
    attainment: Fraction | None = None
    unacceptable: bool = False
    sites: tuple[SiteValue, ...] = ()
    evidence: tuple[Evidence, ...] = ()


@frozen
class CriterionResult:
    criterion: Criterion
    share: Fraction  # its share of the whole tree
    excluded: bool
    assessed: bool
    attainment: Fraction | None
    coverage: Fraction
    bindings: tuple[BindingResult, ...]


@frozen
class NodeResult:
    """A requirement or a dimension: the weighted mean of its children."""

    id: str
    title: Text
    weight: Fraction
    share: Fraction  # weight normalised among its siblings
    assessed: bool
    excluded: bool
    attainment: Fraction | None  # None when left out (renormalize) or excluded
    children: tuple[NodeResult | CriterionResult, ...]


@frozen
class Tree:
    attainment: Fraction
    points: Fraction
    coverage: Fraction
    assessed: bool
    dimensions: tuple[NodeResult, ...]
    sources: Mapping[str, Fraction | None]

    def criteria(self) -> Iterable[CriterionResult]:
        for dimension in self.dimensions:
            for requirement in dimension.children:
                assert isinstance(requirement, NodeResult)
                for criterion in requirement.children:
                    assert isinstance(criterion, CriterionResult)
                    yield criterion

    def requirements(self) -> Iterable[NodeResult]:
        for dimension in self.dimensions:
            yield from (r for r in dimension.children if isinstance(r, NodeResult))


@frozen
class SiteResult:
    site: Site
    scores: SiteScores  # the numbers of the site's own tree (labelaudit.sites)
    has_result: bool  # enough evidence at this site alone (coverage at least the minimum)
    visited: bool = True  # on-site evidence at this site (or the scheme has no on-site source)


@frozen
class GateResult:
    gate: Gate
    fired: bool
    subjects: tuple[Reason, ...] = ()  # what failed, one line each
    skipped: tuple[str, ...] = ()  # subjects without a result (sites), listed not judged


@frozen
class Outcome:
    status: Status
    level: str | None
    points: Fraction
    coverage: Fraction
    reasons: tuple[Reason, ...]

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.status, self.level)


@frozen
class Run:
    """One complete decision at one end (or the centre) of the perception intervals."""

    mode: Mode
    tree: Tree
    sites: tuple[SiteResult, ...]
    gates: tuple[GateResult, ...]
    outcome: Outcome


@frozen
class Sensitivity:
    """How far one binding's interval alone moves the points (the others held central)."""

    criterion: str
    binding: str
    pessimistic_points: Fraction
    optimistic_points: Fraction

    @property
    def swing(self) -> Fraction:
        return self.optimistic_points - self.pessimistic_points


@frozen
class Decision:
    central: Run
    pessimistic: Run | None
    optimistic: Run | None
    findings: tuple[Finding, ...]
    majors_by_requirement: Mapping[str, int]
    sensitivities: tuple[Sensitivity, ...] = ()

    @property
    def borderline(self) -> bool:
        if self.pessimistic is None or self.optimistic is None:
            return False
        return self.pessimistic.outcome.key != self.optimistic.outcome.key


@frozen
class Inputs:
    """Everything the engine decides from."""

    scheme: Scheme
    sites: tuple[Site, ...]
    evidence: tuple[Evidence, ...]
    findings: tuple[Finding, ...] = ()
    excluded: frozenset[str] = frozenset()
    indicators: Mapping[str, Indicator] = attrs.field(factory=dict)


# --- Step 1: bindings -----------------------------------------------------------------------


def attainment(value: Fraction, floor: Fraction, target: Fraction) -> Fraction:
    """(v − f) / (t − f) clamped to [0, 1]: the same formula whichever way is better."""
    return min(Fraction(1), max(Fraction(0), (value - floor) / (target - floor)))


def is_unacceptable(value: Fraction, floor: Fraction, target: Fraction) -> bool:
    return value < floor if target > floor else value > floor


class _Measurer:
    """A binding's indicator, with its context and declared range found once for all the sites
    it measures; every result is checked against the contract (`measure_problem`)."""

    def __init__(self, inputs: Inputs, criterion: str, binding: Binding, z: float) -> None:
        indicator = inputs.indicators.get(binding.indicator or "")
        if indicator is None:  # the collection refuses a sample on a binding without indicator
            raise PluginError("?", f"no plugin provides the indicator {binding.indicator!r} of {criterion} / {binding.id}")
        source = inputs.scheme.sources[binding.source]
        self.indicator = indicator
        self.criterion = criterion
        self.binding = binding
        self.context = IndicatorContext(binding, inputs.scheme.scale_of(source, binding.item), z)
        self.declared = declared_range(indicator, self.context)

    def __call__(self, sample: Sample) -> Measure:
        try:
            measure = self.indicator.compute(sample, self.context)
        except Exception as exc:  # third-party code: name it rather than crash
            raise self.error("engine.indicator_raised", Text(fr=repr(exc), en=repr(exc))) from None
        problem = measure_problem(measure, self.declared)
        if problem is not None:
            raise self.error("engine.indicator_result", problem)
        return measure

    def error(self, key: str, problem: Text) -> PluginError:
        """A `PluginError` naming the indicator's plugin (with its version), the indicator and the binding."""
        plugin = self.indicator.plugin_label or self.indicator.plugin
        where = {"indicator": self.indicator.name, "criterion": self.criterion, "binding": self.binding.id}
        return PluginError(plugin, Text(
            fr=tr(key, lang="fr", problem=problem.fr, **where), en=tr(key, lang="en", problem=problem.en, **where)
        ))


def _combine_equal(site_measures: Sequence[Measure]) -> Measure:
    """Plain mean of the sites' values; interval half-widths combined as independent errors."""
    k = len(site_measures)
    value = sum((m.value for m in site_measures), Fraction(0)) / k
    n = sum(m.n for m in site_measures)
    ends = [(m.value, m.low, m.high) for m in site_measures if m.low is not None and m.high is not None]
    if len(ends) < k:
        return Measure(value, n)
    below = sum(float(v - low) ** 2 for v, low, _ in ends) ** 0.5 / k
    above = sum(float(high - v) ** 2 for v, _, high in ends) ** 0.5 / k
    return Measure(value, n, *interval(value, float(value) - below, float(value) + above))


def _combine_pooled(site_measures: Sequence[Measure], declared: tuple[Fraction, Fraction] | None) -> Measure:
    """Sites, some pre-aggregated, pooled: the n-weighted mean of their values, Σ (n_h/n)·v_h.

    That is exactly the pooled value of an indicator that is the mean of a per-answer score
    (the collection refuses pre-aggregated evidence for any other under ``sites = "pooled"``).
    The interval combines each site's half-widths, below and above, with the same weights:
    √Σ (n_h/n)²·(v_h − low_h)², the stratified variance Σ W_h²·v_h for a symmetric interval;
    no interval unless every site has one. Clamped to the indicator's declared range.
    """
    n = sum(m.n for m in site_measures)
    if n == 0:  # only direct inputs can get here: the collection refuses n = 0 for pooling
        return _combine_equal(site_measures)
    value = sum((m.n * m.value for m in site_measures), Fraction(0)) / n
    if any(m.low is None or m.high is None for m in site_measures):
        return Measure(value, n)
    ends = [(m.n / n, m.value, m.low, m.high) for m in site_measures if m.low is not None and m.high is not None]
    below = sum((w * float(v - low)) ** 2 for w, v, low, _ in ends) ** 0.5
    above = sum((w * float(high - v)) ** 2 for w, v, _, high in ends) ** 0.5
    low, high = float(value) - below, float(value) + above
    if declared is not None:
        low, high = max(low, float(declared[0])), min(high, float(declared[1]))
    return Measure(value, n, *interval(value, low, high))


SiteMeasures = dict[tuple[str, str, str], tuple[Measure, SiteValue]]
Constants = dict[tuple[str, str], tuple[Fraction, Fraction, Fraction]]
Curve = tuple[bool, Fraction, Fraction]  # higher is better, floor, target − floor


@attrs.define
class Shared:
    """What every scope and run of one decision computes once, whichever needs it first."""

    known: SiteMeasures = attrs.Factory(dict)  # each (criterion, binding, site)'s measure
    constants: Constants = attrs.Factory(dict)  # each binding's floor, target and weight share
    plans: dict[tuple[bool, ...], SitePlan] = attrs.Factory(dict)  # per visit and pattern of site evidence
    unvisited: tuple[Scheme, tuple[int, ...]] | None = None  # the scheme without on-site bindings (see score_site)
    curves: tuple[Curve, ...] | None = None  # each binding's, in `sites.slots` order (see score_site)


def measure_binding(
    inputs: Inputs, binding: Binding, evidence: Sequence[Evidence], z: float, known: SiteMeasures | None = None
) -> tuple[Measure, tuple[SiteValue, ...]]:
    """Combine a binding's per-site evidence into one measure, by the scheme's site policy.

    Direct values (on-site levels) are the mean of the visited sites' values. Samples are
    pooled (all answers together) or, under `sites = "equal"`, measured per site and averaged.
    A site's pre-aggregated measure is taken as it is; with other sites it is averaged under
    `sites = "equal"`, and weighted by its n under `"pooled"` (`_combine_pooled`).
    """
    by_site: dict[str, list[Evidence]] = defaultdict(list)
    for item in evidence:
        by_site[item.site].append(item)
    criterion = evidence[0].criterion if evidence else ""
    measurer: _Measurer | None = None  # made at the first sample: direct values need no indicator
    binding_id = binding.id
    site_values = []
    site_measures: list[tuple[Measure, str, list[Sample]]] = []  # measure, kind of evidence, samples
    for site in sorted(by_site):
        items = by_site[site]
        values = [e.value for e in items if e.value is not None]
        samples = [e.sample for e in items if e.sample is not None]
        given = [e.measure for e in items if e.measure is not None]
        kind = "sample" if samples else "measure" if given else "value"
        key = (items[0].criterion, binding_id, site)
        if known is not None and key in known:
            site_measure, site_value = known[key]
        elif given:  # the collection made sure it is the only evidence of its binding at its site
            site_measure = given[0]
            site_value = SiteValue(site, site_measure.value, site_measure.n, site_measure.low, site_measure.high)
        elif samples:
            merged = samples[0] if len(samples) == 1 else Sample.pooled(samples)
            if merged.n == 0:
                continue
            measurer = measurer or _Measurer(inputs, criterion, binding, z)
            site_measure = measurer(merged)
            site_value = SiteValue(site, site_measure.value, site_measure.n, site_measure.low, site_measure.high)
        else:
            site_measure = Measure(sum(values, Fraction(0)) / len(values), 0)
            site_value = SiteValue(site, site_measure.value, None)
        if known is not None:
            known[key] = (site_measure, site_value)
        site_measures.append((site_measure, kind, samples))
        site_values.append(site_value)
    if not site_measures:
        raise LookupError("no usable evidence")
    if len(site_measures) == 1:
        return site_measures[0][0], tuple(site_values)  # one site: pooled and equal agree
    kinds = {kind for _, kind, _ in site_measures}
    pooled_policy = inputs.scheme.policies.sites == "pooled"
    if kinds == {"sample"} and pooled_policy:
        pooled = Sample.pooled(sample for _, _, samples in site_measures for sample in samples)
        return (measurer or _Measurer(inputs, criterion, binding, z))(pooled), tuple(site_values)
    if kinds <= {"sample", "measure"}:
        measures = [m for m, _, _ in site_measures]
        if not pooled_policy:
            return _combine_equal(measures), tuple(site_values)
        declared = None
        if binding.indicator is not None and binding.indicator in inputs.indicators:
            declared = (measurer or _Measurer(inputs, criterion, binding, z)).declared
        return _combine_pooled(measures, declared), tuple(site_values)
    mean = sum((m.value for m, _, _ in site_measures), Fraction(0)) / len(site_measures)
    return Measure(mean, 0), tuple(site_values)


def _value_for(measure: Measure, higher_is_better: bool, mode: Mode) -> Fraction:
    if mode == "central" or measure.low is None or measure.high is None:
        return measure.value
    toward_floor = measure.low if higher_is_better else measure.high
    toward_target = measure.high if higher_is_better else measure.low
    return toward_floor if mode == "pessimistic" else toward_target


class Measures:
    """The measures of one body of evidence (every site, or one site), each computed once.

    A measure depends only on the evidence, never on the mode, the weights or the gates, so
    the central, pessimistic and optimistic runs and the sensitivity check share them: on a
    network of a thousand sites this is the difference between seconds and minutes.
    """

    def __init__(
        self, inputs: Inputs, evidence: Iterable[Evidence], shared: Shared | None = None, site: str | None = None
    ) -> None:
        self.inputs = inputs
        self.shared = Shared() if shared is None else shared
        self.site = site  # the one site whose evidence this is, or None for every site
        self.z = z_for(inputs.scheme.policies.confidence)
        self.by_binding: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
        for item in evidence:
            self.by_binding[(item.criterion, item.binding)].append(item)
        self._measured: dict[tuple[str, str], tuple[Measure, tuple[SiteValue, ...]] | None] = {}
        self.criteria: dict[tuple[str, tuple[Mode, ...]], CriterionResult] = {}
        self.evidenced: tuple[Measure | None, ...] | None = None  # per binding, in `sites.slots` order

    def evidence(self, criterion: Criterion, binding: Binding) -> list[Evidence]:
        return self.by_binding.get((criterion.id, binding.id), [])

    def measure(self, criterion: Criterion, binding: Binding) -> tuple[Measure, tuple[SiteValue, ...]] | None:
        key = (criterion.id, binding.id)
        # A site's own measure was made, and kept in `known`, when every site was measured:
        # taking it here skips measure_binding's grouping, 0.1 s on 1,400 sites × 35 bindings.
        if self.site is not None and key not in self._measured:
            known = self.shared.known.get((*key, self.site))
            if known is not None:
                self._measured[key] = (known[0], (known[1],))
        if key not in self._measured:
            evidence = self.evidence(criterion, binding)
            try:
                measured = measure_binding(self.inputs, binding, evidence, self.z, self.shared.known) if evidence else None
                self._measured[key] = measured
            except LookupError:
                self._measured[key] = None
        return self._measured[key]

    def effective_mode(self, criterion: Criterion, binding: Binding, mode: Mode) -> Mode:
        """A value without an interval is the same at both ends: score it once, centrally."""
        measured = self.measure(criterion, binding)
        return mode if measured is not None and measured[0].low is not None else "central"


def _binding_constants(scheme: Scheme, criterion: Criterion, binding: Binding) -> tuple[Fraction, Fraction, Fraction]:
    """A binding's floor, target and weight share: fixed by the scheme."""
    floor, target = curve_of(scheme, binding)
    return floor, target, binding.weight / sum(b.weight for b in criterion.bindings)


def binding_constants(
    inputs: Inputs, criterion: Criterion, binding: Binding, measures: Measures
) -> tuple[Fraction, Fraction, Fraction]:
    key = (criterion.id, binding.id)
    constants = measures.shared.constants
    if key not in constants:  # shared by every scope and run of one decision
        constants[key] = _binding_constants(inputs.scheme, criterion, binding)
    return constants[key]


def binding_status(
    inputs: Inputs, criterion: Criterion, binding: Binding, measures: Measures
) -> tuple[BindingStatus, tuple[Measure, tuple[SiteValue, ...]] | None]:
    """Excluded, missing, undersized (below the source's minimum sample) or evidenced: the
    same at every end of the intervals."""
    if criterion.id in inputs.excluded:
        return "excluded", None
    measured = measures.measure(criterion, binding)
    if measured is None:
        return "missing", None
    min_sample = inputs.scheme.sources[binding.source].min_sample
    counted = measures.evidence(criterion, binding)
    if measured[0].n < min_sample and any(e.sample is not None or e.measure is not None for e in counted):
        return "undersized", measured
    return "evidenced", measured


def score_binding(inputs: Inputs, criterion: Criterion, binding: Binding, measures: Measures, mode: Mode) -> BindingResult:
    floor, target, share = binding_constants(inputs, criterion, binding, measures)
    evidence = tuple(measures.evidence(criterion, binding))
    status, measured = binding_status(inputs, criterion, binding, measures)
    if measured is None:
        return BindingResult(criterion.id, binding, share, floor, target, status, evidence=evidence)
    measure, sites = measured
    if status == "undersized":
        return BindingResult(
            criterion.id, binding, share, floor, target, "undersized", measure=measure, sites=sites, evidence=evidence
        )
    value = _value_for(measure, target > floor, mode)
    return BindingResult(
        criterion.id,
        binding,
        share,
        floor,
        target,
        "evidenced",
        value=value,
        measure=measure,
        attainment=attainment(value, floor, target),
        unacceptable=is_unacceptable(value, floor, target),
        sites=sites,
        evidence=evidence,
    )


# --- Steps 2 to 4: the tree -----------------------------------------------------------------


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


# --- Steps 5 to 8: gates and the outcome ----------------------------------------------------


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
        return reason("subject_below", subject=subject, value=rounded, minimum=shown(gate.min_percent))
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
            reason("subject_unacceptable", subject=f"{c.criterion.id} / {b.binding.id}", value=shown(b.value), floor=shown(b.floor))  # type: ignore[arg-type]
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
                              min_points=shown(reached.min_points)))
    elif scheme.levels:
        first = scheme.levels[0]
        reasons.append(reason("no_level", points=points(tree.points), level=first.id, level_title=first.title,
                              min_points=shown(first.min_points)))
    minimum = scheme.policies.min_coverage
    coverage_code = "coverage_low" if shown_coverage < minimum else "coverage_ok"
    reasons.append(reason(coverage_code, coverage=percent(tree.coverage), minimum=shown(minimum)))
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
            elif b.status == "undersized" and b.measure is not None:
                minimum = scheme.sources[b.binding.source].min_sample
                reasons.append(reason("undersized", criterion=b.criterion, binding=b.binding.id, n=b.measure.n, min=minimum))
    return reasons


def run(
    inputs: Inputs,
    mode: Mode,
    exclusions: Mapping[str, tuple[str, str]],
    measures: Mapping[str | None, Measures] | None = None,
) -> Run:
    """One decision; `measures` (all sites under None, then each site) may be shared by runs."""
    measures = measures or measures_by_scope(inputs)
    tree = score_tree(inputs, measures[None], mode)
    minimum = inputs.scheme.policies.min_coverage
    sites = []
    # Per-site results serve the site gates and, centrally, the record: the runs at the ends
    # of the intervals need them only where a site gate can fire.
    needed = mode == "central" or any(g.scope == "site" for g in inputs.scheme.gates)
    onsite = onsite_sources(inputs.scheme)
    for site in inputs.sites if needed else ():
        visited = was_visited(measures[site.id], onsite)
        site_scores = score_site(inputs, measures[site.id], mode, detail=mode == "central", visited=visited)
        has_result = site_scores.assessed and Fraction(percent(site_scores.coverage)) >= minimum
        sites.append(SiteResult(site, site_scores, has_result, visited))
    majors = majors_by_requirement(inputs.scheme, inputs.findings)
    gates = tuple(evaluate_gate(g, tree, sites, majors) for g in inputs.scheme.gates)
    reasons = [*site_reasons(inputs.scheme, sites), *evidence_reasons(inputs.scheme, tree, exclusions)]
    outcome = decide(inputs.scheme, tree, gates, reasons)
    return Run(mode, tree, tuple(sites), gates, outcome)


def onsite_sources(scheme: Scheme) -> frozenset[str]:
    """The sources an auditor fills in on site (the grids): their evidence says a site was visited."""
    return frozenset(s for s, source in scheme.sources.items() if source.kind in GRID_KINDS)


def was_visited(measures: Measures, onsite: frozenset[str]) -> bool:
    """A site with on-site evidence (on a criterion in the audit's scope: an excluded one is as if
    the scheme did not have it) was visited; a scheme without on-site source visits none, and no
    site of it is said to be unvisited."""
    if not onsite:
        return True
    excluded = measures.inputs.excluded
    return any(
        binding.split("/", 1)[0] in onsite and criterion not in excluded for criterion, binding in measures.by_binding
    )


def _named(ids: Sequence[str]) -> Text:
    """The sites a reason's text names: all of them, or the first SITES_NAMED and a count."""
    if len(ids) <= SITES_NAMED:
        return Text(", ".join(ids), ", ".join(ids))
    first, more = ", ".join(ids[:SITES_NAMED]), len(ids) - SITES_NAMED
    return both("reason.more_sites", sites=first, more=more)


def site_reasons(scheme: Scheme, sites: Sequence[SiteResult]) -> list[Reason]:
    """The sites that are in the decision without a result of their own, or without a visit,
    named: a site never drops out of a decision silently."""
    reasons = []
    not_visited = [s.site.id for s in sites if not s.visited]
    if not_visited:
        reasons.append(_sites_reason("sites_not_visited", not_visited))
    without = [s.site.id for s in sites if not s.has_result]
    if without:
        reasons.append(_sites_reason("sites_without_result", without, minimum=shown(scheme.policies.min_coverage)))
    return reasons


def _sites_reason(code: str, ids: Sequence[str], **params: object) -> Reason:
    """A reason naming sites: every id in its `sites` value (the record keeps it), at most
    SITES_NAMED in its text (`named`, a Text, is in the texts only)."""
    return reason(code, None, count=len(ids), sites=", ".join(ids), named=_named(ids), **params)


def _curves(inputs: Inputs, measures: Measures) -> tuple[Curve, ...]:
    """What `sites.attainment_of` needs of each binding: the same for every site."""
    if measures.shared.curves is None:
        curves = []
        for criterion, binding in slots(inputs.scheme):
            floor, target, _ = binding_constants(inputs, criterion, binding, measures)
            curves.append((target > floor, floor, target - floor))
        measures.shared.curves = tuple(curves)
    return measures.shared.curves


def _evidenced(inputs: Inputs, measures: Measures) -> tuple[Measure | None, ...]:
    """Each binding's measure at the site where it is evidenced (the same at every end)."""
    if measures.evidenced is None:
        found = []
        for criterion, binding in slots(inputs.scheme):
            status, measured = binding_status(inputs, criterion, binding, measures)
            found.append(measured[0] if measured is not None and status == "evidenced" else None)
        measures.evidenced = tuple(found)
    return measures.evidenced


def score_site(
    inputs: Inputs, measures: Measures, mode: Mode, detail: bool = False, visited: bool = True
) -> SiteScores:
    """One site's numbers: what `score_tree` gives on the site's evidence, through a plan.

    A site not visited on site is scored on the scheme without its on-site bindings
    (`unvisited_scheme`): its result is its perception alone, not a weaker one in which the grid
    it never had counts as missing evidence. Dimensions, requirements and sources only with
    `detail` (the runs ask for them centrally).
    """
    evidenced = _evidenced(inputs, measures)
    curves = _curves(inputs, measures)
    scheme = inputs.scheme
    if not visited:
        scheme, kept = unvisited_scheme(inputs, measures.shared)
        evidenced = tuple(evidenced[i] for i in kept)
        curves = tuple(curves[i] for i in kept)
    pattern = (visited, *(measure is not None for measure in evidenced))
    if pattern not in measures.shared.plans:
        measures.shared.plans[pattern] = plan(scheme, inputs.excluded, pattern[1:])
    attainments = [
        (0, 1) if measure is None else attainment_of(_value_for(measure, higher_is_better, mode), floor, span)
        for measure, (higher_is_better, floor, span) in zip(evidenced, curves)
    ]
    return scores(measures.shared.plans[pattern], attainments, inputs.scheme.max_points, detail)


def unvisited_scheme(inputs: Inputs, shared: Shared | None = None) -> tuple[Scheme, tuple[int, ...]]:
    """The scheme a site not visited on site is scored on, and the bindings (`slots` indices) kept."""
    if shared is not None and shared.unvisited is not None:
        return shared.unvisited
    found = without_sources(inputs.scheme, onsite_sources(inputs.scheme))
    if shared is not None:
        shared.unvisited = found
    return found


def measures_by_scope(inputs: Inputs) -> dict[str | None, Measures]:
    """The measures of all the evidence (key None) and of each site's evidence alone."""
    by_site: dict[str, list[Evidence]] = defaultdict(list)
    for item in inputs.evidence:
        by_site[item.site].append(item)
    shared = Shared()
    scopes: dict[str | None, Measures] = {None: Measures(inputs, inputs.evidence, shared)}
    for site in inputs.sites:
        scopes[site.id] = Measures(inputs, by_site.get(site.id, []), shared, site.id)
    return scopes


def has_intervals(tree: Tree) -> bool:
    return any(
        b.measure is not None and b.measure.low is not None
        for c in tree.criteria()
        for b in c.bindings
        if b.status == "evidenced"
    )


def score(inputs: Inputs, exclusions: Mapping[str, tuple[str, str]] | None = None) -> Decision:
    """The whole decision: the central run, and the two ends of the intervals where any exist."""
    exclusions = exclusions or {}
    measures = measures_by_scope(inputs)
    central = run(inputs, "central", exclusions, measures)
    pessimistic = optimistic = None
    if has_intervals(central.tree):
        pessimistic = run(inputs, "pessimistic", exclusions, measures)
        optimistic = run(inputs, "optimistic", exclusions, measures)
    majors = majors_by_requirement(inputs.scheme, inputs.findings)
    decision = Decision(central, pessimistic, optimistic, inputs.findings, majors)
    if decision.borderline:
        decision = attrs.evolve(decision, sensitivities=sensitivities(inputs, central.tree, measures[None]))
    return decision


def sensitivities(inputs: Inputs, tree: Tree, measures: Measures, most: int = 5) -> tuple[Sensitivity, ...]:
    """The bindings whose interval alone moves the points most: what a borderline hinges on."""
    found = []
    for criterion in tree.criteria():
        for b in criterion.bindings:
            if b.status != "evidenced" or b.measure is None or b.measure.low is None:
                continue
            key = (criterion.criterion.id, b.binding.id)
            low = score_tree(inputs, measures, "pessimistic", only=key).points
            high = score_tree(inputs, measures, "optimistic", only=key).points
            found.append(Sensitivity(key[0], key[1], low, high))
    found.sort(key=lambda s: (-s.swing, s.criterion, s.binding))
    return tuple(found[:most])
