"""The label register: every decision record, its committee reviews, final decisions, validity
and the surveillance audits due, in one embedded SQLite database.

The default file is `labelaudit-register.sqlite` in the current folder (`--register PATH` or
the `LABELAUDIT_REGISTER` environment variable change it). Records are keyed by the digest of
their bytes, so adding the same record again changes nothing but brings in the reviews appended
to its chain since (`register add` is idempotent). The reviews are verified first (a broken
chain is refused), and the register's own copy must be a prefix of the file's chain: a sidecar
whose last lines were removed or rewritten is reported.

Robustness: WAL journal (readers never block the writer), `BEGIN IMMEDIATE` transactions (a
writer takes the lock before reading what it will change), a busy timeout (a second process
waits instead of failing), `synchronous=FULL` and foreign keys on. Each command is one
transaction: an error part-way leaves the database as it was.

The committee's final decision is the latest review (as in `labelaudit.reviews`); a record
without a review is *pending*. A granted label from an initial or renewal audit is valid from
`decided_on` for `validity_years` (from `record["scheme"]["policies"]`, else 3) with a
surveillance audit every `surveillance_months` (else 12); see `register_schema.plan`. Dates are
inputs: only the command line turns "no --before" into today.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from attrs import fields, frozen

from labelaudit import options
from labelaudit.errors import InputError, Problem
from labelaudit.i18n import catalog, tr
from labelaudit.model import Lang
from labelaudit.files import check_output, safe_cell, write_atomic
from labelaudit.register_schema import SchemaTooNew, migrate, transaction, write_decision
from labelaudit.reviews import Chain, ChainProblem, Review, fold_name, load_record_digest, read_chain

DEFAULT_REGISTER = "labelaudit-register.sqlite"
ENV_REGISTER = "LABELAUDIT_REGISTER"
BUSY_TIMEOUT_MS = 30_000
DEFAULT_VALIDITY_YEARS = 3
DEFAULT_SURVEILLANCE_MONTHS = 12
Output = Callable[[str], None]


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
        "validity_years": _policy(record, "validity_years", DEFAULT_VALIDITY_YEARS, source),
        "surveillance_months": _policy(record, "surveillance_months", DEFAULT_SURVEILLANCE_MONTHS, source),
    }


# --- adding ------------------------------------------------------------------------------------


@frozen
class Added:
    """What `add_record` did: whether the record was new, and how many reviews came in."""

    audit_id: str
    record_digest: str
    new_record: bool
    new_reviews: int


def chain_conflicts(conn: sqlite3.Connection, chain: Chain) -> list[ChainProblem]:
    """Entries the register holds that the file lacks or holds differently (truncated/rewritten)."""
    in_file = {e.seq: e.hash for e in chain.entries}
    problems = []
    stored = conn.execute(
        "SELECT seq, hash FROM reviews WHERE record_digest = ? ORDER BY seq", (chain.record_digest,)
    ).fetchall()
    for seq, stored_hash in stored:
        if seq not in in_file:
            problems.append(ChainProblem(seq, "register.chain.missing", {"seq": seq, "hash": stored_hash}))
        elif in_file[seq] != stored_hash:
            problems.append(ChainProblem(seq, "register.chain.differs", {"seq": seq, "hash": stored_hash}))
    return problems


def _insert_record(conn: sqlite3.Connection, row: dict[str, Any]) -> bool:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = conn.execute(
        f"INSERT INTO records ({columns}) VALUES ({marks}) ON CONFLICT (record_digest) DO NOTHING",
        tuple(row.values()),
    )
    return cursor.rowcount == 1


def _insert_reviews(conn: sqlite3.Connection, reviews: Sequence[Review]) -> None:
    conn.executemany(
        "INSERT INTO reviews (record_digest, seq, hash, previous, member, verdict, status, level, rationale, date)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (r.record_digest, r.seq, r.hash, r.previous, r.member, r.verdict, r.status, r.level, r.rationale,
             r.date.isoformat())
            for r in reviews
        ],
    )


def _verified_chain(record_path: Path, record_digest: str) -> Chain:
    chain = read_chain(record_path)
    if chain.record_digest != record_digest:  # the file changed between the two reads
        raise InputError.at(record_path, "", tr("register.record_moving"))
    if not chain.valid:
        head = Problem(str(chain.sidecar), "", tr("register.chain.broken", record=record_path))
        raise InputError([head, *(p.problem(chain.sidecar) for p in chain.problems)])
    return chain


def add_record(conn: sqlite3.Connection, record_path: Path) -> Added:
    """Register a record and the reviews of its chain, in one transaction; idempotent.

    Only entries the register does not hold yet are added; the decision, validity and schedule
    are recomputed from the latest review.
    """
    record, record_digest = load_record_digest(record_path)
    row = record_row(record, record_digest, record_path)
    chain = _verified_chain(record_path, record_digest)
    with transaction(conn):
        conflicts = chain_conflicts(conn, chain)
        if conflicts:
            raise InputError([p.problem(chain.sidecar) for p in conflicts])
        new_record = _insert_record(conn, row)
        (known,) = conn.execute("SELECT COUNT(*) FROM reviews WHERE record_digest = ?", (record_digest,)).fetchone()
        fresh = chain.entries[known:]
        _insert_reviews(conn, fresh)
        write_decision(conn, record_digest)
    return Added(row["audit_id"], record_digest, new_record, len(fresh))


def register_record(db: Path, record_path: Path) -> Added:
    """Open (creating if needed) the register at `db` and add the record: `review --register`."""
    with open_register(db) as conn:
        return add_record(conn, record_path)


def chain_against_register(db: Path, chain: Chain) -> list[ChainProblem]:
    """`review --show --register`: what the register holds that the sidecar no longer does."""
    with open_register(db, create=False) as conn:
        return chain_conflicts(conn, chain)


# --- reading -----------------------------------------------------------------------------------


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

    @property
    def status(self) -> str:
        return self.final_status or "pending"

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
       d.reviewed_on AS final_on, d.valid_from, d.valid_until
FROM records r LEFT JOIN decisions d ON d.record_digest = r.record_digest
"""
_ORDER = " ORDER BY r.decided_on, r.audit_id, r.record_digest"


