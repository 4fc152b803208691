"""The audit's own commands: `init`, `grid`, `check`, `score` and `plugins` (see
cli.COMMANDS: imported only when one of them runs)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import tomli_w

from labelaudit import options
from labelaudit.audits import AUDIT_FILE, audit_path, check_audit, load_audit
from labelaudit.collect import collect, prepare
from labelaudit.documents.summary import render
from labelaudit.errors import InputError
from labelaudit.files import check_output, write_atomic
from labelaudit.i18n import current_lang, tr, words
from labelaudit.model import Audit, Lang, TemplateRequest, Text
from labelaudit.plugins import Plugins
from labelaudit.record import canonical_bytes
from labelaudit.workflow import score_audit

EXIT_OK = 0
Progress = Callable[[str], None]


def _notes(notes: Sequence[str | Text], show: Progress) -> None:
    """What the plugins say they read (rows, sites, a grid's version), in the user's language."""
    lang = current_lang()
    for note in notes:
        show(tr("check.note", note=note.get(lang) if isinstance(note, Text) else note))


def _warn(message: str) -> None:
    """A warning line on stderr (a source left out, say): the run goes on."""
    print(message, file=sys.stderr, flush=True)


def _progress(enabled: bool):  # type: ignore[no-untyped-def]
    """Progress lines on stderr, only when a person is watching a terminal."""
    if not enabled:
        return None

    def show(message: str) -> None:
        print(f"… {message}", file=sys.stderr, flush=True)

    return show


def cmd_init(args: argparse.Namespace, plugins: Plugins, out: Progress) -> int:
    folder: Path = args.folder
    audit_file = folder / AUDIT_FILE
    grid_name = f"grid.{args.grid}"
    for path in (audit_file, folder / grid_name):  # an audit's files are never replaced
        check_output(path, forceable=False)
    problems = options.init_problems(args.site, args.auditor, args.organisation)
    if problems:
        raise InputError(problems)
    scheme = plugins.scheme(args.scheme, args.rulesets)
    document = {
        "id": folder.resolve().name,
        "scheme": scheme.id,
        "organisation": args.organisation,
        "scope": args.scope,
        "kind": "initial",
        "auditors": [" ".join(a.split()) for a in args.auditor],
        "dates": {},
        "sites": [{"id": s.id, "name": s.name} for s in args.site],
        "sources": {
            source_id: {"files": [grid_name]} for source_id, source in scheme.sources.items() if source.kind == "grid"
        },
        "exclusions": [],
    }
    folder.mkdir(parents=True, exist_ok=True)
    _write_grid(plugins, scheme, tuple(args.site), folder / grid_name)
    write_atomic(audit_file, _AUDIT_HEADER + tomli_w.dumps(document))
    out(tr("init.written", path=folder))
    return EXIT_OK


_AUDIT_HEADER = """\
# labelaudit audit file. Fill in the dates (onsite_start, onsite_end, decision), and add the
# survey sources, for example:
#   [sources.customer]
#   files = ["surveys/customer.csv"]
#   site_column = "Agence"
#   [sources.customer.columns]
#   "Q1 - Accueil" = "C01"
# Criteria not applicable to the scope go in [[exclusions]] with criterion, justification
# and approved_by. See docs/formats.md.
"""


def _write_grid(plugins: Plugins, scheme, sites, path: Path) -> None:  # type: ignore[no-untyped-def]
    for source in scheme.sources.values():
        kind = plugins.kinds.get(source.kind)
        if kind is not None and kind.write_template is not None and path.suffix.lower() in kind.template_suffixes:
            kind.write_template(TemplateRequest(scheme, source, sites, path, current_lang()))
            return
    raise InputError.at(path, "", "no plugin writes a blank grid of this kind (use .xlsx or .toml)")


def cmd_grid(args: argparse.Namespace, plugins: Plugins, out: Progress) -> int:
    sites = tuple(args.site)
    scheme_id = args.scheme
    if args.audit is not None:  # the sites visited on site: all of them, or the sampling plan's
        audit, text, _ = load_audit(args.audit)
        scheme = plugins.scheme(audit.scheme, args.rulesets)
        problems = check_audit(audit, scheme, text, evidence_files=False)  # the grid is not written yet
        if problems:
            raise InputError(problems)
        sites = audit.visited_sites
    else:
        scheme = plugins.scheme(scheme_id, args.rulesets)
    if not sites:
        raise InputError.at("--site", "", "at least one --site ID=NAME (or --audit) is needed")
    check_output(args.output, reads=(audit_path(args.audit),) if args.audit else (), forceable=False)
    _write_grid(plugins, scheme, sites, args.output)
    out(tr("grid.written", path=args.output))
    return EXIT_OK


def cmd_check(args: argparse.Namespace, plugins: Plugins, out: Progress) -> int:
    prepared = prepare(args.audit, plugins, args.rulesets)
    collected = collect(
        prepared,
        plugins,
        max_errors=args.max_errors,
        progress=_progress(sys.stderr.isatty()),
        on_plugin_error=args.on_plugin_error,
        timeout=args.plugin_timeout,
        warn=_warn,
    )
    _notes(collected.notes, out)
    out(
        tr(
            "check.ok",
            scheme=prepared.scheme.id,
            criteria=len(prepared.scheme.criteria()),
            evidence=len(collected.evidence),
            findings=len(collected.findings),
        )
    )
    return EXIT_OK


def cmd_score(args: argparse.Namespace, plugins: Plugins, out: Progress) -> int:
    check_output(args.output, reads=(audit_path(args.audit),), force=args.force)
    scored = score_audit(
        args.audit,
        plugins,
        rulesets=args.rulesets,
        decided_on=args.decided_on,
        max_errors=args.max_errors,
        progress=_progress(sys.stdout.isatty()),
        on_plugin_error=args.on_plugin_error,
        plugin_timeout=args.plugin_timeout,
        warn=_warn,
    )
    _notes(scored.collected.notes, _warn)  # on stderr: the summary below is the result
    check_output(args.output, reads=_read_by(scored.collected.prepared.audit), force=args.force)
    write_atomic(args.output, canonical_bytes(scored.record), overwrite=args.force)
    out(render(scored.record, current_lang()))
    out(tr("summary.record", path=args.output))
    return EXIT_OK


def _read_by(audit: Audit) -> tuple[Path, ...]:
    """The files a score read: the audit file and every evidence file of its sources."""
    files = [audit.file] if audit.file is not None else []
    return (*files, *(f for inputs in audit.sources.values() for f in inputs.files))


def cmd_plugins(args: argparse.Namespace, plugins: Plugins, out: Progress) -> int:
    """Each plugin: name, version, origin and API, then what it registered; disabled ones last."""
    lang = current_lang()
    for info in plugins.info:
        api = tr("plugin.list_api", api=info.api) if info.api is not None else tr("plugin.list_no_api")
        out(f"{info.name} {info.version} — {words.plugin_origin(info.origin)} — {api}")
        for kind in plugins.kinds.values():
            if kind.plugin == info.name:
                out(tr("lang.plugins_kind", name=kind.name, title=kind.title.get(lang)))
        for indicator in plugins.indicators.values():
            if indicator.plugin == info.name:
                out(tr("lang.plugins_indicator", name=indicator.name, title=indicator.title.get(lang)))
    for scheme_id, folder in sorted(plugins.scheme_folders.items()):
        out(tr("lang.plugins_scheme", scheme=scheme_id, folder=folder))
    for name in plugins.disabled:
        out(tr("plugin.list_disabled", name=name))
    return EXIT_OK


HANDLERS = {"init": cmd_init, "grid": cmd_grid, "check": cmd_check, "score": cmd_score, "plugins": cmd_plugins}


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """The audit's own subcommands (see cli.COMMANDS)."""

    def h(key: str) -> str:
        return tr(f"help.{key}", lang=lang)

    init = commands.add_parser("init", parents=[common], help=h("init"), description=h("init"))
    init.add_argument("folder", type=Path)
    init.add_argument("--scheme", default="en16880")
    init.add_argument("--organisation", required=True)
    init.add_argument("--scope", default="")
    init.add_argument("--site", action="append", type=options.site, required=True, metavar="ID=NAME", help=h("site"))
    init.add_argument("--auditor", action="append", default=[], metavar="NAME")
    init.add_argument("--grid", choices=["xlsx", "toml"], default="xlsx", help=h("grid_format"))

    grid = commands.add_parser("grid", parents=[common], help=h("grid"), description=h("grid"))
    grid.add_argument("--scheme", default="en16880")
    grid.add_argument("--site", action="append", type=options.site, default=[], metavar="ID=NAME", help=h("site"))
    grid.add_argument("--audit", type=Path, help=h("grid_audit"))
    grid.add_argument("-o", "--output", type=Path, required=True, help=h("grid_output"))

    check = commands.add_parser("check", parents=[common], help=h("check"), description=h("check"))
    check.add_argument("audit", type=Path)

    score = commands.add_parser("score", parents=[common], help=h("score"), description=h("score"))
    score.add_argument("audit", type=Path)
    score.add_argument("-o", "--output", type=Path, required=True, metavar="RECORD", help=h("record"))
    score.add_argument("--decided-on", type=options.date, metavar="YYYY-MM-DD", help=h("decided_on"))
    score.add_argument("--force", action="store_true", help=h("force"))

    commands.add_parser("plugins", parents=[common], help=h("plugins"), description=h("plugins"))
    for name, handler in HANDLERS.items():
        commands.choices[name].set_defaults(handler=handler)
