"""The label register's SQLite schema, its versioned migrations, and the validity calendar.

The schema version is SQLite's `PRAGMA user_version` (0 for a new file). `MIGRATIONS[i]`
takes a database from version i to i + 1; `migrate` applies the pending ones in order inside
one `BEGIN IMMEDIATE` transaction, so a database is either fully upgraded or left as it was
(SQLite's schema changes and `user_version` are transactional). A database made by a newer
labelaudit is refused rather than misread.

- v1: `records` (one row per decision record, keyed by the digest of its bytes) and
  `reviews` (the committee's hash-chained entries, as in the sidecar file).
- v2: the validity policy of each record (`validity_years`, `surveillance_months`), the
  committee's final `decisions` with their validity, and the `schedule` of surveillance audits
  and renewal; existing records are back-filled.
- v3: the committee roster (`roster`, `roster_keys`: ids, roles, public keys, in force from
  `since` until `retired_on`), the audit's `auditors` of each record (independence within a
  label's cycle), `reviews` rebuilt to hold every signed entry as its canonical line (kind,
  session, key id), and `sessions` (the head of every closed session: its closing's seq and
  hash, its vote count and result). The final decision is now the latest closed session's;
  entries from before (legacy, unsigned) are kept as `kind = 'legacy'` and decide nothing, so
  the decisions they made are removed: those records are pending again.
- v4: the label lifecycle. `records.label_id` names the label a record belongs to (an initial
  audit starts one, under its own audit id unless the record says `audit.label`; a surveillance
  or renewal is attached by `audit.label` or `register add --label`, never by its scope text),
  and `label_events` holds the committee's signed, hash-chained acts on a label (suspended,
  reinstated, scope reduced, withdrawn), one canonical line each. Existing initial records get
  their audit id; a later surveillance or renewal of the same organisation, scope and scheme is
  attached to the latest earlier initial one (the only time scope text is compared: the rule
  v3 applied, kept so an upgrade changes no answer), others stay unattached.
- v5: complaints and appeals. `cases` holds the committee's signed, hash-chained entries on a
  complaint or an appeal (lodged, vote, closed), one canonical line each, append-only (triggers
  refuse UPDATE and DELETE). Nothing existing changes: an upgraded register has no case.

The calendar is pure (dates in, dates out: no clock): a granted label is valid from its
`decided_on` for `validity_years`; a surveillance audit is due every `surveillance_months`
from `decided_on`, strictly within the validity, and the renewal is due when it ends.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from attrs import frozen

from labelaudit.committee.names import fold_name

Migration = Callable[[sqlite3.Connection], None]
CYCLE_KINDS = ("initial", "renewal")  # the audit kinds that start a validity period


# --- the calendar ------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, kept within the month (31 January + 1 month = 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@frozen
class Due:
    """One audit a granted label calls for: surveillance `n` of `total`, or the renewal."""

    n: int
    kind: str  # "surveillance" or "renewal"
    due_on: dt.date


def valid_until(decided_on: dt.date, validity_years: int) -> dt.date:
    """The first day the label is no longer valid (valid on d when decided_on <= d < valid_until)."""
    return add_months(decided_on, 12 * validity_years)


def plan(decided_on: dt.date, validity_years: int, surveillance_months: int) -> list[Due]:
    """The surveillance audits strictly within the validity, then the renewal at its end.

    Each date counts from `decided_on` (not from the previous one), so month-end clamping
    never drifts: 3 years every 12 months gives surveillances at +12 and +24, renewal at +36.
    """
    end = valid_until(decided_on, validity_years)
    dues: list[Due] = []
    k = 1
    while (day := add_months(decided_on, k * surveillance_months)) < end:
        dues.append(Due(k, "surveillance", day))
        k += 1
    dues.append(Due(k, "renewal", end))
    return dues


# --- writing a decision in the current schema ---------------------------------------------------


def write_decision(conn: sqlite3.Connection, record_digest: str) -> None:
    """(Re)compute one record's final decision, validity and schedule from its latest closed session.

    Only a closed session decides (the same rule as `verifier.Reading.final`). None: no
    decision row (the record is pending). Validity and schedule exist only for a granted label
    from an initial or renewal audit; a surveillance audit's decision does not restart it.
    """
    latest = conn.execute(
        "SELECT close_seq, status, level, chair, closed_on FROM sessions WHERE record_digest = ?"
        " ORDER BY close_seq DESC LIMIT 1",
        (record_digest,),
    ).fetchone()
    _write_decision_row(conn, record_digest, latest)


def _v2_write_decision(conn: sqlite3.Connection, record_digest: str) -> None:
    """Schema v2's rule, kept for its migration: the latest review won."""
    latest = conn.execute(
        "SELECT seq, status, level, member, date FROM reviews WHERE record_digest = ? ORDER BY seq DESC LIMIT 1",
        (record_digest,),
    ).fetchone()
    _write_decision_row(conn, record_digest, latest)


