"""The label lifecycle: label ids, the signed events on a label and every rule re-checked on
read, `register due` matched by label id and counting only decided audits, the timeline, the
v3 → v4 migration and the `label` commands."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from committee_helpers import Desk, desk  # noqa: F401  (fixture)

from labelaudit.committee import register
from labelaudit.committee.chain import canonical, entry_hash
from labelaudit.committee.labels import act, records_of, state, timeline
from labelaudit.committee.lifecycle import Event, read_events, signed_event, store_event
from labelaudit.committee.register import add_record, open_register, record_row
from labelaudit.committee.schema import migrate, transaction
from labelaudit.committee.views import all_records, due
from labelaudit.errors import InputError
from labelaudit.i18n import MESSAGES
from test_register import copy, variant

TODAY = dt.date(2031, 1, 1)
LABEL = "2026-MTR-001"


def add(db: Path, record: Path, label: str | None = None) -> register.Added:
    with open_register(db) as conn:
        return add_record(conn, record, today=TODAY, label=label)


def dues(db: Path, before: str = "2029-12-31") -> list[tuple[str, str, int]]:
    with open_register(db) as conn:
        return [(i.due_on.isoformat(), i.kind, i.n) for i in due(conn, dt.date.fromisoformat(before), today=TODAY)]


@pytest.fixture
def granted(tmp_path: Path, desk: Desk) -> Path:
    """The demo record (audit 2026-MTR-001, decided 2026-11-20) granted by a closed session."""
    demo = copy(tmp_path, "demo")
    desk.decide(demo, on=dt.date(2026, 12, 1))
    add(desk.db, demo)
    return demo


def surveillance(tmp_path: Path, name: str, changes: dict[str, Any]) -> Path:
    base = {"audit.id": "2027-MTR-002", "audit.kind": "surveillance", "decided_on": "2027-11-10"}
    return variant(tmp_path, "demo", name, {**base, **changes})


ALL_DUE = [("2027-11-20", "surveillance", 1), ("2028-11-20", "surveillance", 2), ("2029-11-20", "renewal", 3)]


# --- due: by label id, decided audits only ------------------------------------------------------


def test_a_surveillance_with_another_scope_text_is_matched_by_label_id(tmp_path: Path, desk: Desk, granted: Path) -> None:
    record = surveillance(tmp_path, "surv", {"audit.scope": "Accueil et réclamations (périmètre reformulé)",
                                             "audit.label": LABEL})
    desk.decide(record, on=dt.date(2027, 11, 12))
    add(desk.db, record)
    assert dues(desk.db) == ALL_DUE[1:]


def test_a_surveillance_attached_with_the_label_option_counts(tmp_path: Path, desk: Desk, granted: Path) -> None:
    record = surveillance(tmp_path, "surv", {"audit.scope": "Autre texte"})
    desk.decide(record, on=dt.date(2027, 11, 12))
    add(desk.db, record)
    assert dues(desk.db) == ALL_DUE  # not attached: it counts for no label
    add(desk.db, record, label=LABEL)  # attached afterwards
    assert dues(desk.db) == ALL_DUE[1:]


def test_a_surveillance_with_the_same_scope_but_no_label_is_not_matched(tmp_path: Path, desk: Desk, granted: Path) -> None:
    record = surveillance(tmp_path, "surv", {})  # same organisation, scope and scheme text
    desk.decide(record, on=dt.date(2027, 11, 12))
    add(desk.db, record)
    assert dues(desk.db) == ALL_DUE


def test_an_undecided_surveillance_is_not_counted_as_done(tmp_path: Path, desk: Desk, granted: Path) -> None:
    record = surveillance(tmp_path, "surv", {"audit.label": LABEL})
    day = dt.date(2027, 11, 12)
    desk.open(record, on=day, today=day)
    for member in ("hvasseur", "proux", "jmartin"):
        desk.vote(record, member, on=day, today=day)
    add(desk.db, record)  # a session opened and voted, never closed: not decided
    assert dues(desk.db) == ALL_DUE
    desk.close(record, on=day, today=day)
    add(desk.db, record)
    assert dues(desk.db) == ALL_DUE[1:]


def test_an_unknown_label_or_a_move_to_another_label_is_refused(tmp_path: Path, desk: Desk, granted: Path) -> None:
    record = surveillance(tmp_path, "surv", {"audit.label": LABEL})
    with pytest.raises(InputError, match="no label '2026-XXX-999'"):
        add(desk.db, record, label="2026-XXX-999")
    other = variant(tmp_path, "demo", "other", {"audit.id": "2026-OTH-001"})
    add(desk.db, other)
    with pytest.raises(InputError, match="belongs to label '2026-MTR-001', not '2026-OTH-001'"):
        add(desk.db, record, label="2026-OTH-001")


# --- signed events -----------------------------------------------------------------------------


def do(desk: Desk, kind: Any, member: str = "pmartin", on: str = "2027-02-01", **options: Any) -> Event:
    options.setdefault("reason", "réclamations non traitées")
    with open_register(desk.db) as conn:
        return act(conn, LABEL, kind, member=member, key=desk.keys[member], on=dt.date.fromisoformat(on),
                   today=TODAY, place=str(desk.db), **options)


def rules(desk: Desk) -> list[tuple[int, str]]:
    with open_register(desk.db) as conn:
        return [(p.seq, p.rule) for p in read_events(conn, LABEL).problems]


def forge(desk: Desk, key: Ed25519PrivateKey | None, **fields: Any) -> None:
    """Store an event bypassing `act` (as someone with write access to the register would):
    signed with `key`, or with a made-up signature when None."""
    with open_register(desk.db) as conn:
        before = read_events(conn, LABEL)
        previous = before.events[-1].hash if before.events else None
        base: dict[str, Any] = {"label": LABEL, "seq": len(before.events) + 1, "previous": previous,
                                "kind": "withdrawn", "date": dt.date(2027, 3, 1), "member": "pmartin", "key": "",
                                "reason": "forgé"}
        event = signed_event(Event(**{**base, **fields}), key or Ed25519PrivateKey.generate())
        if key is None:
            data = {**event.data(), "signature": "A" * 86 + "=="}
            data["hash"] = entry_hash({k: v for k, v in data.items() if k != "hash"})
            event = Event(**{**base, **fields, "key": event.key, "signature": data["signature"], "hash": data["hash"]})
        with transaction(conn):
            store_event(conn, event)


def test_acts_are_signed_chained_and_drawn_on_the_timeline(desk: Desk, granted: Path) -> None:
    first = do(desk, "suspended", until=dt.date(2027, 4, 30))
    second = do(desk, "reinstated", member="hvasseur", on="2027-04-15", reason="actions correctives vérifiées")
    do(desk, "scope_reduced", on="2027-05-01", scope="Accueil téléphonique", reason="agence fermée")
    assert second.previous == first.hash and rules(desk) == []
    with open_register(desk.db) as conn:
        read = read_events(conn, LABEL)
        moments = timeline(records_of(all_records(conn, today=TODAY), LABEL), read, dt.date(2027, 6, 1))
    assert [(m.on.isoformat(), m.what, m.who) for m in moments] == [
        ("2026-12-01", "granted", "pmartin"),
        ("2027-02-01", "suspended", "pmartin"),
        ("2027-04-15", "reinstated", "hvasseur"),
        ("2027-05-01", "scope_reduced", "pmartin"),
    ]
    assert state(moments, dt.date(2027, 3, 1)) == "suspended" and state(moments, dt.date(2027, 6, 1)) == "active"
    assert state(timeline(records_of([], LABEL), read, TODAY), TODAY) == "active"


def test_a_withdrawn_label_calls_for_no_audit_and_takes_no_further_act(desk: Desk, granted: Path) -> None:
    do(desk, "withdrawn")
    assert dues(desk.db) == []
    with pytest.raises(InputError, match="no act follows a withdrawal"):
        do(desk, "suspended", on="2027-03-01", until=dt.date(2027, 4, 1))


def test_a_suspension_without_deadline_is_refused_and_detected(desk: Desk, granted: Path) -> None:
    with pytest.raises(InputError, match="a suspension needs a deadline"):
        do(desk, "suspended")
    with pytest.raises(InputError, match="a suspension needs a deadline"):
        do(desk, "suspended", until=dt.date(2027, 2, 1))  # not after its date
    forge(desk, desk.keys["pmartin"], kind="suspended", until=None)
    assert rules(desk) == [(1, "no_deadline")]


def test_an_unsigned_event_is_detected_and_decides_nothing(desk: Desk, granted: Path) -> None:
    forge(desk, None)
    assert rules(desk) == [(1, "key")]  # a made-up key and signature
    assert dues(desk.db) == ALL_DUE  # the forged withdrawal withdraws nothing


def test_an_event_signed_with_another_members_key_is_detected(desk: Desk, granted: Path) -> None:
    forge(desk, desk.keys["hvasseur"], member="pmartin")
    assert rules(desk) == [(1, "key")]
    forge_signature_only(desk)
    assert (2, "signature") in rules(desk)


def forge_signature_only(desk: Desk) -> None:
    """pmartin's key id, a signature by another key: the key is right, the signature is not."""
    with open_register(desk.db) as conn:
        before = read_events(conn, LABEL)
        good = signed_event(Event(LABEL, 2, before.events[-1].hash, "withdrawn", dt.date(2027, 3, 2), "pmartin", "",
                                  "forgé"), desk.keys["pmartin"])
        other = signed_event(Event(LABEL, 2, before.events[-1].hash, "withdrawn", dt.date(2027, 3, 2), "pmartin", "",
                                   "autre"), desk.keys["pmartin"])
        data = {**good.data(), "signature": other.signature}
        data["hash"] = entry_hash({k: v for k, v in data.items() if k != "hash"})
        with transaction(conn):
            conn.execute("INSERT INTO label_events VALUES (?, 2, ?, ?)", (LABEL, data["hash"], canonical(data)))


