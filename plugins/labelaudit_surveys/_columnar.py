"""Reading a CSV export column by column with Polars: the path for large exports.

Reading row by row turns every cell into a Python object: at a million respondents and 25 items
that is 25 million cells and about ten times the time of a columnar engine. Here the file is cut
into blocks of whole records; Polars parses each block into string columns; every *distinct* raw
string of a column is read once, by the same `AnswerReader` and `SiteReader` as the row reader,
into a small integer code (a scale point, "no answer", or rejected); Polars then replaces each
cell by its code and counts codes per site. Only one block and the tallies are held in memory,
whatever the number of rows.

The results are exactly those of the row reader: the same tallies, notes and problems, in the same
order, with the same row numbers (records counted from the top of the file, blank ones included).
Wherever Polars and Python's csv module could read a file differently, the file is handed back
to the row reader (`RowReaderNeeded`) before anything was reported or tallied: a carriage return
alone as a line end, a record with more cells than the header, quotes that RFC 4180 does not allow
(`a"b`, `"a"b`), a field over the csv module's size limit, a delimiter that is not one ASCII
character.
"""

from __future__ import annotations

import csv
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path

import polars as pl
from attrs import define, field, frozen

from labelaudit import InputError, ProblemCollector, Text, file_problem

from labelaudit_surveys._answers import AnswerReader, SiteReader, Unusable, cell_text
from labelaudit import cell_place as _place
from labelaudit import csv_records as _records
from labelaudit import detect_encoding, sniff_delimiter
from labelaudit import leading_lines as _through_first_content_line
from labelaudit_surveys._table import clean_header, is_blank

SHOWN_ROWS = 3  # the first rows a repeated problem names (as labelaudit's ProblemCollector does)
BLOCK = 1 << 23  # bytes of records parsed at a time
COMPACT = 4  # partial counts kept before they are summed (each is sites × counted cells)

# Cell codes (UInt32). Points are 1..len(points): `points[code - 1]`.
NO_ANSWER = 0
REJECTED = 0xFFFF_FFF0
SITE_BLANK = 0xFFFF_FFF1  # an empty site cell: a blank row, or a problem if the row is not blank
UNSEEN = 0xFFFF_FFFF  # a raw string met for the first time: read it, then code the column again

# What `str.strip()` removes (every character for which `str.isspace()` is true), for Polars.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


class RowReaderNeeded(Exception):
    """This file must be read row by row, so that it reads exactly as the csv module reads it."""


@frozen
class Head:
    """An export's header, found as the row reader finds it, and where its rows start."""

    encoding: str
    delimiter: str
    header_row: int
    header: tuple[str, ...]
    offset: int  # bytes before the first record below the header


@define
class FileCounts:
    """What one export holds, ready to be added to the source's tallies and problems."""

    rows: int = 0
    left_out: int = 0  # rows the row filter left out (blank rows are no rows)
    sites: list[str] = field(factory=list)
    items: dict[tuple[str, str], Counter[Fraction]] = field(factory=lambda: defaultdict(Counter))
    pairs: dict[tuple[str, str, str], Counter[Fraction]] = field(factory=lambda: defaultdict(Counter))
    problems: ProblemCollector = field(factory=ProblemCollector)


def read_head(path: Path, file: str, delimiter: str | None) -> Head:
    """The header as `_csv.open_csv` finds it (same errors), read from the bytes to know its end."""
    encoding = detect_encoding(path, file)
    with path.open("rb") as handle:
        offset = 0

        def lines() -> Iterator[str]:
            nonlocal offset
            for number, raw in enumerate(handle):
                if raw.count(b"\r") != raw.count(b"\r\n"):
                    raise RowReaderNeeded("a carriage return alone ends a line")
                offset += len(raw)
                yield raw.decode(encoding if number == 0 or encoding == "cp1252" else "utf-8")

        stream = lines()
        leading = list(_through_first_content_line(stream))
        if not leading or not leading[-1].strip():
            raise InputError.at(file, "", file_problem("empty"))
        chosen = delimiter or sniff_delimiter(leading[-1])
        if len(chosen.encode()) != 1 or chosen in "\"\r\n":
            raise RowReaderNeeded(f"delimiter {chosen!r}")
        for number, record in enumerate(_records(itertools.chain(leading, stream), chosen, file), start=1):
            if not is_blank(record):
                return Head(encoding, chosen, number, tuple(clean_header(cell) for cell in record), offset)
    raise InputError.at(file, "", file_problem("empty"))