def _write_decision_row(conn: sqlite3.Connection, record_digest: str, latest: tuple[object, ...] | None) -> None:
    conn.execute("DELETE FROM schedule WHERE record_digest = ?", (record_digest,))
    conn.execute("DELETE FROM decisions WHERE record_digest = ?", (record_digest,))
    if latest is None:
        return
    seq, status, level, member, date = latest
    kind, decided_on, years, months = conn.execute(
        "SELECT kind, decided_on, validity_years, surveillance_months FROM records WHERE record_digest = ?",
        (record_digest,),
    ).fetchone()
    start = dt.date.fromisoformat(decided_on)
    dated = status == "granted" and kind in CYCLE_KINDS
    conn.execute(
        "INSERT INTO decisions (record_digest, status, level, review_seq, member, reviewed_on, valid_from, valid_until)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (record_digest, status, level, seq, member, date,
         start.isoformat() if dated else None, valid_until(start, years).isoformat() if dated else None),
    )
    if dated:
        conn.executemany(
            "INSERT INTO schedule (record_digest, n, kind, due_on) VALUES (?, ?, ?, ?)",
            [(record_digest, d.n, d.kind, d.due_on.isoformat()) for d in plan(start, years, months)],
        )


# --- migrations --------------------------------------------------------------------------------


