"""Collecting a survey source: read every export, tally the answers, report evidence per site.

Only tallies are kept: per (site, item) how many respondents gave each scale point, and per
(site, item, paired item) how many gave each difference. CSV exports are read column by column
with Polars, a block of records at a time (`_columnar`); XLSX workbooks, and the rare CSV that
Polars could read differently from the csv module, are streamed row by row. Either way memory
does not grow with the number of rows, and the results are the same. Every problem is collected
(up to the audit's limit) and reported in one `InputError`, so that a user fixes a whole export
in one go.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from enum import Enum
from fractions import Fraction
from pathlib import Path

from attrs import frozen

from labelaudit import (
    Collection,
    CollectRequest,
    Evidence,
    InputError,
    Problem,
    ProblemCollector,
    Provenance,
    Sample,
    Text,
    column_letter,
    file_problem,
    fold_header,
    row_place,
)

from labelaudit_surveys import _messages as msg
from labelaudit_surveys._answers import NO_ANSWER, AnswerReader, SiteReader, Unusable, cell_text, normalise
from labelaudit import cell_place as csv_place
from labelaudit_surveys._csv import open_csv
from labelaudit_surveys._headers import closest_header, first_difference
from labelaudit_surveys._options import RowFilter, SurveyOptions, load_options
from labelaudit_surveys._table import Table, is_blank
from labelaudit_surveys._xlsx import open_xlsx

SUFFIXES = (".csv", ".xlsx")
COLUMNAR = True  # read CSV exports with Polars when it is installed (tests switch it off to compare)


class Reader(Enum):
    ROWS = "rows"  # what `read_columns` returns for an export that is to be read row by row


ROWS = Reader.ROWS


@frozen
class Column:
    """One mapped export column: its header as the audit writes it, its item, its reader."""

    header: str
    item: str
    reader: AnswerReader


@frozen
class Plan:
    """What to read in every export of the source, derived once from the options."""

    source: str
    options: SurveyOptions
    columns: Mapping[str, Column]  # by folded header (`fold_header`)
    site_header: str | None  # folded
    ignored: frozenset[str]  # folded
    sites: SiteReader | None  # None: every row belongs to `fixed_site`
    fixed_site: str
    pairs: tuple[tuple[str, str], ...]  # (item, paired item) that a binding needs
    row_filter: RowKeeper | None = None

    @property
    def row_by_row(self) -> bool:
        """Whether exports must be read row by row: a header over several rows (the columnar
        reader finds a one-row header only)."""
        return self.options.header_rows > 1

    def header_of(self, item: str) -> str | None:
        return next((c.header for c in self.columns.values() if c.item == item), None)


@frozen
class Layout:
    """Where a plan's columns are in one export."""

    answers: tuple[tuple[int, Column], ...]  # (0-based position, column)
    site: int | None
    filter: int | None = None  # the row filter's column


class Tallies:
    """The answers of every export of the source, as counts: memory does not grow with rows."""

    def __init__(self) -> None:
        self.items: defaultdict[tuple[str, str], Counter[Fraction]] = defaultdict(Counter)
        self.pairs: defaultdict[tuple[str, str, str], Counter[Fraction]] = defaultdict(Counter)
        self.files: defaultdict[str, dict[str, None]] = defaultdict(dict)  # site → files, ordered


def collect(request: CollectRequest) -> Collection:
    """Read the source's exports into one piece of evidence per (criterion, binding, site)."""
    options = load_options(request)
    plan = make_plan(request, options)
    problems = ProblemCollector(request.max_errors)
    tallies = Tallies()
    notes: list[Text] = []
    for path in request.inputs.files:
        note = read_file(request, plan, path, tallies, problems)
        if note:
            notes.append(note)
    problems.raise_if_any()
    notes.extend(_unmapped_note(request, plan))
    return Collection(evidence=tuple(evidence(request, plan, tallies)), notes=tuple(notes))


