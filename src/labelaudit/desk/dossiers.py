"""What the desk's pages show: the dossiers awaiting a decision, what is due, one dossier's
report, explanations and what-if, each read from the register and the record's signed chain.

Nothing here computes a figure of its own: the lists are `committee.views`, the report is
`documents.html` (the same document as `labelaudit report`), an explanation is
`documents.explain`, a what-if is `whatif.what_if`. Who may read a dossier is decided here
(`readable`): everyone but an auditor reads every dossier; an auditor reads only the audits
they made.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attrs
from attrs import frozen

from labelaudit.collect import Collected, Prepared, collect, prepare
from labelaudit.committee.display import committee_lines, with_committee
from labelaudit.committee.register import Chain, cycle_auditors, read_chain
from labelaudit.committee.roster import Roster
from labelaudit.committee.views import DueItem, Registered, all_records, due, records_for_audit, select
from labelaudit.compare import headline_rows
from labelaudit.desk.store import Account
from labelaudit.documents.commands import check_record
from labelaudit.documents.explain import explain, from_record
from labelaudit.documents.html import render_html
from labelaudit.errors import InputError
from labelaudit.i18n import tr
from labelaudit.model import Lang, Scheme
from labelaudit.plugins import Plugins
from labelaudit.record import load_record
from labelaudit.engine import Decision, MeasureCache, score
from labelaudit.record import build_record
from labelaudit.whatif import Changes, change_inputs, change_lines, render
from labelaudit.workflow import exclusions_of, inputs_of, with_skipped_sources

DUE_HORIZON_DAYS = 365


def url_id(record_digest: str) -> str:
    """A record's id in the desk's addresses: its digest without the `sha256:` prefix."""
    return record_digest.removeprefix("sha256:")


def auditors_of(conn: sqlite3.Connection, record_digest: str) -> list[str]:
    row = conn.execute("SELECT auditors FROM records WHERE record_digest = ?", (record_digest,)).fetchone()
    return [str(a) for a in json.loads(row[0])] if row and row[0] else []


def audited_by(roster: Roster, account_id: str, names: list[str]) -> bool:
    """Whether the account's roster entry is one of these auditors (by id or look-alike name)."""
    return any((m := roster.resolve(name)) is not None and m.id == account_id for name in names)


def readable(conn: sqlite3.Connection, roster: Roster, account: Account, record_digest: str) -> bool:
    if account.role != "auditor":
        return True
    return audited_by(roster, account.id, auditors_of(conn, record_digest))


def audited_label(conn: sqlite3.Connection, roster: Roster, account: Account, chain: Chain) -> bool:
    """Whether the account audited this organisation: this audit, or another of its label's cycle
    (the chain's independence rule; the desk only uses it to say so before a vote)."""
    names = [str(a) for a in chain.record.get("audit", {}).get("auditors", [])]
    names += list(cycle_auditors(conn, chain.record, chain.record_digest))
    return audited_by(roster, account.id, names)


# --- the list ----------------------------------------------------------------------------------


@frozen
class Listing:
    awaiting: list[Registered]
    due: list[DueItem]
    due_before: dt.date


def listing(conn: sqlite3.Connection, roster: Roster, account: Account, *, organisation: str, status: str,
            due_before: dt.date | None, today: dt.date) -> Listing:
    """The dossiers the account may read: awaiting a decision (or with `status`), and the
    surveillance audits and renewals due before `due_before` (default: within a year)."""
    records = select(all_records(conn, today=today), organisation=organisation or None)
    shown = [r for r in records if (r.status == status if status else r.status in ("pending", "undecided"))]
    before = due_before or today + dt.timedelta(days=DUE_HORIZON_DAYS)
    items = [i for i in due(conn, before, today=today)
             if not organisation or i.record in records]
    keep: Callable[[str], bool] = lambda digest: readable(conn, roster, account, digest)  # noqa: E731
    return Listing([r for r in shown if keep(r.record_digest)], [i for i in items if keep(i.record.record_digest)], before)


def record_file(conn: sqlite3.Connection, wanted: str) -> tuple[str, str] | None:
    """(audit id, record file) of the registered record whose digest is `sha256:<wanted>`,
    read from the register alone (its chain is not read yet)."""
    if not re.fullmatch(r"[0-9a-f]{64}", wanted):
        return None
    row = conn.execute("SELECT audit_id, record_file FROM records WHERE record_digest = ?", ("sha256:" + wanted,)).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def find(conn: sqlite3.Connection, wanted: str, audit_id: str, today: dt.date) -> Registered | None:
    """The registered record whose digest is `sha256:<wanted>`, its chain verified now."""
    rows = [r for r in records_for_audit(conn, audit_id, today=today) if r.record_digest == "sha256:" + wanted]
    return rows[0] if rows else None


def chain_of(r: Registered, register: Path, today: dt.date) -> Chain:
    return read_chain(Path(r.record_file), register=register, today=today)


