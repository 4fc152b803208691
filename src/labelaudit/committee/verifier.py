"""The verifier: every rule of the committee's chain, checked on the whole chain at every read.

`verify(content, context)` is the one place the rules live. Reading a chain (`review --show`,
`verify`, `report`, `register add/list/show/due`) runs it; writing an entry builds the entry,
runs it on the chain plus the entry, and refuses when the entry breaks a rule. So a rule
checked when a review is appended is also checked whenever the chain is read, and a line
written by hand meets the same rules as one written by labelaudit.

The rules, each reported by line and name (`review.rule.*`):

- the lines (chain.LineReader): JSON, keys, canonical form, hash, number, link, record digest;
- signatures: the member and the key id are in the roster and in force on the entry's date,
  and the Ed25519 signature verifies (no roster, no verified signature: nothing is decided);
- roles: a chair opens and closes, a chair or member votes;
- independence: the signer is neither one of the audit's auditors (by roster id, or by folded
  name, so that a look-alike of a roster-less auditor is caught) nor an auditor of the same
  label in the register within the label's cycle;
- dates: not before the record's decision date, not before the previous entry's, not after
  the `today` given;
- sessions: a vote or a closing belongs to the open session; one vote per member; a new
  session names the closed one it supersedes; the closing is by the chair who opened it,
  commits to the hash of every vote and their count, states the scheme's rule, reaches the
  quorum, and states the result the votes give (`sessions.tally`);
- votes: a confirm equals the proposal; an override names a level of the scheme (the record
  keeps the scheme's levels) or a refusal, and differs from the proposal; a rationale for
  override and defer;
- the register: every entry it has seen is still in the file, unchanged (a chain cut short or
  rewritten, a sidecar removed); legacy (unsigned) lines never follow signed ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from attrs import frozen

from labelaudit.committee.chain import AnyEntry, ChainProblem, Entry, LegacyEntry, Rule, read_lines
from labelaudit.committee.names import name_keys
from labelaudit.committee.roster import Member, Roster
from labelaudit.committee.sessions import Decision, Session, rule_of, tally, vote_problems
from labelaudit.committee.signing import verifies

# The fields each kind of entry carries; the others must be null.
_KIND_FIELDS = {
    "open": {"supersedes", "rationale"},
    "vote": {"verdict", "status", "level", "rationale"},
    "close": {"status", "level", "rationale", "votes", "count", "rule", "reason"},
}
_OPTIONAL = ("verdict", "status", "level", "rationale", "supersedes", "votes", "count", "rule", "reason")
_REQUIRED = {"vote": ("verdict", "status"), "close": ("status", "votes", "count", "rule", "reason")}


@frozen
class Context:
    """What a chain is checked against, besides its own lines."""

    record: dict[str, Any]
    record_digest: str
    today: dt.date
    roster: Roster | None = None  # None: no register, so no signature can be verified
    cycle_auditors: tuple[str, ...] = ()  # auditors of the same label within its cycle (register)
    known: tuple[tuple[int, str], ...] = ()  # (seq, hash) of every entry the register has seen
    sidecar_exists: bool = True

    @property
    def rule(self) -> Rule:
        return rule_of(self.record)

    @property
    def decided_on(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(self.record.get("decided_on")))
        except ValueError:
            return None


@frozen
class Reading:
    """A chain as read: its entries, sessions and every broken rule."""

    entries: tuple[AnyEntry, ...]
    problems: tuple[ChainProblem, ...]
    sessions: tuple[Session, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def legacy(self) -> tuple[LegacyEntry, ...]:
        return tuple(e for e in self.entries if isinstance(e, LegacyEntry))

    @property
    def final(self) -> Decision | None:
        """The latest closed session's result; None while pending or when a rule is broken."""
        if not self.valid:
            return None
        closed = [s for s in self.sessions if s.closing is not None]
        if not closed:
            return None
        last = closed[-1]
        c = last.closing
        assert c is not None and c.status is not None and c.reason is not None
        return Decision(c.status, c.level, c.reason, last.opening.seq, c.seq, c.member, c.date, len(last.votes))

    @property
    def pending(self) -> Session | None:
        """The session still open, if any."""
        return self.sessions[-1] if self.sessions and self.sessions[-1].closing is None else None


