"""How many usable answers each site's survey needs for a wanted interval.

For one indicator with per-answer variance σ² and a wanted half-width W (in the same unit), at
the scheme's confidence (z from the normal quantile, rounded to six decimals as the engine does):

    n0 = z²·σ²/W²                      (an unlimited population)
    n  = n0 / (1 + (n0 − 1)/N)         (a site of population N: the finite population correction)

rounded up to a whole answer, then raised to the source's minimum sample (below it the
evidence does not count), never above N. What is assumed for σ² when nothing is known:
- `top2box` and `share`: p(1 − p) at p = 1/2, the widest there is; W is a share (0.05 = ±5 points
  of percentage);
- `nps`: each answer scores +1, 0 or −1, variance at most 1; W is `width` of the NPS's range
  (200 points: 0.05 → ±10 NPS points);
- `mean`: s = (max − min)/4 of the item's scale (a conservative guess: most answers lie within
  two standard deviations of the mean); W in scale points, `width` × (max − min) unless given;
- `gap`: a difference of two answers spans twice the scale: s = (max − min)/2, W as for means.
Given an earlier decision record, σ² is read from its measures instead (`observed_variances`).

A source's plan is set by its most demanding bound indicator. Under the stratified design
(every site surveyed), the pooled value's variance is Σ W_h²·v_h over sites, with
v_h = σ²/n_h · (1 − n_h/N_h) and W_h = n_h/n (`sites = "pooled"`) or 1/k (`"equal"`): the plan
shows the pooled half-width z·√v that the planned answers give.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, Literal

from attrs import frozen

from labelaudit.model import Audit, Scheme
from labelaudit.numbers import from_float6, round_half_away, z_for

Family = Literal["share", "nps", "mean", "gap"]
FAMILIES: Mapping[str, Family] = {"top2box": "share", "share": "share", "nps": "nps", "mean": "mean", "gap": "gap"}
DEFAULT_WIDTH = Fraction(1, 20)  # ±0.05 of the indicator's range: ±5 points of percentage for a share


@frozen
class Need:
    """One indicator family of a source: what is assumed and what it asks of each site."""

    family: Family
    bindings: tuple[str, ...]  # criterion / binding ids, for the reader
    variance: Fraction  # σ² assumed per answer
    width: Fraction  # W, in the unit of one answer's score
    shown_width: Fraction  # W as the indicator shows it (share, NPS points, scale points)
    spread: Fraction | None  # max − min of the scale, for means and gaps
    n0: Fraction
    observed: bool = False  # σ² read from an earlier record rather than assumed


@frozen
class SitePlan:
    site: str
    population: int | None
    n: int  # usable answers to collect
    corrected: int  # before the minimum sample: ⌈n0 / (1 + (n0 − 1)/N)⌉, or ⌈n0⌉
    raised_to_minimum: bool
    census: bool  # every member of the population answers
    below_anonymity: bool  # the population can never reach the anonymity threshold
    below_minimum: bool  # … nor the minimum sample


@frozen
class SourcePlan:
    source: str
    min_sample: int
    needs: tuple[Need, ...]
    governing: Need | None  # the most demanding family (None: nothing to plan)
    sites: tuple[SitePlan, ...]
    pooled_half_width: Fraction | None  # in the governing indicator's shown unit, 6 decimals
    unplanned: tuple[str, ...]  # bindings whose indicator has no planning formula


@frozen
class SurveyPlan:
    audit: str
    confidence: Fraction
    z: Fraction
    width: Fraction
    mean_width: Fraction | None
    anonymity: int
    sites_policy: str
    sources: tuple[SourcePlan, ...]


def n0_of(z: Fraction, variance: Fraction, width: Fraction) -> Fraction:
    """z²·σ²/W², exactly."""
    return z * z * variance / (width * width)


def corrected(n0: Fraction, population: int | None) -> int:
    """⌈n0 / (1 + (n0 − 1)/N)⌉, or ⌈n0⌉ without a population; never above N."""
    if population is None:
        return math.ceil(n0)
    return min(math.ceil(n0 / (1 + (n0 - 1) / population)), population)


def survey_sources(scheme: Scheme) -> tuple[str, ...]:
    """The sources answered on a questionnaire: the ones a survey plan is for."""
    return tuple(s for s, source in scheme.sources.items() if source.questionnaire is not None)


def _need(
    family: Family,
    bindings: list[str],
    spreads: list[Fraction],
    z: Fraction,
    width: Fraction,
    mean_width: Fraction | None,
    observed: Fraction | None,
) -> Need:
    spread = max(spreads) if spreads else None
    if family == "share":
        variance, unit_width, shown = Fraction(1, 4), width, width
    elif family == "nps":
        variance, unit_width, shown = Fraction(1), 2 * width, 200 * width
    else:
        assert spread is not None
        sd = spread / 4 if family == "mean" else spread / 2
        shown = mean_width if mean_width is not None else width * spread
        variance, unit_width = sd * sd, shown
    if observed is not None:
        variance = observed
    return Need(
        family, tuple(bindings), variance, unit_width, shown, spread, n0_of(z, variance, unit_width), observed is not None
    )


def observed_variances(record: Mapping[str, Any], source: str) -> dict[Family, Fraction]:
    """The largest per-answer variance of each indicator family among the source's bindings in
    an earlier decision record, from each binding's pooled measure.

    A share's is p(1 − p) at its value; for the others it is read back from the interval,
    half-width h = z·s/√n: s² = n·(h/z)² (NPS in its per-answer unit, h/100). A binding without
    a measure, or with fewer than two answers, tells nothing and is passed over.
    """
    z = from_float6(z_for(Fraction(record["scheme"]["policies"]["confidence"])))
    found: dict[Family, Fraction] = {}
    for dimension in record["tree"]["dimensions"]:
        for requirement in dimension["requirements"]:
            for criterion in requirement["criteria"]:
                for binding in criterion["bindings"]:
                    family = FAMILIES.get(binding.get("indicator") or "")
                    measure = binding.get("measure")
                    if binding["source"] != source or family is None or not measure or (measure.get("n") or 0) < 2:
                        continue
                    variance = _variance(family, measure, z)
                    if variance is not None and variance > found.get(family, Fraction(-1)):
                        found[family] = variance
    return found


def _variance(family: Family, measure: Mapping[str, Any], z: Fraction) -> Fraction | None:
    value = Fraction(measure["value"]["exact"])
    if family == "share":
        return value * (1 - value)
    low, high = measure["low"]["exact"], measure["high"]["exact"]
    if low is None or high is None:
        return None
    half = (Fraction(high) - Fraction(low)) / 2
    if family == "nps":
        half /= 100
    return measure["n"] * (half / z) ** 2


def _site(site: str, n0: Fraction, population: int | None, min_sample: int, anonymity: int) -> SitePlan:
    fpc = corrected(n0, population)
    n = max(fpc, min_sample)
    if population is not None:
        n = min(n, population)
    return SitePlan(
        site=site,
        population=population,
        n=n,
        corrected=fpc,
        raised_to_minimum=n > fpc,
        census=population is not None and n >= population,
        below_anonymity=population is not None and population < anonymity,
        below_minimum=population is not None and population < min_sample,
    )


def _sqrt6(value: Fraction) -> Fraction:
    """√value rounded to six decimals (half away from zero), exact from then on."""
    with localcontext() as context:
        context.prec = 40
        root = (Decimal(value.numerator) / Decimal(value.denominator)).sqrt()
    return Fraction(round_half_away(Fraction(root), 6))


def pooled_half_width(need: Need, sites: Sequence[SitePlan], z: Fraction, equal: bool) -> Fraction | None:
    """z·√(Σ W_h²·v_h) with v_h = σ²/n_h·(1 − n_h/N_h), in the indicator's shown unit."""
    answered = [s for s in sites if s.n > 0]
    if not answered:
        return None
    total = sum(s.n for s in answered)
    variance = Fraction(0)
    for s in answered:
        weight = Fraction(1, len(answered)) if equal else Fraction(s.n, total)
        fpc = 1 - Fraction(s.n, s.population) if s.population is not None else Fraction(1)
        variance += weight * weight * need.variance / s.n * fpc
    scale = need.shown_width / need.width  # one answer's unit → the shown unit
    return Fraction(round_half_away(z * _sqrt6(variance) * scale, 6))