def test_an_event_by_a_non_member_or_an_auditor_is_detected(desk: Desk, granted: Path) -> None:
    forge(desk, Ed25519PrivateKey.generate(), member="intrus")
    assert rules(desk) == [(1, "not_member")]
    with open_register(desk.db) as conn, transaction(conn):
        conn.execute("DELETE FROM label_events")
    forge(desk, Ed25519PrivateKey.generate(), member="cdubois")  # on the roster as an auditor
    assert rules(desk) == [(1, "not_deciding_member")]


def test_an_event_edited_removed_or_reordered_in_the_register_is_detected(desk: Desk, granted: Path) -> None:
    do(desk, "suspended", until=dt.date(2027, 4, 30))
    do(desk, "reinstated", on="2027-04-15")
    with open_register(desk.db) as conn, transaction(conn):
        (line,) = conn.execute("SELECT line FROM label_events WHERE seq = 1").fetchone()
        edited = line.replace("2027-04-30", "2027-12-31")
        conn.execute("UPDATE label_events SET line = ? WHERE seq = 1", (edited,))
    assert (1, "hash") in rules(desk)
    with open_register(desk.db) as conn, transaction(conn):
        conn.execute("DELETE FROM label_events WHERE seq = 1")
    assert (2, "out_of_place") in rules(desk) and (2, "unlinked") in rules(desk)
    with pytest.raises(InputError, match="do not verify"):
        do(desk, "withdrawn", on="2027-06-01")


