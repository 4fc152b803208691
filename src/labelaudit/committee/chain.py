"""The committee's entries on a decision record: one canonical, signed, hash-chained line each.

labelaudit only *proposes* a decision; the independent label committee decides. Its acts on a
record are lines of the sidecar file `RECORD.reviews.jsonl`, next to the record: a session
opened by the chair, the members' votes, the chair's closing (see `sessions`). Every line is
one canonical JSON object (sorted keys, no spaces, UTF-8) with the same keys (`ENTRY_KEYS`):

- `v`: 2; `seq`: the line's number (1 for the first), so that a missing or moved line is named;
- `record_digest`: `sha256:` of the record file's bytes (the exact proposal judged);
- `previous`: `sha256:` of the previous line's canonical text (null for the first);
- `kind` (open, vote, close), `session` (the seq of the session's opening entry), `member`
  (a roster id) and `key` (the key id it signed with), `date` (an input);
- a vote's `verdict`, `status` and `level` (the decision it leads to), `rationale`;
- an opening's `supersedes` (the session it replaces, for an appeal or a new session);
- a closing's `votes` (the hash of every vote, in order), `count`, `rule` (quorum, majority,
  chair_breaks_tie), `reason` (majority, chair_casting, no_majority), and the result in
  `status` and `level`;
- `signature`: Ed25519 over the canonical JSON of every field but `hash` and `signature`;
- `hash`: `sha256:` of the canonical JSON of every field but `hash` (the signature included).

Lines written before signatures (the v1 format: `member` a free-text name, no `kind`) are read
as *legacy*: checked for their hash and links, shown, never a decision.

This module reads lines into entries and checks what one line and its neighbour can tell (JSON,
keys, canonical form, hash, number, link, record digest); `verifier` checks every other rule.
The file is never rewritten: an append holds the chain's lock (`flock`), and writes one line at
the end with a single write, then fsync.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, cast

from attrs import field, frozen

from labelaudit.errors import InputError, Problem
from labelaudit.files import SIDECAR_SUFFIX
from labelaudit.i18n import tr
from labelaudit.record import read_record
from labelaudit.tomlfiles import digest

Kind = Literal["open", "vote", "close"]
Verdict = Literal["confirm", "override", "defer"]
Status = Literal["granted", "refused", "deferred"]
Majority = Literal["simple", "two_thirds"]
KINDS: tuple[Kind, ...] = ("open", "vote", "close")
VERDICTS: tuple[Verdict, ...] = ("confirm", "override", "defer")
STATUSES: tuple[Status, ...] = ("granted", "refused", "deferred")
REASONS = ("majority", "chair_casting", "no_majority")
FORMAT = 2
ENTRY_KEYS = frozenset(
    {"v", "seq", "record_digest", "previous", "kind", "session", "member", "key", "date", "verdict", "status",
     "level", "rationale", "supersedes", "votes", "count", "rule", "reason", "signature", "hash"}
)
LEGACY_KEYS = frozenset(
    {"seq", "record_digest", "previous", "member", "verdict", "status", "level", "rationale", "date", "hash"}
)
MAX_LINE = 1 << 16  # an entry is a few hundred bytes; a longer line is not one
MAX_SIDECAR = 64 << 20  # 64 MiB: some hundred thousand entries; a larger file is not read (bounded memory)


# --- canonical text ----------------------------------------------------------------------------


def canonical(data: dict[str, Any]) -> str:
    """One line of canonical JSON: the same entry always gives the same bytes, hence the same hash."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def signed_bytes(data: dict[str, Any]) -> bytes:
    """What the member signs: the entry without `hash` and `signature`."""
    return canonical({k: v for k, v in data.items() if k not in ("hash", "signature")}).encode("utf-8")


def entry_hash(data: dict[str, Any]) -> str:
    return sha256_text(canonical({k: v for k, v in data.items() if k != "hash"}))


def sidecar_path(record_path: Path) -> Path:
    """`demo.json` → `demo.json.reviews.jsonl`, next to the record."""
    return record_path.with_name(record_path.name + SIDECAR_SUFFIX)


