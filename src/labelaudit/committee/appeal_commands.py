"""`labelaudit appeal lodge|vote|close|show|list` and `labelaudit complaint lodge|close|show|list`:
argparse and handlers only (the work is in `committee.appeals`, the rules in `committee.cases`).

    labelaudit appeal lodge 2026-MTR-001 --by "Mutuelle des Trois Rivières" --grounds "…" --member pmartin --key pmartin.key
    labelaudit appeal vote 1 --uphold --member aleroy --key aleroy.key
    labelaudit appeal vote 1 --grant --level confirme --rationale "…" --member bnoel --key bnoel.key
    labelaudit appeal close 1 --chair cgarnier --key cgarnier.key
    labelaudit appeal show 1
    labelaudit complaint lodge --label 2026-MTR-001 --by "Un client" --grounds "…" --member pmartin --key pmartin.key
    labelaudit complaint close 2 --founded --rationale "…" --member pmartin --key pmartin.key

An appeal is against a decision: a closed session on a record, named by its audit id (and
`--session N`, else the latest; `--record DIGEST` when two records share the audit id). A
complaint is against a decision or a label. The case number is the one `lodge` prints.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from labelaudit import options
from labelaudit.committee import wording
from labelaudit.committee.appeals import close_appeal, close_complaint, lodge, rule_text, vote
from labelaudit.committee.cases import Case, Cases, CaseType
from labelaudit.committee.casework import read_cases, targets_of
from labelaudit.committee.register import open_register, register_path
from labelaudit.committee.roster import check_id
from labelaudit.committee.signing import key_file, load_private_key
from labelaudit.errors import InputError
from labelaudit.i18n import current_lang, tr
from labelaudit.i18n.formatting import short_date
from labelaudit.model import Lang

Output = Callable[[str], None]


def _today() -> dt.date:
    return dt.date.today()  # the CLI edge: the only clock


def _decision(conn: sqlite3.Connection, record: str | None, status: str | None, level: str | None) -> str:
    """`accordé — Excellence`: the status in words, the level by its title in the appealed record."""
    return wording.decision_on(conn, record, status, level)


def _choice(conn: sqlite3.Connection, record: str | None, verdict: str | None, status: str | None, level: str | None) -> str:
    """A vote on an appeal in words: `maintenir la décision`, `accueillir l'appel → accordé — Excellence`."""
    word = tr(f"appeal.verdict.{verdict}")
    return word if verdict == "uphold" else f"{word} → {_decision(conn, record, status, level)}"


def _signing(args: argparse.Namespace, option: str = "member") -> dict[str, Any]:
    today = _today()
    return {"key": load_private_key(key_file(args.key)), "on": args.on or today, "today": today,
            "place": str(register_path(args.register)), option: check_id(getattr(args, option))}


def _lodged(out: Output, type_: CaseType, case: int, date: dt.date) -> int:
    out(tr(f"{type_}.done.lodged", case=case, date=date))
    return 0


def cmd_appeal_lodge(args: argparse.Namespace, plugins: object, out: Output) -> int:
    signing = _signing(args)
    with open_register(register_path(args.register), create=False) as conn:
        e = lodge(conn, "appeal", audit=args.audit, session=args.session, record=args.record, by=args.by,
                  grounds=args.grounds, **signing)
    return _lodged(out, "appeal", e.case, e.date)


def cmd_complaint_lodge(args: argparse.Namespace, plugins: object, out: Output) -> int:
    if (args.audit is None) == (args.label is None):
        raise InputError.at("--audit", "", tr("complaint.target"))
    signing = _signing(args)
    with open_register(register_path(args.register), create=False) as conn:
        e = lodge(conn, "complaint", audit=args.audit, session=args.session, record=args.record, label=args.label,
                  by=args.by, grounds=args.grounds, **signing)
    return _lodged(out, "complaint", e.case, e.date)


def _vote_choice(args: argparse.Namespace) -> tuple[bool, str | None, str | None]:
    """(uphold, status, level) from --uphold, or --grant with exactly one of --level, --refuse, --defer."""
    picked = [o for o, given in (("--level", args.level is not None), ("--refuse", args.refuse),
                                 ("--defer", args.defer)) if given]
    if args.uphold and picked:
        raise InputError.at(picked[0], "", tr("appeal.vote.uphold_alone"))
    if args.uphold:
        return True, None, None
    if len(picked) != 1:
        raise InputError.at("--grant", "", tr("appeal.vote.grant_needs"))
    if args.level is not None:
        return False, "granted", args.level
    return False, "refused" if args.refuse else "deferred", None


def cmd_appeal_vote(args: argparse.Namespace, plugins: object, out: Output) -> int:
    uphold, status, level = _vote_choice(args)
    signing = _signing(args)
    with open_register(register_path(args.register), create=False) as conn:
        e = vote(conn, args.case, uphold=uphold, status=status, level=level, rationale=args.rationale, **signing)
        verdict = _choice(conn, _appealed(conn, e.case), e.verdict, e.status, e.level)
    out(tr("appeal.done.vote", case=e.case, seq=e.seq, member=e.member, verdict=verdict))
    return 0


def cmd_appeal_close(args: argparse.Namespace, plugins: object, out: Output) -> int:
    signing = _signing(args, "chair")
    with open_register(register_path(args.register), create=False) as conn:
        e = close_appeal(conn, args.case, rationale=args.rationale, **signing)
        decision = (_decision(conn, _appealed(conn, e.case), e.status, e.level) if e.outcome == "granted"
                    else tr("appeal.decision_stands"))
    out(tr("appeal.done.closed", case=e.case, date=e.date, count=e.count, outcome=tr(f"appeal.state.{e.outcome}"),
           reason=tr(f"review.reason.{e.reason}"), decision=decision))
    return 0


def cmd_complaint_close(args: argparse.Namespace, plugins: object, out: Output) -> int:
    signing = _signing(args)
    with open_register(register_path(args.register), create=False) as conn:
        e = close_complaint(conn, args.case, founded=args.founded, rationale=args.rationale, **signing)
    out(tr("complaint.done.closed", case=e.case, date=e.date, outcome=tr(f"appeal.state.{e.outcome}")))
    return 0


# --- reading -----------------------------------------------------------------------------------


def _appealed(conn: sqlite3.Connection, number: int) -> str | None:
    """The digest of the record whose decision case `number` is about, as its (verified) lodging says."""
    case = read_cases(conn, today=_today()).get(number)
    return case.lodged.record if case is not None else None


def _state(case: Case, cases: Cases) -> str:
    if not cases.valid:
        return "unverified"
    return "open" if case.closing is None else str(case.closing.outcome)


def _against(conn: sqlite3.Connection, case: Case) -> str:
    e = case.lodged
    if e.label is not None:
        return tr("appeal.show.against_label", label=e.label)
    target = targets_of(conn)(e.record or "", e.session or 0)
    if target is None:
        return tr("appeal.show.against_unknown", record=e.record, session=e.session)
    return tr("appeal.show.against_decision", audit=target.audit_id, session=target.session,
              decision=_decision(conn, target.record, target.status, target.level), date=target.closed_on, chair=target.chair,
              record=target.record)


def case_lines(conn: sqlite3.Connection, case: Case, cases: Cases) -> list[str]:
    e = case.lodged
    lines = [tr("appeal.show.head", type=tr(f"appeal.type.{case.type}").capitalize(), case=case.number,
                state=tr(f"appeal.state.{_state(case, cases)}")),
             "  " + _against(conn, case),
             "  " + tr("appeal.show.lodged", date=e.date, member=e.member, by=e.by, grounds=e.grounds)]
    for v in case.votes:
        why = f" — {v.rationale}" if v.rationale else ""
        lines.append("    " + tr("appeal.show.vote", seq=v.seq, date=short_date(v.date, current_lang()), member=v.member,
                                 choice=_choice(conn, e.record, v.verdict, v.status, v.level), why=why))
    c = case.closing
    if c is not None and case.type == "appeal":
        lines.append("  " + tr("appeal.show.closed", date=c.date, member=c.member, count=c.count,
                               outcome=tr(f"appeal.state.{c.outcome}"), reason=tr(f"review.reason.{c.reason}"),
                               quorum=c.rule.quorum if c.rule else "—",
                               decision=_decision(conn, e.record, c.status, c.level) if c.outcome == "granted"
                               else tr("appeal.decision_stands")))
    elif c is not None:
        lines.append("  " + tr("complaint.show.closed", date=c.date, member=c.member,
                               outcome=tr(f"appeal.state.{c.outcome}"), rationale=c.rationale))
    return lines


def _problems(cases: Cases) -> list[str]:
    if cases.valid:
        return []
    return [tr("appeal.show.broken", count=len(cases.problems))] + [
        "  " + tr("appeal.place.entry", seq=p.seq) + ": " + rule_text(p) for p in cases.problems]


def _show(type_: CaseType) -> Callable[[argparse.Namespace, object, Output], int]:
    def handler(args: argparse.Namespace, plugins: object, out: Output) -> int:
        db = register_path(args.register)
        with open_register(db, create=False) as conn:
            cases = read_cases(conn, today=_today())
            case = cases.get(args.case)
            if case is None or case.type != type_:
                raise InputError.at(db, "", tr(f"{type_}.unknown", case=args.case))
            lines = case_lines(conn, case, cases)
        for line in lines + _problems(cases):
            out(line)
        return 0 if cases.valid else 2

    return handler


def _list(type_: CaseType) -> Callable[[argparse.Namespace, object, Output], int]:
    def handler(args: argparse.Namespace, plugins: object, out: Output) -> int:
        with open_register(register_path(args.register), create=False) as conn:
            cases = read_cases(conn, today=_today())
            lines = [f"{c.number:>4}  {short_date(c.lodged.date, current_lang())}  {tr('appeal.state.' + _state(c, cases)):<12}"
                     f"  {_against(conn, c)}" for c in cases.cases if c.type == type_]
        for line in lines or [tr("appeal.list.none", type=tr(f"appeal.type.{type_}"))]:
            out(line)
        for line in _problems(cases):
            out(line)
        return 0 if cases.valid else 2

    return handler


# --- the parser --------------------------------------------------------------------------------


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    def h(key: str) -> str:
        return tr(f"appeal.help.{key}", lang=lang)

    db = options.register_option(lang)
    dated = argparse.ArgumentParser(add_help=False)
    dated.add_argument("--key", type=Path, metavar="FILE", help=tr("label.help.key", lang=lang))
    dated.add_argument("--on", type=options.date, metavar="YYYY-MM-DD", help=h("on"))
    member = argparse.ArgumentParser(add_help=False)
    member.add_argument("--member", required=True, metavar="ID", help=h("member"))
    decision = argparse.ArgumentParser(add_help=False)
    decision.add_argument("--session", type=options.positive_int, metavar="N", help=h("session"))
    decision.add_argument("--record", metavar="DIGEST", help=h("record"))
    decision.add_argument("--by", required=True, metavar="TEXT", help=h("by"))
    decision.add_argument("--grounds", required=True, metavar="TEXT", help=h("grounds"))
    signed = [common, db, dated]

    for type_ in ("appeal", "complaint"):
        top = commands.add_parser(type_, help=h(type_), description=h(type_))
        actions = top.add_subparsers(dest=f"{type_}_action", required=True, metavar="ACTION")
        lodging = actions.add_parser("lodge", parents=[*signed, member, decision], help=h(f"{type_}_lodge"),
                                     description=h(f"{type_}_lodge"))
        if type_ == "appeal":
            lodging.add_argument("audit", metavar="AUDIT_ID", help=h("audit"))
            lodging.set_defaults(handler=cmd_appeal_lodge)
        else:
            lodging.add_argument("--audit", metavar="AUDIT_ID", help=h("audit"))
            lodging.add_argument("--label", metavar="LABEL", help=h("label"))
            lodging.set_defaults(handler=cmd_complaint_lodge)
        for verb, handler in (("show", _show(type_)), ("list", _list(type_))):  # type: ignore[arg-type]
            sub = actions.add_parser(verb, parents=[common, db], help=h(f"{verb}"), description=h(f"{verb}"))
            if verb == "show":
                sub.add_argument("case", type=options.positive_int, metavar="CASE")
            sub.set_defaults(handler=handler)

        closing = actions.add_parser("close", parents=[*signed], help=h(f"{type_}_close"),
                                     description=h(f"{type_}_close"))
        closing.add_argument("case", type=options.positive_int, metavar="CASE")
        if type_ == "appeal":
            closing.add_argument("--chair", required=True, metavar="ID", help=h("chair"))
            closing.add_argument("--rationale", metavar="TEXT", help=h("rationale"))
            closing.set_defaults(handler=cmd_appeal_close)
        else:
            closing.add_argument("--member", required=True, metavar="ID", help=h("member"))
            found = closing.add_mutually_exclusive_group(required=True)
            found.add_argument("--founded", action="store_true", help=h("founded"))
            found.add_argument("--unfounded", action="store_true", help=h("unfounded"))
            closing.add_argument("--rationale", required=True, metavar="TEXT", help=h("resolution"))
            closing.set_defaults(handler=cmd_complaint_close)
        if type_ == "appeal":
            voting = actions.add_parser("vote", parents=[*signed, member], help=h("vote"), description=h("vote"))
            voting.add_argument("case", type=options.positive_int, metavar="CASE")
            choice = voting.add_mutually_exclusive_group(required=True)
            choice.add_argument("--uphold", action="store_true", help=h("uphold"))
            choice.add_argument("--grant", action="store_true", help=h("grant"))
            voting.add_argument("--level", metavar="LEVEL", help=h("level"))
            voting.add_argument("--refuse", action="store_true", help=h("refuse"))
            voting.add_argument("--defer", action="store_true", help=h("defer"))
            voting.add_argument("--rationale", metavar="TEXT", help=h("rationale"))
            voting.set_defaults(handler=cmd_appeal_vote)
