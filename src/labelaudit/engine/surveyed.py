"""Step 1, for survey evidence: pooled intervals that follow how the sample was drawn.

The audit says, per survey source (`[survey_design.SOURCE]`), which sites were surveyed out of
its sites in scope and, where known, each site's population. Every site surveyed: the sites
are strata; only some: clusters (`labelaudit.design` holds the formulas). A site's own
interval takes its finite population correction; the pooled one follows the design. This
needs each answer's score (`Indicator.scores`): an indicator that does not give them keeps
the pooled sample's interval, and pre-aggregated measures pool as `bindings` says, save
under clusters, where each site's value and n are all the ratio estimator needs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import NamedTuple

from labelaudit.design import (
    Design,
    Estimate,
    SiteSums,
    TooFewClusters,
    estimate_sums,
    measure_of,
    ratio_estimate,
    stratified_sums,
)
from labelaudit.engine.results import Inputs, SiteValue
from labelaudit.model import AnswerScores, IndicatorContext, Measure, Sample


class Measured(NamedTuple):
    """A binding's measure over its scope, each site's value, and k under a cluster design."""

    measure: Measure
    sites: tuple[SiteValue, ...]
    clusters: int | None = None


def design_of(inputs: Inputs, source: str) -> Design:
    """Clusters when the audit names a sample of its sites as surveyed, strata otherwise."""
    declared = inputs.designs.get(source)
    if declared is None or declared.surveyed is None:
        return "strata"
    in_scope = {s.id for s in inputs.sites}
    return "clusters" if in_scope - set(declared.surveyed) else "strata"


def populations_of(inputs: Inputs, source: str) -> Mapping[str, int]:
    """Each site's population the audit declares for a survey source (none: empty)."""
    declared = inputs.designs.get(source)
    return {} if declared is None else declared.population


Check = Callable[[Fraction, Fraction], None]  # (the indicator's value, the design's): must agree


class ScoreTable:
    """A binding's per-answer scores (`AnswerScores.score`), each distinct answer asked once.

    A score is a function of the answer and the binding's context, and a network's thousand
    sites share a handful of distinct answers: asking the plugin once per answer, and reducing
    each site's tally to integer sums (`design.SiteSums`) over the scores' common denominator,
    spares a Fraction operation per answer and per site. Each score is checked to be exact.
    """

    def __init__(self, scores: AnswerScores, context: IndicatorContext, raised: Callable[[Exception], Exception]) -> None:
        self.scores, self.context, self.raised = scores, context, raised
        self.found: dict[tuple[int, int], Fraction] = {}  # (numerator, denominator): hashing a Fraction is slow
        self._scaled: tuple[int, dict[tuple[int, int], int]] = (1, {})

    def of(self, value: Fraction) -> Fraction:
        key = (value.numerator, value.denominator)
        found = self.found.get(key)
        if found is None:
            try:
                score = self.scores.score(value, self.context)
            except Exception as exc:  # third-party code: name it rather than crash
                raise self.raised(exc) from None
            if isinstance(score, bool) or not isinstance(score, (Fraction, int)):
                raise self.raised(TypeError(f"score of {value} is {score!r}, expected an exact number"))
            found = self.found[key] = Fraction(score)
        return found

    def sums(self, sites: Sequence[tuple[str, Sample, int | None]]) -> tuple[int, list[SiteSums]]:
        """Each (site, sample, population)'s sums, over the common denominator of the scores."""
        for _, sample, _ in sites:  # every answer scored first, in the sites' order, as `scored` does
            for value, _ in sample.counts:
                self.of(value)
        scale, scaled = self._scaled
        if len(scaled) != len(self.found):
            scale = math.lcm(*{score.denominator for score in self.found.values()})
            scaled = {key: score.numerator * (scale // score.denominator) for key, score in self.found.items()}
            self._scaled = scale, scaled
        found = []
        for site, sample, population in sites:
            n = total = squares = 0
            for value, count in sample.counts:
                if count > 0:
                    x = scaled[(value.numerator, value.denominator)]
                    n += count
                    total += x * count
                    squares += x * x * count
            found.append(SiteSums(site, n, total, squares, population))
        return scale, found


def with_population(
    measure: Measure, site: str, sample: Sample, scores: AnswerScores, population: int, table: ScoreTable, z: float,
    bounds: tuple[Fraction, Fraction] | None, check: Check,
) -> Measure:
    """A site's own interval with its finite population correction (1 − n/N)."""
    est = stratified_sums(*table.sums([(site, sample, population)]), weighting="pooled", ddof=scores.ddof)
    check(measure.value, est.value)
    return measure_of(est, scores.interval, z, bounds if scores.clamp else None)


def pooled_samples(
    inputs: Inputs,
    source: str,
    sites: Sequence[tuple[str, Sample]],
    scores: AnswerScores,
    table: ScoreTable,
    z: float,
    bounds: tuple[Fraction, Fraction] | None,
) -> tuple[Measure, int | None]:
    """The pooled measure of every site's answers, by the audit's design for the source."""
    design = design_of(inputs, source)
    weighting = inputs.scheme.policies.sites
    populations = populations_of(inputs, source) if design == "strata" else {}
    scale, sums = table.sums([(site, sample, populations.get(site)) for site, sample in sites])
    try:
        est = estimate_sums(scale, sums, design=design, weighting=weighting, ddof=scores.ddof)
    except TooFewClusters as exc:
        answered = [s for s in sums if s.n > 0]
        value = Fraction(answered[0].total, answered[0].n * scale) if answered else Fraction(0)
        return Measure(value, sum(s.n for s in answered)), exc.clusters
    return measure_of(est, scores.interval, z, bounds if scores.clamp else None), est.clusters or None


def clustered_measures(sites: Sequence[Measure], weighting: str) -> tuple[Measure, int] | Estimate:
    """Pre-aggregated site measures as clusters: y_h = n_h·value_h and m_h = n_h (or the value
    over one, sites weighing equally); fewer than two is (value, k) for an undersized binding."""
    answered = [m for m in sites if m.n > 0 or weighting == "equal"]
    pairs = [(m.n * m.value, Fraction(m.n)) if weighting == "pooled" else (m.value, Fraction(1)) for m in answered]
    if len(pairs) < 2:
        first = answered[0] if answered else sites[0]
        return Measure(first.value, sum(m.n for m in answered)), len(pairs)
    return ratio_estimate(pairs, n=sum(m.n for m in answered))
