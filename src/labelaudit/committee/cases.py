"""Complaints and appeals (ISO/IEC 17065, 7.13): their signed, hash-chained entries and every rule.

A *case* is a complaint or an appeal, recorded in the register's `cases` log (schema v5): one
canonical JSON line per entry, signed by the member who records it exactly as a chain entry or
a label event is (Ed25519 over the domain tag and the canonical line without `hash` and
`signature`), and hash-chained over the whole log, so that an entry edited, removed or moved is
named. A case is named by the `seq` of its lodging entry (`appeal 3`), as a session is by its
opening's.

- `lodged`: a chair or member records a case: its `type` (complaint or appeal), what it is
  against (an appeal: a decision, that is a closed `session` on a `record`; a complaint: that, or
  a `label`), who brought it (`by`) and its `grounds`;
- `vote` (appeals only): a member votes `uphold` (the decision stands) or `grant` (it is replaced
  by the vote's `status` and `level`, with a rationale);
- `closed`: an appeal is closed by a chair with the hash of every vote, their count, the scheme's
  rule (its `[committee]` table: quorum, majority, whether the chair breaks a tie) and the
  `outcome` the votes give (`upheld`, or `granted` with the new decision); a complaint is closed
  `founded` or `unfounded`, with what was done (`rationale`).

An appeal is heard by members who took *no part* in the decision appealed: neither its chair
(who opened or closed the session), nor a voter in it, nor one of the audit's auditors (by
roster id or folded name, and the auditors of the same label within its cycle, as the review
chain's independence rule). The rule is checked by roster id on every vote and closing, when
it is written and whenever the log is read.

This module holds the format and the rules; what a target decision is comes from the register
(`casework.Target`), so that the rules are pure: rows and facts in, problems out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any, Literal

from attrs import asdict, frozen
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from labelaudit.committee.chain import STATUSES, Rule, canonical, entry_hash, signed_bytes
from labelaudit.committee.lifecycle import DECIDING_ROLES, signer_rules
from labelaudit.committee.names import name_keys
from labelaudit.committee.roster import Roster
from labelaudit.committee.sessions import tally
from labelaudit.committee.signing import key_id, sign

CaseKind = Literal["lodged", "vote", "closed"]
CaseType = Literal["complaint", "appeal"]
KINDS: tuple[CaseKind, ...] = ("lodged", "vote", "closed")
TYPES: tuple[CaseType, ...] = ("complaint", "appeal")
VERDICTS = ("uphold", "grant")
OUTCOMES = {"appeal": ("upheld", "granted"), "complaint": ("founded", "unfounded")}
CASE_KEYS = frozenset({
    "v", "seq", "previous", "kind", "case", "type", "label", "record", "session", "by", "grounds", "date", "member",
    "key", "verdict", "status", "level", "rationale", "votes", "count", "rule", "reason", "outcome", "signature",
    "hash",
})
MAX_TEXT = 4000
_TEXTS = ("type", "label", "record", "by", "grounds", "verdict", "status", "level", "rationale", "reason", "outcome")


@frozen
class CaseEntry:
    """One signed entry of the cases log, as its canonical line says; fields that do not apply are None."""

    seq: int
    previous: str | None
    kind: CaseKind
    case: int
    date: dt.date
    member: str
    key: str
    type: CaseType | None = None
    label: str | None = None
    record: str | None = None
    session: int | None = None
    by: str | None = None
    grounds: str | None = None
    verdict: str | None = None
    status: str | None = None
    level: str | None = None
    rationale: str | None = None
    votes: tuple[str, ...] | None = None
    count: int | None = None
    rule: Rule | None = None
    reason: str | None = None
    outcome: str | None = None
    signature: str = ""
    hash: str = ""

    def data(self) -> dict[str, Any]:
        fields = asdict(self, recurse=False)
        fields.update(v=1, date=self.date.isoformat(), votes=list(self.votes) if self.votes is not None else None,
                      rule=self.rule.to_json() if self.rule is not None else None)
        return fields

    def line(self) -> str:
        return canonical(self.data())


def signed_case_entry(draft: CaseEntry, key: Ed25519PrivateKey) -> CaseEntry:
    """The entry with its key id, signature and hash computed from its other fields."""
    fields = {**asdict(draft, recurse=False), "key": key_id(key.public_key()), "signature": "", "hash": ""}
    unsigned = CaseEntry(**fields)
    fields["signature"] = sign(key, signed_bytes(unsigned.data()))
    fields["hash"] = entry_hash(CaseEntry(**fields).data())
    return CaseEntry(**fields)


# --- parsing -----------------------------------------------------------------------------------


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _rule(value: Any) -> Rule | None:
    ok = (isinstance(value, dict) and set(value) == {"quorum", "majority", "chair_breaks_tie"}
          and type(value["quorum"]) is int and value["majority"] in ("simple", "two_thirds")
          and type(value["chair_breaks_tie"]) is bool)
    return Rule(value["quorum"], value["majority"], value["chair_breaks_tie"]) if ok else None


def _whole(value: Any, optional: bool) -> bool:
    return (value is None and optional) or (type(value) is int and value >= 1)


def parse(line: str) -> CaseEntry | None:
    """An entry from its stored line; None when the line is not one (wrong keys, kinds or types)."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != CASE_KEYS or data["v"] != 1 or data["kind"] not in KINDS:
        return None
    texts_ok = all(data[k] is None or isinstance(data[k], str) for k in (*_TEXTS, "previous"))
    signed_ok = all(isinstance(data[k], str) for k in ("member", "key", "signature", "hash"))
    numbers_ok = _whole(data["seq"], False) and _whole(data["case"], False) and _whole(data["session"], True) \
        and _whole(data["count"], True)
    votes = data["votes"]
    votes_ok = votes is None or (isinstance(votes, list) and all(isinstance(v, str) for v in votes))
    date, rule = _day(data["date"]), _rule(data["rule"])
    if not (texts_ok and signed_ok and numbers_ok and votes_ok) or date is None or (data["rule"] is not None and rule is None):
        return None
    if data["type"] is not None and data["type"] not in TYPES:
        return None
    fields = {k: v for k, v in data.items() if k != "v"}
    fields.update(date=date, rule=rule, votes=tuple(votes) if votes is not None else None)
    return CaseEntry(**fields)


