"""`labelaudit whatif`: the changed decision is the one a hand recomputation predicts, and the
decision as audited stays exactly what `score` gives.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from clirun import FIXTURES
from labelaudit.collect import Collected, collect, file_digest, prepare
from labelaudit.errors import InputError
from labelaudit.plugins import Plugins, load_plugins
from labelaudit.record import dumps
from labelaudit.whatif import Changes, parse_changes, records, what_if
from labelaudit.workflow import score_audit

from conftest import CliRun as Cli
Record = dict[str, Any]




@pytest.fixture(scope="module")
def plugins() -> Plugins:
    return load_plugins()


@pytest.fixture(scope="module")
def demo(plugins: Plugins) -> Collected:
    return collect(prepare(FIXTURES / "demo", plugins), plugins)


def run(collected: Collected, plugins: Plugins, changes: Changes) -> tuple[Record, Record]:
    return records(collected, what_if(collected, plugins, changes), plugins)


def _mean(pairs: Iterable[tuple[Fraction, Fraction]]) -> Fraction | None:
    pairs = list(pairs)
    if not pairs:
        return None
    return sum(w * a for w, a in pairs) / sum(w for w, _ in pairs)


def hand_points(record: Record, factors: dict[str, Fraction]) -> Fraction:
    """The points redone from a record's binding attainments with some sources' weights scaled
    (the `renormalize` policy of the demo: unevidenced bindings and children are left out)."""
    dimensions = []
    for d in record["tree"]["dimensions"]:
        requirements = []
        for r in d["requirements"]:
            criteria = []
            for c in r["criteria"]:
                bindings = [b for b in c["bindings"] if b["status"] == "evidenced" and not c["excluded"]]
                value = _mean((Fraction(b["weight"]) * factors.get(b["source"], Fraction(1)), Fraction(b["attainment"]["exact"])) for b in bindings)
                if value is not None:
                    criteria.append((Fraction(c["weight"]), value))
            value = _mean(criteria)
            if value is not None:
                requirements.append((Fraction(r["weight"]), value))
        value = _mean(requirements)
        if value is not None:
            dimensions.append((Fraction(d["weight"]), value))
    return (_mean(dimensions) or Fraction(0)) * Fraction(record["scheme"]["max_points"])


def criterion(record: Record, criterion_id: str) -> dict[str, Any]:
    return next(c for d in record["tree"]["dimensions"] for r in d["requirements"] for c in r["criteria"] if c["id"] == criterion_id)


# --- Source weights ----------------------------------------------------------------------------


def test_customer_weight_doubled_moves_points_as_predicted_by_hand(demo: Collected, plugins: Plugins) -> None:
    before, after = run(demo, plugins, Changes(source_weights={"customer": Fraction(2)}))
    old, new = Fraction(before["outcome"]["points"]["exact"]), Fraction(after["outcome"]["points"]["exact"])
    assert hand_points(before, {}) == old
    predicted = hand_points(before, {"customer": Fraction(2)})
    assert new == predicted
    assert (new > old) == (predicted > old) and new != old
    assert new < old  # the demo's customers are harsher than its auditors where both speak


def test_the_decision_as_audited_is_unchanged(demo: Collected, plugins: Plugins) -> None:
    weights = [b.weight for c in demo.prepared.scheme.criteria() for b in c.bindings]
    digests = {name: file_digest(FIXTURES / "demo" / name) for name in demo.input_digests}
    before, _ = run(demo, plugins, Changes(source_weights={"customer": Fraction(2)}, without_exclusions=True))
    assert dumps(before) == dumps(score_audit(FIXTURES / "demo", plugins).record)
    assert [b.weight for c in demo.prepared.scheme.criteria() for b in c.bindings] == weights
    assert digests == demo.input_digests


def test_a_factor_of_one_changes_nothing(demo: Collected, plugins: Plugins) -> None:
    before, after = run(demo, plugins, Changes(source_weights={"customer": Fraction(1), "onsite": Fraction(1)}))
    assert dumps(before) == dumps(after)


def test_source_weight_changes_the_binding_shares(demo: Collected, plugins: Plugins) -> None:
    _, after = run(demo, plugins, Changes(source_weights={"employee": Fraction(3, 2)}))
    bindings = {b["id"]: b for b in criterion(after, "vision.1")["bindings"]}
    assert bindings["employee/E01/top2box"]["weight"] == "3/2"
    assert bindings["onsite"]["share"]["exact"] == "2/5"  # 2 / (2 + 1.5 + 1.5)


# --- The other changes -------------------------------------------------------------------------


def test_without_exclusions_scores_innovation_3(demo: Collected, plugins: Plugins) -> None:
    before, after = run(demo, plugins, Changes(without_exclusions=True))
    assert criterion(before, "innovation.3")["excluded"]
    scored = criterion(after, "innovation.3")
    assert not scored["excluded"]
    assert [b["status"] for b in scored["bindings"]] == ["missing"]  # the grid has no level for it
    share = Fraction(scored["tree_share"]["exact"])
    assert Fraction(after["outcome"]["coverage"]["exact"]) == 1 - share  # every other criterion is covered
    codes = [(r["code"], r["params"].get("criterion")) for r in after["outcome"]["reasons"]]
    assert ("missing", "innovation.3") in codes and ("excluded", "innovation.3") not in codes


def test_drop_source_leaves_its_evidence_out(demo: Collected, plugins: Plugins) -> None:
    _, after = run(demo, plugins, Changes(dropped_sources=frozenset({"customer"})))
    assert after["tree"]["sources"]["customer"]["exact"] is None
    assert {b["status"] for d in after["tree"]["dimensions"] for r in d["requirements"] for c in r["criteria"] for b in c["bindings"] if b["source"] == "customer"} == {"missing"}
    assert after["tree"]["sources"]["employee"]["exact"] is not None


CHANGES = (
    Changes(source_weights={"customer": Fraction(3), "onsite": Fraction(1, 2)}),
    Changes(dropped_sources=frozenset({"employee"})),
    Changes(without_exclusions=True),
    Changes(min_coverage=Fraction(95, 100), gates_off=frozenset({"no-unacceptable"})),
)


@pytest.mark.parametrize("changes", CHANGES, ids=("weights", "drop", "exclusions", "coverage-gate"))
@pytest.mark.parametrize("audit", ("demo", "capped", "refused"))
def test_the_shared_measures_give_the_decision_scored_afresh(plugins: Plugins, audit: str, changes: Changes) -> None:
    """A what-if measures each binding once for both its decisions (a measure depends on the
    evidence alone): each decision is exactly the one scored on its own, from nothing."""
    from labelaudit.engine import score
    from labelaudit.whatif import change_inputs
    from labelaudit.workflow import exclusions_of, inputs_of, with_skipped_sources

    collected = collect(prepare(FIXTURES / audit, plugins), plugins)
    result = what_if(collected, plugins, changes)
    inputs, exclusions = inputs_of(collected, plugins), exclusions_of(collected)
    assert result.before == with_skipped_sources(score(inputs, exclusions), collected)
    assert result.after == with_skipped_sources(score(*change_inputs(inputs, exclusions, changes)), collected)


def test_gate_off_lifts_the_cap(plugins: Plugins) -> None:
    capped = collect(prepare(FIXTURES / "capped", plugins), plugins)
    before, after = run(capped, plugins, Changes(gates_off=frozenset({"no-unacceptable"})))
    assert before["outcome"]["level"] == "engage"
    assert after["outcome"]["level"] == "excellence"
    assert "no-unacceptable" not in [g["id"] for g in after["gates"]]


def test_level_threshold_and_min_coverage(demo: Collected, plugins: Plugins) -> None:
    points = Fraction(run(demo, plugins, Changes())[0]["outcome"]["points"]["shown"])
    _, after = run(demo, plugins, Changes(level_thresholds={"confirme": points + Fraction(1, 10)}))
    assert after["outcome"]["level"] == "engage"
    _, after = run(demo, plugins, Changes(level_thresholds={"confirme": points}))
    assert after["outcome"]["level"] == "confirme"  # reached when equal
    deferred = collect(prepare(FIXTURES / "deferred", plugins), plugins)
    before, after = run(deferred, plugins, Changes(min_coverage=Fraction(20)))
    assert before["outcome"]["status"] == "deferred"
    assert after["outcome"]["status"] != "deferred"


# --- Options -----------------------------------------------------------------------------------


def options(**given: Any) -> argparse.Namespace:
    base: dict[str, Any] = {
        "source_weight": [], "min_coverage": None, "level_threshold": [], "gate_off": [], "drop_source": [], "without_exclusions": False,
    }
    return argparse.Namespace(**{**base, **given})


@pytest.mark.parametrize(
    ("given", "option", "fragment"),
    [
        ({"source_weight": ["client=2"]}, "--source-weight", "unknown source 'client' (known: customer, employee, onsite)"),
        ({"source_weight": ["customer=0"]}, "--source-weight", "greater than 0"),
        ({"source_weight": ["customer=-1"]}, "--source-weight", "greater than 0"),
        ({"source_weight": ["customer"]}, "--source-weight", "expected SOURCE=FACTOR"),
        ({"source_weight": ["customer=two"]}, "--source-weight", "expected a number, got 'two'"),
        ({"min_coverage": "120"}, "--min-coverage", "from 0 to 100"),
        ({"level_threshold": ["gold=900"]}, "--level-threshold", "unknown level 'gold'"),
        ({"level_threshold": ["confirme=900"]}, "--level-threshold", "strictly increasing"),
        ({"gate_off": ["no-such-gate"]}, "--gate-off", "unknown gate 'no-such-gate'"),
        ({"drop_source": ["queue"]}, "--drop-source", "unknown source 'queue'"),
    ],
)
def test_bad_options_name_the_option(demo: Collected, given: dict[str, Any], option: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_changes(options(**given), demo.prepared.scheme)
    assert str(caught.value).startswith(f"{option}: ")
    assert fragment in str(caught.value)


def test_options_are_read_exactly(demo: Collected) -> None:
    changes = parse_changes(options(source_weight=["customer=1,5"], min_coverage="72.5 %", level_threshold=["excellence=812.5"]), demo.prepared.scheme)
    assert changes.source_weights == {"customer": Fraction(3, 2)}
    assert changes.min_coverage == Fraction(145, 2)
    assert changes.level_thresholds == {"excellence": Fraction(1625, 2)}


# --- Through the command line ------------------------------------------------------------------


def test_cli_whatif_side_by_side(cli: Cli, demo: Collected, plugins: Plugins) -> None:
    before, after = run(demo, plugins, Changes(source_weights={"customer": Fraction(2)}, without_exclusions=True))
    code, out, err = cli("whatif", FIXTURES / "demo", "--source-weight", "customer=2", "--without-exclusions")
    assert (code, err) == (0, ""), out
    lines = out.splitlines()
    assert lines[:4] == [
        "What if — Mutuelle des Trois Rivières (2026-MTR-001)",
        "Changes:",
        "  - weight of every Customer perception binding × 2",
        "  - criteria declared not applicable are scored: innovation.3",
    ]
    old, new = before["outcome"]["points"]["shown"], after["outcome"]["points"]["shown"]
    points = next(line for line in lines if line.startswith("Points"))
    assert points.split()[1:3] == [old, new]
    coverage = next(line for line in lines if line.startswith("Coverage"))
    assert coverage.split()[1:3] == ["100.0%", f"{after['outcome']['coverage']['percent']}%"]
    customer = next(line for line in lines if line.strip().startswith("Customer perception"))
    assert customer.split()[2:4] == [f"{before['tree']['sources']['customer']['percent']}%", f"{after['tree']['sources']['customer']['percent']}%"]


def test_cli_bad_option_exits_2_before_collecting(cli: Cli, tmp_path: Path) -> None:
    audit = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", audit)
    (audit / "surveys" / "clients.csv").write_text("Inconnu;Autre\n1;2\n", "utf-8")  # collecting would fail on this
    code, out, err = cli("whatif", audit, "--source-weight", "customer=0", "--lang", "fr")
    assert code == 2 and out == ""
    assert err == "erreur: --source-weight: le facteur doit être supérieur à 0, trouvé 0\n"
