"""Anonymity that survives arithmetic: no group under the threshold can be read, nor recovered by
subtracting what is shown from what is pooled.

The property test generates audits with small groups, writes the record and every text drawn
from it (explain, the Markdown report, the summary), then tries every subtraction over what is
written: the pooled n and total (value × n, or value × k for `sites = "equal"`) minus the shown
groups', for every subset of the shown sites. No residual group may be under the threshold.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import C1, C2, N1, answers, level, make_inputs, make_scheme, record_text
from labelaudit.anonymity import Hidden, hidden_groups
from labelaudit.engine import Decision, SiteValue, score
from labelaudit.errors import InputError
from labelaudit.documents.explain import explain
from labelaudit.numbers import decimal6, exact
from labelaudit.documents.markdown import render_md
from labelaudit.documents.summary import render

THRESHOLD = 5
ALL_SITES = ("s1", "s2", "s3", "s4")
SAMPLED = (("v1", C1), ("c2", N1), ("d1", C2))


def groups(*sizes: int) -> list[SiteValue]:
    return [SiteValue(f"s{i}", F(1), n) for i, n in enumerate(sizes, start=1)]


# --- which groups are hidden, by hand ---------------------------------------------------------------


def test_no_small_group_hides_nothing() -> None:
    assert hidden_groups(groups(5, 12, 30), THRESHOLD) == Hidden()


def test_a_small_group_hides_the_smallest_other_with_it() -> None:
    # s1 (3) is under 5; the pooled n minus s2 and s3 would give it: s2 (12), the smallest other, goes too
    assert hidden_groups(groups(3, 12, 30), THRESHOLD) == Hidden(frozenset({"s1"}), frozenset({"s2"}))


def test_two_small_groups_together_under_the_threshold_hide_a_third() -> None:
    # s1 (1) and s2 (2) together are 3 < 5: the pooled minus s3 and s4 would give their sum
    assert hidden_groups(groups(1, 2, 8, 9), THRESHOLD) == Hidden(frozenset({"s1", "s2"}), frozenset({"s3"}))


def test_two_small_groups_that_together_reach_the_threshold_are_enough() -> None:
    assert hidden_groups(groups(2, 3, 40), THRESHOLD) == Hidden(frozenset({"s1", "s2"}))


def test_when_every_group_together_is_too_small_the_pooled_figure_is_hidden() -> None:
    assert hidden_groups(groups(1, 2), THRESHOLD) == Hidden(frozenset({"s1", "s2"}), pooled=True)
    assert hidden_groups(groups(3), THRESHOLD) == Hidden(frozenset({"s1"}), pooled=True)


def test_one_small_group_and_one_large_hide_both_but_not_the_pooled_figure() -> None:
    assert hidden_groups(groups(3, 30), THRESHOLD) == Hidden(frozenset({"s1"}), frozenset({"s2"}))


# --- the record, by hand ----------------------------------------------------------------------------


def onsite(site: str) -> list[Any]:
    return [level(c, 3, site) for c in ("v1", "v2", "c1", "c2", "d1", "d2")]


def test_the_record_hides_the_second_group_and_its_site_tree(tmp_path: Path) -> None:
    scheme = make_scheme(tmp_path / "scheme", min_sample=THRESHOLD)
    evidence = [*onsite("s1"), *onsite("s2"), *onsite("s3")]
    evidence += [answers("v1", C1, {5: 3}, "s1"), answers("v1", C1, {4: 6, 5: 6}, "s2"), answers("v1", C1, {3: 30}, "s3")]
    inputs = make_inputs(scheme, evidence, site_ids=("s1", "s2", "s3"))
    decision = score(inputs)
    record = json.loads(record_text(inputs, decision))
    (binding,) = [b for c in criteria(record) if c["id"] == "v1" for b in c["bindings"] if b["id"] == C1]
    by_site = {s["site"]: s for s in binding["sites"]}
    assert by_site["s1"] == {"site": "s1", "suppressed": True, "secondary": False, "fewer_than": 5}
    assert by_site["s2"] == {"site": "s2", "suppressed": True, "secondary": True, "fewer_than": 5}
    assert by_site["s3"]["n"] == 30
    # the pooled figure stays: minus s3 it gives s1 and s2 together, 15 answers
    assert binding["measure"]["n"] == 45 and binding["measure"]["value"]["exact"] == exact(F(15 + 54 + 90, 45))
    sites = {s["id"]: s for s in record["sites"]}
    # s2's 12 answers reach min_sample at s2 alone: they are in s2's own tree, which shows them
    # through its overall result, its vision requirement, its people dimension and its customer
    # source; those are hidden, the rest of its tree is not made of them and stays
    assert sites["s2"]["suppressed"] and sites["s2"]["points"]["shown"] is None
    assert sites["s2"]["attainment"]["exact"] is None
    assert sites["s2"]["requirements"]["vision"]["exact"] is None and sites["s2"]["dimensions"]["people"]["exact"] is None
    assert sites["s2"]["sources"]["customer"]["exact"] is None
    assert sites["s2"]["requirements"]["culture"]["exact"] == "3/4" and sites["s2"]["sources"]["onsite"]["exact"] == "3/4"
    # s1's 3 answers are under min_sample at s1 alone: not in its tree, which shows only its levels
    assert "suppressed" not in sites["s1"] and sites["s1"]["attainment"]["exact"] == "3/4"
    assert "suppressed" not in sites["s3"] and sites["s3"]["attainment"]["exact"] is not None
    text = explain(record, "v1", "en")
    names = {s["id"]: f"{s['name']} ({s['id']})" if s["name"] != s["id"] else s["id"] for s in record["audit"]["sites"]}
    assert f"{names['s1']}: fewer than 5 respondents: not shown" in text
    assert f"{names['s2']}: not shown, so that a group of fewer than 5 respondents cannot be recovered by subtraction" in text
    assert "n = 12" not in text and "n = 3," not in text


def test_an_undersized_pooled_figure_is_not_written(tmp_path: Path) -> None:
    scheme = make_scheme(tmp_path / "scheme", min_sample=10, policies={"anonymity": 5})
    evidence = [*onsite("s1"), *onsite("s2"), answers("v1", C1, {5: 1}, "s1"), answers("v1", C1, {4: 2}, "s2")]
    inputs = make_inputs(scheme, evidence, site_ids=("s1", "s2"))
    record = json.loads(record_text(inputs, score(inputs)))
    (binding,) = [b for c in criteria(record) if c["id"] == "v1" for b in c["bindings"] if b["id"] == C1]
    assert binding["status"] == "undersized"
    assert binding["measure"]["suppressed"] and binding["measure"]["n"] is None and binding["measure"]["value"]["exact"] is None
    (undersized,) = [r for r in record["outcome"]["reasons"] if r["code"].startswith("undersized")]
    assert undersized["code"] == "undersized_hidden" and "n" not in undersized["params"]
    assert undersized["en"] == f"sample too small for v1 / {C1}: fewer than 5 answers in all (minimum 10), not shown"
    assert "fewer than 5 answers in all (minimum 10)" in explain(record, "v1", "en")


def test_a_site_gate_line_about_a_hidden_site_gives_no_value(tmp_path: Path) -> None:
    gates = [{"id": "every-site", "scope": "site", "min_percent": 99, "effect": "refuse"}]
    scheme = make_scheme(tmp_path / "scheme", min_sample=THRESHOLD, gates=gates)
    evidence = [*onsite("s1"), *onsite("s2"), answers("v1", C1, {1: 3}, "s1"), answers("v1", C1, {5: 30}, "s2")]
    inputs = make_inputs(scheme, evidence, site_ids=("s1", "s2"))
    record = json.loads(record_text(inputs, score(inputs)))
    (gate,) = record["gates"]
    assert gate["fired"]
    # s2's 30 answers are hidden with s1's 3 and are in s2's own result: its line gives no value;
    # s1's result holds only its levels (its 3 answers are under min_sample there)
    assert {s["params"]["subject"]: s["code"] for s in gate["subjects"]} == {"s1": "subject_below", "s2": "subject_below_hidden"}
    assert [s["params"].get("value") for s in gate["subjects"]] == ["75.0", None]
    assert record["outcome"]["status"] == "refused"  # hidden, and still decided on


def test_a_survey_min_sample_below_the_threshold_is_refused_at_load(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        make_scheme(tmp_path / "scheme", min_sample=3, policies={"anonymity": 5})
    (problem,) = caught.value.problems
    assert "key sources.customer.min_sample" in problem.where
    assert "min_sample (3) is below the anonymity threshold (policies.anonymity = 5)" in str(caught.value)


# --- the property: every subtraction over everything written ------------------------------------------


def criteria(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for d in record["tree"]["dimensions"]:
        for r in d["requirements"]:
            yield from r["criteria"]


@pytest.fixture(scope="module")
def anonymity_schemes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("anonymity")
    gates = [{"id": "every-site", "scope": "site", "min_percent": 50, "effect": "cap", "level": "committed"}]
    return {
        policy: make_scheme(folder / policy, min_sample=THRESHOLD, policies={"sites": policy, "min_coverage": 0}, gates=gates)
        for policy in ("pooled", "equal")
    }


@st.composite
def small_groups(draw: st.DrawFn) -> tuple[tuple[str, ...], list[Any]]:
    k = draw(st.integers(1, 4))
    site_ids = ALL_SITES[:k]
    evidence = [e for site in site_ids for e in onsite(site)]
    for criterion, binding in SAMPLED:
        values = range(0, 11) if binding == N1 else range(1, 6)
        for site in site_ids:
            tally = draw(st.none() | st.dictionaries(st.sampled_from(values), st.integers(1, 4), min_size=1, max_size=3))
            if tally:
                evidence.append(answers(criterion, binding, tally, site))
    return site_ids, evidence


def binding_block(text: str, binding_id: str) -> list[str]:
    """The lines of one binding's section of `explain CRITERION`, which names the binding's
    source by its title (`On-site evaluation`, `Customer perception / C1 / mean`)."""
    from labelaudit.i18n import words

    source, *rest = binding_id.split("/")
    label = " / ".join([words.source(source, "en"), *rest])
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith("Binding "):
            inside = f": {label} " in line
        elif inside:
            lines.append(line)
    assert lines, f"no section for {binding_id}"
    return lines


def true_groups(decision: Decision) -> dict[tuple[str, str], list[SiteValue]]:
    """Each binding's groups as the engine measured them, before anything was hidden."""
    return {(c.criterion.id, b.binding.id): list(b.sites) for c in decision.central.tree.criteria() for b in c.bindings}


