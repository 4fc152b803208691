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

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import NamedTuple

from labelaudit.design import (
    Design,
    Estimate,
    SiteScores,
    TooFewClusters,
    measure_of,
    ratio_estimate,
    site_scores,
    stratified,
)
from labelaudit.design import (
    estimate as design_estimate,
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


def population_of(inputs: Inputs, source: str, site: str) -> int | None:
    declared = inputs.designs.get(source)
    return None if declared is None else declared.population.get(site)


Scorer = Callable[[Sample], tuple[tuple[Fraction, int], ...]]
Check = Callable[[Fraction, Fraction], None]  # (the indicator's value, the design's): must agree


def scored(scores: AnswerScores, context: IndicatorContext, sample: Sample, raised: Callable[[Exception], Exception]) -> tuple[tuple[Fraction, int], ...]:
    """Each answer's score, with its count: the plugin's `score`, checked to be exact."""
    found = []
    for value, count in sample.counts:
        try:
            score = scores.score(value, context)
        except Exception as exc:  # third-party code: name it rather than crash
            raise raised(exc) from None
        if isinstance(score, bool) or not isinstance(score, (Fraction, int)):
            raise raised(TypeError(f"score of {value} is {score!r}, expected an exact number"))
        found.append((Fraction(score), count))
    return tuple(found)


def with_population(
    measure: Measure, site: str, sample: Sample, scores: AnswerScores, population: int, score: Scorer, z: float,
    bounds: tuple[Fraction, Fraction] | None, check: Check,
) -> Measure:
    """A site's own interval with its finite population correction (1 − n/N)."""
    est = stratified([site_scores(site, score(sample), population)], weighting="pooled", ddof=scores.ddof)
    check(measure.value, est.value)
    return measure_of(est, scores.interval, z, bounds if scores.clamp else None)


def pooled_samples(
    inputs: Inputs,
    source: str,
    sites: Sequence[tuple[str, Sample]],
    scores: AnswerScores,
    score: Scorer,
    z: float,
    bounds: tuple[Fraction, Fraction] | None,
) -> tuple[Measure, int | None]:
    """The pooled measure of every site's answers, by the audit's design for the source."""
    design = design_of(inputs, source)
    weighting = inputs.scheme.policies.sites
    scored_sites: list[SiteScores] = [
        site_scores(site, score(sample), population_of(inputs, source, site) if design == "strata" else None)
        for site, sample in sites
    ]
    try:
        est = design_estimate(scored_sites, design=design, weighting=weighting, ddof=scores.ddof)
    except TooFewClusters as exc:
        answered = [s for s in scored_sites if s.n > 0]
        value = answered[0].total / answered[0].n if answered else Fraction(0)
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
