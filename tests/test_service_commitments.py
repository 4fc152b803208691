"""The second scheme, `service-commitments`, scored end to end through the third-party queue plugin.

The fixture audit (`fixtures/service-commitments/`) is read by three plugins: the built-in grid
and survey plugins and `labelaudit-queue` (plugins/labelaudit-queue), which CI installs next to
labelaudit. Without that plugin these tests fail, on purpose: they say how to install it.

The golden record follows tests/test_golden.py: after an intended change, regenerate with
`LABELAUDIT_UPDATE_GOLDEN=1 python -m pytest tests/test_service_commitments.py` and review the diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import os
import runpy
import shutil
from collections import defaultdict
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from clirun import FIXTURES, REPO, run

AUDIT = FIXTURES / "service-commitments"
TICKETS = AUDIT / "attente" / "tickets.csv"
GOLDEN = REPO / "tests" / "golden" / "service-commitments.json"
SITES = {"CAF Montbard": "montbard", "CAF Semur-en-Auxois": "semur"}  # as audit.toml maps them
FORMAT = "%d/%m/%Y %H:%M:%S"  # audit.toml's datetime_format


def require_queue_plugin() -> None:
    if importlib.util.find_spec("labelaudit_queue") is None:
        pytest.fail(
            "the labelaudit-queue plugin is not installed; these tests need it "
            "(pip install ./plugins/labelaudit-queue, or -e for development)",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fixture scored once through the real command; the golden file is compared here."""
    require_queue_plugin()
    path = tmp_path_factory.mktemp("sc") / "record.json"
    result = run("score", AUDIT, "-o", path)
    assert result.code == 0, result
    if os.environ.get("LABELAUDIT_UPDATE_GOLDEN") == "1":
        GOLDEN.write_bytes(path.read_bytes())
    record_bytes = path.read_bytes()
    assert record_bytes == GOLDEN.read_bytes(), f"the record differs from {GOLDEN}"
    return json.loads(record_bytes)


def bindings(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`criterion id/binding id` → the binding's record."""
    return {
        f"{c['id']}/{b['id']}": b
        for d in record["tree"]["dimensions"]
        for r in d["requirements"]
        for c in r["criteria"]
        for b in c["bindings"]
    }


def exact(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def waits_from_csv(path: Path) -> dict[str, list[Fraction | None]]:
    """Site → each ticket's wait in minutes (None: left without being served), read directly."""
    waits: dict[str, list[Fraction | None]] = defaultdict(list)
    with path.open(encoding="cp1252", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            arrival = dt.datetime.strptime(row["Arrivée"], FORMAT)
            if not row["Début de service"]:
                waits[SITES[row["Agence"]]].append(None)
                continue
            start = dt.datetime.strptime(row["Début de service"], FORMAT)
            waits[SITES[row["Agence"]]].append(Fraction(int((start - arrival).total_seconds()), 60))
    return waits


def test_the_queue_plugin_is_installed() -> None:
    require_queue_plugin()
    result = run("plugins")
    assert result.code == 0, result
    assert "queue 0.1.0" in result.out
    assert "indicator    served_within" in result.out and "indicator    max_wait" in result.out


def test_record_matches_golden_and_is_granted(record: dict[str, Any]) -> None:
    assert record["scheme"]["id"] == "service-commitments"
    assert (record["outcome"]["status"], record["outcome"]["level"]) == ("granted", "conforme")
    assert [g["id"] for g in record["gates"] if g["fired"]] == []
    assert not record["stability"]["borderline"]
    assert {p["name"] for p in record["plugins"]} >= {"onsite", "surveys", "queue"}


def test_every_binding_is_evidenced(record: dict[str, Any]) -> None:
    statuses = {key: b["status"] for key, b in bindings(record).items()}
    assert set(statuses.values()) == {"evidenced"}, statuses
    sources = {b["source"] for b in bindings(record).values()}
    assert sources == {"onsite", "queue", "customer"}


def test_queue_bindings_match_the_csv_by_hand(record: dict[str, Any]) -> None:
    waits = waits_from_csv(TICKETS)
    everyone = [w for site in waits.values() for w in site]
    served = [w for w in everyone if w is not None]
    assert len(everyone) == 300

    share = bindings(record)["attente.1/queue"]
    within = Fraction(sum(1 for w in served if w <= 5), len(everyone))  # who left counts as not served in time
    assert share["indicator"] == "served_within"
    assert share["value"]["exact"] == exact(within)
    assert share["measure"]["n"] == 300
    assert share["measure"]["low"]["exact"] is not None  # Wilson interval
    assert share["attainment"]["exact"] == exact(min(Fraction(1), (within - Fraction(7, 10)) / (Fraction(85, 100) - Fraction(7, 10))))
    by_site = {s["site"]: s for s in share["sites"]}
    for site, site_waits in waits.items():
        site_within = Fraction(sum(1 for w in site_waits if w is not None and w <= 5), len(site_waits))
        assert (by_site[site]["value"]["exact"], by_site[site]["n"]) == (exact(site_within), len(site_waits))

    longest = bindings(record)["attente.2/queue"]
    assert longest["indicator"] == "max_wait"
    assert longest["value"]["exact"] == exact(max(served))
    assert longest["measure"]["n"] == len(served)
    assert longest["measure"]["low"]["exact"] is None  # no interval
    assert (longest["floor"], longest["target"]) == ("15", "5")  # lower is better
    assert longest["attainment"]["exact"] == exact((15 - max(served)) / 10)
    assert not longest["unacceptable"]
    assert longest["evidence"][0]["location"] == "columns 'Arrivée' and 'Début de service'"
    assert longest["evidence"][0]["file"] == "attente/tickets.csv"


def test_a_twenty_minute_wait_is_refused_by_the_no_unacceptable_gate(tmp_path: Path) -> None:
    require_queue_plugin()
    audit = tmp_path / "audit"
    shutil.copytree(AUDIT, audit, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    tickets = audit / "attente" / "tickets.csv"
    lines = tickets.read_bytes().decode("cp1252").split("\r\n")
    ticket, site, reason, arrival, _start, counter = lines[10].split(";")
    start = dt.datetime.strptime(arrival, FORMAT) + dt.timedelta(minutes=20)
    lines[10] = ";".join([ticket, site, reason, arrival, start.strftime(FORMAT), counter])
    tickets.write_bytes("\r\n".join(lines).encode("cp1252"))

    result = run("score", audit, "-o", tmp_path / "record.json")
    assert result.code == 0, result  # a refusal is a result, not an error
    changed = json.loads((tmp_path / "record.json").read_text("utf-8"))
    assert changed["outcome"]["status"] == "refused"
    assert [g["id"] for g in changed["gates"] if g["fired"]] == ["no-unacceptable"]
    longest = bindings(changed)["attente.2/queue"]
    assert (longest["value"]["exact"], longest["unacceptable"], longest["attainment"]["exact"]) == ("20", True, "0")
    gate = next(g for g in changed["gates"] if g["id"] == "no-unacceptable")
    assert "attente.2 / queue" in json.dumps(gate, ensure_ascii=False)


def test_the_fixture_exports_are_regenerated_byte_for_byte(tmp_path: Path) -> None:
    script = runpy.run_path(str(AUDIT / "make_files.py"))
    script["main"](tmp_path)
    for name in ("attente/tickets.csv", "enquete/reclamations.csv"):
        assert (tmp_path / name).read_bytes() == (AUDIT / name).read_bytes(), f"{name}: rerun make_files.py"