def each_block(path: Path, head: Head, process: Callable[[bytes], object], size: int) -> None:
    """Call `process` on the records below the header, as UTF-8 blocks of whole records.

    A line end ends a record unless it is inside quotes: with quotes only around fields and
    doubled inside them, that is when an even number of quotes comes before it in the block.
    Every read asks for `size` bytes and a block is let go before the next read, so that the
    memory held is the same for a small file as for a large one.
    """
    with path.open("rb", buffering=0) as handle:
        handle.seek(head.offset)
        carry = b""
        while chunk := handle.read(size):
            data = carry + chunk
            del chunk
            end = _last_record_end(data)
            if end == len(data):
                carry = b""
                process(_checked(data, head.encoding))
            elif end:
                carry = data[end:]
                process(_checked(data[:end], head.encoding))
            else:  # a record longer than a block: read on
                carry = data
            del data
        if carry:
            process(_checked(carry, head.encoding))


def _last_record_end(data: bytes) -> int:
    if b'"' not in data:
        return data.rfind(b"\n") + 1
    quotes, position = data.count(b'"'), len(data)
    while (newline := data.rfind(b"\n", 0, position)) >= 0:
        quotes -= data.count(b'"', newline, position)
        if quotes % 2 == 0:
            return newline + 1
        position = newline
    return 0


def _checked(data: bytes, encoding: str) -> bytes:
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        raise RowReaderNeeded("a carriage return alone ends a line")
    return data.decode("cp1252").encode("utf-8") if encoding == "cp1252" else data