def paths(path: Path) -> tuple[Path, Path]:
    """(record, sidecar) from either of them."""
    if path.name.endswith(SIDECAR_SUFFIX) and len(path.name) > len(SIDECAR_SUFFIX):
        return path.with_name(path.name[: -len(SIDECAR_SUFFIX)]), path
    return path, sidecar_path(path)


# --- the record under review -------------------------------------------------------------------


def load_record_digest(path: Path) -> tuple[dict[str, Any], str]:
    """The record and the digest of the very bytes it was parsed from (one read, no race)."""
    record, raw = read_record(path)
    return record, digest(raw)


def level_ids(record: dict[str, Any]) -> list[str]:
    return [str(level["id"]) for level in record["scheme"]["levels"]]


def proposal(record: dict[str, Any]) -> tuple[Status, str | None]:
    outcome = record["outcome"]
    return cast(Status, outcome["status"]), outcome.get("level")


# --- entries -----------------------------------------------------------------------------------


@frozen
class Rule:
    """How a session is decided (the scheme's `[committee]` table), as the closing states it."""

    quorum: int = 3
    majority: Majority = "simple"
    chair_breaks_tie: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"quorum": self.quorum, "majority": self.majority, "chair_breaks_tie": self.chair_breaks_tie}


@frozen
class Entry:
    """One signed line of the chain (format 2). Fields that do not apply to its kind are None."""

    seq: int
    record_digest: str
    previous: str | None
    kind: Kind
    session: int
    member: str
    key: str
    date: dt.date
    verdict: Verdict | None = None
    status: Status | None = None
    level: str | None = None
    rationale: str | None = None
    supersedes: int | None = None
    votes: tuple[str, ...] | None = None
    count: int | None = None
    rule: Rule | None = None
    reason: str | None = None
    signature: str = ""
    hash: str = ""
    line_no: int = field(default=0, eq=False)  # where it was read (0: not read from a file)

    legacy = False

    def data(self) -> dict[str, Any]:
        """Every stored field (with `signature` and `hash`)."""
        return {
            "v": FORMAT, "seq": self.seq, "record_digest": self.record_digest, "previous": self.previous,
            "kind": self.kind, "session": self.session, "member": self.member, "key": self.key,
            "date": self.date.isoformat(), "verdict": self.verdict, "status": self.status, "level": self.level,
            "rationale": self.rationale, "supersedes": self.supersedes,
            "votes": list(self.votes) if self.votes is not None else None, "count": self.count,
            "rule": self.rule.to_json() if self.rule is not None else None, "reason": self.reason,
            "signature": self.signature, "hash": self.hash,
        }

    def line(self) -> str:
        return canonical(self.data())

    def signed_bytes(self) -> bytes:
        return signed_bytes(self.data())


@frozen
class LegacyEntry:
    """A v1 line: unsigned, its member a free-text name. Shown, never a decision."""

    seq: int
    record_digest: str
    previous: str | None
    member: str
    verdict: str
    status: str
    level: str | None
    rationale: str | None
    date: dt.date
    hash: str
    line_no: int = field(default=0, eq=False)

    legacy = True


AnyEntry = Entry | LegacyEntry


def _need(ok: bool, key: str, value: Any) -> None:
    if not ok:
        raise ValueError(f"{key}: {value!r}")


def _text(data: dict[str, Any], key: str, *, optional: bool) -> None:
    value = data[key]
    _need((value is None and optional) or (isinstance(value, str) and value != ""), key, value)


def _whole(data: dict[str, Any], key: str, *, optional: bool) -> None:
    value = data[key]
    _need((value is None and optional) or (type(value) is int and value >= 1), key, value)


def _date(value: Any) -> dt.date:
    """A YYYY-MM-DD date, exactly (fromisoformat alone also takes 20261121)."""
    try:
        if isinstance(value, str) and len(value) == 10:
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise ValueError(f"date: {value!r}")


def _rule(value: Any) -> Rule | None:
    if value is None:
        return None
    ok = (isinstance(value, dict) and set(value) == {"quorum", "majority", "chair_breaks_tie"}
          and type(value["quorum"]) is int and value["quorum"] >= 1
          and value["majority"] in ("simple", "two_thirds") and type(value["chair_breaks_tie"]) is bool)
    _need(ok, "rule", value)
    return Rule(value["quorum"], value["majority"], value["chair_breaks_tie"])


