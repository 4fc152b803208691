"""The scoring contract (/work/shared/SCORING.md), rule by rule, with values computed by hand.

Most tests use the default scheme of tests/helpers.py; its tree shares are
v1 1/6, v2 1/12, c1 1/8, c2 1/8, d1 1/8, d2 3/8. Every expected value below is an exact
fraction worked out in the comment next to it, never a number read back from the engine.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from fractions import Fraction as F
from typing import Any

import pytest

from helpers import (
    C1,
    C2,
    DEFAULT_REQUIREMENTS,
    N1,
    ONSITE,
    answers,
    finding,
    full_evidence,
    level,
    make_inputs,
    record_text,
)
from labelaudit.engine import (
    Decision,
    Run,
    attainment,
    decide,
    evaluate_gate,
    is_unacceptable,
    majors_by_requirement,
    score,
    score_tree,
)
from labelaudit.i18n.formatting import Figure
from labelaudit.model import Evidence, Sample, Scheme, Text

SchemeFactory = Callable[..., Scheme]


# --- small accessors ----------------------------------------------------------------------------


def criterion(run: Run, criterion_id: str) -> Any:
    return next(c for c in run.tree.criteria() if c.criterion.id == criterion_id)


def binding(run: Run, criterion_id: str, binding_id: str) -> Any:
    return next(b for b in criterion(run, criterion_id).bindings if b.binding.id == binding_id)


def requirement(run: Run, requirement_id: str) -> Any:
    return next(r for r in run.tree.requirements() if r.id == requirement_id)


def dimension(run: Run, dimension_id: str) -> Any:
    return next(d for d in run.tree.dimensions if d.id == dimension_id)


def gate(run: Run, gate_id: str) -> Any:
    return next(g for g in run.gates if g.gate.id == gate_id)


def codes(run: Run) -> list[str]:
    return [r.code for r in run.outcome.reasons]


def reasons_with(run: Run, code: str) -> list[dict[str, str]]:
    """The params of the outcome's reasons with `code`; a title (Text) as its English text."""
    return [plain(r.params) for r in run.outcome.reasons if r.code == code]


def plain(params: Any) -> dict[str, Any]:
    """A reason's params as the record writes them: a Figure as its locale-free string, a
    title (Text) as its English text."""
    return {k: (v.en if isinstance(v, Text) else str(v) if isinstance(v, Figure) else v) for k, v in params}


def decide_on(scheme: Scheme, evidence: list[Evidence], **options: Any) -> Decision:
    return score(make_inputs(scheme, evidence, **options))


def onsite_levels(**levels: int) -> list[Evidence]:
    return [level(c, v) for c, v in levels.items()]


ALL_TWO = {"v1": 2, "v2": 2, "c1": 2, "c2": 2, "d1": 2, "d2": 2}


def single(binding_spec: dict[str, Any], criterion_id: str = "x1") -> list[dict[str, Any]]:
    """Requirements for a one-dimension, one-requirement, one-criterion, one-binding scheme."""
    return [
        {
            "id": "only",
            "dimension": "people",
            "weight": 1,
            "criteria": [{"id": criterion_id, "weight": 1, "bindings": [binding_spec]}],
        }
    ]


ONE_DIMENSION = [{"id": "people", "weight": 1}]


def gate_spec(gate_id: str, scope: str, effect: str = "refuse", **keys: Any) -> dict[str, Any]:
    return {"id": gate_id, "scope": scope, "effect": effect, **keys}


# --- 1. Binding attainment ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "floor", "target", "expected"),
    [
        (F(3), F(1), F(5), F(1, 2)),  # (3 − 1) / (5 − 1)
        (F(7, 2), F(1), F(5), F(5, 8)),  # 2.5 / 4
        (F(1), F(1), F(5), F(0)),  # at the floor
        (F(5), F(1), F(5), F(1)),  # at the target
        (F(6), F(1), F(5), F(1)),  # above the target: clamped
        (F(0), F(1), F(5), F(0)),  # below the floor: clamped
    ],
)
def test_binding_attainment_higher_is_better(value: F, floor: F, target: F, expected: F) -> None:
    assert attainment(value, floor, target) == expected


@pytest.mark.parametrize(
    ("value", "floor", "target", "expected"),
    [
        (F(15), F(20), F(10), F(1, 2)),  # (20 − 15) / (20 − 10)
        (F(12), F(20), F(10), F(4, 5)),  # 8 / 10
        (F(20), F(20), F(10), F(0)),
        (F(10), F(20), F(10), F(1)),
        (F(5), F(20), F(10), F(1)),  # better than the target: clamped
        (F(25), F(20), F(10), F(0)),  # worse than the floor: clamped
    ],
)
def test_binding_attainment_lower_is_better(value: F, floor: F, target: F, expected: F) -> None:
    assert attainment(value, floor, target) == expected


@pytest.mark.parametrize(
    ("value", "floor", "target", "expected"),
    [
        (F(0), F(1), F(4), True),
        (F(99, 100), F(1), F(4), True),
        (F(1), F(1), F(4), False),  # equal to the floor is NOT unacceptable
        (F(2), F(1), F(4), False),
        (F(21), F(20), F(10), True),  # lower is better: above the floor is worse
        (F(20), F(20), F(10), False),
        (F(19), F(20), F(10), False),
    ],
)
def test_unacceptable_strictly_worse_than_floor(value: F, floor: F, target: F, expected: bool) -> None:
    assert is_unacceptable(value, floor, target) is expected


def test_scale_curve_defaults_to_lowest_and_highest_point(scheme_factory: SchemeFactory) -> None:
    run = decide_on(scheme_factory(), [level("v2", 3)]).central
    result = binding(run, "v2", ONSITE)
    assert (result.floor, result.target) == (F(0), F(4))
    assert result.attainment == F(3, 4)  # (3 − 0) / (4 − 0)
    assert result.unacceptable is False


