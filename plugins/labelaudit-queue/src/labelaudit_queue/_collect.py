"""Collecting a queue source: read every ticketing export, tally the waits, report evidence per site.

Rows are streamed. What is kept per site is a tally of waits (in microseconds → how many tickets
waited that long: it grows with the number of distinct waits, not with the number of tickets),
the number of customers who left without being served, and the files read. The duplicate-ticket
check keeps the ids seen, one string per ticket.

A ticket's wait is its service start minus its arrival, in minutes, exact (seconds count as
sixtieths). A blank service start is a customer who left without being served: counted among
the tickets, never served within any threshold, and left out of the longest wait (how long they
waited is not known).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path

from labelaudit import (
    Binding,
    Collection,
    CollectRequest,
    Criterion,
    CsvExport,
    Evidence,
    InputError,
    ProblemCollector,
    Provenance,
    Sample,
    Site,
    Text,
    cell_place,
    clean_cell,
    file_problem,
    is_blank,
    load_toml,
    open_csv_export,
    row_place,
    where,
)

from labelaudit_queue import _messages as msg
from labelaudit_queue._options import QueueOptions, load_options

SERVED_WITHIN = "served_within"
MAX_WAIT = "max_wait"
INDICATORS = (SERVED_WITHIN, MAX_WAIT)

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?")


class Waits:
    """Every export of one source, as tallies per site."""

    def __init__(self) -> None:
        self.served: defaultdict[str, Counter[int]] = defaultdict(Counter)  # site → wait in µs → tickets
        self.left: Counter[str] = Counter()  # site → customers who left without being served
        self.files: defaultdict[str, dict[str, None]] = defaultdict(dict)  # site → files, in order
        self.seen: dict[tuple[str, str], tuple[str, int]] = {}  # (site, ticket) → (file, row) first read

    def tickets(self, site: str) -> int:
        return sum(self.served[site].values()) + self.left[site]

    def served_within(self, site: str, minutes: Fraction) -> Counter[Fraction]:
        """The tally of 1 (served within `minutes`) and 0 (served later, or never)."""
        limit = minutes * MICROSECONDS_PER_MINUTE
        hits = sum(count for wait, count in self.served[site].items() if wait <= limit)
        return Counter({Fraction(1): hits, Fraction(0): self.tickets(site) - hits})

    def waits(self, site: str) -> Counter[Fraction]:
        """The tally of waits in minutes, exact: {minutes: tickets}."""
        return Counter({minutes(wait): count for wait, count in self.served[site].items()})


MICROSECONDS_PER_MINUTE = 60_000_000


def wait_microseconds(arrival: dt.datetime, start: dt.datetime) -> int:
    """start − arrival in whole microseconds (the resolution of a datetime)."""
    return (start - arrival) // dt.timedelta(microseconds=1)


def minutes(microseconds: int) -> Fraction:
    """A wait in minutes, exactly: seconds count as sixtieths."""
    return Fraction(microseconds, MICROSECONDS_PER_MINUTE)


# --- Reading ------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """A site value as compared: NFC, typographic apostrophes straightened, spaces collapsed, casefolded."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'")
    return " ".join(text.split()).casefold()


class Reader:
    """Reads one row's cells into a ticket; problems go to the collector with row and column."""

    def __init__(self, request: CollectRequest, options: QueueOptions) -> None:
        self.source = request.source.id
        self.options = options
        self.sites = tuple(site.id for site in request.audit.sites)
        self.known_sites: dict[str, str] = {}
        for site in request.audit.sites:
            self.known_sites[normalise(site.name)] = site.id
            self.known_sites[normalise(site.id)] = site.id
        self.known_sites.update({normalise(value): site_id for value, site_id in options.site_names.items()})
        self.fixed_site = options.site or request.audit.sites[0].id
        fmt = options.datetime_format
        self.expected = fmt if fmt else msg.ISO_FORMAT

    def parse_time(self, text: str) -> dt.datetime | None:
        fmt = self.options.datetime_format
        try:
            if fmt:
                return dt.datetime.strptime(text, fmt)
            match = _ISO.fullmatch(text)
            if match is None:
                return None
            year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
            return dt.datetime(year, month, day, hour, minute, second)
        except ValueError:  # 2026-02-30, 25:00
            return None

    def site_of(self, text: str) -> str | None:
        return self.known_sites.get(normalise(text)) if text else None


