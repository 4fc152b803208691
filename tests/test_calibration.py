"""`register calibration`: leniency against perception, spread against peers, Krippendorff's alpha
between two auditors, on generated registers whose truth is known (a lenient auditor, a fair one)."""

from __future__ import annotations

import json
import random
from fractions import Fraction
from pathlib import Path
from typing import Any

import krippendorff
import pytest

from labelaudit.committee.calibration import Estimate, agreement, calibrate, mean_interval, ordinal_alpha, record_cells
from labelaudit.committee.chain import load_record_digest
from labelaudit.committee.ratings import Pair, ratings_path
from labelaudit.committee.register import add_record, open_register
from labelaudit.errors import InputError
from labelaudit.plugins import load_plugins
from labelaudit.record import dumps

GOLDEN = Path(__file__).resolve().parent / "golden"
LEVELS = (0, 1, 2, 3, 4)


def _set_sites(binding: dict[str, Any], values: dict[str, Fraction], n: int | None) -> None:
    binding["sites"] = [
        {"site": site, "value": {"exact": str(v), "shown": f"{float(v):.6f}"}, "n": n,
         "low": {"exact": None, "shown": None}, "high": {"exact": None, "shown": None}}
        for site, v in values.items()
    ]


def generated(folder: Path, audit: str, auditor: str, bias: float, seed: int) -> Path:
    """The demo record as another audit by `auditor`: each site's perception attainment on each
    element drawn at random, its on-site levels the nearest level to that attainment plus `bias`
    plus a little noise (so a fair auditor, bias 0, errs both ways by the levels' rounding)."""
    record = json.loads((GOLDEN / "demo.json").read_text("utf-8"))
    record["audit"].update({"id": audit, "auditors": [auditor], "organisation": f"Organisation {audit}"})
    rng = random.Random(seed)
    sites = [s["id"] for s in record["audit"]["sites"]]
    for dimension in record["tree"]["dimensions"]:
        for requirement in dimension["requirements"]:
            truth = {s: Fraction(rng.randint(30, 60), 100) for s in sites}
            for criterion in requirement["criteria"]:
                for b in criterion["bindings"]:
                    floor, target = Fraction(b["floor"]), Fraction(b["target"])
                    if b["source"] == "onsite":
                        levels = {}
                        for s in sites:
                            wanted = floor + (truth[s] + Fraction(bias) + Fraction(rng.randint(-5, 5), 100)) * (target - floor)
                            levels[s] = Fraction(min(LEVELS, key=lambda lv: abs(lv - wanted)))
                        _set_sites(b, levels, None)
                        b["evidence"] = [{**e, "who": auditor} for e in b["evidence"]]
                    else:
                        _set_sites(b, {s: floor + truth[s] * (target - floor) for s in sites}, 40)
    path = folder / f"{audit}.json"
    path.write_text(dumps(record), "utf-8")
    return path


@pytest.fixture(scope="module")
def scheme() -> Any:
    return load_plugins().scheme("en16880")


def network(folder: Path) -> Path:
    """A register of eight audits: four by a lenient auditor (+30 points), four by a fair one."""
    db = folder / "register.sqlite"
    with open_register(db) as conn:
        for i in range(4):
            add_record(conn, generated(folder, f"2026-LEN-{i}", "Lucie Large", 0.30, seed=i), today=_today())
            add_record(conn, generated(folder, f"2026-FAI-{i}", "Franck Juste", 0.0, seed=100 + i), today=_today())
    return db


def _today() -> Any:
    import datetime as dt

    return dt.date(2027, 1, 1)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    from labelaudit.committee import register_commands

    monkeypatch.setattr(register_commands, "_today", _today)