def _registered(rows: Sequence[tuple[Any, ...]]) -> list[Registered]:
    names = [f.name for f in fields(Registered)]
    return [Registered(**dict(zip(names, row, strict=True))) for row in rows]


def all_records(conn: sqlite3.Connection) -> list[Registered]:
    return _registered(conn.execute(_SELECT + _ORDER).fetchall())


def records_for_audit(conn: sqlite3.Connection, audit_id: str) -> list[Registered]:
    return _registered(conn.execute(_SELECT + " WHERE r.audit_id = ?" + _ORDER, (audit_id,)).fetchall())


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
        "SELECT seq, date, member, verdict, status, level, rationale FROM reviews WHERE record_digest = ? ORDER BY seq",
        (record_digest,),
    ).fetchall()


def schedule_of(conn: sqlite3.Connection, record_digest: str) -> list[tuple[int, str, str]]:
    return conn.execute(
        "SELECT n, kind, due_on FROM schedule WHERE record_digest = ? ORDER BY n", (record_digest,)
    ).fetchall()


# --- what is due -------------------------------------------------------------------------------


@frozen
class DueItem:
    """An audit a current label calls for: surveillance n of `total`, or its renewal."""

    due_on: dt.date
    kind: str
    n: int
    total: int
    record: Registered


def _label(r: Registered) -> tuple[str, str, str]:
    """The label a record belongs to: same organisation, scope and scheme."""
    return fold_name(r.organisation), fold_name(r.scope), r.scheme_id


