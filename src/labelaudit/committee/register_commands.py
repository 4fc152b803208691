"""`labelaudit register add|list|show|due|export|calibration|directory`: argparse and handlers only (the work is in
`committee.register` and `committee.views`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from labelaudit import options
from labelaudit.committee import calibration_commands, directory
from labelaudit.committee.label_commands import timeline_lines
from labelaudit.committee.register import add_record, open_register, register_path
from labelaudit.committee import wording
from labelaudit.committee.views import Registered, all_records, due, records_for_audit, reviews_of, schedule_for, select
from labelaudit.committee.wording import day
from labelaudit.errors import InputError
from labelaudit.i18n import current_lang, tr, words
from labelaudit.i18n.formatting import Figure, short_date, written
from labelaudit.model import Lang
from labelaudit.files import check_output, write_atomic

Output = Callable[[str], None]


def _decision(r: Registered, status: str | None, level: str | None) -> str:
    """`accordé — Confirmé`: the status in words, the level by its title in the record."""
    return wording.decision(status, level, r.record_file, r.record_digest)


def _final(r: Registered) -> str:
    return _decision(r, r.status if r.status in ("undecided", "pending") else r.final_status, r.final_level)


def _column_date(value: str | None) -> str:
    return short_date(value, current_lang())


def _today() -> dt.date:
    return dt.date.today()  # the CLI edge: the only clock


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def cmd_add(args: argparse.Namespace, plugins: object, out: Output) -> int:
    db = register_path(args.register)
    with open_register(db) as conn:
        added = add_record(conn, args.record, today=_today(), label=args.label)
    key = "register.added" if added.new_record else "register.already"
    out(tr(key, audit=added.audit_id, digest=added.record_digest, count=added.new_reviews, path=db))
    return 0


def cmd_list(args: argparse.Namespace, plugins: object, out: Output) -> int:
    with open_register(register_path(args.register), create=False) as conn:
        found = select(all_records(conn, today=_today()), organisation=args.organisation, level=args.level,
                       status=args.status, valid_on=args.valid_on)
    if not found:
        out(tr("register.list.none"))
        return 0
    header = [tr(f"register.list.{c}") for c in ("audit", "organisation", "kind", "decided", "proposal", "final", "until")]
    rows = [
        [r.audit_id, r.organisation, words.kind(r.kind), _column_date(r.decided_on),
         f"{_decision(r, r.proposed_status, r.proposed_level)} ({written(r.proposed_points, current_lang())})",
         _final(r) + (f" ({tr('appeal.list.mark', case=r.appeal.case, state=tr('appeal.state.' + r.appeal.state))})"
                      if r.appeal is not None else ""), _column_date(r.valid_until)]
        for r in found
    ]
    for line in _table([header, *rows]):
        out(line)
    return 0


def _show_one(conn: sqlite3.Connection, r: Registered, out: Output) -> None:
    out(f"{r.audit_id} — {r.organisation}")
    out("  " + tr("register.show.scope", scope=r.scope))
    _show_label(conn, r, out)
    out("  " + tr("register.show.record", digest=r.record_digest, path=r.record_file))
    out("  " + tr("register.show.scheme", scheme=r.scheme_id, version=r.scheme_version, kind=words.kind_audit(r.kind),
                  date=day(r.decided_on)))
    out("  " + tr("register.show.proposal", decision=_decision(r, r.proposed_status, r.proposed_level),
                  points=Figure(r.proposed_points)))
    out("  " + tr("register.show.reviews", count=r.reviews))
    colon = " : " if current_lang() == "fr" else ": "
    for seq, date, kind, _session, member, verdict, status, level, rationale in reviews_of(conn, r.record_digest):
        said = _decision(r, status, level)
        what = {"vote": f"{colon}{words.verdict(verdict)} → {said}", "legacy": f"{colon}{words.verdict(verdict)} → {said}",
                "close": f"{colon}→ {said}"}.get(kind, "")
        why = f" — {rationale}" if rationale else ""
        out(f"    {seq}. {_column_date(date)} {words.entry(kind)} {member}{what}{why}")
    if r.chain != "valid":
        out("  " + tr("register.show.undecided", why=tr(f"register.chain_state.{r.chain}")))
        return
    if r.final_status is None:
        out("  " + tr("register.show.pending"))
        return
    if r.appeal is not None:
        _show_appeal(r, out)
    out("  " + tr("register.show.final", decision=_decision(r, r.final_status, r.final_level), member=r.final_member,
                  date=day(r.final_on)))
    if r.valid_from is not None:
        out("  " + tr("register.show.validity", start=day(r.valid_from), end=day(r.valid_until), years=r.validity_years,
                      months=r.surveillance_months))
        for n, kind, due_on in schedule_for(r):
            out(f"    {_column_date(due_on)}  {tr('register.due.' + kind, n=n)}")


def _show_appeal(r: Registered, out: Output) -> None:
    """The decision was appealed: by which appeal, in what state, and the decision it replaced."""
    assert r.appeal is not None
    a = r.appeal
    out("  " + tr("appeal.register.appealed", case=a.case, state=tr(f"appeal.state.{a.state}"),
                  date=day(a.closed_on) if a.closed_on else "—"))
    if a.state == "granted":
        status, level, member, on = a.original
        out("  " + tr("appeal.register.replaced", decision=_decision(r, status, level), member=member, date=day(on)))


def _show_label(conn: sqlite3.Connection, r: Registered, out: Output) -> None:
    """The label the record belongs to, drawn as its cycle's timeline."""
    if r.label_id is None:
        out("  " + tr("label.show.unattached"))
        return
    for line in timeline_lines(conn, r.label_id, _today()):
        out("  " + line)


