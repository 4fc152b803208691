"""Properties the scoring contract implies for every input, checked with hypothesis.

- moving one piece of evidence toward its target never lowers the points nor the level;
- scaling a group of sibling weights by a positive factor changes no attainment, points or outcome;
- the order of the evidence and findings does not matter (same record bytes);
- attainments and coverages stay in [0, 1], points in [0, max_points];
- the record text is byte-stable across runs.

The scheme used here is the default one of tests/helpers.py with a few additions that exercise
clamping, unacceptable floors, a lower-is-better item, undersized samples and every gate scope.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import (
    DEFAULT_ITEMS,
    DEFAULT_REQUIREMENTS,
    finding,
    make_inputs,
    make_scheme,
    record_text,
    scaled_dimensions,
    scaled_requirements,
)
from labelaudit.engine import (
    Decision,
    Mode,
    Outcome,
    Run,
    Tree,
    measures_by_scope,
    onsite_sources,
    score,
    score_site,
    score_tree,
    unvisited_scheme,
    was_visited,
)
from labelaudit.model import Evidence, Provenance, Sample, Scheme
from labelaudit.rulesets import curve_of
from labelaudit.sites import SiteScores

SITES = ("s1", "s2")

E1 = "customer/E1/mean"  # a lower-is-better item (effort): floor 4, target 2


def property_requirements() -> list[dict[str, Any]]:
    requirements = copy.deepcopy(DEFAULT_REQUIREMENTS)
    requirements[0]["criteria"][0]["bindings"][0]["floor"] = 1  # v1 onsite: level 0 unacceptable
    requirements[1]["criteria"][0]["bindings"][0]["target"] = 3  # c1 onsite: level 4 clamps at 1
    requirements[2]["criteria"].append(
        {
            "id": "d3",
            "weight": 1,
            "pyramid": 2,
            "bindings": [
                {"source": "onsite", "weight": 1},
                {"source": "customer", "item": "E1", "indicator": "mean", "floor": 4, "target": 2, "weight": 1},
            ],
        }
    )
    return requirements


PROPERTY_GATES = [
    {"id": "no-unacceptable", "scope": "unacceptable", "effect": "refuse"},
    {"id": "v1-50", "scope": "criterion", "target": "v1", "min_percent": 50, "effect": "cap", "level": "committed"},
    {"id": "every-requirement-30", "scope": "requirement", "min_percent": 30, "effect": "cap", "level": "confirmed"},
    {"id": "process-40", "scope": "dimension", "target": "process", "min_percent": 40, "effect": "refuse"},
    {"id": "customers-40", "scope": "source", "target": "customer", "min_percent": 40, "effect": "cap",
     "level": "committed"},
    {"id": "every-site-35", "scope": "site", "min_percent": 35, "effect": "refuse"},
    {"id": "no-major", "scope": "major_findings", "max_major": 0, "effect": "refuse"},
]

POLICIES = [
    {"missing": "renormalize", "sites": "pooled", "min_coverage": 50},
    {"missing": "zero", "sites": "pooled", "min_coverage": 50},
    {"missing": "renormalize", "sites": "equal", "min_coverage": 50},
    {"missing": "zero", "sites": "equal", "min_coverage": 50, "confidence": "0.9"},
]


@pytest.fixture(scope="module")
def schemes(tmp_path_factory: pytest.TempPathFactory) -> list[Scheme]:
    folder = tmp_path_factory.mktemp("property-schemes")
    return [
        make_scheme(
            folder / f"scheme{i}",
            requirements=property_requirements(),
            items=[*DEFAULT_ITEMS, {"key": "E1", "scale": "agree5"}],
            gates=PROPERTY_GATES,
            policies={**policies, "anonymity": 3},
            min_sample=3,  # with anonymity 3 above: a minimum sample is at least the threshold
        )
        for i, policies in enumerate(POLICIES)
    ]


# --- strategies ---------------------------------------------------------------------------------


def binding_slots(scheme: Scheme) -> list[tuple[str, str, tuple[F, ...], bool]]:
    """(criterion, binding id, the values evidence can take, is it a sample) for every binding."""
    slots = []
    for criterion in scheme.criteria():
        for binding in criterion.bindings:
            source = scheme.sources[binding.source]
            scale = scheme.scale_of(source, binding.item)
            assert scale is not None
            slots.append((criterion.id, binding.id, scale.values, binding.item is not None))
    return slots


def tallies(values: tuple[F, ...]) -> st.SearchStrategy[dict[F, int]]:
    return st.dictionaries(st.sampled_from(values), st.integers(1, 6), min_size=1, max_size=4)


@st.composite
def evidence_for(draw: st.DrawFn, scheme: Scheme, site_ids: tuple[str, ...] = SITES) -> list[Evidence]:
    evidence = []
    for site in site_ids:
        for criterion, binding, values, is_sample in binding_slots(scheme):
            where = f"{site}/{criterion}/{binding}"
            if is_sample:
                tally = draw(st.none() | tallies(values))
                if tally is not None:
                    provenance = Provenance("customer.csv", where)
                    evidence.append(Evidence(criterion, binding, site, sample=Sample.of(tally), provenance=provenance))
            else:
                value = draw(st.none() | st.sampled_from(values))
                if value is not None:
                    provenance = Provenance("grid.toml", where, "auditor")
                    evidence.append(Evidence(criterion, binding, site, value=value, provenance=provenance))
    return evidence


def findings_strategy() -> st.SearchStrategy[list[Any]]:
    one = st.builds(
        lambda requirement, kind, closed, i: finding(requirement, kind, closed=closed, text=f"finding {i}"),
        st.sampled_from(["vision", "culture", "design"]),
        st.sampled_from(["strength", "improvement", "sensitive", "minor", "major"]),
        st.booleans(),
        st.integers(0, 10_000),
    )
    return st.lists(one, max_size=6, unique_by=lambda f: f.text)


# --- helpers ------------------------------------------------------------------------------------


def rank(scheme: Scheme, outcome: Outcome) -> int:
    """refused < every level in order (deferred is compared separately)."""
    if outcome.status == "refused":
        return -1
    return [lv.id for lv in scheme.levels].index(outcome.level or "")


def runs(decision: Decision) -> Iterator[Run]:
    for run in (decision.central, decision.pessimistic, decision.optimistic):
        if run is not None:
            yield run


def site_attainments(scores: SiteScores) -> Iterator[F]:
    yield scores.attainment
    yield scores.coverage
    for numbers in (scores.sources, scores.dimensions, scores.requirements):
        yield from (v for v in numbers.values() if v is not None)


def all_attainments(tree: Tree) -> Iterator[F]:
    yield tree.attainment
    yield tree.coverage
    yield from (v for v in tree.sources.values() if v is not None)
    for dimension in tree.dimensions:
        if dimension.attainment is not None:
            yield dimension.attainment
        for requirement in dimension.children:
            if requirement.attainment is not None:
                yield requirement.attainment
    for criterion in tree.criteria():
        yield criterion.coverage
        if criterion.attainment is not None:
            yield criterion.attainment
        for binding in criterion.bindings:
            yield binding.share
            if binding.attainment is not None:
                yield binding.attainment


def improve(draw: st.DrawFn, scheme: Scheme, item: Evidence) -> Evidence | None:
    """The same evidence moved toward its binding's target, or None when it cannot move."""
    criterion = scheme.criterion(item.criterion)
    assert criterion is not None
    binding = next(b for b in criterion.bindings if b.id == item.binding)
    floor, target = curve_of(scheme, binding)
    higher_is_better = target > floor
    scale = scheme.scale_of(scheme.sources[binding.source], binding.item)
    assert scale is not None
    values = scale.values

    def better(value: F) -> list[F]:
        return [v for v in values if (v > value if higher_is_better else v < value)]

    if item.value is not None:
        options = better(item.value)
        if not options:
            return None
        return attrs.evolve(item, value=draw(st.sampled_from(options)))
    assert item.sample is not None
    movable = [v for v, _ in item.sample.counts if better(v)]
    if not movable:
        return None
    old = draw(st.sampled_from(movable))
    new = draw(st.sampled_from(better(old)))
    tally = dict(item.sample.counts)
    tally[old] -= 1
    tally[new] = tally.get(new, 0) + 1
    return attrs.evolve(item, sample=Sample.of(tally))  # one answer replaced: n unchanged


