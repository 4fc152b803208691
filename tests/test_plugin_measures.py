"""Measures under the plugin contract: every indicator's result is checked before the engine
uses it, and a plugin may report pre-aggregated per-site measures (`Evidence.measure`) that
min_sample and the stability check apply to, pooled over sites as docs/plugins.md says.

Each violation is a small plugin loaded through the real plugin manager (`make_plugins`) and
scored as `labelaudit score` scores (`score_record`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from labelaudit import (
    Collection,
    CollectRequest,
    Evidence,
    Indicator,
    IndicatorContext,
    Measure,
    PluginError,
    Sample,
    SourceKind,
    Text,
    from_float6,
    hookimpl,
    share_measure,
)
from labelaudit.indicators import interval, measure_problem
from labelaudit.testing import unless_installed

pytest_plugins = unless_installed()

MakePlugins = Callable[..., Any]
Compute = Callable[[Sample, IndicatorContext], Any]
LABEL = "odd 0.3.0 (given in code)"
TALLY = Sample.of({F(1): 3, F(0): 1})  # what the `tally` source reports at every site


def module(name: str, *, kinds: tuple[SourceKind, ...] = (), indicators: tuple[Indicator, ...] = ()) -> ModuleType:
    """A plugin module registering `kinds` and `indicators`, version 0.3.0, API 1."""
    plugin = ModuleType(name)
    plugin.__version__ = "0.3.0"  # type: ignore[attr-defined]
    plugin.LABELAUDIT_API = 1  # type: ignore[attr-defined]

    @hookimpl
    def labelaudit_register_sources(register: Callable[[SourceKind], None]) -> None:
        for kind in kinds:
            register(kind)

    @hookimpl
    def labelaudit_register_indicators(register: Callable[[Indicator], None]) -> None:
        for indicator in indicators:
            register(indicator)

    plugin.labelaudit_register_sources = labelaudit_register_sources  # type: ignore[attr-defined]
    plugin.labelaudit_register_indicators = labelaudit_register_indicators  # type: ignore[attr-defined]
    return plugin


def reporting(make: Callable[[CollectRequest, str, str, str], Evidence]) -> SourceKind:
    """A source kind `tally` whose evidence, for every binding and site, is `make(request, criterion, binding, site)`."""

    def collect(request: CollectRequest) -> Collection:
        return Collection(
            evidence=tuple(make(request, c.id, b.id, s.id) for c, b in request.bindings for s in request.audit.sites)
        )

    return SourceKind("tally", Text(fr="Décompte", en="Tally"), collect)


TALLY_KIND = reporting(lambda request, c, b, s: Evidence(c, b, s, sample=TALLY))


def odd(compute: Compute, **fields: Any) -> ModuleType:
    """The plugin `odd`: the source kind `tally` and the indicator `odd` computed by `compute`."""
    return module("odd", kinds=(TALLY_KIND,), indicators=(Indicator("odd", Text(fr="Bizarre", en="Odd"), compute, **fields),))


@pytest.fixture
def tally_audit(minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path]) -> Path:
    """One criterion `tally.1`, bound to the source `tally` with the indicator `odd`, at two sites."""
    scheme = minimal_scheme(
        sources={"tally": {"kind": "tally"}},
        bindings={"tally.1": [{"source": "tally", "indicator": "odd", "floor": 0, "target": 1}]},
    )
    return make_audit(scheme, sites=["lyon", "paris"], sources={"tally": ["tally.txt"]}, files={"tally.txt": "read by the test plugin\n"})


# --- Every indicator's result is checked ----------------------------------------------------------

BAD_RESULTS: dict[str, tuple[Any, str]] = {
    "a plain tuple": ((F(3, 4), 4), "(Fraction(3, 4), 4) (tuple) instead of a Measure"),
    "None": (None, "None (NoneType) instead of a Measure"),
    "a float value": (Measure(0.75, 4), "value is 0.75 (float), expected an exact number (Fraction or int, never a float or a bool)"),
    "a NaN value": (Measure(math.nan, 4), "value is nan (float), expected an exact number (Fraction or int, never a float or a bool)"),
    "a bool value": (Measure(True, 4), "value is True (bool), expected an exact number (Fraction or int, never a float or a bool)"),
    "a Decimal value": (
        Measure(Decimal("0.75"), 4),  # type: ignore[arg-type]
        "value is Decimal('0.75') (Decimal), expected an exact number (Fraction or int, never a float or a bool)",
    ),
    "a negative n": (Measure(F(3, 4), -1), "n is -1, expected a whole number ≥ 0"),
    "a float n": (Measure(F(3, 4), 4.0), "n is 4.0 (float), expected a whole number ≥ 0"),  # type: ignore[arg-type]
    "a bool n": (Measure(F(3, 4), True), "n is True (bool), expected a whole number ≥ 0"),
    "one end": (Measure(F(3, 4), 4, F(1, 2)), "the interval needs both ends or neither, got low = 0.5, high = None (NoneType)"),
    "a float end": (Measure(F(3, 4), 4, 0.5, F(9, 10)), "low is 0.5 (float), expected an exact number (Fraction or int, never a float or a bool)"),
    "an end not rounded": (Measure(F(3, 4), 4, F(1, 3), F(9, 10)), "the end low = Fraction(1, 3) is not rounded to 6 decimals (from_float6)"),
    "an interval beside the value": (Measure(F(3, 4), 4, F(8, 10), F(9, 10)), "the interval [0.8, 0.9] does not contain the value 0.75"),
}


@pytest.mark.parametrize("case", BAD_RESULTS, ids=list(BAD_RESULTS))
def test_an_invalid_indicator_result_names_plugin_indicator_binding_and_problem(
    case: str, tally_audit: Path, make_plugins: MakePlugins, score_record: Callable[..., Any]
) -> None:
    result, problem = BAD_RESULTS[case]
    with pytest.raises(PluginError) as caught:
        score_record(tally_audit, plugins=make_plugins(odd(lambda sample, context: result)))
    assert caught.value.plugin == LABEL
    assert str(caught.value) == (
        f"plugin {LABEL}: indicator 'odd', for tally.1 / tally, returned an invalid measure: {problem}"
    )


def test_a_value_outside_the_declared_range_is_refused(
    tally_audit: Path, make_plugins: MakePlugins, score_record: Callable[..., Any]
) -> None:
    plugin = odd(lambda sample, context: Measure(F(3, 2), sample.n), range=(F(0), F(1)))
    with pytest.raises(PluginError) as caught:
        score_record(tally_audit, plugins=make_plugins(plugin))
    assert str(caught.value).endswith(
        "returned an invalid measure: the value 1.5 is outside the indicator's declared range, [0, 1]"
    )


def test_a_range_may_depend_on_the_context(
    tally_audit: Path, make_plugins: MakePlugins, score_record: Callable[..., Any]
) -> None:
    seen: list[IndicatorContext] = []

    def scale_range(context: IndicatorContext) -> tuple[F, F]:
        seen.append(context)
        return (F(0), F(1, 2))

    plugin = odd(lambda sample, context: Measure(F(3, 4), sample.n), range=scale_range)
    with pytest.raises(PluginError, match=r"the value 0\.75 is outside the indicator's declared range, \[0, 0\.5\]$"):
        score_record(tally_audit, plugins=make_plugins(plugin))
    assert seen and seen[0].binding.id == "tally"


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        (lambda context: 1 / 0, "the declared range of indicator 'odd' raised ZeroDivisionError('division by zero')"),
        (lambda context: (0.0, 1.0), "the declared range of indicator 'odd' returned (0.0, 1.0), expected a pair "
         "(lowest, highest) of exact numbers, or None"),
    ],
    ids=["raises", "floats"],
)
def test_a_range_function_that_fails_is_named(
    declared: Any, message: str, tally_audit: Path, make_plugins: MakePlugins, score_record: Callable[..., Any]
) -> None:
    plugin = odd(lambda sample, context: Measure(F(3, 4), sample.n), range=declared)
    with pytest.raises(PluginError) as caught:
        score_record(tally_audit, plugins=make_plugins(plugin))
    assert str(caught.value) == f"plugin {LABEL}: {message}"


def test_an_indicator_that_raises_is_named_with_its_binding(
    tally_audit: Path, make_plugins: MakePlugins, score_record: Callable[..., Any]
) -> None:
    def broken(sample: Sample, context: IndicatorContext) -> Measure:
        raise ZeroDivisionError("n")

    with pytest.raises(PluginError) as caught:
        score_record(tally_audit, plugins=make_plugins(odd(broken)))
    assert str(caught.value) == f"plugin {LABEL}: indicator 'odd', for tally.1 / tally, raised ZeroDivisionError('n')"


def test_the_message_follows_the_language(
    tally_audit: Path, make_plugins: MakePlugins, score_record: Callable[..., Any]
) -> None:
    from labelaudit.i18n import set_lang

    set_lang("fr")
    try:
        with pytest.raises(PluginError) as caught:
            score_record(tally_audit, plugins=make_plugins(odd(lambda sample, context: Measure(0.75, 4))))
    finally:
        set_lang("en")
    assert str(caught.value) == (
        f"plugin {LABEL}: l'indicateur 'odd', pour tally.1 / tally, a rendu une mesure invalide : value vaut "
        "0.75 (float), au lieu d'un nombre exact (Fraction ou int, jamais un float ni un bool)"
    )


def test_a_valid_result_is_scored(tally_audit: Path, make_plugins: MakePlugins, score_record: Callable[..., Any]) -> None:
    plugin = odd(lambda sample, context: share_measure(sample, (F(1),), context.z), range=(F(0), F(1)))
    record = score_record(tally_audit, plugins=make_plugins(plugin))
    [binding] = record["tree"]["dimensions"][0]["requirements"][0]["criteria"][0]["bindings"]
    assert (binding["status"], binding["measure"]["value"]["exact"], binding["measure"]["n"]) == ("evidenced", "3/4", 8)


@pytest.mark.parametrize(
    ("declared", "found"),
    [((0.0, 1.0), "(0.0, 1.0)"), ((F(1), F(0)), "(Fraction(1, 1), Fraction(0, 1))"), ([0, 1], "[0, 1]"), ((0, True), "(0, True)")],
    ids=["floats", "reversed", "a list", "a bool"],
)
def test_labelaudit_register_indicators_refuses_an_invalid_range(declared: Any, found: str, make_plugins: MakePlugins) -> None:
    with pytest.raises(PluginError) as caught:
        make_plugins(odd(lambda sample, context: None, range=declared))
    assert str(caught.value) == (
        f"plugin {LABEL}: indicator 'odd' declares the range {found}, expected a pair (lowest, highest) of exact "
        "numbers (Fraction or int), lowest first, or a function of the context"
    )


def test_labelaudit_register_indicators_refuses_a_flag_that_is_not_a_bool(make_plugins: MakePlugins) -> None:
    with pytest.raises(PluginError, match=r"indicator 'odd' has mean_of_scores = 'yes', expected True or False$"):
        make_plugins(odd(lambda sample, context: None, mean_of_scores="yes"))


def test_registered_kinds_and_indicators_carry_their_plugins_label(make_plugins: MakePlugins) -> None:
    plugins = make_plugins(odd(lambda sample, context: None))
    assert (plugins.kinds["tally"].plugin, plugins.kinds["tally"].plugin_label) == ("odd", LABEL)
    assert plugins.indicators["odd"].plugin_label == LABEL
    assert plugins.indicators["mean"].plugin_label == "surveys 0.1.0 (entry point (labelaudit))"


def test_the_builtin_indicators_declare_their_ranges_and_pool_by_n(make_plugins: MakePlugins) -> None:
    indicators = make_plugins().indicators
    assert all(indicators[name].mean_of_scores for name in ("mean", "top2box", "share", "nps", "gap"))
    assert (indicators["share"].range, indicators["nps"].range) == ((0, 1), (-100, 100))


# --- The measure contract itself, and the built-ins' rounding ----------------------------------------


def test_measure_problem_accepts_exact_rounded_intervals_around_the_value() -> None:
    assert measure_problem(Measure(F(3, 4), 4, F("0.300641"), F("0.954412")), (F(0), F(1))) is None
    assert measure_problem(Measure(F(3), 0)) is None
    assert measure_problem(Measure(3, 2, 3, 3)) is None  # ints are exact


def test_built_in_intervals_always_hold_their_value() -> None:
    # A million answers that nearly agree: the rounded half-width vanishes; rounding the ends to
    # 6 decimals half away from zero would put the high end (3.333333) below the mean 10/3.
    low, high = interval(F(10, 3), 10 / 3 - 1e-9, 10 / 3 + 1e-9)
    assert (low, high) == (F("3.333333"), F("3.333334"))
    assert interval(F(1, 2), 0.25, 0.75) == (F(1, 4), F(3, 4))
    assert from_float6(0.6180339887) == F("0.618034")


# --- Samples are exact ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tally", "error"),
    [
        ({0.5: 2}, "expected an exact number (Fraction, int, Decimal or its text), got 0.5 (float)"),
        ({True: 2}, "expected an exact number (Fraction, int, Decimal or its text), got True (bool)"),
        ({None: 2}, "expected an exact number (Fraction, int, Decimal or its text), got None (NoneType)"),
        ({"nan": 2}, "expected an exact number, got 'nan'"),
        ({Decimal("NaN"): 2}, "expected a finite number, got Decimal('NaN')"),
        ({F(1): -1}, "the count of Fraction(1, 1) must be a whole number ≥ 0, got -1"),
        ({F(1): 2.0}, "the count of Fraction(1, 1) must be a whole number ≥ 0, got 2.0"),
        ({F(1): True}, "the count of Fraction(1, 1) must be a whole number ≥ 0, got True"),
    ],
    ids=["float", "bool", "None", "NaN text", "NaN", "negative count", "float count", "bool count"],
)
def test_sample_of_refuses_what_is_not_exact(tally: dict[Any, Any], error: str) -> None:
    with pytest.raises((TypeError, ValueError)) as caught:
        Sample.of(tally)
    assert str(caught.value) == error


def test_sample_of_takes_fractions_ints_decimals_and_their_text_exactly() -> None:
    sample = Sample.of({Decimal("4.5"): 2, 3: 1, F(1, 3): 1, F(2): 0, "0.1": 1})  # type: ignore[dict-item]
    assert sample.counts == ((F(1, 10), 1), (F(1, 3), 1), (F(3), 1), (F(9, 2), 2))


# --- Pre-aggregated measures ---------------------------------------------------------------------

VENDOR = {  # site → the vendor's per-site result: value, n, interval
    "lyon": Measure(F(3, 4), 40, F("0.598"), F("0.861")),
    "paris": Measure(F(1, 2), 10, F("0.237"), F("0.763")),
}


def vendor(results: dict[str, Measure | None], *, indicator: Indicator | None = None) -> ModuleType:
    """A vendor plugin shipping per-site aggregates (`Evidence.measure`), as the `tally` source kind."""

    def make(request: CollectRequest, c: str, b: str, s: str) -> Evidence:
        result = results[s]
        return Evidence(c, b, s, measure=result) if result is not None else Evidence(c, b, s, sample=TALLY)

    return module("odd", kinds=(reporting(make),), indicators=(indicator or share(),))


def share() -> Indicator:
    """The share of 1s, declared as a share: within [0, 1], and the mean of a 1-or-0 score."""
    return Indicator(
        "odd", Text(fr="Part", en="Share"), lambda sample, context: share_measure(sample, (F(1),), context.z),
        range=(F(0), F(1)), mean_of_scores=True,
    )


def vendor_audit(
    minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path], *, sites: str = "pooled",
    min_sample: int = 0, indicator: str | None = "odd", floor: Any = 0, target: Any = 1,
) -> Path:
    binding: dict[str, Any] = {"source": "tally", "floor": floor, "target": target}
    if indicator is not None:
        binding["indicator"] = indicator
    scheme = minimal_scheme(
        sources={"tally": {"kind": "tally", "min_sample": min_sample}},
        bindings={"tally.1": [binding]},
        extra={"policies": {"sites": sites}},
    )
    return make_audit(scheme, sites=["lyon", "paris"], sources={"tally": ["tally.txt"]}, files={"tally.txt": "read by the test plugin\n"})


def binding_of(record: dict[str, Any]) -> dict[str, Any]:
    return record["tree"]["dimensions"][0]["requirements"][0]["criteria"][0]["bindings"][0]


def test_pre_aggregated_measures_pool_by_their_n(
    minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path], make_plugins: MakePlugins,
    score_record: Callable[..., Any],
) -> None:
    record = score_record(vendor_audit(minimal_scheme, make_audit), plugins=make_plugins(vendor(VENDOR)))
    binding = binding_of(record)
    # (40 × 3/4 + 10 × 1/2) / 50 = 7/10, exactly the share of all 50 answers
    assert (binding["measure"]["value"]["exact"], binding["measure"]["n"]) == ("7/10", 50)
    below = math.sqrt((0.8 * (0.75 - 0.598)) ** 2 + (0.2 * (0.5 - 0.237)) ** 2)
    above = math.sqrt((0.8 * (0.861 - 0.75)) ** 2 + (0.2 * (0.763 - 0.5)) ** 2)
    assert binding["measure"]["low"]["exact"] == str(interval(F(7, 10), 0.7 - below, 0.7 + above)[0])
    assert binding["measure"]["high"]["shown"] == f"{0.7 + above:.6f}"
    assert [(s["site"], s["value"]["exact"], s["n"]) for s in binding["sites"]] == [("lyon", "3/4", 40), ("paris", "1/2", 10)]
    assert record["stability"]["checked"]  # the interval ends are decided on
    assert F(record["stability"]["pessimistic"]["points"]) < F(record["outcome"]["points"]["shown"])


def test_pre_aggregated_measures_are_averaged_when_sites_weigh_equally(
    minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path], make_plugins: MakePlugins,
    score_record: Callable[..., Any],
) -> None:
    audit = vendor_audit(minimal_scheme, make_audit, sites="equal")
    binding = binding_of(score_record(audit, plugins=make_plugins(vendor(VENDOR))))
    assert (binding["measure"]["value"]["exact"], binding["measure"]["n"]) == ("5/8", 50)  # (3/4 + 1/2) / 2


def test_a_measured_site_pools_with_a_sampled_one(
    minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path], make_plugins: MakePlugins,
    score_record: Callable[..., Any],
) -> None:
    results = {"lyon": VENDOR["lyon"], "paris": None}  # Paris: the raw tally, 3 of 4
    binding = binding_of(score_record(vendor_audit(minimal_scheme, make_audit), plugins=make_plugins(vendor(results))))
    assert (binding["measure"]["value"]["exact"], binding["measure"]["n"]) == ("3/4", 44)  # (30 + 3) / 44


def test_min_sample_applies_to_a_pre_aggregated_measure(
    minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path], make_plugins: MakePlugins,
    score_record: Callable[..., Any],
) -> None:
    audit = vendor_audit(minimal_scheme, make_audit, min_sample=60)
    record = score_record(audit, plugins=make_plugins(vendor(VENDOR)))
    assert binding_of(record)["status"] == "undersized"
    assert record["outcome"]["status"] == "deferred"
    assert any(r["code"] == "undersized" and "n = 50" in r["en"] for r in record["outcome"]["reasons"])


def test_a_measure_on_a_binding_without_indicator_pools_by_its_n(
    minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path], make_plugins: MakePlugins,
    score_record: Callable[..., Any],
) -> None:
    results = {"lyon": Measure(F(16), 4, F(15), F(17)), "paris": Measure(F(12), 12, F(11), F(13))}
    audit = vendor_audit(minimal_scheme, make_audit, indicator=None, floor=10, target=18)
    binding = binding_of(score_record(audit, plugins=make_plugins(vendor(results))))
    assert (binding["measure"]["value"]["exact"], binding["measure"]["n"]) == ("13", 16)  # (64 + 144) / 16


def not_poolable() -> Indicator:
    """Like the queue plugin's `max_wait`: the largest value, which no mean of sites gives."""
    return Indicator("odd", Text(fr="Maximum", en="Maximum"), lambda sample, context: Measure(max(v for v, _ in sample.counts), sample.n))


