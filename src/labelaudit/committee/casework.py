"""Reading the complaints and appeals log from the register, with the decisions it names.

`read_cases` verifies the whole `cases` log (`cases.verify_cases`) against the roster and the
decisions the register holds. A decision (`cases.Target`) is read from the register's copy of
the record's chain: every line of it is checked against its stored hash first (a line edited in
the register is no decision), and who took part is read from the signed lines themselves, so
that independence is judged on what was signed, by roster id. The scheme's rule is the one the
session's closing states (the review chain's verifier checked it against the record's scheme);
the scheme's levels come from the record file when it is still there and unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

from labelaudit.committee.cases import CaseEntry, Cases, Target, Targets, verify_cases
from labelaudit.committee.chain import Rule, entry_hash, level_ids, load_record_digest
from labelaudit.committee.register import cycle_auditors
from labelaudit.committee.roster import Roster, load_roster
from labelaudit.errors import InputError


def _lines(conn: sqlite3.Connection, record: str) -> list[dict[str, Any]] | None:
    """The record's signed entries as the register holds them; None when one does not match its hash."""
    found = []
    for stored_hash, line in conn.execute("SELECT hash, line FROM reviews WHERE record_digest = ? ORDER BY seq",
                                          (record,)):
        try:
            data = json.loads(line)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("hash") != stored_hash or entry_hash(data) != stored_hash:
            return None
        if "kind" in data:  # legacy (unsigned) lines decide nothing and took part in nothing
            found.append(data)
    return found


def _levels(record_file: str, record: str) -> tuple[str, ...]:
    try:
        data, now = load_record_digest(Path(record_file))
    except InputError:
        return ()
    return tuple(level_ids(data)) if now == record else ()


def _target(conn: sqlite3.Connection, record: str, session: int) -> Target | None:
    row = conn.execute(
        "SELECT audit_id, label_id, auditors, organisation, scope, scheme_id, decided_on, validity_years, record_file"
        " FROM records WHERE record_digest = ?", (record,)).fetchone()
    lines = _lines(conn, record) if row is not None else None
    if row is None or lines is None:
        return None
    audit_id, label_id, auditors, organisation, scope, scheme_id, decided_on, years, record_file = row
    closings = [d for d in lines if d.get("kind") == "close"]
    closing = next((d for d in closings if d.get("session") == session), None)
    rule = closing.get("rule") if closing is not None else None
    if closing is None or not isinstance(rule, dict):
        return None
    took_part = frozenset(str(d.get("member")) for d in lines if d.get("session") == session)
    shape = {"audit": {"organisation": organisation, "scope": scope}, "decided_on": decided_on,
             "scheme": {"id": scheme_id, "policies": {"validity_years": years}}}
    written = tuple(json.loads(auditors)) + cycle_auditors(conn, shape, record)
    return Target(
        record, audit_id, label_id, session, str(closing.get("status")), closing.get("level"),
        dt.date.fromisoformat(str(closing.get("date"))), str(closing.get("member")), took_part,
        tuple(dict.fromkeys(written)), Rule(rule["quorum"], rule["majority"], rule["chair_breaks_tie"]),
        _levels(record_file, record),
        tuple(dt.date.fromisoformat(str(d.get("date"))) for d in closings if int(d.get("session") or 0) > session),
    )


def targets_of(conn: sqlite3.Connection) -> Targets:
    """The register's decisions, looked up by (record digest, session) and kept for the call."""
    cache: dict[tuple[str, int], Target | None] = {}

    def lookup(record: str, session: int) -> Target | None:
        if (record, session) not in cache:
            cache[(record, session)] = _target(conn, record, session)
        return cache[(record, session)]

    return lookup


def labels_of(conn: sqlite3.Connection) -> frozenset[str]:
    return frozenset(label for (label,) in conn.execute("SELECT DISTINCT label_id FROM records WHERE label_id IS NOT NULL"))


def case_rows(conn: sqlite3.Connection) -> list[tuple[int, str, str]]:
    return conn.execute("SELECT seq, hash, line FROM cases ORDER BY seq").fetchall()


def read_cases(conn: sqlite3.Connection, *, today: dt.date, roster: Roster | None = None,
               targets: Targets | None = None) -> Cases:
    """The whole log, every rule checked on every entry."""
    return verify_cases(case_rows(conn), roster if roster is not None else load_roster(conn),
                        targets if targets is not None else targets_of(conn), labels_of(conn), today)


def store_case_entry(conn: sqlite3.Connection, entry: CaseEntry) -> None:
    conn.execute("INSERT INTO cases (seq, hash, line) VALUES (?, ?, ?)", (entry.seq, entry.hash, entry.line()))
