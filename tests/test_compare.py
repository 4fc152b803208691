"""`labelaudit compare`: two records side by side, with differences a reader can check.

The later record is the demo audit scored again after realistic changes (a better level and a
new strength on site, a strength gone, happier customers), so every section has something to
show. Expected differences are computed here from the two records.
"""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from clirun import FIXTURES
from labelaudit.compare import compare, moves
from labelaudit.plugins import load_plugins
from labelaudit.record import dumps
from labelaudit.workflow import score_audit

from conftest import CliRun as Cli
Record = dict[str, Any]
NEW_STRENGTH = "Charte de service réécrite avec les adhérents et affichée dans chaque bureau."




def _improve_demo(folder: Path) -> str:
    """Lyon: vision.3 from level 3 to 4 with a new strength; commitment.1 loses its strength.
    Customers: every "Pas du tout d'accord" becomes "Tout à fait d'accord". Returns the lost text."""
    workbook = openpyxl.load_workbook(folder / "grid.xlsx")
    sheet = workbook["lyon"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    assert rows["vision.3"][4].value == 3 and rows["vision.3"][7].value is None
    rows["vision.3"][4].value = 4
    rows["vision.3"][7].value = NEW_STRENGTH
    lost = rows["commitment.1"][7].value
    assert lost
    rows["commitment.1"][7].value = None
    workbook.save(folder / "grid.xlsx")
    csv = folder / "surveys" / "clients.csv"
    text = csv.read_bytes().decode("cp1252")
    assert "Pas du tout d'accord" in text
    csv.write_bytes(text.replace("Pas du tout d'accord", "Tout à fait d'accord").encode("cp1252"))
    return str(lost)


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The demo's record, and the record of the improved demo, written to files."""
    folder = tmp_path_factory.mktemp("compare")
    plugins = load_plugins()
    old = folder / "old.json"
    old.write_text(dumps(score_audit(FIXTURES / "demo", plugins).record), "utf-8")
    shutil.copytree(FIXTURES / "demo", folder / "demo")
    lost = _improve_demo(folder / "demo")
    new = folder / "new.json"
    new.write_text(dumps(score_audit(folder / "demo", plugins).record), "utf-8")
    return old, new, lost


def load(path: Path) -> Record:
    return json.loads(path.read_text("utf-8"))


def row(out: str, label: str) -> list[str]:
    """The cells of the first line whose first cell is `label` (a title of several words: the
    cells are split on runs of two spaces or more)."""
    return next(re.split(r"\s{2,}", line.strip()) for line in out.splitlines() if re.split(r"\s{2,}", line.strip())[0] == label)


def test_compare_shows_deltas(records: tuple[Path, Path, str], cli: Cli) -> None:
    old_path, new_path, _ = records
    old, new = load(old_path), load(new_path)
    code, out, err = cli("compare", old_path, new_path)
    assert (code, err) == (0, ""), out
    before, after = old["outcome"]["points"]["shown"], new["outcome"]["points"]["shown"]
    change = Decimal(after) - Decimal(before)
    assert change > 0
    assert row(out, "Points") == ["Points", before, after, f"+{change}"]
    customer_old = old["tree"]["sources"]["customer"]["percent"]
    customer_new = new["tree"]["sources"]["customer"]["percent"]
    assert row(out, "Customer perception") == ["Customer perception", f"{customer_old}%", f"{customer_new}%",
                                               f"+{Decimal(customer_new) - Decimal(customer_old)}"]
    vision = lambda r: next(q for d in r["tree"]["dimensions"] for q in d["requirements"] if q["id"] == "vision")  # noqa: E731
    v_old, v_new = vision(old)["attainment"]["percent"], vision(new)["attainment"]["percent"]
    assert row(out, vision(old)["title"]["en"])[1:3] == [f"{v_old}%", f"{v_new}%"]
    lyon_old = next(s for s in old["sites"] if s["id"] == "lyon")["attainment"]["percent"]
    lyon_new = next(s for s in new["sites"] if s["id"] == "lyon")["attainment"]["percent"]
    assert row(out, "lyon")[1:3] == [f"{lyon_old}%", f"{lyon_new}%"]
    _, french, _ = cli("compare", old_path, new_path, "--lang", "fr")
    comma = lambda text: text.replace(".", ",")  # noqa: E731
    assert row(french, "Points") == ["Points", comma(before), comma(after), f"+{comma(str(change))}"]
    assert row(french, "Perception client")[1:3] == [f"{comma(customer_old)}\u00a0%", f"{comma(customer_new)}\u00a0%"]


def test_compare_counts_findings_and_names_new_and_resolved_ones(records: tuple[Path, Path, str], cli: Cli) -> None:
    old_path, new_path, lost = records
    old, new = load(old_path), load(new_path)
    _, out, _ = cli("compare", old_path, new_path)
    strengths = [sum(1 for f in r["findings"] if f["kind"] == "strength" and not f["closed"]) for r in (old, new)]
    assert strengths[0] == strengths[1]  # one gained, one lost
    assert row(out, "strength") == ["strength", str(strengths[0]), str(strengths[1]), "0"]
    assert f"    + new (strength, lyon): {NEW_STRENGTH}" in out.splitlines()
    assert f"    − resolved (strength, lyon): {lost}" in out.splitlines()
    titles = {r["id"]: r["title"]["en"] for d in new["tree"]["dimensions"] for r in d["requirements"]}
    assert any(line.startswith(f"  {titles['vision']}: strength 0 → 1") for line in out.splitlines())
    assert any(line.startswith(f"  {titles['commitment']}: strength 1 → 0") for line in out.splitlines())


def test_improved_and_slipped_lists(records: tuple[Path, Path, str], cli: Cli) -> None:
    old_path, new_path, _ = records
    old, new = load(old_path), load(new_path)
    expected = []
    for d_old, d_new in zip(old["tree"]["dimensions"], new["tree"]["dimensions"]):
        for a, b in [(d_old, d_new), *zip(d_old["requirements"], d_new["requirements"])]:
            change = Decimal(b["attainment"]["percent"]) - Decimal(a["attainment"]["percent"])
            if change >= 1:
                expected.append(a["id"])
    assert expected  # the changes were meant to show
    improved, slipped = moves(old, new)
    assert sorted(i.split(" ")[0] for i, _ in improved) == sorted(expected)
    assert slipped == []
    _, out, _ = cli("compare", old_path, new_path)
    line = next(line for line in out.splitlines() if line.startswith("  improved: "))
    titles = {n["id"]: n["title"]["en"] for d in new["tree"]["dimensions"] for n in [d, *d["requirements"]]}
    assert all(titles[e] in line for e in expected)
    assert "  slipped: —" in out.splitlines()


def test_a_move_of_exactly_one_point_is_listed_and_less_is_not() -> None:
    old = json.loads((FIXTURES.parent / "tests" / "golden" / "demo.json").read_text("utf-8"))
    new = json.loads(json.dumps(old))
    requirements = {r["id"]: r for d in new["tree"]["dimensions"] for r in d["requirements"]}
    base = Decimal(requirements["vision"]["attainment"]["percent"])
    requirements["vision"]["attainment"]["percent"] = str(base + Decimal("1.0"))
    requirements["design"]["attainment"]["percent"] = str(Decimal(requirements["design"]["attainment"]["percent"]) - Decimal("0.9"))
    requirements["monitoring"]["attainment"]["percent"] = str(Decimal(requirements["monitoring"]["attainment"]["percent"]) - Decimal("1.0"))
    improved, slipped = moves(old, new)
    assert improved == [("vision", Decimal("1.0"))]
    assert slipped == [("monitoring", Decimal("-1.0"))]


def _with_sites(record: Record, percents: list[str | None]) -> Record:
    """The record with one site per percent (None: the site has no result)."""
    grown = json.loads(json.dumps(record))
    template = grown["sites"][0]
    grown["sites"] = [
        {**template, "id": f"s{i:02}", "has_result": p is not None, "attainment": {**template["attainment"], "percent": p}}
        for i, p in enumerate(percents)
    ]
    return grown


def test_a_network_shows_the_sites_that_changed_most() -> None:
    old = json.loads((FIXTURES.parent / "tests" / "golden" / "demo.json").read_text("utf-8"))
    before = [f"{50 + i}.0" for i in range(30)]
    after = list(before)
    after[7], after[12], after[20] = "40.0", "75.5", None  # -17.0, +13.5, lost its result
    text = compare(_with_sites(old, before), _with_sites(old, after), "en").splitlines()
    heading = text.index("Sites (the 20 largest changes of 30)")
    listed = [line.split()[0] for line in text[heading + 2 : heading + 22]]
    assert listed[:3] == ["s20", "s07", "s12"]  # no longer assessed first, then by the size of the move
    assert text[heading + 22].strip() == "… and 10 more sites, changed less"
    small = compare(old, old, "en").splitlines()
    assert "Sites" in small and not any("more sites" in line for line in small)


def test_identical_records_show_no_change() -> None:
    record = json.loads((FIXTURES.parent / "tests" / "golden" / "capped.json").read_text("utf-8"))
    text = compare(record, record, "en")
    assert "  improved: —" in text and "  slipped: —" in text
    assert row(text, "Points")[-1] == "0.0"
    assert "newly fired" not in text and "no longer fired" not in text


def test_gates_that_start_or_stop_firing(tmp_path: Path) -> None:
    golden = FIXTURES.parent / "tests" / "golden"
    capped = json.loads((golden / "capped.json").read_text("utf-8"))
    lifted = json.loads(json.dumps(capped))
    for gate in lifted["gates"]:
        gate["fired"] = gate["id"] == "every-site"
    text = compare(capped, lifted, "fr")
    titles = {g["id"]: g["title"]["fr"] for g in capped["gates"]}
    assert f"  nouvellement déclenchée(s) : {titles['every-site']}" in text.splitlines()
    assert f"  plus déclenchée(s) : {titles['no-unacceptable']}" in text.splitlines()


def test_other_organisation_warns_other_scheme_refuses(cli: Cli, tmp_path: Path) -> None:
    golden = FIXTURES.parent / "tests" / "golden"
    code, out, err = cli("compare", golden / "refused.json", golden / "capped.json")
    assert code == 0 and out.startswith("Comparison — Banque Coopérative du Rouergue")
    assert err == "warning: different organisations: Régie Intercommunale des Eaux du Gier / Banque Coopérative du Rouergue\n"
    other = load(golden / "capped.json")
    other["scheme"]["id"] = "iso23592"
    path = tmp_path / "other.json"
    path.write_text(dumps(other), "utf-8")
    code, out, err = cli("compare", golden / "capped.json", path)
    assert code == 2 and out == ""
    assert err == f"error: {path}: key scheme.id: different schemes (en16880 and iso23592): these records cannot be compared\n"


def test_malformed_record_exits_2(cli: Cli, tmp_path: Path) -> None:
    golden = FIXTURES.parent / "tests" / "golden"
    broken = tmp_path / "broken.json"
    broken.write_text("[]", "utf-8")
    code, _, err = cli("compare", golden / "demo.json", broken)
    assert code == 2 and err == f"error: {broken}: key format: expected 'labelaudit-record/1'\n"