# --- properties ---------------------------------------------------------------------------------


@given(data=st.data(), which=st.integers(0, len(POLICIES) - 1))
def test_moving_evidence_toward_its_target_never_lowers_points_nor_level(
    schemes: list[Scheme], data: st.DataObject, which: int
) -> None:
    scheme = schemes[which]
    evidence = data.draw(evidence_for(scheme))
    candidates = [(i, better) for i, e in enumerate(evidence) if (better := improve(data.draw, scheme, e)) is not None]
    if not candidates:
        return
    index, improved = data.draw(st.sampled_from(candidates))
    moved = [*evidence[:index], improved, *evidence[index + 1 :]]

    before = score(make_inputs(scheme, evidence, site_ids=SITES)).central
    after = score(make_inputs(scheme, moved, site_ids=SITES)).central

    assert after.tree.points >= before.tree.points
    assert after.tree.coverage == before.tree.coverage  # the same evidence is usable
    assert (after.outcome.status == "deferred") == (before.outcome.status == "deferred")
    if before.outcome.status != "deferred":
        assert rank(scheme, after.outcome) >= rank(scheme, before.outcome)
    assert {g.gate.id for g in after.gates if g.fired} <= {g.gate.id for g in before.gates if g.fired}


FACTORS = ["0.5", "2", "3", "0.25", "10", "1.5", "0.001"]
GROUPS = [
    ("dimensions", None),
    ("requirements", "people"),
    ("requirements", "process"),
    ("criteria", "vision"),
    ("criteria", "culture"),
    ("criteria", "design"),
    ("bindings", "v1"),
    ("bindings", "c2"),
    ("bindings", "d1"),
]


