"""`labelaudit plan-survey`: the responses needed per site, against hand-computed values."""

from __future__ import annotations

import re
import math
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from clirun import FIXTURES, run
from labelaudit.cycle.planning import corrected, n0_of, plan_survey
from labelaudit.audits import load_audit
from labelaudit.plugins import load_plugins

Z95 = Fraction(1959964, 10**6)  # the engine's z at 95 %, rounded to six decimals


def test_n0_and_the_finite_population_correction_by_hand() -> None:
    # z²·p(1 − p)/W² at p = 1/2, W = 0.05: 1.959964² × 0.25 / 0.0025 = 384.1458881296
    n0 = n0_of(Z95, Fraction(1, 4), Fraction(5, 100))
    assert n0 == Fraction("384.1458881296")
    assert corrected(n0, None) == 385
    # W = 0.08: n0 = 150.056987550625; a team of 30: 150.056987550625 / (1 + 149.056987550625/30) = 25.14…
    n0 = n0_of(Z95, Fraction(1, 4), Fraction(8, 100))
    assert n0 == Fraction("150.056987550625")
    assert corrected(n0, 30) == 26 == math.ceil(150.056987550625 / (1 + 149.056987550625 / 30))
    assert corrected(n0, 4) == 4  # never more than the population
    assert corrected(Fraction(1), 10) == 1


@pytest.fixture
def demo() -> tuple:
    plugins = load_plugins(entry_points="builtins")
    audit, _, _ = load_audit(FIXTURES / "demo")
    return audit, plugins.scheme(audit.scheme)


def test_plan_of_the_demo_employee_survey(demo: tuple) -> None:
    audit, scheme = demo
    plan = plan_survey(audit, scheme, sources=["employee"], width=Fraction(8, 100), populations={("employee", "lyon"): 30})
    (source,) = plan.sources
    assert source.governing is not None and source.governing.family == "share"
    by_site = {s.site: s for s in source.sites}
    assert (by_site["lyon"].n, by_site["lyon"].population) == (26, 30)  # 26 of 30
    assert by_site["grenoble"].n == by_site["valence"].n == 151  # no population: ⌈150.06⌉
    # pooled (n_h/n weights): v = Σ (n_h/n)²·(1/4)/n_h·(1 − n_h/N_h) = (1/4)/n² · Σ n_h·(1 − n_h/N_h)
    n = 26 + 151 + 151
    v = Fraction(1, 4) / n**2 * (26 * (1 - Fraction(26, 30)) + 151 + 151)
    expected = float(Z95) * math.sqrt(v)
    assert source.pooled_half_width is not None and abs(float(source.pooled_half_width) - expected) < 2e-6


def test_means_use_the_scale_points_and_a_conservative_spread(demo: tuple) -> None:
    audit, scheme = demo
    plan = plan_survey(audit, scheme, sources=["customer"], mean_width=Fraction(1, 4))
    means = next(r for r in plan.sources[0].needs if r.family == "mean")
    # 1–5 scale: s = 4/4 = 1 point; W = 0.25 point: n0 = 1.959964² / 0.0625 = 61.46334…
    assert (means.spread, means.variance, means.shown_width) == (4, 1, Fraction(1, 4))
    assert means.n0 == Z95**2 / Fraction(1, 16)


def test_populations_below_the_thresholds_are_flagged(demo: tuple) -> None:
    audit, scheme = demo
    pops = {("employee", "lyon"): 4, ("employee", "grenoble"): 12, ("employee", "valence"): 200}
    sites = {s.site: s for s in plan_survey(audit, scheme, sources=["employee"], populations=pops).sources[0].sites}
    assert sites["lyon"].below_anonymity and sites["lyon"].below_minimum and sites["lyon"].n == 4
    assert not sites["grenoble"].below_anonymity and sites["grenoble"].below_minimum and sites["grenoble"].census
    assert not sites["valence"].below_minimum and sites["valence"].n == corrected(n0_of(Z95, Fraction(1, 4), Fraction(1, 20)), 200)


def test_the_command_prints_the_plan_with_its_assumptions(tmp_path: Path) -> None:
    result = run("plan-survey", FIXTURES / "demo", "--source", "employee", "--width", "0.08", "--population", "lyon=30", "--population", "valence=4")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert "  the scheme's confidence 95%: z = 1.959964" in lines
    assert any("σ² = p(1 − p) assumed at p = 0.5, the widest case; half-width ±0.08 (share, 0 to 1) → n0 = 150.056988" in l for l in lines)
    assert any("s = (max − min)/4 = 4/4 = 1 assumed" in l for l in lines)
    lyon = next(l for l in lines if l.strip().startswith("lyon"))
    assert lyon.split()[:3] == ["lyon", "30", "26"]
    valence = next(l for l in lines if l.strip().startswith("valence"))
    assert "population < anonymity threshold (5): its results can never be shown" in valence
    assert "population < minimum sample (15)" in valence
    assert any("stratified design (every site surveyed): 181 responses over 3 site(s)" in l for l in lines)


