"""The engine's pooled survey intervals follow the audit's survey design (`[survey_design]`):
sites as strata or clusters, finite populations, every settled detail of the contract, checked
against a survey-statistics library (svy, Taylor linearisation) used as a test-only reference,
and the worked example of docs/scoring.md."""

from __future__ import annotations

import math
import re
from fractions import Fraction as F
from pathlib import Path

import attrs
import polars as pl
import pytest
import svy
from helpers import C1, C2, INDICATORS, N1, answers, make_inputs, make_scheme
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labelaudit.design import measure_of, site_scores, stratified
from labelaudit.engine import Measures, score
from labelaudit.indicators import declared_range
from labelaudit.model import IndicatorContext, Sample, SurveyDesign

Z95 = 1.959963984540054
DOCS = Path(__file__).resolve().parent.parent / "docs" / "scoring.md"
CRITERION = {C1: "v1", C2: "d1", N1: "c2"}


@pytest.fixture(scope="module")
def scheme(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return make_scheme(tmp_path_factory.mktemp("design"))


def measured(scheme, binding, tallies, designs=None, site_ids=None):  # type: ignore[no-untyped-def]
    """The pooled measure of `binding` over sites s0, s1 … with these tallies."""
    evidence = [answers(CRITERION[binding], binding, tally, f"s{i}") for i, tally in enumerate(tallies)]
    ids = site_ids or [f"s{i}" for i in range(len(tallies))]
    inputs = make_inputs(scheme, evidence, site_ids=ids)
    inputs = attrs.evolve(inputs, designs=designs or {})
    criterion = scheme.criterion(CRITERION[binding])
    spec = next(b for b in criterion.bindings if b.id == binding)
    return Measures(inputs, inputs.evidence).measure(criterion, spec), inputs


def _rows(tallies, populations, score=lambda v: float(v)):  # type: ignore[no-untyped-def]
    rows = {"site": [], "y": [], "w": [], "N": []}
    for i, tally in enumerate(tallies):
        for value, count in tally.items():
            for _ in range(count):
                rows["site"].append(f"s{i}")
                rows["y"].append(score(value))
                rows["w"].append(1.0)
                population = populations.get(f"s{i}")
                rows["N"].append(float(population) if population is not None else 1e12)
    return pl.DataFrame(rows)


def _svy_se(data: pl.DataFrame, design: svy.Design) -> float:
    return float(svy.Sample(data, design).estimation.mean("y").to_dicts()[0]["se"])


def _half(measure) -> float:  # type: ignore[no-untyped-def]
    return float(measure.high - measure.low) / 2


tally = st.dictionaries(st.integers(1, 5), st.integers(1, 9), min_size=2, max_size=5)
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW
@given(st.lists(tally, min_size=2, max_size=5), st.data())
def test_strata_with_populations_match_the_reference(scheme, tallies, data) -> None:  # type: ignore[no-untyped-def]
    """Every site surveyed: a mean's interval is value ± z·√(Σ W_h²·s_h²/n_h·(1 − n_h/N_h))."""
    populations = {}
    for i, t in enumerate(tallies):
        n = sum(t.values())
        given_n = data.draw(st.one_of(st.none(), st.integers(n + 1, 4 * n)))
        if given_n is not None:
            populations[f"s{i}"] = given_n
    designs = {"customer": SurveyDesign(population=populations)}
    (measure, _, clusters), _ = measured(scheme, C1, tallies, designs)
    reference = _svy_se(_rows(tallies, populations), svy.Design(stratum="site", wgt="w", pop_size="N"))
    assert clusters is None
    assert _half(measure) == pytest.approx(Z95 * reference, abs=2e-6)


@SLOW
@given(st.lists(tally, min_size=2, max_size=5))
def test_clusters_match_the_reference(scheme, tallies) -> None:  # type: ignore[no-untyped-def]
    """A sample of sites surveyed: the with-replacement variance of the ratio estimator."""
    surveyed = tuple(f"s{i}" for i in range(len(tallies)))
    designs = {"customer": SurveyDesign(surveyed=surveyed)}
    (measure, _, clusters), _ = measured(scheme, C1, tallies, designs, [*surveyed, "unsurveyed"])
    reference = _svy_se(_rows(tallies, {}), svy.Design(psu="site", wgt="w", wr=True))
    assert clusters == len(tallies)
    if reference > 0:
        assert _half(measure) == pytest.approx(Z95 * reference, abs=2e-6)


@SLOW
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)).filter(lambda t: t[0] > 0 and t[1] > 0), min_size=2, max_size=4))
def test_strata_shares_use_wilson_with_the_effective_size(scheme, counts) -> None:  # type: ignore[no-untyped-def]
    """A top-two-box share: Wilson's interval with n_eff = r̂(1 − r̂)/v, v from the reference."""
    tallies = [{5: hits, 2: misses} for hits, misses in counts]
    (measure, _, _), _ = measured(scheme, C2, tallies)
    # A share's site variance divides by n_h (today's one-site Wilson), the library's by n_h − 1:
    # each site's variance from the library, times (n_h − 1)/n_h, weighted by W_h².
    n = sum(h + m for h, m in counts)
    variance = 0.0
    for t, (hits, misses) in zip(tallies, counts):
        n_h = hits + misses
        se_h = _svy_se(_rows([t], {}, lambda v: 1.0 if v >= 4 else 0.0), svy.Design(wgt="w"))
        variance += (n_h / n) ** 2 * se_h**2 * (n_h - 1) / n_h
    se = math.sqrt(variance)
    p = float(measure.value)
    n_eff = p * (1 - p) / se**2
    centre = (p + Z95**2 / (2 * n_eff)) / (1 + Z95**2 / n_eff)
    half = Z95 / (1 + Z95**2 / n_eff) * math.sqrt(p * (1 - p) / n_eff + Z95**2 / (4 * n_eff**2))
    assert float(measure.low) == pytest.approx(centre - half, abs=2e-6)
    assert float(measure.high) == pytest.approx(centre + half, abs=2e-6)


