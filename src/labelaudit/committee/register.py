"""The label register: every decision record, the committee's roster and signed entries, the
final decisions, validity and the surveillance audits due, in one embedded SQLite database.

The default file is `labelaudit-register.sqlite` in the current folder (`--register PATH` or
the `LABELAUDIT_REGISTER` environment variable change it). Records are keyed by the digest of
their bytes, so adding the same record again changes nothing but brings in the reviews appended
to its chain since (`register add` is idempotent). The chain is verified first with every rule
(`verifier`; a broken chain is refused), and the register's own copy must be a prefix of the
file's chain: a sidecar whose last lines were removed or rewritten, or a sidecar removed, is
reported.

Robustness: WAL journal (readers never block the writer), `BEGIN IMMEDIATE` transactions (a
writer takes the lock before reading what it will change), a busy timeout (a second process
waits instead of failing), `synchronous=FULL` and foreign keys on. Each command is one
transaction: an error part-way leaves the database as it was.

The committee's final decision is the latest closed session (as in `verifier.Reading.final`);
a record without one is *pending*. A granted label from an initial or renewal audit is valid from
`decided_on` for `validity_years` (from `record["scheme"]["policies"]`, else 3) with a
surveillance audit every `surveillance_months` (else 12); see `register_schema.plan`. Dates are
inputs: only the command line turns "no --before" into today.

Lock order, for every path that touches both: the sidecar's `flock` first, then the register's
`BEGIN IMMEDIATE`, and the file is read under both. So a writer's append and its register
update are seen together or not at all, and a reader never sees the register ahead of the file
(no false "cut short" alarm between concurrent writers).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from attrs import frozen

from labelaudit.committee.chain import AnyEntry, Entry, load_record_digest, locked, paths, read_sidecar
from labelaudit.committee.names import fold_name
from labelaudit.committee.roster import Roster, load_roster
from labelaudit.committee.schema import SchemaTooNew, migrate, transaction, write_decision
from labelaudit.committee.verifier import Context, Reading, verify
from labelaudit.errors import InputError, Problem
from labelaudit.files import REGISTER_NAME
from labelaudit.i18n import tr

DEFAULT_REGISTER = REGISTER_NAME
ENV_REGISTER = "LABELAUDIT_REGISTER"
BUSY_TIMEOUT_MS = 30_000
DEFAULT_VALIDITY_YEARS = 3
DEFAULT_SURVEILLANCE_MONTHS = 12


# --- opening -----------------------------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    """Autocommit mode (transactions are explicit), then the pragmas; closed again on failure."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _set_wal(conn)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _set_wal(conn: sqlite3.Connection, attempts: int = 100) -> None:
    """Switch to WAL, retrying: SQLite may answer "locked" at once, without waiting for the busy
    timeout, when two processes create the register at the same moment (the switch needs an
    exclusive lock). WAL is then recorded in the file, so only the first opening contends."""
    for attempt in range(attempts):
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


@contextmanager
def open_register(path: Path, *, create: bool = True) -> Iterator[sqlite3.Connection]:
    """The register, migrated to the latest schema; closed afterwards.

    `create=False` (the read-only commands) refuses a missing file instead of creating an
    empty register somewhere unexpected.
    """
    if not create and not path.exists():
        raise InputError.at(path, "", tr("register.missing"))
    try:
        conn = _connect(path)
    except sqlite3.Error as exc:
        raise InputError.at(path, "", tr("register.unreadable", detail=str(exc))) from None
    try:
        migrate(conn)
        yield conn
    except SchemaTooNew as exc:
        raise InputError.at(path, "user_version", tr("register.too_new", found=exc.found, known=exc.known)) from None
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
            raise  # a bug of ours, not a bad file
        raise InputError.at(path, "", tr("register.unreadable", detail=str(exc))) from None
    finally:
        conn.close()


# --- what a record contributes -----------------------------------------------------------------


def _get(record: dict[str, Any], dotted: str, source: Path) -> Any:
    value: Any = record
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            raise InputError.at(source, tr("place.key", key=dotted), tr("key.missing"))
        value = value[key]
    return value


def _policy(record: dict[str, Any], key: str, default: int, source: Path) -> int:
    """A validity policy from the record's scheme policies, else the scheme default."""
    value = record.get("scheme", {}).get("policies", {}).get(key, default)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InputError.at(source, tr("place.key", key=f"scheme.policies.{key}"), tr("value.expected", expected=tr("expected.positive_whole"), found=value))
    return value


