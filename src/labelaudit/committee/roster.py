"""The committee roster: who may open, vote on and close a session, with which keys, when.

A roster entry is identified by its id (ASCII: `hdupont`, `chair-2026`), never by a name; its
`roles` are chair, member and auditor. A chair or member has Ed25519 public keys (key ids, as
in TUF's roles); an auditor entry may have none: it exists so that independence compares ids.
Entries and keys are valid from `since` until `retired_on` (exclusive), so that a chain is read
against the roster *as it stood on each entry's date*. The name shown to people is kept as
written; its two look-alike keys (`names.name_keys`, from the TR39 skeleton) are unique in the
roster, so two entries that look alike are refused.

The roster lives in the label register (tables `roster` and `roster_keys`, schema v3); only
public keys are stored. Retiring is the only change: nothing is deleted, and a retirement is
refused when it would invalidate an entry the register has already seen.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Literal

from attrs import frozen
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from labelaudit.committee.names import name_keys
from labelaudit.committee.signing import key_id, public_from_text, public_text
from labelaudit.errors import InputError
from labelaudit.i18n import tr

Role = Literal["chair", "member", "auditor"]
ROLES: tuple[Role, ...] = ("chair", "member", "auditor")
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def _in_force(since: dt.date, retired_on: dt.date | None, day: dt.date) -> bool:
    return since <= day and (retired_on is None or day < retired_on)


@frozen
class Key:
    key_id: str
    public: Ed25519PublicKey
    since: dt.date
    retired_on: dt.date | None

    def in_force(self, day: dt.date) -> bool:
        return _in_force(self.since, self.retired_on, day)


@frozen
class Member:
    id: str
    name: str
    folded: tuple[str, str]  # names.name_keys: the name's two look-alike keys
    roles: tuple[Role, ...]
    since: dt.date
    retired_on: dt.date | None
    keys: tuple[Key, ...] = ()

    def in_force(self, day: dt.date) -> bool:
        return _in_force(self.since, self.retired_on, day)

    def key(self, wanted: str) -> Key | None:
        return next((k for k in self.keys if k.key_id == wanted), None)


@frozen
class Roster:
    """The roster read from the register: every entry ever registered, retired ones included."""

    members: tuple[Member, ...]

    def get(self, member_id: str) -> Member | None:
        return next((m for m in self.members if m.id == member_id), None)

    def resolve(self, text: str) -> Member | None:
        """An auditor named in audit.toml: by roster id, else by folded name."""
        found = self.get(text)
        if found is not None:
            return found
        keys = set(name_keys(text))
        return next((m for m in self.members if keys & set(m.folded)), None)


# --- reading -----------------------------------------------------------------------------------


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def load_roster(conn: sqlite3.Connection) -> Roster:
    keys: dict[str, list[Key]] = {}
    for kid, member_id, public, since, retired in conn.execute(
        "SELECT key_id, member_id, public_key, since, retired_on FROM roster_keys ORDER BY since, key_id"
    ):
        keys.setdefault(member_id, []).append(Key(kid, public_from_text(public), dt.date.fromisoformat(since), _day(retired)))
    members = [
        Member(mid, name, (folded, shape), tuple(roles.split(",")), dt.date.fromisoformat(since),  # type: ignore[arg-type]
               _day(retired), tuple(keys.get(mid, ())))
        for mid, name, folded, shape, roles, since, retired in conn.execute(
            "SELECT id, name, folded, shape, roles, since, retired_on FROM roster ORDER BY id"
        )
    ]
    return Roster(tuple(members))


# --- changing ----------------------------------------------------------------------------------


def check_id(member_id: str) -> str:
    if not ID_PATTERN.fullmatch(member_id):
        raise InputError.at("ID", "", tr("committee.roster.bad_id", id=member_id))
    return member_id


def check_roles(roles: Iterable[str]) -> tuple[Role, ...]:
    chosen = sorted(set(roles), key=ROLES.index)  # type: ignore[arg-type]
    if not chosen:
        raise InputError.at("--role", "", tr("committee.roster.no_role"))
    return tuple(chosen)  # type: ignore[arg-type]


def add_member(
    conn: sqlite3.Connection,
    member_id: str,
    *,
    name: str,
    roles: Sequence[str],
    since: dt.date,
    public: Ed25519PublicKey | None,
) -> Member:
    """A new roster entry (with its key), refused when its id exists or its name looks like another's.

    The caller holds the register's write transaction.
    """
    check_id(member_id)
    shown = " ".join(name.split())
    folded = name_keys(shown)
    if not folded[0]:
        raise InputError.at("--name", "", tr("committee.roster.empty_name"))
    chosen = check_roles(roles)
    needs_key = any(r in ("chair", "member") for r in chosen)
    if needs_key and public is None:
        raise InputError.at("--public-key", "", tr("committee.roster.key_needed", id=member_id))
    existing = load_roster(conn)
    if existing.get(member_id) is not None:
        raise InputError.at("ID", "", tr("committee.roster.exists", id=member_id))
    twin = next((m for m in existing.members if set(m.folded) & set(folded)), None)
    if twin is not None:
        raise InputError.at("--name", "", tr("committee.roster.lookalike", name=shown, other=twin.name, id=twin.id))
    conn.execute(
        "INSERT INTO roster (id, name, folded, shape, roles, since, retired_on) VALUES (?, ?, ?, ?, ?, ?, NULL)",
        (member_id, shown, *folded, ",".join(chosen), since.isoformat()),
    )
    keys: tuple[Key, ...] = ()
    if public is not None:
        kid = key_id(public)
        if conn.execute("SELECT 1 FROM roster_keys WHERE key_id = ?", (kid,)).fetchone():
            raise InputError.at("--public-key", "", tr("committee.roster.key_taken", key=kid))
        conn.execute(
            "INSERT INTO roster_keys (key_id, member_id, public_key, since, retired_on) VALUES (?, ?, ?, ?, NULL)",
            (kid, member_id, public_text(public), since.isoformat()),
        )
        keys = (Key(kid, public, since, None),)
    return Member(member_id, shown, folded, chosen, since, None, keys)


def retire(conn: sqlite3.Connection, member_id: str, *, on: dt.date, key: str | None = None) -> list[str]:
    """Retire a member (and their keys) or one key, from `on`; the key ids retired.

    Refused when the register has seen an entry signed by them on or after `on` (a retirement
    must not turn an accepted decision into a forgery), or when already retired.
    """
    member = load_roster(conn).get(member_id)
    if member is None:
        raise InputError.at("ID", "", tr("committee.roster.unknown", id=member_id))
    keys = [k for k in member.keys if key is None or k.key_id == key]
    if key is not None and not keys:
        raise InputError.at("--key", "", tr("committee.roster.unknown_key", id=member_id, key=key))
    if (member.retired_on if key is None else keys[0].retired_on) is not None:
        raise InputError.at("ID", "", tr("committee.roster.already_retired", id=member_id))
    since = member.since if key is None else keys[0].since
    if on < since:
        raise InputError.at("--on", "", tr("committee.roster.retire_early", date=on, since=since))
    marks = ",".join("?" for _ in keys) or "''"
    later = conn.execute(
        f"SELECT record_digest, seq, date FROM reviews WHERE member = ? AND date >= ? AND key_id IN ({marks}) LIMIT 1",
        (member_id, on.isoformat(), *(k.key_id for k in keys)),
    ).fetchone()
    if later is not None:
        raise InputError.at("--on", "", tr("committee.roster.retire_used", id=member_id, seq=later[1], date=later[2]))
    if key is None:
        conn.execute("UPDATE roster SET retired_on = ? WHERE id = ?", (on.isoformat(), member_id))
    for k in keys:
        if k.retired_on is None:
            conn.execute("UPDATE roster_keys SET retired_on = ? WHERE key_id = ?", (on.isoformat(), k.key_id))
    return [k.key_id for k in keys if k.retired_on is None]