class ColumnReader:
    """Tallies one CSV export whose header matched the plan.

    `answers`: per mapped column, its position, its header as the audit writes it, its item and
    its reader. `site`: the site column's position, header and reader, or None when every row
    belongs to `fixed_site`. `room`: how many messages the source's collector can still take.
    """

    def __init__(
        self,
        file: str,
        head: Head,
        answers: Sequence[tuple[int, str, str, AnswerReader]],
        site: tuple[int, str, SiteReader] | None,
        fixed_site: str,
        site_ids: Sequence[str],
        pairs: Sequence[tuple[str, str]],
        room: int,
        keeps: tuple[int, Callable[[str], bool]] | None = None,
    ) -> None:
        self.file, self.head, self.answers, self.site = file, head, answers, site
        self.keeps = keeps  # the row filter: its column's position, whether a raw cell keeps its row
        self.keep_codes: dict[str, int] = {}  # raw string of the filter's column → 1 (read) or 0
        self.original: list[int] | None = None  # the block's kept rows → their rows in the block
        self.problems = ProblemCollector(room)  # merged into the source's only if the file reads
        self.site_ids = list(site_ids)
        self.fixed = self.site_ids.index(fixed_site)
        self.points: list[Fraction] = []
        self.codes: list[dict[str, int]] = [{} for _ in answers]  # raw string → code, per answer column
        self.why: dict[tuple[int, str], Text] = {}  # (answer column, raw) → why it is rejected
        self.site_codes: dict[str, int] = {}
        self.site_why: dict[str, Text] = {}
        self.scale_codes = [[self._point(v) for v in reader.scale.values] for *_, reader in answers]
        for index in range(len(answers)):
            self._code(index, "")
        if site is not None:
            self._site_code("")
        by_item = {item: index for index, (_, _, item, _) in enumerate(answers)}
        self.pairs = [(by_item[a], by_item[b], a, b) for a, b in pairs if a in by_item and b in by_item]
        self.schema = {f"c{i}": pl.String for i in range(len(head.header))}
        self.sums, self.counted = self._sums()
        self.counts: list[pl.DataFrame] = []
        self.result = FileCounts()
        self.before = 0  # records read so far, blank ones included

    # --- Reading raw strings, once each -------------------------------------------------------

    def _point(self, value: Fraction) -> int:
        if value not in self.points:
            self.points.append(value)
        return self.points.index(value) + 1

    def _code(self, index: int, raw: str) -> None:
        try:
            value = self.answers[index][3].read(raw)
        except Unusable as exc:
            self.why[(index, raw)] = exc.why
            self.codes[index][raw] = REJECTED
        else:
            self.codes[index][raw] = NO_ANSWER if value is None else self._point(value)

    def _site_code(self, raw: str) -> None:
        assert self.site is not None
        try:
            self.site_codes[raw] = self.site_ids.index(self.site[2].read(raw))
        except Unusable as exc:
            self.site_why[raw] = exc.why
            self.site_codes[raw] = SITE_BLANK if not cell_text(raw) else REJECTED

    def _answer(self, index: int) -> pl.Expr:
        return _replace(pl.col(f"c{self.answers[index][0]}"), self.codes[index])

    def _site(self) -> pl.Expr:
        """Per row: the site's index, SITE_BLANK, REJECTED or UNSEEN (or, without a site column,
        whether the first cell is blank: only then can the row be blank)."""
        if self.site is None:
            return _is_blank(pl.col("c0"))
        return _replace(pl.col(f"c{self.site[0]}"), self.site_codes)

    # --- Blocks -------------------------------------------------------------------------------

    def read(self, path: Path) -> FileCounts:
        each_block(path, self.head, self._block, BLOCK)
        self._finish()
        self.result.problems = self.problems
        return self.result

    def _parse(self, data: bytes) -> pl.DataFrame:
        try:
            frame = pl.read_csv(
                data, has_header=False, schema=self.schema, separator=self.head.delimiter, quote_char='"',
                missing_columns="insert", raise_if_empty=False,
            )
        except Exception as exc:  # Polars would read it differently from the csv module, or not at all
            raise RowReaderNeeded(f"Polars: {type(exc).__name__}") from None
        longest = frame.select(pl.all().str.len_bytes().max()).row(0) if frame.height else ()
        if any(n is not None and n > csv.field_size_limit() for n in longest):
            raise RowReaderNeeded("a field over the csv module's size limit")
        if frame.height and self._ragged(data, frame):
            raise RowReaderNeeded("a record that does not fit the header")  # the row reader says where
        return frame

    def _ragged(self, data: bytes, frame: pl.DataFrame) -> bool:
        """Whether a record may have fewer cells than the header, or a value past its last named
        column. Polars pads a short record with empty cells, so when a record ends in an empty
        cell the delimiters outside quotes are counted, line by line (a block whose records span
        lines is handed to the row reader, which counts cells itself)."""
        named = max((i + 1 for i, name in enumerate(self.head.header) if name), default=0)
        if named < frame.width:
            past = pl.any_horizontal([~_is_blank(pl.col(f"c{i}")) for i in range(named, frame.width)])
            if frame.select(past.any()).item():
                return True
        if b'"' not in data and data.count(self.head.delimiter.encode()) == frame.height * (frame.width - 1):
            # Without quotes a record is a line and every delimiter parts two cells; Polars refuses
            # a record of more cells than the header, so when the delimiters add up to a full
            # width for every row, no record is short. This spares counting them line by line.
            return False
        blank_row = pl.all_horizontal([_is_blank(pl.col(c)) for c in frame.columns])
        if not frame.select((_is_blank(pl.col(f"c{frame.width - 1}")) & ~blank_row).any()).item():
            return False
        lines = pl.read_csv(
            data, has_header=False, separator="\0", quote_char=None, schema={"line": pl.String},
            raise_if_empty=False,
        )
        if lines.height != frame.height:  # a quoted line end: records are not lines
            return True
        line = pl.col("line")
        unquoted = line.fill_null("").str.replace_all(r'"(?:[^"]|"")*"', "")  # quoted delimiters are not cells'
        cells = unquoted.str.count_matches(self.head.delimiter, literal=True) + 1
        return bool(lines.select(((cells != frame.width) & ~_is_blank(line)).any()).item())

    def _kept(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The rows the row filter reads, their rows in the block in `original`; the others,
        blank rows aside, are counted as left out, never read."""
        assert self.keeps is not None
        position, keeps = self.keeps
        column = f"c{position}"
        for raw in frame.get_column(column).fill_null("").unique().to_list():
            if raw not in self.keep_codes:
                self.keep_codes[raw] = int(keeps(raw))
        kept = _replace(pl.col(column), self.keep_codes) == 1
        blank_row = pl.all_horizontal([_is_blank(pl.col(c)) for c in frame.columns])
        self.result.left_out += int(frame.select((~kept & ~blank_row).sum()).item())
        numbered = frame.with_row_index("__row").filter(kept)
        self.original = numbered.get_column("__row").to_list()
        return numbered.drop("__row")

    def _block(self, data: bytes) -> None:
        frame = self._parse(data)
        before, self.before = self.before, self.before + frame.height
        if self.keeps is not None:
            frame = self._kept(frame)
        if not before:  # the first block: read every distinct raw string once, up front
            self._learn_all(frame)
        summary = self._summary(frame)
        if self._learn(frame, summary):
            summary = self._summary(frame)
        blank_site, blank_rows = self._blank_rows(frame, summary)
        self.result.rows += frame.height - blank_rows
        self._problems(frame, summary, blank_site, before)
        if self.site is None:  # the blank rows are among those whose first cell is blank
            rows = pl.col("rows") - pl.when(pl.col("s")).then(blank_rows).otherwise(0)
            counted = summary.with_columns(s=pl.lit(self.fixed, pl.UInt32), rows=rows)
        else:
            counted = summary.filter(pl.col("s") < len(self.site_ids))
        self.counts.append(counted.select(self.counted))
        if len(self.counts) >= COMPACT:
            self._compact()

    def _sums(self) -> tuple[list[pl.Expr], list[str]]:
        """What a block's summary counts per site code: rows; per answer column, each of its points,
        and the odd cells (rejected, or not read yet); per pair of columns, each pair of points.
        With the names of the columns that are kept as counts."""
        sums = [pl.len().cast(pl.Int64).alias("rows")]
        for index, codes in enumerate(self.scale_codes):
            answer = pl.col(f"a{index}")
            sums += [(answer == code).sum().cast(pl.Int64).alias(f"a{index}_{code}") for code in codes]
        for number, (first, second, _, _) in enumerate(self.pairs):
            a, b = pl.col(f"a{first}"), pl.col(f"a{second}")
            sums += [
                ((a == i) & (b == j)).sum().cast(pl.Int64).alias(f"p{number}_{i}_{j}")
                for i in self.scale_codes[first]
                for j in self.scale_codes[second]
            ]
        counted = ["s", *(expression.meta.output_name() for expression in sums)]
        sums += [(pl.col(f"a{index}") >= REJECTED).sum().alias(f"odd{index}") for index in range(len(self.answers))]
        return sums, counted

    def _summary(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The block's cells as codes (with what is known of raw strings so far), summed per site."""
        answers = (self._answer(index).alias(f"a{index}") for index in range(len(self.answers)))
        return frame.select(self._site().alias("s"), *answers).group_by("s").agg(self.sums)

    def _learn_all(self, frame: pl.DataFrame) -> None:
        names = [f"c{position}" for position, *_ in self.answers]
        if self.site is not None:
            names.append(f"c{self.site[0]}")
        distinct = frame.select(pl.col(name).unique().implode() for name in names).row(0)
        for index, values in enumerate(distinct[: len(self.answers)]):
            for value in values:
                if value is not None and value not in self.codes[index]:
                    self._code(index, value)
        if self.site is not None:
            for value in distinct[-1]:
                if value is not None and value not in self.site_codes:
                    self._site_code(value)

    def _learn(self, frame: pl.DataFrame, summary: pl.DataFrame) -> bool:
        """Read the raw strings met for the first time in this block; True if there were any."""
        odd = summary.select(pl.col(f"odd{index}").sum() for index in range(len(self.answers))).row(0)
        columns = [index for index, count in enumerate(odd) if count]
        unseen = [self._answer(index).alias(f"a{index}") for index in columns]
        new_sites = self.site is not None and UNSEEN in summary.get_column("s").to_list()
        if not columns and not new_sites:
            return False
        found = frame.with_columns(unseen + ([self._site().alias("s")] if new_sites else []))
        learnt = False
        for index in columns:
            raw = f"c{self.answers[index][0]}"
            for value in found.filter(pl.col(f"a{index}") == UNSEEN).get_column(raw).unique().to_list():
                self._code(index, value)
                learnt = True
        if new_sites:
            assert self.site is not None
            for value in found.filter(pl.col("s") == UNSEEN).get_column(f"c{self.site[0]}").unique().to_list():
                self._site_code(value)
            learnt = True
        return learnt

    def _blank_rows(self, frame: pl.DataFrame, summary: pl.DataFrame) -> tuple[list[int], int]:
        """(rows with an empty site cell that are not blank, how many rows are blank).

        Only rows whose site cell (or, without a site column, first cell) is empty can be blank:
        those few are checked cell by cell, with `str.strip()`'s idea of a space.
        """
        empty = True if self.site is None else SITE_BLANK
        if empty not in summary.get_column("s").to_list():
            return [], 0
        candidates = frame.with_row_index("row").filter(self._site() == empty)
        blank = candidates.select(pl.all_horizontal([_is_blank(pl.col(c)) for c in frame.columns])).to_series()
        not_blank = candidates.get_column("row").filter(~blank).to_list() if self.site is not None else []
        return not_blank, int(blank.sum())

    # --- Problems, in the row reader's order --------------------------------------------------

    def _problems(self, frame: pl.DataFrame, summary: pl.DataFrame, blank_site: list[int], before: int) -> None:
        """Report the block's rejected cells as the row reader would: one problem per cell, in
        row order, which the collector groups by column and message. Polars counts the cells
        of each (column, raw string) and gives its first rows, so no cell becomes an object."""
        odd = summary.select(pl.col(f"odd{index}").sum() for index in range(len(self.answers))).row(0)
        wrong_sites = 0
        if self.site is not None:
            wrong_sites = int(summary.filter(pl.col("s") == REJECTED).get_column("rows").sum())
        if not (blank_site or wrong_sites or any(odd)):
            return
        numbered = frame.with_row_index("row")
        groups: dict[tuple[int, Text], tuple[list[int], int]] = {}  # (order in the row, why) → rows, count

        def count(order: int, why: Text, rows: Sequence[int], total: int) -> None:
            shown, so_far = groups.get((order, why), ([], 0))
            groups[(order, why)] = (sorted([*shown, *rows])[:SHOWN_ROWS], so_far + total)

        if self.site is not None:
            position = self.site[0]
            if blank_site:
                count(0, self.site_why[""], blank_site[:SHOWN_ROWS], len(blank_site))
            if wrong_sites:
                coded = numbered.with_columns(self._site().alias("s")).filter(pl.col("s") == REJECTED)
                for raw, rows, total in _first_rows(coded, f"c{position}"):
                    count(0, self.site_why[raw or ""], rows, total)
        for index, odd_cells in enumerate(odd):
            if not odd_cells:
                continue
            position = self.answers[index][0]
            coded = numbered.with_columns(self._answer(index).alias("a")).filter(pl.col("a") == REJECTED)
            for raw, rows, total in _first_rows(coded, f"c{position}"):
                count(1 + index, self.why[(index, raw or "")], rows, total)
        first_row = self.head.header_row + before + 1
        for (order, why), (rows, total) in sorted(groups.items(), key=lambda g: (g[1][0][0], g[0][0])):
            if order == 0:
                assert self.site is not None
                position, header = self.site[0], self.site[1]
            else:
                position, header = self.answers[order - 1][0], self.answers[order - 1][1]
            for number, row in enumerate(rows, start=1):
                extra = total - len(rows) if number == len(rows) else 0
                in_block = self.original[row] if self.original is not None else row
                self.problems.add(self.file, _place(first_row + in_block, position, header), why, count=1 + extra)

    # --- The tallies --------------------------------------------------------------------------

    def _compact(self) -> None:
        if self.counts:
            self.counts = [pl.concat(self.counts).group_by("s").agg(pl.all().sum())]

    def _finish(self) -> None:
        """The summed counts as tallies; each point is hashed once per (site, item)."""
        self._compact()
        if not self.counts:
            return
        result, frame = self.result, self.counts[0].sort("s")
        names = {name: position for position, name in enumerate(frame.columns)}
        spans = [  # per answer column: its item, its points, where their counts are
            (item, [self.points[c - 1] for c in codes], names[f"a{index}_{codes[0]}"])
            for index, ((_, _, item, _), codes) in enumerate(zip(self.answers, self.scale_codes))
        ]
        pairs = [
            (item, paired, [(self.points[i - 1] - self.points[j - 1], names[f"p{number}_{i}_{j}"])
                            for i in self.scale_codes[first] for j in self.scale_codes[second]])
            for number, (first, second, item, paired) in enumerate(self.pairs)
        ]
        for row in frame.iter_rows():
            if not row[1]:
                continue
            site = self.site_ids[row[0]]
            result.sites.append(site)
            for item, points, first in spans:
                tally = {point: count for point, count in zip(points, row[first:first + len(points)]) if count}
                if tally:
                    result.items[(site, item)] = Counter(tally)
            for item, paired, cells in pairs:
                differences: Counter[Fraction] = Counter()
                for difference, position in cells:
                    if row[position]:
                        differences[difference] += row[position]
                if differences:
                    result.pairs[(site, item, paired)] = differences


def _first_rows(frame: pl.DataFrame, column: str) -> list[tuple[str | None, list[int], int]]:
    """Per distinct raw string of `column`: its first rows (0-based in the block) and count."""
    grouped = frame.group_by(column).agg(pl.col("row").head(SHOWN_ROWS).alias("first"), pl.len().alias("n"))
    return [(raw, list(first), int(n)) for raw, first, n in grouped.iter_rows()]


def _replace(column: pl.Expr, mapping: dict[str, int]) -> pl.Expr:
    return column.fill_null("").replace_strict(
        list(mapping), list(mapping.values()), default=UNSEEN, return_dtype=pl.UInt32
    )


def _is_blank(column: pl.Expr) -> pl.Expr:
    return column.is_null() | (column.str.strip_chars(WHITESPACE) == "")
