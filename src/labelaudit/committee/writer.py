"""Writing the committee's entries: build an entry, verify chain + entry, append, register.

Every write goes through `append`: under the sidecar's exclusive lock and then the register's
write transaction (the lock order of the whole package), it reads the chain, verifies it with
every rule (a broken chain is never extended), builds and signs the new entry, verifies the
chain *with* the entry (the same verifier as a reader: nothing is refused at writing that a
reader would accept, nor accepted that a reader would refuse), appends the line (one write,
fsync) and records the entry in the register before the transaction commits. A plain review
refuses to extend a chain the register knows to be longer (that check is the verifier's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from labelaudit.committee.chain import (
    Entry, Kind, Verdict, append_line, entry_hash, load_record_digest, locked, paths, read_sidecar, sha256_text,
    signed_bytes,
)
from labelaudit.committee.register import context, open_register, record_row, refusal, store_reading
from labelaudit.committee.schema import transaction
from labelaudit.committee.sessions import rule_of, tally, vote_outcome
from labelaudit.committee.signing import key_id, sign
from labelaudit.committee.verifier import Reading, verify
from labelaudit.errors import InputError
from labelaudit.i18n import tr

Build = Callable[[Reading], dict[str, Any]]


def _signed(fields: dict[str, Any], key: Ed25519PrivateKey) -> Entry:
    """The entry with its signature and hash computed from its other fields."""
    draft = Entry(**fields)
    data = draft.data()
    signature = sign(key, signed_bytes(data))
    data["signature"] = signature
    return Entry(**{**fields, "signature": signature, "hash": entry_hash(data)})


def append(
    record_path: Path,
    *,
    kind: Kind,
    member: str,
    key: Ed25519PrivateKey,
    on: dt.date,
    register: Path,
    build: Build,
    today: dt.date | None = None,
) -> Entry:
    """Append one signed entry of `kind` by `member`, dated `on`; `build` gives its kind's fields
    from the chain as read. Raises InputError, nothing written, when any rule would be broken."""
    record_path, sidecar = paths(record_path)
    record, record_digest = load_record_digest(record_path)
    row = record_row(record, record_digest, record_path)
    with locked(record_path, exclusive=True), open_register(register) as conn, transaction(conn):
        found = read_sidecar(sidecar)
        content = found or b""
        ctx = context(conn, record, record_digest, today=today or on, sidecar_exists=found is not None)
        reading = verify(content, ctx)
        if not reading.valid:
            raise refusal(sidecar, tr("review.chain.refused"), reading.problems)
        last = reading.entries[-1] if reading.entries else None
        seq = (last.seq + 1) if last is not None else 1
        previous = sha256_text(_line_of(last)) if last is not None else None
        fields = {"seq": seq, "record_digest": record_digest, "previous": previous, "kind": kind,
                  "session": seq, "member": member, "key": key_id(key.public_key()), "date": on, **build(reading)}
        entry = _signed(fields, key)
        after = verify(content + (entry.line() + "\n").encode("utf-8"), ctx)
        if not after.valid:
            raise refusal(sidecar, tr("review.entry.refused", seq=seq), after.problems)
        append_line(sidecar, entry.line())
        store_reading(conn, row, after)
    return entry


def _line_of(entry: Any) -> str:
    if isinstance(entry, Entry):
        return entry.line()
    from labelaudit.committee.chain import canonical

    data = {k: getattr(entry, k) for k in ("seq", "record_digest", "previous", "member", "verdict", "status",
                                           "level", "rationale", "hash")}
    return canonical({**data, "date": entry.date.isoformat()})


# --- the three acts ----------------------------------------------------------------------------


def open_session(record: Path, *, chair: str, key: Ed25519PrivateKey, on: dt.date, register: Path,
                 rationale: str | None = None, today: dt.date | None = None) -> Entry:
    """The chair opens a session; it supersedes the latest closed session, if any."""

    def build(reading: Reading) -> dict[str, Any]:
        if reading.pending is not None:
            raise InputError.at("--open", "", tr("review.session.already_open", seq=reading.pending.opening.seq))
        closed = [s for s in reading.sessions if s.closing is not None]
        return {"supersedes": closed[-1].opening.seq if closed else None, "rationale": (rationale or "").strip() or None}

    return append(record, kind="open", member=chair, key=key, on=on, register=register, build=build, today=today)


def cast_vote(record: Path, *, member: str, key: Ed25519PrivateKey, verdict: Verdict, on: dt.date, register: Path,
              level: str | None = None, refuse: bool = False, rationale: str | None = None,
              today: dt.date | None = None) -> Entry:
    """A member's vote in the open session."""
    if verdict != "override" and (level is not None or refuse):
        raise InputError.at("--level" if level is not None else "--refuse", "", tr("review.override.only"))
    if verdict == "override" and level is None and not refuse:
        raise InputError.at("--vote", "", tr("review.override.needs"))
    text = (rationale or "").strip() or None
    if text is None and verdict in ("override", "defer"):
        raise InputError.at("--rationale", "", tr("review.rationale.needed", verdict=verdict))
    record_data, _ = load_record_digest(paths(record)[0])
    status, decided = vote_outcome(record_data, verdict, level, refuse)

    def build(reading: Reading) -> dict[str, Any]:
        session = reading.pending
        if session is None:
            raise InputError.at("--vote", "", tr("review.session.none_open"))
        return {"session": session.opening.seq, "verdict": verdict, "status": status, "level": decided,
                "rationale": text}

    return append(record, kind="vote", member=member, key=key, on=on, register=register, build=build, today=today)


def close_session(record: Path, *, chair: str, key: Ed25519PrivateKey, on: dt.date, register: Path,
                  rationale: str | None = None, today: dt.date | None = None) -> Entry:
    """The chair closes the open session: the votes' hashes and count, the rule, the result."""
    record_data, _ = load_record_digest(paths(record)[0])
    rule = rule_of(record_data)

    def build(reading: Reading) -> dict[str, Any]:
        session = reading.pending
        if session is None:
            raise InputError.at("--close", "", tr("review.session.none_open"))
        outcomes = [(v.status, v.level) for v in session.votes if v.status is not None]
        chair_vote = next((v for v in session.votes if v.member == chair), None)
        chair_outcome = (chair_vote.status, chair_vote.level) if chair_vote and chair_vote.status else None
        (status, level), reason = tally(outcomes, rule, chair_outcome)  # type: ignore[arg-type]
        return {"session": session.opening.seq, "votes": tuple(v.hash for v in session.votes),
                "count": len(session.votes), "rule": rule, "status": status, "level": level, "reason": reason,
                "rationale": (rationale or "").strip() or None}

    return append(record, kind="close", member=chair, key=key, on=on, register=register, build=build, today=today)
