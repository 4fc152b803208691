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
  Under ``sites = "equal"`` each site counts once: y_h is its value and m_h = 1.

Every indicator handled here is the mean of a per-answer score: the answer itself for a mean,
1 or 0 for a share, +100, 0 or −100 for a net promoter score, the paired difference for a gap.
Values and variances are exact fractions; only the square root of the interval is a float,
and its ends are rounded to six decimals like every other interval (`indicators.normal_ends`,
`indicators.wilson_ends`). With one site and no population, the formulas give exactly the
one-site intervals of `labelaudit.indicators`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal

from attrs import frozen

from labelaudit.indicators import interval, normal_ends, wilson_ends
from labelaudit.model import Measure

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

    `census` is true when the variance is zero because every site was surveyed in full (the
    point is then its own interval), as opposed to every answer agreeing. `srs_variance` is
    the variance of all the answers taken as one simple random sample (s²/n), the interval's
    spread when the design's variance is zero without a census; None where it has none (a
    lone answer to a mean). `clusters` is k under a cluster design.
    """

    value: Fraction
    n: int
    variance: Fraction | None
    census: bool = False
    clusters: int = 0
    srs_variance: Fraction | None = None


class TooFewClusters(ValueError):
    """A cluster design needs two surveyed sites with answers: one cannot stand for many."""

    def __init__(self, clusters: int) -> None:
        super().__init__(f"{clusters} surveyed site(s) with usable answers")
        self.clusters = clusters


class MoreAnswersThanPopulation(ValueError):
    def __init__(self, site: str, n: int, population: int) -> None:
        super().__init__(f"{site}: {n} usable answers, population {population}")
        self.site, self.n, self.population = site, n, population


def _site_variance(site: SiteScores, ddof: int, fallback: Fraction | None) -> Fraction | None:
    """The site's variance of its answers (divisor n_h − ddof); a lone answer to a mean takes
    the variance of every answer of the binding (`fallback`), since one answer has none."""
    n = site.n
    if n - ddof <= 0:
        return fallback
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


def check_populations(sites: Sequence[SiteScores]) -> None:
    for site in sites:
        if site.population is not None and site.n > site.population:
            raise MoreAnswersThanPopulation(site.site, site.n, site.population)


def _srs(sites: Sequence[SiteScores], ddof: int) -> Fraction | None:
    n = sum(s.n for s in sites)
    spread = pooled_variance(sites, ddof)
    return None if spread is None else spread / n


def stratified(sites: Sequence[SiteScores], *, weighting: Weighting, ddof: int) -> Estimate:
    """Sites as strata: Σ W_h·r_h with variance Σ W_h²·(s_h²/n_h)·(1 − n_h/N_h).

    The variance is None when a site's has none (one answer in all, to a mean).
    """
    answered = [s for s in sites if s.n > 0]
    if not answered:
        raise ValueError("no usable answer")
    check_populations(answered)
    n = sum(s.n for s in answered)
    fallback = pooled_variance(answered, ddof)
    value, census = Fraction(0), True
    variance: Fraction | None = Fraction(0)
    for site in answered:
        weight = Fraction(site.n, n) if weighting == "pooled" else Fraction(1, len(answered))
        correction = Fraction(1) if site.population is None else 1 - Fraction(site.n, site.population)
        census = census and correction == 0
        value += weight * site.total / site.n
        own = _site_variance(site, ddof, fallback)
        if own is None or variance is None:
            variance = None
        else:
            variance += weight * weight * own / site.n * correction
    return Estimate(value, n, variance, census=census, srs_variance=_srs(answered, ddof))


def clustered(sites: Sequence[SiteScores], *, weighting: Weighting = "pooled", ddof: int = 1) -> Estimate:
    """Sites as clusters (with replacement): the ratio estimator and its between-site variance.

    Populations do not apply here (the with-replacement form already holds the within-site
    variance), but more answers than a site's population is still an input error.
    """
    answered = [s for s in sites if s.n > 0]
    check_populations(answered)
    if len(answered) < 2:
        raise TooFewClusters(len(answered))
    if weighting == "pooled":
        pairs = [(s.total, Fraction(s.n)) for s in answered]
    else:  # each site once: its value, over one
        pairs = [(s.total / s.n, Fraction(1)) for s in answered]
    return ratio_estimate(pairs, n=sum(s.n for s in answered), srs_variance=_srs(answered, ddof))


def ratio_estimate(pairs: Sequence[tuple[Fraction, Fraction]], *, n: int, srs_variance: Fraction | None = None) -> Estimate:
    """r̂ = Σ y_h / Σ m_h and v = k/(k − 1) · Σ (y_h − r̂·m_h)² / (Σ m_h)², from each cluster's
    (y_h, m_h): a site's sum of scores and its usable answers (or its value and 1)."""
    k = len(pairs)
    if k < 2:
        raise TooFewClusters(k)
    m = sum((mh for _, mh in pairs), Fraction(0))
    ratio = sum((y for y, _ in pairs), Fraction(0)) / m
    spread = sum(((y - ratio * mh) ** 2 for y, mh in pairs), Fraction(0))
    return Estimate(ratio, n, Fraction(k, k - 1) * spread / (m * m), clusters=k, srs_variance=srs_variance)


