"""The register's views: the records with the committee's final decision, what is due, the CSV.

Every view re-checks the chain of each record it shows (`register.read_registered`): a record
whose sidecar no longer verifies with every rule (an entry edited, removed or forged, a key
that does not verify, the sidecar deleted, the record file changed or gone) is shown as
*undecided*, never with the decision the register once accepted: the register is a copy, the
signed chain is the evidence.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attrs import evolve, fields, frozen

from labelaudit.committee.cases import Cases, Targets
from labelaudit.committee.casework import read_cases, targets_of
from labelaudit.committee.chain import load_record_digest, locked, read_sidecar, sidecar_path
from labelaudit.committee.lifecycle import read_events, withdrawn
from labelaudit.committee.names import fold_name
from labelaudit.committee.register import context
from labelaudit.committee.roster import Roster, load_roster
from labelaudit.committee.schema import CYCLE_KINDS, plan, valid_until
from labelaudit.committee.verifier import verify
from labelaudit.errors import InputError
from labelaudit.files import safe_cell

# --- reading -----------------------------------------------------------------------------------


@frozen
class Appealed:
    """The appeal lodged against a record's decision, and the decision it replaced (if granted).

    `state`: open, upheld, granted, superseded (a later session decided the record again, so
    the appeal changes nothing) or unverified (the cases log does not verify: it decides nothing).
    """

    case: int
    state: str
    closed_on: str | None = None
    chair: str | None = None
    original: tuple[str | None, str | None, str | None, str | None] = (None, None, None, None)  # status, level, member, on


@frozen
class Registered:
    """One registered record with the committee's final decision (None fields while pending)."""

    record_digest: str
    audit_id: str
    organisation: str
    scope: str
    kind: str
    scheme_id: str
    scheme_version: str
    decided_on: str
    proposed_status: str
    proposed_level: str | None
    proposed_points: str
    record_file: str
    validity_years: int
    surveillance_months: int
    reviews: int
    final_status: str | None
    final_level: str | None
    final_member: str | None
    final_on: str | None
    valid_from: str | None
    valid_until: str | None
    label_id: str | None  # the label the record belongs to (None: a surveillance not attached yet)
    chain: str = "valid"  # valid, or why the chain does not verify now: broken, record_changed, record_missing
    appeal: Appealed | None = None  # the appeal against the decision; when granted, final_* are its decision

    @property
    def status(self) -> str:
        if self.chain != "valid":
            return "undecided"
        return self.final_status or "pending"

    @property
    def appealed(self) -> str | None:
        """`3 granted`: the appeal's case number and state (None: never appealed)."""
        return f"{self.appeal.case} {self.appeal.state}" if self.appeal is not None else None

    def valid_on(self, day: dt.date) -> bool:
        if self.final_status != "granted" or self.valid_from is None or self.valid_until is None:
            return False
        return dt.date.fromisoformat(self.valid_from) <= day < dt.date.fromisoformat(self.valid_until)


_SELECT = """
SELECT r.record_digest, r.audit_id, r.organisation, r.scope, r.kind, r.scheme_id, r.scheme_version,
       r.decided_on, r.proposed_status, r.proposed_level, r.proposed_points, r.record_file,
       r.validity_years, r.surveillance_months,
       (SELECT COUNT(*) FROM reviews v WHERE v.record_digest = r.record_digest) AS reviews,
       d.status AS final_status, d.level AS final_level, d.member AS final_member,
       d.reviewed_on AS final_on, d.valid_from, d.valid_until, r.label_id
FROM records r LEFT JOIN decisions d ON d.record_digest = r.record_digest
"""
_ORDER = " ORDER BY r.decided_on, r.audit_id, r.record_digest"


def chain_state(conn: sqlite3.Connection, roster: Roster, record_file: str, record_digest: str, today: dt.date) -> str:
    """valid, or why the record's chain does not verify now with every rule."""
    path = Path(record_file)
    try:
        record, now = load_record_digest(path)
    except InputError:
        return "record_missing"
    if now != record_digest:
        return "record_changed"
    with locked(path, exclusive=False):
        found = read_sidecar(sidecar_path(path))
        content = found or b""
        ctx = context(conn, record, record_digest, today=today, sidecar_exists=found is not None, roster=roster)
        return "valid" if verify(content, ctx).valid else "broken"


def _registered(conn: sqlite3.Connection, rows: Sequence[tuple[Any, ...]], today: dt.date) -> list[Registered]:
    """Rows as records, each chain re-verified: one that no longer verifies decides nothing; a
    decision an appeal granted is replaced by the appeal's (the cases log re-verified too)."""
    names = [f.name for f in fields(Registered) if f.name not in ("chain", "appeal")]
    roster = load_roster(conn)
    targets = targets_of(conn)
    cases = read_cases(conn, today=today, roster=roster, targets=targets)
    found = []
    for row in rows:
        r = Registered(**dict(zip(names, row, strict=True)))
        state = chain_state(conn, roster, r.record_file, r.record_digest, today)
        if state != "valid":
            r = evolve(r, chain=state, final_status=None, final_level=None, final_member=None, final_on=None,
                       valid_from=None, valid_until=None)
        elif r.final_status is not None:
            r = with_appeal(r, cases, targets)
        found.append(r)
    return found


