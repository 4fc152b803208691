"""Design-based intervals (labelaudit.design) against the textbook, the one-site indicators and
a survey-statistics library (svy, Taylor linearisation) used as a test-only reference."""

from __future__ import annotations

from fractions import Fraction

import polars as pl
import pytest
import svy
from hypothesis import given
from hypothesis import strategies as st

from labelaudit.design import (
    MoreAnswersThanPopulation,
    TooFewClusters,
    clustered,
    normal_interval,
    pooled_variance,
    ratio_estimate,
    site_scores,
    stratified,
    wilson_interval,
)
from labelaudit.indicators import mean_measure, nps_measure, share_measure
from labelaudit.model import Sample

import design_reference

Z95 = 1.959963984540054

tallies = st.dictionaries(st.integers(1, 5).map(Fraction), st.integers(1, 12), min_size=1, max_size=5)


@st.composite
def network(draw, min_answers: int = 2, with_population: bool = True):  # type: ignore[no-untyped-def]
    sites = []
    for i in range(draw(st.integers(2, 6))):
        tally = draw(tallies.filter(lambda t: sum(t.values()) >= min_answers))
        n = sum(tally.values())
        population = draw(st.one_of(st.none(), st.integers(n, 3 * n))) if with_population else None
        sites.append(site_scores(f"s{i}", tally, population))
    return sites


def _rows(sites, weight_of):  # type: ignore[no-untyped-def]
    rows = {"site": [], "y": [], "w": [], "N": []}
    for s in sites:
        for value, count in s.counts:
            for _ in range(count):
                rows["site"].append(s.site)
                rows["y"].append(float(value))
                rows["w"].append(weight_of(s))
                rows["N"].append(float(s.population) if s.population is not None else 1e12)
    return pl.DataFrame(rows)


def _svy_variance(data: pl.DataFrame, design: svy.Design) -> float:
    se = svy.Sample(data, design).estimation.mean("y").to_dicts()[0]["se"]
    return float(se) ** 2


@given(network())
def test_strata_pooled_match_the_reference(sites) -> None:  # type: ignore[no-untyped-def]
    ours = stratified(sites, weighting="pooled", ddof=1)
    reference = _svy_variance(_rows(sites, lambda s: 1.0), svy.Design(stratum="site", wgt="w", pop_size="N"))
    assert float(ours.variance) == pytest.approx(reference, rel=1e-9, abs=1e-15)


@given(network())
def test_strata_equal_match_the_reference(sites) -> None:  # type: ignore[no-untyped-def]
    ours = stratified(sites, weighting="equal", ddof=1)
    reference = _svy_variance(_rows(sites, lambda s: 1.0 / s.n), svy.Design(stratum="site", wgt="w", pop_size="N"))
    assert float(ours.value) == pytest.approx(sum(float(s.total / s.n) for s in sites) / len(sites))
    assert float(ours.variance) == pytest.approx(reference, rel=1e-9, abs=1e-15)


@given(network(min_answers=1, with_population=False))
def test_clusters_match_the_reference(sites) -> None:  # type: ignore[no-untyped-def]
    ours = clustered(sites)
    reference = _svy_variance(_rows(sites, lambda s: 1.0), svy.Design(psu="site", wgt="w", wr=True))
    assert ours.value == sum((s.total for s in sites), Fraction(0)) / sum(s.n for s in sites)
    assert float(ours.variance) == pytest.approx(reference, rel=1e-9, abs=1e-15)


@given(tallies)
def test_one_site_without_population_is_todays_mean(tally) -> None:  # type: ignore[no-untyped-def]
    sample = Sample.of(tally)
    if sample.n < 2:
        return
    est = stratified([site_scores("a", tally)], weighting="pooled", ddof=1)
    assert normal_interval(est, Z95) == mean_measure(sample, Z95)


@given(st.integers(0, 30), st.integers(0, 30))
def test_one_site_without_population_is_todays_share(hits, misses) -> None:  # type: ignore[no-untyped-def]
    if hits + misses == 0:
        return
    tally = {Fraction(1): hits, Fraction(0): misses}
    est = stratified([site_scores("a", tally)], weighting="pooled", ddof=0)
    assert wilson_interval(est, Z95) == share_measure(Sample.of(tally), [Fraction(1)], Z95)


@given(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20))
def test_one_site_without_population_is_todays_nps(promoters, passives, detractors) -> None:  # type: ignore[no-untyped-def]
    if promoters + passives + detractors == 0:
        return
    answers = {Fraction(10): promoters, Fraction(8): passives, Fraction(3): detractors}
    scores = {Fraction(100): promoters, Fraction(0): passives, Fraction(-100): detractors}
    est = stratified([site_scores("a", scores)], weighting="pooled", ddof=0)
    ours = normal_interval(est, Z95, (Fraction(-100), Fraction(100)))
    today = nps_measure(Sample.of(answers), Z95)
    assert ours == today  # exactly: both take the square root of the same exact variance


@given(st.dictionaries(st.integers(-4, 4).map(Fraction), st.integers(1, 12), min_size=1, max_size=9))
def test_one_site_without_population_is_todays_gap(differences) -> None:  # type: ignore[no-untyped-def]
    """A gap is a mean of the paired differences: the same formula, on negative values too."""
    sample = Sample.of(differences)
    if sample.n < 2:
        return
    est = stratified([site_scores("a", differences)], weighting="pooled", ddof=1)
    assert normal_interval(est, Z95) == mean_measure(sample, Z95)