def estimate(sites: Sequence[SiteScores], *, design: Design, weighting: Weighting, ddof: int) -> Estimate:
    if design == "clusters":
        return clustered(sites, weighting=weighting, ddof=ddof)
    return stratified(sites, weighting=weighting, ddof=ddof)


def _point(est: Estimate) -> Measure:
    """The value as its own interval (a census), its ends on the six-decimal grid around it."""
    value = float(est.value)
    return Measure(est.value, est.n, *interval(est.value, value, value))


def normal_interval(est: Estimate, z: float, bounds: tuple[Fraction, Fraction] | None = None) -> Measure:
    """value ± z·√v (means, net promoter scores, gaps), clamped to `bounds` when given.

    A census is its own interval; v = 0 otherwise (the sites' means agree, under clusters)
    takes the spread of all the answers as one simple random sample; no variance at all
    (a lone answer) gives no interval.
    """
    if est.census:
        return _point(est)
    variance = est.variance
    if variance == 0 and est.srs_variance is not None:
        variance = est.srs_variance
    if variance is None:
        return Measure(est.value, est.n)
    return Measure(est.value, est.n, *normal_ends(est.value, variance, z, bounds))


def wilson_interval(est: Estimate, z: float) -> Measure:
    """Wilson's interval with the effective sample size n_eff = r̂(1 − r̂)/v in place of n.

    v = 0 because every answer agrees (r̂ = 0 or 1), or because the sites' shares agree under
    clusters, keeps n; v = 0 because each site was surveyed in full gives the point itself.
    """
    if est.census:
        return _point(est)
    p, variance = est.value, est.variance
    n_eff: Fraction | int = p * (1 - p) / variance if variance and 0 < p < 1 else est.n
    return Measure(p, est.n, *wilson_ends(p, n_eff.numerator / n_eff.denominator, z))


def measure_of(est: Estimate, kind: IntervalKind, z: float, bounds: tuple[Fraction, Fraction] | None = None) -> Measure:
    return wilson_interval(est, z) if kind == "wilson" else normal_interval(est, z, bounds)


def site_scores(site: str, tally: Mapping[Fraction, int] | Sequence[tuple[Fraction, int]], population: int | None = None) -> SiteScores:
    items = tally.items() if isinstance(tally, Mapping) else tally
    merged: dict[Fraction, int] = {}
    for value, count in items:
        if count > 0:
            merged[Fraction(value)] = merged.get(Fraction(value), 0) + count
    return SiteScores(site, tuple(sorted(merged.items())), population)
