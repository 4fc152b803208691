"""The committee's part of the dossier's first page: its votes, its final decision, and whether
the chain they are read from verifies.

`committee_blocks` is given a chain already read and verified with every rule
(`committee.register.read_chain`): it only writes what that reading says. A broken chain is
shown as such, its entries and problems listed, and it decides nothing; a chain whose
signatures could not be checked (no register) is marked unverified the same way, since the
verifier counts that as a broken rule. Dates are in the reader's locale.

Members (each entry's, the chair of the final decision) are shown by the name the roster the
chain was verified against gives their id, the id after it; a chain read without a register,
or an id the roster does not hold, shows the id alone: a name is never guessed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from labelaudit.documents.accessors import NONE, Record, day_text, level_title, number_text
from labelaudit.documents.blocks import Block, Box, Heading, Items, Para, Row, Table, c
from labelaudit.i18n import tr
from labelaudit.model import Lang

if TYPE_CHECKING:
    from labelaudit.committee.register import Chain


def committee_blocks(chain: Chain | None, lang: Lang) -> tuple[Block, ...]:
    """The committee box, or nothing when the record has no chain (no sidecar, no entry).

    Whether the chain verifies and the final decision come first, so that they stay on page 1
    whatever the size of the committee; the votes follow, and a long table goes on overleaf."""
    if chain is None or (not chain.reading.entries and chain.reading.valid):
        return ()
    reading = chain.reading
    blocks: list[Block] = [Heading(3, tr("report.committee.title", lang=lang)), state(chain, lang), final(chain, lang)]
    if reading.problems:
        blocks.append(Items(tuple(problem_text(p, lang) for p in reading.problems), name="chain-problems"))
    blocks.append(entries_table(chain, reading.entries, lang))
    return (Box(tuple(blocks), "committee"),)


def state(chain: Chain, lang: Lang) -> Para:
    """Verified (every signature checked against the roster) or not, as the chain reads."""
    reading = chain.reading
    if reading.problems:
        return Para(tr("report.committee.broken", lang=lang, count=number_text(len(reading.problems), lang)), "flag", "unverified")
    signed = len(reading.entries) - len(reading.legacy)
    text = tr("report.committee.verified", lang=lang, count=number_text(signed, lang))
    if reading.legacy:
        text += " " + tr("report.committee.legacy", lang=lang, count=number_text(len(reading.legacy), lang))
    return Para(text, "verified", "verified")


def problem_text(problem: Any, lang: Lang) -> str:
    message = tr(problem.code, lang=lang, **problem.params)
    return tr("report.committee.at_line", lang=lang, line=problem.line, problem=message) if problem.line else message


def decision_text(record: Record, status: str | None, level: str | None, lang: Lang) -> str:
    if status == "granted":
        return tr("review.status.granted", lang=lang, level=level_title(record, level, lang))
    return tr(f"review.status.{status or 'deferred'}", lang=lang)


def member_text(chain: Chain, member_id: str, lang: Lang) -> str:
    """`Hélène Vasseur (hvasseur)`: the roster's name as written (the roster refuses look-alike
    names), then the id; the id alone when there is no roster or the id is not on it."""
    name = chain.name_of(member_id)
    return tr("report.committee.member_named", lang=lang, name=name, id=member_id) if name else member_id


def entries_table(chain: Chain, entries: tuple[Any, ...], lang: Lang) -> Table:
    """Every entry in the chain's order: date, member, act, the decision it leads to, why."""
    rows = tuple(entry_row(chain.record, e, member_text(chain, e.member, lang), lang) for e in entries)
    head = tuple(tr(f"report.committee.col_{k}", lang=lang) for k in ("date", "member", "act", "decision", "rationale"))
    return Table(head, rows, name="votes")


def entry_row(record: Record, entry: Any, member: str, lang: Lang) -> Row:
    if entry.legacy:
        act = tr("report.committee.act_legacy", lang=lang, verdict=entry.verdict)
        decision = decision_text(record, entry.status, entry.level, lang)
    elif entry.kind == "open":
        act = tr("report.committee.act_open", lang=lang)
        if entry.supersedes:
            act += " " + tr("report.committee.supersedes", lang=lang, session=entry.supersedes)
        decision = ""
    elif entry.kind == "vote":
        act = tr("report.committee.act_vote", lang=lang, verdict=tr(f"report.committee.verdict.{entry.verdict}", lang=lang))
        decision = decision_text(record, entry.status, entry.level, lang)
    else:
        reason = tr(f"review.reason.{entry.reason}", lang=lang) if entry.reason else NONE
        act = tr("report.committee.act_close", lang=lang, count=number_text(entry.count or 0, lang), reason=reason)
        decision = decision_text(record, entry.status, entry.level, lang)
    kinds = ("group",) if not entry.legacy and entry.kind == "close" else ()
    return Row((c(day_text(entry.date.isoformat(), lang)), c(member), c(act), c(decision), c(entry.rationale or "")), kinds)


def final(chain: Chain, lang: Lang) -> Para:
    """The final decision (the latest closed session of a verified chain), or why there is none."""
    reading = chain.reading
    if reading.problems:
        return Para(tr("report.committee.final_none", lang=lang), "flag", "unverified")
    decision = reading.final
    if decision is None:
        return Para(tr("report.committee.pending", lang=lang), "muted")
    text = tr(
        "report.committee.final", lang=lang, session=decision.session, date=day_text(decision.date.isoformat(), lang),
        member=member_text(chain, decision.chair, lang), count=number_text(decision.votes, lang),
        decision=decision_text(chain.record, decision.status, decision.level, lang),
    )
    return Para(text, "final", decision.status)
