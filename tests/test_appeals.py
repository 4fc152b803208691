"""Complaints and appeals: an appeal heard by members who took no part in the decision (refused
on write, found on every read), its outcome superseding the decision in every register view,
the links both ways, the append-only log's tamper detection, the v4 → v5 migration and the
`appeal` / `complaint` commands."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from committee_helpers import Desk, desk  # noqa: F401  (fixture)

from labelaudit.committee import register
from labelaudit.committee.appeals import close_appeal, close_complaint, lodge, vote
from labelaudit.committee.cases import CaseEntry, signed_case_entry
from labelaudit.committee.casework import read_cases, store_case_entry
from labelaudit.committee.chain import Rule
from labelaudit.committee.labels import records_of, state, timeline
from labelaudit.committee.lifecycle import read_events
from labelaudit.committee.register import add_record, open_register
from labelaudit.committee.schema import migrate, transaction
from labelaudit.committee.views import all_records, due
from labelaudit.errors import InputError
from labelaudit.i18n import MESSAGES
from test_register import copy, variant

TODAY = dt.date(2031, 1, 1)
LABEL = "2026-MTR-001"
PANEL = ("cgarnier", "aleroy", "bnoel")  # members who took no part in the demo's decision
ALL_DUE = [("2027-11-20", "surveillance", 1), ("2028-11-20", "surveillance", 2), ("2029-11-20", "renewal", 3)]


@pytest.fixture
def panel(desk: Desk) -> Desk:
    """The standing committee plus an appeal panel: a chair and two members, independent of the
    demo's decision (decided by pmartin with hvasseur, proux and jmartin)."""
    desk.enrol("cgarnier", "Claude Garnier", ("chair", "member"))
    desk.enrol("aleroy", "Alice Leroy")
    desk.enrol("bnoel", "Bruno Noël")
    return desk


def add(db: Path, record: Path) -> register.Added:
    with open_register(db) as conn:
        return add_record(conn, record, today=TODAY)


@pytest.fixture
def decided(tmp_path: Path, panel: Desk) -> Path:
    """The demo record (decided 2026-11-20) granted at confirme by a closed session on 2026-12-01."""
    demo = copy(tmp_path, "demo")
    panel.decide(demo, on=dt.date(2026, 12, 1))
    add(panel.db, demo)
    return demo


def signing(desk: Desk, member: str, on: str) -> dict[str, Any]:
    return {"key": desk.keys[member], "on": dt.date.fromisoformat(on), "today": TODAY, "place": str(desk.db)}


def lodge_appeal(desk: Desk, audit: str = LABEL, on: str = "2027-01-05", **options: Any) -> int:
    with open_register(desk.db) as conn:
        return lodge(conn, "appeal", member="pmartin", audit=audit, by="Mutuelle des Trois Rivières",
                     grounds="le niveau excellence était atteint", **signing(desk, "pmartin", on), **options).case


def cast(desk: Desk, case: int, member: str, *, uphold: bool = False, status: str | None = "granted",
         level: str | None = "excellence", on: str = "2027-01-20") -> CaseEntry:
    with open_register(desk.db) as conn:
        return vote(conn, case, member=member, uphold=uphold, status=None if uphold else status,
                    level=None if uphold else level, rationale="preuves réexaminées", **signing(desk, member, on))


def close(desk: Desk, case: int, chair: str = "cgarnier", on: str = "2027-02-01") -> CaseEntry:
    with open_register(desk.db) as conn:
        return close_appeal(conn, case, chair=chair, rationale=None, **signing(desk, chair, on))


def hear(desk: Desk, **options: Any) -> int:
    """An appeal lodged, voted by the whole panel with the same vote, and closed."""
    case = lodge_appeal(desk)
    for member in PANEL:
        cast(desk, case, member, **options)
    close(desk, case)
    return case


def demo_record(desk: Desk) -> Any:
    with open_register(desk.db) as conn:
        return next(r for r in all_records(conn, today=TODAY) if r.audit_id == LABEL)


def problems(desk: Desk) -> list[tuple[int, str]]:
    with open_register(desk.db) as conn:
        return [(p.seq, p.rule) for p in read_cases(conn, today=TODAY).problems]


