"""The command line, through the real entry point: exit codes and the lines a user reads."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl

from clirun import FIXTURES, REPO, run
from labelaudit.documents.summary import render


def test_score_demo_prints_the_summary_and_writes_the_record(tmp_path: Path) -> None:
    record = tmp_path / "demo.json"
    result = run("score", FIXTURES / "demo", "-o", record)
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0] == "Proposed decision — Mutuelle des Trois Rivières (2026-MTR-001)"
    assert "Outcome: GRANTED — level Confirmed" in lines
    assert "Points: 733.9 / 1000" in lines
    assert "Weakest site: valence (61.2%)" in lines
    assert lines[-1] == f"Record written: {record}"
    assert json.loads(record.read_text("utf-8"))["outcome"]["level"] == "confirme"


def test_score_in_french(tmp_path: Path) -> None:
    result = run("score", FIXTURES / "refused", "-o", tmp_path / "r.json", lang="fr")
    assert result.code == 0, result  # a refusal is a result, not an error
    assert "Résultat : REFUSÉ" in result.out.splitlines()
    assert any(line.startswith("  - porte « Aucune non-conformité majeure ouverte » : refus") for line in result.out.splitlines())


def test_score_writes_numbers_and_dates_the_french_way(tmp_path: Path) -> None:
    """`733,9`, `72,0 %` with a no-break space, `20 novembre 2026`: the summary and the reasons."""
    result = run("score", FIXTURES / "demo", "-o", tmp_path / "r.json", lang="fr")
    lines = result.out.splitlines()
    assert result.code == 0, result
    assert "Schéma : en16880 1.1.0 · 20 novembre 2026" in lines
    assert "Points : 733,9 / 1000" in lines
    assert "Couverture : 100,0\u00a0%" in lines
    assert "Site le plus faible : valence (61,2\u00a0%)" in lines
    assert "  - 733,9 points : niveau « Confirmé » atteint (seuil 650)" in lines
    assert "  - couverture 100,0\u00a0% (minimum 70\u00a0%)" in lines
    assert not re.search(r"\d\.\d", result.out.replace("en16880 1.1.0", "")), "a decimal point in French"
    record = json.loads((tmp_path / "r.json").read_text("utf-8"))
    reason = record["outcome"]["reasons"][0]
    assert reason["params"]["points"] == "733.9"  # the record stays locale-free
    assert (reason["fr"], reason["en"]) == ("733,9 points : niveau « Confirmé » atteint (seuil 650)",
                                            "733.9 points: level “Confirmed” reached (threshold 650)")


def test_score_never_overwrites_a_record(tmp_path: Path) -> None:
    record = tmp_path / "r.json"
    record.write_text("committee copy", "utf-8")
    result = run("score", FIXTURES / "capped", "-o", record)
    assert result.code == 2, result
    assert result.err == f"error: {record}: already exists: nothing was written (use --force to replace it)\n"
    assert record.read_text("utf-8") == "committee copy"


def test_score_decided_on_is_an_input(tmp_path: Path) -> None:
    result = run("score", FIXTURES / "capped", "-o", tmp_path / "r.json", "--decided-on", "2027-01-02")
    assert result.code == 0, result
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["decided_on"] == "2027-01-02"


def test_check_reports_what_it_read() -> None:
    result = run("check", FIXTURES / "demo")
    assert result.code == 0, result
    assert result.out.splitlines() == [
        "note: surveys/clients.csv: 600 rows, 3 sites",  # the plugins' notes, then the count
        "note: surveys/collaborateurs.xlsx: 80 rows, 3 sites",
        "OK: scheme en16880, 37 criteria, 204 pieces of evidence read, 17 findings",
    ]


def test_check_and_score_give_the_plugins_notes_in_french(tmp_path: Path) -> None:
    checked = run("check", FIXTURES / "demo", lang="fr")
    assert checked.out.splitlines()[:2] == [
        "note : surveys/clients.csv : 600 lignes, 3 sites",
        "note : surveys/collaborateurs.xlsx : 80 lignes, 3 sites",
    ]
    scored = run("score", FIXTURES / "demo", "-o", tmp_path / "record.json", lang="fr")
    assert scored.code == 0, scored
    assert "note : surveys/clients.csv : 600 lignes, 3 sites" in scored.err.splitlines()  # beside the summary


def test_plugins_lists_the_builtins_with_versions() -> None:
    result = run("plugins")
    assert result.code == 0, result
    assert "onsite 0.1.0 — entry point (labelaudit)" in result.out
    assert "  source kind  survey: Perception survey (CSV or XLSX)" in result.out
    assert "  indicator    nps: Net Promoter Score (NPS)" in result.out


def test_init_then_grid_then_check_from_an_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "audit"
    result = run(
        "init", folder, "--organisation", "Régie des Eaux", "--site", "nord=Agence Nord",
        "--site", "sud=Agence Sud", "--auditor", "Claire Dubois",
    )
    assert result.code == 0, result
    assert (folder / "audit.toml").is_file()
    workbook = openpyxl.load_workbook(folder / "grid.xlsx")
    assert {"nord", "sud"} <= set(workbook.sheetnames)
    # A blank audit is valid input; it just has no evidence yet.
    assert run("check", folder).code == 0
    again = run("init", folder, "--organisation", "X", "--site", "a=A")
    assert again.code == 2 and "already exists" in again.err


def test_grid_writes_toml_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "grille.toml"
    result = run("grid", "--site", "lyon=Agence de Lyon", "-o", target)
    assert result.code == 0, result
    assert result.out == f"Blank grid written: {target}\n"
    assert "vision.1" in target.read_text("utf-8")
    assert run("grid", "--site", "lyon=Lyon", "-o", target).code == 2


def test_usage_errors_exit_2() -> None:
    assert run("score").code == 2
    assert run("frobnicate").code == 2
    result = run("grid", "--site", "no-equals-sign", "-o", "x.toml")
    assert result.code == 2 and "expected ID=NAME" in result.err


def test_unknown_scheme_is_named(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "capped", tmp_path / "a")
    audit = tmp_path / "a" / "audit.toml"
    audit.write_text(audit.read_text("utf-8").replace('scheme = "en16880"', 'scheme = "iso9999"'), "utf-8")
    result = run("check", tmp_path / "a")
    assert result.code == 2
    assert result.err.startswith("error: iso9999: scheme 'iso9999' not found (available: en16880")


def test_rulesets_option_points_at_another_folder(tmp_path: Path) -> None:
    shutil.copytree(Path("rulesets/en16880"), tmp_path / "schemes" / "mine")
    scheme = tmp_path / "schemes" / "mine" / "scheme.toml"
    scheme.write_text(scheme.read_text("utf-8").replace('id = "en16880"', 'id = "mine"', 1), "utf-8")
    shutil.copytree(FIXTURES / "capped", tmp_path / "a")
    for name in ("audit.toml", "grid.toml"):
        path = tmp_path / "a" / name
        path.write_text(path.read_text("utf-8").replace('scheme = "en16880"', 'scheme = "mine"'), "utf-8")
    result = run("score", tmp_path / "a", "-o", tmp_path / "r.json", "--rulesets", tmp_path / "schemes")
    assert result.code == 0, result
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["scheme"]["id"] == "mine"


def test_disabled_plugin_leaves_its_source_kind_unknown() -> None:
    result = run("check", FIXTURES / "capped", "--disable", "surveys")
    assert result.code == 2
    assert "source kind 'survey' is provided by no plugin" in result.err


def test_a_decision_that_could_flip_within_sampling_error_is_borderline(tmp_path: Path) -> None:
    # The demo's 733.9 points move between about 707 and 765 within the survey intervals: put
    # the `confirme` threshold in that range and the decision hinges on sampling error.
    schemes = tmp_path / "schemes"
    shutil.copytree(Path("rulesets/en16880"), schemes / "en16880")
    scheme = schemes / "en16880" / "scheme.toml"
    scheme.write_text(scheme.read_text("utf-8").replace("min_points = 650", "min_points = 730"), "utf-8")
    record = tmp_path / "r.json"
    result = run("score", FIXTURES / "demo", "-o", record, "--rulesets", schemes)
    assert result.code == 0, result
    lines = result.out.splitlines()
    borderline = next(line for line in lines if line.startswith("BORDERLINE"))
    assert borderline.startswith("BORDERLINE: pessimistic GRANTED — level Committed (")
    assert "optimistic GRANTED — level Confirmed (" in borderline
    stability = json.loads(record.read_text("utf-8"))["stability"]
    assert stability["borderline"] is True
    assert len(stability["sensitive_bindings"]) == 5
    swings = [float(b["optimistic_points"]) - float(b["pessimistic_points"]) for b in stability["sensitive_bindings"]]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    first = stability["sensitive_bindings"][0]
    assert any(line.startswith(f"  {first['criterion']} / {first['binding']}: ") for line in lines)


def test_summary_shows_each_perception_measure_with_n_and_interval(tmp_path: Path) -> None:
    result = run("score", FIXTURES / "demo", "-o", tmp_path / "r.json")
    assert result.code == 0, result
    lines = result.out.splitlines()
    start = lines.index("Perception measures (value, interval, n, attainment)")
    assert lines[start + 1].split() == [
        "vision.1", "employee/E01/top2box", "0.759494", "[0.654880,", "0.840137]", "n", "=", "79", "64.9%"  # the three branches as strata
    ]
    record = json.loads((tmp_path / "r.json").read_text("utf-8"))
    binding = record["tree"]["dimensions"][0]["requirements"][0]["criteria"][0]["bindings"][1]
    assert (binding["measure"]["n"], binding["measure"]["value"]["shown"]) == (79, "0.759494")


def _network(record: dict[str, Any], sites: int, failing: int) -> dict[str, Any]:
    """The demo record grown into a network: `sites` sites, the last one without a result, and
    the site gate fired for `failing` of them (one reason each, as the engine writes them)."""
    network = copy.deepcopy(record)
    template = network["sites"][0]
    network["sites"] = []
    for i in range(sites):
        site = copy.deepcopy(template)
        site.update(id=f"s{i:04}", name=f"Agence {i:04}", has_result=i < sites - 1)
        site["attainment"]["percent"] = f"{30 + (i * 7) % 60}.0"
        network["sites"].append(site)
    network["outcome"]["reasons"] += [
        {"code": "gate_cap", "params": {"gate": "every-site"}, "fr": f"porte s{i:04}", "en": f"gate s{i:04}"}
        for i in range(failing)
    ]
    return network


def test_a_networks_summary_lists_the_weakest_sites_and_a_few_reasons_per_gate() -> None:
    demo = json.loads((REPO / "tests" / "golden" / "demo.json").read_text("utf-8"))
    lines = render(_network(demo, sites=30, failing=8), "en").splitlines()
    heading = lines.index("Sites (the 20 weakest of 30)")
    listed = lines[heading + 1 : heading + 21]
    assert [line.split()[0] for line in listed[:3]] == ["s0000", "s0026", "s0009"]  # 30.0, 32.0, 33.0 %
    assert "s0029" not in "\n".join(listed)  # no result: never among the weakest
    assert lines[heading + 21 : heading + 24] == [
        "  … and 10 more sites: all of them are in the record and the report",
        "  1 site(s) without a result (not enough evidence there)",
        "Weakest site: s0000 (30.0%)",
    ]
    gate_lines = [line for line in lines if line.startswith("  - gate s")]
    assert gate_lines == [f"  - gate s{i:04}" for i in range(5)]
    assert "  - … and 3 more for gate “Every site reaches at least 45%” (all of them in the record)" in lines
    small = render(_network(demo, sites=3, failing=2), "fr").splitlines()
    assert "Sites" in small and sum(line.startswith("  s000") for line in small) == 3
    assert not any("autres" in line for line in small)


def test_bad_option_values_are_explained_in_the_users_language() -> None:
    english = run("score", FIXTURES / "demo", "--decided-on", "2026-13-01")
    french = run("score", FIXTURES / "demo", "--decided-on", "2026-13-01", lang="fr")
    assert english.code == french.code == 2
    assert "expected date (YYYY-MM-DD), got '2026-13-01'" in english.err
    assert "attendu : une date (AAAA-MM-JJ), trouvé : '2026-13-01'" in french.err
    assert "attendu : ID=NOM, trouvé : 'lyon'" in run("init", "x", "--site", "lyon", lang="fr").err