def _v1_records_and_reviews(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE records (
            record_digest   TEXT PRIMARY KEY,
            audit_id        TEXT NOT NULL,
            organisation    TEXT NOT NULL,
            scope           TEXT NOT NULL,
            kind            TEXT NOT NULL,
            scheme_id       TEXT NOT NULL,
            scheme_version  TEXT NOT NULL,
            decided_on      TEXT NOT NULL,
            proposed_status TEXT NOT NULL CHECK (proposed_status IN ('granted', 'refused', 'deferred')),
            proposed_level  TEXT,
            proposed_points TEXT NOT NULL,
            record_file     TEXT NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX records_audit ON records (audit_id)")
    conn.execute(
        """CREATE TABLE reviews (
            record_digest TEXT NOT NULL REFERENCES records (record_digest),
            seq           INTEGER NOT NULL CHECK (seq >= 1),
            hash          TEXT NOT NULL UNIQUE,
            previous      TEXT,
            member        TEXT NOT NULL,
            verdict       TEXT NOT NULL CHECK (verdict IN ('confirm', 'override', 'defer')),
            status        TEXT NOT NULL CHECK (status IN ('granted', 'refused', 'deferred')),
            level         TEXT,
            rationale     TEXT,
            date          TEXT NOT NULL,
            PRIMARY KEY (record_digest, seq)
        )"""
    )


def _v2_decisions_and_schedule(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE records ADD COLUMN validity_years INTEGER NOT NULL DEFAULT 3")
    conn.execute("ALTER TABLE records ADD COLUMN surveillance_months INTEGER NOT NULL DEFAULT 12")
    conn.execute("CREATE INDEX records_label ON records (organisation, scope, scheme_id)")
    conn.execute(
        """CREATE TABLE decisions (
            record_digest TEXT PRIMARY KEY REFERENCES records (record_digest),
            status        TEXT NOT NULL CHECK (status IN ('granted', 'refused', 'deferred')),
            level         TEXT,
            review_seq    INTEGER NOT NULL,
            member        TEXT NOT NULL,
            reviewed_on   TEXT NOT NULL,
            valid_from    TEXT,
            valid_until   TEXT
        )"""
    )
    conn.execute(
        """CREATE TABLE schedule (
            record_digest TEXT NOT NULL REFERENCES decisions (record_digest),
            n             INTEGER NOT NULL,
            kind          TEXT NOT NULL CHECK (kind IN ('surveillance', 'renewal')),
            due_on        TEXT NOT NULL,
            PRIMARY KEY (record_digest, n)
        )"""
    )
    for (record_digest,) in conn.execute("SELECT DISTINCT record_digest FROM reviews").fetchall():
        _v2_write_decision(conn, record_digest)


def _legacy_line(row: tuple[object, ...]) -> str:
    """A v1 review row's canonical line, as it stood in the sidecar."""
    names = ("record_digest", "seq", "hash", "previous", "member", "verdict", "status", "level", "rationale", "date")
    return json.dumps(dict(zip(names, row, strict=True)), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _auditors_of(record_file: str) -> str:
    """The record's audit.auditors as JSON, read from its file when it is still there, else []."""
    try:
        with open(record_file, "rb") as handle:
            record = json.loads(handle.read(64 << 20))
        auditors = record["audit"]["auditors"]
    except (OSError, ValueError, KeyError, TypeError):
        return "[]"
    return json.dumps([str(a) for a in auditors] if isinstance(auditors, list) else [], ensure_ascii=False)


def _v3_roster_sessions_signed_entries(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE roster (
            id         TEXT PRIMARY KEY,
            name       TEXT NOT NULL,
            folded     TEXT NOT NULL UNIQUE,
            shape      TEXT NOT NULL UNIQUE,
            roles      TEXT NOT NULL,
            since      TEXT NOT NULL,
            retired_on TEXT
        )"""
    )
    conn.execute(
        """CREATE TABLE roster_keys (
            key_id     TEXT PRIMARY KEY,
            member_id  TEXT NOT NULL REFERENCES roster (id),
            public_key TEXT NOT NULL,
            since      TEXT NOT NULL,
            retired_on TEXT
        )"""
    )
    conn.execute("ALTER TABLE records ADD COLUMN auditors TEXT NOT NULL DEFAULT '[]'")
    for digest_, record_file in conn.execute("SELECT record_digest, record_file FROM records").fetchall():
        conn.execute("UPDATE records SET auditors = ? WHERE record_digest = ?", (_auditors_of(record_file), digest_))
    conn.execute(
        """CREATE TABLE entries (
            record_digest TEXT NOT NULL REFERENCES records (record_digest),
            seq           INTEGER NOT NULL CHECK (seq >= 1),
            hash          TEXT NOT NULL UNIQUE,
            previous      TEXT,
            kind          TEXT NOT NULL CHECK (kind IN ('legacy', 'open', 'vote', 'close')),
            session       INTEGER,
            member        TEXT NOT NULL,
            key_id        TEXT,
            verdict       TEXT CHECK (verdict IN ('confirm', 'override', 'defer')),
            status        TEXT CHECK (status IN ('granted', 'refused', 'deferred')),
            level         TEXT,
            rationale     TEXT,
            date          TEXT NOT NULL,
            line          TEXT NOT NULL,
            PRIMARY KEY (record_digest, seq)
        )"""
    )
    old = conn.execute(
        "SELECT record_digest, seq, hash, previous, member, verdict, status, level, rationale, date FROM reviews"
    ).fetchall()
    conn.executemany(
        "INSERT INTO entries (record_digest, seq, hash, previous, kind, member, verdict, status, level, rationale,"
        " date, line) VALUES (?, ?, ?, ?, 'legacy', ?, ?, ?, ?, ?, ?, ?)",
        [(*row, _legacy_line(row)) for row in old],
    )
    conn.execute("DROP TABLE reviews")
    conn.execute("ALTER TABLE entries RENAME TO reviews")
    conn.execute(
        """CREATE TABLE sessions (
            record_digest TEXT NOT NULL REFERENCES records (record_digest),
            open_seq      INTEGER NOT NULL,
            close_seq     INTEGER NOT NULL,
            close_hash    TEXT NOT NULL UNIQUE,
            votes         INTEGER NOT NULL,
            status        TEXT NOT NULL CHECK (status IN ('granted', 'refused', 'deferred')),
            level         TEXT,
            reason        TEXT NOT NULL,
            chair         TEXT NOT NULL,
            closed_on     TEXT NOT NULL,
            PRIMARY KEY (record_digest, open_seq)
        )"""
    )
    for (record_digest,) in conn.execute("SELECT record_digest FROM decisions").fetchall():
        write_decision(conn, record_digest)  # no closed session yet: the legacy decisions go


def _v3_label(organisation: str, scope: str, scheme_id: str) -> tuple[str, str, str]:
    """The v3 rule (same folded organisation and scope, same scheme), for the back-fill only."""
    return fold_name(organisation), fold_name(scope), scheme_id


def _v4_label_lifecycle(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE records ADD COLUMN label_id TEXT")
    conn.execute("CREATE INDEX records_label_id ON records (label_id)")
    conn.execute(
        """CREATE TABLE label_events (
            label_id TEXT NOT NULL,
            seq      INTEGER NOT NULL CHECK (seq >= 1),
            hash     TEXT NOT NULL UNIQUE,
            line     TEXT NOT NULL,
            PRIMARY KEY (label_id, seq)
        )"""
    )
    rows = conn.execute(
        "SELECT record_digest, audit_id, organisation, scope, scheme_id, kind FROM records ORDER BY decided_on, audit_id"
    ).fetchall()
    started: dict[tuple[str, str, str], str] = {}
    for record_digest, audit_id, organisation, scope, scheme_id, kind in rows:
        label = _v3_label(organisation, scope, scheme_id)
        if kind == "initial":
            started[label] = audit_id
        found = started.get(label)
        if found is not None:
            conn.execute("UPDATE records SET label_id = ? WHERE record_digest = ?", (found, record_digest))


def _v5_complaints_and_appeals(conn: sqlite3.Connection) -> None:
    """The `cases` log: complaints and appeals, one signed canonical line per entry, hash-chained
    over the whole log. Append-only: SQLite itself refuses to change or delete a row (a writer
    that drops the triggers is still caught by the hash chain on the next read)."""
    conn.execute(
        """CREATE TABLE cases (
            seq  INTEGER PRIMARY KEY CHECK (seq >= 1),
            hash TEXT NOT NULL UNIQUE,
            line TEXT NOT NULL
        )"""
    )
    for action in ("UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER cases_no_{action.lower()} BEFORE {action} ON cases"
            " BEGIN SELECT RAISE(ABORT, 'the cases log is append-only'); END"
        )


MIGRATIONS: list[Migration] = [
    _v1_records_and_reviews, _v2_decisions_and_schedule, _v3_roster_sessions_signed_entries, _v4_label_lifecycle,
    _v5_complaints_and_appeals,
]


class SchemaTooNew(Exception):
    """The database was made by a newer labelaudit: reading it could misread it."""

    def __init__(self, found: int, known: int) -> None:
        self.found, self.known = found, known
        super().__init__(f"schema version {found}, this labelaudit knows up to {known}")


def latest_version() -> int:
    return len(MIGRATIONS)


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """`BEGIN IMMEDIATE` (take the write lock now, waiting up to busy_timeout), commit or roll back.

    The connection must be in autocommit mode (`isolation_level=None`) so that Python's sqlite3
    does not open or close transactions on its own.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, upto: int | None = None) -> int:
    """Apply the pending migrations (up to `upto`, default all) in one transaction; return the version."""
    target = latest_version() if upto is None else upto
    with transaction(conn):
        current = version(conn)  # read under the write lock: another process may have migrated
        if current > latest_version():
            raise SchemaTooNew(current, latest_version())
        for step in range(current, target):
            MIGRATIONS[step](conn)
            conn.execute(f"PRAGMA user_version = {step + 1}")
    return version(conn)
