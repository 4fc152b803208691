"""labelaudit.testing, the pytest plugin for plugin authors: its fixtures and assertions, and
that it loads as a pytest plugin, with or without labelaudit's pytest11 entry point."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from labelaudit import Collection, Evidence, InputError, Measure, PluginError, Sample, SourceKind, Text, hookimpl
from labelaudit.testing import assert_evidence, assert_no_evidence, unless_installed

pytest_plugins = ["pytester", *unless_installed()]

GRID = 'site = "s1"\n[[criteria]]\nid = "onsite.1"\nlevel = 3\nfindings.minor = ["Pas de revue"]\n'


def fake_pytest11(folder: Path) -> Path:
    """A distribution on `folder` that declares labelaudit's pytest11 entry point, as installed."""
    info = folder / "labelaudit_pytest_entry-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: labelaudit-pytest-entry\nVersion: 0\n", "utf-8")
    (info / "entry_points.txt").write_text("[pytest11]\nlabelaudit = labelaudit.testing\n", "utf-8")
    return folder


# --- Plugins -------------------------------------------------------------------------------------


def test_make_plugins_loads_only_the_builtins_and_the_given_ones(make_plugins: Callable[..., Any]) -> None:
    assert sorted(p.name for p in make_plugins().info) == ["onsite", "schemes", "surveys"]
    given = make_plugins("labelaudit_onsite", builtins=False)
    assert [(p.name, p.origin, p.api) for p in given.info] == [("labelaudit_onsite", "given in code", 1)]
    assert list(given.kinds) == ["grid"] and given.indicators == {}


def test_labelaudit_plugins_without_a_marker_is_the_builtins(labelaudit_plugins: Any) -> None:
    assert sorted(labelaudit_plugins.kinds) == ["grid", "survey"]
    assert "en16880" in labelaudit_plugins.scheme_folders


# --- minimal_scheme ------------------------------------------------------------------------------


def test_minimal_scheme_defaults(minimal_scheme: Callable[..., Any], tmp_path: Path) -> None:
    scheme = minimal_scheme()
    assert scheme.folder == tmp_path / "schemes" / "minimal"
    assert [c.id for c in scheme.criteria()] == ["onsite.1"]
    assert scheme.sources["onsite"].kind == "grid" and scheme.sources["onsite"].scale == "maturity"
    assert scheme.scale_of(scheme.sources["onsite"]).values == tuple(Fraction(v) for v in range(5))


def test_minimal_scheme_with_items_sources_and_bindings(minimal_scheme: Callable[..., Any]) -> None:
    scheme = minimal_scheme(
        sources={"customer": {"kind": "survey"}, "visits": {"kind": "mystery"}},
        items={"customer": ["C1", "C2"]},
        bindings={
            "a.1": [{"source": "customer", "item": "C1", "indicator": "top2box", "floor": "0.5", "target": "0.9"}],
            "a.2": [
                {"source": "visits", "floor": 10, "target": 18, "weight": 2},
                {"source": "customer", "item": "C2", "indicator": "mean", "floor": 1, "target": 5},
            ],
        },
        scheme_id="rich",
        requires={"labelaudit": ">=0.1"},
        extra={"policies": {"min_coverage": 50}},
    )
    assert scheme.id == "rich" and scheme.policies.min_coverage == 50
    assert [i.key for i in scheme.questionnaires["customer"].items] == ["C1", "C2"]
    first, second = scheme.criteria()
    assert (first.bindings[0].floor, first.bindings[0].target) == (Fraction(1, 2), Fraction(9, 10))
    assert [(b.id, b.weight) for b in second.bindings] == [("visits", 2), ("customer/C2/mean", 1)]
    assert scheme.requires is not None and scheme.requires.labelaudit == ">=0.1"


def test_a_scheme_without_surveys_needs_no_questionnaires(minimal_scheme: Callable[..., Any], tmp_path: Path) -> None:
    scheme = minimal_scheme(sources={"onsite": "grid"})
    assert "questionnaires" not in (tmp_path / "schemes" / "minimal" / "scheme.toml").read_text("utf-8")
    assert scheme.questionnaires == {}


def test_minimal_scheme_default_bindings_per_item(minimal_scheme: Callable[..., Any]) -> None:
    scheme = minimal_scheme(sources={"customer": {"kind": "survey"}}, items={"customer": ["Q1"]})
    [criterion] = scheme.criteria()
    assert (criterion.id, criterion.bindings[0].id) == ("customer.Q1", "customer/Q1/mean")