def dues(desk: Desk, before: str = "2029-12-31") -> list[tuple[str, str, int]]:
    with open_register(desk.db) as conn:
        return [(i.due_on.isoformat(), i.kind, i.n) for i in due(conn, dt.date.fromisoformat(before), today=TODAY)]


def moments(desk: Desk, day: dt.date = dt.date(2027, 6, 1)) -> list[tuple[str, str, str, str]]:
    from labelaudit.committee.appeals import case_moments

    with open_register(desk.db) as conn:
        records = records_of(all_records(conn, today=TODAY), LABEL)
        found = timeline(records, read_events(conn, LABEL), day, case_moments(read_cases(conn, today=TODAY), records, LABEL))
    return [(m.on.isoformat(), m.what, m.who, m.source) for m in found]


def label_state(desk: Desk, day: dt.date = dt.date(2027, 6, 1)) -> str:
    from labelaudit.committee.appeals import case_moments

    with open_register(desk.db) as conn:
        records = records_of(all_records(conn, today=TODAY), LABEL)
        cases = case_moments(read_cases(conn, today=TODAY), records, LABEL)
        return state(timeline(records, read_events(conn, LABEL), day, cases), day)


# --- the outcome supersedes the decision --------------------------------------------------------


def test_an_appeal_granted_replaces_the_decision_in_every_view(panel: Desk, decided: Path) -> None:
    case = hear(panel)
    r = demo_record(panel)
    assert (r.final_status, r.final_level, r.final_member, r.final_on) == ("granted", "excellence", "cgarnier", "2027-02-01")
    assert r.appeal is not None and (r.appeal.case, r.appeal.state) == (case, "granted")
    assert r.appeal.original == ("granted", "confirme", "pmartin", "2026-12-01")  # the decision appealed, kept
    assert (r.valid_from, r.valid_until) == ("2026-11-20", "2029-11-20")  # validity counts from the record's date
    assert moments(panel) == [
        ("2026-12-01", "granted", "pmartin", LABEL),
        ("2027-01-05", "appeal_lodged", "pmartin", "appeal 1"),
        ("2027-02-01", "granted", "cgarnier", "appeal 1"),
    ]
    assert dues(panel) == ALL_DUE


def test_an_appeal_upheld_keeps_the_decision(panel: Desk, decided: Path) -> None:
    hear(panel, uphold=True)
    r = demo_record(panel)
    assert (r.final_status, r.final_level, r.final_member) == ("granted", "confirme", "pmartin")
    assert r.appeal is not None and r.appeal.state == "upheld"
    assert ("2027-02-01", "appeal_upheld", "cgarnier", "appeal 1") in moments(panel)


def test_a_grant_refused_on_appeal_ends_the_label_and_its_audits(panel: Desk, decided: Path) -> None:
    hear(panel, status="refused", level=None)
    r = demo_record(panel)
    assert (r.final_status, r.final_level, r.valid_from, r.valid_until) == ("refused", None, None, None)
    assert label_state(panel, dt.date(2027, 1, 1)) == "active" and label_state(panel) == "pending"
    assert dues(panel) == []


def test_a_refusal_granted_on_appeal_starts_the_cycle(tmp_path: Path, panel: Desk) -> None:
    demo = copy(tmp_path, "demo")
    day = dt.date(2026, 12, 1)
    panel.open(demo, on=day, today=day)
    for member in ("hvasseur", "proux", "jmartin"):
        panel.vote(demo, member, "override", on=day, today=day, refuse=True, rationale="preuves insuffisantes")
    panel.close(demo, on=day, today=day)
    add(panel.db, demo)
    assert dues(panel) == [] and label_state(panel) == "pending"
    hear(panel, level="confirme")
    assert dues(panel) == ALL_DUE and label_state(panel) == "active"


# --- independence, quorum, the decision appealed -----------------------------------------------