def make_plan(request: CollectRequest, options: SurveyOptions) -> Plan:
    scheme, source = request.scheme, request.source
    source_key = f"[sources.{source.id}"
    no_answer = (*scheme.policies.no_answer, *options.no_answer)
    columns = {}
    for header, item_key in options.columns.items():
        scale = scheme.scale_of(source, item_key)
        if scale is not None:  # load_options rejected unknown items
            answers, answers_key = dict(options.answers), f"{source_key}.answers]"
            for number, answer_map in enumerate(options.answer_maps):
                if header in answer_map.columns:  # the column's own labels win over the source's
                    answers.update(answer_map.answers)
                    answers_key = f"[[sources.{source.id}.answer_maps]] #{number + 1}"
            reader = AnswerReader(scale, answers, no_answer, answers_key)
            columns[fold_header(header)] = Column(header, item_key, reader)
    sites = (
        SiteReader(request.audit.sites, options.site_names, f"{source_key}.site_names]")
        if options.site_column is not None
        else None
    )
    pairs = {(b.item, b.paired) for _, b in request.bindings if b.item is not None and b.paired is not None}
    return Plan(
        source=source.id,
        options=options,
        columns=columns,
        site_header=fold_header(options.site_column) if options.site_column is not None else None,
        ignored=frozenset(fold_header(h) for h in options.ignore),
        sites=sites,
        fixed_site=options.site or request.audit.sites[0].id,
        pairs=tuple(sorted(pairs)),
        row_filter=RowKeeper.of(options.filter) if options.filter is not None else None,
    )


@frozen
class RowKeeper:
    """The row filter: whether a row is read, by its cell in the filter's column."""

    header: str  # as the audit writes it
    folded: str
    values: frozenset[str]  # normalised, "" for a blank cell
    keep: bool  # True: read only rows with one of `values`; False: leave those out
    shown: tuple[str, ...]  # the values as the audit writes them, for the note

    @classmethod
    def of(cls, row_filter: RowFilter) -> RowKeeper:
        values = row_filter.keep if row_filter.keep is not None else row_filter.drop or ()
        return cls(row_filter.column, fold_header(row_filter.column), frozenset(normalise(v) for v in values),
                   row_filter.keep is not None, tuple(values))

    def reads(self, value: object) -> bool:
        return (normalise(cell_text(value)) in self.values) == self.keep


