"""`labelaudit register directory`: the public list of the labels valid on a day, as a
self-contained HTML page and a CSV.

A label is listed when its lifecycle (`labels.timeline` and `labels.state`, read from what the
closed sessions decided and the signed events, each re-verified) says *active* on the day and a
granted initial or renewal decision's validity covers it: a suspended, withdrawn or expired
label is not listed, nor one never granted. Only decisions and events dated on or before the day
count, so `--on` shows the directory as it stood then. A label whose events do not verify is left
out and named on standard error: a public list must not show a state nobody can establish.

Each row: the organisation, the scope (the latest scope reduction since the cycle began, else
the cycle's own scope), the level (of the latest granted decision of the cycle, a surveillance
included), the sites of that decision's record and the day the validity ends.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import io
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from labelaudit.committee.chain import load_record_digest
from labelaudit.committee.labels import records_of, state, timeline
from labelaudit.committee.lifecycle import read_events
from labelaudit.committee.names import fold_name
from labelaudit.committee.register import open_register, register_path
from labelaudit.committee.roster import load_roster
from labelaudit.committee.views import Registered, all_records
from labelaudit.errors import InputError, Problem
from labelaudit.files import check_output, safe_cell, write_atomic
from labelaudit.i18n import current_lang, tr
from labelaudit.i18n.formatting import date as long_date
from labelaudit.model import Lang

Output = Callable[[str], None]


@frozen
class Listed:
    """One label of the directory."""

    label: str
    organisation: str
    scope: str
    level: str | None
    level_title: dict[str, str]
    sites: tuple[str, ...]
    valid_until: dt.date


def _on_or_before(r: Registered, day: dt.date) -> bool:
    return r.final_on is not None and dt.date.fromisoformat(r.final_on) <= day


def _listed(conn: sqlite3.Connection, label: str, decided: Sequence[Registered], day: dt.date, roster: Any) -> Listed | None | str:
    """The label's row on `day`, None when it is not valid then, `"broken"` when its events do not verify."""
    read = read_events(conn, label, roster)
    if not read.valid:
        return "broken"
    if state(timeline(decided, read, day), day) != "active":
        return None
    cycles = [r for r in decided if r.valid_from is not None and r.valid_on(day)]
    if not cycles:
        return None
    cycle = cycles[-1]
    started = dt.date.fromisoformat(cycle.final_on or cycle.decided_on)
    reductions = [e for e in read.events if e.kind == "scope_reduced" and started <= e.date <= day and e.scope]
    granted = [r for r in decided if r.final_status == "granted" and (r.final_on or "") >= (cycle.final_on or "")]
    latest = granted[-1] if granted else cycle
    record, _ = load_record_digest(Path(latest.record_file))
    titles = {str(lv["id"]): lv.get("title") or {} for lv in record.get("scheme", {}).get("levels", [])}
    sites = tuple(str(s.get("name") or s.get("id")) for s in record.get("audit", {}).get("sites", []))
    scope = (reductions[-1].scope if reductions else None) or cycle.scope
    return Listed(label, cycle.organisation, scope, latest.final_level,
                  dict(titles.get(latest.final_level or "", {})), sites, dt.date.fromisoformat(cycle.valid_until or ""))


def directory(conn: sqlite3.Connection, day: dt.date, *, today: dt.date) -> tuple[list[Listed], list[str]]:
    """The labels valid on `day`, by organisation; and the labels left out because their events do not verify."""
    records = all_records(conn, today=today)
    roster = load_roster(conn)
    rows: list[Listed] = []
    broken: list[str] = []
    for label in sorted({r.label_id for r in records if r.label_id is not None}):
        decided = [r for r in records_of(records, label) if _on_or_before(r, day)]
        found = _listed(conn, label, decided, day, roster)
        if found == "broken":
            broken.append(label)
        elif isinstance(found, Listed):
            rows.append(found)
    return sorted(rows, key=lambda r: (fold_name(r.organisation), r.label)), broken


# --- the files ---------------------------------------------------------------------------------

CSV_COLUMNS = ("label", "organisation", "scope", "level", "level_title", "sites", "valid_until")


def _title(row: Listed, lang: Lang) -> str:
    return row.level_title.get(lang) or row.level or ""


def csv_text(rows: Sequence[Listed], lang: Lang) -> str:
    """UTF-8, comma, RFC 4180 line ends; every text cell made inert for a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow([safe_cell(v) for v in (r.label, r.organisation, r.scope, r.level or "", _title(r, lang),
                                                "; ".join(r.sites), r.valid_until.isoformat())])
    return buffer.getvalue()


_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1a1a1a; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
p.lead { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid #ddd; }
th { background: #f3f3f3; }
ul { margin: 0; padding-left: 1.1rem; }
@media print { body { margin: 0; } }
"""


def html_page(rows: Sequence[Listed], day: dt.date, lang: Lang) -> str:
    """One self-contained page: inline style, no script, no external resource (the policy says so)."""

    def e(text: str) -> str:
        return html.escape(text, quote=True)

    head = [tr(f"directory.col.{c}", lang=lang) for c in ("organisation", "scope", "level", "sites", "until")]
    body = []
    for r in rows:
        sites = "".join(f"<li>{e(s)}</li>" for s in r.sites)
        body.append(
            f"<tr><td>{e(r.organisation)}</td><td>{e(r.scope)}</td><td>{e(_title(r, lang))}</td>"
            f"<td><ul>{sites}</ul></td><td><time datetime=\"{r.valid_until.isoformat()}\">"
            f"{e(long_date(r.valid_until, lang))}</time></td></tr>"
        )
    title = tr("directory.title", lang=lang)
    lead = tr("directory.lead", lang=lang, date=long_date(day, lang), count=len(rows))
    empty = f"<tr><td colspan=\"5\">{e(tr('directory.none', lang=lang))}</td></tr>" if not rows else ""
    return (
        f"<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{e(title)}</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n<h1>{e(title)}</h1>\n<p class=\"lead\">{e(lead)}</p>\n"
        "<table>\n<thead><tr>" + "".join(f"<th scope=\"col\">{e(h)}</th>" for h in head) + "</tr></thead>\n<tbody>\n"
        + "\n".join(body) + empty + "\n</tbody>\n</table>\n</body>\n</html>\n"
    )


def cmd_directory(args: argparse.Namespace, plugins: object, out: Output, today: dt.date) -> int:
    outputs = [(p, kind) for p, kind in ((args.html, "html"), (args.csv, "csv")) if p is not None]
    if not outputs:
        raise InputError.at("register directory", "", tr("directory.no_output"))
    if args.html is not None and args.csv is not None and args.html.resolve() == args.csv.resolve():
        raise InputError([Problem(str(args.csv), "--csv", tr("directory.same_output"))])
    db = register_path(args.register)
    for path, _ in outputs:  # before any work
        check_output(path, reads=(db,), force=args.force)
    day = args.on if args.on is not None else today
    lang = current_lang()
    with open_register(db, create=False) as conn:
        rows, broken = directory(conn, day, today=today)
    for label in broken:
        print(tr("directory.broken", label=label), file=sys.stderr)
    for path, kind in outputs:
        write_atomic(path, html_page(rows, day, lang) if kind == "html" else csv_text(rows, lang), overwrite=args.force)
        out(tr("directory.written", count=len(rows), date=day.isoformat(), path=path))
    return 0