# --- the facts the rules read ------------------------------------------------------------------


@frozen
class Target:
    """A decision as the register holds it: a closed session on a record, with who took part."""

    record: str  # the record's digest
    audit_id: str
    label_id: str | None
    session: int  # the session's opening seq
    status: str  # its result
    level: str | None
    closed_on: dt.date
    chair: str  # who closed it
    took_part: frozenset[str]  # roster ids: who opened, voted in or closed the session
    auditors: tuple[str, ...]  # the audit's auditors and the label's auditors in its cycle, as written
    rule: Rule  # the record's scheme's [committee] table
    levels: tuple[str, ...]  # the scheme's level ids
    later: tuple[dt.date, ...] = ()  # the closing dates of the record's later closed sessions

    @property
    def latest(self) -> bool:
        """Still the record's latest closed session (a later one decided the record again)."""
        return not self.later


Targets = Callable[[str, int], Target | None]  # (record digest, session) → the decision, None when none


@frozen
class CaseProblem:
    """Why an entry does not verify: its seq and a rule (message key `appeal.rule.<rule>`)."""

    seq: int
    rule: str
    params: tuple[tuple[str, str], ...] = ()


@frozen
class Case:
    """A complaint or an appeal as read: its lodging, its votes in order, its closing (None while open)."""

    lodged: CaseEntry
    votes: tuple[CaseEntry, ...] = ()
    closing: CaseEntry | None = None

    @property
    def number(self) -> int:
        return self.lodged.seq

    @property
    def type(self) -> CaseType:
        return self.lodged.type or "complaint"

    @property
    def target(self) -> tuple[str, int] | None:
        e = self.lodged
        return (e.record, e.session) if e.record is not None and e.session is not None else None