def _current_cycles(records: Sequence[Registered]) -> dict[tuple[str, str, str], Registered]:
    """For each label, its latest granted initial or renewal decision (the one running now)."""
    cycles: dict[tuple[str, str, str], Registered] = {}
    for r in records:  # ordered by decided_on: a later one replaces an earlier one
        if r.valid_from is not None:
            cycles[_label(r)] = r
    return cycles


def _outstanding(conn: sqlite3.Connection, cycle: Registered, records: Sequence[Registered]) -> list[DueItem]:
    """The cycle's scheduled audits not yet done: a later record of the label of kind
    surveillance counts as one surveillance done (in order); of kind renewal, as the renewal."""
    later = [r for r in records if _label(r) == _label(cycle) and r.decided_on > cycle.decided_on]
    done = sum(r.kind == "surveillance" for r in later)
    renewed = any(r.kind == "renewal" for r in later)
    plan = schedule_of(conn, cycle.record_digest)
    total = sum(kind == "surveillance" for _, kind, _ in plan)
    return [
        DueItem(dt.date.fromisoformat(due_on), kind, n, total, cycle)
        for n, kind, due_on in plan
        if (kind == "surveillance" and n > done) or (kind == "renewal" and not renewed)
    ]


def due(conn: sqlite3.Connection, before: dt.date) -> list[DueItem]:
    """The surveillance audits and renewals of current labels due on or before `before`."""
    records = all_records(conn)
    items = [item for cycle in _current_cycles(records).values() for item in _outstanding(conn, cycle, records)]
    return sorted((i for i in items if i.due_on <= before), key=lambda i: (i.due_on, i.record.audit_id, i.n))


# --- export ------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "audit_id", "organisation", "scope", "kind", "scheme_id", "scheme_version", "decided_on",
    "record_digest", "proposed_status", "proposed_level", "proposed_points", "reviews",
    "status", "final_level", "final_member", "final_on", "valid_from", "valid_until",
    "validity_years", "surveillance_months",
)