def cmd_show(args: argparse.Namespace, plugins: object, out: Output) -> int:
    db = register_path(args.register)
    with open_register(db, create=False) as conn:
        found = records_for_audit(conn, args.audit_id, today=_today())
        if not found:
            raise InputError.at(db, "", tr("register.show.unknown", audit=args.audit_id))
        for r in found:
            _show_one(conn, r, out)
    return 0


def cmd_due(args: argparse.Namespace, plugins: object, out: Output) -> int:
    before = args.before if args.before is not None else _today()
    with open_register(register_path(args.register), create=False) as conn:
        items = due(conn, before, today=_today())
    if not items:
        out(tr("register.due.none", date=before))
        return 0
    rows = [
        [_column_date(i.due_on.isoformat()),
         tr("register.due.surveillance_of", n=i.n, total=i.total) if i.kind == "surveillance" else tr("register.due.renewal"),
         i.record.audit_id, i.record.organisation, _decision(i.record, i.record.final_status, i.record.final_level),
         tr("register.due.until", date=day(i.record.valid_until))]
        for i in items
    ]
    for line in _table(rows):
        out(line)
    return 0


def cmd_export(args: argparse.Namespace, plugins: object, out: Output) -> int:
    """The register as CSV (in the reader's convention, or `--csv-dialect`) and/or XLSX."""
    from labelaudit.committee import spreadsheets

    if args.csv is None and args.xlsx is None:
        raise InputError.at("--csv", "", tr("register.export.nothing"))
    reads = (register_path(args.register),)
    for target in (args.csv, args.xlsx):
        if target is not None:
            check_output(target, reads=reads, force=args.force)
    with open_register(register_path(args.register), create=False) as conn:
        records = all_records(conn, today=_today())
    if args.csv is not None:
        dialect = spreadsheets.dialect_for(current_lang(), args.csv_dialect)
        write_atomic(args.csv, spreadsheets.to_csv(records, dialect), overwrite=args.force)
        out(tr("register.export.written", count=len(records), path=args.csv))
    if args.xlsx is not None:
        write_atomic(args.xlsx, spreadsheets.to_xlsx(records), overwrite=args.force)
        out(tr("register.export.written_xlsx", count=len(records), path=args.xlsx))
    return 0


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """`labelaudit register add|list|show|due|export`; the common options go after the action."""

    def h(key: str) -> str:
        return tr(f"register.help.{key}", lang=lang)

    db = options.register_option(lang)
    parents = [common, db]
    top = commands.add_parser("register", help=h("register"), description=h("register"))
    actions = top.add_subparsers(dest="register_action", required=True, metavar="ACTION")

    add = actions.add_parser("add", parents=parents, help=h("add"), description=h("add"))
    add.add_argument("record", type=Path, metavar="RECORD")
    add.add_argument("--label", metavar="LABEL", help=tr("label.help.attach", lang=lang))
    add.set_defaults(handler=cmd_add)

    listing = actions.add_parser("list", parents=parents, help=h("list"), description=h("list"))
    listing.add_argument("--organisation", metavar="TEXT", help=h("organisation"))
    listing.add_argument("--level", metavar="LEVEL", help=h("level"))
    listing.add_argument("--status", choices=["granted", "refused", "deferred", "pending", "undecided"], help=h("status"))
    listing.add_argument("--valid-on", type=options.date, metavar="YYYY-MM-DD", help=h("valid_on"))
    listing.set_defaults(handler=cmd_list)

    show = actions.add_parser("show", parents=parents, help=h("show"), description=h("show"))
    show.add_argument("audit_id", metavar="AUDIT_ID")
    show.set_defaults(handler=cmd_show)

    due_parser = actions.add_parser("due", parents=parents, help=h("due"), description=h("due"))
    due_parser.add_argument("--before", type=options.date, metavar="YYYY-MM-DD", help=h("before"))
    due_parser.set_defaults(handler=cmd_due)

    export = actions.add_parser("export", parents=parents, help=h("export"), description=h("export"))
    export.add_argument("--csv", type=Path, metavar="OUT", help=h("csv"))
    export.add_argument("--csv-dialect", choices=["fr", "en"], help=tr("csv.help_dialect", lang=lang))
    export.add_argument("--xlsx", type=Path, metavar="OUT", help=h("xlsx"))
    export.add_argument("--force", action="store_true", help=h("force"))
    export.set_defaults(handler=cmd_export)

    calibration = actions.add_parser("calibration", parents=parents, help=tr("calibration.help.command", lang=lang),
                                     description=tr("calibration.help.command", lang=lang))
    calibration.add_argument("--scheme", metavar="ID", help=tr("calibration.help.scheme", lang=lang))
    calibration.add_argument("--format", choices=["text", "csv", "json"], default="text",
                             help=tr("calibration.help.format", lang=lang))
    calibration.set_defaults(handler=cmd_calibration)

    listing_day = actions.add_parser("directory", parents=parents, help=tr("directory.help.command", lang=lang),
                                     description=tr("directory.help.command", lang=lang))
    listing_day.add_argument("--on", type=options.date, metavar="YYYY-MM-DD", help=tr("directory.help.on", lang=lang))
    listing_day.add_argument("--html", type=Path, metavar="OUT.html", help=tr("directory.help.html", lang=lang))
    listing_day.add_argument("--csv", type=Path, metavar="OUT.csv", help=tr("directory.help.csv", lang=lang))
    listing_day.add_argument("--force", action="store_true", help=h("force"))
    listing_day.set_defaults(handler=cmd_directory)


def cmd_calibration(args: argparse.Namespace, plugins: object, out: Output) -> int:
    return calibration_commands.cmd_calibration(args, plugins, out, _today())


def cmd_directory(args: argparse.Namespace, plugins: object, out: Output) -> int:
    return directory.cmd_directory(args, plugins, out, _today())


# --- messages ----------------------------------------------------------------------------------