def residuals(binding: dict[str, Any], policy: str) -> Iterator[tuple[int, F]]:
    """(n, total) of every group that the pooled figure minus some shown groups describes."""
    measure = binding.get("measure") or {}
    if measure.get("n") is None or measure["value"]["exact"] is None:
        return
    n, value = measure["n"], F(measure["value"]["exact"])
    k = len(binding["sites"])  # how many sites answered is written: one line each
    shown = [s for s in binding["sites"] if not s.get("suppressed")]
    for size in range(len(shown) + 1):
        for subset in itertools.combinations(shown, size):
            rest_n = n - sum(s["n"] for s in subset)
            if policy == "pooled":
                rest_total = value * n - sum(F(s["value"]["exact"]) * s["n"] for s in subset)
            else:
                rest_total = value * k - sum(F(s["value"]["exact"]) for s in subset)
            yield rest_n, rest_total


@given(data=st.data(), policy=st.sampled_from(["pooled", "equal"]))
def test_no_group_under_the_threshold_can_be_recovered(anonymity_schemes: dict[str, Any], data: st.DataObject, policy: str) -> None:
    scheme = anonymity_schemes[policy]
    site_ids, evidence = data.draw(small_groups())
    inputs = make_inputs(scheme, evidence, site_ids=site_ids)
    decision = score(inputs)
    record = json.loads(record_text(inputs, decision))
    for text in (render(record, "en"), render_md(record, "en"), explain(record, None, "en")):  # all drawn
        assert text  # from the record alone: what it hides, they cannot show (checked below for explain)
    written = {(c["id"], b["id"]): b for c in criteria(record) for b in c["bindings"]}
    in_site_trees: dict[str, set[tuple[str, str]]] = {}  # site → hidden bindings in its own tree
    for key, true in true_groups(decision).items():
        small = [g for g in true if g.n is not None and g.n < THRESHOLD]
        binding = written[key]
        for g in small:  # never on its own line
            (line,) = [s for s in binding["sites"] if s["site"] == g.site]
            assert line.get("suppressed") and "n" not in line and "value" not in line
        # no subtraction over what is written gives a group under the threshold (nor one of them)
        for rest_n, rest_total in residuals(binding, policy):
            assert rest_n == 0 or rest_n >= THRESHOLD, (key, rest_n)
            for g in small:
                assert not (rest_n == g.n and rest_total in (g.value * g.n, g.value)), (key, g)
        # and explain, the one text that prints each site's value of a binding, prints none of them
        hidden = {s["site"] for s in binding["sites"] if s.get("suppressed")}
        for g in true:
            if g.site in hidden and g.n is not None and g.n >= THRESHOLD:  # min_sample: in the site's tree
                in_site_trees.setdefault(g.site, set()).add(key)
        for line in binding_block(explain(record, key[0], "en"), key[1]):
            site = line.split(":", 1)[0].strip()
            true_site = next((g for g in true if g.site == site), None)
            if site in hidden and true_site is not None:
                assert "n =" not in line and decimal6(true_site.value) not in line, line
    requirement_of = {"v1": ("vision", "people"), "c2": ("culture", "people"), "d1": ("design", "process")}
    for site in record["sites"]:  # what of a site's own tree is made of a hidden group is hidden
        for criterion, _ in in_site_trees.get(site["id"], ()):
            requirement, dimension = requirement_of[criterion]
            assert site.get("suppressed") and site["attainment"]["exact"] is None and site["points"]["exact"] is None
            assert site["requirements"][requirement]["exact"] is None
            assert site["dimensions"][dimension]["exact"] is None
            assert site["sources"]["customer"]["exact"] is None
    for gate in record["gates"]:
        for subject in gate["subjects"]:
            if subject["params"].get("subject") in in_site_trees:
                assert "value" not in subject["params"]
