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
from collections.abc import Collection, Sequence
from pathlib import Path

from labelaudit import __version__, options
from labelaudit.errors import LabelauditError
from labelaudit.i18n import LANGS, environment_problem, lang_from_environment, set_lang, tr, translate_argparse
from labelaudit.languages import Lang
from labelaudit.terminal import escaped_streams

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2

# Every command: its name, the module whose `add_parser(commands, common, lang)` adds it (a
# subparser whose defaults set `handler(args, plugins, out) -> exit code`) and its help's
# message key. The table is static so that `labelaudit --help`, and a command's own parsing,
# import no command module but the one that runs: a command's module brings the engine, the
# documents or the web server with it. Add a command here and in its module's add_parser.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("labelaudit.audit_commands", "help.init"),
    "grid": ("labelaudit.audit_commands", "help.grid"),
    "check": ("labelaudit.audit_commands", "help.check"),
    "score": ("labelaudit.audit_commands", "help.score"),
    "plugins": ("labelaudit.audit_commands", "help.plugins"),
    "new-plugin": ("labelaudit.scaffold", "plugin.help_new_plugin"),
    "report": ("labelaudit.documents.commands", "report.help"),
    "review": ("labelaudit.committee.commands", "review.help.review"),
    "member": ("labelaudit.committee.commands", "committee.help.member"),
    "register": ("labelaudit.committee.register_commands", "register.help.register"),
    "label": ("labelaudit.committee.label_commands", "label.help.label"),
    "appeal": ("labelaudit.committee.appeal_commands", "appeal.help.appeal"),
    "complaint": ("labelaudit.committee.appeal_commands", "appeal.help.complaint"),
    "explain": ("labelaudit.documents.explain", "explain.help"),
    "verify": ("labelaudit.verify", "verify.help"),
    "whatif": ("labelaudit.whatif", "whatif.help"),
    "compare": ("labelaudit.compare", "compare.help"),
    "sample": ("labelaudit.cycle.commands", "cycle.help_sample"),
    "plan-survey": ("labelaudit.cycle.commands", "cycle.help_plan"),
    "map": ("labelaudit.mapping.commands", "map.help_map"),
    "serve": ("labelaudit.desk.commands", "desk.help.serve"),
    "desk": ("labelaudit.desk.commands", "desk.help.desk"),
}


def _common_options(lang: Lang) -> argparse.ArgumentParser:
    """The options every command takes, after its name."""

    def h(key: str) -> str:
        return tr(f"help.{key}", lang=lang)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", type=options.lang, metavar="{" + ",".join(LANGS) + "}", help=h("lang"))
    common.add_argument("-p", "--plugin", action="append", default=[], metavar="MODULE", help=h("plugin"))
    common.add_argument("--disable", action="append", default=[], metavar="NAME", help=h("disable"))
    common.add_argument("--rulesets", action="append", default=[], type=Path, metavar="DIR", help=h("rulesets"))
    common.add_argument("--max-errors", type=options.positive_int, default=50, metavar="N", help=h("max_errors"))
    common.add_argument(
        "--plugin-timeout", type=options.seconds, default=options.DEFAULT_TIMEOUT, metavar="SECONDS",
        help=tr("plugin.help_timeout", lang=lang),
    )
    common.add_argument(
        "--on-plugin-error", choices=options.ON_PLUGIN_ERROR, default="stop", help=tr("plugin.help_on_error", lang=lang)
    )
    return common


def build_parser(lang: Lang, only: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (`only`) one whose named commands are complete and whose others
    are their name and help: enough to list them, or to refuse a misspelt one."""
    common = _common_options(lang)
    # Options go after the command: a parent-level copy would be silently reset by the subparser.
    parser = argparse.ArgumentParser(prog="labelaudit", description=tr("help.description", lang=lang))
    parser.add_argument("--version", action="version", version=f"labelaudit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    wanted = [module for name, (module, _) in COMMANDS.items() if only is None or name in only]
    for module in dict.fromkeys(wanted):  # each module once, in the table's order
        importlib.import_module(module).add_parser(commands, common, lang)
    for name, (_, help_key) in COMMANDS.items():
        if name not in commands.choices:
            commands.add_parser(name, help=tr(help_key, lang=lang), add_help=False)
    return parser


def _command_named(argv: Sequence[str]) -> set[str]:
    """The command a command line names: its first word, as options go after it."""
    return {argv[0]} if argv and argv[0] in COMMANDS else set()


def _early_lang(argv: Sequence[str]) -> Lang:
    """`--lang` is needed before parsing, to write the help in the right language; a value
    labelaudit does not speak is left to the parser, which refuses it."""
    for i, arg in enumerate(argv):
        given = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else arg.removeprefix("--lang=")
        if (arg == "--lang" or arg.startswith("--lang=")) and given in LANGS:
            return given
    return lang_from_environment()


def main(argv: Sequence[str] | None = None, *, process_ends: bool = False) -> int:
    """Run one command; every line it prints goes through `escaped_streams` (see terminal.py).

    `process_ends`: the process exits when the command returns (`labelaudit` and `python -m
    labelaudit` run it so, through `run`); a caller that goes on (a test, a script) leaves it."""
    with escaped_streams():
        return _main(argv, process_ends)


def run() -> int:
    """The `labelaudit` program: one command, then the process ends."""
    return main(process_ends=True)


def _main(argv: Sequence[str] | None, process_ends: bool = False) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _early_lang(argv)
    set_lang(lang)
    translate_argparse(lang)
    problem = environment_problem()
    if problem is not None:
        print(f"{tr('error.prefix')}: {problem}", file=sys.stderr)
        return EXIT_INPUT
    args = build_parser(lang, only=_command_named(argv)).parse_args(argv)
    try:
        from labelaudit.plugins import load_plugins
        from labelaudit.workflow import without_gc_pauses

        plugins = load_plugins(args.plugin, args.disable)
        if getattr(args, "lasting", False):  # a server: its collector keeps running
            return int(args.handler(args, plugins, print))
        with without_gc_pauses(process_ends=process_ends):  # a command is one short process: see the function
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
    sys.exit(run())
