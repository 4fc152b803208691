"""A label committee for the tests: a register with a roster and keys, sessions on golden records,
and a forger that appends hand-made (signed or not) lines, as an attacker with write access to
the sidecar would."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from labelaudit.committee.chain import Entry, Rule, read_sidecar, sha256_text, sidecar_path
from labelaudit.committee.register import Chain, open_register, read_chain
from labelaudit.committee.roster import add_member
from labelaudit.committee.schema import transaction
from labelaudit.committee.signing import key_id, write_private_key
from labelaudit.committee.writer import _signed, cast_vote, close_session, open_session

GOLDEN = Path(__file__).resolve().parent / "golden"
DAY = dt.date(2026, 11, 21)  # the demo record was decided on 2026-11-20
TODAY = dt.date(2026, 12, 1)
SINCE = dt.date(2026, 1, 1)
# The standing committee: a chair who also votes, three members; the demo's auditors (Claire
# Dubois, Marc Lefèvre) are on the roster as auditors without keys.
ROSTER: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("pmartin", "Pierre Martin", ("chair", "member")),
    ("hvasseur", "Hélène Vasseur", ("member",)),
    ("proux", "Paul Roux", ("member",)),
    ("jmartin", "Jeanne Martin", ("member",)),
)
AUDITORS = (("cdubois", "Claire Dubois"), ("mlefevre", "Marc Lefèvre"))


def copy(tmp_path: Path, name: str = "demo") -> Path:
    path = tmp_path / f"{name}.json"
    shutil.copyfile(GOLDEN / f"{name}.json", path)
    return path


class Desk:
    """The committee's desk in a test: register, roster, private keys, the three acts."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db = folder / "register.sqlite"
        self.keys: dict[str, Ed25519PrivateKey] = {}
        self.enrolled: list[tuple[str, str, tuple[str, ...], dt.date]] = []

    def enrol(self, member_id: str, name: str, roles: tuple[str, ...] = ("member",), *, since: dt.date = SINCE,
              key: bool = True) -> Ed25519PrivateKey | None:
        private = Ed25519PrivateKey.generate() if key else None
        with open_register(self.db) as conn, transaction(conn):
            add_member(conn, member_id, name=name, roles=roles, since=since,
                       public=private.public_key() if private else None)
        if private is not None:
            self.keys[member_id] = private
        self.enrolled.append((member_id, name, roles, since))
        return private

    def replica(self, db: Path) -> Path:
        """Another register with the same roster and keys, but none of the entries."""
        with open_register(db) as conn, transaction(conn):
            for member_id, name, roles, since in self.enrolled:
                key = self.keys.get(member_id)
                add_member(conn, member_id, name=name, roles=roles, since=since, public=key.public_key() if key else None)
        return db

    def standing(self) -> Desk:
        for member_id, name, roles in ROSTER:
            self.enrol(member_id, name, roles)
        for member_id, name in AUDITORS:
            self.enrol(member_id, name, ("auditor",), key=False)
        return self

    def key_file(self, member_id: str) -> Path:
        path = self.folder / f"{member_id}.key"
        if not path.exists():
            write_private_key(path, self.keys[member_id])
        return path

    def open(self, record: Path, chair: str = "pmartin", on: dt.date = DAY, **options: Any) -> Entry:
        options.setdefault("today", TODAY)
        return open_session(record, chair=chair, key=self.keys[chair], on=on, register=self.db, **options)

    def vote(self, record: Path, member: str, verdict: str = "confirm", on: dt.date = DAY, **options: Any) -> Entry:
        options.setdefault("today", TODAY)
        key = options.pop("key", None) or self.keys[member]
        return cast_vote(record, member=member, key=key, verdict=verdict, on=on, register=self.db,  # type: ignore[arg-type]
                         **options)

    def close(self, record: Path, chair: str = "pmartin", on: dt.date = DAY, **options: Any) -> Entry:
        options.setdefault("today", TODAY)
        return close_session(record, chair=chair, key=self.keys[chair], on=on, register=self.db, **options)

    def decide(self, record: Path, on: dt.date = DAY, voters: tuple[str, ...] = ("hvasseur", "proux", "jmartin")) -> Entry:
        """A whole session: opened, confirmed by three members, closed."""
        today = max(TODAY, on)
        self.open(record, on=on, today=today)
        for member in voters:
            self.vote(record, member, on=on, today=today)
        return self.close(record, on=on, today=today)

    def read(self, record: Path, today: dt.date = TODAY, *, register: bool = True) -> Chain:
        return read_chain(record, register=self.db if register else None, today=today)

    def rules(self, record: Path, **options: Any) -> list[tuple[int, str]]:
        """(line, rule) of every problem, the rule without its namespace."""
        return [(p.line, p.code.rsplit(".", 1)[-1]) for p in self.read(record, **options).problems]

    # -- the forger --

    def forge(self, record: Path, key: Ed25519PrivateKey | None, /, **fields: Any) -> str:
        """Append a line linked to the last one, signed with `key` (None: a made-up signature),
        bypassing every check of the writer; returns the line."""
        content = read_sidecar(sidecar_path(record)) or b""
        lines = content.decode("utf-8").splitlines()
        import json

        last = json.loads(lines[-1]) if lines else None
        seq = last["seq"] + 1 if last else 1
        from labelaudit.committee.chain import load_record_digest

        _, record_digest = load_record_digest(record)
        base: dict[str, Any] = {
            "seq": seq, "record_digest": record_digest, "previous": sha256_text(lines[-1]) if lines else None,
            "kind": "vote", "session": 1, "member": "hvasseur", "key": "", "date": DAY,
        }
        base.update(fields)
        signer = key if key is not None else Ed25519PrivateKey.generate()
        if not base["key"]:
            base["key"] = key_id(signer.public_key())
        entry = _signed(base, signer)
        line = entry.line()
        if key is None:  # an unsigned forgery: a signature of the right shape, by nobody
            data = entry.data()
            data["signature"] = "A" * 86 + "=="
            from labelaudit.committee.chain import canonical, entry_hash

            data["hash"] = entry_hash(data)
            line = canonical(data)
        with sidecar_path(record).open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        return line


RULE_OF_STANDING = Rule()


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    return Desk(tmp_path).standing()


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The demo record (auditors Claire Dubois and Marc Lefèvre), granted at level confirme."""
    return copy(tmp_path, "demo")