def collect(request: CollectRequest) -> Collection:
    """Read the source's exports into one piece of evidence per (criterion, binding, site)."""
    check_bindings(request)
    options = load_options(request)
    reader = Reader(request, options)
    problems = ProblemCollector(request.max_errors)
    waits = Waits()
    notes: list[Text] = []
    for path in request.inputs.files:
        note = read_file(request, reader, path, waits, problems)
        if note:
            notes.append(note)
    problems.raise_if_any()
    return Collection(evidence=tuple(evidence(request, options, waits)), notes=tuple(notes))


def display_path(request: CollectRequest, path: Path) -> str:
    """A file as provenance names it: relative to the audit folder, with `/` separators."""
    try:
        return path.relative_to(request.audit.folder).as_posix()
    except ValueError:
        return path.as_posix()


def read_file(request: CollectRequest, reader: Reader, path: Path, waits: Waits, problems: ProblemCollector) -> Text | None:
    """Tally one export; its problems go to `problems`. Returns the note on what was read."""
    file = str(path)
    if path.suffix.lower() != ".csv":
        problems.add(file, "", msg.unsupported_suffix(path.suffix))
        return None
    try:
        if path.stat().st_size == 0:
            problems.add(file, "", file_problem("empty"))
            return None
        with open_csv_export(path, file, reader.options.delimiter) as export:
            layout = read_header(export, reader, file, problems)
            if layout is None:
                return None
            counts = read_rows(export, layout, reader, file, display_path(request, path), waits, problems)
    except FileNotFoundError:
        problems.add(file, "", file_problem("missing"))
        return None
    except OSError as exc:
        problems.add(file, "", file_problem("unreadable", str(exc.strerror or exc)))
        return None
    except InputError as exc:
        for problem in exc.problems:
            problems.add(problem.file, problem.where, problem.what)
        return None
    tickets, left = counts
    return msg.file_read(request.source.id, display_path(request, path), tickets, left)


def read_header(export: CsvExport, reader: Reader, file: str, problems: ProblemCollector) -> dict[str, int] | None:
    """Role → 0-based column; None (and problems) when a mapped header is missing or doubled.

    Other columns (counter, service, agent …) are not read: exports carry many.
    """
    roles = {role: clean_cell(header) for role, header in reader.options.roles().items()}
    wanted = set(roles.values())
    found: dict[str, int] = {}
    ok = True
    for position, name in enumerate(export.header):
        if name in wanted:
            if name in found:
                problems.add(file, cell_place(export.header_row, position, name), msg.header_twice(name))
                ok = False
            else:
                found[name] = position
    for role, header in roles.items():
        if header not in found:
            problems.add(file, row_place(export.header_row), msg.header_not_found(header, role, reader.source))
            ok = False
    return {role: found[header] for role, header in roles.items()} if ok else None


def read_rows(
    export: CsvExport, layout: Mapping[str, int], reader: Reader, file: str, display: str, waits: Waits,
    problems: ProblemCollector,
) -> tuple[int, int]:
    """Tally every non-blank row; return how many tickets were read and how many left unserved."""
    headers = export.header
    tickets = left = 0

    def cell(cells: Sequence[str], role: str) -> str:
        position = layout[role]
        return clean_cell(cells[position]) if position < len(cells) else ""

    def at(number: int, role: str) -> str:
        return cell_place(number, layout[role], headers[layout[role]])

    for number, cells in export.records:
        if is_blank(cells):
            continue
        tickets += 1
        ok = True
        site: str | None = reader.fixed_site
        if "site" in layout:
            site = reader.site_of(cell(cells, "site"))
            if site is None:
                problems.add(file, at(number, "site"), msg.unknown_site(cell(cells, "site"), ", ".join(reader.sites), reader.source))
                ok = False
        ticket = cell(cells, "ticket")
        if not ticket:
            problems.add(file, at(number, "ticket"), msg.ticket_missing())
            ok = False
        elif site is not None:
            first = waits.seen.get((site, ticket))
            if first is not None:
                problems.add(file, at(number, "ticket"), msg.ticket_duplicate(ticket, site, f"{first[0]} row {first[1]}"))
                ok = False
            else:
                waits.seen[(site, ticket)] = (display, number)
        arrival_text, start_text = cell(cells, "arrival"), cell(cells, "start")
        arrival = reader.parse_time(arrival_text) if arrival_text else None
        if not arrival_text:
            problems.add(file, at(number, "arrival"), msg.arrival_missing())
        elif arrival is None:
            problems.add(file, at(number, "arrival"), msg.unreadable_time(arrival_text, reader.expected))
        start = reader.parse_time(start_text) if start_text else None
        if start_text and start is None:
            problems.add(file, at(number, "start"), msg.unreadable_time(start_text, reader.expected))
            ok = False
        if arrival is None:
            ok = False
        elif start is not None and start < arrival:
            problems.add(file, at(number, "start"), msg.start_before_arrival(start_text, arrival_text, headers[layout["arrival"]]))
            ok = False
        if not ok or site is None or arrival is None:
            continue
        waits.files[site][display] = None
        if start is None:
            waits.left[site] += 1
            left += 1
        else:
            waits.served[site][wait_microseconds(arrival, start)] += 1
    return tickets, left