def test_a_malformed_event_line_is_detected(desk: Desk, granted: Path) -> None:
    with open_register(desk.db) as conn, transaction(conn):
        conn.execute("INSERT INTO label_events VALUES (?, 1, 'sha256:x', ?)", (LABEL, json.dumps({"kind": "withdrawn"})))
    assert rules(desk) == [(1, "malformed")]


def test_reinstating_a_label_that_is_not_suspended_is_refused(desk: Desk, granted: Path) -> None:
    with pytest.raises(InputError, match="only a suspended label is reinstated"):
        do(desk, "reinstated")


def test_acting_on_a_label_never_granted_is_refused(tmp_path: Path, desk: Desk) -> None:
    add(desk.db, copy(tmp_path, "demo"))  # registered, no session
    with pytest.raises(InputError, match="never granted by a closed session"):
        do(desk, "suspended", until=dt.date(2027, 4, 30))


# --- migration ---------------------------------------------------------------------------------


def test_a_v3_register_is_upgraded_with_label_ids(tmp_path: Path) -> None:
    demo = copy(tmp_path, "demo")
    surv = surveillance(tmp_path, "surv", {})
    lone = variant(tmp_path, "demo", "lone", {"audit.id": "2027-ZZZ-001", "audit.kind": "surveillance",
                                              "audit.organisation": "Ailleurs"})
    fresh = tmp_path / "v3.sqlite"
    conn = register._connect(fresh)
    try:
        assert migrate(conn, upto=3) == 3
        for path in (demo, surv, lone):
            record, digest = register.load_record_digest(path)
            row = {k: v for k, v in record_row(record, digest, path).items() if k != "label_id"}
            conn.execute(f"INSERT INTO records ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
                         tuple(row.values()))
    finally:
        conn.close()
    with open_register(fresh) as conn:
        labels = dict(conn.execute("SELECT audit_id, label_id FROM records").fetchall())
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 5
        assert conn.execute("SELECT COUNT(*) FROM label_events").fetchone()[0] == 0
    assert labels == {"2026-MTR-001": LABEL, "2027-MTR-002": LABEL, "2027-ZZZ-001": None}