def test_minimal_scheme_refuses_what_would_not_score(minimal_scheme: Callable[..., Any]) -> None:
    with pytest.raises(ValueError, match="a binding to source 'visits', which has no scale, needs a floor and a target"):
        minimal_scheme(sources={"visits": {"kind": "mystery"}})
    minimal_scheme()
    with pytest.raises(ValueError, match="already written in this test"):
        minimal_scheme()


# --- make_audit ----------------------------------------------------------------------------------


def test_make_audit_writes_a_loadable_audit(make_audit: Callable[..., Path]) -> None:
    from labelaudit.audits import load_audit

    folder = make_audit(
        "en16880",
        sites={"lyon": "Agence de Lyon"},
        sources={"onsite": ["grids/grid.toml"], "customer": {"files": ["c.csv"], "site_column": "Agence"}},
        files={"grids/grid.toml": GRID, "c.csv": b"\xef\xbb\xbfAgence\n"},
    )
    audit, _, _ = load_audit(folder)
    assert (audit.scheme, [s.name for s in audit.sites]) == ("en16880", ["Agence de Lyon"])
    assert audit.sources["onsite"].files == (folder / "grids" / "grid.toml",)
    assert audit.sources["customer"].options == {"site_column": "Agence"}
    assert (folder / "c.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert tomllib.loads((folder / "audit.toml").read_text("utf-8"))["dates"]["decision"].isoformat() == "2026-11-20"
    with pytest.raises(ValueError, match="an audit is already written"):
        make_audit("en16880")


# --- collect_source and score_record -------------------------------------------------------------


@pytest.fixture
def grid_audit(minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path]) -> Path:
    return make_audit(minimal_scheme(), sources={"onsite": ["grid.toml"]}, files={"grid.toml": GRID})


def test_collect_source_reads_through_the_plugin(grid_audit: Path, collect_source: Callable[..., Any]) -> None:
    collection = collect_source(grid_audit, "onsite")
    evidence = assert_evidence(collection, criterion="onsite.1", site="s1", value=3)
    assert evidence.provenance is not None and evidence.provenance.file == "grid.toml"
    assert [(f.requirement, f.kind, f.text) for f in collection.findings] == [("main", "minor", "Pas de revue")]


def test_collect_source_reports_bad_input(make_audit: Callable[..., Path], minimal_scheme: Callable[..., Any],
                                          collect_source: Callable[..., Any]) -> None:
    audit = make_audit(minimal_scheme(), sources={"onsite": ["grid.toml"]}, files={"grid.toml": 'site = "mars"\n'})
    with pytest.raises(InputError, match="unknown site 'mars'"):
        collect_source(audit, "onsite")


def test_collect_source_applies_the_engines_checks(grid_audit: Path, make_plugins: Callable[..., Any],
                                                   collect_source: Callable[..., Any]) -> None:
    class Liar:
        """Provides `grid` in place of the built-in one, with evidence for a site that is not there."""

        __name__ = "liar"

        @hookimpl
        def labelaudit_register_sources(self, register: Callable[[SourceKind], None]) -> None:
            evidence = Evidence("onsite.1", "onsite", "mars", value=Fraction(1))
            register(SourceKind("grid", Text(fr="g", en="g"), lambda request: Collection(evidence=(evidence,))))

    plugins = make_plugins(Liar(), disabled=["onsite"])
    with pytest.raises(PluginError, match=r"^plugin liar \S+ \(given in code\): source 'onsite': returned evidence for unknown site 'mars'"):
        collect_source(grid_audit, "onsite", plugins=plugins)


def test_score_record_scores_the_whole_audit(grid_audit: Path, score_record: Callable[..., dict[str, Any]]) -> None:
    record = score_record(grid_audit)
    assert record["outcome"]["points"]["shown"] == "750.0"  # level 3 of 4
    assert record["decided_on"] == "2026-11-20"


# --- Assertions ----------------------------------------------------------------------------------

COLLECTION = Collection(
    evidence=(
        Evidence("a.1", "onsite", "s1", value=Fraction(29, 2)),
        Evidence("a.1", "onsite", "s2", value=Fraction(3)),
        Evidence("a.2", "customer/C1/mean", "s1", sample=Sample.of({Fraction(4): 3, Fraction(5): 2})),
    )
)