@SLOW
@given(st.lists(st.dictionaries(st.sampled_from([0, 5, 7, 8, 9, 10]), st.integers(1, 6), min_size=2), min_size=2, max_size=4))
def test_nps_clusters_score_each_answer(scheme, tallies) -> None:  # type: ignore[no-untyped-def]
    surveyed = tuple(f"s{i}" for i in range(len(tallies)))
    designs = {"customer": SurveyDesign(surveyed=surveyed)}
    (measure, _, _), _ = measured(scheme, N1, tallies, designs, [*surveyed, "other"])
    score = lambda v: 100.0 if v >= 9 else -100.0 if v <= 6 else 0.0  # noqa: E731
    se = _svy_se(_rows(tallies, {}, score), svy.Design(psu="site", wgt="w", wr=True))
    if se > 0 and -100 + Z95 * se < float(measure.value) < 100 - Z95 * se:
        assert _half(measure) == pytest.approx(Z95 * se, abs=2e-6)


@given(tally)
def test_one_site_without_population_is_todays_interval(tally) -> None:  # type: ignore[no-untyped-def]
    """The built-in indicators' per-answer scores, through the design formulas, for one site and
    no population: exactly each indicator's own measure."""
    scheme = _SCHEME
    for binding in (C1, C2, N1):
        criterion = scheme.criterion(CRITERION[binding])
        spec = next(b for b in criterion.bindings if b.id == binding)
        indicator = INDICATORS[spec.indicator]
        context = IndicatorContext(spec, scheme.scale_of(scheme.sources["customer"], spec.item), Z95)
        sample = Sample.of({F(k): v for k, v in tally.items()})
        scores = indicator.scores
        est = stratified([site_scores("s0", [(scores.score(v, context), c) for v, c in sample.counts])],
                         weighting="pooled", ddof=scores.ddof)
        bounds = declared_range(indicator, context) if scores.clamp else None
        assert measure_of(est, scores.interval, Z95, bounds) == indicator.compute(sample, context)


def test_a_lone_answer_site_takes_the_bindings_variance(scheme) -> None:  # type: ignore[no-untyped-def]
    (measure, _, _), _ = measured(scheme, C1, [{1: 1, 5: 1}, {4: 1}])
    everyone = F(((1 - F(10, 3)) ** 2 + (5 - F(10, 3)) ** 2 + (4 - F(10, 3)) ** 2), 2)
    variance = F(4, 9) * 8 / 2 + F(1, 9) * everyone
    assert _half(measure) == pytest.approx(Z95 * math.sqrt(variance), abs=1e-6)


def test_agreeing_answers_keep_wilson_with_n(scheme) -> None:  # type: ignore[no-untyped-def]
    (pooled, _, _), _ = measured(scheme, C2, [{5: 9}, {4: 4}])
    (alone, _, _), _ = measured(scheme, C2, [{5: 13}])
    assert pooled == alone and pooled.low < 1


def test_a_census_is_its_own_interval(scheme) -> None:  # type: ignore[no-untyped-def]
    designs = {"customer": SurveyDesign(population={"s0": 3, "s1": 2})}
    (measure, sites, _), _ = measured(scheme, C1, [{5: 2, 4: 1}, {3: 2}], designs)
    assert measure.value == 4 and (measure.low, measure.high) == (4, 4)
    # each site's own census too: its value on the six-decimal grid (14/3 lies between two points)
    assert all(s.low <= s.value <= s.high and s.high - s.low <= F(1, 10**6) for s in sites)


