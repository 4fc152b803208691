"""What labelaudit reads is bounded, and every setting is checked against its meaning.

The reading edge (labelaudit.bounds, tomlfiles, record.parse_record), the scheme settings
(labelaudit.settings), unknown keys with their closest known key (convert), `init`'s options
(options) and the on-site sampling plan (audits). The malformed-input suite
(fixtures/malformed/bounds-*) runs the same situations through the real command.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from labelaudit import bounds, tomlfiles
from labelaudit.audits import onsite_visit_problems, sampling_problems
from labelaudit.convert import closest, known_keys, structure
from labelaudit.errors import InputError
from labelaudit.i18n import set_lang
from labelaudit.model import Audit, AuditDates, Binding, Evidence, Policies, Sampling, SamplingPick, Scheme, Site, SourceInputs
from labelaudit.options import init_problems, site
from labelaudit.record import parse_record
from labelaudit.tomlfiles import load_toml, read_bytes

from clirun import REPO, run
from helpers import DEFAULT_REQUIREMENTS

GOLDEN = REPO / "tests" / "golden"


@pytest.fixture(autouse=True)
def english() -> Any:
    set_lang("en")
    yield
    set_lang("en")


def refusal(path: Path, text: str) -> str:
    """The message load_toml gives for `text`, which must be refused, and quickly."""
    path.write_text(text, "utf-8")
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        load_toml(path)
    assert time.monotonic() - started < 5
    return str(caught.value)


# --- Numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [0, 1, -1, 10**15 - 1, Decimal("0.95"), Decimal("1.500000000000000000000"), Decimal("-2.5"),
     Decimal("0.000000000000001"), Decimal("999999999999999.9"), Fraction(1, 3), 0.5, True],
)
def test_numbers_within_bounds_pass(value: object) -> None:
    assert bounds.number_problem(value) is None


@pytest.mark.parametrize(
    "value",
    [10**15, -(10**15), 10**5000, Decimal("1e100000000"), Decimal("1e15"), Decimal("0.0000000000000001"),
     Decimal("Infinity"), Decimal("-Infinity"), Decimal("NaN"), Fraction(1, 10**16), Fraction(10**20, 3),
     float("inf"), float("nan")],
    ids=lambda value: bounds.shown(value, 20),  # repr(10**5000) itself raises
)
def test_numbers_out_of_bounds_are_refused_with_the_bounds(value: object) -> None:
    problem = bounds.number_problem(value)
    assert problem is not None and "between -10^15 and 10^15 with at most 15 decimals" in problem


def test_a_huge_integer_is_shown_short() -> None:
    shown = bounds.shown(10**100000)
    assert len(shown) < 60 and "bits" in shown


# --- TOML --------------------------------------------------------------------------------------


def test_a_huge_exponent_is_refused_at_its_line_and_key(tmp_path: Path) -> None:
    message = refusal(tmp_path / "r.toml", 'id = "x"\n\n[[criteria]]\nweight = 1e100000000\n')
    assert message.endswith(
        "r.toml: line 4, key criteria[0].weight: expected a number between -10^15 and 10^15 with at most "
        "15 decimals, got 1E+100000000"
    )


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("a = 1\nb = " + "9" * 5000 + "\n", "line 2, column 5"),          # int(): ValueError past 4,300 digits
        ("a = 0x" + "f" * 5000 + "\n", "line 1, column 5"),                # hexadecimal too
        ("a = 1e" + "9" * 5000 + "\n", "line 1, column 5"),                # Decimal: InvalidOperation
        ("a = 1." + "1" * 5000 + "\n", "line 1, column 5"),
    ],
)
def test_a_number_written_too_long_is_refused_before_parsing(tmp_path: Path, text: str, place: str) -> None:
    assert f"{place}: a number written with more than 100 characters" in refusal(tmp_path / "n.toml", text)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("a = " + "[" * 200_000 + "]" * 200_000 + "\n", "line 1, column 25"),
        ("\n\na = " + "{b = " * 100_000 + "1" + "}" * 100_000 + "\n", "line 3, column"),
        ("a = " + "[" * 21 + "]" * 21 + "\n", "line 1, column 25"),
    ],
)
def test_nesting_too_deep_is_refused_before_tomllib_recurses(tmp_path: Path, text: str, place: str) -> None:
    message = refusal(tmp_path / "d.toml", text)
    assert place in message and "nested too deep: at most 20 levels of arrays and tables" in message


def test_twenty_levels_are_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.toml"
    path.write_text("a = " + "[" * 20 + "1" + "]" * 20 + "\n", "utf-8")
    assert load_toml(path)[0]["a"]


def test_dotted_keys_too_deep_are_refused_at_their_key(tmp_path: Path) -> None:
    message = refusal(tmp_path / "k.toml", "a" + ".a" * 30 + " = 1\n")
    assert "nested too deep: at most 20 levels" in message and "key a.a.a" in message


def test_brackets_and_digits_inside_strings_and_comments_are_text(tmp_path: Path) -> None:
    text = (
        'a = "' + "[" * 50 + "9" * 200 + '"\n'
        "b = '" + "{" * 50 + "'\n"
        'c = """\n' + "[" * 50 + '\n""\\""" "\n"""\n'
        "d = '''" + "[" * 50 + "''''\n"
        "# " + "[" * 50 + "9" * 200 + "\n"
        "e = [[1, 2], [3]]\n"
        "f = 1_000.5\n"
        "g = 2026-11-20T10:00:00.123456789\n"
    )
    path = tmp_path / "s.toml"
    path.write_text(text, "utf-8")
    data = load_toml(path)[0]
    assert data["f"] == Decimal("1000.5") and data["e"] == [[1, 2], [3]]


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "+nan"])
def test_infinities_and_nan_are_refused(tmp_path: Path, value: str) -> None:
    assert "key w: expected a number between" in refusal(tmp_path / "i.toml", f"w = {value}\n")