def test_a_lenient_auditor_is_flagged_and_a_fair_one_is_not(tmp_path: Path, cli: Any, clock: None) -> None:
    db = network(tmp_path)
    code, out, err = cli("register", "calibration", "--register", db, "--format", "json")
    assert code == 0, err
    (found,) = json.loads(out)
    auditors = {a["auditor"]: a for a in found["auditors"]}
    lenient, fair = auditors["Lucie Large"], auditors["Franck Juste"]
    assert found["records"] == 8 and lenient["visits"] == fair["visits"] == 12
    assert len(lenient["leniency"]) == 9  # the nine elements
    assert {e: v["flag"] for e, v in lenient["leniency"].items()} == dict.fromkeys(lenient["leniency"], "lenient")
    assert {e: v["flag"] for e, v in fair["leniency"].items()} == dict.fromkeys(fair["leniency"], None)
    for element in fair["leniency"].values():  # a fair auditor's interval holds 0, and is Bonferroni's
        assert element["low"] < 0 < element["high"] and element["n"] == 12
        assert element["confidence"] == pytest.approx(1 - 0.05 / 9, abs=1e-6)
    assert lenient["peers"]["flag"] == "lenient" and fair["peers"]["flag"] == "severe"
    assert lenient["peers"]["peer_visits"] == 12
    code, out, _ = cli("register", "calibration", "--register", db)
    lines = out.splitlines()
    assert code == 0 and any(line.startswith("  vision ") and line.endswith("more lenient") for line in lines)
    assert "nan" not in out.lower()


def test_the_leniency_mean_is_exact(tmp_path: Path, scheme: Any) -> None:
    """The mean difference is a Fraction computed from the record's exact per-site values."""
    path = generated(tmp_path, "2026-EXA-1", "Franck Juste", 0.0, seed=7)
    record, digest = load_record_digest(path)
    cells = record_cells(record, digest, scheme, path).cells
    vision = [c for c in cells if c.element == "vision"]
    assert len(vision) == 3 and all(isinstance(c.onsite, Fraction) and isinstance(c.perception, Fraction) for c in vision)
    estimate = mean_interval([c.difference for c in vision], 0.95)
    assert estimate.mean == sum((c.difference for c in vision), Fraction(0)) / 3


def test_alpha_equals_the_packages_on_a_hand_checked_example() -> None:
    """Two raters, six units on 0-4. By hand (Krippendorff 2011, ordinal): n = 12 pairable values,
    marginals n0..n4 = 1, 3, 4, 2, 2; D_o = (2·4 + 4·9)/12 = 11/3; D_e = 3240/132 = 270/11;
    alpha = 1 − (11/3)/(270/11) = 689/810."""
    first, second = [1, 2, 3, 0, 4, 2], [1, 2, 2, 1, 4, 3]
    units = [(Fraction(a), Fraction(b)) for a, b in zip(first, second, strict=True)]
    domain = [Fraction(v) for v in LEVELS]
    ours = ordinal_alpha(units, domain)
    package = krippendorff.alpha(reliability_data=[first, second], level_of_measurement="ordinal",
                                 value_domain=list(LEVELS))
    assert ours == package == pytest.approx(689 / 810, abs=1e-12)


def _pairs(levels: list[tuple[int, int]]) -> list[Pair]:
    return [Pair("A", "lyon", f"c.{i}", ("Claire Dubois",), "Marc Lefèvre", Fraction(a), Fraction(b))
            for i, (a, b) in enumerate(levels)]


def test_alpha_is_one_for_identical_ratings() -> None:
    found = agreement(_pairs([(1, 1), (3, 3), (4, 4), (2, 2)]), [Fraction(v) for v in LEVELS])
    assert found.alpha == 1.0 and found.same == 1 and found.units == 4


def test_too_few_data_says_so() -> None:
    domain = [Fraction(v) for v in LEVELS]
    assert agreement(_pairs([(2, 3)]), domain).alpha is None  # one unit
    assert agreement(_pairs([(2, 2), (2, 2), (2, 2)]), domain).alpha is None  # one level: D_e = 0
    assert agreement([], domain).units == 0
    one = mean_interval([Fraction(1, 5)], 0.95)
    assert one == Estimate(1, Fraction(1, 5)) and one.flag is None
    assert mean_interval([], 0.95).mean is None