def test_scale_curve_uses_the_scale_not_zero(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(onsite_scale=(1, 2, 3, 4, 5))
    run = decide_on(scheme, [level("v2", 2), level("c1", 1)]).central
    assert (binding(run, "v2", ONSITE).floor, binding(run, "v2", ONSITE).target) == (F(1), F(5))
    assert binding(run, "v2", ONSITE).attainment == F(1, 4)  # (2 − 1) / (5 − 1)
    # the lowest level is the floor itself: attainment 0 but not unacceptable
    assert binding(run, "c1", ONSITE).attainment == F(0)
    assert binding(run, "c1", ONSITE).unacceptable is False


def test_grid_binding_with_its_own_floor(scheme_factory: SchemeFactory) -> None:
    requirements = single({"source": "onsite", "weight": 1, "floor": 1})
    scheme = scheme_factory(
        requirements=requirements,
        dimensions=ONE_DIMENSION,
        gates=[gate_spec("no-unacceptable", "unacceptable")],
        policies={"min_coverage": 0},
    )
    at_two = decide_on(scheme, [level("x1", 2)]).central
    assert binding(at_two, "x1", ONSITE).target == F(4)  # the target still comes from the scale
    assert binding(at_two, "x1", ONSITE).attainment == F(1, 3)  # (2 − 1) / (4 − 1)

    at_floor = decide_on(scheme, [level("x1", 1)]).central
    assert binding(at_floor, "x1", ONSITE).attainment == F(0)
    assert binding(at_floor, "x1", ONSITE).unacceptable is False
    assert gate(at_floor, "no-unacceptable").fired is False

    below = decide_on(scheme, [level("x1", 0)]).central
    assert binding(below, "x1", ONSITE).attainment == F(0)  # clamped
    assert binding(below, "x1", ONSITE).unacceptable is True
    assert gate(below, "no-unacceptable").fired is True
    assert below.outcome.status == "refused"
    assert [plain(s.params) for s in gate(below, "no-unacceptable").subjects] == [
        {"subject": "x1 / onsite", "value": "0", "floor": "1"}
    ]


def test_lower_is_better_survey_binding(scheme_factory: SchemeFactory) -> None:
    # an "effort" item: mean answer 2 is the target, 4 the floor
    effort = {"source": "customer", "item": "C1", "indicator": "mean", "floor": 4, "target": 2, "weight": 1}
    scheme = scheme_factory(requirements=single(effort), dimensions=ONE_DIMENSION)
    run = decide_on(scheme, [answers("x1", C1, {3: 2})]).central
    assert binding(run, "x1", C1).attainment == F(1, 2)  # (4 − 3) / (4 − 2)
    assert binding(run, "x1", C1).unacceptable is False

    at_floor = decide_on(scheme, [answers("x1", C1, {4: 1})]).central
    assert binding(at_floor, "x1", C1).unacceptable is False

    worse = decide_on(scheme, [answers("x1", C1, {5: 1})]).central
    assert binding(worse, "x1", C1).attainment == F(0)
    assert binding(worse, "x1", C1).unacceptable is True

    better = decide_on(scheme, [answers("x1", C1, {1: 1})]).central
    assert binding(better, "x1", C1).attainment == F(1)


# --- 2. Criterion attainment and coverage --------------------------------------------------------


def test_criterion_weighted_by_binding_weight(scheme_factory: SchemeFactory) -> None:
    run = decide_on(scheme_factory(), [level("v1", 2), answers("v1", C1, {5: 1})]).central
    # onsite 2/4 = 1/2 (weight 2), C1 mean 5 → (5 − 1)/4 = 1 (weight 1): (2·1/2 + 1·1) / 3
    assert criterion(run, "v1").attainment == F(2, 3)
    assert criterion(run, "v1").coverage == F(1)
    assert [b.share for b in criterion(run, "v1").bindings] == [F(2, 3), F(1, 3)]


def test_criterion_renormalizes_over_evidenced_bindings(scheme_factory: SchemeFactory) -> None:
    run = decide_on(scheme_factory(), [level("v1", 2)]).central
    assert criterion(run, "v1").attainment == F(1, 2)  # only the onsite binding counts
    assert criterion(run, "v1").coverage == F(2, 3)  # its weight 2 over 3
    assert binding(run, "v1", C1).status == "missing"
    assert binding(run, "v1", C1).attainment is None


def test_criterion_missing_zero_counts_the_missing_binding_as_zero(scheme_factory: SchemeFactory) -> None:
    run = decide_on(scheme_factory(policies={"missing": "zero"}), [level("v1", 2)]).central
    assert criterion(run, "v1").attainment == F(1, 3)  # (2·1/2 + 1·0) / 3
    assert criterion(run, "v1").coverage == F(2, 3)


def test_unassessed_criterion_is_left_out_under_renormalize(scheme_factory: SchemeFactory) -> None:
    run = decide_on(scheme_factory(), [level("v1", 2), answers("v1", C1, {5: 1})]).central
    assert criterion(run, "v2").assessed is False
    assert criterion(run, "v2").attainment is None
    assert criterion(run, "v2").coverage == F(0)
    assert requirement(run, "vision").attainment == F(2, 3)  # v2 left out: v1 alone


def test_unassessed_criterion_counts_zero_under_zero(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(policies={"missing": "zero"})
    run = decide_on(scheme, [level("v1", 2), answers("v1", C1, {5: 1})]).central
    assert criterion(run, "v2").assessed is False
    assert criterion(run, "v2").attainment == F(0)
    assert requirement(run, "vision").attainment == F(4, 9)  # (2·2/3 + 1·0) / 3


# --- 3. Requirement, dimension, overall; points; sources -----------------------------------------


def test_worked_example_every_level_of_the_tree(scheme_factory: SchemeFactory) -> None:
    decision = decide_on(scheme_factory(), full_evidence())
    run = decision.central
    # binding attainments
    assert binding(run, "c2", N1).value == 25  # 9–10: 2/4, 0–6: 1/4 → 100·(1/2 − 1/4)
    assert binding(run, "c2", N1).attainment == F(1, 2)  # 25 / 50
    assert binding(run, "d1", C2).value == F(3, 5)  # 6 of 10 answers are 4 or 5
    assert binding(run, "d1", C2).attainment == F(1, 4)  # (0.6 − 0.5) / 0.4
    # criteria
    expected = {"v1": F(2, 3), "v2": F(1), "c1": F(1, 4), "c2": F(5, 8), "d1": F(1, 8), "d2": F(1, 2)}
    assert {c.criterion.id: c.attainment for c in run.tree.criteria()} == expected
    # tree shares: product of the normalised weights from the dimension down
    shares = {"v1": F(1, 6), "v2": F(1, 12), "c1": F(1, 8), "c2": F(1, 8), "d1": F(1, 8), "d2": F(3, 8)}
    assert {c.criterion.id: c.share for c in run.tree.criteria()} == shares
    # requirements: vision (2·2/3 + 1)/3, culture (1/4 + 5/8)/2, design (1/8 + 3·1/2)/4
    assert requirement(run, "vision").attainment == F(7, 9)
    assert requirement(run, "culture").attainment == F(7, 16)
    assert requirement(run, "design").attainment == F(13, 32)
    # dimensions: people (7/9 + 7/16)/2, process = design
    assert dimension(run, "people").attainment == F(175, 288)
    assert dimension(run, "process").attainment == F(13, 32)
    # overall (175/288 + 117/288) / 2
    assert run.tree.attainment == F(73, 144)
    assert run.tree.points == F(9125, 18)  # 506.94…
    assert run.tree.coverage == F(1)
    assert run.outcome.key == ("granted", "committed")
    assert reasons_with(run, "points") == [{"points": "506.9", "level": "committed", "level_title": "committed (en)", "min_points": "500"}]


def test_source_attainment_weighted_by_tree_share_times_binding_share(scheme_factory: SchemeFactory) -> None:
    run = decide_on(scheme_factory(), full_evidence()).central
    # customer: v1/C1 1/6·1/3 = 1/18 at 1, c2/N1 1/8·1/2 = 1/16 at 1/2, d1/C2 1/16 at 1/4
    #   (1/18 + 1/32 + 1/64) / (1/18 + 1/16 + 1/16) = (59/576) / (13/72) = 59/104
    assert run.tree.sources["customer"] == F(59, 104)
    # onsite: weights 1/9, 1/12, 1/8, 1/16, 1/16, 3/8 (= 472/576) at 1/2, 1, 1/4, 3/4, 0, 1/2
    #   numerator (32 + 48 + 18 + 27 + 0 + 108)/576 = 233/576
    assert run.tree.sources["onsite"] == F(233, 472)


def test_source_attainment_counts_only_evidenced_bindings(scheme_factory: SchemeFactory) -> None:
    run = decide_on(scheme_factory(), [level("v1", 2), answers("c2", N1, {10: 1})]).central
    assert run.tree.sources["onsite"] == F(1, 2)
    assert run.tree.sources["customer"] == F(1)  # NPS 100 → clamped to 1


def test_source_without_evidence_has_no_attainment(scheme_factory: SchemeFactory) -> None:
    run = decide_on(scheme_factory(), [level("v1", 2)]).central
    assert run.tree.sources == {"onsite": F(1, 2), "customer": None}


def test_dimension_weights_are_normalised(scheme_factory: SchemeFactory) -> None:
    # people 1, process 3: (175/288 + 3·117/288) / 4 = 526/1152 = 263/576
    one_three = decide_on(
        scheme_factory(dimensions=[{"id": "people", "weight": 1}, {"id": "process", "weight": 3}]), full_evidence()
    ).central
    assert one_three.tree.attainment == F(263, 576)
    assert [d.share for d in one_three.tree.dimensions] == [F(1, 4), F(3, 4)]
    assert one_three.outcome.key == ("refused", None)  # 456.6 points: no level
    two_six = decide_on(
        scheme_factory(dimensions=[{"id": "people", "weight": 2}, {"id": "process", "weight": 6}]), full_evidence()
    ).central
    assert two_six.tree.attainment == F(263, 576)


def test_requirement_weights_are_normalised(scheme_factory: SchemeFactory) -> None:
    requirements = copy.deepcopy(DEFAULT_REQUIREMENTS)
    requirements[0]["weight"] = 3  # vision 3, culture 1
    run = decide_on(scheme_factory(requirements=requirements), full_evidence()).central
    assert requirement(run, "vision").share == F(3, 4)
    assert dimension(run, "people").attainment == F(133, 192)  # (3·7/9 + 7/16) / 4


def test_renormalize_leaves_out_unassessed_requirement_and_dimension(scheme_factory: SchemeFactory) -> None:
    evidence = [level("v1", 2), level("d2", 4)]
    run = decide_on(scheme_factory(), evidence).central
    assert requirement(run, "vision").attainment == F(1, 2)  # v1 (onsite only), v2 left out
    assert requirement(run, "culture").attainment is None
    assert requirement(run, "culture").assessed is False
    assert dimension(run, "people").attainment == F(1, 2)  # culture left out
    assert requirement(run, "design").attainment == F(1)  # d1 left out
    assert run.tree.attainment == F(3, 4)
    assert run.tree.points == F(750)


def test_zero_counts_unassessed_requirement_and_dimension_as_zero(scheme_factory: SchemeFactory) -> None:
    evidence = [level("v1", 2), level("d2", 4)]
    run = decide_on(scheme_factory(policies={"missing": "zero"}), evidence).central
    assert criterion(run, "v1").attainment == F(1, 3)
    assert requirement(run, "vision").attainment == F(2, 9)  # (2·1/3 + 0) / 3
    assert requirement(run, "culture").attainment == F(0)
    assert dimension(run, "people").attainment == F(1, 9)
    assert requirement(run, "design").attainment == F(3, 4)  # (0 + 3·1) / 4
    assert run.tree.attainment == F(31, 72)  # (1/9 + 3/4) / 2
    assert run.tree.points == F(31000, 72)  # 430.555…
    assert reasons_with(run, "no_level")[0]["points"] == "430.6"


def test_dimension_without_assessed_requirement_is_left_out(scheme_factory: SchemeFactory) -> None:
    renormalize = decide_on(scheme_factory(), [level("d2", 4)]).central
    assert dimension(renormalize, "people").attainment is None
    assert dimension(renormalize, "people").assessed is False
    assert renormalize.tree.attainment == F(1)
    zero = decide_on(scheme_factory(policies={"missing": "zero"}), [level("d2", 4)]).central
    assert dimension(zero, "people").attainment == F(0)
    assert zero.tree.attainment == F(3, 8)  # (0 + 3/4) / 2


@pytest.mark.parametrize("missing", ["renormalize", "zero"])
def test_nothing_assessed_scores_zero(scheme_factory: SchemeFactory, missing: str) -> None:
    deferred = decide_on(scheme_factory(policies={"missing": missing}), []).central
    assert deferred.tree.attainment == F(0)
    assert deferred.tree.points == F(0)
    assert deferred.tree.coverage == F(0)
    assert deferred.outcome.key == ("deferred", None)
    refused = decide_on(scheme_factory(policies={"missing": missing, "min_coverage": 0}), []).central
    assert refused.tree.points == F(0)
    assert refused.outcome.key == ("refused", None)
    assert reasons_with(refused, "no_level") == [{"points": "0.0", "level": "committed", "level_title": "committed (en)", "min_points": "500"}]


@pytest.mark.parametrize("missing", ["renormalize", "zero"])
def test_nothing_assessed_is_not_assessed(scheme_factory: SchemeFactory, missing: str) -> None:
    run = decide_on(scheme_factory(policies={"missing": missing}), []).central
    assert run.tree.assessed is False
    assert decide_on(scheme_factory(policies={"missing": missing}), [level("d2", 1)]).central.tree.assessed is True


# --- points: rounded once, half away from zero ----------------------------------------------------


def test_points_round_half_away_from_zero_on_an_exact_tie(scheme_factory: SchemeFactory) -> None:
    # every criterion at level 1 → S = 1/4; 1/4 × 10.2 = 2.55 exactly (a binary float says 2.5499…)
    levels = [{"id": "basic", "min_points": "2.6"}, {"id": "higher", "min_points": "2.7"}]
    scheme = scheme_factory(max_points="10.2", levels=levels)
    run = decide_on(scheme, [level(c, 1) for c in ALL_TWO]).central
    assert run.tree.attainment == F(1, 4)
    assert run.tree.points == F(51, 20)
    # 2.55 → 2.6, and the rounded number decides: 2.6 ≥ 2.6 although 2.55 < 2.6
    assert run.outcome.key == ("granted", "basic")
    assert reasons_with(run, "points") == [{"points": "2.6", "level": "basic", "level_title": "basic (en)", "min_points": "2.6"}]


@pytest.mark.parametrize(
    ("max_points", "shown", "expected"),
    [
        ("999.9", "500.0", ("granted", "committed")),  # 1/2 × 999.9 = 499.95 → 500.0
        ("999.8", "499.9", ("refused", None)),  # 499.9
        ("1400", "700.0", ("granted", "confirmed")),  # exactly on a threshold
        ("1399.8", "699.9", ("granted", "committed")),
        ("1700", "850.0", ("granted", "excellence")),
    ],
)
def test_level_is_the_highest_whose_minimum_is_reached_by_rounded_points(
    scheme_factory: SchemeFactory, max_points: str, shown: str, expected: tuple[str, str | None]
) -> None:
    run = decide_on(scheme_factory(max_points=max_points), onsite_levels(**ALL_TWO)).central
    assert run.tree.attainment == F(1, 2)
    assert run.outcome.key == expected
    code = "points" if expected[0] == "granted" else "no_level"
    assert reasons_with(run, code)[0]["points"] == shown


# --- 4. Coverage and exclusions -------------------------------------------------------------------


def test_audit_coverage_weighted_by_tree_share(scheme_factory: SchemeFactory) -> None:
    run = decide_on(scheme_factory(), onsite_levels(**ALL_TWO)).central
    # v1 1/6·2/3 + v2 1/12 + c1 1/8 + c2 1/8·1/2 + d1 1/8·1/2 + d2 3/8 = 118/144
    assert run.tree.coverage == F(59, 72)
    assert reasons_with(run, "coverage_ok") == [{"coverage": "81.9", "minimum": "70"}]


ONSITE_ONLY = {"v1": 2, "v2": 4, "c1": 1, "c2": 3, "d1": 3, "d2": 2}


def test_exclusion_leaves_requirement_like_unassessed_and_leaves_coverage_denominator(
    scheme_factory: SchemeFactory,
) -> None:
    scheme = scheme_factory(policies={"min_coverage": 60})
    evidence = onsite_levels(**ONSITE_ONLY)
    excluded = score(make_inputs(scheme, evidence, excluded={"d2"})).central
    unassessed = decide_on(scheme, [e for e in evidence if e.criterion != "d2"]).central
    # the d2 evidence is ignored: design is d1 alone (3/4) in both
    assert requirement(excluded, "design").attainment == F(3, 4)
    assert requirement(unassessed, "design").attainment == F(3, 4)
    assert excluded.tree.attainment == unassessed.tree.attainment
    assert criterion(excluded, "d2").excluded is True
    assert criterion(excluded, "d2").attainment is None
    assert {b.status for b in criterion(excluded, "d2").bindings} == {"excluded"}
    # coverage, unassessed: d2 keeps its share 3/8 and counts 0:
    #   v1 1/6·2/3 + v2 1/12 + c1 1/8 + c2 1/8·1/2 + d1 1/8·1/2 + d2 3/8·0 = 4/9
    # excluded: d2 is out of the tree, so design is d1 alone and d1's share is 1/2·1·1 = 1/2
    #   1/6·2/3 + 1/12 + 1/8 + 1/8·1/2 + 1/2·1/2 = (16 + 12 + 18 + 9 + 36)/144 = 91/144
    assert criterion(excluded, "d1").share == F(1, 2)
    assert criterion(excluded, "d2").share == 0
    assert excluded.tree.coverage == F(91, 144)
    assert unassessed.tree.coverage == F(4, 9)
    assert excluded.outcome.status == "granted"  # 63.2 % ≥ 60 %, where 44.4 % is not
    assert unassessed.outcome.status == "deferred"


def test_exclusion_is_left_out_even_under_zero(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(policies={"missing": "zero"})
    run = score(make_inputs(scheme, onsite_levels(**ONSITE_ONLY), excluded={"d2"})).central
    assert requirement(run, "design").attainment == F(3, 8)  # d1 (1/2·3/4 + 0) alone, not /4
    assert criterion(run, "d2").excluded is True
    assert criterion(run, "d2").attainment is None  # excluded: not a zero
    unassessed = decide_on(scheme, [e for e in onsite_levels(**ONSITE_ONLY) if e.criterion != "d2"]).central
    assert requirement(unassessed, "design").attainment == F(3, 32)  # (3/8 + 3·0) / 4


def test_excluded_criterion_is_listed_with_its_justification(scheme_factory: SchemeFactory) -> None:
    inputs = make_inputs(scheme_factory(), onsite_levels(**ONSITE_ONLY), excluded={"d2"})
    run = score(inputs, {"d2": ("Not in the audited scope", "Committee")}).central
    assert reasons_with(run, "excluded") == [
        {"criterion": "d2", "justification": "Not in the audited scope", "approved_by": "Committee"}
    ]


def test_excluded_criterion_does_not_fire_gates(scheme_factory: SchemeFactory) -> None:
    requirements = copy.deepcopy(DEFAULT_REQUIREMENTS)
    requirements[2]["criteria"][1]["bindings"][0]["floor"] = 1  # d2: level 0 is unacceptable
    scheme = scheme_factory(
        requirements=requirements,
        gates=[gate_spec("no-unacceptable", "unacceptable"), gate_spec("d2-min", "criterion", target="d2", min_percent=50)],
    )
    evidence = onsite_levels(**{**ONSITE_ONLY, "d2": 0})
    kept = decide_on(scheme, evidence).central
    assert gate(kept, "no-unacceptable").fired and gate(kept, "d2-min").fired
    excluded = score(make_inputs(scheme, evidence, excluded={"d2"})).central
    assert not gate(excluded, "no-unacceptable").fired
    assert not gate(excluded, "d2-min").fired
    # onsite without d2 (d1's share 1/2 in the tree without it, its onsite binding half of it):
    #   weights 1/9, 1/12, 1/8, 1/16, 1/4 at 1/2, 1, 1/4, 3/4, 3/4
    #   (1/18 + 1/12 + 1/32 + 3/64 + 3/16) / (91/144) = (233/576) / (91/144) = 233/364
    assert excluded.tree.sources["onsite"] == F(233, 364)
    assert all(b.status == "excluded" for b in criterion(excluded, "d2").bindings)


def test_deferred_below_min_coverage_whatever_points_and_gates(scheme_factory: SchemeFactory) -> None:
    gates = [
        gate_spec("d1-floor", "criterion", target="d1", min_percent=10),
        gate_spec("process-80", "dimension", "cap", target="process", min_percent=80, level="committed"),
        gate_spec("design-50", "requirement", min_percent=50),
    ]
    run = decide_on(scheme_factory(gates=gates), [level("d1", 0), level("d2", 4)]).central
    # only process is assessed: design (0 + 3·1)/4 = 3/4 → 750 points, level confirmed reached
    assert run.tree.points == F(750)
    # coverage d1 1/8·1/2 + d2 3/8 = 7/16 = 43.75 % < 70 %
    assert run.tree.coverage == F(7, 16)
    assert run.outcome.key == ("deferred", None)
    assert gate(run, "d1-floor").fired and gate(run, "process-80").fired
    assert not gate(run, "design-50").fired
    assert reasons_with(run, "coverage_low") == [{"coverage": "43.8", "minimum": "70"}]
    assert [plain(r.params)["gate"] for r in run.outcome.reasons if r.code.startswith("gate_")] == [
        "d1-floor",
        "process-80",
    ]
    assert reasons_with(run, "points") == [{"points": "750.0", "level": "confirmed", "level_title": "confirmed (en)", "min_points": "700"}]


@pytest.mark.parametrize(
    ("min_coverage", "status"),
    [("43.7", "granted"), ("43.8", "granted"), ("43.9", "deferred"), ("50", "deferred")],
)
def test_coverage_compared_as_rounded_percentage(scheme_factory: SchemeFactory, min_coverage: str, status: str) -> None:
    # coverage 7/16 = 43.75 % → shown 43.8 %: a minimum of 43.8 % is met (exactly it would not be)
    run = decide_on(scheme_factory(policies={"min_coverage": min_coverage}), [level("d1", 2), level("d2", 4)]).central
    assert run.tree.coverage == F(7, 16)
    assert run.outcome.status == status


def test_missing_evidence_is_listed_in_the_reasons(scheme_factory: SchemeFactory) -> None:
    run = decide_on(scheme_factory(), onsite_levels(**ALL_TWO)).central
    assert reasons_with(run, "missing") == [
        {"criterion": "v1", "binding": C1},
        {"criterion": "c2", "binding": N1},
        {"criterion": "d1", "binding": C2},
    ]


# --- 5. Sample size -------------------------------------------------------------------------------


def test_undersized_sample_is_treated_as_missing_and_reported(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(min_sample=5)
    small = decide_on(scheme, [level("v1", 2), answers("v1", C1, {5: 4})]).central
    assert binding(small, "v1", C1).status == "undersized"
    assert binding(small, "v1", C1).attainment is None
    assert criterion(small, "v1").attainment == F(1, 2)  # the onsite binding alone
    assert criterion(small, "v1").coverage == F(2, 3)
    assert small.tree.sources["customer"] is None
    assert reasons_with(small, "undersized") == [{"criterion": "v1", "binding": C1, "n": "4", "min": "5"}]

    enough = decide_on(scheme, [level("v1", 2), answers("v1", C1, {5: 5})]).central  # n = min: counts
    assert binding(enough, "v1", C1).status == "evidenced"
    assert criterion(enough, "v1").attainment == F(2, 3)
    assert reasons_with(enough, "undersized") == []


@pytest.mark.parametrize("policy", ["pooled", "equal"])
def test_sample_size_is_the_total_over_sites(scheme_factory: SchemeFactory, policy: str) -> None:
    scheme = scheme_factory(min_sample=5, policies={"sites": policy})
    evidence = [answers("v1", C1, {5: 3}, "s1"), answers("v1", C1, {5: 2}, "s2")]
    run = decide_on(scheme, evidence, site_ids=("s1", "s2")).central
    assert binding(run, "v1", C1).status == "evidenced"
    assert binding(run, "v1", C1).measure.n == 5


# --- 6 and 7. Levels and gates ----------------------------------------------------------------------


def test_refusal_wins_over_caps(scheme_factory: SchemeFactory) -> None:
    gates = [
        gate_spec("cap", "requirement", "cap", target="culture", min_percent=90, level="committed"),
        gate_spec("refuse", "criterion", target="c1", min_percent=80),
    ]
    # all at 4 but c1 at 3: S = ((1 + 7/8)/2 + 1)/2 = 31/32 → 968.8 points, excellence reached
    evidence = onsite_levels(v1=4, v2=4, c1=3, c2=4, d1=4, d2=4)
    run = decide_on(scheme_factory(gates=gates), evidence).central
    assert run.tree.attainment == F(31, 32)
    assert gate(run, "cap").fired and gate(run, "refuse").fired  # culture 87.5 %, c1 75 %
    assert run.outcome.key == ("refused", None)
    only_cap = decide_on(scheme_factory(gates=gates[:1]), evidence).central
    assert only_cap.outcome.key == ("granted", "committed")


def test_level_is_the_lowest_of_reached_and_every_fired_cap(scheme_factory: SchemeFactory) -> None:
    gates = [
        gate_spec("cap-confirmed", "requirement", "cap", target="vision", min_percent=100, level="confirmed"),
        gate_spec("cap-committed", "requirement", "cap", target="culture", min_percent=100, level="committed"),
        gate_spec("cap-unfired", "requirement", "cap", target="design", min_percent=50, level="committed"),
    ]
    # all 4 except v2 and c1 at 3: vision (2 + 3/4)/3 = 11/12, culture 7/8, design 1
    evidence = onsite_levels(v1=4, v2=3, c1=3, c2=4, d1=4, d2=4)
    run = decide_on(scheme_factory(gates=gates), evidence).central
    assert run.tree.attainment == F(91, 96)  # ((11/12 + 7/8)/2 + 1) / 2 → 947.9 points
    assert reasons_with(run, "points")[0]["level"] == "excellence"
    assert [g.gate.id for g in run.gates if g.fired] == ["cap-confirmed", "cap-committed"]
    assert run.outcome.key == ("granted", "committed")


def test_cap_above_the_reached_level_changes_nothing(scheme_factory: SchemeFactory) -> None:
    gates = [gate_spec("cap-excellence", "dimension", "cap", target="people", min_percent=80, level="excellence")]
    run = decide_on(scheme_factory(gates=gates), full_evidence()).central
    assert gate(run, "cap-excellence").fired  # people 175/288 = 60.8 % < 80 %
    assert run.outcome.key == ("granted", "committed")
    assert reasons_with(run, "gate_cap")[0]["level"] == "excellence"


def test_gates_on_unassessed_subjects_do_not_fire(scheme_factory: SchemeFactory) -> None:
    gates = [
        gate_spec("v2-min", "criterion", target="v2", min_percent=50),
        gate_spec("every-requirement", "requirement", min_percent=50),
        gate_spec("people-min", "dimension", target="people", min_percent=50),
        gate_spec("customers", "source", target="customer", min_percent=50),
    ]
    scheme = scheme_factory(gates=gates, policies={"min_coverage": 0})
    unassessed = decide_on(scheme, [level("d1", 4), level("d2", 4)]).central
    assert [g.fired for g in unassessed.gates] == [False, False, False, False]
    assert unassessed.outcome.key == ("granted", "excellence")
    # the same gates do fire once their subjects are assessed and low
    low = decide_on(scheme, [level("d1", 4), level("d2", 4), level("v2", 1), answers("v1", C1, {1: 3})]).central
    assert [g.fired for g in low.gates] == [True, True, True, True]
    assert [plain(s.params)["subject"] for s in gate(low, "every-requirement").subjects] == ["vision"]


def test_gates_on_unassessed_subjects_do_not_fire_under_zero(scheme_factory: SchemeFactory) -> None:
    gates = [
        gate_spec("v2-min", "criterion", target="v2", min_percent=50),
        gate_spec("every-requirement", "requirement", min_percent=50),
        gate_spec("people-min", "dimension", target="people", min_percent=50),
    ]
    scheme = scheme_factory(gates=gates, policies={"min_coverage": 0, "missing": "zero"})
    run = decide_on(scheme, [level("d1", 4), level("d2", 4)]).central
    assert [g.fired for g in run.gates] == [False, False, False]


@pytest.mark.parametrize(
    ("hits", "total", "fired", "shown"),
    [
        (799, 2000, False, "40.0"),  # 39.95 % → 40.0 %: passes a 40 % gate
        (3994, 10000, True, "39.9"),  # 39.94 % → 39.9 %: fails it
        (4, 10, False, "40.0"),
    ],
)
def test_gate_compares_rounded_percentages(
    scheme_factory: SchemeFactory, hits: int, total: int, fired: bool, shown: str
) -> None:
    share = {"source": "customer", "item": "C2", "indicator": "top2box", "floor": 0, "target": 1, "weight": 1}
    gates = [gate_spec("x1-40", "criterion", target="x1", min_percent=40)]
    scheme = scheme_factory(requirements=single(share), dimensions=ONE_DIMENSION, gates=gates,
                            levels=[{"id": "any", "min_points": 0}])
    run = decide_on(scheme, [answers("x1", C2, {5: hits, 1: total - hits})]).central
    assert criterion(run, "x1").attainment == F(hits, total)
    assert gate(run, "x1-40").fired is fired
    assert run.outcome.status == ("refused" if fired else "granted")
    if fired:
        assert [plain(s.params) for s in gate(run, "x1-40").subjects] == [
            {"subject": "x1", "value": shown, "minimum": "40"}
        ]


def test_source_gate_uses_the_source_attainment(scheme_factory: SchemeFactory) -> None:
    gates = [gate_spec("customers-57", "source", target="customer", min_percent="56.7"),
             gate_spec("customers-58", "source", target="customer", min_percent="56.8")]
    run = decide_on(scheme_factory(gates=gates), full_evidence()).central
    # customer 59/104 = 56.73 % → 56.7 %
    assert not gate(run, "customers-57").fired
    assert gate(run, "customers-58").fired
    assert [plain(s.params) for s in gate(run, "customers-58").subjects] == [
        {"subject": "customer", "value": "56.7", "minimum": "56.8"}
    ]


def test_evaluate_gate_and_decide_directly(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(gates=[gate_spec("design-50", "requirement", "cap", target="design",
                                             min_percent=50, level="committed")])
    inputs = make_inputs(scheme, full_evidence())
    tree = score_tree(inputs, inputs.evidence, "central")
    result = evaluate_gate(scheme.gates[0], tree, [], {})
    assert result.fired is True  # design 13/32 = 40.6 %
    assert [plain(s.params)["value"] for s in result.subjects] == ["40.6"]
    outcome = decide(scheme, tree, [result], [])
    assert outcome.key == ("granted", "committed")
    assert [r.code for r in outcome.reasons] == ["points", "coverage_ok", "gate_cap"]


# --- findings: the major findings gate ---------------------------------------------------------------


def test_majors_by_requirement_counts_minors_and_skips_closed(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory()
    findings = [
        *(finding("vision", "minor", text=f"m{i}") for i in range(3)),
        finding("vision", "major"),
        *(finding("culture", "minor", text=f"m{i}") for i in range(6)),
        finding("design", "minor", text="a"),
        finding("design", "minor", text="b"),
        finding("design", "minor", text="c", closed=True),
        finding("design", "major", closed=True),
        finding("design", "sensitive"),
        finding("design", "strength"),
    ]
    assert majors_by_requirement(scheme, findings) == {"culture": 2, "vision": 2}


@pytest.mark.parametrize(
    ("findings", "max_major", "fired"),
    [
        ([("vision", "minor", False)] * 3, 0, True),  # 3 open minors = 1 major
        ([("vision", "minor", False)] * 2 + [("vision", "minor", True)], 0, False),  # closed does not count
        ([("vision", "minor", False)] * 2 + [("culture", "minor", False)], 0, False),  # per requirement
        ([("vision", "major", True)], 0, False),
        ([("vision", "major", False)], 0, True),
        ([("vision", "major", False)], 1, False),
        ([("vision", "major", False), ("design", "major", False)], 1, True),
        ([("vision", "sensitive", False)] * 5, 0, False),
    ],
)
def test_major_findings_gate(
    scheme_factory: SchemeFactory, findings: list[tuple[str, str, bool]], max_major: int, fired: bool
) -> None:
    gates = [gate_spec("no-major", "major_findings", max_major=max_major)]
    scheme = scheme_factory(gates=gates)
    found = [finding(r, k, closed=c, text=f"{i}") for i, (r, k, c) in enumerate(findings)]
    run = decide_on(scheme, full_evidence(), findings=found).central
    assert gate(run, "no-major").fired is fired
    assert run.outcome.key == (("refused", None) if fired else ("granted", "committed"))


def test_minors_never_make_a_major_when_the_policy_is_zero(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(gates=[gate_spec("no-major", "major_findings", max_major=0)],
                            policies={"minors_make_major": 0})
    found = [finding("vision", "minor", text=str(i)) for i in range(6)]
    run = decide_on(scheme, full_evidence(), findings=found).central
    assert not gate(run, "no-major").fired
    assert majors_by_requirement(scheme, found) == {}


def test_major_findings_gate_subject_names_the_requirements(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(gates=[gate_spec("no-major", "major_findings", max_major=0)])
    found = [finding("vision", "major"), *(finding("design", "minor", text=str(i)) for i in range(3))]
    run = decide_on(scheme, full_evidence(), findings=found).central
    assert [plain(s.params) for s in gate(run, "no-major").subjects] == [
        {"count": "2", "maximum": "0", "requirements": "design: 1, vision: 1"}
    ]


# --- Sites ---------------------------------------------------------------------------------------------


TWO_SITES = ("s1", "s2")


def test_pooled_sites_merge_the_tallies(scheme_factory: SchemeFactory) -> None:
    evidence = [answers("v1", C1, {5: 3}, "s1"), answers("v1", C1, {1: 1}, "s2")]
    run = decide_on(scheme_factory(policies={"sites": "pooled"}), evidence, site_ids=TWO_SITES).central
    result = binding(run, "v1", C1)
    assert result.value == F(4)  # (3·5 + 1) / 4
    assert result.measure.n == 4
    assert result.attainment == F(3, 4)
    assert [(s.site, s.value, s.n) for s in result.sites] == [("s1", F(5), 3), ("s2", F(1), 1)]


def test_equal_sites_take_the_plain_mean_of_site_values(scheme_factory: SchemeFactory) -> None:
    evidence = [answers("v1", C1, {5: 3}, "s1"), answers("v1", C1, {1: 1}, "s2")]
    run = decide_on(scheme_factory(policies={"sites": "equal"}), evidence, site_ids=TWO_SITES).central
    result = binding(run, "v1", C1)
    assert result.value == F(3)  # (5 + 1) / 2
    assert result.measure.n == 4  # n is the total
    assert result.attainment == F(1, 2)


def test_equal_sites_skip_sites_without_usable_answers(scheme_factory: SchemeFactory) -> None:
    empty = Evidence("v1", C1, "s2", sample=Sample(()))
    evidence = [answers("v1", C1, {5: 2, 4: 1}, "s1"), empty]
    run = decide_on(scheme_factory(policies={"sites": "equal"}), evidence, site_ids=TWO_SITES).central
    assert binding(run, "v1", C1).value == F(14, 3)
    assert binding(run, "v1", C1).measure.n == 3


@pytest.mark.parametrize("policy", ["pooled", "equal"])
def test_onsite_levels_are_the_mean_of_the_sites(scheme_factory: SchemeFactory, policy: str) -> None:
    evidence = [level("v2", 4, "s1"), level("v2", 1, "s2")]
    run = decide_on(scheme_factory(policies={"sites": policy}), evidence, site_ids=TWO_SITES).central
    assert binding(run, "v2", ONSITE).value == F(5, 2)
    assert binding(run, "v2", ONSITE).attainment == F(5, 8)


def test_per_site_results_use_that_site_alone(scheme_factory: SchemeFactory) -> None:
    other = [level(c, 4, "s2") for c in ALL_TWO]
    run = decide_on(scheme_factory(), full_evidence("s1") + other, site_ids=TWO_SITES).central
    by_site = {s.site.id: s for s in run.sites}
    assert by_site["s1"].scores.attainment == F(73, 144)  # the worked example
    assert by_site["s1"].scores.coverage == F(1)
    assert by_site["s2"].scores.attainment == F(1)
    assert by_site["s2"].scores.coverage == F(59, 72)
    assert by_site["s1"].has_result and by_site["s2"].has_result


def test_site_gate_fires_for_the_failing_site_only(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(gates=[gate_spec("every-site", "site", min_percent=60)])
    other = [level(c, 4, "s2") for c in ALL_TWO]
    run = decide_on(scheme, full_evidence("s1") + other, site_ids=TWO_SITES).central
    result = gate(run, "every-site")
    assert result.fired
    assert [plain(s.params) for s in result.subjects] == [{"subject": "s1", "value": "50.7", "minimum": "60"}]
    assert result.skipped == ()
    assert run.outcome.status == "refused"


def test_site_without_evidence_is_skipped_and_does_not_fire(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(gates=[gate_spec("every-site", "site", min_percent=50)])
    run = decide_on(scheme, full_evidence("s1"), site_ids=TWO_SITES).central
    result = gate(run, "every-site")
    assert result.fired is False
    assert result.skipped == ("s2",)
    assert run.outcome.key == ("granted", "committed")


def test_site_below_min_coverage_is_skipped(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(gates=[gate_spec("every-site", "site", min_percent=50)])
    # s2 only has d1 (onsite) and v2 at level 0: coverage 1/16 + 1/12 = 7/48, attainment 0
    run = decide_on(scheme, full_evidence("s1") + [level("d1", 0, "s2"), level("v2", 0, "s2")],
                    site_ids=TWO_SITES).central
    assert {s.site.id: s.has_result for s in run.sites} == {"s1": True, "s2": False}
    assert gate(run, "every-site").fired is False
    assert gate(run, "every-site").skipped == ("s2",)


def test_site_without_any_evidence_never_fires_the_site_gate_under_zero(scheme_factory: SchemeFactory) -> None:
    # a site with no evidence at all is unassessed whatever the missing policy: under "zero" its
    # tree scores 0, but it has no result, so it is listed and does not fire (even at min_coverage 0)
    scheme = scheme_factory(
        gates=[gate_spec("every-site", "site", min_percent=50)],
        policies={"missing": "zero", "min_coverage": 0},
    )
    run = decide_on(scheme, full_evidence("s1"), site_ids=TWO_SITES).central
    assert {s.site.id: (s.scores.assessed, s.has_result) for s in run.sites} == {
        "s1": (True, True),
        "s2": (False, False),
    }
    assert gate(run, "every-site").fired is False
    assert gate(run, "every-site").skipped == ("s2",)
    assert run.outcome.key == ("granted", "committed")


def test_site_without_any_evidence_never_fires_the_site_gate_under_renormalize(
    scheme_factory: SchemeFactory,
) -> None:
    scheme = scheme_factory(gates=[gate_spec("every-site", "site", min_percent=50)], policies={"min_coverage": 0})
    run = decide_on(scheme, full_evidence("s1"), site_ids=TWO_SITES).central
    assert gate(run, "every-site").fired is False
    assert gate(run, "every-site").skipped == ("s2",)



def test_a_site_without_a_result_is_named_among_the_reasons(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(gates=[gate_spec("every-site", "site", min_percent=50)])
    run = decide_on(scheme, full_evidence("s1") + [level("d1", 0, "s2"), level("v2", 0, "s2")],
                    site_ids=(*TWO_SITES, "s3")).central
    assert reasons_with(run, "sites_without_result") == [{"count": "2", "sites": "s2, s3", "minimum": "70", "named": "s2, s3"}]
    without = next(r for r in run.outcome.reasons if r.code == "sites_without_result")
    assert without.text("en").endswith("not judged by the site gates: s2, s3")
    assert without.text("fr").endswith("non jugé(s) par les portes de site : s2, s3")
    # s3 has no on-site evidence at all: it was not visited, and that is said too
    assert [s.site.id for s in run.sites if not s.visited] == ["s3"]
    assert reasons_with(run, "sites_not_visited")[0]["sites"] == "s3"


def test_every_site_with_a_result_gives_no_site_reason(scheme_factory: SchemeFactory) -> None:
    other = [level(c, 4, "s2") for c in ALL_TWO]
    run = decide_on(scheme_factory(), full_evidence("s1") + other, site_ids=TWO_SITES).central
    assert reasons_with(run, "sites_without_result") == [] and reasons_with(run, "sites_not_visited") == []


def test_a_network_reason_names_twenty_sites_in_its_text_and_all_in_its_value(scheme_factory: SchemeFactory) -> None:
    ids = tuple(f"s{i:02d}" for i in range(1, 26))
    run = decide_on(scheme_factory(), full_evidence("s01"), site_ids=ids).central
    (params,) = reasons_with(run, "sites_without_result")
    assert params["count"] == "24" and params["sites"] == ", ".join(ids[1:])
    text = next(r for r in run.outcome.reasons if r.code == "sites_without_result").text("en")
    assert text.endswith(", ".join(ids[1:21]) + " and 4 more (see sites in the record)")


@pytest.mark.parametrize("policy", ["pooled", "equal"])
def test_onsite_levels_are_the_mean_of_the_visited_sites_only(scheme_factory: SchemeFactory, policy: str) -> None:
    # s3 answered the survey but was not visited: the on-site level is the mean over s1 and s2
    evidence = [level("v2", 4, "s1"), level("v2", 1, "s2"), answers("v1", C1, {5: 2}, "s3")]
    run = decide_on(scheme_factory(policies={"sites": policy}), evidence, site_ids=(*TWO_SITES, "s3")).central
    assert binding(run, "v2", ONSITE).value == F(5, 2)
    assert [s.site.id for s in run.sites if not s.visited] == ["s3"]
    s3 = next(s for s in run.sites if s.site.id == "s3")
    assert s3.scores.attainment == F(1) and s3.scores.sources["customer"] == F(1)  # its survey result, kept


def test_a_site_not_visited_is_scored_on_its_perception_alone(scheme_factory: SchemeFactory) -> None:
    # s2 was not visited: its tree is the scheme without on-site bindings (v2, c1 and d2 leave;
    # v1, c2 and d1 keep their survey binding), so under "zero" the grid it never had counts
    # nothing. Shares in that tree: v1 1/2·1/2 = 1/4, c2 1/4, d1 1/2. With C1 all at 5: v1 1, c2
    # and d1 unassessed (0): people (1 + 0)/2 = 1/2, process 0, overall 1/4.
    scheme = scheme_factory(policies={"missing": "zero"}, gates=[gate_spec("every-site", "site", min_percent=30)])
    evidence = full_evidence("s1") + [answers("v1", C1, {5: 3}, "s2")]
    run = decide_on(scheme, evidence, site_ids=TWO_SITES).central
    s2 = next(s for s in run.sites if s.site.id == "s2")
    assert not s2.visited
    assert s2.scores.attainment == F(1, 4)
    assert s2.scores.coverage == F(1, 4)  # v1's share
    assert not s2.has_result
    # with answers on every survey binding, it has a result of its own, and the site gate judges it
    evidence += [answers("c2", N1, {0: 3}, "s2"), answers("d1", C2, {1: 3}, "s2")]
    run = decide_on(scheme, evidence, site_ids=TWO_SITES).central
    s2 = next(s for s in run.sites if s.site.id == "s2")
    assert s2.scores.coverage == 1 and s2.has_result and not s2.visited
    assert s2.scores.attainment == F(1, 4)  # NPS −100 and top-2-box 0: both at 0
    assert [plain(r.params)["subject"] for r in gate(run, "every-site").subjects] == ["s2"]
    assert reasons_with(run, "sites_not_visited")[0]["sites"] == "s2"

# --- 9. Stability ----------------------------------------------------------------------------------------


def mean_only(floor: int, target: int) -> list[dict[str, Any]]:
    return single({"source": "customer", "item": "C1", "indicator": "mean", "floor": floor, "target": target,
                   "weight": 1})


def test_stability_uses_interval_ends_higher_is_better(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(requirements=mean_only(1, 5), dimensions=ONE_DIMENSION)
    decision = decide_on(scheme, [answers("x1", C1, {4: 1, 5: 1})])
    # mean 4.5, s = √0.5, half-width z·s/√2 = z/2 = 0.979982 → [3.520018, 5.479982]
    central = binding(decision.central, "x1", C1)
    assert central.measure.low == F("3.520018") and central.measure.high == F("5.479982")
    assert central.value == F(9, 2) and central.attainment == F(7, 8)
    assert decision.pessimistic is not None and decision.optimistic is not None
    assert binding(decision.pessimistic, "x1", C1).value == F("3.520018")  # toward the floor
    assert binding(decision.pessimistic, "x1", C1).attainment == F("2.520018") / 4
    assert binding(decision.optimistic, "x1", C1).value == F("5.479982")  # toward the target
    assert binding(decision.optimistic, "x1", C1).attainment == F(1)
    # 875 → excellence; pessimistic 630.0045 → 630.0 → committed; optimistic 1000 → excellence
    assert decision.central.outcome.key == ("granted", "excellence")
    assert decision.pessimistic.outcome.key == ("granted", "committed")
    assert decision.optimistic.outcome.key == ("granted", "excellence")
    assert decision.borderline is True


def test_stability_uses_interval_ends_lower_is_better(scheme_factory: SchemeFactory) -> None:
    levels = [{"id": "basic", "min_points": 100}, {"id": "good", "min_points": 300}]
    scheme = scheme_factory(requirements=mean_only(5, 1), dimensions=ONE_DIMENSION, levels=levels,
                            gates=[gate_spec("no-unacceptable", "unacceptable")])
    decision = decide_on(scheme, [answers("x1", C1, {4: 1, 5: 1})])
    assert decision.pessimistic is not None and decision.optimistic is not None
    pessimistic = binding(decision.pessimistic, "x1", C1)
    optimistic = binding(decision.optimistic, "x1", C1)
    assert pessimistic.value == F("5.479982")  # the high end is toward the floor
    assert pessimistic.attainment == F(0) and pessimistic.unacceptable is True
    assert optimistic.value == F("3.520018")
    assert optimistic.attainment == F("1.479982") / 4  # (5 − 3.520018) / 4
    # gates are evaluated again in each run
    assert gate(decision.central, "no-unacceptable").fired is False
    assert gate(decision.pessimistic, "no-unacceptable").fired is True
    assert gate(decision.optimistic, "no-unacceptable").fired is False
    # central (5 − 4.5)/4 → 125 points; optimistic 369.9995 → 370.0 points
    assert decision.central.outcome.key == ("granted", "basic")
    assert decision.pessimistic.outcome.key == ("refused", None)
    assert decision.optimistic.outcome.key == ("granted", "good")
    assert decision.borderline is True


def test_stability_confidence_comes_from_the_scheme(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(requirements=mean_only(1, 5), dimensions=ONE_DIMENSION, policies={"confidence": "0.90"})
    decision = decide_on(scheme, [answers("x1", C1, {4: 1, 5: 1})])
    # z(0.90) = 1.644854, half-width z/2 = 0.822427
    assert binding(decision.central, "x1", C1).measure.low == F("3.677573")
    assert binding(decision.central, "x1", C1).measure.high == F("5.322427")
    assert binding(decision.pessimistic, "x1", C1).value == F("3.677573")


def test_interval_endpoints_are_rounded_to_six_decimals(scheme_factory: SchemeFactory) -> None:
    decision = decide_on(scheme_factory(), full_evidence() + [answers("c2", N1, {9: 3, 2: 4}, "s1")])
    for run in (decision.central, decision.pessimistic, decision.optimistic):
        assert run is not None
        for c in run.tree.criteria():
            for b in c.bindings:
                if b.measure is not None and b.measure.low is not None:
                    assert (b.measure.low * 10**6).denominator == 1
                    assert (b.measure.high * 10**6).denominator == 1


def test_not_borderline_when_both_ends_agree(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(requirements=mean_only(1, 5), dimensions=ONE_DIMENSION)
    decision = decide_on(scheme, [answers("x1", C1, {4: 50, 5: 50})])
    # half-width z·√(25/99)/10 = 0.098492: [4.401508, 4.598492] → 850.4 and 899.6 points
    assert binding(decision.pessimistic, "x1", C1).value == F("4.401508")
    assert decision.pessimistic.outcome.key == ("granted", "excellence")
    assert decision.optimistic.outcome.key == ("granted", "excellence")
    assert decision.borderline is False


def test_stability_gate_differs_between_ends(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(requirements=mean_only(1, 5), dimensions=ONE_DIMENSION,
                            gates=[gate_spec("x1-70", "criterion", "cap", target="x1", min_percent=70,
                                             level="committed")])
    decision = decide_on(scheme, [answers("x1", C1, {4: 1, 5: 1})])
    assert not gate(decision.central, "x1-70").fired  # 87.5 %
    assert gate(decision.pessimistic, "x1-70").fired  # 63.0 %
    assert not gate(decision.optimistic, "x1-70").fired


def test_no_stability_check_without_intervals(scheme_factory: SchemeFactory) -> None:
    decision = decide_on(scheme_factory(), onsite_levels(**ALL_TWO))
    assert decision.pessimistic is None and decision.optimistic is None
    assert decision.borderline is False


def test_record_shows_both_ends_when_borderline(scheme_factory: SchemeFactory) -> None:
    import json

    scheme = scheme_factory(requirements=mean_only(1, 5), dimensions=ONE_DIMENSION)
    inputs = make_inputs(scheme, [answers("x1", C1, {4: 1, 5: 1})])
    stability = json.loads(record_text(inputs, score(inputs)))["stability"]
    assert stability["checked"] is True
    assert stability["borderline"] is True
    assert stability["pessimistic"] == {"status": "granted", "level": "committed", "points": "630.0",
                                        "gates_fired": []}
    assert stability["optimistic"] == {"status": "granted", "level": "excellence", "points": "1000.0",
                                       "gates_fired": []}


# --- Determinism -------------------------------------------------------------------------------------------


def test_decision_is_deterministic(scheme_factory: SchemeFactory) -> None:
    scheme = scheme_factory(gates=[gate_spec("every-requirement", "requirement", min_percent=50)])
    evidence = full_evidence("s1") + [answers("v1", C1, {3: 4, 4: 2}, "s2"), level("v2", 1, "s2")]
    first = decide_on(scheme, evidence, site_ids=TWO_SITES, findings=[finding("vision", "minor")])
    second = decide_on(scheme, evidence, site_ids=TWO_SITES, findings=[finding("vision", "minor")])
    assert first == second
    assert first.central.outcome.reasons == second.central.outcome.reasons
    inputs = make_inputs(scheme, evidence, site_ids=TWO_SITES)
    assert record_text(inputs, score(inputs)) == record_text(inputs, score(inputs))


def test_decision_does_not_depend_on_float_drift(scheme_factory: SchemeFactory) -> None:
    # 0.1 + 0.2 style weights: exact decimals, so sibling weights 0.1 and 0.2 are exactly 1:2
    requirements = copy.deepcopy(DEFAULT_REQUIREMENTS)
    requirements[0]["criteria"][0]["weight"] = "0.2"
    requirements[0]["criteria"][1]["weight"] = "0.1"
    run = decide_on(scheme_factory(requirements=requirements), full_evidence()).central
    assert requirement(run, "vision").attainment == F(7, 9)
    assert run.tree.attainment == F(73, 144)
    assert reasons_with(run, "points")[0]["points"] == "506.9"
