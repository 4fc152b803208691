"""The label register: adding, final decisions and validity, due audits, export, migrations,
concurrent writers, interrupted writes and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from committee_helpers import Desk, desk  # noqa: F401  (fixture)

from labelaudit.committee import register, views
from labelaudit.committee import schema as register_schema
from labelaudit.committee.chain import sidecar_path
from labelaudit.committee.register import add_record, open_register, record_row
from labelaudit.committee.schema import add_months, latest_version, migrate, plan, version
from labelaudit.committee.views import due, select
from labelaudit.errors import InputError
from labelaudit.i18n import MESSAGES
from labelaudit.record import dumps

GOLDEN = Path(__file__).resolve().parent / "golden"


TODAY = dt.date(2031, 1, 1)  # every chain is re-verified as of this day (its entries are dated before it)


def all_records(conn: sqlite3.Connection) -> list[views.Registered]:
    return views.all_records(conn, today=TODAY)


def copy(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.json"
    shutil.copyfile(GOLDEN / f"{name}.json", path)
    return path


def variant(tmp_path: Path, name: str, target: str, changes: dict[str, Any]) -> Path:
    """A golden record with some keys changed (dotted paths), written canonically."""
    record = json.loads((GOLDEN / f"{name}.json").read_text("utf-8"))
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node = record
        for key in parents:
            node = node[key]
        node[last] = value
    path = tmp_path / f"{target}.json"
    path.write_text(dumps(record), "utf-8")
    return path


@pytest.fixture
def db(desk: Desk) -> Path:
    """The register, with the standing committee's roster (tests/committee_helpers.py)."""
    return desk.db


@pytest.fixture
def confirm(desk: Desk) -> Any:
    """A whole session confirming the proposal: opened, three confirms, closed (five entries)."""

    def run(record: Path, on: str = "2026-12-01") -> None:
        desk.decide(record, on=dt.date.fromisoformat(on))

    return run


def add(db: Path, record: Path, label: str | None = None) -> register.Added:
    with open_register(db) as conn:
        return add_record(conn, record, today=TODAY, label=label)


def counts(db: Path) -> dict[str, int]:
    with open_register(db) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("records", "reviews", "decisions", "schedule")}


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def five(tmp_path: Path, db: Path, confirm: Any) -> dict[str, Path]:
    """The five golden records registered: demo and capped granted, refused refused, deferred
    deferred (each confirmed by the committee), excellence still pending."""
    records = {name: copy(tmp_path, name) for name in ("demo", "capped", "refused", "deferred", "excellence")}
    for name in ("demo", "capped", "refused", "deferred"):
        confirm(records[name])
    for path in records.values():
        add(db, path)
    return records


# --- the calendar ------------------------------------------------------------------------------


def test_months_are_added_within_the_month() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2026, 11, 20), 36) == dt.date(2029, 11, 20)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)


def test_plan_three_years_every_twelve_months() -> None:
    assert [(d.n, d.kind, d.due_on.isoformat()) for d in plan(dt.date(2026, 11, 20), 3, 12)] == [
        (1, "surveillance", "2027-11-20"),
        (2, "surveillance", "2028-11-20"),
        (3, "renewal", "2029-11-20"),
    ]


def test_plan_counts_from_the_decision_so_month_ends_do_not_drift() -> None:
    dates = [d.due_on.isoformat() for d in plan(dt.date(2026, 8, 31), 1, 6)]
    assert dates == ["2027-02-28", "2027-08-31"]


# --- adding ------------------------------------------------------------------------------------


def test_a_record_without_reviews_is_pending(tmp_path: Path, db: Path) -> None:
    demo = copy(tmp_path, "demo")
    added = add(db, demo)
    assert (added.audit_id, added.new_record, added.new_reviews) == ("2026-MTR-001", True, 0)
    with open_register(db) as conn:
        (r,) = all_records(conn)
    assert (r.status, r.proposed_status, r.proposed_level, r.proposed_points) == ("pending", "granted", "confirme", "733.9")
    assert (r.organisation, r.scheme_id, r.scheme_version, r.decided_on) == (
        "Mutuelle des Trois Rivières", "en16880", "1.1.0", "2026-11-20"
    )
    assert r.valid_until is None
    assert counts(db) == {"records": 1, "reviews": 0, "decisions": 0, "schedule": 0}