def test_measures_of_an_indicator_that_is_not_a_mean_are_not_pooled(
    minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path], make_plugins: MakePlugins,
    score_record: Callable[..., Any],
) -> None:
    plugins = make_plugins(vendor(VENDOR, indicator=not_poolable()))
    with pytest.raises(PluginError) as caught:
        score_record(vendor_audit(minimal_scheme, make_audit), plugins=plugins)
    assert str(caught.value) == (
        f"plugin {LABEL}: source 'tally': the pre-aggregated measures of tally.1 / tally cannot be pooled over the "
        "sites (lyon, paris): indicator 'odd' does not declare that its site values pool by their n-weighted mean "
        "(mean_of_scores), and the scheme pools sites (sites = \"pooled\"); report samples instead, or weigh sites "
        "equally (sites = \"equal\")"
    )


def test_measures_of_any_indicator_average_when_sites_weigh_equally(
    minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path], make_plugins: MakePlugins,
    score_record: Callable[..., Any],
) -> None:
    plugins = make_plugins(vendor(VENDOR, indicator=not_poolable()))
    binding = binding_of(score_record(vendor_audit(minimal_scheme, make_audit, sites="equal"), plugins=plugins))
    assert binding["measure"]["value"]["exact"] == "5/8"


def test_a_measure_without_n_cannot_be_pooled(
    minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path], make_plugins: MakePlugins,
    score_record: Callable[..., Any],
) -> None:
    results = {"lyon": VENDOR["lyon"], "paris": Measure(F(1, 2), 0)}
    with pytest.raises(PluginError, match=r"measure of tally\.1 / tally at site 'paris' has n = 0, so it cannot be pooled"):
        score_record(vendor_audit(minimal_scheme, make_audit), plugins=make_plugins(vendor(results)))