def test_one_cluster_cannot_stand_for_many(scheme) -> None:  # type: ignore[no-untyped-def]
    """A sample of sites of which one answered: undersized, with its own reason, whatever n."""
    designs = {"customer": SurveyDesign(surveyed=("s0", "s1"))}
    evidence = [answers("v1", C1, {5: 40, 4: 30}, "s0")]
    inputs = make_inputs(scheme, evidence, site_ids=["s0", "s1", "s2"])
    inputs = attrs.evolve(inputs, designs=designs)
    decision = score(inputs)
    result = next(b for c in decision.central.tree.criteria() for b in c.bindings if b.binding.id == C1)
    assert (result.status, result.clusters) == ("undersized", 1)
    codes = [(r.code, dict(r.params).get("clusters")) for r in decision.central.outcome.reasons]
    assert ("too_few_clusters", "1") in codes


def test_small_sites_count_in_the_value_and_the_variance(scheme) -> None:  # type: ignore[no-untyped-def]
    """A site under the anonymity threshold is hidden from what is shown, never from the score."""
    big, small = {5: 10, 4: 10, 2: 5}, {1: 2}
    (with_small, _, _), _ = measured(scheme, C1, [big, small])
    (without, _, _), _ = measured(scheme, C1, [big])
    expected = stratified([site_scores("s0", {F(k): v for k, v in big.items()}), site_scores("s1", {F(1): 2})],
                          weighting="pooled", ddof=1)
    assert with_small.value == expected.value != without.value
    assert _half(with_small) == pytest.approx(Z95 * math.sqrt(expected.variance), abs=1e-6)


# --- The worked example of docs/scoring.md ----------------------------------------------------


def _doc_numbers() -> dict[str, str]:
    """The `name = number` lines of the worked example, as written."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("### Worked example: survey design"):]
    section = section[: section.index("\n## ")]
    return dict(re.findall(r"^\s*(\w[\w ()]*?)\s*=\s*([-\d./]+)\s*$", section, re.M))


def test_the_worked_example_is_what_the_engine_computes(scheme) -> None:  # type: ignore[no-untyped-def]
    doc = _doc_numbers()
    a, b = {1: 1, 2: 1, 3: 1, 5: 1}, {4: 2, 2: 1}
    strata = {"customer": SurveyDesign(population={"s0": 10})}
    (measure, _, _), _ = measured(scheme, C1, [a, b], strata)
    est = stratified([site_scores("s0", {F(k): v for k, v in a.items()}, 10), site_scores("s1", {F(k): v for k, v in b.items()})],
                     weighting="pooled", ddof=1)
    assert (est.value, est.variance) == (F(doc["value"]), F(doc["v (strata)"]))
    assert (measure.low, measure.high) == (F(doc["low (strata)"]), F(doc["high (strata)"]))
    clusters = {"customer": SurveyDesign(surveyed=("s0", "s1"))}
    (measure, _, k), _ = measured(scheme, C1, [a, b], clusters, ["s0", "s1", "s2"])
    assert k == 2 and measure.value == F(doc["value"])
    assert (measure.low, measure.high) == (F(doc["low (clusters)"]), F(doc["high (clusters)"]))
    yes_a, yes_b = {5: 3, 2: 1}, {4: 1, 1: 2}
    (share, _, _), _ = measured(scheme, C2, [yes_a, yes_b])
    assert share.value == F(doc["share"])
    assert (share.low, share.high) == (F(doc["low (share)"]), F(doc["high (share)"]))
    assert F(doc["n_eff"]) == F(4, 7) * F(3, 7) / F(doc["v (share)"])


_SCHEME = None


@pytest.fixture(autouse=True, scope="module")
def _scheme_for_properties(scheme):  # type: ignore[no-untyped-def]
    global _SCHEME
    _SCHEME = scheme


def test_pre_aggregated_measures_pool_as_clusters(scheme) -> None:  # type: ignore[no-untyped-def]
    """A vendor's per-site means under a sample of sites: r̂ and v from each site's value and n."""
    from labelaudit.model import Evidence, Measure

    evidence = [
        Evidence("v1", C1, "s0", measure=Measure(F(11, 4), 4, F(2), F(7, 2))),
        Evidence("v1", C1, "s1", measure=Measure(F(10, 3), 3, F(3), F(4))),
    ]
    inputs = attrs.evolve(
        make_inputs(scheme, evidence, site_ids=["s0", "s1", "s2"]), designs={"customer": SurveyDesign(surveyed=("s0", "s1"))}
    )
    criterion = scheme.criterion("v1")
    measure, sites, k = Measures(inputs, inputs.evidence).measure(criterion, criterion.bindings[-1])
    assert (measure.value, k, len(sites)) == (3, 2, 2)
    assert (measure.low, measure.high) == (F("2.44001"), F("3.55999"))  # the worked example's clusters