def export_csv(conn: sqlite3.Connection) -> str:
    """Every record as CSV (UTF-8, comma, RFC 4180 line ends); `status` is pending or final."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for r in all_records(conn):
        writer.writerow(["" if (v := getattr(r, c)) is None else safe_cell(v) for c in CSV_COLUMNS])
    return buffer.getvalue()


# --- the command -------------------------------------------------------------------------------


def register_path(given: Path | None) -> Path:
    """--register, else LABELAUDIT_REGISTER, else labelaudit-register.sqlite here."""
    if given is not None:
        return given
    return Path(os.environ.get(ENV_REGISTER) or DEFAULT_REGISTER)


def _decision(status: str | None, level: str | None) -> str:
    word = tr(f"register.status.{status or 'pending'}")
    return f"{word} {level}" if level else word


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def cmd_add(args: argparse.Namespace, plugins: object, out: Output) -> int:
    db = register_path(args.register)
    with open_register(db) as conn:
        added = add_record(conn, args.record)
    key = "register.added" if added.new_record else "register.already"
    out(tr(key, audit=added.audit_id, digest=added.record_digest, count=added.new_reviews, path=db))
    return 0


def cmd_list(args: argparse.Namespace, plugins: object, out: Output) -> int:
    with open_register(register_path(args.register), create=False) as conn:
        found = select(all_records(conn), organisation=args.organisation, level=args.level,
                       status=args.status, valid_on=args.valid_on)
    if not found:
        out(tr("register.list.none"))
        return 0
    header = [tr(f"register.list.{c}") for c in ("audit", "organisation", "kind", "decided", "proposal", "final", "until")]
    rows = [
        [r.audit_id, r.organisation, r.kind, r.decided_on,
         f"{_decision(r.proposed_status, r.proposed_level)} ({r.proposed_points})",
         _decision(r.final_status, r.final_level), r.valid_until or "—"]
        for r in found
    ]
    for line in _table([header, *rows]):
        out(line)
    return 0


def _show_one(conn: sqlite3.Connection, r: Registered, out: Output) -> None:
    out(f"{r.audit_id} — {r.organisation}")
    out("  " + tr("register.show.scope", scope=r.scope))
    out("  " + tr("register.show.record", digest=r.record_digest, path=r.record_file))
    out("  " + tr("register.show.scheme", scheme=r.scheme_id, version=r.scheme_version, kind=r.kind, date=r.decided_on))
    out("  " + tr("register.show.proposal", decision=_decision(r.proposed_status, r.proposed_level), points=r.proposed_points))
    out("  " + tr("register.show.reviews", count=r.reviews))
    for seq, date, member, verdict, status, level, rationale in reviews_of(conn, r.record_digest):
        why = f" — {rationale}" if rationale else ""
        out(f"    {seq}. {date} {member}: {verdict} → {_decision(status, level)}{why}")
    if r.final_status is None:
        out("  " + tr("register.show.pending"))
        return
    out("  " + tr("register.show.final", decision=_decision(r.final_status, r.final_level), member=r.final_member, date=r.final_on))
    if r.valid_from is not None:
        out("  " + tr("register.show.validity", start=r.valid_from, end=r.valid_until, years=r.validity_years, months=r.surveillance_months))
        for n, kind, due_on in schedule_of(conn, r.record_digest):
            out(f"    {due_on}  {tr('register.due.' + kind, n=n)}")


def cmd_show(args: argparse.Namespace, plugins: object, out: Output) -> int:
    db = register_path(args.register)
    with open_register(db, create=False) as conn:
        found = records_for_audit(conn, args.audit_id)
        if not found:
            raise InputError.at(db, "", tr("register.show.unknown", audit=args.audit_id))
        for r in found:
            _show_one(conn, r, out)
    return 0


def cmd_due(args: argparse.Namespace, plugins: object, out: Output) -> int:
    before = args.before if args.before is not None else dt.date.today()  # the CLI edge: the only clock
    with open_register(register_path(args.register), create=False) as conn:
        items = due(conn, before)
    if not items:
        out(tr("register.due.none", date=before))
        return 0
    rows = [
        [i.due_on.isoformat(),
         tr("register.due.surveillance_of", n=i.n, total=i.total) if i.kind == "surveillance" else tr("register.due.renewal"),
         i.record.audit_id, i.record.organisation, _decision(i.record.final_status, i.record.final_level),
         tr("register.due.until", date=i.record.valid_until)]
        for i in items
    ]
    for line in _table(rows):
        out(line)
    return 0


def cmd_export(args: argparse.Namespace, plugins: object, out: Output) -> int:
    check_output(args.csv, reads=(register_path(args.register),), force=args.force)
    with open_register(register_path(args.register), create=False) as conn:
        text = export_csv(conn)
        count = len(all_records(conn))
    write_atomic(args.csv, text, overwrite=args.force)
    out(tr("register.export.written", count=count, path=args.csv))
    return 0


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """`labelaudit register add|list|show|due|export`; the common options go after the action."""

    def h(key: str) -> str:
        return tr(f"register.help.{key}", lang=lang)

    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--register", type=Path, metavar="DB", help=h("db"))
    parents = [common, db]
    top = commands.add_parser("register", help=h("register"), description=h("register"))
    actions = top.add_subparsers(dest="register_action", required=True, metavar="ACTION")

    add = actions.add_parser("add", parents=parents, help=h("add"), description=h("add"))
    add.add_argument("record", type=Path, metavar="RECORD")
    add.set_defaults(handler=cmd_add)

    listing = actions.add_parser("list", parents=parents, help=h("list"), description=h("list"))
    listing.add_argument("--organisation", metavar="TEXT", help=h("organisation"))
    listing.add_argument("--level", metavar="LEVEL", help=h("level"))
    listing.add_argument("--status", choices=["granted", "refused", "deferred", "pending"], help=h("status"))
    listing.add_argument("--valid-on", type=options.date, metavar="YYYY-MM-DD", help=h("valid_on"))
    listing.set_defaults(handler=cmd_list)

    show = actions.add_parser("show", parents=parents, help=h("show"), description=h("show"))
    show.add_argument("audit_id", metavar="AUDIT_ID")
    show.set_defaults(handler=cmd_show)

    due_parser = actions.add_parser("due", parents=parents, help=h("due"), description=h("due"))
    due_parser.add_argument("--before", type=options.date, metavar="YYYY-MM-DD", help=h("before"))
    due_parser.set_defaults(handler=cmd_due)

    export = actions.add_parser("export", parents=parents, help=h("export"), description=h("export"))
    export.add_argument("--csv", type=Path, required=True, metavar="OUT", help=h("csv"))
    export.add_argument("--force", action="store_true", help=h("force"))
    export.set_defaults(handler=cmd_export)


# --- messages ----------------------------------------------------------------------------------

catalog(
    {
        "register.missing": {
            "fr": "registre introuvable (le créer avec « labelaudit register add »)",
            "en": "no register here (create one with 'labelaudit register add')",
        },
        "register.unreadable": {
            "fr": "registre illisible : {detail}",
            "en": "cannot read the register: {detail}",
        },
        "register.too_new": {
            "fr": "registre créé par une version plus récente de labelaudit (schéma {found}, cette version "
            "connaît jusqu'au schéma {known}) : rien n'a été lu ni écrit",
            "en": "register made by a newer labelaudit (schema {found}, this version knows up to {known}): "
            "nothing was read or written",
        },
        "register.record_moving": {
            "fr": "l'enregistrement a changé pendant sa lecture : recommencer",
            "en": "the record changed while it was being read: try again",
        },
        "register.chain.broken": {
            "fr": "la chaîne des revues de {record} est rompue : rien n'a été enregistré",
            "en": "the reviews chain of {record} is broken: nothing was registered",
        },
        "register.chain.missing": {
            "fr": "le registre détient l'entrée n° {seq} ({hash}), absente du fichier : le fichier a été tronqué",
            "en": "the register holds entry {seq} ({hash}), which the file lacks: the file was cut short",
        },
        "register.chain.differs": {
            "fr": "le registre détient une autre entrée n° {seq} ({hash}) : le fichier a été réécrit",
            "en": "the register holds a different entry {seq} ({hash}): the file was rewritten",
        },
        "register.added": {
            "fr": "Enregistré dans {path} : {audit} ({digest}), {count} revue(s)",
            "en": "Registered in {path}: {audit} ({digest}), {count} review(s)",
        },
        "register.already": {
            "fr": "Déjà dans {path} : {audit} ({digest}), {count} nouvelle(s) revue(s)",
            "en": "Already in {path}: {audit} ({digest}), {count} new review(s)",
        },
        "register.status.granted": {"fr": "accordé", "en": "granted"},
        "register.status.refused": {"fr": "refusé", "en": "refused"},
        "register.status.deferred": {"fr": "ajourné", "en": "deferred"},
        "register.status.pending": {"fr": "en attente", "en": "pending"},
        "register.list.none": {"fr": "Aucun enregistrement ne correspond.", "en": "No record matches."},
        "register.list.audit": {"fr": "AUDIT", "en": "AUDIT"},
        "register.list.organisation": {"fr": "ORGANISME", "en": "ORGANISATION"},
        "register.list.kind": {"fr": "TYPE", "en": "KIND"},
        "register.list.decided": {"fr": "DÉCISION", "en": "DECIDED"},
        "register.list.proposal": {"fr": "PROPOSITION", "en": "PROPOSAL"},
        "register.list.final": {"fr": "DÉCISION DU COMITÉ", "en": "COMMITTEE DECISION"},
        "register.list.until": {"fr": "VALIDE JUSQU'AU", "en": "VALID UNTIL"},
        "register.show.unknown": {
            "fr": "aucun enregistrement pour l'audit {audit!r}",
            "en": "no record of audit {audit!r}",
        },
        "register.show.scope": {"fr": "Périmètre : {scope}", "en": "Scope: {scope}"},
        "register.show.record": {"fr": "Enregistrement : {digest} ({path})", "en": "Record: {digest} ({path})"},
        "register.show.scheme": {
            "fr": "Schéma {scheme} {version}, audit {kind}, décision du {date}",
            "en": "Scheme {scheme} {version}, {kind} audit, decided on {date}",
        },
        "register.show.proposal": {
            "fr": "Proposition : {decision} ({points} points)",
            "en": "Proposal: {decision} ({points} points)",
        },
        "register.show.reviews": {"fr": "Revues du comité : {count}", "en": "Committee reviews: {count}"},
        "register.show.pending": {
            "fr": "Décision du comité : en attente",
            "en": "Committee decision: pending",
        },
        "register.show.final": {
            "fr": "Décision du comité (la dernière revue l'emporte) : {decision} ({member}, {date})",
            "en": "Committee decision (the latest review wins): {decision} ({member}, {date})",
        },
        "register.show.validity": {
            "fr": "Valide du {start} au {end} exclu ({years} ans ; surveillance tous les {months} mois) :",
            "en": "Valid from {start} until {end}, exclusive ({years} years; surveillance every {months} months):",
        },
        "register.due.surveillance": {"fr": "audit de surveillance n° {n}", "en": "surveillance audit {n}"},
        "register.due.surveillance_of": {
            "fr": "surveillance {n}/{total}",
            "en": "surveillance {n}/{total}",
        },
        "register.due.renewal": {"fr": "renouvellement", "en": "renewal"},
        "register.due.until": {"fr": "valide jusqu'au {date}", "en": "valid until {date}"},
        "register.due.none": {
            "fr": "Rien n'est dû au plus tard le {date}.",
            "en": "Nothing is due on or before {date}.",
        },
        "register.export.written": {
            "fr": "{count} enregistrement(s) exporté(s) : {path}",
            "en": "{count} record(s) exported: {path}",
        },
        "register.help.register": {
            "fr": "le registre des labels : enregistrements, revues, décisions, validité, surveillances",
            "en": "the label register: records, reviews, decisions, validity, surveillance audits",
        },
        "register.help.db": {
            "fr": "fichier du registre (sinon LABELAUDIT_REGISTER, sinon labelaudit-register.sqlite)",
            "en": "the register file (default: LABELAUDIT_REGISTER, else labelaudit-register.sqlite)",
        },
        "register.help.add": {
            "fr": "ajouter un enregistrement et ses revues (sans doublon)",
            "en": "add a record and its reviews (idempotent)",
        },
        "register.help.list": {"fr": "lister les enregistrements", "en": "list the records"},
        "register.help.organisation": {
            "fr": "organisme dont le nom contient ce texte",
            "en": "organisation whose name contains this text",
        },
        "register.help.level": {"fr": "niveau décidé par le comité", "en": "level decided by the committee"},
        "register.help.status": {"fr": "décision du comité", "en": "the committee's decision"},
        "register.help.valid_on": {"fr": "labels valides à cette date", "en": "labels valid on this date"},
        "register.help.show": {"fr": "détailler un audit", "en": "show one audit in full"},
        "register.help.due": {
            "fr": "audits de surveillance et renouvellements dus",
            "en": "surveillance audits and renewals due",
        },
        "register.help.before": {
            "fr": "dus au plus tard à cette date (par défaut : aujourd'hui)",
            "en": "due on or before this date (default: today)",
        },
        "register.help.export": {"fr": "exporter le registre en CSV", "en": "export the register as CSV"},
        "register.help.csv": {"fr": "fichier CSV à écrire", "en": "the CSV file to write"},
        "register.help.force": {"fr": "remplacer un fichier existant", "en": "replace an existing file"},
    }
)