@frozen
class Cases:
    """The whole log as read, each entry verified; `valid` only when every one is."""

    entries: tuple[CaseEntry, ...]
    cases: tuple[Case, ...]
    problems: tuple[CaseProblem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems

    def get(self, number: int) -> Case | None:
        return next((c for c in self.cases if c.number == number), None)

    def appeal_of(self, record: str, session: int | None = None) -> Case | None:
        """The appeal lodged against this record's decision (the given session, else any)."""
        return next((c for c in self.cases if c.type == "appeal" and c.target is not None
                     and c.target[0] == record and (session is None or c.target[1] == session)), None)


# --- the rules ---------------------------------------------------------------------------------


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


class _Walk:
    """One walk over the log, in order, keeping the cases and who may still act on them."""

    def __init__(self, roster: Roster, targets: Targets, labels: frozenset[str], today: dt.date) -> None:
        self.roster, self.targets, self.labels, self.today = roster, targets, labels, today
        self.cases: dict[int, Case] = {}
        self.found: list[tuple[str, dict[str, str]]] = []

    def report(self, rule: str, **params: Any) -> None:
        self.found.append((rule, {k: str(v) for k, v in params.items()}))

    def check(self, e: CaseEntry) -> None:
        case = self.cases.get(e.case)
        closer = e.kind == "closed" and case is not None and case.type == "appeal"
        for rule in signer_rules(e, self.roster, ("chair",) if closer else DECIDING_ROLES):
            self.report(rule, member=e.member)
        if e.date > self.today:
            self.report("future", date=e.date, today=self.today)
        if e.kind == "lodged":
            self._lodged(e)
        elif case is None or e.case >= e.seq:
            self.report("no_case", case=e.case)
        elif case.closing is not None:
            self.report("after_close", case=e.case)
        else:
            if e.date < (case.votes[-1].date if case.votes else case.lodged.date):
                self.report("date_order", date=e.date)
            getattr(self, f"_{e.kind}")(e, case)

    def _fields(self, e: CaseEntry, allowed: set[str]) -> None:
        optional = ("type", "label", "record", "session", "by", "grounds", "verdict", "status", "level", "rationale",
                    "votes", "count", "rule", "reason", "outcome")
        extra = [k for k in optional if k not in allowed and getattr(e, k) is not None]
        if extra:
            self.report("fields", kind=e.kind, extra=", ".join(extra))

    # -- lodging --

    def _lodged(self, e: CaseEntry) -> None:
        self._fields(e, {"type", "label", "record", "session", "by", "grounds"})
        if e.case != e.seq:
            self.report("case_number", case=e.case, seq=e.seq)
        if e.type is None:
            self.report("no_type")
        if _blank(e.by) or _blank(e.grounds) or len(e.by or "") + len(e.grounds or "") > MAX_TEXT:
            self.report("grounds")
        against_decision = e.record is not None or e.session is not None
        if (e.label is not None) == against_decision or (e.type == "appeal" and e.label is not None):
            self.report("target_shape", type=e.type or "—")
        elif e.label is not None and e.label not in self.labels:
            self.report("unknown_label", label=e.label)
        elif against_decision:
            self._lodged_against(e)
        self.cases[e.seq] = Case(e)

    def _lodged_against(self, e: CaseEntry) -> None:
        target = self.targets(e.record or "", e.session or 0) if e.record and e.session else None
        if target is None:
            self.report("unknown_decision", record=e.record or "—", session=e.session or "—")
            return
        if e.date < target.closed_on:
            self.report("before_decision", date=e.date, decided=target.closed_on)
        if e.type != "appeal":
            return
        if any(day < e.date for day in target.later):  # a later session had already decided when it was lodged
            self.report("superseded", audit=target.audit_id, session=target.session)
        earlier = next((c for c in self.cases.values() if c.type == "appeal" and c.target == (e.record, e.session)), None)
        if earlier is not None:
            self.report("appealed_twice", audit=target.audit_id, case=earlier.number)

    # -- an appeal's votes and closing --

    def _independent(self, e: CaseEntry, case: Case) -> Target | None:
        """The decision appealed, after checking that the signer took no part in it."""
        target = self.targets(*case.target) if case.target is not None else None
        if target is None:
            return None  # reported on the lodging
        if e.member in target.took_part:
            self.report("took_part", member=e.member, audit=target.audit_id, session=target.session)
        resolved = {m.id for a in target.auditors if (m := self.roster.resolve(a)) is not None}
        folded = {k for a in target.auditors for k in name_keys(a)}
        member = self.roster.get(e.member)
        if e.member in resolved or (member is not None and set(member.folded) & folded):
            self.report("auditor", member=e.member, audit=target.audit_id)
        return target

    def _vote(self, e: CaseEntry, case: Case) -> None:
        self._fields(e, {"verdict", "status", "level", "rationale"})
        if case.type != "appeal":
            self.report("complaint_vote", case=case.number)
            return
        target = self._independent(e, case)
        if any(v.member == e.member for v in case.votes):
            self.report("second_vote", member=e.member, case=case.number)
        if e.verdict == "uphold":
            if e.status is not None or e.level is not None:
                self.report("vote_fields")
        elif e.verdict == "grant":
            self._grant(e, target)
        else:
            self.report("vote_fields")
        self.cases[case.number] = Case(case.lodged, (*case.votes, e))

    def _grant(self, e: CaseEntry, target: Target | None) -> None:
        if _blank(e.rationale):
            self.report("no_rationale")
        if e.status not in STATUSES or (e.status != "granted" and e.level is not None):
            self.report("vote_fields")
        elif target is not None and e.status == "granted" and e.level not in target.levels:
            self.report("unknown_level", level=e.level or "—", known=", ".join(target.levels))
        elif target is not None and (e.status, e.level) == (target.status, target.level):
            self.report("grant_same")

    def _closed(self, e: CaseEntry, case: Case) -> None:
        if case.type == "complaint":
            self._fields(e, {"outcome", "rationale"})
            if e.outcome not in OUTCOMES["complaint"] or _blank(e.rationale):
                self.report("complaint_close")
        else:
            self._fields(e, {"votes", "count", "rule", "reason", "outcome", "status", "level", "rationale"})
            target = self._independent(e, case)
            if target is not None:
                self._appeal_result(e, case, target)
        self.cases[case.number] = Case(case.lodged, case.votes, e)

    def _appeal_result(self, e: CaseEntry, case: Case, target: Target) -> None:
        hashes = tuple(v.hash for v in case.votes)
        if e.votes != hashes or e.count != len(hashes):
            self.report("close_votes", count=len(hashes))
        if e.rule != target.rule:
            self.report("close_rule", quorum=target.rule.quorum)
        voters = {v.member for v in case.votes}
        if len(voters) < target.rule.quorum:
            self.report("quorum", voters=len(voters), quorum=target.rule.quorum)
        expected = appeal_result(case.votes, target.rule, e.member)
        if (e.outcome, e.status, e.level, e.reason) != expected:
            self.report("close_result", expected=" ".join(str(x) for x in expected if x is not None))


def appeal_result(votes: Sequence[CaseEntry], rule: Rule, chair: str) -> tuple[str, str | None, str | None, str]:
    """(outcome, status, level, reason) the votes give: the majority of the scheme's rule among
    `uphold` and each replacement decision; with no majority the decision stands (`upheld`)."""
    def choice(v: CaseEntry) -> tuple[str, str | None]:
        return ("upheld", None) if v.verdict == "uphold" else (str(v.status), v.level)

    chair_vote = next((choice(v) for v in votes if v.member == chair), None)
    choices: list[Any] = [choice(v) for v in votes]  # tally counts any outcomes; "upheld" is one of them here
    (what, level), reason = tally(choices, rule, chair_vote)  # type: ignore[arg-type]
    if reason == "no_majority" or what == "upheld":
        return "upheld", None, None, reason
    return "granted", what, level, reason


def verify_cases(
    rows: Sequence[tuple[int, str, str]], roster: Roster, targets: Targets, labels: frozenset[str], today: dt.date,
) -> Cases:
    """Every rule on every entry of the log, in order: form, place (seq, link), hash, signer and
    signature, what its kind carries, its case, independence, the quorum and the result."""
    walk = _Walk(roster, targets, labels, today)
    entries: list[CaseEntry] = []
    problems: list[CaseProblem] = []
    previous: str | None = None
    for expected, (seq, stored_hash, line) in enumerate(rows, start=1):
        e = parse(line)
        if e is None:
            problems.append(CaseProblem(seq, "malformed"))
            previous = stored_hash
            continue
        walk.found = []
        if e.seq != seq or seq != expected:
            walk.report("out_of_place")
        if e.previous != previous:
            walk.report("unlinked")
        if e.hash != stored_hash or entry_hash(e.data()) != e.hash:
            walk.report("hash")
        walk.check(e)
        problems += [CaseProblem(seq, rule, tuple(sorted(params.items()))) for rule, params in walk.found]
        entries.append(e)
        previous = e.hash
    return Cases(tuple(entries), tuple(walk.cases.values()), tuple(problems))