def test_many_bad_numbers_give_a_bounded_list(tmp_path: Path) -> None:
    text = "".join(f"k{i} = 1e999\n" for i in range(500))
    path = tmp_path / "many.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError) as caught:
        load_toml(path)
    assert len(caught.value.problems) == bounds.MAX_REPORTED
    assert caught.value.truncated == 500 - bounds.MAX_REPORTED


def test_what_the_text_check_misses_is_still_refused_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tomllib's own failures (int()'s digit limit, recursion) are caught as input errors too."""
    monkeypatch.setattr(tomlfiles, "check_text", lambda path, text: None)
    assert "unreadable number or nesting: Exceeds the limit (4300 digits)" in refusal(
        tmp_path / "a.toml", "a = " + "9" * 5000 + "\n"
    )
    assert "unreadable number or nesting" in refusal(tmp_path / "b.toml", "a = " + "[" * 100_000 + "\n")


def test_a_toml_file_over_the_size_bound_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    with path.open("wb") as handle:  # sparse: the size is known without writing 33 MiB
        handle.truncate(bounds.MAX_TOML_BYTES + 1)
    with pytest.raises(InputError, match=r"big\.toml: file too large: at most 32 MiB is read"):
        load_toml(path)


def test_a_file_of_unknown_size_is_read_only_to_its_bound() -> None:
    with pytest.raises(InputError, match="/dev/zero: file too large: at most"):
        read_bytes(Path("/dev/zero"), limit=1024)


def test_the_bundled_rulesets_and_fixtures_are_within_bounds() -> None:
    for path in [*REPO.glob("rulesets/*/*.toml"), *REPO.glob("rulesets/*/requirements/*.toml"),
                 *REPO.glob("fixtures/*/*.toml")]:
        load_toml(path)


# --- Records -----------------------------------------------------------------------------------


def record_refusal(raw: bytes) -> str:
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        parse_record(Path("r.json"), raw)
    assert time.monotonic() - started < 5
    return str(caught.value)


def test_golden_records_are_within_bounds() -> None:
    for path in GOLDEN.glob("*.json"):
        parse_record(path, path.read_bytes())


HEAD = b'{"format": "labelaudit-record/1", "x": '


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (HEAD + b"[" * 200_000 + b"]" * 200_000 + b"}", "r.json: nested too deep: at most 32 levels"),
        (HEAD + b"[" * 40 + b"]" * 40 + b"}", "key x[0][0]"),
        (HEAD + b"7" * 5000 + b"}", "r.json: line 1, column 40: a whole number of more than 4000 digits"),
        (HEAD + b"NaN}", "NaN is not a valid JSON number"),
        (HEAD + b"-Infinity}", "-Infinity is not a valid JSON number"),
        (HEAD + b"1e999}", "1e999 is not a valid JSON number"),
    ],
)
def test_a_record_out_of_bounds_is_refused(raw: bytes, expected: str) -> None:
    assert expected in record_refusal(raw)


@pytest.mark.parametrize("text", ["1e100000000", "9" * 5000, "1/" + "3" * 5000, ".5", "1_000", " 7/12"])
def test_a_number_written_as_text_must_be_as_labelaudit_writes_it(text: str) -> None:
    record = json.loads((GOLDEN / "demo.json").read_text("utf-8"))
    record["tree"]["dimensions"][0]["weight"] = text
    message = record_refusal(json.dumps(record).encode())
    assert "key tree.dimensions[0].weight: expected a number as labelaudit writes it" in message


def test_a_record_over_its_size_bound_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_RECORD_BYTES", 100)
    assert "file too large" in record_refusal(HEAD + b" " * 200 + b"1}")


# --- Structuring -------------------------------------------------------------------------------


def test_structuring_bounds_numbers_that_did_not_come_from_a_file() -> None:
    data = {"source": "onsite", "weight": Fraction(10**400, 3)}
    with pytest.raises(InputError, match=r"x: key weight: expected a number between -10\^15"):
        structure(data, Binding, file="x")


def test_an_unknown_key_gets_the_closest_known_key() -> None:
    with pytest.raises(InputError) as caught:
        structure({"source": "onsite", "wieght": 1, "Item": "C1", "zzz": 2}, Binding, file="x")
    messages = [str(p) for p in caught.value.problems]
    assert "x: key wieght: unknown key: wieght; did you mean 'weight'?" in messages
    assert "x: key Item: unknown key: Item; did you mean 'item'?" in messages
    assert "x: key zzz: unknown key: zzz" in messages


def test_an_unknown_key_in_french() -> None:
    set_lang("fr")
    with pytest.raises(InputError, match="clé inconnue : anonimity ; vouliez-vous dire « anonymity » ?"):
        structure({"anonimity": 5}, Policies, file="x")


def test_keys_a_file_cannot_give_are_never_offered() -> None:
    assert "folder" not in known_keys(Scheme) and "requirements" not in known_keys(Scheme)
    assert "folder" not in known_keys(Audit) and "sampling" in known_keys(Audit)
    assert closest("folders", known_keys(Audit)) != "folder"


# --- Scheme settings ---------------------------------------------------------------------------


def requirements_with(criterion: str, binding: int, **changes: Any) -> list[dict[str, Any]]:
    requirements = copy.deepcopy(DEFAULT_REQUIREMENTS)
    for requirement in requirements:
        for c in requirement["criteria"]:
            if c["id"] == criterion:
                c["bindings"][binding].update(changes)
    return requirements


def setting_problems(scheme_factory: Any, **options: Any) -> list[str]:
    with pytest.raises(InputError) as caught:
        scheme_factory(**options)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("options", "key", "expected"),
    [
        ({"policies": {"confidence": 95}}, "policies.confidence", "expected a probability, strictly between 0 and 1, got 95"),
        ({"policies": {"confidence": 1}}, "policies.confidence", "strictly between 0 and 1, got 1"),
        ({"policies": {"confidence": 0}}, "policies.confidence", "strictly between 0 and 1, got 0"),
        ({"policies": {"min_coverage": 101}}, "policies.min_coverage", "expected a percentage, from 0 to 100, got 101"),
        ({"policies": {"min_coverage": -1}}, "policies.min_coverage", "from 0 to 100, got -1"),
        ({"policies": {"anonymity": 0}}, "policies.anonymity", "expected a whole number of respondents, at least 1, got 0"),
        ({"policies": {"minors_make_major": -1}}, "policies.minors_make_major", "at least 0, got -1"),
        ({"policies": {"validity_years": 0}}, "policies.validity_years", "expected a whole number of years, from 1 to 10, got 0"),
        ({"policies": {"validity_years": 11}}, "policies.validity_years", "from 1 to 10, got 11"),
        ({"policies": {"surveillance_months": 0}}, "policies.surveillance_months", "from 1 to 36 months"),
        ({"policies": {"validity_years": 2, "surveillance_months": 25}}, "policies.surveillance_months",
         "expected a surveillance interval from 1 to 24 months (the validity, validity_years = 2), got 25"),
        ({"min_sample": 4, "policies": {"anonymity": 5}}, "sources.customer.min_sample",
         "min_sample (4) is below the anonymity threshold (policies.anonymity = 5): a result from fewer answers"),
        ({"max_points": 10**7}, "max_points", "expected a number of points greater than 0, from 0 to 1000000, got 10000000"),
        ({"levels": [{"id": "a", "min_points": 500}, {"id": "b", "min_points": 1500}]}, "levels[1].min_points",
         "from 0 to 1000, got 1500"),
        ({"levels": [{"id": "a", "min_points": -5}, {"id": "b", "min_points": 700}]}, "levels[0].min_points",
         "from 0 to 1000, got -5"),
        ({"gates": [{"id": "g", "scope": "site", "effect": "refuse", "min_percent": 150}]}, "gates[0].min_percent",
         "expected a percentage, from 0 to 100, got 150"),
        ({"dimensions": [{"id": "people", "weight": 2_000_000}, {"id": "process", "weight": 1}]}, "dimensions[0].weight",
         "expected a weight greater than 0 and at most 1000000, got 2000000"),
    ],
)
def test_a_scheme_setting_outside_its_meaning_is_refused_at_its_key(
    scheme_factory: Any, options: dict[str, Any], key: str, expected: str
) -> None:
    problems = setting_problems(scheme_factory, **options)
    assert len(problems) == 1, problems
    assert "scheme.toml: line " in problems[0] and f", key {key}: " in problems[0] and expected in problems[0]


@pytest.mark.parametrize(
    ("criterion", "binding", "changes", "key", "expected"),
    [
        ("v1", 0, {"floor": 5}, "criteria[0].bindings[0].floor", "expected a value of scale maturity, from 0 to 4, got 5"),
        ("v1", 0, {"floor": 0, "target": -1}, "criteria[0].bindings[0].target", "from 0 to 4, got -1"),
        ("v1", 1, {"floor": "0.5"}, "criteria[0].bindings[1].floor", "expected a value of scale agree5, from 1 to 5, got 0.5"),
        ("c2", 1, {"target": 150}, "criteria[1].bindings[1].target", "expected an NPS, from -100 to 100, got 150"),
        ("d1", 1, {"floor": 50}, "criteria[0].bindings[1].floor", "expected a share (0.9 for 90%), from 0 to 1, got 50"),
        ("d1", 1, {"indicator": "share", "points": [4, 7]}, "criteria[0].bindings[1].points[1]",
         "7 is not a point of scale agree5 (1, 2, 3, 4, 5)"),
        ("v1", 1, {"indicator": "gap", "paired": "C1", "floor": -1, "target": 1}, "criteria[0].bindings[1].paired",
         "a gap compares two different items: 'C1' is paired with itself"),
        ("v1", 1, {"indicator": "gap", "paired": "C2", "floor": -5, "target": 1}, "criteria[0].bindings[1].floor",
         "expected a difference of two answers on scale agree5, from -4 to 4, got -5"),
        ("v1", 1, {"weight": 10**7}, "criteria[0].bindings[1].weight", "at most 1000000, got 10000000"),
    ],
)
def test_a_binding_outside_what_its_indicator_measures_is_refused(
    scheme_factory: Any, criterion: str, binding: int, changes: dict[str, Any], key: str, expected: str
) -> None:
    problems = setting_problems(scheme_factory, requirements=requirements_with(criterion, binding, **changes))
    assert len(problems) == 1, problems
    assert f", key {key}: " in problems[0] and expected in problems[0]


def test_settings_are_refused_in_french(scheme_factory: Any) -> None:
    set_lang("fr")
    problems = setting_problems(scheme_factory, policies={"confidence": 95, "anonymity": 5}, min_sample=3)
    assert any("clé policies.confidence: attendu : une probabilité, strictement entre 0 et 1, trouvé : 95" in p for p in problems)
    assert any("min_sample (3) est inférieur au seuil d'anonymat" in p for p in problems)


def test_a_gap_within_its_range_and_a_minimum_sample_at_the_threshold_are_accepted(scheme_factory: Any) -> None:
    requirements = requirements_with("v1", 1, indicator="gap", paired="C2", floor=-4, target=4)
    scheme = scheme_factory(requirements=requirements, min_sample=5, policies={"validity_years": 1, "surveillance_months": 12})
    assert scheme.sources["customer"].min_sample == 5


# --- init's options ----------------------------------------------------------------------------


def test_init_options_refuse_duplicates_and_empty_names() -> None:
    sites = [Site("lyon", "Lyon"), Site("lyon", "Lyon bis"), Site("gre", "Grenoble")]
    problems = [str(p) for p in init_problems(sites, ["Claire Dubois", " claire  DUBOIS ", ""], "")]
    assert problems == [
        "--organisation: a non-empty name is expected",
        "--site: site 'lyon' is given twice",
        "--auditor: auditor 'claire  DUBOIS' is given twice",
        "--auditor: a non-empty name is expected",
    ]


@pytest.mark.parametrize("text", ["ly on=Lyon", "lyon/2=Lyon", "-lyon=Lyon", "é=Lyon", "a" * 32 + "=Lyon", "a:b=Lyon"])
def test_a_site_id_is_a_simple_identifier(text: str) -> None:
    import argparse

    with pytest.raises(argparse.ArgumentTypeError, match="letters, digits, '-' and '_', at most 31 characters"):
        site(text)


def test_a_simple_site_id_is_accepted() -> None:
    assert site(" agence-02_b = Agence 2 ") == Site("agence-02_b", "Agence 2")


def test_init_never_replaces_a_grid(tmp_path: Path) -> None:
    grid = tmp_path / "grid.xlsx"
    grid.write_bytes(b"the auditor's filled grid")
    result = run("init", tmp_path, "--organisation", "Mutuelle", "--site", "lyon=Lyon")
    assert result.code == 2 and "grid.xlsx: already exists: nothing was written" in result.err, result
    assert grid.read_bytes() == b"the auditor's filled grid"
    assert not (tmp_path / "audit.toml").exists()


def test_init_refuses_two_sites_of_one_id_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    result = run("init", folder, "--organisation", "M", "--site", "lyon=A", "--site", "lyon=B")
    assert (result.code, result.err) == (2, "error: --site: site 'lyon' is given twice\n"), result
    assert not folder.exists()


# --- The sampling plan -------------------------------------------------------------------------


SITES = (Site("lyon", "Lyon"), Site("grenoble", "Grenoble"), Site("valence", "Valence"))


def audit_with(sampling: Sampling | None) -> Audit:
    return Audit(
        id="A", scheme="en16880", organisation="O", scope="S", kind="initial", auditors=("C",),
        dates=AuditDates(), sites=SITES, sources={"onsite": SourceInputs(files=())}, sampling=sampling,
        file=Path("audit.toml"),
    )


def test_visited_sites_are_every_site_without_a_plan_and_the_plan_in_audit_order() -> None:
    assert audit_with(None).visited_sites == SITES
    assert audit_with(Sampling(visited=("valence", "lyon"))).visited_sites == (SITES[0], SITES[2])


def test_the_sampling_table_is_structured_and_unknown_keys_refused() -> None:
    data = {"stage": "surveillance", "visited": ["lyon"], "seed": 7, "picks": [{"site": "lyon", "reason": "risk"}]}
    plan = structure(data, Sampling, file="audit.toml", at="sampling")
    assert plan == Sampling(visited=("lyon",), stage="surveillance", seed=7, picks=(SamplingPick("lyon", "risk"),))
    with pytest.raises(InputError, match="key sampling.picks\\[0\\].raison: unknown key: raison; did you mean 'reason'"):
        structure({"visited": [], "picks": [{"site": "x", "reason": "risk", "raison": 1}]}, Sampling, file="f", at="sampling")


def test_the_sampling_plan_is_checked_against_the_sites() -> None:
    plan = Sampling(
        visited=("lyon", "lyon", "grenobel"),
        picks=(SamplingPick("lyon", "random"), SamplingPick("lyon", "risk"), SamplingPick("valence", "required"),
               SamplingPick("paris", "risk")),
    )
    problems = [p.what for p in sampling_problems(audit_with(plan), None)]
    assert problems == [
        "site 'lyon' is already named in sampling.visited",
        "unknown site 'grenobel' (sites of the audit: lyon, grenoble, valence); did you mean 'grenoble'?",
        "the pick of site 'lyon' is already given (sampling.picks[0])",
        "site 'valence' is picked but not in sampling.visited (lyon, lyon, grenobel)",
        "unknown site 'paris' (sites of the audit: lyon, grenoble, valence)",
    ]
    assert [p.what for p in sampling_problems(audit_with(Sampling(visited=("lyon",), stage="renewal")), None)] == [
        "the sampling plan is for a renewal audit, but this audit's kind is initial",
        "1 site(s) visited, below IAF MD1's minimum of 2 for 3 site(s) (stage: renewal audit)",
    ]
    assert [p.what for p in sampling_problems(audit_with(Sampling(visited=())), None)] == [
        "at least one visited site is expected (without a [sampling] table, every site is visited)"
    ]


def test_the_plan_is_held_to_iaf_md1_whoever_wrote_it() -> None:
    """A `rule` other than MD1's, a `size` other than what is visited, a sample below the minimum."""
    edited = Sampling(visited=("lyon",), stage="initial", rule=1, size=2)
    assert [p.what for p in sampling_problems(audit_with(edited), None)] == [
        "the plan names 1 as IAF MD1's minimum, but for 3 site(s) (stage: initial audit) it is 2",
        "the plan's size is 2, but it visits 1 site(s)",
        "1 site(s) visited, below IAF MD1's minimum of 2 for 3 site(s) (stage: initial audit)",
    ]
    as_drawn = Sampling(visited=("lyon", "valence"), stage="initial", rule=2, size=2)
    assert list(sampling_problems(audit_with(as_drawn), None)) == []