# --- the command -------------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands' today, fixed (the CLI's only clock), so that 2027 dates are in the past."""
    from labelaudit.committee import label_commands, register_commands

    monkeypatch.setattr(label_commands, "_today", lambda: TODAY)
    monkeypatch.setattr(register_commands, "_today", lambda: TODAY)


def test_an_act_dated_after_today_is_refused(desk: Desk, granted: Path) -> None:
    with pytest.raises(InputError, match="after today"):
        do(desk, "withdrawn", on="2031-01-02")


def test_cli_label_acts_show_and_due(desk: Desk, granted: Path, cli: Any, clock: None) -> None:
    db, key = desk.db, desk.key_file("pmartin")
    common = ("--member", "pmartin", "--key", key, "--register", db)
    code, out, err = cli("label", "suspend", LABEL, "--reason", "réclamations", "--on", "2027-02-01", *common)
    assert (code, out) == (2, "") and "a suspension needs a deadline (--until) after its date" in err
    code, out, _ = cli("label", "suspend", LABEL, "--until", "2027-04-30", "--reason", "réclamations",
                       "--on", "2027-02-01", *common)
    assert (code, out) == (0, f"Label {LABEL} suspended until April 30, 2027 (event 1, February 1, 2027)\n")
    assert cli("label", "reinstate", LABEL, "--reason", "corrigé", "--on", "2027-04-10", *common)[0] == 0
    assert cli("label", "reduce-scope", LABEL, "--scope", "Accueil", "--reason", "agence fermée",
               "--on", "2027-05-01", *common)[0] == 0
    code, out, _ = cli("label", "show", LABEL, "--register", db)
    lines = out.splitlines()
    assert code == 0 and lines[0] == f"Label {LABEL}: expired"  # as of 2031-01-01
    assert lines[-1] == "  Nov 20, 2029  expired  [2026-MTR-001]"
    assert "  Dec 1, 2026  granted (pmartin) — Confirmed valid until November 20, 2029  [2026-MTR-001]" in lines
    assert "  Feb 1, 2027  suspended (pmartin) — until April 30, 2027: réclamations  [event 1]" in lines
    assert "  May 1, 2027  scope reduced (pmartin) — scope now: Accueil (agence fermée)  [event 3]" in lines
    code, out, _ = cli("register", "show", LABEL, "--register", db)
    assert code == 0 and "    Apr 10, 2027  reinstated (pmartin) — corrigé  [event 2]" in out.splitlines()
    assert cli("register", "due", "--before", "2027-12-31", "--register", db)[1].startswith("Nov 20, 2027")
    assert cli("label", "withdraw", LABEL, "--reason", "fin", "--on", "2027-06-01", *common)[0] == 0
    code, out, _ = cli("register", "due", "--before", "2029-12-31", "--register", db)
    assert code == 0 and "2026-MTR-001" not in out
    code, _, err = cli("label", "show", "2026-XXX-999", "--register", db)
    assert code == 2 and err == f"error: {db}: no label '2026-XXX-999' in this register\n"


def test_cli_register_add_with_label(tmp_path: Path, desk: Desk, granted: Path, cli: Any, clock: None) -> None:
    record = surveillance(tmp_path, "surv", {"audit.scope": "Texte reformulé"})
    desk.decide(record, on=dt.date(2027, 11, 12))
    code, _, err = cli("register", "add", record, "--label", LABEL, "--register", desk.db)
    assert code == 0, err
    code, out, _ = cli("label", "show", LABEL, "--register", desk.db)
    assert code == 0 and "  Nov 12, 2027  surveillance passed (pmartin) — Confirmed  [2027-MTR-002]" in out.splitlines()


def test_every_label_message_exists_in_both_languages() -> None:
    keys = [k for k in MESSAGES if k.startswith("label.")]
    assert len(keys) > 50
    for key in keys:
        assert MESSAGES[key].get("fr") and MESSAGES[key].get("en"), key
