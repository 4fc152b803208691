"""The committee state as people read it: `review --show`, and the block `verify` and `report` add.

Every line here comes from a chain read and verified with every rule (`register.read_chain`):
the entries (signed or legacy), each broken rule by line, and the final decision, or why there
is none.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from labelaudit.committee.chain import Entry, LegacyEntry, proposal
from labelaudit.committee.register import Chain, existing_register, read_chain
from labelaudit.documents.summary import level_title, outcome_line
from labelaudit.i18n import current_lang, tr, words
from labelaudit.model import Lang


def decision_text(record: dict[str, Any], status: str | None, level: str | None, lang: Lang) -> str:
    """GRANTED — level Confirmed / REFUSED / DEFERRED, for a committee decision."""
    if status == "granted":
        return tr("review.status.granted", lang=lang, level=level_title(record, level, lang))
    return tr(f"review.status.{status or 'deferred'}", lang=lang)


def _rationale(text: str | None, lang: Lang) -> list[str]:
    if not text:
        return []
    return [f"     « {text} »" if lang == "fr" else f'     "{text}"']


def entry_lines(record: dict[str, Any], entry: Entry | LegacyEntry, lang: Lang) -> list[str]:
    if isinstance(entry, LegacyEntry):
        head = tr("review.show.legacy", seq=entry.seq, date=entry.date, member=entry.member, verdict=words.verdict(entry.verdict, lang),
                  decision=decision_text(record, entry.status, entry.level, lang))
    elif entry.kind == "open":
        supersedes = tr("review.show.supersedes", session=entry.supersedes) if entry.supersedes else ""
        head = tr("review.show.open", seq=entry.seq, date=entry.date, member=entry.member, supersedes=supersedes)
    elif entry.kind == "vote":
        head = tr("review.show.vote", seq=entry.seq, date=entry.date, member=entry.member, verdict=words.verdict(entry.verdict, lang),
                  decision=decision_text(record, entry.status, entry.level, lang))
    else:
        head = tr("review.show.close", seq=entry.seq, date=entry.date, member=entry.member, count=entry.count,
                  reason=tr(f"review.reason.{entry.reason}") if entry.reason else "—",
                  decision=decision_text(record, entry.status, entry.level, lang))
    return [head, *_rationale(entry.rationale, lang)]


def state_lines(chain: Chain) -> list[str]:
    """Validity, the problems by line, the final decision and any pending session."""
    reading, lang = chain.reading, current_lang()
    lines = []
    if reading.problems:
        lines.append(tr("review.show.broken", path=chain.sidecar, count=len(reading.problems)))
        lines.extend(f"  - {tr('place.line', line=p.line)}: {p}" if p.line else f"  - {p}" for p in reading.problems)
        lines.append(tr("review.show.final_none"))
        return lines
    lines.append(tr("review.show.valid", path=chain.sidecar, count=len(reading.entries)))
    if reading.legacy:
        lines.append(tr("review.show.legacy_note", count=len(reading.legacy)))
    final = reading.final
    if final is None:
        lines.append(tr("review.show.pending"))
    else:
        lines.append(tr("review.show.final", session=final.session, date=final.date, member=final.chair,
                        count=final.votes, decision=decision_text(chain.record, final.status, final.level, lang)))
    pending = reading.pending
    if pending is not None:
        lines.append(tr("review.show.pending_session", session=pending.opening.seq, count=len(pending.votes)))
    return lines


def render_chain(chain: Chain) -> list[str]:
    """The lines `review --show` prints: the proposal, each entry, the state."""
    lang = current_lang()
    record, audit = chain.record, chain.record["audit"]
    status, level = proposal(record)
    lines = [
        tr("review.show.title", audit=audit["id"], organisation=audit["organisation"]),
        tr("review.show.record", path=chain.record_path, digest=chain.record_digest),
        tr("review.show.proposal", decision=outcome_line(record, status, level, lang)),
    ]
    for entry in chain.reading.entries:
        lines += entry_lines(record, entry, lang)
    return lines + state_lines(chain)


def committee_block(
    record_path: Path, *, register: Path | None = None, today: dt.date | None = None,
    loaded: tuple[dict[str, Any], str] | None = None,
) -> tuple[list[str], bool]:
    """For `verify`: the committee's state of a record, and whether its chain is sound.

    `register`: as for `review` (default: LABELAUDIT_REGISTER or the register here when it
    exists). `loaded`: the record and its digest, as `read_chain` takes them.
    """
    chain = read_chain(record_path, register=existing_register(register), today=today or dt.date.today(), loaded=loaded)
    return committee_lines(chain)


def committee_lines(chain: Chain) -> tuple[list[str], bool]:
    """A chain's committee block (for `verify`, `report` and the desk), and whether it is sound.
    A record without a sidecar and unknown to the register gives no lines."""
    if not chain.reading.entries and chain.reading.valid:
        return [], True
    lines, lang = [tr("review.report.title")], current_lang()
    for entry in chain.reading.entries:
        lines += ["  " + line for line in entry_lines(chain.record, entry, lang)]
    lines += ["  " + line for line in state_lines(chain)]
    return lines, chain.reading.valid


def with_committee(text: str, fmt: str, lines: list[str]) -> str:
    """A report's text with the committee block added at its end (nothing when there is none)."""
    if not lines:
        return text
    title, body = lines[0].rstrip(" :"), "\n".join(line[2:] for line in lines[1:])
    if fmt == "md":
        return f"{text.rstrip()}\n\n## {title}\n\n```text\n{body}\n```\n"
    import html

    block = f'<section class="committee"><h2>{html.escape(title)}</h2><pre>{html.escape(body)}</pre></section>\n'
    head, sep, tail = text.rpartition("</body>")
    return f"{head}{block}{sep}{tail}" if sep else text + block