@pytest.fixture(scope="module")
def scaled_schemes(tmp_path_factory: pytest.TempPathFactory) -> dict[Any, Scheme]:
    """Schemes with one group of sibling weights scaled, built on demand and kept."""
    folder = tmp_path_factory.mktemp("scaled-schemes")

    class Schemes(dict):  # type: ignore[type-arg]
        def __missing__(self, key: tuple[str, str | None, str, int]) -> Scheme:
            where, target, factor, which = key
            options: dict[str, Any] = {"gates": PROPERTY_GATES, "policies": POLICIES[which]}
            if where == "dimensions":
                options["dimensions"] = scaled_dimensions(factor)
            elif where != "none":
                options["requirements"] = scaled_requirements(factor, where, target)
            scheme = make_scheme(folder / f"s{len(self)}", **options)
            self[key] = scheme
            return scheme

    return Schemes()


def _tree_numbers(tree: Tree) -> Any:
    return {
        "attainment": tree.attainment,
        "points": tree.points,
        "coverage": tree.coverage,
        "sources": dict(tree.sources),
        "nodes": [
            (d.id, d.share, d.attainment, [(r.id, r.share, r.attainment) for r in d.children])  # type: ignore[union-attr]
            for d in tree.dimensions
        ],
        "criteria": [
            (c.criterion.id, c.share, c.attainment, c.coverage, [(b.binding.id, b.share, b.attainment) for b in c.bindings])
            for c in tree.criteria()
        ],
    }


@given(
    data=st.data(),
    group=st.sampled_from(GROUPS),
    factor=st.sampled_from(FACTORS),
    which=st.integers(0, len(POLICIES) - 1),
)
def test_scaling_sibling_weights_changes_nothing(
    scaled_schemes: dict[Any, Scheme], data: st.DataObject, group: tuple[str, str | None], factor: str, which: int
) -> None:
    plain = scaled_schemes[("none", None, "1", which)]
    scaled = scaled_schemes[(*group, factor, which)]
    assert plain.requirements != scaled.requirements or plain.dimensions != scaled.dimensions
    evidence = data.draw(evidence_for(plain))
    first = score(make_inputs(plain, evidence, site_ids=SITES))
    second = score(make_inputs(scaled, evidence, site_ids=SITES))
    for a, b in zip(runs(first), runs(second), strict=True):
        assert _tree_numbers(a.tree) == _tree_numbers(b.tree)
        assert a.outcome == b.outcome
        assert [s.scores for s in a.sites] == [s.scores for s in b.sites]
        assert [(g.fired, g.subjects, g.skipped) for g in a.gates] == [(g.fired, g.subjects, g.skipped) for g in b.gates]
    assert first.borderline == second.borderline


@given(data=st.data(), which=st.integers(0, len(POLICIES) - 1), seed=st.integers(0, 2**32 - 1))
def test_evidence_and_findings_order_does_not_matter(
    schemes: list[Scheme], data: st.DataObject, which: int, seed: int
) -> None:
    scheme = schemes[which]
    evidence = data.draw(evidence_for(scheme))
    findings = data.draw(findings_strategy())
    shuffled_evidence, shuffled_findings = list(evidence), list(findings)
    random.Random(seed).shuffle(shuffled_evidence)
    random.Random(seed + 1).shuffle(shuffled_findings)

    inputs = make_inputs(scheme, evidence, site_ids=SITES, findings=findings)
    shuffled = make_inputs(scheme, shuffled_evidence, site_ids=SITES, findings=shuffled_findings)
    first, second = score(inputs), score(shuffled)
    assert first.central.outcome == second.central.outcome
    assert first.borderline == second.borderline
    assert record_text(inputs, first) == record_text(shuffled, second)


