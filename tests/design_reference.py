"""The design-based estimates written as the textbook states them, on Fractions, site by site.

labelaudit.design computes the same estimates on integer sums over a common denominator
(`design.SiteSums`): tests/test_design.py holds the two to the very same fractions. These are
the formulas of labelaudit.design's docstring, kept here as they were first written.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from labelaudit.design import Estimate, MoreAnswersThanPopulation, SiteScores, TooFewClusters, Weighting


def site_variance(site: SiteScores, ddof: int, fallback: Fraction | None) -> Fraction | None:
    n = site.n
    if n - ddof <= 0:
        return fallback
    mean = site.total / n
    return (site.squares() - n * mean * mean) / (n - ddof)


def pooled_variance(sites: Sequence[SiteScores], ddof: int) -> Fraction | None:
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


def srs(sites: Sequence[SiteScores], ddof: int) -> Fraction | None:
    n = sum(s.n for s in sites)
    spread = pooled_variance(sites, ddof)
    return None if spread is None else spread / n


def stratified(sites: Sequence[SiteScores], *, weighting: Weighting, ddof: int) -> Estimate:
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
        own = site_variance(site, ddof, fallback)
        if own is None or variance is None:
            variance = None
        else:
            variance += weight * weight * own / site.n * correction
    return Estimate(value, n, variance, census=census, srs_variance=srs(answered, ddof))


def clustered(sites: Sequence[SiteScores], *, weighting: Weighting = "pooled", ddof: int = 1) -> Estimate:
    answered = [s for s in sites if s.n > 0]
    check_populations(answered)
    if len(answered) < 2:
        raise TooFewClusters(len(answered))
    if weighting == "pooled":
        pairs = [(s.total, Fraction(s.n)) for s in answered]
    else:
        pairs = [(s.total / s.n, Fraction(1)) for s in answered]
    return ratio_estimate(pairs, n=sum(s.n for s in answered), srs_variance=srs(answered, ddof))


def ratio_estimate(pairs: Sequence[tuple[Fraction, Fraction]], *, n: int, srs_variance: Fraction | None = None) -> Estimate:
    k = len(pairs)
    if k < 2:
        raise TooFewClusters(k)
    m = sum((mh for _, mh in pairs), Fraction(0))
    ratio = sum((y for y, _ in pairs), Fraction(0)) / m
    spread = sum(((y - ratio * mh) ** 2 for y, mh in pairs), Fraction(0))
    return Estimate(ratio, n, Fraction(k, k - 1) * spread / (m * m), clusters=k, srs_variance=srs_variance)
