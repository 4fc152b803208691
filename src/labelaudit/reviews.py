"""The label committee's reviews of a decision record: append-only and hash-chained.

labelaudit only *proposes* a decision; the independent label committee decides. Each verdict a
committee member gives on a record is one line of the sidecar file `RECORD.reviews.jsonl`,
next to the record: one canonical JSON object per line (sorted keys, no spaces, UTF-8), with

- `seq`: the entry's number, 1 for the first line, so that a missing or moved line is named;
- `record_digest`: `sha256:` of the record file's bytes, so that a review stays tied to the
  exact proposal it judged (a record changed afterwards is detected);
- `previous`: `sha256:` of the previous entry's canonical line (null for the first entry);
- `member`, `verdict` (confirm, override, defer), `status` and `level` (the decision this
  verdict leads to: the proposal's for confirm, the member's for override, deferred for defer),
  `rationale` (required for override and defer), `date` (the review's date, an input);
- `hash`: `sha256:` of the canonical JSON of the entry without `hash`.

The file is never rewritten: an append locks it (`flock`), verifies the whole chain, refuses to
extend a broken one, and writes the new line with a single write, then flush and fsync.

**The final decision rule: the latest entry's verdict wins.** The committee's deliberation may
have several verdicts (members, or a later session); the last line of a *valid* chain is the
committee's decision. A broken chain decides nothing (`Chain.final` is None), and an empty one
is still pending.

What the chain detects: an edited, inserted, deleted or moved line (named by its line number),
an entry whose hash no longer matches, a line cut short, and a record changed since it was
reviewed. What it cannot detect alone: the removal of the *last* lines, or a file rewritten
in full with recomputed hashes (there is no secret key). The label register keeps a second
copy of every entry it was given and reports both (`review --show --register DB`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import hashlib
import json
import os
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, cast

from attrs import field, frozen

from labelaudit import options
from labelaudit.errors import InputError, Problem
from labelaudit.i18n import catalog, current_lang, tr
from labelaudit.model import Lang
from labelaudit.record import parse_record
from labelaudit.summary import level_title, outcome_line
from labelaudit.tomlfiles import digest, read_bytes

Verdict = Literal["confirm", "override", "defer"]
Status = Literal["granted", "refused", "deferred"]
VERDICTS: tuple[Verdict, ...] = ("confirm", "override", "defer")
STATUSES: tuple[Status, ...] = ("granted", "refused", "deferred")
SIDECAR_SUFFIX = ".reviews.jsonl"
ENTRY_KEYS = frozenset(
    {"seq", "record_digest", "previous", "member", "verdict", "status", "level", "rationale", "date", "hash"}
)
Output = Callable[[str], None]


# --- canonical text and names ------------------------------------------------------------------


def canonical(data: dict[str, Any]) -> str:
    """One line of canonical JSON: the same entry always gives the same bytes, hence the same hash."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def fold_name(name: str) -> str:
    """A name compared case- and accent-insensitively, whitespace-normalised ("Marc  LEFÈVRE")."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def sidecar_path(record_path: Path) -> Path:
    """`demo.json` → `demo.json.reviews.jsonl`, next to the record."""
    return record_path.with_name(record_path.name + SIDECAR_SUFFIX)


def _paths(path: Path) -> tuple[Path, Path]:
    """(record, sidecar) from either of them."""
    if path.name.endswith(SIDECAR_SUFFIX) and len(path.name) > len(SIDECAR_SUFFIX):
        return path.with_name(path.name[: -len(SIDECAR_SUFFIX)]), path
    return path, sidecar_path(path)


# --- the record under review -------------------------------------------------------------------


def load_record_digest(path: Path) -> tuple[dict[str, Any], str]:
    """The record and the digest of the very bytes it was parsed from (one read, no race)."""
    raw = read_bytes(path)
    return parse_record(path, raw), digest(raw)


def level_ids(record: dict[str, Any]) -> list[str]:
    return [str(level["id"]) for level in record["scheme"]["levels"]]


def proposal(record: dict[str, Any]) -> tuple[Status, str | None]:
    outcome = record["outcome"]
    return cast(Status, outcome["status"]), outcome.get("level")


# --- entries -----------------------------------------------------------------------------------


@frozen
class Review:
    """One committee member's verdict on one record: one line of the chain."""

    seq: int
    record_digest: str
    previous: str | None
    member: str
    verdict: Verdict
    status: Status
    level: str | None
    rationale: str | None
    date: dt.date
    hash: str

    def body(self) -> dict[str, Any]:
        """The entry without its hash: what the hash is computed over."""
        return {
            "seq": self.seq,
            "record_digest": self.record_digest,
            "previous": self.previous,
            "member": self.member,
            "verdict": self.verdict,
            "status": self.status,
            "level": self.level,
            "rationale": self.rationale,
            "date": self.date.isoformat(),
        }

    def line(self) -> str:
        """The canonical line as stored (without its newline)."""
        return canonical({**self.body(), "hash": self.hash})

    @classmethod
    def create(cls, **fields: Any) -> Review:
        """A new entry with its hash computed from its other fields."""
        draft = cls(**fields, hash="")
        return cls(**fields, hash=sha256_text(canonical(draft.body())))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Review:
        """An entry read back; raises ValueError naming the first field that is not valid."""
        _check_value(data["seq"], type(data["seq"]) is int and data["seq"] >= 1, "seq")
        _check_value(data["verdict"], data["verdict"] in VERDICTS, "verdict")
        _check_value(data["status"], data["status"] in STATUSES, "status")
        for key in ("record_digest", "member", "hash"):
            _check_value(data[key], isinstance(data[key], str) and data[key] != "", key)
        for key in ("previous", "level", "rationale"):
            _check_value(data[key], data[key] is None or isinstance(data[key], str), key)
        try:
            date = dt.date.fromisoformat(str(data["date"]))
        except ValueError:
            raise ValueError(f"date: {data['date']!r}") from None
        return cls(**{**data, "date": date})


