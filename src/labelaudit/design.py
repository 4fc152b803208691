"""Intervals that follow the survey design: sites as strata or clusters, finite populations.

A pooled value over several sites is an estimate from a sample drawn site by site, so its
variance depends on how the sample was drawn, not only on the answers:

- every site in scope surveyed: the sites are **strata**. The value is Σ W_h·r_h (W_h = n_h/n
  when answers are pooled, 1/k when sites weigh equally) and its variance Σ W_h²·v_h, with v_h
  the site's own variance of its mean score (s_h²/n_h), times (1 − n_h/N_h) where the site's
  population N_h is known;
- only a sample of the sites surveyed: the sites are **clusters**, and the variance is the
  between-site variance of the ratio estimator r̂ = Σ y_h / Σ m_h,
  v = k/(k − 1) · Σ (y_h − r̂·m_h)² / (Σ m_h)², over the k surveyed sites with answers
  (the conservative with-replacement form, which already holds the within-site variance).

Every indicator handled here is the mean of a per-answer score: the answer itself for a mean,
1 or 0 for a share, +100, 0 or −100 for a net promoter score, the paired difference for a gap.
Values and variances are exact fractions; only the square root of the interval is a float,
and its ends are rounded to six decimals like every other interval. With one site and no
population, the formulas give exactly the one-site intervals of `labelaudit.indicators`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal

from attrs import frozen

from labelaudit.model import Measure
from labelaudit.numbers import from_float6

Design = Literal["strata", "clusters"]
Weighting = Literal["pooled", "equal"]
IntervalKind = Literal["normal", "wilson"]


@frozen
class SiteScores:
    """One site's usable answers as a tally of per-answer score → count, and its population."""

    site: str
    counts: tuple[tuple[Fraction, int], ...]
    population: int | None = None

    @property
    def n(self) -> int:
        return sum(c for _, c in self.counts)

    @property
    def total(self) -> Fraction:
        return sum((v * c for v, c in self.counts), Fraction(0))

    def squares(self) -> Fraction:
        return sum((v * v * c for v, c in self.counts), Fraction(0))


@frozen
class Estimate:
    """A design-based estimate: the value, the usable answers, and the variance of the value.

    `census` is true when the variance is zero because every site's population was surveyed
    in full (the point is then its own interval), as opposed to every answer agreeing.
    """

    value: Fraction
    n: int
    variance: Fraction
    census: bool = False
    clusters: int = 0


class TooFewClusters(ValueError):
    """A cluster design needs two surveyed sites with answers: one cannot stand for many."""


class MoreAnswersThanPopulation(ValueError):
    def __init__(self, site: str, n: int, population: int) -> None:
        super().__init__(f"{site}: {n} usable answers, population {population}")
        self.site, self.n, self.population = site, n, population


def _site_variance(site: SiteScores, ddof: int, fallback: Fraction | None) -> Fraction:
    """The site's variance of its answers (divisor n_h − ddof); a lone answer to a mean takes
    the variance of every answer of the binding (`fallback`), since one answer has none."""
    n = site.n
    if n - ddof <= 0:
        return fallback if fallback is not None else Fraction(0)
    mean = site.total / n
    return (site.squares() - n * mean * mean) / (n - ddof)


def pooled_variance(sites: Sequence[SiteScores], ddof: int) -> Fraction | None:
    """The variance of all the binding's answers together (the lone-answer fallback)."""
    n = sum(s.n for s in sites)
    if n - ddof <= 0:
        return None
    total = sum((s.total for s in sites), Fraction(0))
    squares = sum((s.squares() for s in sites), Fraction(0))
    return (squares - total * total / n) / (n - ddof)


def _check_populations(sites: Sequence[SiteScores]) -> None:
    for site in sites:
        if site.population is not None and site.n > site.population:
            raise MoreAnswersThanPopulation(site.site, site.n, site.population)


def stratified(sites: Sequence[SiteScores], *, weighting: Weighting, ddof: int) -> Estimate:
    """Sites as strata: Σ W_h·r_h with variance Σ W_h²·(s_h²/n_h)·(1 − n_h/N_h)."""
    answered = [s for s in sites if s.n > 0]
    if not answered:
        raise ValueError("no usable answer")
    _check_populations(answered)
    n = sum(s.n for s in answered)
    fallback = pooled_variance(answered, ddof)
    value, variance, census = Fraction(0), Fraction(0), True
    for site in answered:
        weight = Fraction(site.n, n) if weighting == "pooled" else Fraction(1, len(answered))
        correction = Fraction(1) if site.population is None else 1 - Fraction(site.n, site.population)
        census = census and correction == 0
        value += weight * site.total / site.n
        variance += weight * weight * _site_variance(site, ddof, fallback) / site.n * correction
    return Estimate(value, n, variance, census=census)


def clustered(sites: Sequence[SiteScores]) -> Estimate:
    """Sites as clusters (with replacement): the ratio estimator and its between-site variance.

    Populations do not apply here (the with-replacement form already holds the within-site
    variance), but more answers than a site's population is still an input error.
    """
    answered = [s for s in sites if s.n > 0]
    _check_populations(answered)
    k = len(answered)
    if k < 2:
        raise TooFewClusters(f"{k} surveyed site(s) with usable answers")
    m = sum(s.n for s in answered)
    ratio = sum((s.total for s in answered), Fraction(0)) / m
    spread = sum(((s.total - ratio * s.n) ** 2 for s in answered), Fraction(0))
    return Estimate(ratio, m, Fraction(k, k - 1) * spread / (m * m), clusters=k)


def estimate(sites: Sequence[SiteScores], *, design: Design, weighting: Weighting, ddof: int) -> Estimate:
    if design == "clusters":
        return clustered(sites)
    return stratified(sites, weighting=weighting, ddof=ddof)


def normal_interval(est: Estimate, z: float, bounds: tuple[Fraction, Fraction] | None = None) -> Measure:
    """value ± z·√v (means, net promoter scores, gaps), clamped to `bounds` when given."""
    if est.census:
        return Measure(est.value, est.n, est.value, est.value)
    half = z * math.sqrt(est.variance)
    low, high = float(est.value) - half, float(est.value) + half
    if bounds is not None:
        low, high = max(float(bounds[0]), low), min(float(bounds[1]), high)
    return Measure(est.value, est.n, from_float6(low), from_float6(high))


def wilson_interval(est: Estimate, z: float) -> Measure:
    """Wilson's interval with the effective sample size n_eff = r̂(1 − r̂)/v in place of n.

    v = 0 because every answer agrees (r̂ = 0 or 1) keeps n; v = 0 because each site was
    surveyed in full gives the point itself.
    """
    if est.census:
        return Measure(est.value, est.n, est.value, est.value)
    p = est.value
    n_eff = float(p * (1 - p) / est.variance) if est.variance > 0 and 0 < p < 1 else float(est.n)
    pf, z2 = float(p), z * z
    centre = (pf + z2 / (2 * n_eff)) / (1 + z2 / n_eff)
    half = z / (1 + z2 / n_eff) * math.sqrt(pf * (1 - pf) / n_eff + z2 / (4 * n_eff * n_eff))
    return Measure(p, est.n, from_float6(max(0.0, centre - half)), from_float6(min(1.0, centre + half)))


def site_scores(site: str, tally: Mapping[Fraction, int] | Sequence[tuple[Fraction, int]], population: int | None = None) -> SiteScores:
    items = tally.items() if isinstance(tally, Mapping) else tally
    return SiteScores(site, tuple(sorted((Fraction(v), c) for v, c in items if c > 0)), population)