def record_row(record: dict[str, Any], record_digest: str, source: Path) -> dict[str, Any]:
    """The `records` row of a decision record (every field the register lists or computes with)."""
    decided_on = str(_get(record, "decided_on", source))
    try:
        dt.date.fromisoformat(decided_on)
    except ValueError:
        raise InputError.at(source, tr("place.key", key="decided_on"), tr("value.expected", expected=tr("expected.date"), found=decided_on)) from None
    return {
        "record_digest": record_digest,
        "audit_id": str(_get(record, "audit.id", source)),
        "organisation": str(_get(record, "audit.organisation", source)),
        "scope": str(_get(record, "audit.scope", source)),
        "kind": str(record["audit"].get("kind") or "initial"),
        "scheme_id": str(_get(record, "scheme.id", source)),
        "scheme_version": str(_get(record, "scheme.version", source)),
        "decided_on": decided_on,
        "proposed_status": str(_get(record, "outcome.status", source)),
        "proposed_level": record["outcome"].get("level"),
        "proposed_points": str(_get(record, "outcome.points.shown", source)),
        "record_file": str(source.resolve()),
        "auditors": json.dumps([str(a) for a in record["audit"].get("auditors", [])], ensure_ascii=False),
        "validity_years": _policy(record, "validity_years", DEFAULT_VALIDITY_YEARS, source),
        "surveillance_months": _policy(record, "surveillance_months", DEFAULT_SURVEILLANCE_MONTHS, source),
        "label_id": own_label(record),
    }


def own_label(record: dict[str, Any]) -> str | None:
    """The label a record names itself: `audit.label`, else an initial audit's own id (it starts
    the label); None for a surveillance or renewal that does not say (`register add --label`)."""
    audit = record.get("audit", {})
    label = audit.get("label")
    if isinstance(label, str) and label.strip():
        return label.strip()
    return str(audit.get("id")) if (audit.get("kind") or "initial") == "initial" else None


def register_path(given: Path | None) -> Path:
    """--register, else LABELAUDIT_REGISTER, else labelaudit-register.sqlite here."""
    if given is not None:
        return given
    return Path(os.environ.get(ENV_REGISTER) or DEFAULT_REGISTER)


def existing_register(given: Path | None) -> Path | None:
    """The register a review reads its roster from: --register, else the environment's or the
    default path when that file exists (None: there is no register)."""
    if given is not None:
        return given
    path = register_path(None)
    return path if path.exists() else None


# --- the context a chain is verified in --------------------------------------------------------


def label_of(organisation: str, scope: str, scheme_id: str) -> tuple[str, str, str]:
    """The label a record belongs to: same organisation, scope and scheme."""
    return fold_name(organisation), fold_name(scope), scheme_id


def cycle_auditors(conn: sqlite3.Connection, record: dict[str, Any], record_digest: str) -> tuple[str, ...]:
    """The auditors of the other records of the same label decided within one validity period
    of this one (before or after): the people who evaluated this label in its cycle. The same
    label is the same label id (the record's own, or the one the register attached it to),
    or, for records without one, the same organisation, scope and scheme: a scope worded
    differently never lets an auditor of the label vote."""
    audit, scheme = record.get("audit", {}), record.get("scheme", {})
    wanted = label_of(str(audit.get("organisation", "")), str(audit.get("scope", "")), str(scheme.get("id", "")))
    (attached,) = conn.execute("SELECT label_id FROM records WHERE record_digest = ?", (record_digest,)).fetchone() or (None,)
    label = attached or own_label(record)
    try:
        decided = dt.date.fromisoformat(str(record.get("decided_on")))
    except ValueError:
        return ()
    years = scheme.get("policies", {}).get("validity_years", DEFAULT_VALIDITY_YEARS)
    years = years if isinstance(years, int) and not isinstance(years, bool) and years >= 1 else DEFAULT_VALIDITY_YEARS
    found: list[str] = []
    for organisation, scope, scheme_id, decided_on, auditors, label_id in conn.execute(
        "SELECT organisation, scope, scheme_id, decided_on, auditors, label_id FROM records WHERE record_digest != ?",
        (record_digest,),
    ):
        same_label = label is not None and label_id == label
        if not same_label and label_of(organisation, scope, scheme_id) != wanted:
            continue
        other = dt.date.fromisoformat(decided_on)
        if abs((other - decided).days) < 366 * years:
            found += json.loads(auditors)
    return tuple(dict.fromkeys(found))


