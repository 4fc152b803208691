"""Option values of the command line, read by argparse: each bad value explained in the user's
language (`expected date (YYYY-MM-DD), got '2026-13-01'`), a usage error with exit code 2."""

from __future__ import annotations

import argparse
import datetime as dt

from labelaudit.i18n import tr
from labelaudit.model import Site


def _expected(expected: str, text: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(tr("value.expected", expected=tr(expected), found=text))


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
    return Site(site_id.strip(), name.strip())


def positive_int(text: str) -> int:
    """`--max-errors N`: a whole number of 1 or more."""
    if not text.isdigit() or int(text) < 1:
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