def open_table(path: Path, file: str, plan: Plan) -> AbstractContextManager[Table]:
    """Open a CSV or XLSX export by its suffix, whatever its case."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError.at(file, "", msg.unsupported_suffix(path.suffix))
    if path.stat().st_size == 0:
        raise InputError.at(file, "", file_problem("empty"))
    rows, match = plan.options.header_rows, plan.options.match_row
    if suffix == ".csv":
        return open_csv(path, file, plan.options.delimiter, rows, match)
    wanted = {name: column.header for name, column in plan.columns.items()}
    return open_xlsx(path, file, plan.options.sheet, plan.options.header_row, wanted, rows, match)


def read_file(
    request: CollectRequest, plan: Plan, path: Path, tallies: Tallies, problems: ProblemCollector
) -> Text | None:
    """Tally one export; its problems go to `problems`. Returns the note on what was read."""
    file = str(path)
    display = display_path(request, path)
    try:
        counted = read_columns(plan, path, file, display, tallies, problems)
        if counted is ROWS:
            with open_table(path, file, plan) as table:
                layout = read_header(table, plan, file, problems)
                if layout is None:
                    return None
                counted = read_rows(table, layout, plan, file, display, tallies, problems)
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
    if counted is None:
        return None
    rows, sites, left_out = counted
    if plan.row_filter is not None:
        keeper = plan.row_filter
        return msg.file_read_filtered(display, rows, sites, left_out, keeper.header, keeper.keep, keeper.shown)
    return msg.file_read(display, rows, sites)


def read_columns(
    plan: Plan, path: Path, file: str, display: str, tallies: Tallies, problems: ProblemCollector
) -> tuple[int, int, int] | None | Reader:
    """Tally a CSV export column by column (see `_columnar`): (rows, sites, rows left out), or None when its
    header does not match (problems reported), or ROWS when it must be read row by row: an XLSX
    workbook, Polars not installed or switched off, or a CSV that Polars could read differently
    from the csv module. Nothing is reported or tallied before that is known."""
    if not COLUMNAR or path.suffix.lower() != ".csv" or plan.row_by_row:
        return ROWS
    try:
        from labelaudit_surveys._columnar import ColumnReader, RowReaderNeeded, read_head
    except ImportError:  # Polars has no wheel for this platform: rows are read one by one
        return ROWS
    if path.stat().st_size == 0:
        raise InputError.at(file, "", file_problem("empty"))
    try:
        head = read_head(path, file, plan.options.delimiter)
    except RowReaderNeeded:
        return ROWS
    layout = read_header(Table(head.header_row, head.header, iter(()), csv_place), plan, file, problems)
    if layout is None:
        return None
    answers = [(position, column.header, column.item, column.reader) for position, column in layout.answers]
    site, site_ids = None, [plan.fixed_site]
    if plan.sites is not None and layout.site is not None:
        site = (layout.site, plan.options.site_column or "", plan.sites)
        site_ids = [s.id for s in plan.sites.sites]
    keeps = None
    if plan.row_filter is not None and layout.filter is not None:
        keeps = (layout.filter, plan.row_filter.reads)
    reader = ColumnReader(file, head, answers, site, plan.fixed_site, site_ids, plan.pairs, problems.room, keeps)
    try:
        counts = reader.read(path)
    except RowReaderNeeded:
        return ROWS
    for site_id in counts.sites:
        tallies.files[site_id][display] = None
    for key, tally in counts.items.items():
        if key in tallies.items:
            tallies.items[key].update(tally)
        else:
            tallies.items[key] = tally
    for pair, tally in counts.pairs.items():
        tallies.pairs[pair].update(tally)
    problems.merge(counts.problems)
    return counts.rows, len(counts.sites), counts.left_out


def read_header(table: Table, plan: Plan, file: str, problems: ProblemCollector) -> Layout | None:
    """Match the export's header to the plan; None (and problems) when it does not match."""
    found: dict[str, int] = {}
    wrong: list[Problem] = []
    named = named_width(table.header)
    filter_header = plan.row_filter.folded if plan.row_filter is not None else None
    unknown: list[tuple[int, str]] = []
    for position, text in enumerate(table.header):
        name = fold_header(text)  # `l’agence` and `L'agence` are the same header
        if not name and position < named:  # a gap among the headers: whose answers are these?
            wrong.append(Problem(file, row_place(table.header_row), msg.empty_header(column_letter(position))))
        if not name or name in plan.ignored:
            continue
        where = table.place(table.header_row, position, text)
        if name in found:
            first = found[name]
            if table.header[first] == text:
                wrong.append(Problem(file, where, msg.header_twice(text)))
            else:
                wrong.append(Problem(file, where, msg.header_alike_twice(
                    text, column_letter(position), table.header[first], column_letter(first))))
        elif name in plan.columns or name == plan.site_header or name == filter_header:
            found[name] = position
        else:
            unknown.append((position, text))
            wrong.append(Problem(file, where, msg.unknown_header(text, plan.source)))
    wanted = [(name, column.header) for name, column in plan.columns.items()]
    if plan.site_header is not None:
        wanted.append((plan.site_header, plan.options.site_column or ""))
    if plan.row_filter is not None:
        wanted.append((plan.row_filter.folded, plan.row_filter.header))
    for name, header in wanted:
        if name not in found:
            closest = closest_header(header, unknown)
            what = msg.header_not_found(header) if closest is None else msg.header_not_found_closest(
                header, closest[1], column_letter(closest[0]), *first_difference(header, closest[1]))
            wrong.append(Problem(file, row_place(table.header_row), what))
    gaps = sum(1 for position, text in enumerate(table.header) if not text and position < named)
    if gaps > 1 and plan.options.header_rows == 1:  # a matrix question over its sub-questions (one gap: a stray column)
        wrong.insert(0, Problem(file, row_place(table.header_row), msg.header_gaps_hint(gaps)))
    for problem in wrong:
        problems.add(problem.file, problem.where, problem.what)
    if wrong:
        return None
    answers = tuple((found[name], column) for name, column in plan.columns.items())
    return Layout(
        answers,
        found.get(plan.site_header) if plan.site_header else None,
        found.get(filter_header) if filter_header else None,
    )