def known_entries(conn: sqlite3.Connection, record_digest: str) -> tuple[tuple[int, str], ...]:
    return tuple(conn.execute("SELECT seq, hash FROM reviews WHERE record_digest = ? ORDER BY seq", (record_digest,)))


def context(
    conn: sqlite3.Connection | None,
    record: dict[str, Any],
    record_digest: str,
    *,
    today: dt.date,
    sidecar_exists: bool,
    roster: Roster | None = None,
) -> Context:
    """The context of a record's chain: with a register, its roster, cycle auditors and heads."""
    if conn is None:
        return Context(record, record_digest, today, None, (), (), sidecar_exists)
    return Context(
        record, record_digest, today,
        roster if roster is not None else load_roster(conn),
        cycle_auditors(conn, record, record_digest),
        known_entries(conn, record_digest),
        sidecar_exists,
    )


@frozen
class Chain:
    """A record's chain as read and verified: the record, its files, the reading, and the roster
    it was verified against (None: read without a register)."""

    record_path: Path
    sidecar: Path
    record: dict[str, Any]
    record_digest: str
    reading: Reading
    register: Path | None
    roster: Roster | None = None

    @property
    def valid(self) -> bool:
        return self.reading.valid

    @property
    def problems(self) -> tuple[Any, ...]:
        return self.reading.problems

    @property
    def entries(self) -> tuple[AnyEntry, ...]:
        return self.reading.entries

    def name_of(self, member_id: str) -> str | None:
        """The name the roster gives a member id, as written; None without a roster or off it."""
        member = self.roster.get(member_id) if self.roster is not None else None
        return member.name if member is not None else None


def read_chain(
    path: Path, *, register: Path | None, today: dt.date, loaded: tuple[dict[str, Any], str] | None = None
) -> Chain:
    """Read and verify the chain of a record (`path`: the record or its sidecar) with every rule.

    `register`: the register holding the roster and the heads (None: signatures cannot be
    verified, so nothing is decided). The record file must exist. `loaded`: the record and
    the digest of its bytes, when the caller has just read them (a network's record is tens
    of megabytes: it is read and parsed once).
    """
    record_path, sidecar = paths(path)
    record, record_digest = loaded if loaded is not None else load_record_digest(record_path)
    with locked(record_path, exclusive=False):  # the chain's lock first, then the register
        found = read_sidecar(sidecar)
        content, exists = found or b"", found is not None
        if register is None:
            ctx = context(None, record, record_digest, today=today, sidecar_exists=exists)
        else:
            with open_register(register, create=False) as conn:
                ctx = context(conn, record, record_digest, today=today, sidecar_exists=exists)
        reading = verify(content, ctx)
    return Chain(record_path, sidecar, record, record_digest, reading, register, ctx.roster)


# --- adding ------------------------------------------------------------------------------------


@frozen
class Added:
    """What `add_record` did: whether the record was new, and how many entries came in."""

    audit_id: str
    record_digest: str
    new_record: bool
    new_reviews: int


def insert_record(conn: sqlite3.Connection, row: dict[str, Any]) -> bool:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    update = ", auditors = excluded.auditors" if "auditors" in row else ""
    update += ", label_id = COALESCE(records.label_id, excluded.label_id)" if "label_id" in row else ""
    existed = conn.execute("SELECT 1 FROM records WHERE record_digest = ?", (row["record_digest"],)).fetchone()
    conn.execute(
        f"INSERT INTO records ({columns}) VALUES ({marks}) ON CONFLICT (record_digest) DO UPDATE SET"
        f" record_file = excluded.record_file{update}",
        tuple(row.values()),
    )
    return existed is None