@pytest.mark.parametrize("member", ["hvasseur", "proux", "jmartin", "pmartin"])
def test_a_member_who_took_part_in_the_decision_cannot_vote_on_its_appeal(panel: Desk, decided: Path, member: str) -> None:
    case = lodge_appeal(panel)
    with pytest.raises(InputError, match="took part in the decision appealed"):
        cast(panel, case, member)
    assert problems(panel) == []  # nothing was written


def test_the_chair_of_the_decision_cannot_close_its_appeal(panel: Desk, decided: Path) -> None:
    case = lodge_appeal(panel)
    for member in PANEL:
        cast(panel, case, member)
    with pytest.raises(InputError, match="'pmartin' took part in the decision appealed"):
        close(panel, case, chair="pmartin")


def test_an_auditor_of_the_audit_cannot_vote_on_its_appeal(tmp_path: Path, panel: Desk) -> None:
    record = variant(tmp_path, "demo", "audited", {"audit.auditors": ["Claire Dubois", "Alice Leroy"]})
    panel.decide(record, on=dt.date(2026, 12, 1))
    add(panel.db, record)
    case = lodge_appeal(panel)
    with pytest.raises(InputError, match="'aleroy' audited this label"):
        cast(panel, case, "aleroy")


def test_an_appeal_is_not_closed_without_quorum(panel: Desk, decided: Path) -> None:
    case = lodge_appeal(panel)
    cast(panel, case, "aleroy")
    cast(panel, case, "bnoel")
    with pytest.raises(InputError, match="2 member"):
        close(panel, case)


def test_an_undecided_record_or_an_unknown_audit_cannot_be_appealed(tmp_path: Path, panel: Desk) -> None:
    demo = copy(tmp_path, "demo")
    add(panel.db, demo)  # registered, never decided
    with pytest.raises(InputError, match="has no decision yet"):
        lodge_appeal(panel)
    with pytest.raises(InputError, match="no record of audit '2026-XXX-999'"):
        lodge_appeal(panel, audit="2026-XXX-999")


def test_a_decision_is_appealed_once(panel: Desk, decided: Path) -> None:
    lodge_appeal(panel)
    with pytest.raises(InputError, match="already under appeal 1"):
        lodge_appeal(panel, on="2027-01-06")


def test_a_later_session_supersedes_the_appeal_and_an_older_session_is_not_appealed(panel: Desk, decided: Path) -> None:
    hear(panel)
    panel.decide(decided, on=dt.date(2027, 3, 1))  # the committee decides the record again (session 6)
    add(panel.db, decided)
    r = demo_record(panel)
    assert problems(panel) == []  # the log still verifies: the appeal was lodged against the latest decision
    assert (r.final_level, r.final_on, r.appeal.state if r.appeal else None) == ("confirme", "2027-03-01", "superseded")
    with pytest.raises(InputError, match="session 1 of audit 2026-MTR-001 is no longer its latest decision"):
        lodge_appeal(panel, on="2027-03-02", session=1)


def test_an_appeal_names_its_decision_and_the_decision_names_its_appeal(panel: Desk, decided: Path, cli: Any,
                                                                       clock: None) -> None:
    case = hear(panel)
    code, out, err = cli("appeal", "show", str(case), "--register", panel.db)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Appeal 1: granted (the decision is replaced)"
    assert lines[1].startswith("  against the decision of audit 2026-MTR-001, session 1: granted — Confirmed (December 1, 2026, chair pmartin")
    assert "    2. Jan 20, 2027 cgarnier: grant the appeal → granted — Excellence — preuves réexaminées" in lines
    code, out, _ = cli("register", "show", LABEL, "--register", panel.db)
    assert code == 0
    assert "  Appealed: appeal 1, granted (the decision is replaced) (closed February 1, 2027)" in out.splitlines()
    assert "  Decision appealed: granted — Confirmed by pmartin on December 1, 2026" in out.splitlines()
    assert "  Committee decision (the latest closed session): granted — Excellence (cgarnier, February 1, 2027)" in out.splitlines()


# --- forgeries and tampering -------------------------------------------------------------------


