"""Writing a sampling plan into audit.toml as its `[sampling]` table, keeping the rest as it is.

tomlkit edits the document in place: every comment, blank line, key order and quoting style of
the auditor's file stays byte for byte; the new table is appended at the end (or takes the
place of the table it replaces, with `force`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import Table

from labelaudit.cycle.sampling import SamplingPlan
from labelaudit.errors import InputError
from labelaudit.i18n import tr
from labelaudit.model import Lang
from labelaudit.files import write_atomic
from labelaudit.tomlfiles import read_bytes, where

TABLE = "sampling"
_MULTILINE_FROM = 6  # a longer `visited` list is written one site a line


def parse(path: Path) -> tomlkit.TOMLDocument:
    """The audit file as an editable document (its syntax was already checked by load_audit)."""
    text = read_bytes(path).decode("utf-8")
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise InputError.at(path, tr("place.line_column", line=exc.line, column=exc.col), tr("toml.syntax", detail=str(exc))) from None


def has_sampling(document: tomlkit.TOMLDocument) -> bool:
    return TABLE in document


def refuse_existing(path: Path, text: str) -> None:
    """An audit that already has a plan keeps it unless the auditor says --force."""
    raise InputError.at(path, where(text, TABLE), tr("cycle.sampling_exists"))


def sampling_table(plan: SamplingPlan, lang: Lang) -> Table:
    """The `[sampling]` table: stage, visited, seed, the rule's size and the plan's, the cover of
    the cycle when asked, and one `[[sampling.picks]]` per site."""
    table = tomlkit.table()
    table.add(tomlkit.comment(tr("cycle.toml_comment", lang=lang, stage=plan.stage, size=plan.size, sites=plan.sites_in_scope)))
    table.add("stage", plan.stage)
    table["stage"].comment("initial | surveillance | renewal")
    visited = tomlkit.array()
    visited.extend(plan.visited)
    if len(plan.visited) >= _MULTILINE_FROM:
        visited.multiline(True)
    table.add("visited", visited)
    table.add("seed", plan.seed)
    table.add("rule", plan.rule_size)
    table["rule"].comment("IAF MD1's minimum for the sites in scope and the stage")
    table.add("size", plan.size)
    if plan.cover is not None:
        cover = tomlkit.inline_table()
        cover.update(unseen=len(plan.cover.unseen), audits_left=plan.cover.audits_left,
                     audits_in_cycle=plan.cover.audits_in_cycle)
        table.add("cover", cover)
        table["cover"].comment("sites not yet visited in the cycle, audits left in it (this one included)")
    picks = tomlkit.aot()
    for pick in plan.picks:
        entry = tomlkit.table()
        entry.add("site", pick.site)
        entry.add("reason", pick.reason)
        if pick.detail is not None:
            entry.add("detail", pick.detail.get(lang))
        picks.append(entry)
    table.add("picks", picks)
    return table


def write_plan(path: Path, plan: SamplingPlan, lang: Lang, *, force: bool = False) -> None:
    """Write the plan into the audit file, atomically; refuse to replace a plan unless `force`."""
    document = parse(path)
    if has_sampling(document) and not force:
        refuse_existing(path, document.as_string())
    table = sampling_table(plan, lang)
    if has_sampling(document):
        document[TABLE] = table
    else:
        if not document.as_string().endswith("\n"):
            document.add(tomlkit.nl())
        document.add(tomlkit.nl())
        document.add(TABLE, table)
    write_atomic(path, tomlkit.dumps(document), overwrite=True)


def written_table(path: Path) -> dict[str, Any]:
    """The `[sampling]` table as plain data (for tests and checks)."""
    return parse(path)[TABLE].unwrap()  # type: ignore[union-attr, no-any-return]