def _entry_row(e: AnyEntry) -> tuple[Any, ...]:
    if isinstance(e, Entry):
        return (e.record_digest, e.seq, e.hash, e.previous, e.kind, e.session, e.member, e.key, e.verdict, e.status,
                e.level, e.rationale, e.date.isoformat(), e.line())
    from labelaudit.committee.schema import _legacy_line

    row = (e.record_digest, e.seq, e.hash, e.previous, e.member, e.verdict, e.status, e.level, e.rationale,
           e.date.isoformat())
    return (e.record_digest, e.seq, e.hash, e.previous, "legacy", None, e.member, None, e.verdict, e.status,
            e.level, e.rationale, e.date.isoformat(), _legacy_line(row))


def insert_entries(conn: sqlite3.Connection, entries: Sequence[AnyEntry]) -> None:
    conn.executemany(
        "INSERT INTO reviews (record_digest, seq, hash, previous, kind, session, member, key_id, verdict, status,"
        " level, rationale, date, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [_entry_row(e) for e in entries],
    )


def store_reading(conn: sqlite3.Connection, row: dict[str, Any], reading: Reading) -> tuple[bool, int]:
    """The record, the entries the register lacks and the closed sessions' heads; the decision
    recomputed. Inside the caller's transaction, on a reading that is valid. (new record?, new entries)"""
    new_record = insert_record(conn, row)
    (known,) = conn.execute("SELECT COUNT(*) FROM reviews WHERE record_digest = ?", (row["record_digest"],)).fetchone()
    fresh = reading.entries[known:]
    insert_entries(conn, fresh)
    conn.executemany(
        "INSERT INTO sessions (record_digest, open_seq, close_seq, close_hash, votes, status, level, reason, chair,"
        " closed_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (record_digest, open_seq) DO NOTHING",
        [
            (row["record_digest"], s.opening.seq, s.closing.seq, s.closing.hash, len(s.votes), s.closing.status,
             s.closing.level, s.closing.reason, s.closing.member, s.closing.date.isoformat())
            for s in reading.sessions
            if s.closing is not None
        ],
    )
    write_decision(conn, row["record_digest"])
    return new_record, len(fresh)


def refusal(sidecar: Path, head: str, problems: Sequence[Any]) -> InputError:
    return InputError([Problem(str(sidecar), "", head), *(p.problem(sidecar) for p in problems)])


def _attach(conn: sqlite3.Connection, row: dict[str, Any], label: str | None, db_place: str) -> None:
    """`--label`: the label must exist (an initial or renewal record of it is registered), and a
    record already attached to another label is not moved."""
    if label is None:
        return
    known = conn.execute("SELECT 1 FROM records WHERE label_id = ? AND kind IN ('initial', 'renewal') LIMIT 1",
                         (label,)).fetchone()
    if known is None and row["label_id"] != label:
        raise InputError.at(db_place, "", tr("label.unknown", label=label))
    (current,) = conn.execute("SELECT label_id FROM records WHERE record_digest = ?", (row["record_digest"],)).fetchone() or (None,)
    if row["label_id"] not in (None, label) or current not in (None, label):
        raise InputError.at(db_place, "", tr("label.attached_elsewhere", audit=row["audit_id"],
                                             label=row["label_id"] or current, wanted=label))
    row["label_id"] = label


def add_record(conn: sqlite3.Connection, record_path: Path, *, today: dt.date, label: str | None = None) -> Added:
    """Register a record and the entries of its chain, in one transaction; idempotent.

    The chain is verified with every rule against this register (roster, heads): a broken
    chain is refused, and nothing is written. `label`: the label a surveillance or renewal
    record belongs to, when the record does not say (`audit.label`).
    """
    record_path, sidecar = paths(record_path)
    record, record_digest = load_record_digest(record_path)
    row = record_row(record, record_digest, record_path)
    with locked(record_path, exclusive=False):  # the chain's lock first, then the register's
        found = read_sidecar(sidecar)
        with transaction(conn):
            _attach(conn, row, label, "--label")
            ctx = context(conn, record, record_digest, today=today, sidecar_exists=found is not None)
            content = found or b""
            reading = verify(content, ctx)
            if not reading.valid:
                raise refusal(sidecar, tr("register.chain.broken", record=record_path), reading.problems)
            new_record, fresh = store_reading(conn, row, reading)
    return Added(row["audit_id"], record_digest, new_record, fresh)


def register_record(db: Path, record_path: Path, *, today: dt.date) -> Added:
    """Open (creating if needed) the register at `db` and add the record."""
    with open_register(db) as conn:
        return add_record(conn, record_path, today=today)
