"""The `labelaudit` command: parses options, calls the library, prints, sets the exit code.

Exit codes: 0 the command did its work (a refused label is a result, not an error); 2 bad
input or usage, with one message naming the file and the place; 1 an internal failure (a bug:
its traceback is printed so that it can be reported).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

import tomli_w

from labelaudit import __version__
from labelaudit.audits import AUDIT_FILE, audit_path, check_audit, load_audit
from labelaudit.collect import DEFAULT_TIMEOUT, ON_PLUGIN_ERROR, collect, prepare
from labelaudit.errors import InputError, LabelauditError
from labelaudit.files import check_output, write_atomic
from labelaudit.i18n import (
    LANGS,
    current_lang,
    environment_problem,
    lang_from_environment,
    set_lang,
    tr,
    translate_argparse,
    words,
)
from labelaudit.model import Audit, Lang, TemplateRequest, Text
from labelaudit.plugins import Plugins, load_plugins
from labelaudit.record import canonical_bytes
from labelaudit import options
from labelaudit.documents.summary import render
from labelaudit.terminal import escaped_streams
from labelaudit.workflow import score_audit, without_gc_pauses

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
Progress = Callable[[str], None]


def _notes(notes: Sequence[str | Text], show: Progress) -> None:
    """What the plugins say they read (rows, sites, a grid's version), in the user's language."""
    lang = current_lang()
    for note in notes:
        show(tr("check.note", note=note.get(lang) if isinstance(note, Text) else note))


def _warn(message: str) -> None:
    """A warning line on stderr (a source left out, say): the run goes on."""
    print(message, file=sys.stderr, flush=True)


def build_parser(lang: Lang) -> argparse.ArgumentParser:
    def h(key: str) -> str:
        return tr(f"help.{key}", lang=lang)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", type=options.lang, metavar="{" + ",".join(LANGS) + "}", help=h("lang"))
    common.add_argument("-p", "--plugin", action="append", default=[], metavar="MODULE", help=h("plugin"))
    common.add_argument("--disable", action="append", default=[], metavar="NAME", help=h("disable"))
    common.add_argument("--rulesets", action="append", default=[], type=Path, metavar="DIR", help=h("rulesets"))
    common.add_argument("--max-errors", type=options.positive_int, default=50, metavar="N", help=h("max_errors"))
    common.add_argument(
        "--plugin-timeout", type=options.seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
        help=tr("plugin.help_timeout", lang=lang),
    )
    common.add_argument(
        "--on-plugin-error", choices=ON_PLUGIN_ERROR, default="stop", help=tr("plugin.help_on_error", lang=lang)
    )

    # Options go after the command: a parent-level copy would be silently reset by the subparser.
    parser = argparse.ArgumentParser(prog="labelaudit", description=h("description"))
    parser.add_argument("--version", action="version", version=f"labelaudit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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
    for name, handler in COMMANDS.items():
        commands.choices[name].set_defaults(handler=handler)
    for module in COMMAND_MODULES:
        importlib.import_module(module).add_parser(commands, common, lang)
    return parser


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


COMMANDS = {"init": cmd_init, "grid": cmd_grid, "check": cmd_check, "score": cmd_score, "plugins": cmd_plugins}
# Modules that add their own commands: each has `add_parser(commands, common, lang)`, which adds
# a subparser whose defaults set `handler(args, plugins, out) -> exit code`.
COMMAND_MODULES: tuple[str, ...] = (
    "labelaudit.scaffold",
    "labelaudit.documents.commands",
    "labelaudit.committee.commands",
    "labelaudit.committee.register_commands",
    "labelaudit.committee.label_commands",
    "labelaudit.committee.appeal_commands",
    "labelaudit.documents.explain",
    "labelaudit.verify",
    "labelaudit.whatif",
    "labelaudit.compare",
    "labelaudit.cycle.commands",
    "labelaudit.mapping.commands",
    "labelaudit.desk.commands",
)


def _early_lang(argv: Sequence[str]) -> Lang:
    """`--lang` is needed before parsing, to write the help in the right language; a value
    labelaudit does not speak is left to the parser, which refuses it."""
    for i, arg in enumerate(argv):
        given = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else arg.removeprefix("--lang=")
        if (arg == "--lang" or arg.startswith("--lang=")) and given in LANGS:
            return given
    return lang_from_environment()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every line it prints goes through `escaped_streams` (see terminal.py)."""
    with escaped_streams():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _early_lang(argv)
    set_lang(lang)
    translate_argparse(lang)
    problem = environment_problem()
    if problem is not None:
        print(f"{tr('error.prefix')}: {problem}", file=sys.stderr)
        return EXIT_INPUT
    args = build_parser(lang).parse_args(argv)
    try:
        plugins = load_plugins(args.plugin, args.disable)
        with without_gc_pauses():  # a command is one short process: see the function
            return int(args.handler(args, plugins, print))
    except LabelauditError as exc:
        print(f"{tr('error.prefix')}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `labelaudit score … | head`: the reader left, not a bug
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception:  # a bug: say so, keep the traceback for the report
        print(tr("error.internal"), file=sys.stderr)
        traceback.print_exc()
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