def test_one_site_needs_no_pooling(
    minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path], make_plugins: MakePlugins,
    score_record: Callable[..., Any],
) -> None:
    scheme = minimal_scheme(
        sources={"tally": {"kind": "tally"}}, bindings={"tally.1": [{"source": "tally", "indicator": "odd", "floor": 0, "target": 1}]}
    )
    audit = make_audit(scheme, sites=["lyon"], sources={"tally": ["tally.txt"]}, files={"tally.txt": "read by the test plugin\n"})
    binding = binding_of(score_record(audit, plugins=make_plugins(vendor(VENDOR, indicator=not_poolable()))))
    assert (binding["measure"]["value"]["exact"], binding["measure"]["low"]["shown"]) == ("3/4", "0.598000")


@pytest.mark.parametrize(
    ("measure", "problem"),
    [
        (Measure(0.75, 40), "value is 0.75 (float), expected an exact number (Fraction or int, never a float or a bool)"),
        (Measure(F(3, 2), 40), "the value 1.5 is outside the indicator's declared range, [0, 1]"),
        (Measure(F(3, 4), 40, F(4, 5), F(9, 10)), "the interval [0.8, 0.9] does not contain the value 0.75"),
    ],
    ids=["float", "outside the range", "interval beside the value"],
)
def test_an_invalid_pre_aggregated_measure_is_refused_at_collection(
    measure: Measure, problem: str, minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path],
    make_plugins: MakePlugins, collect_source: Callable[..., Any],
) -> None:
    audit = vendor_audit(minimal_scheme, make_audit)
    with pytest.raises(PluginError) as caught:
        collect_source(audit, "tally", plugins=make_plugins(vendor({"lyon": measure, "paris": VENDOR["paris"]})))
    assert str(caught.value) == (
        f"plugin {LABEL}: source 'tally': evidence tally.1 / tally at site 'lyon' has an invalid measure: {problem}"
    )