@given(data=st.data(), which=st.integers(0, len(POLICIES) - 1))
def test_attainments_in_unit_interval_and_points_within_max(
    schemes: list[Scheme], data: st.DataObject, which: int
) -> None:
    scheme = schemes[which]
    evidence = data.draw(evidence_for(scheme))
    decision = score(make_inputs(scheme, evidence, site_ids=SITES))
    for run in runs(decision):
        for tree in (run.tree, *(s.scores for s in run.sites)):
            values = all_attainments(tree) if isinstance(tree, Tree) else site_attainments(tree)
            for value in values:
                assert 0 <= value <= 1
            assert 0 <= tree.points <= scheme.max_points
            assert tree.points == tree.attainment * scheme.max_points
        assert run.outcome.status in ("granted", "refused", "deferred")
        assert (run.outcome.level is not None) == (run.outcome.status == "granted")


@given(data=st.data(), which=st.integers(0, len(POLICIES) - 1))
def test_record_text_is_byte_stable(schemes: list[Scheme], data: st.DataObject, which: int) -> None:
    scheme = schemes[which]
    evidence = data.draw(evidence_for(scheme))
    findings = data.draw(findings_strategy())
    first = record_text(make_inputs(scheme, evidence, site_ids=SITES, findings=findings),
                        score(make_inputs(scheme, evidence, site_ids=SITES, findings=findings)))
    second = record_text(make_inputs(scheme, evidence, site_ids=SITES, findings=findings),
                         score(make_inputs(scheme, evidence, site_ids=SITES, findings=findings)))
    assert first.encode("utf-8") == second.encode("utf-8")
    assert first.endswith("}\n")


def test_record_text_is_byte_stable_across_processes(tmp_path: Path) -> None:
    """Same inputs in two fresh interpreters (different hash seeds): the same bytes."""
    import os
    import subprocess
    import sys

    script = (
        "import sys; sys.path.insert(0, {tests!r})\n"
        "from pathlib import Path\n"
        "from helpers import make_scheme, make_inputs, full_evidence, record_text, answers, level, C1\n"
        "from labelaudit.engine import score\n"
        "scheme = make_scheme(Path({folder!r}))\n"
        "ev = full_evidence('s1') + [answers('v1', C1, {{3: 4, 4: 2}}, 's2'), level('v2', 1, 's2')]\n"
        "inputs = make_inputs(scheme, ev, site_ids=('s1', 's2'))\n"
        "sys.stdout.buffer.write(record_text(inputs, score(inputs)).encode('utf-8'))\n"
    ).format(tests=str(Path(__file__).parent), folder=str(tmp_path / "scheme"))
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, check=True)
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert b'"status": "granted"' in outputs[0]


@given(
    data=st.data(),
    which=st.integers(0, len(POLICIES) - 1),
    mode=st.sampled_from(["central", "pessimistic", "optimistic"]),
)
def test_site_scores_are_the_site_tree(schemes: list[Scheme], data: st.DataObject, which: int, mode: Mode) -> None:
    """labelaudit.sites computes a site's numbers through a compiled plan: they must be the very
    fractions of the whole tree scored on that site's evidence alone."""
    scheme = schemes[which]
    evidence = data.draw(evidence_for(scheme, site_ids=("s1", "s2", "s3")))
    excluded = data.draw(st.sets(st.sampled_from([c.id for c in scheme.criteria()]), max_size=2))
    inputs = make_inputs(scheme, evidence, site_ids=("s1", "s2", "s3"), excluded=excluded)
    measures = measures_by_scope(inputs)
    onsite = onsite_sources(scheme)
    for site in ("s1", "s2", "s3"):
        visited = was_visited(measures[site], onsite)
        if visited:
            tree = score_tree(inputs, measures[site], mode)
        else:  # not visited: the scheme without its on-site bindings, on the site's evidence
            unvisited = attrs.evolve(inputs, scheme=unvisited_scheme(inputs)[0])
            tree = score_tree(unvisited, [e for e in evidence if e.site == site and e.binding != "onsite"], mode)
        assert score_site(inputs, measures[site], mode, detail=True, visited=visited) == SiteScores(
            tree.attainment,
            tree.points,
            tree.coverage,
            tree.assessed,
            {d.id: d.attainment for d in tree.dimensions},
            {r.id: r.attainment for r in tree.requirements()},
            dict(tree.sources),
        )
        at_the_end = score_site(inputs, measures[site], mode, visited=visited)  # without detail: what the site gates need
        assert (at_the_end.attainment, at_the_end.coverage, at_the_end.assessed) == (tree.attainment, tree.coverage, tree.assessed)
        assert not at_the_end.dimensions and not at_the_end.requirements and not at_the_end.sources