def test_adding_is_idempotent_and_brings_in_new_reviews(tmp_path: Path, desk: Desk, confirm: Any) -> None:
    demo = copy(tmp_path, "demo")
    confirm(demo)  # five entries, written through the desk's register
    other = desk.replica(tmp_path / "other.sqlite")
    assert add(other, demo).new_reviews == 5
    again = add(other, demo)
    assert (again.new_record, again.new_reviews) == (False, 0)
    day = dt.date(2026, 12, 2)
    desk.open(demo, on=day, rationale="Recours", today=day)
    for member in ("hvasseur", "proux", "jmartin"):
        desk.vote(demo, member, "override", level="excellence", rationale="Exemplaire", on=day, today=day)
    desk.close(demo, on=day, today=day)
    later = add(other, demo)
    assert (later.new_record, later.new_reviews) == (False, 5)
    assert counts(other) == {"records": 1, "reviews": 10, "decisions": 1, "schedule": 3}
    with open_register(other) as conn:
        (r,) = all_records(conn)
    assert (r.final_status, r.final_level, r.final_member, r.final_on) == ("granted", "excellence", "pmartin", "2026-12-02")
    assert (r.valid_from, r.valid_until) == ("2026-11-20", "2029-11-20")
    assert counts(desk.db) == counts(other)  # the writer's register was updated in the same transaction


def test_validity_policies_come_from_the_record_when_present(tmp_path: Path, db: Path, confirm: Any) -> None:
    path = variant(tmp_path, "demo", "short", {"scheme.policies.validity_years": 2, "scheme.policies.surveillance_months": 6})
    confirm(path)
    add(db, path)
    with open_register(db) as conn:
        (r,) = all_records(conn)
        schedule = views.schedule_of(conn, r.record_digest)
    assert (r.validity_years, r.surveillance_months, r.valid_until) == (2, 6, "2028-11-20")
    assert schedule == [
        (1, "surveillance", "2027-05-20"),
        (2, "surveillance", "2027-11-20"),
        (3, "surveillance", "2028-05-20"),
        (4, "renewal", "2028-11-20"),
    ]


def test_a_refused_or_deferred_decision_has_no_validity(five: dict[str, Path], db: Path) -> None:
    with open_register(db) as conn:
        by_id = {r.audit_id: r for r in all_records(conn)}
    assert by_id["2026-RIEG-001"].final_status == "refused" and by_id["2026-RIEG-001"].valid_until is None
    assert by_id["2026-TPVC-001"].final_status == "deferred" and by_id["2026-TPVC-001"].valid_until is None
    assert counts(db)["schedule"] == 6  # demo and capped: two surveillances and a renewal each


def test_a_broken_chain_is_not_registered(tmp_path: Path, desk: Desk, confirm: Any) -> None:
    demo = copy(tmp_path, "demo")
    confirm(demo)
    lines = sidecar_path(demo).read_text("utf-8").splitlines(keepends=True)
    sidecar_path(demo).write_text(lines[0] + "".join(lines[2:]), "utf-8")
    other = desk.replica(tmp_path / "other.sqlite")
    with pytest.raises(InputError) as caught:
        add(other, demo)
    assert "the reviews chain of" in str(caught.value) and "line 2: entry 3 found" in str(caught.value)
    assert counts(other)["records"] == 0


def test_a_sidecar_cut_short_is_caught_by_the_register(tmp_path: Path, db: Path, desk: Desk, confirm: Any) -> None:
    demo = copy(tmp_path, "demo")
    confirm(demo)
    add(db, demo)
    first = sidecar_path(demo).read_text("utf-8").splitlines(keepends=True)[0]
    sidecar_path(demo).write_text(first, "utf-8")  # the file alone cannot tell: an open session
    assert desk.read(demo, register=False).reading.problems[-1].code == "review.rule.no_roster"
    with pytest.raises(InputError) as caught:
        add(db, demo)
    assert "line 2: the register holds entry 2" in str(caught.value)
    assert "which the file lacks: the file was cut short" in str(caught.value)


