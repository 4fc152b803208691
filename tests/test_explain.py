"""`labelaudit explain`: every number it shows is the record's, and every sum redoes by hand.

Expected values are computed here from the record's exact strings with `Fraction`, never
copied from the explanation, so a wrong formula or a wrong number in it fails the test.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from clirun import REPO
from labelaudit.errors import InputError
from labelaudit.documents.explain import contributions, explain
from labelaudit.documents.trace import elements, node_terms, num
from labelaudit.numbers import exact, percent, points

GOLDEN = REPO / "tests" / "golden"
RECORDS = sorted(p.stem for p in GOLDEN.glob("*.json"))


def record_of(name: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"{name}.json").read_text("utf-8"))


def criterion_of(record: dict[str, Any], criterion_id: str) -> dict[str, Any]:
    return next(f.node for f in elements(record) if f.kind == "criterion" and f.node["id"] == criterion_id)




# --- Every golden record: the explanation agrees with the record everywhere --------------------


@pytest.mark.parametrize("name", RECORDS)
def test_every_mean_in_every_record_recomputes_to_the_record(name: str) -> None:
    record = record_of(name)
    texts = [explain(record, None, "en")]
    texts += [explain(record, f.node["id"], "en") for f in elements(record)]
    assert not [t for t in texts if "WARNING" in t]
    french = [explain(record, None, "fr")] + [explain(record, f.node["id"], "fr") for f in elements(record)]
    assert not [t for t in french if "ATTENTION" in t]


def test_a_tampered_record_is_flagged_not_hidden() -> None:
    record = record_of("demo")
    criterion = criterion_of(record, "understanding.2")
    criterion["attainment"]["exact"] = "4/5"  # the record says 80 % where its bindings give 5/6
    assert "WARNING: recomputing gives 5/6, the record states 4/5" in explain(record, "understanding.2", "en")
    assert "WARNING" in explain(record, "understanding", "en")  # the requirement's sum no longer gives its value


@pytest.mark.parametrize("name", RECORDS)
def test_outcome_points_are_overall_attainment_times_max_points(name: str) -> None:
    record = record_of(name)
    tree, outcome = record["tree"], record["outcome"]
    max_points = Fraction(record["scheme"]["max_points"])
    computed = Fraction(tree["attainment"]["exact"]) * max_points
    assert computed == Fraction(outcome["points"]["exact"])
    text = explain(record, None, "en", exact=True)
    # English groups thousands: `× 1,000 = 733.9`
    rule = f"points = overall attainment × max points = {tree['attainment']['percent']} % × {int(max_points):,} = {outcome['points']['shown']}"
    assert rule in text
    assert f"= {exact(computed)} = {points(computed)}" in text


@pytest.mark.parametrize("name", RECORDS)
def test_dimension_contributions_add_up_to_the_points_exactly(name: str) -> None:
    record = record_of(name)
    max_points = Fraction(record["scheme"]["max_points"])
    brought = contributions(node_terms(record["tree"]["dimensions"]), max_points)
    assert sum(value for _, value in brought.values()) == Fraction(record["outcome"]["points"]["exact"])
    text = explain(record, None, "en")
    for dimension in record["tree"]["dimensions"]:
        if dimension["id"] in brought:
            share, value = brought[dimension["id"]]
            title = dimension["title"]["en"]  # the table names each dimension by its title
            line = next(line for line in text.splitlines() if line.strip().startswith(title + "  "))
            assert line.strip().removeprefix(title).split() == [num(Fraction(dimension["weight"])), str(percent(share)), "%", dimension["attainment"]["percent"], "%", str(points(value)), "points"]


def test_demo_outcome_explains_levels_coverage_gates_and_stability() -> None:
    record = record_of("demo")
    shown = record["outcome"]["points"]["shown"]
    text = explain(record, None, "en")
    assert f"reached: {shown} ≥ 650" in text
    assert f"not reached: {shown} < 800" in text
    assert "→ highest level reached: Confirmed" in text
    assert f"coverage {record['outcome']['coverage']['percent']} % ≥ minimum 70 %: not deferred" in text
    customer = record["tree"]["sources"]["customer"]["percent"]
    assert f"    Customer perception at {customer} %" in text
    lowest = min((s for s in record["sites"] if s["has_result"]), key=lambda s: Fraction(s["attainment"]["exact"]))
    name = next(s["name"] for s in record["audit"]["sites"] if s["id"] == lowest["id"])
    assert f"lowest: {name} at {lowest['attainment']['percent']} %" in text
    pessimistic = record["stability"]["pessimistic"]["points"]
    assert f"pessimistic (ends toward the floor): GRANTED — level Confirmed ({pessimistic} points)" in text
    assert "→ stable: the same outcome at both ends" in text


def test_capped_refused_and_deferred_say_why() -> None:
    capped = explain(record_of("capped"), None, "en")
    assert "No criterion at an unacceptable level (caps at Committed): FIRED" in capped
    assert "processes.1 / onsite below the unacceptability threshold" in capped
    assert "level reached Excellence; caps: Committed (No criterion at an unacceptable level) → level Committed" in capped
    refused = explain(record_of("refused"), None, "en")
    assert "No open major nonconformity (refuses): FIRED" in refused
    assert "refusing gate(s) fired: No open major nonconformity → refused" in refused
    deferred_record = record_of("deferred")
    deferred = explain(deferred_record, None, "en")
    coverage = deferred_record["outcome"]["coverage"]["percent"]
    assert f"coverage {coverage} % < minimum 70 %: DEFERRED" in deferred
    assert "coverage below the minimum → deferred" in deferred
    assert "not checked: no evidenced binding has an interval" in deferred
    assert "without a result (not judged): vierzon, romorantin" in deferred


# --- A requirement, a dimension ----------------------------------------------------------------


def test_requirement_attainment_is_written_as_a_weighted_sum() -> None:
    record = record_of("demo")
    requirement = next(f.node for f in elements(record) if f.kind == "requirement" and f.node["id"] == "understanding")
    criteria = requirement["criteria"]
    weights = [Fraction(c["weight"]) for c in criteria]
    values = [Fraction(c["attainment"]["exact"]) for c in criteria]
    expected = sum(w * v for w, v in zip(weights, values)) / sum(weights)
    assert expected == Fraction(requirement["attainment"]["exact"])
    by_percent = " + ".join(f"{num(w)} × {c['attainment']['percent']} %" for w, c in zip(weights, criteria))
    below = " + ".join(num(w) for w in weights)
    text = explain(record, "understanding", "en", exact=True)
    assert f"({by_percent}) / ({below}) = {percent(expected)} %" in text
    assert f"/ {num(sum(weights))} = {exact(expected)}" in text
    assert by_percent.startswith("2 × ") and "1.5 × " in by_percent  # the weights as the rulesets write them


def test_left_out_children_are_named() -> None:
    record = record_of("demo")
    requirement = next(f.node for f in elements(record) if f.kind == "requirement" and f.node["id"] == "innovation")
    counted = [c for c in requirement["criteria"] if not c["excluded"]]
    assert len(counted) == len(requirement["criteria"]) - 1
    below = " + ".join(num(Fraction(c["weight"])) for c in counted)
    text = explain(record, "innovation", "en")
    assert f") / ({below}) = {requirement['attainment']['percent']} %" in text
    assert "left out: innovation.3 (excluded)" in text


def test_an_id_shared_by_a_dimension_and_a_requirement_explains_both() -> None:
    text = explain(record_of("demo"), "culture", "en")
    assert "Dimension culture — Culture and employee engagement" in text
    assert "Requirement culture — Service excellence culture (dimension Culture and employee engagement)" in text


# --- A criterion, checked by hand --------------------------------------------------------------


def test_criterion_explanation_checked_by_hand() -> None:
    """understanding.3 on the demo: an on-site level and a paired-gap survey binding."""
    record = record_of("demo")
    criterion = criterion_of(record, "understanding.3")
    onsite, gap = criterion["bindings"]
    assert (onsite["id"], gap["id"]) == ("onsite", "customer/C05/gap")

    # The on-site value is the plain mean of the three agencies' levels.
    levels = [Fraction(s["value"]["exact"]) for s in onsite["sites"]]
    v = sum(levels) / len(levels)
    assert v == Fraction(onsite["value"]["exact"])
    f, t = Fraction(onsite["floor"]), Fraction(onsite["target"])
    a_onsite = min(Fraction(1), max(Fraction(0), (v - f) / (t - f)))
    assert a_onsite == Fraction(onsite["attainment"]["exact"])

    # The gap: perception minus expectation, on the curve from -1.5 to 0.5.
    g, gf, gt = Fraction(gap["value"]["exact"]), Fraction(gap["floor"]), Fraction(gap["target"])
    assert (gf, gt) == (Fraction(-3, 2), Fraction(1, 2))
    a_gap = min(Fraction(1), max(Fraction(0), (g - gf) / (gt - gf)))
    assert a_gap == Fraction(gap["attainment"]["exact"])

    w_onsite, w_gap = Fraction(onsite["weight"]), Fraction(gap["weight"])
    a = (w_onsite * a_onsite + w_gap * a_gap) / (w_onsite + w_gap)
    assert a == Fraction(criterion["attainment"]["exact"])

    text = explain(record, "understanding.3", "en", exact=True)
    mean = " + ".join(num(x) for x in levels)
    assert f"value = mean of the sites = ({mean}) / 3 = {exact(v)} = " in text
    assert (
        f"attainment = (v − f) / (t − f) = ({exact(v)} − {num(f)}) / ({num(t)} − {num(f)}) = ({exact(v - f)}) / {num(t - f)}"
        f" = {exact((v - f) / (t - f))} → clamped to [0, 1]: {exact(a_onsite)} = {percent(a_onsite)} %"
    ) in text
    assert f"({exact(g)} − (-1.5)) / (0.5 − (-1.5)) = ({exact(g - gf)}) / 2 = {exact(a_gap)} → clamped to [0, 1]: {exact(a_gap)} = {percent(a_gap)} %" in text
    n = gap["measure"]["n"]
    low, high = gap["measure"]["low"]["shown"], gap["measure"]["high"]["shown"]
    assert f"value (pooled answers): {exact(g)} = {gap['measure']['value']['shown']}, n = {n}, interval [{low}, {high}]" in text
    names = {s["id"]: s["name"] for s in record["audit"]["sites"]}
    for site in gap["sites"]:
        assert f"{names[site['site']]} ({site['site']}): {site['value']['shown']}, n = {site['n']}, interval [{site['low']['shown']}, {site['high']['shown']}]" in text
    assert f"({num(w_onsite)} × {onsite['attainment']['percent']} % + {num(w_gap)} × {gap['attainment']['percent']} %) / (2 + 1) = {percent(a)} %" in text
    assert f"= {exact(a)}" in text
    assert "coverage = evidenced weight / total weight = 3 / 3 = 100.0 %" in text
    assert "Customer perception / C05 − C05x / gap — weight 1 of 3 (33.3 % of the criterion)" in text


def test_a_value_below_its_floor_is_clamped_and_unacceptable() -> None:
    record = record_of("capped")
    onsite = criterion_of(record, "processes.1")["bindings"][0]
    v, f, t = Fraction(onsite["value"]["exact"]), Fraction(onsite["floor"]), Fraction(onsite["target"])
    raw = (v - f) / (t - f)
    assert raw < 0 and onsite["unacceptable"]
    text = explain(record, "processes.1", "en", exact=True)
    assert f"= {exact(raw)} → clamped to [0, 1]: 0 = 0.0 %" in text
    assert f"UNACCEPTABLE: {num(v)} is worse than the floor {num(f)}" in text


def test_undersized_and_suppressed_evidence_are_explained() -> None:
    record = record_of("deferred")
    binding = criterion_of(record, "vision.1")["bindings"][1]
    assert binding["status"] == "undersized"
    text = explain(record, "vision.1", "en")
    assert f"status: sample too small, n = {binding['measure']['n']} < 15: treated as missing evidence" in text
    assert "fewer than 5 respondents: not shown" in text
    assert "left out: employee/E01/top2box (not assessed)" in text


def test_an_excluded_criterion_shows_its_justification() -> None:
    record = record_of("demo")
    text = explain(record, "innovation.3", "fr")
    assert text.startswith("Critère innovation.3")
    assert "EXCLU : Le dispositif qui transforme" in text
    assert "approuvé par Hélène Vasseur" in text
    assert "statut : critère exclu" in text


def test_french_criterion_explanation() -> None:
    text = explain(record_of("demo"), "understanding.3", "fr")
    assert "atteinte = (v − f) / (t − f)" in text and "bornée à [0, 1]" in text
    assert "Liaison 2 : Perception client / C05 − C05x / gap" in text
    assert "(exigence Comprendre les besoins, attentes et désirs des clients, dimension Créer des expériences client remarquables)" in text
    assert "poids 1,5 dans son exigence ; part de l'arbre 2,8 % ; pyramide 3" in text  # titles, not ids; French numbers


def test_unknown_id_lists_close_matches() -> None:
    with pytest.raises(InputError) as caught:
        explain(record_of("demo"), "visoin.1", "en", "demo.json")
    message = str(caught.value)
    assert message.startswith("demo.json: unknown id 'visoin.1'; close matches: vision.1")
    with pytest.raises(InputError, match="no close match"):
        explain(record_of("demo"), "zzzz", "en")


# --- Through the command line ------------------------------------------------------------------


def test_cli_explain(cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, err = cli("explain", GOLDEN / "demo.json", "understanding.3")
    assert (code, err) == (0, "")
    assert out.startswith("Criterion understanding.3 — Knowledge of each customer's individual situation")
    code, out, err = cli("explain", GOLDEN / "demo.json", "--lang", "fr")
    assert code == 0 and out.startswith("Explication — Mutuelle des Trois Rivières (2026-MTR-001)")


def test_cli_unknown_id_and_malformed_records_exit_2(cli: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    code, out, err = cli("explain", GOLDEN / "demo.json", "visoin.1")
    assert code == 2 and out == ""
    assert "close matches: vision.1" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", "utf-8")
    code, _, err = cli("explain", broken)
    assert code == 2 and err.startswith(f"error: {broken}: line 1, column 2: not a labelaudit record")
    partial = tmp_path / "partial.json"
    data = record_of("demo")
    del data["tree"]
    partial.write_text(json.dumps(data), "utf-8")
    code, _, err = cli("explain", partial)
    assert code == 2 and "incomplete or malformed record: KeyError: 'tree'" in err


def test_explain_does_not_change_the_record() -> None:
    record = record_of("demo")
    before = copy.deepcopy(record)
    explain(record, None, "en")
    explain(record, "processes.2", "en")
    assert record == before


# --- Messages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "prefix"),
    [
        pytest.param("documents.explain", "explain", id="explain"),
        pytest.param("verify", "verify", id="verify"),
        pytest.param("whatif", "whatif", id="whatif"),
        pytest.param("compare", "compare", id="compare"),
    ],
)
def test_every_message_exists_in_both_languages_with_the_same_placeholders(module: str, prefix: str) -> None:
    import importlib
    import string

    from labelaudit.i18n import MESSAGES

    importlib.import_module(f"labelaudit.{module}")
    keys = [k for k in MESSAGES if k.startswith(f"{prefix}.")]
    assert len(keys) >= 10
    for key in keys:
        fr, en = MESSAGES[key]["fr"], MESSAGES[key]["en"]
        assert fr.strip() and en.strip(), key
        fields = [sorted(f for _, f, _, _ in string.Formatter().parse(text) if f) for text in (fr, en)]
        assert fields[0] == fields[1], key


def test_the_outcome_names_the_sites_without_a_result_or_a_visit() -> None:
    assert "  all 3 sites were visited and each has a result of its own" in explain(record_of("demo"), None, "en")
    text = explain(record_of("deferred"), None, "fr")
    assert "Sites :" in text
    assert "  - 2 site(s) sans résultat propre (couverture du site seul sous le minimum de 70\u00a0%), non jugé(s) " \
        "par les portes de site : vierzon, romorantin" in text


# --- Decimals by default, the exact fractions on request ----------------------------------------

LONG_FRACTION = re.compile(r"\d+/\d{4,}")  # a fraction whose denominator runs past three digits


@pytest.mark.parametrize("name", RECORDS)
def test_explain_shows_decimals_by_default_and_fractions_with_exact(name: str) -> None:
    record = record_of(name)
    for element in (None, *[f.node["id"] for f in elements(record)][:12]):
        plain, exact_text = explain(record, element, "en"), explain(record, element, "en", exact=True)
        assert not LONG_FRACTION.search(plain), (element, LONG_FRACTION.search(plain))
        assert "exactly:" not in plain
        if element is None:
            assert Fraction(record["outcome"]["points"]["exact"]).denominator == 1 or record["outcome"]["points"]["exact"] in exact_text


def test_the_demo_criterion_in_decimals_checked_by_hand() -> None:
    text = explain(record_of("demo"), "understanding.3", "en")
    assert "value = mean of the sites = (3 + 4 + 3) / 3 = 3.333333" in text
    assert "attainment = (v − f) / (t − f) = (3.333333 − 0) / (4 − 0) = 3.333333 / 4 = 0.833333 → clamped to [0, 1]: 0.833333 = 83.3 %" in text
    assert "value (pooled answers): -0.306122, n = 539, interval [-0.390899, -0.221345]" in text
    assert "weight 1.5 in its requirement; tree share 2.8 %; pyramid 3" in text
    assert "10/3" not in text and "117/196" not in text
    exact_text = explain(record_of("demo"), "understanding.3", "en", exact=True)
    assert "10/3 = 3.333333" in exact_text and "117/196" in exact_text and "tree share 1/36 = 2.8 %" in exact_text


def test_cli_explain_exact_option(cli: Callable[..., tuple[int, str, str]]) -> None:
    record = GOLDEN / "demo.json"
    code, plain, _ = cli("explain", record)
    assert code == 0 and "2879456833359805402684713895" not in plain and "points = overall attainment × max points = 73.4 % × 1,000 = 733.9" in plain
    code, exact_out, _ = cli("explain", record, "--exact")
    assert code == 0 and "exactly: 575891366671961080536942779/784713858310870022341006200 × 1,000" in exact_out
