"""`labelaudit report`: a decision record rendered as a readable HTML, Markdown or PDF report.

The command reads the record, checks that it has the parts a report needs, chooses the
renderer (`html`, `markdown`, `pdf`), adds the committee's state and writes the file
atomically. It is the only module that imports the renderers: they import the document
(`dossier`, `blocks`), never this command, so that the report's modules form no import cycle.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labelaudit.documents.accessors import Record
from labelaudit.documents.blocks import Block
from labelaudit.documents.votes import committee_blocks
from labelaudit.errors import InputError
from labelaudit.files import check_output, write_atomic
from labelaudit.i18n import current_lang, tr
from labelaudit.model import Lang

if TYPE_CHECKING:
    from labelaudit.committee.register import Chain
    from labelaudit.plugins import Plugins

FORMATS = ("html", "md", "pdf")
REQUIRED_KEYS = ("audit", "scheme", "outcome", "stability", "tree", "gates", "sites", "findings", "inputs", "plugins")


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Add `report RECORD -o OUT [--format html|md|pdf] [--force]`, handled by `cmd_report`."""
    summary = tr("report.help", lang=lang)
    parser = commands.add_parser("report", parents=[common], help=summary, description=summary)
    parser.add_argument("record", type=Path, help=tr("report.help_record", lang=lang))
    parser.add_argument("--format", choices=FORMATS, default="html", help=tr("report.help_format", lang=lang))
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT", help=tr("report.help_output", lang=lang))
    parser.add_argument("--force", action="store_true", help=tr("report.help_force", lang=lang))
    parser.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace, plugins: Plugins | None, out: Callable[[str], None]) -> int:
    """Load the record, render it in the run's language, write it atomically, say where."""
    lang = current_lang()
    output: Path = args.output
    from labelaudit.committee.chain import paths

    check_output(output, reads=paths(args.record), force=args.force)  # the record, given or by its chain's name
    chain = read_committee(args.record)  # the record read once, its chain with every rule, broken or not
    record = chain.record
    check_record(args.record, record)
    from labelaudit.committee.display import committee_lines

    committee, _ = committee_lines(chain)
    blocks = committee_blocks(chain, lang)  # the same reading, for page 1
    write_atomic(output, render(record, args.format, lang, blocks), overwrite=args.force)
    out(tr("report.written", lang=lang, path=output))
    for line in committee:
        out(line)
    return 0


def read_committee(record_path: Path) -> Chain:
    """The record's reviews chain, read and verified with every rule (as `review --show` does)."""
    from labelaudit.committee.register import existing_register, read_chain

    return read_chain(record_path, register=existing_register(None), today=dt.date.today())


def check_record(path: Path, record: Record) -> None:
    """A record of the right format but without the parts a report needs is bad input."""
    missing = [key for key in REQUIRED_KEYS if key not in record]
    if missing:
        raise InputError.at(path, "", tr("report.incomplete", keys=", ".join(missing)))


def render(record: Record, fmt: str, lang: Lang, committee: tuple[Block, ...] = ()) -> str | bytes:
    """The report in `fmt`: text for "html" and "md", bytes for "pdf"; the same record (and
    committee blocks) always gives the same text. `committee`: `votes.committee_blocks`."""
    if fmt == "html":
        from labelaudit.documents.html import render_html

        return render_html(record, lang, committee)
    if fmt == "md":
        from labelaudit.documents.markdown import render_md

        return render_md(record, lang, committee)
    if fmt == "pdf":
        from labelaudit.documents.pdf import render_pdf  # imports WeasyPrint: only for a PDF

        return render_pdf(record, lang, committee)
    raise ValueError(f"unknown report format {fmt!r}")
