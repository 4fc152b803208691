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

import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Literal, NamedTuple

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


class SiteSums(NamedTuple):
    """One site's answers reduced to integers over the common denominator of an estimate
    (`scale`): n, Σ x·c and Σ x²·c, with x = score × scale for each answer's score.

    The estimates below are the textbook formulas of the module's docstring on these sums:
    the very same fractions, with one Fraction made at the end instead of several per site
    (tests/test_design.py holds them equal to the formulas written on Fractions).
    """

    site: str
    n: int
    total: int
    squares: int
    population: int | None = None


def sums_of(sites: Sequence[SiteScores]) -> tuple[int, list[SiteSums]]:
    """The sites' tallies as integer sums over one common denominator, and that denominator."""
    scale = math.lcm(*{value.denominator for site in sites for value, _ in site.counts})
    found = []
    for site in sites:
        n = total = squares = 0
        for value, count in site.counts:
            x = value.numerator * (scale // value.denominator)
            n += count
            total += x * count
            squares += x * x * count
        found.append(SiteSums(site.site, n, total, squares, site.population))
    return scale, found


def _sum_ratios(terms: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """Σ a/b of positive denominators, as one (numerator, denominator): a running least common
    denominator instead of a Fraction (and its gcd of the whole sum) per term."""
    numerator, denominator = 0, 1
    for a, b in terms:
        common = math.gcd(denominator, b)
        numerator = numerator * (b // common) + a * (denominator // common)
        denominator = denominator // common * b
    return numerator, denominator


def _answered(sums: Sequence[SiteSums]) -> list[SiteSums]:
    answered = [s for s in sums if s.n > 0]
    for site in answered:
        if site.population is not None and site.n > site.population:
            raise MoreAnswersThanPopulation(site.site, site.n, site.population)
    return answered


def pooled_variance(sites: Sequence[SiteScores], ddof: int) -> Fraction | None:
    """The variance of all the binding's answers together (the lone-answer fallback)."""
    scale, sums = sums_of(sites)
    return _pooled_variance(scale, sums, ddof)


def _pooled_variance(scale: int, sums: Sequence[SiteSums], ddof: int) -> Fraction | None:
    """(Σx² − (Σx)²/n) / (n − ddof) = (n·Σx² − (Σx)²) / (n·scale²·(n − ddof))."""
    n = sum(s.n for s in sums)
    if n - ddof <= 0:
        return None
    total = sum(s.total for s in sums)
    return Fraction(n * sum(s.squares for s in sums) - total * total, n * scale * scale * (n - ddof))


def _srs(scale: int, sums: Sequence[SiteSums], ddof: int) -> Fraction | None:
    spread = _pooled_variance(scale, sums, ddof)
    return None if spread is None else spread / sum(s.n for s in sums)


def stratified(sites: Sequence[SiteScores], *, weighting: Weighting, ddof: int) -> Estimate:
    """Sites as strata: Σ W_h·r_h with variance Σ W_h²·(s_h²/n_h)·(1 − n_h/N_h).

    The variance is None when a site's has none (one answer in all, to a mean).
    """
    scale, sums = sums_of(sites)
    return stratified_sums(scale, sums, weighting=weighting, ddof=ddof)


def stratified_sums(scale: int, sums: Sequence[SiteSums], *, weighting: Weighting, ddof: int) -> Estimate:
    """`stratified` on the sites' integer sums.

    With T_h, S_h a site's sums over `scale` = D, its own variance of its answers is
    (n_h·S_h − T_h²) / (n_h·D²·(n_h − ddof)), and the lone-answer fallback that of all the
    answers. W_h² · own / n_h · (N_h − n_h)/N_h is then a/b over D²·n² (pooled, W_h = n_h/n)
    or D²·k² (equal, W_h = 1/k), with a and b whole: summed exactly (`_sum_ratios`).
    """
    answered = _answered(sums)
    if not answered:
        raise ValueError("no usable answer")
    n, k = sum(s.n for s in answered), len(answered)
    total = sum(s.total for s in answered)
    spread = n * sum(s.squares for s in answered) - total * total  # the fallback's, times n·D²·(n − ddof)
    pooled = weighting == "pooled"
    terms: list[tuple[int, int]] = []
    lone = False  # a lone answer in all: no variance
    for site in answered:
        if site.n - ddof > 0:
            a, b = site.n * site.squares - site.total * site.total, site.n - ddof
            if not pooled:
                b *= site.n * site.n
        elif n - ddof > 0:
            a, b = spread, n * (n - ddof)
            if pooled:
                a *= site.n
            else:
                b *= site.n
        else:
            lone = True
            break
        if site.population is not None:
            a, b = a * (site.population - site.n), b * site.population
        terms.append((a, b))
    if pooled:
        value = Fraction(total, n * scale)
    else:
        numerator, denominator = _sum_ratios((s.total, s.n) for s in answered)
        value = Fraction(numerator, denominator * k * scale)
    variance = None
    if not lone:
        numerator, denominator = _sum_ratios(terms)
        variance = Fraction(numerator, denominator * (n * n if pooled else k * k) * scale * scale)
    census = all(s.population == s.n for s in answered)
    return Estimate(value, n, variance, census=census, srs_variance=_srs(scale, answered, ddof))


def clustered(sites: Sequence[SiteScores], *, weighting: Weighting = "pooled", ddof: int = 1) -> Estimate:
    """Sites as clusters (with replacement): the ratio estimator and its between-site variance.

    Populations do not apply here (the with-replacement form already holds the within-site
    variance), but more answers than a site's population is still an input error.
    """
    scale, sums = sums_of(sites)
    return clustered_sums(scale, sums, weighting=weighting, ddof=ddof)


def clustered_sums(scale: int, sums: Sequence[SiteSums], *, weighting: Weighting = "pooled", ddof: int = 1) -> Estimate:
    """`clustered` on the sites' integer sums: y_h = T_h/D and m_h = n_h = n_h·D/D share the
    denominator D; each site once (its value over one) goes through `ratio_estimate`."""
    answered = _answered(sums)
    if len(answered) < 2:
        raise TooFewClusters(len(answered))
    n, srs = sum(s.n for s in answered), _srs(scale, answered, ddof)
    if weighting == "pooled":
        return _ratio_of_integers([s.total for s in answered], [s.n * scale for s in answered], n=n, srs_variance=srs)
    pairs = [(Fraction(s.total, s.n * scale), Fraction(1)) for s in answered]
    return ratio_estimate(pairs, n=n, srs_variance=srs)


def ratio_estimate(pairs: Sequence[tuple[Fraction, Fraction]], *, n: int, srs_variance: Fraction | None = None) -> Estimate:
    """r̂ = Σ y_h / Σ m_h and v = k/(k − 1) · Σ (y_h − r̂·m_h)² / (Σ m_h)², from each cluster's
    (y_h, m_h): a site's sum of scores and its usable answers (or its value and 1)."""
    k = len(pairs)
    if k < 2:
        raise TooFewClusters(k)
    scale = math.lcm(*{x.denominator for pair in pairs for x in pair})
    ys = [y.numerator * (scale // y.denominator) for y, _ in pairs]
    ms = [m.numerator * (scale // m.denominator) for _, m in pairs]
    return _ratio_of_integers(ys, ms, n=n, srs_variance=srs_variance)


def _ratio_of_integers(ys: Sequence[int], ms: Sequence[int], *, n: int, srs_variance: Fraction | None) -> Estimate:
    """`ratio_estimate` on whole Y_h = y_h·Q and M_h = m_h·Q (Q any common denominator):
    r̂ = ΣY/ΣM and v = k/(k − 1) · Σ (Y_h·ΣM − ΣY·M_h)² / (ΣM)⁴, where Q cancels out."""
    k = len(ys)
    y, m = sum(ys), sum(ms)
    spread = sum((yh * m - y * mh) ** 2 for yh, mh in zip(ys, ms))
    return Estimate(Fraction(y, m), n, Fraction(k * spread, (k - 1) * m**4), clusters=k, srs_variance=srs_variance)


def estimate(sites: Sequence[SiteScores], *, design: Design, weighting: Weighting, ddof: int) -> Estimate:
    scale, sums = sums_of(sites)
    return estimate_sums(scale, sums, design=design, weighting=weighting, ddof=ddof)


def estimate_sums(scale: int, sums: Sequence[SiteSums], *, design: Design, weighting: Weighting, ddof: int) -> Estimate:
    if design == "clusters":
        return clustered_sums(scale, sums, weighting=weighting, ddof=ddof)
    return stratified_sums(scale, sums, weighting=weighting, ddof=ddof)


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