# --- exclusions: out of the audit's scope, as if the scheme did not have them -------------------


def _without(criteria: frozenset[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The property scheme's requirements and gates with some criteria taken out of the scheme."""
    requirements = []
    for requirement in property_requirements():
        kept = [c for c in requirement["criteria"] if c["id"] not in criteria]
        if kept:
            requirements.append({**requirement, "criteria": kept})
    gates = [g for g in PROPERTY_GATES if not (g["scope"] == "criterion" and g.get("target") in criteria)]
    return requirements, gates


@pytest.fixture(scope="module")
def schemes_without(tmp_path_factory: pytest.TempPathFactory) -> dict[Any, Scheme]:
    """The property schemes without some criteria, built on demand and kept."""
    folder = tmp_path_factory.mktemp("schemes-without")

    class Schemes(dict):  # type: ignore[type-arg]
        def __missing__(self, key: tuple[frozenset[str], int]) -> Scheme:
            criteria, which = key
            requirements, gates = _without(criteria)
            scheme = make_scheme(
                folder / f"s{len(self)}",
                requirements=requirements,
                items=[*DEFAULT_ITEMS, {"key": "E1", "scale": "agree5"}],
                gates=gates,
                policies=POLICIES[which],
                min_sample=3,
            )
            self[key] = scheme
            return scheme

    return Schemes()


def _in_scope_numbers(tree: Tree) -> Any:
    """Every number of a tree, for the criteria, requirements and dimensions in scope."""
    return {
        "attainment": tree.attainment,
        "points": tree.points,
        "coverage": tree.coverage,
        "sources": dict(tree.sources),
        "dimensions": [(d.id, d.share, d.attainment, d.assessed) for d in tree.dimensions if not d.excluded],
        "requirements": [(r.id, r.share, r.attainment, r.assessed) for r in tree.requirements() if not r.excluded],
        "criteria": [
            (c.criterion.id, c.share, c.attainment, c.coverage, c.assessed, [(b.binding.id, b.share, b.attainment) for b in c.bindings])
            for c in tree.criteria()
            if not c.excluded
        ],
    }


def _scores_in_scope(scores: SiteScores, like: SiteScores) -> SiteScores:
    """A site's numbers without the requirements and dimensions out of scope (always None)."""
    for numbers, kept in ((scores.requirements, like.requirements), (scores.dimensions, like.dimensions)):
        assert all(v is None for k, v in numbers.items() if k not in kept)
    return attrs.evolve(
        scores,
        requirements={k: v for k, v in scores.requirements.items() if k in like.requirements},
        dimensions={k: v for k, v in scores.dimensions.items() if k in like.dimensions},
    )


@given(
    data=st.data(),
    which=st.integers(0, len(POLICIES) - 1),
    excluded=st.sets(st.sampled_from(["v1", "v2", "c1", "c2", "d1", "d2", "d3"]), min_size=1, max_size=3),
)
def test_an_excluded_criterion_is_a_scheme_without_it(
    schemes: list[Scheme], schemes_without: dict[Any, Scheme], data: st.DataObject, which: int, excluded: set[str]
) -> None:
    """Excluding criteria gives the very numbers of the scheme without them: points, coverage,
    source attainments, every share, every site's numbers, the outcome (under both policies)."""
    scheme = schemes[which]
    evidence = data.draw(evidence_for(scheme, site_ids=("s1", "s2")))
    smaller = schemes_without[(frozenset(excluded), which)]
    kept = [e for e in evidence if e.criterion not in excluded]
    with_exclusions = score(make_inputs(scheme, evidence, site_ids=SITES, excluded=excluded))
    without = score(make_inputs(smaller, kept, site_ids=SITES))
    for a, b in zip(runs(with_exclusions), runs(without), strict=True):
        assert _in_scope_numbers(a.tree) == _in_scope_numbers(b.tree)
        assert sum((c.share for c in a.tree.criteria()), F(0)) in (0, 1)
        for site_a, site_b in zip(a.sites, b.sites, strict=True):
            assert _scores_in_scope(site_a.scores, site_b.scores) == site_b.scores
        assert a.outcome.key == b.outcome.key
        assert [(g.gate.id, g.fired, g.subjects, g.skipped) for g in a.gates if g.gate.id in {h.gate.id for h in b.gates}] == [
            (g.gate.id, g.fired, g.subjects, g.skipped) for g in b.gates
        ]