def test_a_near_census_narrows_the_interval() -> None:
    """26 answers from a team of 30 say far more than 26 answers from a crowd."""
    tally = {Fraction(5): 10, Fraction(4): 10, Fraction(2): 6}
    crowd = stratified([site_scores("a", tally)], weighting="pooled", ddof=1)
    team = stratified([site_scores("a", tally, population=30)], weighting="pooled", ddof=1)
    assert team.variance == crowd.variance * Fraction(4, 30)
    full = stratified([site_scores("a", tally, population=26)], weighting="pooled", ddof=1)
    point = normal_interval(full, Z95)  # the value itself, on the six-decimal grid around it
    assert full.census and point.low <= full.value <= point.high and point.high - point.low <= Fraction(1, 10**6)


def test_hand_computed_strata() -> None:
    """Site a answers 1, 2, 3, 5 and site b 4, 4, 2: W = 4/7 and 3/7, s² = 35/12 and 4/3."""
    a = site_scores("a", {Fraction(1): 1, Fraction(2): 1, Fraction(3): 1, Fraction(5): 1})
    b = site_scores("b", {Fraction(4): 2, Fraction(2): 1})
    est = stratified([a, b], weighting="pooled", ddof=1)
    assert est.value == 3
    assert est.variance == Fraction(16, 49) * Fraction(35, 12) / 4 + Fraction(9, 49) * Fraction(4, 3) / 3


def test_a_lone_answer_takes_the_pooled_variance() -> None:
    a = site_scores("a", {Fraction(1): 1, Fraction(5): 1})
    b = site_scores("b", {Fraction(4): 1})
    est = stratified([a, b], weighting="pooled", ddof=1)
    everyone = Fraction(((1 - Fraction(10, 3)) ** 2 + (5 - Fraction(10, 3)) ** 2 + (4 - Fraction(10, 3)) ** 2), 2)
    assert est.variance == Fraction(4, 9) * 8 / 2 + Fraction(1, 9) * everyone / 1


def test_agreeing_answers_keep_wilson_with_n() -> None:
    est = stratified([site_scores("a", {Fraction(1): 9}), site_scores("b", {Fraction(1): 4})], weighting="pooled", ddof=0)
    assert est.variance == 0 and not est.census
    assert wilson_interval(est, Z95) == share_measure(Sample.of({Fraction(1): 13}), [Fraction(1)], Z95)


def test_one_cluster_cannot_stand_for_many() -> None:
    with pytest.raises(TooFewClusters):
        clustered([site_scores("a", {Fraction(3): 4}), site_scores("b", {})])


def test_more_answers_than_the_population_is_refused() -> None:
    with pytest.raises(MoreAnswersThanPopulation) as caught:
        stratified([site_scores("a", {Fraction(3): 31}, population=30)], weighting="pooled", ddof=1)
    assert (caught.value.site, caught.value.n, caught.value.population) == ("a", 31, 30)


# --- the integer sums are the textbook's fractions ----------------------------------------------

scores_any = st.fractions(min_value=-100, max_value=100, max_denominator=12)  # a gap's, a share's, NPS, halves, thirds


@st.composite
def any_network(draw):  # type: ignore[no-untyped-def]
    """Sites with any exact scores, lone answers, empty tallies, populations from n (a census) up."""
    sites = []
    for i in range(draw(st.integers(1, 7))):
        tally = draw(st.dictionaries(scores_any, st.integers(0, 9), max_size=5))
        n = sum(tally.values())
        population = draw(st.one_of(st.none(), st.integers(n, 3 * n + 1), st.just(n)))
        sites.append(site_scores(f"s{i}", tally, population if n else None))
    return sites


def _same(ours, theirs) -> None:  # type: ignore[no-untyped-def]
    """Either the same Estimate, field by field, or the same error."""
    try:
        expected = theirs()
    except (ValueError, TooFewClusters) as exc:
        with pytest.raises(type(exc)):
            ours()
        return
    assert ours() == expected


@given(any_network(), st.sampled_from(["pooled", "equal"]), st.integers(0, 2))
def test_integer_strata_are_the_textbook_fractions(sites, weighting, ddof) -> None:  # type: ignore[no-untyped-def]
    _same(lambda: stratified(sites, weighting=weighting, ddof=ddof),
          lambda: design_reference.stratified(sites, weighting=weighting, ddof=ddof))
    assert pooled_variance(sites, ddof) == design_reference.pooled_variance([s for s in sites if s.n], ddof)


@given(any_network(), st.sampled_from(["pooled", "equal"]), st.integers(0, 2))
def test_integer_clusters_are_the_textbook_fractions(sites, weighting, ddof) -> None:  # type: ignore[no-untyped-def]
    unbounded = [site_scores(s.site, s.counts) for s in sites]  # populations do not apply to clusters
    _same(lambda: clustered(unbounded, weighting=weighting, ddof=ddof),
          lambda: design_reference.clustered(unbounded, weighting=weighting, ddof=ddof))


@given(st.lists(st.tuples(scores_any, st.fractions(min_value=0, max_value=50, max_denominator=7)), min_size=2, max_size=8),
       st.integers(0, 1000))
def test_integer_ratio_estimate_is_the_textbook_fraction(pairs, n) -> None:  # type: ignore[no-untyped-def]
    if sum(m for _, m in pairs) == 0:
        return
    assert ratio_estimate(pairs, n=n) == design_reference.ratio_estimate(pairs, n=n)
