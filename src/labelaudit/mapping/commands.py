"""`labelaudit map AUDIT SOURCE [--threshold N] [--write [--force]]`.

Reads the audit and its scheme (no evidence: only the header of the source's exports), proposes
the source's `columns` table, prints it, and with `--write` puts it into audit.toml.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from labelaudit.audits import load_audit
from labelaudit.convert import closest
from labelaudit.errors import InputError
from labelaudit.i18n import current_lang, tr
from labelaudit.mapping.auditfile import write_columns
from labelaudit.mapping.headers import BadHeaderOption, source_headers
from labelaudit.mapping.propose import DEFAULT_THRESHOLD, Match, Proposal, propose
from labelaudit.model import Audit, Item, Lang, Scheme
from labelaudit.plugins import Plugins
from labelaudit.tomlfiles import where

Out = Callable[[str], None]


def threshold(text: str) -> int:
    """`--threshold N`: a whole percentage from 1 to 100."""
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise argparse.ArgumentTypeError(tr("value.expected", expected=tr("map.expected_threshold"), found=text))
    return int(text)


def _items(audit: Audit, scheme: Scheme, source: str, text: str) -> tuple[Item, ...]:
    """The questionnaire items of `source`, after checking the audit names it and gives it files."""
    file = str(audit.file)
    if source not in audit.sources:
        known = list(audit.sources)
        message = tr("map.unknown_source", source=source, known=", ".join(known) or "—")
        close = closest(source, known)
        raise InputError.at(file, "", tr("audits.did_you_mean", what=message, close=close) if close else message)
    scheme_source = scheme.sources.get(source)
    questionnaire = scheme.questionnaires.get(scheme_source.questionnaire or "") if scheme_source else None
    if questionnaire is None:
        raise InputError.at(file, where(text, f"sources.{source}"), tr("map.no_questionnaire", source=source, scheme=scheme.id))
    if not audit.sources[source].files:
        raise InputError.at(file, where(text, f"sources.{source}"), tr("map.no_files", source=source))
    return questionnaire.items


def _line(match: Match, lang: Lang) -> str:
    key = "map.line_code" if match.by_code else "map.line"
    return tr(key, confidence=match.confidence, header=match.header, key=match.item.key, text=match.item.text.get(lang))


def show(proposal: Proposal, threshold: int, out: Out) -> None:
    """The proposal, its suggestions and conflicts, and what matched nothing, in sections."""
    lang = current_lang()
    sections: Sequence[tuple[str, Sequence[str]]] = (
        (tr("map.proposed", threshold=threshold), [_line(m, lang) for m in proposal.proposed]),
        (tr("map.suggestions", threshold=threshold), [_line(m, lang) for m in proposal.suggestions]),
        (tr("map.conflicts"), [_line(m, lang) + tr("map.conflict_with", header=_winner(proposal, m)) for m in proposal.conflicts]),
        (tr("map.unmapped"), [f"  {h!r}" for h in proposal.unmapped]),
        (tr("map.unmatched"), [f"  {i.key}  {i.text.get(lang)}" for i in proposal.unmatched]),
    )
    for title, lines in sections:
        out(title)
        for line in lines or [tr("map.none")]:
            out(line)


def _winner(proposal: Proposal, loser: Match) -> str:
    better = (*proposal.proposed, *proposal.suggestions)
    return next(m.header for m in better if m.item.key == loser.item.key)


def handle_map(args: argparse.Namespace, plugins: Plugins, out: Out) -> int:
    audit, text, _ = load_audit(args.audit)
    scheme = plugins.scheme(audit.scheme, args.rulesets)
    items = _items(audit, scheme, args.source, text)
    inputs = audit.sources[args.source]
    try:
        headers = source_headers(inputs.files, inputs.options)
    except BadHeaderOption as bad:
        raise InputError.at(str(audit.file), where(text, f"sources.{args.source}.{bad.option}"), bad.expected) from None
    proposal = propose(headers, items, threshold=args.threshold, texts=headers)
    named = f"{scheme.sources[args.source].title.get(current_lang())} ({args.source})"  # its title, and the key audit.toml uses
    out(tr("map.heading", source=named, headers=len(headers), files=", ".join(str(f) for f in inputs.files)))
    show(proposal, args.threshold, out)
    if args.write:
        if not proposal.proposed:
            raise InputError.at(str(audit.file), "", tr("map.nothing_to_write", source=args.source, threshold=args.threshold))
        write_columns(audit.file, args.source, proposal.columns(), force=args.force)  # type: ignore[arg-type]
        out(tr("map.written", source=args.source, count=len(proposal.proposed), path=audit.file))
    return 0


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """The `map` subcommand (see cli.COMMANDS)."""

    def h(key: str) -> str:
        return tr(f"map.help_{key}", lang=lang)

    parser = commands.add_parser("map", parents=[common], help=h("map"), description=h("description"))
    parser.add_argument("audit", type=Path, metavar="AUDIT", help=h("audit"))
    parser.add_argument("source", metavar="SOURCE", help=h("source"))
    parser.add_argument("--threshold", type=threshold, default=DEFAULT_THRESHOLD, metavar="N", help=h("threshold"))
    parser.add_argument("--write", action="store_true", help=h("write"))
    parser.add_argument("--force", action="store_true", help=h("force"))
    parser.set_defaults(handler=handle_map)
