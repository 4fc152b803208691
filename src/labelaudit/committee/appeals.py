"""Recording complaints and appeals, and drawing them on a label's timeline.

Every entry is checked with every rule of `cases.verify_cases` on the whole log with the new
entry appended, before it is stored, in one transaction: the writer and the reader apply the
same rules, so a vote by a member who took part in the decision appealed, or a closing without
the quorum, is refused here and, if written by other means, found on every read. A log that
does not verify takes no new entry until it is repaired.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from typing import Any

from attrs import evolve
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from labelaudit.committee.cases import (
    Case, CaseEntry, CaseProblem, Cases, CaseType, appeal_result, signed_case_entry, verify_cases,
)
from labelaudit.committee.casework import case_rows, labels_of, read_cases, store_case_entry, targets_of
from labelaudit.committee.labels import Moment
from labelaudit.committee.roster import load_roster
from labelaudit.committee.schema import transaction
from labelaudit.committee.views import Registered, chain_state, records_for_audit
from labelaudit.errors import InputError, Problem
from labelaudit.i18n import tr


def rule_text(p: CaseProblem) -> str:
    params: dict[str, Any] = {**{k: "" for k in _PARAMS}, **dict(p.params)}
    return tr(f"appeal.rule.{p.rule}", **params)


_PARAMS = ("member", "audit", "session", "case", "seq", "date", "today", "decided", "label", "record", "level",
           "known", "voters", "quorum", "count", "expected", "kind", "extra", "type")


def problems_of(read: Cases, place: str) -> list[Problem]:
    return [Problem(place, tr("appeal.place.entry", seq=p.seq), rule_text(p)) for p in read.problems]


def _append(conn: sqlite3.Connection, draft: CaseEntry, key: Ed25519PrivateKey, *, today: dt.date,
            place: str) -> CaseEntry:
    """Sign `draft` as the log's next entry and store it, if the whole log then verifies.
    The caller holds the register's write transaction."""
    if draft.date > today:
        raise InputError.at(place, "", tr("appeal.future", date=draft.date, today=today))
    roster, targets, labels = load_roster(conn), targets_of(conn), labels_of(conn)
    rows = case_rows(conn)
    before = verify_cases(rows, roster, targets, labels, today)
    if not before.valid:
        raise InputError([Problem(place, "", tr("appeal.broken")), *problems_of(before, place)])
    previous = before.entries[-1].hash if before.entries else None
    seq = len(rows) + 1
    case = seq if draft.kind == "lodged" else draft.case
    entry = signed_case_entry(evolve(draft, seq=seq, previous=previous, case=case), key)
    after = verify_cases([*rows, (entry.seq, entry.hash, entry.line())], roster, targets, labels, today)
    if not after.valid:
        raise InputError([Problem(place, "", tr("appeal.refused", seq=seq)), *problems_of(after, place)])
    store_case_entry(conn, entry)
    return entry


def _draft(kind: Any, member: str, on: dt.date, case: int = 0, **fields: Any) -> CaseEntry:
    return CaseEntry(seq=0, previous=None, kind=kind, case=case, date=on, member=member, key="", **fields)


# --- what a case is against --------------------------------------------------------------------


def decision_of(conn: sqlite3.Connection, audit_id: str, *, session: int | None, record: str | None,
                today: dt.date, place: str, latest_only: bool = False) -> tuple[Registered, int]:
    """The decision named on the command line: the record of that audit id (`record` when several
    share it) and its closed session (the latest when not given); the record's chain must verify now."""
    found = [r for r in records_for_audit(conn, audit_id, today=today) if record in (None, r.record_digest)]
    if not found:
        raise InputError.at(place, "", tr("appeal.unknown_audit", audit=audit_id))
    if len(found) > 1:
        raise InputError.at(place, "--record", tr("appeal.several_records", audit=audit_id,
                                                  digests=", ".join(r.record_digest for r in found)))
    r = found[0]
    if chain_state(conn, load_roster(conn), r.record_file, r.record_digest, today) != "valid":
        raise InputError.at(place, "", tr("appeal.not_verified", audit=audit_id))
    closed = [s for (s,) in conn.execute("SELECT open_seq FROM sessions WHERE record_digest = ? ORDER BY open_seq",
                                         (r.record_digest,))]
    if not closed:
        raise InputError.at(place, "", tr("appeal.undecided", audit=audit_id))
    chosen = session if session is not None else closed[-1]
    if chosen not in closed:
        raise InputError.at(place, "--session", tr("appeal.no_such_session", audit=audit_id, session=chosen,
                                                   known=", ".join(map(str, closed))))
    if latest_only and chosen != closed[-1]:
        raise InputError.at(place, "--session", tr("appeal.rule.superseded", audit=audit_id, session=chosen))
    return r, chosen