def with_appeal(r: Registered, cases: Cases, targets: Targets) -> Registered:
    """The record as its appeal leaves it: marked as appealed and, when the appeal was granted
    (in a log that verifies, on the record's latest closed session), with the appeal's decision;
    validity counts from the record's decision date, as for any decision."""
    case = cases.appeal_of(r.record_digest)
    if case is None or case.target is None:
        return r
    target = targets(*case.target)
    closing = case.closing
    state = ("unverified" if not cases.valid else "superseded" if target is None or not target.latest
             else "open" if closing is None else str(closing.outcome))
    mark = Appealed(case.number, state, closing.date.isoformat() if closing else None,
                    closing.member if closing else None, (r.final_status, r.final_level, r.final_member, r.final_on))
    if state != "granted" or closing is None:
        return evolve(r, appeal=mark)
    start = dt.date.fromisoformat(r.decided_on)
    dated = closing.status == "granted" and r.kind in CYCLE_KINDS
    return evolve(r, appeal=mark, final_status=closing.status, final_level=closing.level, final_member=closing.member,
                  final_on=closing.date.isoformat(), valid_from=r.decided_on if dated else None,
                  valid_until=valid_until(start, r.validity_years).isoformat() if dated else None)


def all_records(conn: sqlite3.Connection, *, today: dt.date) -> list[Registered]:
    return _registered(conn, conn.execute(_SELECT + _ORDER).fetchall(), today)


def records_for_audit(conn: sqlite3.Connection, audit_id: str, *, today: dt.date) -> list[Registered]:
    return _registered(conn, conn.execute(_SELECT + " WHERE r.audit_id = ?" + _ORDER, (audit_id,)).fetchall(), today)


def select(
    records: Sequence[Registered],
    *,
    organisation: str | None = None,
    level: str | None = None,
    status: str | None = None,
    valid_on: dt.date | None = None,
) -> list[Registered]:
    """The records matching every filter given; level and status are the committee's final ones.

    `organisation` matches a part of the name, case- and accent-insensitively.
    """
    wanted = fold_name(organisation) if organisation else None
    return [
        r
        for r in records
        if (wanted is None or wanted in fold_name(r.organisation))
        and (level is None or r.final_level == level)
        and (status is None or r.status == status)
        and (valid_on is None or r.valid_on(valid_on))
    ]


def reviews_of(conn: sqlite3.Connection, record_digest: str) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT seq, date, kind, session, member, verdict, status, level, rationale FROM reviews"
        " WHERE record_digest = ? ORDER BY seq",
        (record_digest,),
    ).fetchall()


def schedule_of(conn: sqlite3.Connection, record_digest: str) -> list[tuple[int, str, str]]:
    return conn.execute(
        "SELECT n, kind, due_on FROM schedule WHERE record_digest = ? ORDER BY n", (record_digest,)
    ).fetchall()


def schedule_for(r: Registered) -> list[tuple[int, str, str]]:
    """The audits the record's current decision calls for (the same calendar as the `schedule`
    table, computed from the decision as shown, so that an appeal's decision is followed)."""
    if r.valid_from is None:
        return []
    start = dt.date.fromisoformat(r.valid_from)
    return [(d.n, d.kind, d.due_on.isoformat()) for d in plan(start, r.validity_years, r.surveillance_months)]


# --- what is due -------------------------------------------------------------------------------


@frozen
class DueItem:
    """An audit a current label calls for: surveillance n of `total`, or its renewal."""

    due_on: dt.date
    kind: str
    n: int
    total: int
    record: Registered


def _current_cycles(records: Sequence[Registered]) -> dict[str, Registered]:
    """For each label id, its latest granted initial or renewal decision (the one running now)."""
    cycles: dict[str, Registered] = {}
    for r in records:  # ordered by decided_on: a later one replaces an earlier one
        if r.valid_from is not None and r.label_id is not None:
            cycles[r.label_id] = r
    return cycles


def decided_later(cycle: Registered, records: Sequence[Registered]) -> list[Registered]:
    """The label's records after the cycle's start that the committee decided (a closed session
    in a chain that verifies now): matched by label id, never by scope text."""
    return [r for r in records if r.label_id == cycle.label_id and r.decided_on > cycle.decided_on
            and r.final_status is not None]


def _outstanding(conn: sqlite3.Connection, cycle: Registered, records: Sequence[Registered]) -> list[DueItem]:
    """The cycle's scheduled audits not yet done: each later decided surveillance of the label
    counts as one surveillance done (in order); a decided renewal, as the renewal."""
    later = decided_later(cycle, records)
    done = sum(r.kind == "surveillance" for r in later)
    renewed = any(r.kind == "renewal" for r in later)
    calendar = schedule_for(cycle)
    total = sum(kind == "surveillance" for _, kind, _ in calendar)
    return [
        DueItem(dt.date.fromisoformat(due_on), kind, n, total, cycle)
        for n, kind, due_on in calendar
        if (kind == "surveillance" and n > done) or (kind == "renewal" and not renewed)
    ]


def due(conn: sqlite3.Connection, before: dt.date, *, today: dt.date) -> list[DueItem]:
    """The surveillance audits and renewals of current labels due on or before `before`; a
    label withdrawn (by an event that verifies) calls for none."""
    records = all_records(conn, today=today)
    roster = load_roster(conn)
    items = [
        item
        for label, cycle in _current_cycles(records).items()
        if not withdrawn(read_events(conn, label, roster))
        for item in _outstanding(conn, cycle, records)
    ]
    return sorted((i for i in items if i.due_on <= before), key=lambda i: (i.due_on, i.record.audit_id, i.n))


# --- export ------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "audit_id", "organisation", "scope", "kind", "scheme_id", "scheme_version", "decided_on",
    "record_digest", "proposed_status", "proposed_level", "proposed_points", "reviews",
    "status", "final_level", "final_member", "final_on", "valid_from", "valid_until",
    "validity_years", "surveillance_months", "chain", "appealed",
)