def _check_value(value: Any, ok: bool, key: str) -> None:
    if not ok:
        raise ValueError(f"{key}: {value!r}")


# --- the chain ---------------------------------------------------------------------------------


@frozen
class ChainProblem:
    """One thing wrong with the chain, at one line (1-based) of the sidecar file."""

    line: int
    code: str
    params: dict[str, Any] = field(factory=dict)

    def __str__(self) -> str:
        return tr(self.code, **self.params)

    def problem(self, sidecar: Path) -> Problem:
        return Problem(str(sidecar), tr("place.line", line=self.line), str(self))


@frozen
class FinalDecision:
    """The committee's decision: the latest entry of a valid chain."""

    status: Status
    level: str | None
    verdict: Verdict
    member: str
    date: dt.date
    seq: int


@frozen
class Chain:
    """The reviews of one record as read from its sidecar, with every problem found."""

    record: Path
    sidecar: Path
    record_digest: str
    entries: tuple[Review, ...]
    problems: tuple[ChainProblem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def final(self) -> FinalDecision | None:
        """The latest entry's verdict wins; None while pending or when the chain is broken."""
        if not self.valid or not self.entries:
            return None
        last = self.entries[-1]
        return FinalDecision(last.status, last.level, last.verdict, last.member, last.date, last.seq)


class _Verifier:
    """Walks the lines once, remembering what the next line must link to."""

    def __init__(self, record_digest: str) -> None:
        self.record_digest = record_digest
        self.entries: list[Review] = []
        self.problems: list[ChainProblem] = []
        self.previous_line: str | None = None  # canonical text of the previous entry
        self.previous_trusted = True  # False when the previous line was itself broken
        self.previous_number = 0  # its line number (blank lines are skipped over)
        self.previous_seq: int | None = 0  # None after an unreadable line: the next one resyncs

    def report(self, line: int, code: str, **params: Any) -> None:
        self.problems.append(ChainProblem(line, f"review.chain.{code}", {"line": line, **params}))

    def untrusted(self) -> None:
        """After a line that cannot be read (a damaged entry or an inserted line: no way to know),
        the next line is judged on neither its number nor its link, so one fault is named once."""
        self.previous_line, self.previous_trusted, self.previous_seq = None, False, None

    def check(self, number: int, raw: bytes) -> None:
        if not raw.strip():
            self.report(number, "blank")  # not an entry: the next line links over it
            return
        data = self._parse(number, raw)
        if data is None:
            self.untrusted()
            return
        text = raw.decode("utf-8")
        if canonical(data) != text:
            self.report(number, "not_canonical")
        body = {k: v for k, v in data.items() if k != "hash"}
        hash_ok = sha256_text(canonical(body)) == data["hash"]
        if not hash_ok:
            self.report(number, "hash")
        self._check_position(number, data)
        if data["record_digest"] != self.record_digest:
            self.report(number, "record_changed", reviewed=data["record_digest"], now=self.record_digest)
        try:
            self.entries.append(Review.from_json(data))
        except ValueError as exc:
            self.report(number, "value", detail=str(exc))
        self.previous_line, self.previous_trusted, self.previous_number = canonical(data), hash_ok, number
        self.previous_seq = data["seq"] if isinstance(data["seq"], int) else None

    def _parse(self, number: int, raw: bytes) -> dict[str, Any] | None:
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            self.report(number, "not_utf8")
            return None
        except json.JSONDecodeError as exc:
            self.report(number, "not_json", detail=exc.msg, column=exc.colno)
            return None
        if not isinstance(data, dict) or set(data) != ENTRY_KEYS:
            found = sorted(data) if isinstance(data, dict) else []
            missing = sorted(ENTRY_KEYS - set(found))
            unknown = sorted(set(found) - ENTRY_KEYS)
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
        if self.previous_seq == 0:  # the first entry
            if data["previous"] is not None:
                self.report(number, "first_link")
        elif self.previous_trusted and self.previous_line is not None:
            if data["previous"] != sha256_text(self.previous_line):
                self.report(number, "link", previous=self.previous_number)


def verify(content: bytes, record_digest: str) -> tuple[tuple[Review, ...], tuple[ChainProblem, ...]]:
    """Check every line of a sidecar's content against the chain rules and the record digest."""
    verifier = _Verifier(record_digest)
    lines = content.split(b"\n")
    complete, body = lines[-1] == b"", lines[:-1]
    for number, raw in enumerate(body, 1):
        verifier.check(number, raw)
    if not complete:
        verifier.report(len(lines), "truncated")
    return tuple(verifier.entries), tuple(verifier.problems)


@contextmanager
def _locked(path: Path, *, exclusive: bool) -> Iterator[int]:
    """The sidecar opened and locked: exclusive to append, shared to read a consistent state."""
    flags = (os.O_RDWR | os.O_CREAT | os.O_APPEND) if exclusive else os.O_RDONLY
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise InputError.at(path, "", tr("file.unreadable", detail=exc.strerror)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield fd
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def read_chain(path: Path) -> Chain:
    """Read and verify the reviews of a record (`path`: the record or its sidecar).

    A record without a sidecar has an empty, valid chain (pending). The record file must exist:
    its current digest is what every entry is checked against.
    """
    record, sidecar = _paths(path)
    _, record_digest = load_record_digest(record)
    if not sidecar.exists():
        return Chain(record, sidecar, record_digest, (), ())
    with _locked(sidecar, exclusive=False) as fd:
        content = _read_all(fd)
    entries, problems = verify(content, record_digest)
    return Chain(record, sidecar, record_digest, entries, problems)


# --- appending ---------------------------------------------------------------------------------


def _check_member(record: dict[str, Any], record_path: Path, member: str) -> str:
    """The member's name, refused when it is one of the audit's auditors (independence)."""
    name = " ".join(member.split())
    if not name:
        raise InputError.at("--member", "", tr("review.member.empty"))
    for auditor in record["audit"].get("auditors", []):
        if fold_name(auditor) == fold_name(name):
            raise InputError.at(record_path, "audit.auditors", tr("review.member.auditor", member=name, auditor=auditor))
    return name


def _check_rationale(verdict: Verdict, rationale: str | None) -> str | None:
    text = (rationale or "").strip()
    if not text and verdict in ("override", "defer"):
        raise InputError.at("--rationale", "", tr("review.rationale.needed", verdict=verdict))
    return text or None


def _outcome_of(record: dict[str, Any], verdict: Verdict, level: str | None, refuse: bool) -> tuple[Status, str | None]:
    """The decision a verdict leads to, with the option rules: --level/--refuse only for override."""
    if verdict != "override":
        if level is not None or refuse:
            raise InputError.at("--level" if level is not None else "--refuse", "", tr("review.override.only"))
        return proposal(record) if verdict == "confirm" else ("deferred", None)
    if level is None and not refuse:
        raise InputError.at("--verdict", "", tr("review.override.needs"))
    if level is not None and level not in level_ids(record):
        known = ", ".join(level_ids(record))
        raise InputError.at("--level", "", tr("review.level.unknown", level=level, scheme=record["scheme"]["id"], known=known))
    decided: tuple[Status, str | None] = ("refused", None) if refuse else ("granted", level)
    if decided == proposal(record):
        shown = outcome_line(record, decided[0], decided[1], current_lang())
        raise InputError.at("--verdict", "", tr("review.override.same", decision=shown))
    return decided


def _check_order(sidecar: Path, entries: Sequence[Review], on: dt.date) -> None:
    """Dates never go back: the latest line is also the latest review, so 'latest wins' is clear."""
    if entries and on < entries[-1].date:
        last = entries[-1]
        raise InputError.at("--on", "", tr("review.date.order", date=on, latest=last.date, line=last.seq, file=sidecar))


def _write_line(fd: int, line: str, sidecar: Path, was_empty: bool) -> None:
    """One write of the whole line, then fsync (and the folder's, for a new file)."""
    data = (line + "\n").encode("utf-8")
    written = os.write(fd, data)
    if written != len(data):  # the chain now ends with a cut line: verify() will name it
        raise OSError(f"{sidecar}: short write ({written} of {len(data)} bytes)")
    os.fsync(fd)
    if was_empty:
        folder = os.open(sidecar.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def append_review(
    record_path: Path,
    *,
    member: str,
    verdict: Verdict,
    on: dt.date,
    level: str | None = None,
    refuse: bool = False,
    rationale: str | None = None,
) -> Review:
    """Append one verdict to the record's chain, after checking the inputs and the whole chain.

    Raises InputError (nothing written) for an auditor reviewing their own audit, a missing
    rationale, an unknown or unchanged level, a date before the latest review, or a broken chain.
    """
    record_path, sidecar = _paths(record_path)
    record, record_digest = load_record_digest(record_path)
    status, decided_level = _outcome_of(record, verdict, level, refuse)
    name = _check_member(record, record_path, member)
    text = _check_rationale(verdict, rationale)
    with _locked(sidecar, exclusive=True) as fd:
        content = _read_all(fd)
        entries, problems = verify(content, record_digest)
        if problems:
            head = Problem(str(sidecar), "", tr("review.chain.refused"))
            raise InputError([head, *(p.problem(sidecar) for p in problems)])
        _check_order(sidecar, entries, on)
        review = Review.create(
            seq=len(entries) + 1,
            record_digest=record_digest,
            previous=sha256_text(entries[-1].line()) if entries else None,
            member=name,
            verdict=verdict,
            status=status,
            level=decided_level,
            rationale=text,
            date=on,
        )
        _write_line(fd, review.line(), sidecar, was_empty=not content)
    return review


# --- showing -----------------------------------------------------------------------------------


def decision_text(record: dict[str, Any], status: str, level: str | None, lang: Lang) -> str:
    """GRANTED — level Confirmed / REFUSED / DEFERRED, for a committee decision."""
    if status == "granted":
        return tr("review.status.granted", lang=lang, level=level_title(record, level, lang))
    return tr(f"review.status.{status}", lang=lang)


def render_chain(record: dict[str, Any], chain: Chain, extra: Sequence[ChainProblem] = ()) -> list[str]:
    """The lines `review --show` prints: the proposal, each entry, validity, the final decision."""
    lang = current_lang()
    audit = record["audit"]
    status, level = proposal(record)
    lines = [
        tr("review.show.title", audit=audit["id"], organisation=audit["organisation"]),
        tr("review.show.record", path=chain.record, digest=chain.record_digest),
        tr("review.show.proposal", decision=outcome_line(record, status, level, lang)),
    ]
    for e in chain.entries:
        lines.append(
            tr("review.show.entry", seq=e.seq, date=e.date, member=e.member, verdict=e.verdict,
               decision=decision_text(record, e.status, e.level, lang))
        )
        if e.rationale:
            lines.append(f"     « {e.rationale} »" if lang == "fr" else f'     "{e.rationale}"')
    problems = [*chain.problems, *extra]
    if problems:
        lines.append(tr("review.show.broken", path=chain.sidecar, count=len(problems)))
        lines.extend(f"  - {tr('place.line', line=p.line)}: {p}" for p in problems)
    else:
        lines.append(tr("review.show.valid", path=chain.sidecar, count=len(chain.entries)))
    lines.append(_final_line(record, chain if not extra else None, lang))
    return lines


def _final_line(record: dict[str, Any], chain: Chain | None, lang: Lang) -> str:
    if chain is None or not chain.valid:
        return tr("review.show.final_none")
    final = chain.final
    if final is None:
        return tr("review.show.pending")
    decision = decision_text(record, final.status, final.level, lang)
    return tr("review.show.final", decision=decision, seq=final.seq, member=final.member, date=final.date)


# --- the command -------------------------------------------------------------------------------


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """`labelaudit review RECORD …`: record a committee member's verdict, or --show the chain."""

    def h(key: str) -> str:
        return tr(f"review.help.{key}", lang=lang)

    parser = commands.add_parser("review", parents=[common], help=h("review"), description=h("description"))
    parser.add_argument("record", type=Path, metavar="RECORD", help=h("record"))
    parser.add_argument("--member", metavar="NAME", help=h("member"))
    parser.add_argument("--verdict", choices=VERDICTS, help=h("verdict"))
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--level", metavar="LEVEL", help=h("level"))
    target.add_argument("--refuse", action="store_true", help=h("refuse"))
    parser.add_argument("--rationale", metavar="TEXT", help=h("rationale"))
    parser.add_argument("--on", type=options.date, metavar="YYYY-MM-DD", help=h("on"))
    parser.add_argument("--register", type=Path, metavar="DB", help=h("register"))
    parser.add_argument("--show", action="store_true", help=h("show"))
    parser.set_defaults(handler=cmd_review)


def cmd_review(args: argparse.Namespace, plugins: object, out: Output) -> int:
    if args.show:
        return _show(args, out)
    if args.member is None or args.verdict is None:
        raise InputError.at("--member/--verdict", "", tr("review.needs"))
    on = args.on if args.on is not None else dt.date.today()  # the committee's act: today by default
    review = append_review(
        args.record, member=args.member, verdict=args.verdict, on=on,
        level=args.level, refuse=args.refuse, rationale=args.rationale,
    )
    record, _ = load_record_digest(_paths(args.record)[0])
    decision = decision_text(record, review.status, review.level, current_lang())
    out(tr("review.recorded", seq=review.seq, member=review.member, verdict=review.verdict,
           decision=decision, date=review.date, path=sidecar_path(_paths(args.record)[0])))
    if args.register is not None:
        from labelaudit import register

        added = register.register_record(args.register, args.record)
        out(tr("review.register.updated", path=args.register, count=added.new_reviews))
    return 0


def _show(args: argparse.Namespace, out: Output) -> int:
    given = [o for o in ("member", "verdict", "level", "rationale", "on") if getattr(args, o) is not None]
    if given or args.refuse:
        raise InputError.at("--show", "", tr("review.show.alone"))
    record_path = _paths(args.record)[0]
    record, _ = load_record_digest(record_path)
    chain = read_chain(args.record)
    extra: list[ChainProblem] = []
    if args.register is not None:
        from labelaudit import register

        extra = register.chain_against_register(args.register, chain)
    for line in render_chain(record, chain, extra):
        out(line)
    return 0 if chain.valid and not extra else 2


# --- messages ----------------------------------------------------------------------------------

catalog(
    {
        "review.member.empty": {"fr": "le nom du membre du comité est vide", "en": "the committee member's name is empty"},
        "review.member.auditor": {
            "fr": "{member} est l'un des auditeurs de cet audit ({auditor}) : la décision du comité doit être "
            "indépendante de l'évaluation, un auditeur ne peut pas la revoir",
            "en": "{member} is one of this audit's auditors ({auditor}): the committee's decision must be "
            "independent of the evaluation, an auditor cannot review it",
        },
        "review.override.only": {
            "fr": "--level et --refuse ne s'emploient qu'avec --verdict override",
            "en": "--level and --refuse are only for --verdict override",
        },
        "review.override.needs": {
            "fr": "--verdict override exige --level NIVEAU ou --refuse",
            "en": "--verdict override needs --level LEVEL or --refuse",
        },
        "review.override.same": {
            "fr": "la proposition est déjà {decision} : employer --verdict confirm",
            "en": "the proposal is already {decision}: use --verdict confirm",
        },
        "review.level.unknown": {
            "fr": "niveau inconnu {level!r} (niveaux du schéma {scheme} : {known})",
            "en": "unknown level {level!r} (levels of scheme {scheme}: {known})",
        },
        "review.rationale.needed": {
            "fr": "--rationale est obligatoire pour --verdict {verdict}",
            "en": "--rationale is required for --verdict {verdict}",
        },
        "review.date.order": {
            "fr": "date de revue {date} antérieure à celle de la dernière revue, {latest} (entrée {line} de {file})",
            "en": "review date {date} is before the latest review's date {latest} (entry {line} of {file})",
        },
        "review.needs": {
            "fr": "--member et --verdict sont obligatoires (ou --show pour afficher les revues)",
            "en": "--member and --verdict are required (or --show to print the reviews)",
        },
        "review.show.alone": {
            "fr": "--show ne se combine pas avec --member, --verdict, --level, --refuse, --rationale ni --on",
            "en": "--show cannot be combined with --member, --verdict, --level, --refuse, --rationale or --on",
        },
        "review.chain.refused": {
            "fr": "la chaîne des revues est rompue : rien n'a été ajouté (restaurer le fichier d'abord)",
            "en": "the reviews chain is broken: nothing was appended (restore the file first)",
        },
        "review.chain.blank": {"fr": "ligne vide", "en": "blank line"},
        "review.chain.not_utf8": {"fr": "ligne non UTF-8", "en": "the line is not UTF-8"},
        "review.chain.not_json": {
            "fr": "JSON invalide en colonne {column} : {detail}",
            "en": "invalid JSON at column {column}: {detail}",
        },
        "review.chain.keys": {
            "fr": "pas une entrée de revue (clés absentes : {missing} ; clés inconnues : {unknown})",
            "en": "not a review entry (missing keys: {missing}; unknown keys: {unknown})",
        },
        "review.chain.not_canonical": {
            "fr": "la ligne n'est plus sous forme canonique : elle a été réécrite après coup",
            "en": "the line is no longer in canonical form: it was rewritten afterwards",
        },
        "review.chain.hash": {
            "fr": "l'empreinte ne correspond plus au contenu : l'entrée a été modifiée après son écriture",
            "en": "the hash no longer matches the content: the entry was edited after it was written",
        },
        "review.chain.seq": {
            "fr": "entrée n° {found} trouvée où l'entrée n° {expected} était attendue : une ligne a été supprimée, "
            "insérée ou déplacée",
            "en": "entry {found} found where entry {expected} was expected: a line was deleted, inserted or moved",
        },
        "review.chain.first_link": {
            "fr": "la première entrée désigne une entrée précédente : des lignes ont été supprimées avant elle",
            "en": "the first entry points to a previous one: lines were deleted before it",
        },
        "review.chain.link": {
            "fr": "« previous » ne correspond pas à la ligne {previous} : cette ligne a été modifiée ou remplacée",
            "en": "'previous' does not match line {previous}: that line was changed or replaced",
        },
        "review.chain.record_changed": {
            "fr": "l'enregistrement a changé depuis cette revue (revu : {reviewed}, actuel : {now})",
            "en": "the record changed since this review (reviewed: {reviewed}, now: {now})",
        },
        "review.chain.value": {"fr": "valeur invalide : {detail}", "en": "invalid value: {detail}"},
        "review.chain.truncated": {
            "fr": "ligne incomplète (sans fin de ligne) : écriture interrompue ou fichier tronqué",
            "en": "incomplete line (no line end): an interrupted write or a cut file",
        },
        "review.status.granted": {"fr": "ACCORDÉ — niveau {level}", "en": "GRANTED — level {level}"},
        "review.status.refused": {"fr": "REFUSÉ", "en": "REFUSED"},
        "review.status.deferred": {"fr": "AJOURNÉ", "en": "DEFERRED"},
        "review.show.title": {
            "fr": "Revues du comité — {organisation} ({audit})",
            "en": "Committee reviews — {organisation} ({audit})",
        },
        "review.show.record": {"fr": "Enregistrement : {path} ({digest})", "en": "Record: {path} ({digest})"},
        "review.show.proposal": {"fr": "Proposition : {decision}", "en": "Proposal: {decision}"},
        "review.show.entry": {
            "fr": "{seq}. {date} {member} : {verdict} → {decision}",
            "en": "{seq}. {date} {member}: {verdict} → {decision}",
        },
        "review.show.valid": {
            "fr": "Chaîne valide : {path} ({count} entrée(s))",
            "en": "Chain valid: {path} ({count} entries)",
        },
        "review.show.broken": {
            "fr": "CHAÎNE ROMPUE : {path} ({count} problème(s))",
            "en": "CHAIN BROKEN: {path} ({count} problem(s))",
        },
        "review.show.final": {
            "fr": "Décision finale (la dernière entrée l'emporte) : {decision} — entrée {seq}, {member}, {date}",
            "en": "Final decision (the latest entry wins): {decision} — entry {seq}, {member}, {date}",
        },
        "review.show.pending": {
            "fr": "Décision finale : en attente (aucune revue du comité)",
            "en": "Final decision: pending (no committee review yet)",
        },
        "review.show.final_none": {
            "fr": "Décision finale : aucune, tant que la chaîne est rompue",
            "en": "Final decision: none while the chain is broken",
        },
        "review.recorded": {
            "fr": "Revue n° {seq} enregistrée : {member}, {verdict} → {decision}, le {date} ({path})",
            "en": "Review {seq} recorded: {member}, {verdict} → {decision}, on {date} ({path})",
        },
        "review.register.updated": {
            "fr": "Registre mis à jour : {path} ({count} nouvelle(s) revue(s))",
            "en": "Register updated: {path} ({count} new review(s))",
        },
        "review.help.review": {
            "fr": "enregistrer l'avis d'un membre du comité sur une décision proposée",
            "en": "record a committee member's verdict on a proposed decision",
        },
        "review.help.description": {
            "fr": "Enregistre l'avis d'un membre du comité de labellisation (chaîne append-only à côté de "
            "l'enregistrement) ou affiche les revues et la décision finale (la dernière entrée l'emporte).",
            "en": "Records a label committee member's verdict (an append-only chain next to the record), "
            "or prints the reviews and the final decision (the latest entry wins).",
        },
        "review.help.record": {"fr": "l'enregistrement de décision JSON", "en": "the JSON decision record"},
        "review.help.member": {
            "fr": "le membre du comité (pas un auditeur de cet audit)",
            "en": "the committee member (not one of the audit's auditors)",
        },
        "review.help.verdict": {
            "fr": "confirmer la proposition, la remplacer (override) ou ajourner (defer)",
            "en": "confirm the proposal, override it, or defer",
        },
        "review.help.level": {"fr": "override : le niveau accordé", "en": "override: the level granted"},
        "review.help.refuse": {"fr": "override : refuser le label", "en": "override: refuse the label"},
        "review.help.rationale": {
            "fr": "motif (obligatoire pour override et defer)",
            "en": "rationale (required for override and defer)",
        },
        "review.help.on": {
            "fr": "date de la revue (par défaut : aujourd'hui)",
            "en": "date of the review (default: today)",
        },
        "review.help.register": {
            "fr": "enregistrer aussi la revue dans ce registre des labels",
            "en": "also record the review in this label register",
        },
        "review.help.show": {
            "fr": "afficher la chaîne, sa validité et la décision finale",
            "en": "print the chain, its validity and the final decision",
        },
    }
)