def read_rows(
    table: Table, layout: Layout, plan: Plan, file: str, display: str, tallies: Tallies, problems: ProblemCollector
) -> tuple[int, int, int]:
    """Tally every non-blank row; return how many rows and how many sites were read, and how many
    rows the row filter left out (counted, never read)."""
    rows, left_out = 0, 0
    named = named_width(table.header)
    counts = RowCounts(layout, plan.pairs)
    for number, cells in table.rows:
        if is_blank(cells):
            continue
        if not row_fits(table, named, number, cells, file, problems):
            rows += 1
            continue  # its cells are not where the header says: reading them would mislead
        if plan.row_filter is not None and layout.filter is not None:
            if not plan.row_filter.reads(_cell(cells, layout.filter)):
                left_out += 1
                continue
        rows += 1
        site = read_site(table, layout, plan, number, cells, file, problems)
        codes = []
        for position, column in layout.answers:
            try:
                codes.append(column.reader.code(_cell(cells, position)))
            except Unusable as exc:
                problems.add(file, table.place(number, position, column.header), exc.why)
                codes.append(NO_ANSWER)
        if site is not None:
            counts.add(site, codes)
    counts.into(tallies, display)
    return rows, len(counts.sites), left_out


class RowCounts:
    """One export's rows as counts of answer codes (`AnswerReader.code`) per site and column, and
    of code pairs per site and paired items, in one list of integers per site: a workbook of a
    million rows adds tens of millions of answers, and an increment at a list index costs less
    than hashing a key. `into` turns them into points."""

    def __init__(self, layout: Layout, pairs: Sequence[tuple[str, str]]) -> None:
        self.columns = [column for _, column in layout.answers]
        index = {column.item: i for i, column in enumerate(self.columns)}
        # Only the pairs whose two items the export has: a missing one pairs with no answer.
        self.pairs = [(item, paired, index[item], index[paired]) for item, paired in pairs
                      if item in index and paired in index]
        # Where each column's counts start: a slot per code, NO_ANSWER's (-1) just before them.
        sizes = [len(column.reader.scale.values) for column in self.columns]
        self.starts = [1 + sum(sizes[:i]) + i for i in range(len(sizes))]
        after = self.starts[-1] + sizes[-1] if sizes else 0
        self.pair_starts = []  # each pair's slots: code × the second's size + code
        for _, _, first, second in self.pairs:
            self.pair_starts.append(after)
            after += sizes[first] * sizes[second]
        self.sizes, self.width = sizes, after
        self.sites: dict[str, list[int]] = {}  # in the order of their first row

    def add(self, site: str, codes: Sequence[int]) -> None:
        counts = self.sites.get(site)
        if counts is None:
            counts = self.sites[site] = [0] * self.width
        for start, code in zip(self.starts, codes):
            counts[start + code] += 1  # NO_ANSWER lands in the slot before the column's, never read
        for start, (_, _, first, second) in zip(self.pair_starts, self.pairs):
            a, b = codes[first], codes[second]
            if a != NO_ANSWER and b != NO_ANSWER:
                counts[start + a * self.sizes[second] + b] += 1

    def into(self, tallies: Tallies, display: str) -> None:
        for site in self.sites:
            tallies.files[site][display] = None
        for site, counts in self.sites.items():
            for column, start, size in zip(self.columns, self.starts, self.sizes):
                for code in range(size):
                    if counts[start + code]:
                        tallies.items[(site, column.item)][column.reader.value_of(code)] += counts[start + code]
            for pair_start, (item, paired, i, j) in zip(self.pair_starts, self.pairs):
                first, second = self.columns[i].reader, self.columns[j].reader
                for a in range(self.sizes[i]):
                    for b in range(self.sizes[j]):
                        count = counts[pair_start + a * self.sizes[j] + b]
                        if count:
                            tallies.pairs[(site, item, paired)][first.value_of(a) - second.value_of(b)] += count


