"""The desk's own tables in the register's file: accounts, web sessions, sign-in failures, the
audit folder of each dossier, the agenda.

They are created by the desk (`ensure_tables`, idempotent: `CREATE TABLE IF NOT EXISTS`), all
prefixed `desk_`, and are not part of the register's versioned schema (`PRAGMA user_version`
is left alone): the register's commands never read them. The SQL is kept portable to
PostgreSQL: TEXT and BIGINT columns only, times as Unix seconds, keys and ciphertexts in
base64 text, no AUTOINCREMENT, no SQLite-only functions; the one difference is the parameter
mark (`?` here, `%s` for psycopg).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Sequence
from typing import Literal

from attrs import frozen

from labelaudit.committee.schema import transaction
from labelaudit.desk.keys import SealedKey

DeskRole = Literal["chair", "member", "manager", "auditor"]
DESK_ROLES: tuple[DeskRole, ...] = ("chair", "member", "manager", "auditor")
SIGNERS: tuple[DeskRole, ...] = ("chair", "member")  # the roles that sign entries of the chain

TABLES = (
    """CREATE TABLE IF NOT EXISTS desk_accounts (
        id TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        key_id TEXT,
        key_salt TEXT,
        key_nonce TEXT,
        key_sealed TEXT,
        created_at BIGINT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS desk_sessions (
        token_hash TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES desk_accounts (id),
        csrf TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS desk_signin_failures (
        account_id TEXT NOT NULL,
        client TEXT NOT NULL,
        at BIGINT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS desk_signin_failures_account ON desk_signin_failures (account_id, at)",
    "CREATE INDEX IF NOT EXISTS desk_signin_failures_client ON desk_signin_failures (client, at)",
    """CREATE TABLE IF NOT EXISTS desk_audits (
        record_digest TEXT PRIMARY KEY,
        audit_dir TEXT NOT NULL,
        registered_by TEXT NOT NULL,
        registered_at BIGINT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS desk_agenda (
        record_digest TEXT PRIMARY KEY,
        requested_by TEXT NOT NULL,
        requested_at BIGINT NOT NULL
    )""",
)


def ensure_tables(conn: sqlite3.Connection) -> None:
    with transaction(conn):
        for statement in TABLES:
            conn.execute(statement)


# --- accounts ----------------------------------------------------------------------------------


@frozen
class Account:
    id: str
    role: DeskRole
    password_hash: str
    sealed: SealedKey | None

    @property
    def signs(self) -> bool:
        return self.role in SIGNERS


def add_account(conn: sqlite3.Connection, account: Account, now: int) -> None:
    """Insert one account; the caller holds the write transaction and checked the id is free."""
    s = account.sealed
    conn.execute(
        "INSERT INTO desk_accounts (id, role, password_hash, key_id, key_salt, key_nonce, key_sealed, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (account.id, account.role, account.password_hash, s and s.key_id, s and s.salt, s and s.nonce,
         s and s.ciphertext, now),
    )


def _account(row: Sequence[str | None]) -> Account:
    account_id, role, password_hash, kid, salt, nonce, sealed = row
    key = SealedKey(kid, salt, nonce, sealed) if kid and salt and nonce and sealed else None
    return Account(str(account_id), role, str(password_hash), key)  # type: ignore[arg-type]


_ACCOUNT = "SELECT id, role, password_hash, key_id, key_salt, key_nonce, key_sealed FROM desk_accounts"


def get_account(conn: sqlite3.Connection, account_id: str) -> Account | None:
    row = conn.execute(_ACCOUNT + " WHERE id = ?", (account_id,)).fetchone()
    return _account(row) if row else None


def all_accounts(conn: sqlite3.Connection) -> list[Account]:
    return [_account(row) for row in conn.execute(_ACCOUNT + " ORDER BY id")]


# --- web sessions ------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """Only the hash of a session cookie is stored: a copy of the database signs nobody in."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def start_session(conn: sqlite3.Connection, account_id: str, now: int, ttl: int) -> tuple[str, str]:
    """A new session: (the cookie's token, its CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with transaction(conn):
        conn.execute("DELETE FROM desk_sessions WHERE expires_at <= ?", (now,))
        conn.execute("INSERT INTO desk_sessions (token_hash, account_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                     (token_hash(token), account_id, csrf, now, now + ttl))
    return token, csrf


def find_session(conn: sqlite3.Connection, token: str, now: int) -> tuple[Account, str] | None:
    """The signed-in account and the session's CSRF token; None when unknown or expired."""
    row = conn.execute("SELECT account_id, csrf FROM desk_sessions WHERE token_hash = ? AND expires_at > ?",
                       (token_hash(token), now)).fetchone()
    if row is None:
        return None
    account = get_account(conn, row[0])
    return (account, row[1]) if account is not None else None


def end_session(conn: sqlite3.Connection, token: str) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM desk_sessions WHERE token_hash = ?", (token_hash(token),))


# --- sign-in failures (the rate limit) ---------------------------------------------------------


def failures(conn: sqlite3.Connection, account_id: str, client: str, since: int) -> tuple[int, int]:
    """Failed sign-ins since `since`: (for this account, from this client)."""
    (by_account,) = conn.execute("SELECT COUNT(*) FROM desk_signin_failures WHERE account_id = ? AND at >= ?",
                                 (account_id, since)).fetchone()
    (by_client,) = conn.execute("SELECT COUNT(*) FROM desk_signin_failures WHERE client = ? AND at >= ?",
                                (client, since)).fetchone()
    return int(by_account), int(by_client)


def record_failure(conn: sqlite3.Connection, account_id: str, client: str, now: int) -> None:
    with transaction(conn):
        conn.execute("INSERT INTO desk_signin_failures (account_id, client, at) VALUES (?, ?, ?)", (account_id, client, now))


def clear_failures(conn: sqlite3.Connection, account_id: str) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM desk_signin_failures WHERE account_id = ?", (account_id,))


# --- dossiers: audit folders and the agenda ----------------------------------------------------


def set_audit_dir(conn: sqlite3.Connection, record_digest: str, folder: str, by: str, now: int) -> None:
    conn.execute(
        "INSERT INTO desk_audits (record_digest, audit_dir, registered_by, registered_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (record_digest) DO UPDATE SET audit_dir = excluded.audit_dir,"
        " registered_by = excluded.registered_by, registered_at = excluded.registered_at",
        (record_digest, folder, by, now),
    )


def audit_dir(conn: sqlite3.Connection, record_digest: str) -> str | None:
    row = conn.execute("SELECT audit_dir FROM desk_audits WHERE record_digest = ?", (record_digest,)).fetchone()
    return row[0] if row else None


def put_on_agenda(conn: sqlite3.Connection, record_digest: str, by: str, now: int) -> None:
    with transaction(conn):
        conn.execute("INSERT INTO desk_agenda (record_digest, requested_by, requested_at) VALUES (?, ?, ?)"
                     " ON CONFLICT (record_digest) DO NOTHING", (record_digest, by, now))


def agenda(conn: sqlite3.Connection) -> dict[str, str]:
    """record digest → who put it on the agenda."""
    return dict(conn.execute("SELECT record_digest, requested_by FROM desk_agenda"))