def test_a_record_missing_a_key_is_refused(tmp_path: Path, db: Path) -> None:
    path = variant(tmp_path, "demo", "odd", {"outcome.points": {}})
    with pytest.raises(InputError, match=r"odd.json: key outcome.points.shown: required key missing"):
        add(db, path)


# --- listing, due, export ----------------------------------------------------------------------


def ids(records: list[register.Registered]) -> list[str]:
    return [r.audit_id for r in records]


def test_list_filters(five: dict[str, Path], db: Path) -> None:
    with open_register(db) as conn:
        everything = all_records(conn)
    assert ids(everything) == ["2026-RIEG-001", "2026-BCR-002", "2026-ADA-004", "2026-MTR-001", "2026-TPVC-001"]
    assert ids(select(everything, status="granted")) == ["2026-BCR-002", "2026-MTR-001"]
    assert ids(select(everything, status="pending")) == ["2026-ADA-004"]
    assert ids(select(everything, status="deferred")) == ["2026-TPVC-001"]
    assert ids(select(everything, level="engage")) == ["2026-BCR-002"]
    assert ids(select(everything, organisation="MUTUELLE des trois rivieres")) == ["2026-MTR-001"]
    assert ids(select(everything, organisation="rouergue", status="granted")) == ["2026-BCR-002"]
    assert ids(select(everything, valid_on=dt.date(2026, 11, 19))) == ["2026-BCR-002"]
    assert ids(select(everything, valid_on=dt.date(2026, 11, 20))) == ["2026-BCR-002", "2026-MTR-001"]
    assert ids(select(everything, valid_on=dt.date(2029, 11, 19))) == ["2026-MTR-001"]
    assert ids(select(everything, valid_on=dt.date(2029, 11, 20))) == []  # the end is exclusive


def _due(db: Path, before: str) -> list[tuple[str, str, int, str]]:
    with open_register(db) as conn:
        return [(i.due_on.isoformat(), i.kind, i.n, i.record.audit_id)
                for i in due(conn, dt.date.fromisoformat(before), today=TODAY)]


def test_due_lists_surveillances_and_renewals_on_or_before_the_date(five: dict[str, Path], db: Path) -> None:
    assert _due(db, "2027-10-19") == []
    assert _due(db, "2027-10-20") == [("2027-10-20", "surveillance", 1, "2026-BCR-002")]
    assert _due(db, "2029-12-31") == [
        ("2027-10-20", "surveillance", 1, "2026-BCR-002"),
        ("2027-11-20", "surveillance", 1, "2026-MTR-001"),
        ("2028-10-20", "surveillance", 2, "2026-BCR-002"),
        ("2028-11-20", "surveillance", 2, "2026-MTR-001"),
        ("2029-10-20", "renewal", 3, "2026-BCR-002"),
        ("2029-11-20", "renewal", 3, "2026-MTR-001"),
    ]


def test_a_later_surveillance_or_renewal_audit_counts_as_done(tmp_path: Path, db: Path, confirm: Any) -> None:
    demo = copy(tmp_path, "demo")
    confirm(demo)
    add(db, demo)
    surveillance = variant(tmp_path, "demo", "surv", {"audit.id": "2027-MTR-002", "audit.kind": "surveillance",
                                                      "audit.label": "2026-MTR-001", "decided_on": "2027-11-10"})
    confirm(surveillance, "2027-11-12")
    add(db, surveillance)
    assert _due(db, "2029-12-31") == [
        ("2028-11-20", "surveillance", 2, "2026-MTR-001"),
        ("2029-11-20", "renewal", 3, "2026-MTR-001"),
    ]
    renewal = variant(tmp_path, "demo", "renew", {"audit.id": "2029-MTR-003", "audit.kind": "renewal", "decided_on": "2029-11-05"})
    confirm(renewal, "2029-11-06")
    add(db, renewal, label="2026-MTR-001")
    # the renewal starts a new cycle: the old one's schedule is no longer due
    assert _due(db, "2031-01-01") == [("2030-11-05", "surveillance", 1, "2029-MTR-003")]


