"""Step 1: a binding's evidence, measured and combined over the sites, becomes an attainment.

`Measures` holds the measures of one body of evidence (every site, or one site), each computed
once and shared through `Shared` by every scope and run of one decision; `score_binding` turns
a measure into a `BindingResult` (excluded, missing, undersized or evidenced) at one end of the
intervals. Every indicator result is checked against the contract before it is used.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from fractions import Fraction

import attrs

from labelaudit.design import measure_of
from labelaudit.engine.results import BindingResult, BindingStatus, CriterionResult, Inputs, Mode, SiteValue
from labelaudit.errors import PluginError
from labelaudit.i18n import tr
from labelaudit.indicators import declared_range, interval, measure_problem
from labelaudit.model import Binding, Criterion, Evidence, IndicatorContext, Measure, Sample, Scheme, Text
from labelaudit.engine.surveyed import (
    Measured,
    ScoreTable,
    clustered_measures,
    design_of,
    pooled_samples,
    populations_of,
    with_population,
)
from labelaudit.numbers import shown, z_for
from labelaudit.rulesets import curve_of
from labelaudit.sites import SitePlan


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
        self.inputs = inputs
        self.table = None if indicator.scores is None else ScoreTable(indicator.scores, self.context, self.raised)

    def __call__(self, sample: Sample) -> Measure:
        try:
            measure = self.indicator.compute(sample, self.context)
        except Exception as exc:  # third-party code: name it rather than crash
            raise self.error("engine.indicator_raised", Text(fr=repr(exc), en=repr(exc))) from None
        problem = measure_problem(measure, self.declared)
        if problem is not None:
            raise self.error("engine.indicator_result", problem)
        return measure

    def raised(self, exc: Exception) -> PluginError:
        return self.error("engine.scores_raised", Text(fr=repr(exc), en=repr(exc)))

    def check(self, value: Fraction, by_design: Fraction) -> None:
        """The indicator's value is the mean of its answers' scores, or its scores are wrong."""
        if value != by_design:
            found = Text(fr=f"{shown(value)} ≠ {shown(by_design)}", en=f"{shown(value)} ≠ {shown(by_design)}")
            raise self.error("engine.scores_disagree", found)

    def site(self, site: str, sample: Sample, population: int | None) -> Measure:
        """A site's own measure; with its population, its interval takes the correction."""
        measure = self(sample)
        scores = self.indicator.scores
        if population is None or scores is None:
            return measure
        assert self.table is not None
        return with_population(measure, site, sample, scores, population, self.table, self.context.z, self.declared, self.check)

    def pooled(self, sites: Sequence[tuple[str, Sample]], site_measures: Sequence[Measure]) -> tuple[Measure, int | None]:
        """Every site's answers pooled by the survey design; the value checked against the
        indicator's own (all answers pooled, or the sites' mean when sites weigh equally)."""
        assert self.indicator.scores is not None and self.table is not None
        inputs = self.inputs
        measure, clusters = pooled_samples(
            inputs, self.binding.source, sites, self.indicator.scores, self.table, self.context.z, self.declared
        )
        if clusters is None or clusters >= 2:
            if inputs.scheme.policies.sites == "pooled":
                expected = self(Sample.pooled(sample for _, sample in sites)).value
            else:
                expected = sum((m.value for m in site_measures), Fraction(0)) / len(site_measures)
            self.check(expected, measure.value)
        return measure, clusters

    def error(self, key: str, problem: Text) -> PluginError:
        """A `PluginError` naming the indicator's plugin (with its version), the indicator and the binding."""
        plugin = self.indicator.plugin_label or self.indicator.plugin
        where = {"indicator": self.indicator.name, "criterion": self.criterion, "binding": self.binding.id}
        return PluginError(plugin, Text(
            fr=tr(key, lang="fr", problem=problem.fr, **where), en=tr(key, lang="en", problem=problem.en, **where)
        ))


def _merged(samples: Sequence[Sample]) -> Sample:
    """A site's samples of one binding as one (most sites have one: it is taken as it is)."""
    return samples[0] if len(samples) == 1 else Sample.pooled(samples)


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
class MeasureCache:
    """The measures that depend on the evidence alone, kept for another decision on the same
    evidence: a what-if changes weights, thresholds, gates, sources or exclusions, never the
    evidence of a binding it keeps."""

    sites: SiteMeasures = attrs.Factory(dict)  # each (criterion, binding, site)'s measure
    pooled: dict[tuple[str, str], Measured | None] = attrs.Factory(dict)  # each (criterion, binding)'s, every site

    def copy(self) -> MeasureCache:
        """Another cache holding the same measures, to fill apart (a request of its own)."""
        return MeasureCache(dict(self.sites), dict(self.pooled))


