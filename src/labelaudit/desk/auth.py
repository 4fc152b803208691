"""Who is signed in, and what they may do: sign-in with its rate limit, web sessions, CSRF
tokens, roles, the members' unlocked keys, the reader's language.

A session is a random token in an HttpOnly, SameSite=Strict cookie; the register holds only its
sha256 (`store.desk_sessions`) with the session's CSRF token, which every form posts back and
the server compares in constant time. The sign-in form, before any session, uses a
double-submitted token (a cookie and the same value in the form). A signing member's key,
unsealed with their password at sign-in, is kept in this process's memory for their session
only (`Desk.keys`), never written anywhere: after a restart, or at sign-out, it is gone and
the member signs in again to vote.

Every page and action calls `require` with the roles it allows: the role is always checked here,
on the server, whatever the page showed.
"""

from __future__ import annotations

import hmac
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from attrs import define, field, frozen
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.exceptions import HTTPException
from starlette.requests import Request

from labelaudit.committee.register import open_register
from labelaudit.committee.roster import Roster, load_roster
from labelaudit.desk import store
from labelaudit.desk.dossiers import Evidence
from labelaudit.desk.keys import password_matches, unseal
from labelaudit.desk.store import Account, DeskRole
from labelaudit.model import Lang
from labelaudit.plugins import Plugins

SESSION_COOKIE, PRESESSION_COOKIE, LANG_COOKIE = "desk_session", "desk_presession", "desk_lang"
SESSION_SECONDS = 8 * 3600  # one working day
WINDOW_SECONDS = 15 * 60
MAX_ACCOUNT_FAILURES, MAX_CLIENT_FAILURES = 5, 20
ARGON2_AT_ONCE = 2  # each Argon2id computation takes 64 MiB: a burst of sign-ins queues here


@define
class Desk:
    """The running desk: its register, plugins, the unlocked keys, the evidence cache."""

    register: Path
    plugins: Plugins
    keys: dict[str, Ed25519PrivateKey] = field(factory=dict)
    argon2: threading.Semaphore = field(factory=lambda: threading.Semaphore(ARGON2_AT_ONCE))
    evidence: Evidence = field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.evidence is None:
            self.evidence = Evidence(self.plugins)

    @contextmanager
    def db(self) -> Iterator[sqlite3.Connection]:
        with open_register(self.register, create=False) as conn:
            yield conn


@frozen
class Who:
    """The signed-in account, its session's CSRF token and cookie token."""

    account: Account
    csrf: str
    token: str

    @property
    def role(self) -> DeskRole:
        return self.account.role


def now() -> int:
    return int(time.time())


# --- the language ------------------------------------------------------------------------------


def lang_of(request: Request) -> Lang:
    """?lang=, else the reader's cookie, else the browser's Accept-Language, else French."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in ("fr", "en"):
            return value  # type: ignore[return-value]
    ranked = []
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        primary = tag.split("-")[0].lower()
        if primary in ("fr", "en"):
            ranked.append((weight, primary))
    return max(ranked, key=lambda item: item[0])[1] if ranked else "fr"  # type: ignore[return-value]


# --- sessions ----------------------------------------------------------------------------------


def current(desk: Desk, request: Request) -> Who | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 100:
        return None
    with desk.db() as conn:
        found = store.find_session(conn, token, now())
    return Who(found[0], found[1], token) if found else None


def require(desk: Desk, request: Request, *roles: DeskRole) -> Who:
    """The signed-in account when its role is one of `roles`; else 303 to the sign-in page
    (nobody signed in) or 403 (signed in, not allowed)."""
    who = current(desk, request)
    if who is None:
        raise HTTPException(303, headers={"Location": "/signin"})
    if who.role not in roles:
        raise HTTPException(403, detail="desk.refused.role")
    return who


def check_csrf(who: Who | None, request: Request, sent: object) -> None:
    """The form's token must be the session's (or, before a session, the sign-in cookie's)."""
    expected = who.csrf if who is not None else request.cookies.get(PRESESSION_COOKIE, "")
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(403, detail="desk.refused.csrf")


def presession_token() -> str:
    return secrets.token_urlsafe(32)


def signing_key(desk: Desk, who: Who) -> Ed25519PrivateKey | None:
    return desk.keys.get(store.token_hash(who.token))


# --- sign-in -----------------------------------------------------------------------------------


def in_force(roster: Roster, account: Account, today_iso: str) -> bool:
    """A chair, member or auditor account is their roster entry's, which must be in force and
    hold the role (a manager is the certification body's staff: not on the committee's roster)."""
    if account.role == "manager":
        return True
    import datetime as dt

    member = roster.get(account.id)
    if member is None or not member.in_force(dt.date.fromisoformat(today_iso)):
        return False
    wanted = {"chair": ("chair",), "member": ("member", "chair"), "auditor": ("auditor", "member", "chair")}[account.role]
    return any(r in member.roles for r in wanted)


def sign_in(desk: Desk, account_id: str, password: str, client: str, today_iso: str) -> tuple[str, str] | str:
    """(session token, CSRF token), or the key of the message that says why not: `throttled`
    (too many failures lately; the password is not even checked) or `wrong` (one message for an
    unknown account, a wrong password, a retired member: nothing tells which)."""
    moment = now()
    with desk.db() as conn:
        by_account, by_client = store.failures(conn, account_id, client, moment - WINDOW_SECONDS)
        if by_account >= MAX_ACCOUNT_FAILURES or by_client >= MAX_CLIENT_FAILURES:
            return "throttled"
        account = store.get_account(conn, account_id)
        roster = load_roster(conn)
    key = None
    with desk.argon2:
        ok = account is not None and password_matches(account.password_hash, password)
        if ok and account is not None and account.signs:
            key = unseal(account.id, account.sealed, password) if account.sealed else None
            ok = key is not None
    with desk.db() as conn:
        if not ok or account is None or not in_force(roster, account, today_iso):
            store.record_failure(conn, account_id, client, moment)
            return "wrong"
        store.clear_failures(conn, account_id)
        token, csrf = store.start_session(conn, account.id, moment, SESSION_SECONDS)
    if key is not None:
        desk.keys[store.token_hash(token)] = key
    return token, csrf


def sign_out(desk: Desk, who: Who) -> None:
    desk.keys.pop(store.token_hash(who.token), None)
    with desk.db() as conn:
        store.end_session(conn, who.token)