def forge(desk: Desk, member: str, key: Ed25519PrivateKey | None = None, **fields: Any) -> None:
    """Store an entry bypassing the writer (as someone with write access to the register would)."""
    with open_register(desk.db) as conn:
        before = read_cases(conn, today=TODAY)
        seq = len(before.entries) + 1
        base: dict[str, Any] = {"seq": seq, "previous": before.entries[-1].hash if before.entries else None,
                                "kind": "vote", "case": 1, "date": dt.date(2027, 1, 20), "member": member, "key": "",
                                "verdict": "grant", "status": "granted", "level": "excellence", "rationale": "forgé"}
        entry = signed_case_entry(CaseEntry(**{**base, **fields}), key or desk.keys[member])
        with transaction(conn):
            store_case_entry(conn, entry)


def test_a_forged_vote_by_a_member_who_took_part_is_detected_and_decides_nothing(panel: Desk, decided: Path) -> None:
    case = lodge_appeal(panel)
    for member in ("aleroy", "bnoel"):
        cast(panel, case, member)
    forge(panel, "hvasseur")  # voted in the decision appealed
    assert problems(panel) == [(4, "took_part")]
    forge(panel, "cgarnier", kind="closed", verdict=None, rationale=None, votes=("sha256:x",), count=1,
          rule=Rule(), outcome="granted", reason="majority", date=dt.date(2027, 2, 1))
    assert (5, "close_votes") in problems(panel)
    r = demo_record(panel)
    assert (r.final_level, r.appeal.state if r.appeal else None) == ("confirme", "unverified")
    with pytest.raises(InputError, match="does not verify"):
        lodge_appeal(panel, on="2027-03-01")


def test_a_forged_closing_without_quorum_is_detected(panel: Desk, decided: Path) -> None:
    case = lodge_appeal(panel)
    votes = [cast(panel, case, member) for member in ("aleroy", "bnoel")]
    forge(panel, "cgarnier", kind="closed", verdict=None, rationale=None, votes=tuple(v.hash for v in votes),
          count=2, rule=Rule(), outcome="granted", status="granted", level="excellence", reason="majority",
          date=dt.date(2027, 2, 1))
    assert problems(panel) == [(4, "quorum")]
    assert demo_record(panel).final_level == "confirme"


def test_an_unsigned_entry_or_one_by_a_stranger_is_detected(panel: Desk, decided: Path) -> None:
    case = lodge_appeal(panel)
    forge(panel, "aleroy", key=Ed25519PrivateKey.generate(), case=case)
    assert problems(panel) == [(2, "key")]


def _tamper(desk: Desk, *statements: tuple[str, tuple[Any, ...]]) -> None:
    """Change the log as an attacker with the file would: first dropping the append-only triggers."""
    with open_register(desk.db) as conn, transaction(conn):
        conn.execute("DROP TRIGGER IF EXISTS cases_no_update")
        conn.execute("DROP TRIGGER IF EXISTS cases_no_delete")
        for sql, params in statements:
            conn.execute(sql, params)


