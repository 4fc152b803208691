"""Acting on a label (suspend, reinstate, reduce its scope, withdraw) and drawing its cycle.

An act is checked with every rule of `lifecycle.verify_events` on the label's chain with the
new event appended, before it is stored, in one transaction: the writer and the reader apply
the same rules. The timeline merges what the decision records' closed sessions decided (the
grant, each surveillance passed or failed, the renewal) with the signed events, and the
expiry when the validity ended without a decided renewal.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence

from attrs import frozen
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from labelaudit.committee.lifecycle import (
    Event, EventKind, EventProblem, Events, read_events, signed_event, store_event, verify_events,
)
from labelaudit.committee.roster import load_roster
from labelaudit.committee.schema import transaction
from labelaudit.committee import wording
from labelaudit.committee.views import Registered, all_records
from labelaudit.errors import InputError, Problem
from labelaudit.i18n import tr


def records_of(records: Sequence[Registered], label: str) -> list[Registered]:
    return [r for r in records if r.label_id == label]


def _granted(records: Sequence[Registered]) -> bool:
    return any(r.valid_from is not None for r in records)


def rule_text(p: EventProblem) -> str:
    params = dict(p.params)
    return tr(f"label.rule.{p.rule}", member=params.get("member", ""), kind=params.get("kind", ""))


def problems_of(read: Events, place: str) -> list[Problem]:
    return [Problem(place, tr("label.place.event", seq=p.seq), rule_text(p)) for p in read.problems]


def act(
    conn: sqlite3.Connection,
    label: str,
    kind: EventKind,
    *,
    member: str,
    key: Ed25519PrivateKey,
    on: dt.date,
    reason: str,
    until: dt.date | None = None,
    scope: str | None = None,
    today: dt.date,
    place: str,
) -> Event:
    """Sign and store one act on a granted label; refused (nothing stored) when a rule fails."""
    if on > today:
        raise InputError.at(place, "", tr("label.future", date=on, today=today))
    with transaction(conn):
        if not _granted(records_of(all_records(conn, today=today), label)):
            raise InputError.at(place, "", tr("label.not_granted", label=label))
        roster = load_roster(conn)
        before = read_events(conn, label, roster)
        if not before.valid:
            raise InputError([Problem(place, "", tr("label.broken", label=label)), *problems_of(before, place)])
        previous = before.events[-1].hash if before.events else None
        draft = Event(label, len(before.events) + 1, previous, kind, on, member, "", reason.strip(), until,
                      scope.strip() if scope else None)
        event = signed_event(draft, key)
        rows = [(e.seq, e.hash, e.line()) for e in before.events] + [(event.seq, event.hash, event.line())]
        after = verify_events(label, rows, roster)
        if not after.valid:
            raise InputError([Problem(place, "", tr("label.refused", label=label)), *problems_of(after, place)])
        store_event(conn, event)
    return event


# --- the timeline ------------------------------------------------------------------------------


@frozen
class Moment:
    """One line of a label's timeline: a date, what happened, who decided it, a detail."""

    on: dt.date
    what: str  # granted, surveillance_passed, surveillance_failed, renewed, expired, or an event kind
    who: str
    detail: str = ""
    source: str = ""  # the audit id, or `event N`


def _what(kind: str, status: str | None) -> str:
    passed = status == "granted"
    return {"initial": "granted" if passed else "refused", "renewal": "renewed" if passed else "not_renewed",
            "surveillance": "surveillance_passed" if passed else "surveillance_failed"}.get(kind, kind)


def _from_record(r: Registered) -> list[Moment]:
    """The record's decision; when an appeal was lodged, marked so; when it was granted, the
    decision appealed on its date and the appeal's decision that replaced it on the appeal's."""
    if r.final_status is None or r.final_on is None:
        return []
    appeal = r.appeal
    shown_level = wording.level(r.final_level, r.record_file, r.record_digest)
    detail = tr("label.timeline.until", level=shown_level, end=wording.day(r.valid_until)) if r.valid_until else shown_level
    if appeal is None:
        return [Moment(dt.date.fromisoformat(r.final_on), _what(r.kind, r.final_status), r.final_member or "", detail,
                       r.audit_id)]
    mark = tr("appeal.timeline.appealed", case=appeal.case, state=tr(f"appeal.state.{appeal.state}"))
    if appeal.state != "granted":
        return [Moment(dt.date.fromisoformat(r.final_on), _what(r.kind, r.final_status), r.final_member or "",
                       f"{detail} ({mark})" if detail else mark, r.audit_id)]
    status, level, member, on = appeal.original
    level = wording.level(level, r.record_file, r.record_digest) if level else level
    first = Moment(dt.date.fromisoformat(on or r.final_on), _what(r.kind, status), member or "",
                   f"{level} ({mark})" if level else mark, r.audit_id)
    then = Moment(dt.date.fromisoformat(r.final_on), _what(r.kind, r.final_status), r.final_member or "",
                  tr("appeal.timeline.on_appeal", case=appeal.case, detail=detail or tr(f"register.status.{r.final_status}")),
                  tr("appeal.timeline.source", type=tr("appeal.type.appeal"), case=appeal.case))
    return [first, then]


def _from_event(e: Event) -> Moment:
    detail = {"suspended": tr("label.timeline.suspended", until=e.until, reason=e.reason),
              "scope_reduced": tr("label.timeline.scope", scope=e.scope, reason=e.reason)}.get(e.kind, e.reason)
    return Moment(e.date, e.kind, e.member, detail, tr("label.timeline.event", seq=e.seq))


def timeline(records: Sequence[Registered], read: Events, today: dt.date, extra: Sequence[Moment] = ()) -> list[Moment]:
    """The label's cycle in date order; `expired` when the latest validity ended before today
    with no later decided renewal, and the label was not withdrawn. `extra`: the complaints and
    appeals about the label (`appeals.case_moments`)."""
    moments = [m for r in records for m in _from_record(r)] + list(extra)
    moments += [_from_event(e) for e in read.events] if read.valid else []
    cycles = [r for r in records if r.valid_until is not None]
    if cycles and not any(m.what == "withdrawn" for m in moments):
        end = dt.date.fromisoformat(cycles[-1].valid_until or "")
        if end <= today:
            moments.append(Moment(end, "expired", "", "", cycles[-1].audit_id))
    first = {"granted": 0, "renewed": 0}  # on one day, the grant before what follows it
    ranked = sorted(enumerate(moments), key=lambda im: (im[1].on, first.get(im[1].what, 1), im[0]))
    return [m for _, m in ranked]


def state(moments: Sequence[Moment], today: dt.date) -> str:
    """active, suspended, withdrawn, expired, or pending (never granted, or the grant refused on
    appeal), from the timeline."""
    current = "pending"
    for m in moments:
        if m.on > today:
            break
        current = {"granted": "active", "renewed": "active", "reinstated": "active", "suspended": "suspended",
                   "withdrawn": "withdrawn", "expired": "expired", "refused": "pending"}.get(m.what, current)
    return current