@attrs.define
class Shared:
    """What every scope and run of one decision computes once, whichever needs it first."""

    measures: MeasureCache = attrs.Factory(MeasureCache)  # what depends on the evidence alone
    constants: Constants = attrs.Factory(dict)  # each binding's floor, target and weight share
    plans: dict[tuple[bool, ...], SitePlan] = attrs.Factory(dict)  # per visit and pattern of site evidence
    unvisited: tuple[Scheme, tuple[int, ...]] | None = None  # the scheme without on-site bindings (see score_site)
    curves: tuple[Curve, ...] | None = None  # each binding's, in `sites.slots` order (see score_site)


def measure_binding(
    inputs: Inputs,
    binding: Binding,
    evidence: Sequence[Evidence],
    z: float,
    known: SiteMeasures | None = None,
    pooled_scope: bool = True,
) -> Measured:
    """Combine a binding's per-site evidence into one measure, by the scheme's site policy.

    Direct values (on-site levels) are the mean of the visited sites' values. Samples are
    pooled (all answers together) or, under `sites = "equal"`, measured per site and averaged;
    where the indicator gives each answer's score, the interval follows the audit's survey
    design (`engine.surveyed`: strata or clusters, each site's population). A site's
    pre-aggregated measure is taken as it is; with other sites it is averaged under
    `sites = "equal"`, and weighted by its n under `"pooled"` (`_combine_pooled`), or pooled
    as clusters under a cluster design. `pooled_scope` is false for one site's own result.
    """
    by_site: dict[str, list[Evidence]] = defaultdict(list)
    for item in evidence:
        by_site[item.site].append(item)
    criterion = evidence[0].criterion if evidence else ""
    measurer: _Measurer | None = None  # made at the first sample: direct values need no indicator
    binding_id = binding.id
    populations = populations_of(inputs, binding.source)
    site_values = []
    site_measures: list[tuple[Measure, str, list[Sample], str]] = []  # measure, kind of evidence, samples, site
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
            merged = _merged(samples)
            if merged.n == 0:
                continue
            measurer = measurer or _Measurer(inputs, criterion, binding, z)
            site_measure = measurer.site(site, merged, populations.get(site))
            site_value = SiteValue(site, site_measure.value, site_measure.n, site_measure.low, site_measure.high)
        else:
            site_measure = Measure(sum(values, Fraction(0)) / len(values), 0)
            site_value = SiteValue(site, site_measure.value, None)
        if known is not None:
            known[key] = (site_measure, site_value)
        site_measures.append((site_measure, kind, samples, site))
        site_values.append(site_value)
    if not site_measures:
        raise LookupError("no usable evidence")
    kinds = {kind for _, kind, _, _ in site_measures}
    clusters = pooled_scope and kinds <= {"sample", "measure"} and design_of(inputs, binding.source) == "clusters"
    if len(site_measures) == 1 and not clusters:
        return Measured(site_measures[0][0], tuple(site_values))  # one site: pooled and equal agree
    pooled_policy = inputs.scheme.policies.sites == "pooled"
    if kinds == {"sample"}:
        measurer = measurer or _Measurer(inputs, criterion, binding, z)
        if measurer.indicator.scores is not None:
            by_design = measurer.pooled(
                [(site, _merged(samples)) for _, _, samples, site in site_measures], [m for m, *_ in site_measures]
            )
            return Measured(by_design[0], tuple(site_values), by_design[1])
        if pooled_policy and not clusters:
            pooled = Sample.pooled(sample for _, _, samples, _ in site_measures for sample in samples)
            return Measured(measurer(pooled), tuple(site_values))
    if kinds <= {"sample", "measure"}:
        measures = [m for m, *_ in site_measures]
        if clusters:
            measure, k = _combine_clusters(inputs, binding, criterion, measurer, measures, z)
            return Measured(measure, tuple(site_values), k)
        if not pooled_policy:
            return Measured(_combine_equal(measures), tuple(site_values))
        declared = None
        if binding.indicator is not None and binding.indicator in inputs.indicators:
            declared = (measurer or _Measurer(inputs, criterion, binding, z)).declared
        return Measured(_combine_pooled(measures, declared), tuple(site_values))
    mean = sum((m.value for m, *_ in site_measures), Fraction(0)) / len(site_measures)
    return Measured(Measure(mean, 0), tuple(site_values))