# --- the report, with its numbers linked to their explanations ---------------------------------

_EXPLAINED = re.compile(r'<td([^>]*?) data-explain="([^"]*)">(.*?)</td>', re.S)


def link_numbers(page: str, base: str) -> str:
    """Each number the report marks (`data-explain`) as a link to its `explain` step."""

    def link(match: re.Match[str]) -> str:
        element = html.unescape(match.group(2))
        target = f"{base}/explain" if element == "*" else f"{base}/explain/{quote(element, safe='')}"
        return f'<td{match.group(1)}><a class="explain" href="{html.escape(target)}">{match.group(3)}</a></td>'

    return _EXPLAINED.sub(link, page)


def report_page(r: Registered, register: Path, lang: Lang, today: dt.date, back: str) -> str:
    """The committee report as `labelaudit report` writes it (committee block included), in
    `lang`, its numbers linked, a way back to the dossier at its top."""
    path = Path(r.record_file)
    chain = read_chain(path, register=register, today=today)  # the record read once, with its chain
    record = chain.record
    check_record(path, record)
    committee, _ = committee_lines(chain)
    page = with_committee(render_html(record, lang), "html", committee)
    base = f"/dossier/{url_id(r.record_digest)}"
    nav = f'<nav class="desk"><a href="{html.escape(base)}">{html.escape(back)}</a></nav>'
    return link_numbers(page.replace("<body>\n", f"<body>\n{nav}\n", 1), base)


def explanation(r: Registered, element: str | None, lang: Lang) -> str:
    path = Path(r.record_file)
    record = load_record(path)
    return from_record(path, lambda: explain(record, element, lang, path))


# --- what-if -----------------------------------------------------------------------------------


@frozen
class WhatIfResult:
    headline: list[list[str]]
    text: str
    seconds: float


class Evidence:
    """Each dossier's audit evidence collected once (the slow part), then scored per change."""

    def __init__(self, plugins: Plugins) -> None:
        self.plugins = plugins
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._collected: dict[str, Collected] = {}
        self._prepared: dict[str, Prepared] = {}
        self._before: dict[str, tuple[Decision, dict[str, Any], MeasureCache]] = {}

    def prepared(self, r: Registered, folder: Path) -> Prepared:
        """The audit as prepared (its scheme read), checked to be this record's audit."""
        with self._lock:
            found = self._prepared.get(r.record_digest)
        if found is None:
            found = prepare(folder, self.plugins)
            if found.audit.id != r.audit_id:
                raise InputError.at(folder, "id", tr("desk.whatif.other_audit", found=found.audit.id, wanted=r.audit_id))
            with self._lock:
                self._prepared[r.record_digest] = found
        return found

    def scheme(self, r: Registered, folder: Path) -> Scheme:
        return self.prepared(r, folder).scheme

    def collected(self, r: Registered, folder: Path) -> Collected:
        with self._lock:
            lock = self._locks.setdefault(r.record_digest, threading.Lock())
        with lock:  # one collection per dossier, however many readers ask at once
            if r.record_digest not in self._collected:
                self._collected[r.record_digest] = collect(self.prepared(r, folder), self.plugins)
            return self._collected[r.record_digest]

    def _as_audited(self, r: Registered, collected: Collected) -> tuple[Decision, dict[str, Any], MeasureCache]:
        """The decision as audited and its record, scored once per dossier (it never changes),
        with each site's measures, which every what-if on the dossier reuses."""
        with self._lock:
            found = self._before.get(r.record_digest)
        if found is None:
            cache = MeasureCache()
            inputs = inputs_of(collected, self.plugins)
            decision = with_skipped_sources(score(inputs, exclusions_of(collected), cache=cache), collected)
            date = collected.prepared.audit.dates.decision or dt.date.min
            found = (decision, build_record(collected, decision, self.plugins, date), cache)
            with self._lock:
                self._before[r.record_digest] = found
        return found

    def run(self, r: Registered, folder: Path, changes: Changes, lang: Lang) -> WhatIfResult:
        """`whatif.what_if` with the as-audited half cached: only the changed decision is scored."""
        collected = self.collected(r, folder)
        start = time.perf_counter()
        decision, before, cache = self._as_audited(r, collected)
        inputs, exclusions = change_inputs(inputs_of(collected, self.plugins), exclusions_of(collected), changes)
        # A copy: requests run in threads, and a change may measure a binding the audit excluded.
        after_decision = with_skipped_sources(score(inputs, exclusions, cache=cache.copy()), collected)
        changed = attrs.evolve(collected, prepared=attrs.evolve(collected.prepared, scheme=inputs.scheme))
        date = collected.prepared.audit.dates.decision or dt.date.min
        after = build_record(changed, after_decision, self.plugins, date)
        text = render(before, after, change_lines(changes, collected.prepared.scheme, collected, lang), lang)
        return WhatIfResult(headline_rows(before, after, lang), text, time.perf_counter() - start)