def test_assert_evidence_finds_and_returns_the_one_match() -> None:
    assert assert_evidence(COLLECTION, criterion="a.1", site="s1", value="14.5").site == "s1"
    assert assert_evidence(COLLECTION, criterion="a.1", site="s2", value=3.0).value == 3
    assert assert_evidence(COLLECTION, binding="customer/C1/mean", n=5).criterion == "a.2"


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"criterion": "a.1"}, "2 pieces of evidence match criterion='a.1'; the collection has:\n"
                               "  a.1 / onsite at s1: value 29/2\n  a.1 / onsite at s2: value 3\n"
                               "  a.2 / customer/C1/mean at s1: n = 5"),
        ({"criterion": "b.1"}, "0 pieces of evidence match criterion='b.1'; the collection has:"),
        ({"criterion": "a.1", "site": "s2", "value": 4}, "evidence a.1 / onsite at s2: value 3: expected value 4"),
        ({"criterion": "a.2", "n": 6}, "evidence a.2 / customer/C1/mean at s1: n = 5: expected a sample of n = 6"),
        ({"criterion": "a.1", "site": "s1", "n": 1}, "evidence a.1 / onsite at s1: value 29/2: expected a sample of n = 1"),
    ],
    ids=["two match", "none matches", "wrong value", "wrong n", "a value is not a sample"],
)
def test_assert_evidence_says_what_there_is(filters: dict[str, Any], message: str) -> None:
    with pytest.raises(AssertionError) as caught:
        assert_evidence(COLLECTION, **filters)
    assert str(caught.value).startswith(message)


def test_assert_no_evidence() -> None:
    assert_no_evidence(COLLECTION, criterion="a.2", site="s2")
    with pytest.raises(AssertionError, match="expected no such evidence, found:\n  a.2 / customer/C1/mean at s1: n = 5"):
        assert_no_evidence(COLLECTION, criterion="a.2")


# --- As a pytest plugin --------------------------------------------------------------------------

PLUGIN_TEST = '''
import pytest
import labelaudit_onsite
from labelaudit.testing import assert_evidence

pytestmark = pytest.mark.labelaudit_plugins(labelaudit_onsite, builtins=False)


def test_marker_and_fixtures(labelaudit_plugins, minimal_scheme, make_audit, collect_source):
    assert [p.name for p in labelaudit_plugins.info] == ["labelaudit_onsite"]
    scheme = minimal_scheme()
    audit = make_audit(scheme, sources={"onsite": ["g.toml"]},
                       files={"g.toml": 'site = "s1"\\n[[criteria]]\\nid = "onsite.1"\\nlevel = 2\\n'})
    assert_evidence(collect_source(audit, "onsite", rulesets=[scheme.folder]), site="s1", value=2)
'''


def test_it_works_as_a_pytest_plugin_with_its_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plugin=PLUGIN_TEST)
    loaded_by_name = [arg for name in unless_installed() for arg in ("-p", name)]
    result = pytester.runpytest("--strict-markers", "-W", "error", *loaded_by_name)
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    "module_line",
    ["", "from labelaudit.testing import unless_installed\npytest_plugins = unless_installed()\n"],
    ids=["entry point only", "with unless_installed"],
)
def test_it_loads_once_where_the_entry_point_is_installed(tmp_path: Path, module_line: str) -> None:
    """With the pytest11 entry point installed, a module naming it through `unless_installed` still runs."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.pytest.ini_options]\naddopts = \"--strict-markers\"\n", "utf-8")
    (project / "test_plugin.py").write_text(module_line + PLUGIN_TEST, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(fake_pytest11(tmp_path / "site")), "PYTHONWARNINGS": "error"}
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_unless_installed_names_the_module_only_without_the_entry_point(tmp_path: Path) -> None:
    code = "from labelaudit.testing import unless_installed; print(unless_installed())"
    env = {**os.environ, "PYTHONPATH": str(fake_pytest11(tmp_path / "site"))}
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    with_entry_point = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert with_entry_point.stdout == "[]\n"
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    autoload_off = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert autoload_off.stdout == "['labelaudit.testing']\n"


def test_assert_evidence_reads_a_pre_aggregated_measure() -> None:
    collection = Collection(evidence=(Evidence("c.1", "b", "lyon", measure=Measure(Fraction(3, 4), 40)),))
    assert assert_evidence(collection, site="lyon", value="0.75", n=40).measure == Measure(Fraction(3, 4), 40)
    with pytest.raises(AssertionError, match=r"c\.1 / b at lyon: measure 3/4, n = 40: expected a sample of n = 41"):
        assert_evidence(collection, n=41)