def test_populations_from_a_csv_file_and_a_previous_record(tmp_path: Path) -> None:
    csv = tmp_path / "populations.csv"
    csv.write_text("site;source;population\nlyon;employee;30\ngrenoble;customer;5000\n", encoding="utf-8")
    record = tmp_path / "demo.json"
    assert run("score", FIXTURES / "demo", "-o", record).code == 0
    result = run("plan-survey", FIXTURES / "demo", "--populations", csv, "--previous", record, "--lang", "fr")
    assert result.code == 0, result
    assert f"la plus grande lue dans {record}" in result.out
    employee = result.out[result.out.index("Source Perception collaborateurs") :]
    assert next(l for l in employee.splitlines() if l.strip().startswith("lyon")).split()[1] == "30"
    customer = result.out[: result.out.index("Source Perception collaborateurs")]
    grenoble = next(l for l in customer.splitlines() if l.strip().startswith("grenoble"))
    assert re.split(r" {2,}", grenoble.strip())[1] == "5\u202f000"  # French groups thousands with a narrow no-break space


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("site,source,population\nlyon,employee,zero\n", "populations.csv: row 2: expected a whole number of 1 or more, got 'zero'"),
        ("site,source,population\nparis,employee,3\n", "populations.csv: row 2: unknown site 'paris' (3 site(s) in the audit: lyon, grenoble, valence)"),
        ("site,source,population\nlyon,visits,3\n", "populations.csv: row 2: unknown survey source 'visits' (known: customer, employee)"),
        ("site,source\nlyon,employee\n", "populations.csv: row 1: expected the columns site, source, population, found: site, source"),
        ("site,source,population\nlyon,employee,3\nlyon,employee,4\n", "populations.csv: row 3: the population of lyon for employee is already given on row 2"),
    ],
    ids=["not-a-number", "unknown-site", "unknown-source", "header", "duplicate"],
)
def test_a_bad_populations_file_is_placed(tmp_path: Path, content: str, expected: str) -> None:
    csv = tmp_path / "populations.csv"
    csv.write_text(content, encoding="utf-8")
    result = run("plan-survey", FIXTURES / "demo", "--populations", csv)
    assert result.code == 2, result
    assert expected in result.err and "Traceback" not in result.err


def test_the_worked_example_of_the_docs_is_what_the_planner_computes() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "scoring.md").read_text("utf-8")
    section = doc[doc.index("## Planning a survey") :]
    n0 = n0_of(Z95, Fraction(1, 4), Fraction(8, 100))
    assert f"1.959964² × 0.25 / 0.08² = {float(n0)!r}" in section.replace("\n", " ")
    assert "**26 answers out of 30**" in section and corrected(n0, 30) == 26
    assert "would ask for 151 answers" in section and corrected(n0, None) == 151


def test_every_message_exists_in_both_languages_with_the_same_placeholders() -> None:
    import string

    import labelaudit.cycle.commands  # noqa: F401  (registers the messages)
    from labelaudit.i18n import MESSAGES

    keys = [k for k in MESSAGES if k.startswith("cycle.")]
    assert len(keys) >= 60
    for key in keys:
        fr, en = MESSAGES[key]["fr"], MESSAGES[key]["en"]
        assert fr.strip() and en.strip(), key
        fields = [sorted(f for _, f, _, _ in string.Formatter().parse(text) if f) for text in (fr, en)]
        assert fields[0] == fields[1], key
    # the keys the commands build from values
    for family in ("share", "nps", "mean", "gap"):
        assert f"cycle.family_{family}" in MESSAGES and f"cycle.unit_{family}" in MESSAGES
    for name in ("stage_initial", "stage_surveillance", "stage_renewal", "reason_random", "reason_risk",
                 "reason_required", "policy_pooled", "policy_equal", "visited_from_sampling", "visited_from_onsite",
                 "assume_mean", "assume_gap"):
        assert f"cycle.{name}" in MESSAGES


def test_equal_site_weights_give_the_mean_of_the_sites_variances(demo: tuple) -> None:
    import attrs

    audit, scheme = demo
    equal = attrs.evolve(scheme, policies=attrs.evolve(scheme.policies, sites="equal"))
    pops = {("employee", "lyon"): 30}
    (source,) = plan_survey(audit, equal, sources=["employee"], width=Fraction(8, 100), populations=pops).sources
    # W_h = 1/3: v = (1/9)·(1/4)·(1/26·4/30 + 1/151 + 1/151)
    v = Fraction(1, 9) * Fraction(1, 4) * (Fraction(1, 26) * Fraction(4, 30) + Fraction(2, 151))
    assert source.pooled_half_width is not None
    assert abs(float(source.pooled_half_width) - float(Z95) * math.sqrt(v)) < 2e-6