def _combine_clusters(
    inputs: Inputs, binding: Binding, criterion: str, measurer: _Measurer | None, measures: Sequence[Measure], z: float
) -> tuple[Measure, int]:
    """Site measures (some pre-aggregated) as clusters, from each site's value and n alone."""
    found = clustered_measures(measures, inputs.scheme.policies.sites)
    if isinstance(found, tuple):
        return found
    if binding.indicator is not None and binding.indicator in inputs.indicators:
        measurer = measurer or _Measurer(inputs, criterion, binding, z)
    scores = measurer.indicator.scores if measurer is not None else None
    kind = scores.interval if scores is not None else "normal"
    bounds = measurer.declared if measurer is not None and (scores is None or scores.clamp) else None
    return measure_of(found, kind, z, bounds), found.clusters


def value_for(measure: Measure, higher_is_better: bool, mode: Mode) -> Fraction:
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
        self._measured: dict[tuple[str, str], Measured | None] = {}
        self.criteria: dict[tuple[str, tuple[Mode, ...]], CriterionResult] = {}
        self.evidenced: tuple[Measure | None, ...] | None = None  # per binding, in `sites.slots` order

    def evidence(self, criterion: Criterion, binding: Binding) -> list[Evidence]:
        return self.by_binding.get((criterion.id, binding.id), [])

    def measure(self, criterion: Criterion, binding: Binding) -> Measured | None:
        key = (criterion.id, binding.id)
        # A site's own measure was made, and kept in `measures.sites`, when every site was measured:
        # taking it here skips measure_binding's grouping, 0.1 s on 1,400 sites × 35 bindings.
        # Only for evidence this scope has: a what-if that drops a source shares them too.
        if self.site is not None and key not in self._measured and key in self.by_binding:
            known = self.shared.measures.sites.get((*key, self.site))
            if known is not None:
                self._measured[key] = Measured(known[0], (known[1],))
        if key not in self._measured:
            evidence = self.evidence(criterion, binding)
            pooled = self.shared.measures.pooled if self.site is None and evidence else None  # every site's, shareable
            if pooled is not None and key in pooled:
                measured = pooled[key]
            else:
                try:
                    measured = measure_binding(
                        self.inputs, binding, evidence, self.z, self.shared.measures.sites, pooled_scope=self.site is None
                    ) if evidence else None
                except LookupError:
                    measured = None
                if pooled is not None:
                    pooled[key] = measured
            self._measured[key] = measured
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
) -> tuple[BindingStatus, Measured | None]:
    """Excluded, missing, undersized (below the source's minimum sample, or fewer than two
    surveyed sites with answers under a cluster design) or evidenced: the same at every end
    of the intervals."""
    if criterion.id in inputs.excluded:
        return "excluded", None
    measured = measures.measure(criterion, binding)
    if measured is None:
        return "missing", None
    min_sample = inputs.scheme.sources[binding.source].min_sample
    counted = measures.evidence(criterion, binding)
    if measured.clusters is not None and measured.clusters < 2:
        return "undersized", measured
    if measured[0].n < min_sample and any(e.sample is not None or e.measure is not None for e in counted):
        return "undersized", measured
    return "evidenced", measured


def score_binding(inputs: Inputs, criterion: Criterion, binding: Binding, measures: Measures, mode: Mode) -> BindingResult:
    floor, target, share = binding_constants(inputs, criterion, binding, measures)
    evidence = tuple(measures.evidence(criterion, binding))
    status, measured = binding_status(inputs, criterion, binding, measures)
    if measured is None:
        return BindingResult(criterion.id, binding, share, floor, target, status, evidence=evidence)
    measure, sites, clusters = measured
    if status == "undersized":
        return BindingResult(
            criterion.id, binding, share, floor, target, "undersized", measure=measure, sites=sites, evidence=evidence,
            clusters=clusters,
        )
    value = value_for(measure, target > floor, mode)
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
        clusters=clusters,
    )