def lodge(conn: sqlite3.Connection, type_: CaseType, *, member: str, key: Ed25519PrivateKey, on: dt.date, by: str,
          grounds: str, today: dt.date, place: str, audit: str | None = None, session: int | None = None,
          record: str | None = None, label: str | None = None) -> CaseEntry:
    """Record a complaint or an appeal against a decision (`audit`, `session`, `record`) or, for a
    complaint only, a label."""
    with transaction(conn):
        target: dict[str, Any] = {"label": label}
        if audit is not None:
            r, chosen = decision_of(conn, audit, session=session, record=record, today=today, place=place,
                                    latest_only=type_ == "appeal")
            target = {"record": r.record_digest, "session": chosen}
        elif label is not None and label not in labels_of(conn):
            raise InputError.at(place, "", tr("label.unknown", label=label))
        draft = _draft("lodged", member, on, type=type_, by=by.strip(), grounds=grounds.strip(), **target)
        return _append(conn, draft, key, today=today, place=place)


def _open_case(conn: sqlite3.Connection, number: int, wanted: CaseType, today: dt.date, place: str) -> Case:
    case = read_cases(conn, today=today).get(number)
    if case is None or case.type != wanted:
        raise InputError.at(place, "", tr(f"{wanted}.unknown", case=number))
    if case.closing is not None:
        raise InputError.at(place, "", tr("appeal.already_closed", type=tr(f"appeal.type.{wanted}"), case=number,
                                          date=case.closing.date))
    return case


def vote(conn: sqlite3.Connection, number: int, *, member: str, key: Ed25519PrivateKey, on: dt.date, uphold: bool,
         status: str | None, level: str | None, rationale: str | None, today: dt.date, place: str) -> CaseEntry:
    """A member's vote on an appeal: uphold the decision, or grant the appeal with a new decision."""
    text = (rationale or "").strip() or None
    with transaction(conn):
        _open_case(conn, number, "appeal", today, place)
        fields = {"verdict": "uphold"} if uphold else {"verdict": "grant", "status": status, "level": level}
        return _append(conn, _draft("vote", member, on, number, rationale=text, **fields), key, today=today,
                       place=place)


def close_appeal(conn: sqlite3.Connection, number: int, *, chair: str, key: Ed25519PrivateKey, on: dt.date,
                 rationale: str | None, today: dt.date, place: str) -> CaseEntry:
    """The appeal's chair closes it: the votes' hashes and count, the scheme's rule, the outcome."""
    with transaction(conn):
        case = _open_case(conn, number, "appeal", today, place)
        target = targets_of(conn)(*case.target) if case.target is not None else None
        if target is None:
            raise InputError.at(place, "", tr("appeal.broken"))
        outcome, status, level, reason = appeal_result(case.votes, target.rule, chair)
        draft = _draft("closed", chair, on, number, votes=tuple(v.hash for v in case.votes), count=len(case.votes),
                       rule=target.rule, outcome=outcome, status=status, level=level, reason=reason,
                       rationale=(rationale or "").strip() or None)
        return _append(conn, draft, key, today=today, place=place)


def close_complaint(conn: sqlite3.Connection, number: int, *, member: str, key: Ed25519PrivateKey, on: dt.date,
                    founded: bool, rationale: str, today: dt.date, place: str) -> CaseEntry:
    with transaction(conn):
        _open_case(conn, number, "complaint", today, place)
        draft = _draft("closed", member, on, number, outcome="founded" if founded else "unfounded",
                       rationale=rationale.strip())
        return _append(conn, draft, key, today=today, place=place)


# --- on a label's timeline ---------------------------------------------------------------------


def source(case: Case) -> str:
    return tr("appeal.timeline.source", type=tr(f"appeal.type.{case.type}"), case=case.number)


def case_moments(read: Cases, records: Sequence[Registered], label: str) -> list[Moment]:
    """The complaints and appeals about the label or one of its records' decisions: lodged, and
    closed (an appeal granted on the record's latest decision is drawn with that record instead)."""
    if not read.valid:
        return []
    audits = {r.record_digest: r for r in records}
    drawn = {r.appeal.case for r in records if r.appeal is not None and r.appeal.state == "granted"}
    moments: list[Moment] = []
    for case in read.cases:
        e = case.lodged
        about = audits.get(e.record or "")
        if e.label != label and about is None:
            continue
        against = about.audit_id if about is not None else label
        moments.append(Moment(e.date, f"{case.type}_lodged", e.member,
                              tr("appeal.timeline.lodged", by=e.by, against=against, grounds=e.grounds), source(case)))
        c = case.closing
        if c is not None and case.number not in drawn:
            moments.append(Moment(c.date, f"{case.type}_{c.outcome}", c.member, c.rationale or "", source(case)))
    return moments