def onsite_scheme() -> Any:
    from helpers import loaded_plugins

    return loaded_plugins().scheme("en16880")


def grid_evidence(*sites: str) -> list[Evidence]:
    return [Evidence("vision.1", "onsite", s, value=Fraction(2)) for s in sites]


def test_visited_sites_need_on_site_results_and_only_they_may_have_any() -> None:
    scheme = onsite_scheme()
    audit = audit_with(Sampling(visited=("lyon", "grenoble")))
    evidence = [*grid_evidence("lyon", "valence"), Evidence("vision.1", "customer/C01/top2box", "grenoble", value=Fraction(1))]
    problems = [str(p) for p in onsite_visit_problems(audit, scheme, None, evidence)]
    assert problems == [
        "audit.toml: key sampling.visited[1]: site grenoble is visited on site but the grid (onsite) has no results for it",
        "audit.toml: key sampling.visited: the grid (onsite) has results for site valence, which is not visited on site "
        "(sampling.visited: lyon, grenoble)",
    ]
    assert onsite_visit_problems(audit, scheme, None, grid_evidence("lyon", "grenoble")) == []
    assert onsite_visit_problems(audit, scheme, None, [], left_out={"onsite"}) == []  # its plugin failed
    assert onsite_visit_problems(audit_with(None), scheme, None, []) == []  # no plan: a blank grid is valid


