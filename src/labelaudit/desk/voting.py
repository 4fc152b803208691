"""The three acts from the desk: open, vote, close, written by `committee.writer` into the same
signed chain as `labelaudit review`, signed with the key the member unlocked at sign-in.

Waiting is bounded: before writing, the desk waits up to `wait` seconds for the record's chain
lock (another writer, a `labelaudit review` in a terminal, holds it while it appends), then
hands over to the writer, whose register transaction waits up to SQLite's busy timeout. When
either wait runs out the act is not written and the page says the register is busy, with the
form as it was typed: a vote is acknowledged only once its line is on disk (fsync) and in the
register, so nothing acknowledged is ever lost and nothing is written twice (the chain refuses
a second vote by the same member in a session).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from labelaudit.committee.chain import Entry
from labelaudit.committee.writer import cast_vote, close_session, open_session
from labelaudit.errors import InputError

DEFAULT_WAIT = 20.0  # seconds; LABELAUDIT_DESK_WAIT changes it


class Busy(Exception):
    """Another writer held the register or the chain for longer than the desk waits."""


def wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("LABELAUDIT_DESK_WAIT", DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def wait_for_chain(record: Path, wait: float, *, exclusive: bool = True) -> None:
    """Return once the chain's lock is free (to write, or to read when not `exclusive`), or
    raise Busy after `wait` seconds. The probe's lock is released at once: the writer or the
    reader then takes its own, and waits at most for an act already under way."""
    deadline = time.monotonic() + wait
    try:
        fd = os.open(record, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return  # a missing record file is the reader's to report
    try:
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy() from None
                time.sleep(0.05)
    finally:
        os.close(fd)  # releases the probe's lock


def act(kind: str, record: Path, *, signer: str, key: Ed25519PrivateKey, register: Path, today: dt.date,
        wait: float, **fields: Any) -> Entry:
    """One signed entry (`open`, `vote` or `close`) dated today; raises InputError (refused by a
    rule, nothing written) or Busy (nothing written)."""
    wait_for_chain(record, wait)
    common: dict[str, Any] = {"key": key, "on": today, "register": register, "today": today}
    try:
        if kind == "open":
            return open_session(record, chair=signer, rationale=fields.get("rationale"), **common)
        if kind == "close":
            return close_session(record, chair=signer, rationale=fields.get("rationale"), **common)
        return cast_vote(record, member=signer, verdict=fields["verdict"], level=fields.get("level"),
                         refuse=fields.get("refuse", False), rationale=fields.get("rationale"), **common)
    except InputError as exc:  # the register's busy timeout ran out (`open_register` says so)
        if "database is locked" in str(exc):
            raise Busy() from None
        raise