def test_export_writes_every_record_as_csv(five: dict[str, Path], db: Path, tmp_path: Path) -> None:
    from labelaudit.committee import spreadsheets

    with open_register(db) as conn:
        text = spreadsheets.to_csv(views.all_records(conn, today=TODAY), spreadsheets.dialect_for("en"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["audit_id"] for r in rows] == ["2026-RIEG-001", "2026-BCR-002", "2026-ADA-004", "2026-MTR-001", "2026-TPVC-001"]
    demo = rows[3]
    assert {k: demo[k] for k in ("organisation", "proposed_level", "proposed_points", "status", "final_level", "valid_until")} == {
        "organisation": "Mutuelle des Trois Rivières",
        "proposed_level": "confirme",
        "proposed_points": "733.9",
        "status": "granted",
        "final_level": "confirme",
        "valid_until": "2029-11-20",
    }
    assert rows[2]["status"] == "pending" and rows[2]["final_level"] == ""


# --- migrations --------------------------------------------------------------------------------


def test_a_new_register_is_at_the_latest_version_in_wal_mode(tmp_path: Path, db: Path) -> None:
    add(db, copy(tmp_path, "capped"))
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest_version() == 5
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def legacy_sidecar(record: Path) -> list[dict[str, Any]]:
    """A v1 chain of one unsigned review, as labelaudit wrote them before sessions."""
    from labelaudit.committee.chain import canonical, sha256_text

    entry: dict[str, Any] = {
        "seq": 1, "record_digest": "sha256:" + hashlib.sha256(record.read_bytes()).hexdigest(), "previous": None,
        "member": "Hélène Vasseur", "verdict": "confirm", "status": "granted", "level": "confirme",
        "rationale": None, "date": "2026-12-01",
    }
    entry["hash"] = sha256_text(canonical(entry))
    sidecar_path(record).write_text(canonical(entry) + "\n", "utf-8")
    return [entry]


def test_a_v1_register_is_upgraded_and_its_legacy_decisions_no_longer_count(tmp_path: Path, db: Path) -> None:
    demo = copy(tmp_path, "demo")
    (entry,) = legacy_sidecar(demo)
    fresh = tmp_path / "v1.sqlite"
    conn = register._connect(fresh)
    try:
        assert migrate(conn, upto=1) == 1
        record, digest = register.load_record_digest(demo)
        row = {k: v for k, v in record_row(record, digest, demo).items()
               if k not in ("validity_years", "surveillance_months", "auditors", "label_id")}
        conn.execute(f"INSERT INTO records ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values()))
        conn.execute("INSERT INTO reviews (record_digest, seq, hash, previous, member, verdict, status, level, rationale,"
                     " date) VALUES (?, 1, ?, NULL, ?, 'confirm', 'granted', 'confirme', NULL, '2026-12-01')",
                     (digest, entry["hash"], entry["member"]))
        assert [r[1] for r in conn.execute("PRAGMA table_info(records)")][-1] == "record_file"
        assert migrate(conn, upto=2) == 2
        assert conn.execute("SELECT status FROM decisions").fetchall() == [("granted",)]  # v2: the latest review won
    finally:
        conn.close()
    with open_register(fresh) as conn:
        assert version(conn) == 5
        (r,) = all_records(conn)
        assert (r.status, r.valid_until, r.validity_years, r.surveillance_months) == ("pending", None, 3, 12)
        assert r.label_id == "2026-MTR-001"  # v4: an initial record's label is its own audit id
        assert register_schema.version(conn) == 5 and views.schedule_of(conn, digest) == []
        assert conn.execute("SELECT kind, member, line FROM reviews").fetchall() == [
            ("legacy", "Hélène Vasseur", sidecar_path(demo).read_text("utf-8").rstrip("\n"))
        ]
        assert conn.execute("SELECT auditors FROM records").fetchone()[0] == '["Claire Dubois", "Marc Lefèvre"]'
    assert integrity(fresh) == "ok"
    assert add(fresh, demo).new_reviews == 0  # the upgraded register keeps working: the legacy line verifies


def test_a_failing_migration_leaves_the_register_as_it_was(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add(db, copy(tmp_path, "capped"))

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half (x)")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(register_schema, "MIGRATIONS", [*register_schema.MIGRATIONS, broken])
    with pytest.raises(RuntimeError, match="migration bug"):
        with open_register(db):
            pass
    monkeypatch.undo()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
        assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'").fetchone()[0] == 0
    finally:
        conn.close()


def test_a_register_from_a_newer_labelaudit_is_refused(tmp_path: Path, db: Path) -> None:
    add(db, copy(tmp_path, "capped"))
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(InputError, match=r"newer labelaudit \(schema 99, this version knows up to 5\)"):
        add(db, copy(tmp_path, "demo"))


# --- concurrency and interrupted writes --------------------------------------------------------

WORKER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    import datetime
    from labelaudit.committee.register import add_record, open_register
    db, go = Path(sys.argv[1]), Path(sys.argv[2])
    Path(f"{go}.ready.{os.getpid()}").touch()  # imports done: ready to start
    while not go.exists():
        time.sleep(0.002)
    for name in sys.argv[3:]:
        with open_register(db) as conn:
            add_record(conn, Path(name), today=datetime.date(2026, 12, 1))
    """
)


def start_together(go: Path, workers: list[subprocess.Popen[bytes]]) -> None:
    """Wait until every worker has imported labelaudit, then release them all at once."""
    deadline = time.monotonic() + 60
    while len(list(go.parent.glob(f"{go.name}.ready.*"))) < len(workers) and time.monotonic() < deadline:
        time.sleep(0.005)
    go.touch()


def test_two_processes_adding_at_once(tmp_path: Path, db: Path) -> None:
    batches = [
        [variant(tmp_path, "capped", f"{side}{i}", {"audit.id": f"2026-{side.upper()}-{i:03}"}) for i in range(6)]
        for side in ("a", "b")
    ]
    go = tmp_path / "go"
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(db), str(go), *map(str, batch)]) for batch in batches]
    start_together(go, workers)  # on a register that does not exist yet
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    with open_register(db) as conn:
        registered = sorted(r.audit_id for r in all_records(conn))
    assert registered == sorted([f"2026-A-{i:03}" for i in range(6)] + [f"2026-B-{i:03}" for i in range(6)])
    assert integrity(db) == "ok"


def test_an_error_mid_transaction_leaves_the_register_unchanged(
    tmp_path: Path, desk: Desk, confirm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo, capped = copy(tmp_path, "demo"), copy(tmp_path, "capped")
    confirm(demo)
    confirm(capped)
    db = desk.replica(tmp_path / "other.sqlite")  # a register that has seen none of the entries
    add(db, demo)
    with open_register(db) as conn:
        before = list(conn.iterdump())

    def fail_after_the_record_insert(conn: sqlite3.Connection, reviews: Any) -> None:
        raise RuntimeError("interrupted")

    monkeypatch.setattr(register, "insert_entries", fail_after_the_record_insert)
    with pytest.raises(RuntimeError, match="interrupted"):
        add(db, capped)
    monkeypatch.undo()
    with open_register(db) as conn:
        assert list(conn.iterdump()) == before
    assert integrity(db) == "ok"
    assert add(db, capped).new_record  # and the same add then succeeds


def test_a_process_killed_mid_transaction_leaves_the_register_unchanged(tmp_path: Path, desk: Desk, confirm: Any) -> None:
    demo, capped = copy(tmp_path, "demo"), copy(tmp_path, "capped")
    confirm(capped)
    db = desk.replica(tmp_path / "other.sqlite")
    add(db, demo)
    killer = textwrap.dedent(
        """
        import os, sys
        from pathlib import Path
        import datetime
        from labelaudit.committee import register
        register.insert_entries = lambda conn, reviews: os._exit(9)  # dies with the transaction open
        with register.open_register(Path(sys.argv[1])) as conn:
            register.add_record(conn, Path(sys.argv[2]), today=datetime.date(2026, 12, 1))
        """
    )
    done = subprocess.run([sys.executable, "-c", killer, str(db), str(capped)], timeout=120)
    assert done.returncode == 9
    assert integrity(db) == "ok"
    assert counts(db) == {"records": 1, "reviews": 0, "decisions": 0, "schedule": 0}


# --- the command -------------------------------------------------------------------------------




def test_cli_add_list_show(tmp_path: Path, desk: Desk, confirm: Any, cli: Any) -> None:
    demo, capped = copy(tmp_path, "demo"), copy(tmp_path, "capped")
    confirm(demo)
    db = desk.replica(tmp_path / "other.sqlite")
    code, out, _ = cli("register", "add", demo, "--register", db)
    assert code == 0 and out.startswith(f"Registered in {db}: 2026-MTR-001 (sha256:") and out.endswith("), 5 review(s)\n")
    code, out, _ = cli("register", "add", demo, "--register", db)
    assert code == 0 and out.startswith(f"Already in {db}: 2026-MTR-001")
    assert cli("register", "add", capped, "--register", db)[0] == 0
    code, out, _ = cli("register", "list", "--register", db)
    assert code == 0
    assert out.splitlines() == [
        "AUDIT         ORGANISATION                    KIND     DECIDED       PROPOSAL                     COMMITTEE DECISION   VALID UNTIL",
        "2026-BCR-002  Banque Coopérative du Rouergue  initial  Oct 20, 2026  granted — Committed (956.3)  pending              —",
        "2026-MTR-001  Mutuelle des Trois Rivières     initial  Nov 20, 2026  granted — Confirmed (733.9)  granted — Confirmed  Nov 20, 2029",
    ]
    code, out, _ = cli("register", "list", "--status", "pending", "--register", db)
    assert code == 0 and len(out.splitlines()) == 2 and "2026-BCR-002" in out
    code, out, _ = cli("register", "list", "--level", "excellence", "--register", db)
    assert (code, out) == (0, "No record matches.\n")
    code, out, _ = cli("register", "show", "2026-MTR-001", "--register", db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "2026-MTR-001 — Mutuelle des Trois Rivières"
    assert "    1. Dec 1, 2026 opening pmartin" in lines
    assert "    2. Dec 1, 2026 vote hvasseur: confirm → granted — Confirmed" in lines
    assert "    5. Dec 1, 2026 closing pmartin: → granted — Confirmed" in lines
    assert "  Committee decision (the latest closed session): granted — Confirmed (pmartin, December 1, 2026)" in lines
    assert lines[-4:] == [
        "  Valid from November 20, 2026 until November 20, 2029, exclusive (3 years; surveillance every 12 months):",
        "    Nov 20, 2027  surveillance audit 1",
        "    Nov 20, 2028  surveillance audit 2",
        "    Nov 20, 2029  renewal",
    ]
    code, out, _ = cli("register", "show", "2026-MTR-001", "--register", db, "--lang", "fr")
    lines = out.splitlines()
    assert "    2. 1 déc. 2026 vote hvasseur : confirmation → accordé — Confirmé" in lines
    assert "  Schéma en16880 1.1.0, audit initial, décision du 20 novembre 2026" in lines
    assert "  Proposition : accordé — Confirmé (733,9 points)" in lines
    assert "  Décision du comité (dernière séance close) : accordé — Confirmé (pmartin, 1er décembre 2026)" in lines
    code, _, err = cli("register", "show", "2026-XXX-999", "--register", db)
    assert code == 2 and err == f"error: {db}: no record of audit '2026-XXX-999'\n"


def test_cli_due_and_export(five: dict[str, Path], db: Path, tmp_path: Path, cli: Any) -> None:
    code, out, _ = cli("register", "due", "--before", "2028-10-31", "--register", db)
    assert code == 0
    assert out.splitlines() == [
        "Oct 20, 2027  surveillance 1/2  2026-BCR-002  Banque Coopérative du Rouergue  granted — Committed  valid until October 20, 2029",
        "Nov 20, 2027  surveillance 1/2  2026-MTR-001  Mutuelle des Trois Rivières     granted — Confirmed  valid until November 20, 2029",
        "Oct 20, 2028  surveillance 2/2  2026-BCR-002  Banque Coopérative du Rouergue  granted — Committed  valid until October 20, 2029",
    ]
    code, out, _ = cli("register", "due", "--before", "2027-01-01", "--register", db, "--lang", "fr")
    assert (code, out) == (0, "Rien n'est dû au plus tard le 1er janvier 2027.\n")
    target = tmp_path / "out" / "register.csv"
    code, out, _ = cli("register", "export", "--csv", target, "--register", db)
    assert (code, out) == (0, f"5 record(s) exported: {target}\n")
    assert len(list(csv.DictReader(io.StringIO(target.read_text("utf-8"), newline="")))) == 5
    assert sorted(p.name for p in target.parent.iterdir()) == ["register.csv"]  # no temporary left
    code, _, err = cli("register", "export", "--csv", target, "--register", db)
    assert code == 2 and "already exists: nothing was written" in err
    assert cli("register", "export", "--csv", target, "--register", db, "--force")[0] == 0


def test_cli_register_location_env_and_default(tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    capped = copy(tmp_path, "capped")
    monkeypatch.chdir(tmp_path)
    assert cli("register", "add", capped)[0] == 0
    assert (tmp_path / "labelaudit-register.sqlite").exists()
    monkeypatch.setenv("LABELAUDIT_REGISTER", str(tmp_path / "env.sqlite"))
    assert cli("register", "add", capped)[0] == 0
    assert (tmp_path / "env.sqlite").exists()


def test_cli_read_commands_need_an_existing_register(tmp_path: Path, cli: Any) -> None:
    missing = tmp_path / "none.sqlite"
    code, _, err = cli("register", "list", "--register", missing)
    assert code == 2 and "no register here" in err
    assert not missing.exists()
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database, just text" * 100, "utf-8")
    code, _, err = cli("register", "list", "--register", junk)
    assert code == 2 and "cannot read the register" in err


def test_cli_review_with_register_and_show_against_it(tmp_path: Path, desk: Desk, cli: Any) -> None:
    demo, db = copy(tmp_path, "demo"), desk.db
    code, _, _ = cli("review", demo, "--open", "--chair", "pmartin", "--key", desk.key_file("pmartin"), "--on", "2026-11-21",
                     "--register", db)
    assert code == 0
    code, out, _ = cli("review", demo, "--vote", "confirm", "--member", "hvasseur", "--key", desk.key_file("hvasseur"),
                       "--on", "2026-11-22", "--register", db)
    assert code == 0
    assert counts(db)["reviews"] == 2  # the sidecar and the register, in one step
    first = sidecar_path(demo).read_text("utf-8").splitlines(keepends=True)[0]
    sidecar_path(demo).write_text(first, "utf-8")
    assert desk.read(demo, register=False).reading.pending is not None  # the file alone: an open session
    code, out, _ = cli("review", demo, "--show", "--register", db)
    assert code == 2
    assert "  - line 2: the register holds entry 2 (sha256:" in out
    assert out.splitlines()[-1] == "Final decision: none while the chain is broken"


def test_every_register_message_exists_in_both_languages() -> None:
    import re

    keys = [k for k in MESSAGES if k.startswith("register.")]
    assert len(keys) > 40
    for key in keys:
        fr, en = MESSAGES[key]["fr"], MESSAGES[key]["en"]
        assert sorted(re.findall(r"{(\w+)", fr)) == sorted(re.findall(r"{(\w+)", en)), key