def entry_from_json(data: dict[str, Any], line_no: int) -> Entry:
    """A format-2 entry read back; raises ValueError naming the first field that is not valid."""
    _need(data["v"] == FORMAT, "v", data["v"])
    for key in ("seq", "session"):
        _whole(data, key, optional=False)
    for key in ("supersedes", "count"):
        _whole(data, key, optional=True)
    _need(data["kind"] in KINDS, "kind", data["kind"])
    _need(data["verdict"] is None or data["verdict"] in VERDICTS, "verdict", data["verdict"])
    _need(data["status"] is None or data["status"] in STATUSES, "status", data["status"])
    _need(data["reason"] is None or data["reason"] in REASONS, "reason", data["reason"])
    for key in ("record_digest", "member", "key", "signature", "hash"):
        _text(data, key, optional=False)
    for key in ("previous", "level", "rationale"):
        _text(data, key, optional=True)
    votes = data["votes"]
    _need(votes is None or (isinstance(votes, list) and all(isinstance(v, str) for v in votes)), "votes", votes)
    fields = {k: v for k, v in data.items() if k != "v"}
    fields.update(date=_date(data["date"]), rule=_rule(data["rule"]), line_no=line_no,
                  votes=tuple(votes) if votes is not None else None)
    return Entry(**fields)


def legacy_from_json(data: dict[str, Any], line_no: int) -> LegacyEntry:
    _whole(data, "seq", optional=False)
    for key in ("record_digest", "member", "hash", "verdict", "status"):
        _text(data, key, optional=False)
    for key in ("previous", "level", "rationale"):
        _text(data, key, optional=True)
    return LegacyEntry(**{**data, "date": _date(data["date"]), "line_no": line_no})


# --- problems ----------------------------------------------------------------------------------


@frozen
class ChainProblem:
    """One broken rule, at one line (1-based) of the sidecar file (0: the file as a whole)."""

    line: int
    code: str
    params: dict[str, Any] = field(factory=dict)

    def __str__(self) -> str:
        return tr(self.code, **self.params)

    def problem(self, sidecar: Path) -> Problem:
        return Problem(str(sidecar), tr("place.line", line=self.line) if self.line else "", str(self))


# --- reading the lines -------------------------------------------------------------------------


class LineReader:
    """Walks the lines once, checking what a line and its predecessor can tell."""

    def __init__(self, record_digest: str) -> None:
        self.record_digest = record_digest
        self.entries: list[AnyEntry] = []
        self.problems: list[ChainProblem] = []
        self.previous_line: str | None = None  # canonical text of the previous entry
        self.previous_trusted = True  # False when the previous line was itself broken
        self.previous_number = 0
        self.previous_seq: int | None = 0  # None after an unreadable line: the next one resyncs

    def report(self, line: int, code: str, **params: Any) -> None:
        self.problems.append(ChainProblem(line, f"review.chain.{code}", {"line": line, **params}))

    def untrusted(self) -> None:
        """After a line that cannot be read, the next one is judged on neither its number nor its
        link, so that one fault is named once."""
        self.previous_line, self.previous_trusted, self.previous_seq = None, False, None

    def check(self, number: int, raw: bytes) -> None:
        if not raw.strip():
            self.report(number, "blank")
            return
        data = self._parse(number, raw)
        if data is None:
            self.untrusted()
            return
        if canonical(data) != raw.decode("utf-8"):
            self.report(number, "not_canonical")
        hash_ok = isinstance(data["hash"], str) and entry_hash(data) == data["hash"]
        if not hash_ok:
            self.report(number, "hash")
        self._check_position(number, data)
        if data["record_digest"] != self.record_digest:
            self.report(number, "record_changed", reviewed=data["record_digest"], now=self.record_digest)
        try:
            reader = entry_from_json if "v" in data else legacy_from_json
            self.entries.append(reader(data, number))
        except ValueError as exc:
            self.report(number, "value", detail=str(exc))
        self.previous_line, self.previous_trusted, self.previous_number = canonical(data), hash_ok, number
        self.previous_seq = data["seq"] if type(data["seq"]) is int else None

    def _parse(self, number: int, raw: bytes) -> dict[str, Any] | None:
        if len(raw) > MAX_LINE:
            self.report(number, "too_long", size=len(raw), limit=MAX_LINE)
            return None
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            self.report(number, "not_utf8")
            return None
        except json.JSONDecodeError as exc:
            self.report(number, "not_json", detail=exc.msg, column=exc.colno)
            return None
        expected = LEGACY_KEYS if isinstance(data, dict) and "v" not in data and "kind" not in data else ENTRY_KEYS
        if not isinstance(data, dict) or set(data) != expected:
            found = sorted(data) if isinstance(data, dict) else []
            missing = sorted(expected - set(found))
            unknown = sorted(set(found) - expected)
            self.report(number, "keys", missing=", ".join(missing) or "-", unknown=", ".join(unknown) or "-")
            return None
        return data

    def _check_position(self, number: int, data: dict[str, Any]) -> None:
        """`seq` follows the previous entry's, and `previous` is the previous line's digest."""
        if self.previous_seq is None:
            return
        expected_seq = self.previous_seq + 1
        if data["seq"] != expected_seq:
            self.report(number, "seq", found=data["seq"], expected=expected_seq)
            return  # a moved or missing line: its link is wrong for the same reason
        if self.previous_seq == 0:
            if data["previous"] is not None:
                self.report(number, "first_link")
        elif self.previous_trusted and self.previous_line is not None:
            if data["previous"] != sha256_text(self.previous_line):
                self.report(number, "link", previous=self.previous_number)


