"""Option values of the command line, read by argparse: each bad value explained in the user's
language (`expected date (YYYY-MM-DD), got '2026-13-01'`), a usage error with exit code 2."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from labelaudit.errors import Problem
from labelaudit.i18n import lang_problem, tr

if TYPE_CHECKING:  # the domain model is imported by the commands, not by `--help`
    from labelaudit.model import Site

OnPluginError = Literal["stop", "skip"]
ON_PLUGIN_ERROR: tuple[OnPluginError, ...] = ("stop", "skip")
"""What a run does when a plugin fails: stop with its error, or leave its source out and say so."""
DEFAULT_TIMEOUT = 300.0  # seconds: a plugin reading one source may take this long

SITE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,30}")
"""A site id as `init` writes it: it names a sheet of the grid (31 characters at most in a
workbook, no `/`, `:` or `*`), a column value of a survey export and a key in messages."""



def _expected(expected: str, text: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(tr("value.expected", expected=tr(expected), found=text))


def lang(text: str) -> str:
    """`--lang`: a language labelaudit has a catalog for (`fr`, `en`, `de` …)."""
    problem = lang_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def date(text: str) -> dt.date:
    """`--decided-on`, `--valid-on`, `--before`: a YYYY-MM-DD date."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _expected("expected.date", text) from None


def site(text: str) -> Site:
    """`--site ID=NAME`."""
    site_id, sep, name = text.partition("=")
    if not sep or not site_id.strip() or not name.strip():
        raise _expected("expected.site_option", text)
    if not SITE_ID.fullmatch(site_id.strip()):
        raise argparse.ArgumentTypeError(tr("options.site_id", id=site_id.strip()))
    from labelaudit.model import Site

    return Site(site_id.strip(), name.strip())


def init_problems(sites: Sequence[Site], auditors: Iterable[str], organisation: str) -> list[Problem]:
    """What `init` must not write: a site or an auditor given twice, an empty name.

    Each is named by the option that gave it; ids are compared as given, names of auditors
    without regard to case or surrounding spaces (they are one person).
    """
    problems = [Problem("--organisation", "", tr("options.empty"))] if not organisation.strip() else []
    seen: set[str] = set()
    for s in sites:
        if s.id in seen:
            problems.append(Problem("--site", "", tr("options.duplicate", what=tr("options.what_site"), name=s.id)))
        seen.add(s.id)
    names: set[str] = set()
    for auditor in auditors:
        folded = " ".join(auditor.split()).casefold()
        if not folded:
            problems.append(Problem("--auditor", "", tr("options.empty")))
        elif folded in names:
            what = tr("options.what_auditor")
            problems.append(Problem("--auditor", "", tr("options.duplicate", what=what, name=auditor.strip())))
        names.add(folded)
    return problems


def positive_int(text: str) -> int:
    """`--max-errors N`: a whole number of 1 or more."""
    # isascii: "٣".isdigit() is true; 9 digits: int() of thousands of digits raises ValueError
    if not text.isascii() or not text.isdigit() or len(text) > 9 or int(text) < 1:
        raise _expected("expected.positive_whole", text)
    return int(text)


def seconds(text: str) -> float:
    """`--plugin-timeout SECONDS`: a finite number greater than 0."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise _expected("expected.seconds", text)
    return value


def register_option(lang: str) -> argparse.ArgumentParser:
    """The parent parser of every command that works on the label register: `--register DB`."""
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--register", type=Path, metavar="DB", help=tr("register.help.db", lang=lang))
    return db