def test_the_log_is_append_only(panel: Desk, decided: Path) -> None:
    lodge_appeal(panel)
    with open_register(panel.db) as conn:
        for sql in ("UPDATE cases SET line = 'x'", "DELETE FROM cases"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"), transaction(conn):
                conn.execute(sql)


def test_an_entry_edited_deleted_or_reordered_is_detected(panel: Desk, decided: Path) -> None:
    case = hear(panel)
    with open_register(panel.db) as conn:
        (line,) = conn.execute("SELECT line FROM cases WHERE seq = 2").fetchone()
    _tamper(panel, ("UPDATE cases SET line = ? WHERE seq = 2", (line.replace("excellence", "engage"),)))
    assert (2, "hash") in problems(panel)
    assert demo_record(panel).final_level == "confirme"  # a broken log replaces no decision
    _tamper(panel, ("UPDATE cases SET line = ? WHERE seq = 2", (line,)))
    assert problems(panel) == [] and demo_record(panel).final_level == "excellence"
    _tamper(panel, ("DELETE FROM cases WHERE seq = 3", ()))
    assert (4, "out_of_place") in problems(panel) and (4, "unlinked") in problems(panel)
    _tamper(panel, ("UPDATE cases SET seq = 3 WHERE seq = 4", ()))
    assert (3, "out_of_place") in problems(panel) or (3, "unlinked") in problems(panel)
    assert demo_record(panel).appeal.state == "unverified"  # type: ignore[union-attr]
    assert case == 1


def test_a_decision_edited_in_the_registers_copy_cannot_be_appealed_around(panel: Desk, decided: Path) -> None:
    """Independence reads who took part from the signed lines; a line edited in the register's
    copy (to drop a voter) is no decision at all."""
    case = lodge_appeal(panel)
    with open_register(panel.db) as conn, transaction(conn):
        conn.execute("UPDATE reviews SET line = replace(line, 'hvasseur', 'aleroy') WHERE seq = 2")
    assert problems(panel) == [(case, "unknown_decision")]


# --- complaints --------------------------------------------------------------------------------


def test_a_complaint_about_a_label_is_lodged_closed_and_drawn(panel: Desk, decided: Path) -> None:
    with open_register(panel.db) as conn:
        case = lodge(conn, "complaint", member="hvasseur", label=LABEL, by="Un sociétaire",
                     grounds="délai de réponse non tenu", **signing(panel, "hvasseur", "2027-03-01")).case
        with pytest.raises(InputError, match="is a complaint: only an appeal is voted on|no appeal 1"):
            vote(conn, case, member="aleroy", uphold=True, status=None, level=None, rationale=None,
                 **signing(panel, "aleroy", "2027-03-02"))
        close_complaint(conn, case, member="pmartin", founded=True, rationale="rappel de la procédure à l'agence",
                        **signing(panel, "pmartin", "2027-03-15"))
        with pytest.raises(InputError, match="closed on March 15, 2027"):
            close_complaint(conn, case, member="pmartin", founded=False, rationale="x",
                            **signing(panel, "pmartin", "2027-03-16"))
    assert moments(panel)[1:] == [("2027-03-01", "complaint_lodged", "hvasseur", "complaint 1"),
                                  ("2027-03-15", "complaint_founded", "pmartin", "complaint 1")]
    assert demo_record(panel).final_level == "confirme" and demo_record(panel).appeal is None


def test_a_complaint_about_an_unknown_label_is_refused(panel: Desk, decided: Path) -> None:
    with open_register(panel.db) as conn, pytest.raises(InputError, match="no label '2026-XXX-999'"):
        lodge(conn, "complaint", member="hvasseur", label="2026-XXX-999", by="x", grounds="y",
              **signing(panel, "hvasseur", "2027-03-01"))


# --- migration ---------------------------------------------------------------------------------


def test_a_v4_register_is_upgraded_to_v5_with_an_empty_log(tmp_path: Path, panel: Desk) -> None:
    fresh = tmp_path / "v4.sqlite"
    conn = register._connect(fresh)
    try:
        assert migrate(conn, upto=4) == 4
        conn.execute("INSERT INTO label_events VALUES ('L', 1, 'sha256:x', '{}')")
    finally:
        conn.close()
    with open_register(fresh) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
        assert conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0] == 0
        assert conn.execute("SELECT line FROM label_events").fetchall() == [("{}",)]  # nothing else changed
        assert read_cases(conn, today=TODAY).valid


# --- the commands ------------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands' today, fixed (the CLI's only clock)."""
    from labelaudit.committee import appeal_commands, label_commands, register_commands

    for module in (appeal_commands, label_commands, register_commands):
        monkeypatch.setattr(module, "_today", lambda: TODAY)


