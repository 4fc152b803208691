"""A committee session: opened by the chair, voted on by the members, closed by the chair.

The committee decides in sessions, as ISO/IEC 17065 asks (a decision by people independent of
the evaluation, recorded with who decided what):

- the chair *opens* a session on a record (an appeal or a later session names the closed
  session it `supersedes`);
- each member *votes* once: confirm (the proposal), override (another level, or a refusal) or
  defer, with a rationale except for confirm;
- the chair *closes* it: the closing entry commits to the hash of every vote and their count,
  states the rule applied (the scheme's `[committee]` table: quorum, majority, whether the
  chair breaks a tie) and the result.

Only a closed session is a decision, and the latest closed one is the committee's final
decision; an open session is pending. The result is a function of the votes (`tally`), which
the verifier recomputes on every read: a closing cannot state another result than its votes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from attrs import frozen

from labelaudit.committee.chain import Entry, Rule, Status, Verdict, level_ids, proposal

Outcome = tuple[Status, str | None]


def rule_of(record: dict[str, Any]) -> Rule:
    """The record's scheme's `[committee]` table (the record keeps it), else the defaults."""
    table = record.get("scheme", {}).get("committee")
    if not isinstance(table, dict):
        return Rule()
    default = Rule()
    return Rule(
        quorum=table.get("quorum", default.quorum),
        majority=table.get("majority", default.majority),
        chair_breaks_tie=table.get("chair_breaks_tie", default.chair_breaks_tie),
    )


def vote_outcome(record: dict[str, Any], verdict: Verdict, level: str | None, refuse: bool) -> Outcome:
    """The decision a vote leads to (the option checks are the verifier's)."""
    if verdict == "confirm":
        return proposal(record)
    if verdict == "defer":
        return ("deferred", None)
    return ("refused", None) if refuse else ("granted", level)


def vote_problems(record: dict[str, Any], entry: Entry) -> list[tuple[str, dict[str, Any]]]:
    """What is wrong with a vote's verdict, status, level and rationale (code, parameters)."""
    found: list[tuple[str, dict[str, Any]]] = []
    outcome = (entry.status, entry.level)
    if entry.verdict is None or entry.status is None:
        return [("vote_fields", {})]
    if entry.verdict == "confirm" and outcome != proposal(record):
        found.append(("confirm_differs", {"found": _shown(outcome), "proposal": _shown(proposal(record))}))
    if entry.verdict == "defer" and outcome != ("deferred", None):
        found.append(("defer_fields", {}))
    if entry.verdict == "override":
        if entry.status == "granted" and entry.level not in level_ids(record):
            known = ", ".join(level_ids(record))
            found.append(("unknown_level", {"level": entry.level, "known": known}))
        elif entry.status == "deferred" or (entry.status == "refused" and entry.level is not None):
            found.append(("override_fields", {}))
        elif outcome == proposal(record):
            found.append(("override_same", {}))
    if entry.verdict in ("override", "defer") and not (entry.rationale or "").strip():
        found.append(("rationale", {"verdict": entry.verdict}))
    return found


def _shown(outcome: tuple[str | None, str | None]) -> str:
    status, level = outcome
    return f"{status} {level}" if level else str(status)


def tally(outcomes: Sequence[Outcome], rule: Rule, chair_outcome: Outcome | None) -> tuple[Outcome, str]:
    """The result of a session's votes and why: majority, chair_casting or no_majority.

    simple: more than half of the votes; two_thirds: at least two thirds. With no majority, an
    exact tie between two outcomes is broken by the chair's own vote when the rule allows it;
    otherwise the session decides to defer (no decision was reached).
    """
    total = len(outcomes)
    if total == 0:
        return ("deferred", None), "no_majority"
    counts = Counter(outcomes)
    top = max(counts.values())
    leaders = [o for o, c in counts.items() if c == top]
    enough = top * 2 > total if rule.majority == "simple" else top * 3 >= total * 2
    if len(leaders) == 1 and enough:
        return leaders[0], "majority"
    if rule.chair_breaks_tie and len(leaders) == 2 and top * 2 == total and chair_outcome in leaders:
        assert chair_outcome is not None
        return chair_outcome, "chair_casting"
    return ("deferred", None), "no_majority"


@frozen
class Session:
    """One session as read: its opening, its votes in order, its closing (None while open)."""

    opening: Entry
    votes: tuple[Entry, ...]
    closing: Entry | None

    @property
    def closed(self) -> bool:
        return self.closing is not None


@frozen
class Decision:
    """The committee's final decision: the result of the latest closed session of a valid chain."""

    status: Status
    level: str | None
    reason: str
    session: int
    closing_seq: int
    chair: str
    date: dt.date
    votes: int