def read_lines(content: bytes, record_digest: str) -> tuple[list[AnyEntry], list[ChainProblem]]:
    """Every line of a sidecar's content read, with what each line alone shows to be wrong."""
    reader = LineReader(record_digest)
    lines = content.split(b"\n")
    complete, body = lines[-1] == b"", lines[:-1]
    for number, raw in enumerate(body, 1):
        reader.check(number, raw)
    if not complete:
        reader.report(len(lines), "truncated")
    return reader.entries, reader.problems


# --- the file ----------------------------------------------------------------------------------


@contextmanager
def locked(record_path: Path, *, exclusive: bool) -> Iterator[None]:
    """The record's chain locked: exclusive to append, shared to read a consistent state.

    The lock is a `flock` on the record file itself, which always exists while its chain is
    read or written: a refused first review leaves no empty sidecar behind, and the lock is
    the same object for every reader and writer of the chain.
    """
    try:
        fd = os.open(record_path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError.at(record_path, "", tr("file.missing")) from None
    except OSError as exc:
        raise InputError.at(record_path, "", tr("file.unreadable", detail=exc.strerror)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def read_sidecar(sidecar: Path) -> bytes | None:
    """The sidecar's bytes (None when there is none); the caller holds the chain's lock."""
    try:
        fd = os.open(sidecar, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError.at(sidecar, "", tr("file.unreadable", detail=exc.strerror)) from None
    try:
        size = os.fstat(fd).st_size
        if size > MAX_SIDECAR:
            raise InputError.at(sidecar, "", tr("review.chain.too_large", size=size, limit=MAX_SIDECAR))
        chunks, total = [], 0
        while (chunk := os.read(fd, 1 << 16)) and total <= MAX_SIDECAR:
            chunks.append(chunk)
            total += len(chunk)
        if total > MAX_SIDECAR:  # it grew while being read
            raise InputError.at(sidecar, "", tr("review.chain.too_large", size=total, limit=MAX_SIDECAR))
        return b"".join(chunks)
    finally:
        os.close(fd)


def append_line(sidecar: Path, line: str) -> None:
    """One write of the whole line at the end (O_APPEND), then fsync (and the folder's, for a new
    file); the sidecar itself is flocked too while it is written. The caller holds the chain's lock."""
    data = (line + "\n").encode("utf-8")
    new = not sidecar.exists()
    fd = os.open(sidecar, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        written = os.write(fd, data)
        if written != len(data):  # the chain now ends with a cut line: the reader will name it
            raise OSError(f"{sidecar}: short write ({written} of {len(data)} bytes)")
        os.fsync(fd)
    finally:
        os.close(fd)
    if new:
        folder = os.open(sidecar.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