def test_cli_appeal_lodge_vote_close_show_list(panel: Desk, decided: Path, cli: Any, clock: None) -> None:
    db = panel.db

    def signer(member: str) -> tuple[str | Path, ...]:
        return ("--member", member, "--key", panel.key_file(member), "--register", db)

    code, out, err = cli("appeal", "lodge", LABEL, "--by", "Mutuelle", "--grounds", "excellence atteinte",
                         "--on", "2027-01-05", *signer("pmartin"))
    assert (code, out) == (0, "Appeal 1 lodged (January 5, 2027)\n"), err
    code, out, err = cli("appeal", "vote", "1", "--uphold", "--on", "2027-01-20", *signer("hvasseur"))
    assert code == 2 and "'hvasseur' took part in the decision appealed (audit 2026-MTR-001, session 1" in err
    code, out, err = cli("appeal", "vote", "1", "--grant", "--on", "2027-01-20", *signer("aleroy"))
    assert code == 2 and "--grant needs the decision" in err
    for member in PANEL:
        code, out, err = cli("appeal", "vote", "1", "--grant", "--level", "excellence", "--rationale", "revu",
                             "--on", "2027-01-20", *signer(member))
        assert code == 0, err
    assert out == "Appeal 1: vote of bnoel recorded (entry 4): grant the appeal → granted — Excellence\n"
    code, out, err = cli("appeal", "close", "1", "--chair", "cgarnier", "--key", panel.key_file("cgarnier"),
                         "--on", "2027-02-01", "--register", db)
    assert code == 0, err
    assert out == ("Appeal 1 closed (February 1, 2027, 3 vote(s), majority): granted (the decision is replaced);"
                   " granted — Excellence\n")
    code, out, _ = cli("appeal", "list", "--register", db)
    assert code == 0 and out.startswith("   1  Jan 5, 2027  granted")
    code, out, _ = cli("label", "show", LABEL, "--register", db)
    assert code == 0
    assert "  Feb 1, 2027  granted (cgarnier) — on appeal 1: Excellence valid until November 20, 2029  [appeal 1]" in out.splitlines()
    code, out, _ = cli("register", "list", "--register", db)
    assert "granted — Excellence (appeal 1: granted (the decision is replaced))" in out
    code, out, err = cli("complaint", "lodge", "--label", LABEL, "--by", "Un client", "--grounds", "attente",
                         "--on", "2027-03-01", *signer("hvasseur"))
    assert (code, out) == (0, "Complaint 6 lodged (March 1, 2027)\n"), err
    code, out, err = cli("complaint", "close", "6", "--unfounded", "--rationale", "délai respecté",
                         "--on", "2027-03-10", *signer("hvasseur"))
    assert (code, out) == (0, "Complaint 6 closed (March 10, 2027): unfounded\n"), err
    code, _, err = cli("appeal", "show", "6", "--register", db)
    assert code == 2 and "no appeal 6 in this register" in err


def test_cli_appeal_in_french(panel: Desk, decided: Path, cli: Any, clock: None) -> None:
    code, _, err = cli("appeal", "lodge", "2026-XXX-999", "--by", "x", "--grounds", "y", "--member", "pmartin",
                       "--key", panel.key_file("pmartin"), "--register", panel.db, "--lang", "fr")
    assert code == 2 and "aucun dossier de l'audit « 2026-XXX-999 » dans ce registre" in err


def test_every_appeal_and_complaint_message_exists_in_both_languages() -> None:
    keys = [k for k in MESSAGES if k.startswith(("appeal.", "complaint."))]
    assert len(keys) > 100
    for key in keys:
        assert MESSAGES[key].get("fr") and MESSAGES[key].get("en"), key


# --- an audit names its label --------------------------------------------------------------------


def test_an_audit_names_its_label_and_the_register_attaches_its_record(tmp_path: Path, panel: Desk, decided: Path,
                                                                      cli: Any) -> None:
    import shutil

    from clirun import FIXTURES

    folder = tmp_path / "surv"
    shutil.copytree(FIXTURES / "demo", folder)
    toml = folder / "audit.toml"
    text = toml.read_text("utf-8").replace('id = "2026-MTR-001"', 'id = "2027-MTR-002"')
    toml.write_text(text.replace('kind = "initial"', f'kind = "surveillance"\nlabel = "{LABEL}"'), "utf-8")
    record = tmp_path / "surv.json"
    code, _, err = cli("score", folder, "-o", record)
    assert code == 0, err
    import json

    assert json.loads(record.read_text("utf-8"))["audit"]["label"] == LABEL
    add(panel.db, record)
    with open_register(panel.db) as conn:
        assert [r.audit_id for r in records_of(all_records(conn, today=TODAY), LABEL)] == [LABEL, "2027-MTR-002"]
