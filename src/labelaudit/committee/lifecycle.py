"""A label's lifecycle: the committee's signed acts on a label, and the cycle drawn from them.

A label (ISO/IEC 17065's certification cycle: initial audit, yearly surveillance, renewal) is
named by its label id, kept from the initial audit. What the decision records' closed sessions
decide is already signed in their chains: the grant, each surveillance passed or failed, the
renewal. The other acts (suspended with a deadline and a reason, reinstated, scope reduced,
withdrawn) are events in `label_events`: one canonical JSON line each, signed by the member who
decided it exactly as a chain entry is (Ed25519 over the domain tag and the canonical line
without `hash` and `signature`), and hash-chained per label. Every read re-verifies every
event against the roster: an event that does not verify decides nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any, Literal, Protocol

from attrs import asdict, frozen
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from labelaudit.committee.chain import canonical, entry_hash, signed_bytes
from labelaudit.committee.roster import Roster, load_roster
from labelaudit.committee.signing import key_id, sign, verifies

EventKind = Literal["suspended", "reinstated", "scope_reduced", "withdrawn"]
EVENT_KINDS: tuple[EventKind, ...] = ("suspended", "reinstated", "scope_reduced", "withdrawn")
EVENT_KEYS = frozenset({"v", "label", "seq", "previous", "kind", "date", "member", "key", "until", "reason", "scope",
                        "signature", "hash"})
DECIDING_ROLES = ("chair", "member")
MAX_TEXT = 4000


@frozen
class Event:
    """One signed act on a label, as its canonical line says."""

    label: str
    seq: int
    previous: str | None
    kind: EventKind
    date: dt.date
    member: str
    key: str
    reason: str
    until: dt.date | None = None
    scope: str | None = None
    signature: str = ""
    hash: str = ""

    def data(self) -> dict[str, Any]:
        return {"v": 1, "label": self.label, "seq": self.seq, "previous": self.previous, "kind": self.kind,
                "date": self.date.isoformat(), "member": self.member, "key": self.key, "reason": self.reason,
                "until": self.until.isoformat() if self.until else None, "scope": self.scope,
                "signature": self.signature, "hash": self.hash}

    def line(self) -> str:
        return canonical(self.data())


@frozen
class EventProblem:
    """Why an event does not verify: its seq and a rule (message key `label.rule.<rule>`)."""

    seq: int
    rule: str
    params: tuple[tuple[str, str], ...] = ()


# --- parsing and the rules ----------------------------------------------------------------------


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def parse(line: str) -> Event | None:
    """An event from its stored line; None when the line is not one (wrong keys or types)."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != EVENT_KEYS or data["v"] != 1 or data["kind"] not in EVENT_KINDS:
        return None
    texts = ("label", "member", "key", "reason", "signature", "hash")
    if not all(isinstance(data[k], str) for k in texts) or not isinstance(data["seq"], int):
        return None
    date, until = _day(data["date"]), _day(data["until"])
    if date is None or (data["until"] is not None and until is None):
        return None
    if not (data["previous"] is None or isinstance(data["previous"], str)) or not (
        data["scope"] is None or isinstance(data["scope"], str)
    ):
        return None
    return Event(data["label"], data["seq"], data["previous"], data["kind"], date, data["member"], data["key"],
                 data["reason"], until, data["scope"], data["signature"], data["hash"])


def _content_rules(e: Event) -> list[str]:
    """What each kind must carry: a reason always; a suspension its deadline after its date; a
    scope reduction the scope that remains."""
    rules = []
    if not e.reason.strip():
        rules.append("no_reason")
    if e.kind == "suspended" and (e.until is None or e.until <= e.date):
        rules.append("no_deadline")
    if e.kind != "suspended" and e.until is not None:
        rules.append("deadline_not_suspension")
    if (e.kind == "scope_reduced") != bool(e.scope and e.scope.strip()):
        rules.append("scope")
    return rules