def plan_survey(
    audit: Audit,
    scheme: Scheme,
    *,
    sources: Sequence[str],
    width: Fraction = DEFAULT_WIDTH,
    mean_width: Fraction | None = None,
    populations: Mapping[tuple[str, str], int] | None = None,
    observed: Mapping[str, Mapping[Family, Fraction]] | None = None,
) -> SurveyPlan:
    """The survey plan of the audit's sites for the given sources (see the module's docstring).

    `populations` maps (source, site) to the site's population for that source; `observed`
    maps a source to the variances read from an earlier record (`observed_variances`).
    """
    populations = populations or {}
    observed = observed or {}
    z = from_float6(z_for(scheme.policies.confidence))
    excluded = {e.criterion for e in audit.exclusions}
    plans = []
    for source_id in sources:
        source = scheme.sources[source_id]
        found: dict[Family, tuple[list[str], list[Fraction]]] = {}
        unplanned = []
        for criterion in scheme.criteria():
            if criterion.id in excluded:
                continue
            for binding in criterion.bindings:
                if binding.source != source_id:
                    continue
                family = FAMILIES.get(binding.indicator or "")
                if family is None:
                    unplanned.append(f"{criterion.id} / {binding.id}")
                    continue
                names, spreads = found.setdefault(family, ([], []))
                names.append(f"{criterion.id} / {binding.id}")
                scale = scheme.scale_of(source, binding.item)
                if scale is not None:
                    spreads.append(scale.highest - scale.lowest)
        needs = tuple(
            _need(f, names, spreads, z, width, mean_width, observed.get(source_id, {}).get(f))
            for f, (names, spreads) in found.items()
            if f in ("share", "nps") or spreads
        )
        governing = max(needs, key=lambda r: r.n0, default=None)
        site_plans = tuple(
            _site(s.id, governing.n0, populations.get((source_id, s.id)), source.min_sample, scheme.policies.anonymity)
            for s in audit.sites
        ) if governing is not None else ()
        pooled = pooled_half_width(governing, site_plans, z, scheme.policies.sites == "equal") if governing is not None else None
        plans.append(SourcePlan(source_id, source.min_sample, needs, governing, site_plans, pooled, tuple(unplanned)))
    return SurveyPlan(
        audit=audit.id,
        confidence=scheme.policies.confidence,
        z=z,
        width=width,
        mean_width=mean_width,
        anonymity=scheme.policies.anonymity,
        sites_policy=scheme.policies.sites,
        sources=tuple(plans),
    )