# --- The scheme's bindings to this source -------------------------------------------------------


def check_bindings(request: CollectRequest) -> None:
    """Every binding to a queue source names one of its indicators with a usable curve.

    labelaudit checks survey and grid bindings when it loads a scheme; a plugin's own source
    kind is checked here, when its evidence is collected, and placed in the requirement file.
    """
    problems = ProblemCollector(request.max_errors)
    texts: dict[Path, str | None] = {}
    source = request.source.id
    for criterion, binding in request.bindings:
        place_of = _binding_place(request, criterion, binding, texts)
        if binding.indicator not in INDICATORS:
            problems.add(*place_of("indicator"), msg.binding_indicator(binding.indicator, source, ", ".join(INDICATORS)))
            continue
        if binding.floor is None or binding.target is None:
            problems.add(*place_of(""), msg.binding_curve(source))
        if binding.indicator == SERVED_WITHIN:
            if len(binding.points) != 1:
                problems.add(*place_of("points"), msg.binding_threshold(len(binding.points)))
            elif binding.points[0] < 0:
                problems.add(*place_of("points"), msg.binding_negative(str(binding.points[0])))
        elif binding.points:
            problems.add(*place_of("points"), msg.binding_no_points())
    problems.raise_if_any()


def _binding_place(
    request: CollectRequest, criterion: Criterion, binding: Binding, texts: dict[Path, str | None]
) -> Callable[[str], tuple[str, str]]:
    """(file, where) of a binding's key in its requirement file: `line 12, key criteria[1].bindings[0].points`."""
    requirement = request.scheme.requirement_of(criterion.id)
    path = getattr(requirement, "file", None)
    if requirement is None or path is None:
        prefix = f"criterion {criterion.id}, binding {binding.id}"
        return lambda key: (str(request.scheme.folder or request.scheme.id), f"{prefix}, key {key}" if key else prefix)
    if path not in texts:
        try:
            texts[path] = load_toml(path)[1]
        except InputError:
            texts[path] = None
    i = next(i for i, c in enumerate(requirement.criteria) if c.id == criterion.id)
    j = next(j for j, b in enumerate(criterion.bindings) if b is binding)
    base = f"criteria[{i}].bindings[{j}]"
    return lambda key: (str(path), where(texts[path], f"{base}.{key}" if key else base))


# --- Evidence -----------------------------------------------------------------------------------


def evidence(request: CollectRequest, options: QueueOptions, waits: Waits) -> Iterable[Evidence]:
    """One piece of evidence per binding and per site with at least one ticket (one served, for max_wait)."""
    location = f"columns '{options.columns.arrival}' and '{options.columns.start}'"
    for criterion, binding in request.bindings:
        for site in request.audit.sites:
            tally = _tally(binding, site, waits)
            if not tally or sum(tally.values()) == 0:
                continue
            served = sum(waits.served[site.id].values())
            yield Evidence(
                criterion=criterion.id,
                binding=binding.id,
                site=site.id,
                sample=Sample.of(tally),
                observations=msg.observations(waits.tickets(site.id), served, waits.left[site.id]),
                provenance=Provenance(file=", ".join(waits.files[site.id]), location=location),
            )


def _tally(binding: Binding, site: Site, waits: Waits) -> Counter[Fraction] | None:
    if binding.indicator == SERVED_WITHIN:
        return waits.served_within(site.id, Fraction(binding.points[0]))
    if binding.indicator == MAX_WAIT:
        return waits.waits(site.id)
    return None