def test_a_sampling_plan_matching_the_grid_scores(tmp_path: Path) -> None:
    import shutil

    audit = tmp_path / "demo"
    shutil.copytree(REPO / "fixtures" / "demo", audit)
    with (audit / "audit.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[sampling]\nvisited = ["lyon", "grenoble", "valence"]\nseed = 20261120\n'
                     '[[sampling.picks]]\nsite = "lyon"\nreason = "required"\ndetail = "head office"\n')
    result = run("check", audit)
    assert result.code == 0, result


# --- Numbers people type -----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("2", 2), ("1.5", Fraction(3, 2)), ("7/3", Fraction(7, 3)), ("1.5e1", 15), ("-2E-3", Fraction(-2, 1000))])
def test_a_typed_number_is_read_exactly(text: str, value: Fraction) -> None:
    assert bounds.typed_number(text) == value


@pytest.mark.parametrize("text", ["1e100000000", "1e" + "9" * 30, "9" * 101, "1/" + "3" * 20, "1e-16", "inf"])
def test_a_typed_number_out_of_bounds_is_refused_quickly(text: str) -> None:
    started = time.monotonic()
    with pytest.raises(ValueError):
        bounds.typed_number(text)
    assert time.monotonic() - started < 1


def test_a_typed_number_that_is_no_number_is_a_plain_value_error() -> None:
    with pytest.raises(ValueError) as caught:
        bounds.typed_number("abc")
    assert not isinstance(caught.value, bounds.OutOfBounds)


def test_max_errors_refuses_a_number_of_thousands_of_digits() -> None:
    import argparse

    from labelaudit.options import positive_int

    for text in ["9" * 5000, "٣", "0"]:
        with pytest.raises(argparse.ArgumentTypeError):
            positive_int(text)