def test_a_measure_must_be_alone_at_its_site(
    minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path], make_plugins: MakePlugins,
    collect_source: Callable[..., Any],
) -> None:
    def twice(request: CollectRequest) -> Collection:
        return Collection(evidence=(
            Evidence("tally.1", "tally", "lyon", measure=VENDOR["lyon"]), Evidence("tally.1", "tally", "lyon", sample=TALLY),
        ))

    plugin = module("odd", kinds=(SourceKind("tally", Text(fr="D", en="T"), twice),), indicators=(share(),))
    with pytest.raises(PluginError, match=r"site 'lyon': a pre-aggregated measure must be the only evidence of its binding at its site$"):
        collect_source(vendor_audit(minimal_scheme, make_audit), "tally", plugins=make_plugins(plugin))


def test_evidence_needs_exactly_one_of_value_sample_or_measure() -> None:
    with pytest.raises(ValueError, match="exactly one of value, sample or measure, got 2"):
        Evidence("c", "b", "s", value=F(1), measure=Measure(F(1), 1))
    with pytest.raises(ValueError, match="got 0"):
        Evidence("c", "b", "s")
    assert Evidence("c", "b", "s", measure=Measure(F(1), 1)).measure == Measure(F(1), 1)


# --- The documented vendor plugin ---------------------------------------------------------------