class _Rules:
    """One walk over the entries, in order, keeping the open session and the previous date."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.problems: list[ChainProblem] = []
        self.sessions: list[Session] = []
        self.open: Session | None = None
        self.previous_date: dt.date | None = None
        self.seen_signed = False
        self.auditor_ids, self.auditor_names = self._auditors()

    def report(self, line: int, code: str, **params: Any) -> None:
        self.problems.append(ChainProblem(line, f"review.rule.{code}", {"line": line, **params}))

    def _auditors(self) -> tuple[set[str], set[str]]:
        names = [str(a) for a in self.ctx.record.get("audit", {}).get("auditors", [])]
        names += list(self.ctx.cycle_auditors)
        ids: set[str] = set()
        if self.ctx.roster is not None:
            ids = {m.id for n in names if (m := self.ctx.roster.resolve(n)) is not None}
        return ids, {key for n in names for key in name_keys(n)}

    # -- per entry --

    def check(self, entry: AnyEntry) -> None:
        if isinstance(entry, LegacyEntry):
            if self.seen_signed:
                self.report(entry.line_no, "legacy_after_signed")
            self._check_dates(entry.line_no, entry.date)
            return
        self.seen_signed = True
        member = self._check_signature(entry)
        if member is not None:
            self._check_role(entry, member)
            self._check_independence(entry, member)
        self._check_fields(entry)
        self._check_dates(entry.line_no, entry.date)
        getattr(self, f"_{entry.kind}")(entry)

    def _check_signature(self, e: Entry) -> Member | None:
        roster = self.ctx.roster
        if roster is None:
            return None  # reported once for the whole chain
        member = roster.get(e.member)
        if member is None:
            self.report(e.line_no, "unknown_member", member=e.member)
            return None
        if not member.in_force(e.date):
            self.report(e.line_no, "member_not_in_force", member=e.member, date=e.date)
        key = member.key(e.key)
        if key is None:
            self.report(e.line_no, "unknown_key", member=e.member, key=e.key)
            return member
        if not key.in_force(e.date):
            self.report(e.line_no, "key_not_in_force", key=e.key, date=e.date,
                        since=key.since, until=key.retired_on or "—")
        if not verifies(key.public, e.signature, e.signed_bytes()):
            self.report(e.line_no, "signature", member=e.member, key=e.key)
        return member

    def _check_role(self, e: Entry, member: Member) -> None:
        wanted = ("chair",) if e.kind in ("open", "close") else ("chair", "member")
        if not set(wanted) & set(member.roles):
            self.report(e.line_no, "role", member=e.member, kind=e.kind, roles=", ".join(member.roles))

    def _check_independence(self, e: Entry, member: Member) -> None:
        if member.id in self.auditor_ids or set(member.folded) & self.auditor_names:
            self.report(e.line_no, "auditor", member=f"{member.name} ({member.id})")

    def _check_fields(self, e: Entry) -> None:
        allowed = _KIND_FIELDS[e.kind]
        extra = [k for k in _OPTIONAL if k not in allowed and getattr(e, k) is not None]
        missing = [k for k in _REQUIRED.get(e.kind, ()) if getattr(e, k) is None]
        if extra or missing:
            self.report(e.line_no, "fields", kind=e.kind, extra=", ".join(extra) or "-", missing=", ".join(missing) or "-")

    def _check_dates(self, line: int, day: dt.date) -> None:
        decided = self.ctx.decided_on
        if decided is not None and day < decided:
            self.report(line, "before_decision", date=day, decided=decided)
        if self.previous_date is not None and day < self.previous_date:
            self.report(line, "date_order", date=day, previous=self.previous_date)
        if day > self.ctx.today:
            self.report(line, "future", date=day, today=self.ctx.today)
        self.previous_date = day if self.previous_date is None else max(day, self.previous_date)

    # -- per kind --

    def _open(self, e: Entry) -> None:
        if e.session != e.seq:
            self.report(e.line_no, "session_id", session=e.session, seq=e.seq)
        if self.open is not None:
            self.report(e.line_no, "open_twice", session=self.open.opening.seq)
        closed = [s for s in self.sessions if s.closing is not None]
        wanted = closed[-1].opening.seq if closed else None
        if e.supersedes != wanted:
            self.report(e.line_no, "supersedes", found=e.supersedes if e.supersedes is not None else "—",
                        expected=wanted if wanted is not None else "—")
        session = Session(e, (), None)
        self.sessions.append(session)
        self.open = session

    def _in_session(self, e: Entry) -> Session | None:
        if self.open is None or e.session != self.open.opening.seq:
            after = any(s.opening.seq == e.session and s.closing is not None for s in self.sessions)
            self.report(e.line_no, "after_close" if after else "no_session", session=e.session)
            return None
        return self.open

    def _replace(self, old: Session, new: Session | None, kept: Session) -> None:
        self.sessions[self.sessions.index(old)] = kept
        self.open = new

    def _vote(self, e: Entry) -> None:
        for code, params in vote_problems(self.ctx.record, e):
            self.report(e.line_no, code, **params)
        session = self._in_session(e)
        if session is None:
            return
        earlier = next((v for v in session.votes if v.member == e.member), None)
        if earlier is not None:
            self.report(e.line_no, "second_vote", member=e.member, first=earlier.line_no)
        grown = Session(session.opening, (*session.votes, e), None)
        self._replace(session, grown, grown)

    def _close(self, e: Entry) -> None:
        session = self._in_session(e)
        if session is None:
            return
        if e.member != session.opening.member:
            self.report(e.line_no, "close_chair", member=e.member, chair=session.opening.member)
        hashes = tuple(v.hash for v in session.votes)
        if e.votes != hashes:
            missing = [v.line_no for v in session.votes if v.hash not in (e.votes or ())]
            unknown = len([h for h in (e.votes or ()) if h not in hashes])
            self.report(e.line_no, "close_votes", missing=", ".join(map(str, missing)) or "-", unknown=unknown)
        if e.count != len(session.votes) or (e.votes is not None and e.count != len(e.votes)):
            self.report(e.line_no, "close_count", count=e.count, votes=len(session.votes))
        rule = self.ctx.rule
        if e.rule != rule:
            self.report(e.line_no, "close_rule", found=_rule_text(e.rule), expected=_rule_text(rule))
        voters = {v.member for v in session.votes}
        if len(voters) < rule.quorum:
            self.report(e.line_no, "quorum", voters=len(voters), quorum=rule.quorum)
        self._check_result(e, session, rule)
        self._replace(session, None, Session(session.opening, session.votes, e))

    def _check_result(self, e: Entry, session: Session, rule: Rule) -> None:
        outcomes = [(v.status, v.level) for v in session.votes if v.status is not None]
        chair_vote = next((v for v in session.votes if v.member == session.opening.member), None)
        chair = (chair_vote.status, chair_vote.level) if chair_vote is not None and chair_vote.status else None
        (status, level), reason = tally(outcomes, rule, chair)  # type: ignore[arg-type]
        if (e.status, e.level, e.reason) != (status, level, reason):
            self.report(e.line_no, "close_result", found=f"{e.status} {e.level or ''} ({e.reason})".replace("  ", " "),
                        expected=f"{status} {level or ''} ({reason})".replace("  ", " "))


def _rule_text(rule: Rule | None) -> str:
    if rule is None:
        return "—"
    return f"quorum {rule.quorum}, {rule.majority}, chair_breaks_tie={str(rule.chair_breaks_tie).lower()}"


def _register_problems(entries: Sequence[AnyEntry], ctx: Context) -> list[ChainProblem]:
    """What the register has seen that the file no longer holds, or holds differently."""
    if not ctx.known:
        return []
    if not ctx.sidecar_exists:
        return [ChainProblem(0, "review.rule.sidecar_missing", {"count": len(ctx.known)})]
    in_file = {e.seq: e.hash for e in entries}
    problems = []
    for seq, stored in ctx.known:
        if seq not in in_file:
            problems.append(ChainProblem(seq, "register.chain.missing", {"seq": seq, "hash": stored}))
        elif in_file[seq] != stored:
            problems.append(ChainProblem(seq, "register.chain.differs", {"seq": seq, "hash": stored}))
    return problems


def verify(content: bytes, ctx: Context) -> Reading:
    """Every rule, on the whole chain (`content`: the sidecar's bytes, b"" when there is none)."""
    entries, problems = read_lines(content, ctx.record_digest)
    rules = _Rules(ctx)
    for entry in entries:
        rules.check(entry)
    problems += rules.problems
    signed = any(isinstance(e, Entry) for e in entries)
    if signed and ctx.roster is None:
        problems.append(ChainProblem(0, "review.rule.no_roster", {}))
    problems += _register_problems(entries, ctx)
    problems.sort(key=lambda p: p.line)
    return Reading(tuple(entries), tuple(problems), tuple(rules.sessions))