def named_width(header: Sequence[str]) -> int:
    """How many cells the header names: up to its last non-empty cell (an export may pad it)."""
    return max((position + 1 for position, name in enumerate(header) if name), default=0)


def row_fits(
    table: Table, named: int, number: int, cells: Sequence[object], file: str, problems: ProblemCollector
) -> bool:
    """Whether a row has its cells under the header: a CSV record as many as the header's, and
    no value past the last named column (what would its answer be?). Reported if not."""
    width = len(table.header)
    if table.delimiter is not None and len(cells) != width:
        joined = table.delimiter.join(str(cell) for cell in cells)
        other = next((d for d in (",", ";", "\t") if d != table.delimiter and joined.count(d) + 1 == width), None)
        problems.add(file, row_place(number), msg.row_width(len(cells), width, table.delimiter, other))
        return False
    for position in range(named, len(cells)):
        if cells[position] is not None and str(cells[position]).strip():
            value = str(cells[position]).strip()
            problems.add(file, row_place(number), msg.value_without_header(column_letter(position), value))
            return False
    return True


def read_site(
    table: Table, layout: Layout, plan: Plan, number: int, cells: Sequence[object], file: str,
    problems: ProblemCollector,
) -> str | None:
    if plan.sites is None or layout.site is None:
        return plan.fixed_site
    try:
        return plan.sites.read(_cell(cells, layout.site))
    except Unusable as exc:
        problems.add(file, table.place(number, layout.site, plan.options.site_column or ""), exc.why)
        return None


def _cell(cells: Sequence[object], position: int) -> object:
    return cells[position] if position < len(cells) else None


def evidence(request: CollectRequest, plan: Plan, tallies: Tallies) -> Iterable[Evidence]:
    """One piece of evidence per binding and per site with at least one usable answer."""
    for criterion, binding in request.bindings:
        if binding.item is None:
            continue
        headers = [plan.header_of(binding.item)]
        if binding.paired is not None:
            headers.append(plan.header_of(binding.paired))
        if None in headers:
            continue
        location = " and ".join(f"'{h}'" for h in headers)
        location = f"columns {location}" if binding.paired is not None else f"column {location}"
        for site in request.audit.sites:
            if binding.paired is not None:
                tally = tallies.pairs.get((site.id, binding.item, binding.paired))
            else:
                tally = tallies.items.get((site.id, binding.item))
            if tally:
                yield Evidence(
                    criterion=criterion.id,
                    binding=binding.id,
                    site=site.id,
                    sample=sample_of(tally),
                    provenance=Provenance(file=", ".join(tallies.files[site.id]), location=location),
                )


def sample_of(tally: Mapping[Fraction, int]) -> Sample:
    """`Sample.of(tally)` for a tally whose keys are already Fractions, without converting them
    again: sorted by value, compared as floats first (exactly, as Fractions, only on a tie)."""
    counted = [(value, count) for value, count in tally.items() if count > 0]
    counted.sort(key=lambda pair: (pair[0].numerator / pair[0].denominator, pair[0]))
    return Sample(tuple(counted))


def _unmapped_note(request: CollectRequest, plan: Plan) -> list[Text]:
    needed = {
        key
        for _, binding in request.bindings
        for key in (binding.item, binding.paired)
        if key is not None and plan.header_of(key) is None
    }
    if not needed:
        return []
    return [msg.items_unmapped(plan.source, ", ".join(sorted(needed)))]


def display_path(request: CollectRequest, path: Path) -> str:
    """A file as provenance names it: relative to the audit folder, with `/` separators."""
    try:  # a pure path operation, as the engine names digests: `../shared/x.csv` stays so
        return path.relative_to(request.audit.folder).as_posix()
    except ValueError:
        return path.as_posix()