def test_the_documented_vendor_plugin_pools_its_per_site_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, minimal_scheme: Callable[..., Any],
    make_audit: Callable[..., Path], make_plugins: MakePlugins, score_record: Callable[..., Any],
) -> None:
    import importlib
    import re
    import sys
    import tomllib

    from clirun import REPO

    text = (REPO / "docs" / "plugins.md").read_text("utf-8")
    found = {m["name"]: m["body"] for m in re.finditer(r"<!-- example: (?P<name>\S+) -->\s*```\w+\n(?P<body>.*?)```", text, re.S)}
    (tmp_path / "labelaudit_acme.py").write_text(found["labelaudit_acme.py"], "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "labelaudit_acme", raising=False)
    fragment = tomllib.loads(found["acme-scheme.toml"], parse_float=Decimal)
    scheme = minimal_scheme(sources=fragment["sources"], bindings={c["id"]: c["bindings"] for c in fragment["criteria"]})
    assert scheme.questionnaires == {} and scheme.sources["panel"].min_sample == 30
    audit = make_audit(scheme, sites=["lyon", "paris"], sources={"panel": ["acme.csv"]}, files={"acme.csv": found["acme.csv"]})
    record = score_record(audit, plugins=make_plugins(importlib.import_module("labelaudit_acme")))
    binding = binding_of(record)
    assert (binding["status"], binding["measure"]["value"]["exact"], binding["measure"]["n"]) == ("evidenced", "6163/7750", 310)
    assert binding["measure"]["value"]["shown"] == "0.795226"  # as the page says
    low, high = F(binding["measure"]["low"]["exact"]), F(binding["measure"]["high"]["exact"])
    assert F("0.764") * 214 / 310 + F("0.644") * 96 / 310 < low < F(6163, 7750) < high  # narrower than either site's
    assert [e["location"] for e in binding["evidence"]] == ["row 2", "row 3"]


def test_pre_aggregated_results_on_the_command_line_through_the_committees_desk(
    tmp_path: Path, minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path]
) -> None:
    """The documented vendor plugin given as a file (`-p FILE.py`), scored, explained, reported."""
    import re
    import tomllib

    from clirun import REPO, run

    text = (REPO / "docs" / "plugins.md").read_text("utf-8")
    found = {m["name"]: m["body"] for m in re.finditer(r"<!-- example: (?P<name>\S+) -->\s*```\w+\n(?P<body>.*?)```", text, re.S)}
    plugin_file = tmp_path / "labelaudit_acme.py"
    plugin_file.write_text(found["labelaudit_acme.py"], "utf-8")
    fragment = tomllib.loads(found["acme-scheme.toml"], parse_float=Decimal)
    scheme = minimal_scheme(sources=fragment["sources"], bindings={c["id"]: c["bindings"] for c in fragment["criteria"]})
    audit = make_audit(scheme, sites=["lyon", "paris"], sources={"panel": ["acme.csv"]}, files={"acme.csv": found["acme.csv"]})
    record = tmp_path / "record.json"
    rulesets = ("--rulesets", tmp_path / "schemes")
    scored = run("score", audit, "-o", record, "-p", plugin_file, *rulesets)
    assert scored.code == 0, scored
    explained = run("explain", record, "welcome.3", "--exact")
    assert explained.code == 0, explained
    assert "value (pooled answers): 6163/7750 = 0.795226, n = 310" in explained.out, explained.out
    report = run("report", record, "--format", "md", "-o", tmp_path / "record.md")
    assert report.code == 0, report
    markdown = (tmp_path / "record.md").read_text("utf-8")
    assert "| ↳ panel | 3/5 → 9/10 | 0.795226 | 310 | \\[0.746458, 0.835675\\] |" in markdown  # value, n, interval
    assert "| Site lyon | yes | 73.3% | 733.3 |" in markdown  # Lyon alone: (0.82 − 0.6) / 0.3
