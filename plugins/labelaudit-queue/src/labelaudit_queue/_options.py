"""The queue source's own options: what an audit writes under `[sources.NAME]` besides `files`.

    [sources.queue]
    files = ["attente/tickets.csv"]
    columns = { ticket = "N° ticket", site = "Agence", arrival = "Arrivée", start = "Début de service" }
    site_names = { "Accueil de Montbard" = "montbard" }
    datetime_format = "%d/%m/%Y %H:%M:%S"     # optional; default YYYY-MM-DD HH:MM[:SS]

They are structured with the public `labelaudit.structure` (unknown keys, missing keys and wrong
types are reported like any labelaudit file), then checked against the audit (sites must exist).
Every problem is placed at its key in `audit.toml`, with its line where it can be found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from labelaudit import CollectRequest, InputError, ProblemCollector, Text, load_toml, structure, where

from labelaudit_queue import _messages as msg


@dataclass(frozen=True)
class Columns:
    """Which export header holds which field."""

    ticket: str
    arrival: str
    start: str
    site: str | None = None  # without it every ticket belongs to the option `site`


@dataclass(frozen=True)
class QueueOptions:
    columns: Columns
    site_names: dict[str, str] = field(default_factory=dict)  # value in the site column → site id
    site: str | None = None  # the site of every ticket when the export has no site column
    datetime_format: str | None = None  # a strptime format; default ISO YYYY-MM-DD HH:MM[:SS]
    delimiter: str | None = None  # default: sniffed from the header line (comma, semicolon, tab)

    def roles(self) -> dict[str, str]:
        """Role → header, for the columns the export must have."""
        roles = {"ticket": self.columns.ticket, "arrival": self.columns.arrival, "start": self.columns.start}
        if self.columns.site is not None:
            roles["site"] = self.columns.site
        return roles


class Placer:
    """Places a problem at `sources.<id>.<path>` in `audit.toml`, with its line when found."""

    def __init__(self, request: CollectRequest) -> None:
        self.source = request.source.id
        self.file = str(request.audit.file or "audit.toml")
        self._text: str | None = None
        self._read = False
        self._path = request.audit.file

    def text(self) -> str | None:
        if not self._read:  # read only when a problem must be placed
            self._read = True
            if self._path is not None:
                try:
                    self._text = load_toml(self._path)[1]
                except InputError:
                    self._text = None
        return self._text

    @property
    def at(self) -> str:
        """Where the source's options are written in audit.toml."""
        return f"sources.{self.source}"

    def where(self, path: str) -> str:
        return where(self.text(), f"{self.at}.{path}" if path else self.at)

    def add(self, problems: ProblemCollector, path: str, what: str | Text) -> None:
        problems.add(self.file, self.where(path), what)


def load_options(request: CollectRequest) -> QueueOptions:
    """Structure and check the options; raise one `InputError` listing every problem."""
    placer = Placer(request)
    raw: Mapping[str, Any] = request.inputs.options
    options = structure(dict(raw), QueueOptions, file=placer.file, text=placer.text(), at=placer.at)
    problems = ProblemCollector(request.max_errors)
    _check_columns(options, placer, problems)
    _check_sites(request, options, placer, problems)
    _check_reading(options, placer, problems)
    problems.raise_if_any()
    return options


def _check_columns(options: QueueOptions, placer: Placer, problems: ProblemCollector) -> None:
    seen: dict[str, str] = {}
    for role, header in options.roles().items():
        if " ".join(header.split()) in seen:
            placer.add(problems, f"columns.{role}", msg.option_same_column(header))
        seen[" ".join(header.split())] = role


def _check_sites(request: CollectRequest, options: QueueOptions, placer: Placer, problems: ProblemCollector) -> None:
    site_ids = [site.id for site in request.audit.sites]
    known = ", ".join(site_ids)
    for value, site_id in options.site_names.items():
        if site_id not in site_ids:
            placer.add(problems, f'site_names."{value}"', msg.option_unknown_site(site_id, known))
    if options.site is not None and options.site not in site_ids:
        placer.add(problems, "site", msg.option_unknown_site(options.site, known))
    if options.site is not None and options.columns.site is not None:
        placer.add(problems, "site", msg.option_site_twice())
    if options.site is None and options.columns.site is None and len(site_ids) > 1:
        placer.add(problems, "columns", msg.option_site_needed(known))


_PROBE = dt.datetime(2026, 11, 23, 14, 5, 9)


def _check_reading(options: QueueOptions, placer: Placer, problems: ProblemCollector) -> None:
    if options.delimiter is not None and len(options.delimiter) != 1:
        placer.add(problems, "delimiter", msg.option_bad_delimiter(options.delimiter))
    fmt = options.datetime_format
    if fmt is not None and (problem := format_problem(fmt)) is not None:
        placer.add(problems, "datetime_format", problem)


def format_problem(fmt: str) -> Text | None:
    """Why a strptime format cannot date a ticket, or None: it must read back the date, hour and minute it writes."""
    expected = _PROBE if "%S" in fmt else _PROBE.replace(second=0)
    try:
        read = dt.datetime.strptime(_PROBE.strftime(fmt), fmt)
    except ValueError as exc:
        return msg.option_bad_format(fmt, str(exc), str(exc))
    if read != expected:
        return msg.option_bad_format(fmt, "date, heure ou minute absente", "date, hour or minute missing")
    return None
