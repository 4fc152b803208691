"""`labelaudit label suspend|reinstate|reduce-scope|withdraw|show LABEL`: argparse and handlers
only (the work is in `committee.labels` and `committee.lifecycle`).

    labelaudit label suspend 2026-MTR-001 --until 2027-03-31 --reason "…" --member pmartin --key pmartin.key
    labelaudit label reinstate 2026-MTR-001 --reason "…" --member pmartin --key pmartin.key
    labelaudit label reduce-scope 2026-MTR-001 --scope "…" --reason "…" --member pmartin --key pmartin.key
    labelaudit label withdraw 2026-MTR-001 --reason "…" --member pmartin --key pmartin.key
    labelaudit label show 2026-MTR-001

One verb per act, the label first: each act is a decision of its own with its own required
facts (a deadline, a scope), and `show` reads what the acts wrote.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from labelaudit import options
from labelaudit.committee.appeals import case_moments
from labelaudit.committee.appeals import rule_text as case_rule_text
from labelaudit.committee.casework import read_cases
from labelaudit.committee.labels import Moment, act, records_of, rule_text, state, timeline
from labelaudit.committee.lifecycle import EventKind, read_events
from labelaudit.committee.register import open_register, register_path
from labelaudit.committee.roster import check_id
from labelaudit.committee.signing import key_file, load_private_key
from labelaudit.committee.views import all_records
from labelaudit.errors import InputError
from labelaudit.i18n import current_lang, tr
from labelaudit.i18n.formatting import short_date
from labelaudit.model import Lang

Output = Callable[[str], None]
ACTS: dict[str, EventKind] = {"suspend": "suspended", "reinstate": "reinstated", "reduce-scope": "scope_reduced",
                              "withdraw": "withdrawn"}


def _today() -> dt.date:
    return dt.date.today()  # the CLI edge: the only clock


def cmd_act(args: argparse.Namespace, plugins: object, out: Output) -> int:
    kind = ACTS[args.label_action]
    key = load_private_key(key_file(args.key))
    db = register_path(args.register)
    today = _today()
    with open_register(db, create=False) as conn:
        event = act(conn, args.label, kind, member=check_id(args.member), key=key, on=args.on or today,
                    reason=args.reason, until=getattr(args, "until", None), scope=getattr(args, "scope", None),
                    today=today, place=str(db))
    out(tr(f"label.done.{kind}", label=event.label, seq=event.seq, date=event.date, until=event.until))
    return 0


def timeline_lines(conn: sqlite3.Connection, label: str, today: dt.date) -> list[str]:
    """The label's state and cycle as text: one line per moment (date, what, who, detail)."""
    read = read_events(conn, label)
    records = records_of(all_records(conn, today=today), label)
    cases = read_cases(conn, today=today)
    moments = timeline(records, read, today, case_moments(cases, records, label))
    lines = [tr("label.show.head", label=label, state=tr(f"label.state.{state(moments, today)}"))]
    lines += [_moment(m) for m in moments]
    if not read.valid:
        lines.append("  " + tr("label.show.broken", count=len(read.problems)))
        lines += ["    " + tr("label.place.event", seq=p.seq) + ": " + rule_text(p)
                  for p in read.problems]
    if not cases.valid:
        lines.append("  " + tr("appeal.show.broken", count=len(cases.problems)))
        lines += ["    " + tr("appeal.place.entry", seq=p.seq) + ": " + case_rule_text(p) for p in cases.problems]
    return lines


def _moment(m: Moment) -> str:
    who = f" ({m.who})" if m.who else ""
    detail = f" — {m.detail}" if m.detail else ""
    area = "appeal" if m.what.startswith(("appeal_", "complaint_")) else "label"
    return f"  {short_date(m.on, current_lang())}  {tr(f'{area}.what.{m.what}')}{who}{detail}  [{m.source}]"


def cmd_show(args: argparse.Namespace, plugins: object, out: Output) -> int:
    db = register_path(args.register)
    today = _today()
    with open_register(db, create=False) as conn:
        if not records_of(all_records(conn, today=today), args.label):
            raise InputError.at(db, "", tr("label.unknown", label=args.label))
        for line in timeline_lines(conn, args.label, today):
            out(line)
    return 0


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    def h(key: str) -> str:
        return tr(f"label.help.{key}", lang=lang)

    db = options.register_option(lang)
    signer = argparse.ArgumentParser(add_help=False)
    signer.add_argument("--member", required=True, metavar="ID", help=h("member"))
    signer.add_argument("--key", type=Path, metavar="FILE", help=h("key"))
    signer.add_argument("--reason", required=True, metavar="TEXT", help=h("reason"))
    signer.add_argument("--on", type=options.date, metavar="YYYY-MM-DD", help=h("on"))
    top = commands.add_parser("label", help=h("label"), description=h("label"))
    actions = top.add_subparsers(dest="label_action", required=True, metavar="ACTION")
    for verb in ACTS:
        sub = actions.add_parser(verb, parents=[common, db, signer], help=h(verb), description=h(verb))
        sub.add_argument("label", metavar="LABEL")
        if verb == "suspend":
            sub.add_argument("--until", type=options.date, metavar="YYYY-MM-DD", help=h("until"))
        if verb == "reduce-scope":
            sub.add_argument("--scope", metavar="TEXT", help=h("scope"))
        sub.set_defaults(handler=cmd_act)
    show = actions.add_parser("show", parents=[common, db], help=h("show"), description=h("show"))
    show.add_argument("label", metavar="LABEL")
    show.set_defaults(handler=cmd_show)