def test_one_visit_shows_too_few_data_not_nan(tmp_path: Path, cli: Any, clock: None) -> None:
    path = generated(tmp_path, "2026-ONE-1", "Franck Juste", 0.0, seed=3)
    record = json.loads(path.read_text("utf-8"))
    for dimension in record["tree"]["dimensions"]:  # keep one site only
        for requirement in dimension["requirements"]:
            for criterion in requirement["criteria"]:
                for b in criterion["bindings"]:
                    b["sites"] = b["sites"][:1]
    path.write_text(dumps(record), "utf-8")
    db = tmp_path / "register.sqlite"
    assert cli("register", "add", path, "--register", db)[0] == 0
    for fmt in ("text", "csv", "json"):
        code, out, err = cli("register", "calibration", "--register", db, "--format", fmt)
        assert code == 0, err
        assert "nan" not in out.lower() and "inf" not in out.lower()
    code, out, _ = cli("register", "calibration", "--register", db)
    assert "too few data (n = 1, at least 2)" in out
    assert "agreement: too few data (criteria rated twice: 0; at least 2 are needed" in out


def test_two_auditors_agreement_from_a_ratings_file(tmp_path: Path, cli: Any, clock: None, scheme: Any) -> None:
    path = generated(tmp_path, "2026-TWO-1", "Claire Dubois", 0.0, seed=11)
    record, digest = load_record_digest(path)
    levels = record_cells(record, digest, scheme, path).levels
    criteria = [c for (site, c) in levels if site == "lyon"][:10]
    first = [levels[("lyon", c)].level for c in criteria]
    second = [min(4, lv + (i % 3 == 0)) for i, lv in enumerate(first)]  # one level up, every third
    table = ", ".join(f'"{c}" = {int(v)}' for c, v in zip(criteria, second, strict=True))
    ratings_path(path).write_text(f'record = "{digest}"\nauditor = "Marc Lefèvre"\n\n[[sites]]\nsite = "lyon"\n'
                                  f"levels = {{ {table} }}\n", "utf-8")
    db = tmp_path / "register.sqlite"
    assert cli("register", "add", path, "--register", db)[0] == 0
    code, out, err = cli("register", "calibration", "--register", db, "--format", "json")
    assert code == 0, err
    (found,) = json.loads(out)
    expected = krippendorff.alpha(reliability_data=[[float(v) for v in first], [float(v) for v in second]],
                                  level_of_measurement="ordinal", value_domain=list(LEVELS))
    assert found["agreement"]["units"] == 10 and found["agreement"]["alpha"] == pytest.approx(expected, abs=1e-6)
    marc = next(a for a in found["auditors"] if a["auditor"] == "Marc Lefèvre")
    assert marc["agreement"]["units"] == 10 and marc["leniency"] == {}  # a second rater only
    same = sum(a == b for a, b in zip(first, second, strict=True))
    assert found["agreement"]["same"] == str(Fraction(same, 10))


def test_a_ratings_file_is_checked_against_the_record(tmp_path: Path, scheme: Any) -> None:
    from labelaudit.committee.calibration import record_pairs

    path = generated(tmp_path, "2026-BAD-1", "Claire Dubois", 0.0, seed=5)
    record, digest = load_record_digest(path)
    levels = record_cells(record, digest, scheme, path).levels
    ratings_path(path).write_text(
        'record = "sha256:00"\n\n[[sites]]\nsite = "paris"\nauditor = "Marc"\nlevels = { "vision.1" = 2 }\n\n'
        '[[sites]]\nsite = "lyon"\nauditor = "CLAIRE DUBOIS"\nlevels = { "vision.1" = 2 }\n\n'
        '[[sites]]\nsite = "valence"\nauditor = "Marc"\nlevels = { "vision.1" = 7, "nope.1" = 1 }\n', "utf-8")
    with pytest.raises(InputError) as caught:
        record_pairs(record, digest, scheme, path, levels)
    text = str(caught.value)
    assert f"this file rates another record (sha256:00): expected {digest}" in text
    assert "site paris has no on-site levels in the record" in text
    assert "CLAIRE DUBOIS gave the record's levels at this site" in text
    assert "level 7 is not on the grid's scale (expected one of 0, 1, 2, 3, 4)" in text
    assert "no on-site level for criterion nope.1 at site valence" in text


def test_calibrate_without_peers_or_data_divides_by_nothing(scheme: Any) -> None:
    found = calibrate(scheme, [], [], records=0)
    assert found.auditors == () and found.agreement.alpha is None