class Signed(Protocol):
    """What a signed line shows of its signer: a label event, or a complaint or appeal entry."""

    @property
    def member(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def key(self) -> str: ...
    @property
    def signature(self) -> str: ...
    def data(self) -> dict[str, Any]: ...


def signer_rules(e: Signed, roster: Roster, roles: tuple[str, ...] = DECIDING_ROLES) -> list[str]:
    """The signer is on the roster, in force on the line's date with one of `roles`, signed with
    a key of theirs in force then, and the signature verifies."""
    member = roster.get(e.member)
    if member is None:
        return ["not_member"]
    if not member.in_force(e.date) or not set(roles) & set(member.roles):
        return ["not_deciding_member"]
    key = member.key(e.key)
    if key is None or not key.in_force(e.date):
        return ["key"]
    data = e.data()
    return [] if verifies(key.public, e.signature, signed_bytes(data)) else ["signature"]


def _state_rules(e: Event, state: str) -> list[str]:
    """The order of acts: nothing after a withdrawal; reinstate only a suspended label."""
    if state == "withdrawn":
        return ["after_withdrawal"]
    if e.kind == "reinstated" and state != "suspended":
        return ["not_suspended"]
    if e.kind == "suspended" and state == "suspended":
        return ["already_suspended"]
    return []


def next_state(state: str, kind: EventKind) -> str:
    return {"suspended": "suspended", "reinstated": "active", "withdrawn": "withdrawn"}.get(kind, state)


@frozen
class Events:
    """A label's events as read, each verified; `valid` only when every one is."""

    label: str
    events: tuple[Event, ...]
    problems: tuple[EventProblem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems


def verify_events(label: str, rows: list[tuple[int, str, str]], roster: Roster) -> Events:
    """Every rule on every stored event of a label, in order: form, place in the chain, hash,
    signer and signature, what the kind must carry, and the order of acts."""
    events: list[Event] = []
    problems: list[EventProblem] = []
    previous: str | None = None
    state = "active"
    for expected, (seq, stored_hash, line) in enumerate(rows, start=1):
        e = parse(line)
        if e is None:
            problems.append(EventProblem(seq, "malformed"))
            previous = stored_hash
            continue
        rules = []
        if e.label != label or e.seq != seq or seq != expected:
            rules.append("out_of_place")
        if e.previous != previous:
            rules.append("unlinked")
        if e.hash != stored_hash or entry_hash(e.data()) != e.hash:
            rules.append("hash")
        rules += signer_rules(e, roster) + _content_rules(e) + _state_rules(e, state)
        problems += [EventProblem(seq, r, (("member", e.member), ("kind", e.kind))) for r in rules]
        events.append(e)
        previous, state = e.hash, next_state(state, e.kind)
    return Events(label, tuple(events), tuple(problems))


def withdrawn(read: Events) -> bool:
    """Withdrawn by an event that verifies (a broken log withdraws nothing)."""
    return read.valid and any(e.kind == "withdrawn" for e in read.events)


def read_events(conn: sqlite3.Connection, label: str, roster: Roster | None = None) -> Events:
    rows = conn.execute("SELECT seq, hash, line FROM label_events WHERE label_id = ? ORDER BY seq", (label,)).fetchall()
    return verify_events(label, rows, roster if roster is not None else load_roster(conn))


# --- writing -----------------------------------------------------------------------------------


def signed_event(draft: Event, key: Ed25519PrivateKey) -> Event:
    """The event with its key id, signature and hash computed from its other fields."""
    unsigned = Event(**{**_fields(draft), "key": key_id(key.public_key()), "signature": "", "hash": ""})
    signature = sign(key, signed_bytes(unsigned.data()))
    with_signature = Event(**{**_fields(unsigned), "signature": signature})
    return Event(**{**_fields(with_signature), "hash": entry_hash(with_signature.data())})


def _fields(e: Event) -> dict[str, Any]:
    return asdict(e, recurse=False)


def store_event(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute("INSERT INTO label_events (label_id, seq, hash, line) VALUES (?, ?, ?, ?)",
                 (event.label, event.seq, event.hash, event.line()))
