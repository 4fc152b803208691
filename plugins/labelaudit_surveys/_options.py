"""The survey source's own options: what an audit writes under `[sources.NAME]` besides `files`.

They are structured with the public `labelaudit.structure`, then checked against the scheme
(mapped items must exist) and the audit (sites must exist). Every problem is placed at its key
in the audit file, under `sources.<source id>.`, so that the user finds the line to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from attrs import field, frozen

from labelaudit import CollectRequest, InputError, ProblemCollector, fold_header, structure, where

from labelaudit_surveys import _messages as msg


@frozen
class AnswerMap:
    """Answer labels of some columns only: LimeSurvey's `A1…A5` codes mean other things per question."""

    columns: tuple[str, ...]  # export headers, as in `columns`
    answers: dict[str, Fraction]  # answer label → scale point, for these columns


@frozen
class RowFilter:
    """Which rows are read, by the value of one column: `keep` these values, or `drop` these."""

    column: str
    keep: tuple[str, ...] | None = None
    drop: tuple[str, ...] | None = None  # "" drops the rows whose cell is blank


@frozen
class SurveyOptions:
    """How to read one survey export: which column is which item, site and answer labels."""

    columns: dict[str, str]  # export header → questionnaire item key
    answers: dict[str, Fraction] = field(factory=dict)  # answer label → scale point
    site_column: str | None = None
    site_names: dict[str, str] = field(factory=dict)  # value in the site column → site id
    site: str | None = None  # the site of every row when there is no site column
    ignore: tuple[str, ...] = ()  # headers deliberately not read (ids, timestamps, free text)
    sheet: str | None = None  # XLSX
    header_row: int | None = None  # XLSX
    delimiter: str | None = None  # CSV
    header_rows: int = 1  # how many rows make the header (SurveyMonkey 2, Qualtrics 3)
    match_row: int | None = None  # which of them holds the names the audit writes; else joined
    answer_maps: tuple[AnswerMap, ...] = ()  # answer labels for some columns only
    no_answer: tuple[str, ...] = ()  # labels that mean "no answer", besides the scheme's
    filter: RowFilter | None = None  # rows left out (counted in the note), e.g. incomplete ones


def audit_file(request: CollectRequest) -> str:
    """The file that holds the options, as problems name it."""
    return str(request.audit.file or "audit.toml")


def key(request: CollectRequest, path: str) -> str:
    """`key sources.<id>.<path>`: where an option is written in the audit file."""
    return where(None, f"{_options_at(request)}.{path}" if path else _options_at(request))


def _options_at(request: CollectRequest) -> str:
    return f"sources.{request.source.id}"


def load_options(request: CollectRequest) -> SurveyOptions:
    """Structure and check the options; raise one `InputError` listing every problem."""
    raw = request.inputs.options
    _reject_text_lists(request, raw)
    options = structure(raw, SurveyOptions, file=audit_file(request), at=_options_at(request))
    problems = ProblemCollector(request.max_errors)
    _check_columns(request, options, problems)
    _check_sites(request, options, problems)
    _check_reading(request, options, problems)
    _check_header_rows(request, options, problems)
    _check_answer_maps(request, options, problems)
    _check_filter(request, options, problems)
    problems.raise_if_any()
    return options


def _reject_text_lists(request: CollectRequest, raw: Mapping[str, Any]) -> None:
    # Structuring a sequence from a string would split `ignore = "Id"` into characters.
    for name, value, path in _text_lists(raw):
        if isinstance(value, str):
            raise InputError.at(audit_file(request), key(request, path), msg.text_not_a_list(name, value))


def _text_lists(raw: Mapping[str, Any]) -> list[tuple[str, object, str]]:
    """(option, value, key path) of every option that is a list of texts."""
    found: list[tuple[str, object, str]] = [
        (name, raw[name], name) for name in ("ignore", "no_answer") if name in raw
    ]
    maps = raw.get("answer_maps")
    if isinstance(maps, list):
        found += [
            ("columns", m["columns"], f"answer_maps[{i}].columns")
            for i, m in enumerate(maps) if isinstance(m, Mapping) and "columns" in m
        ]
    row_filter = raw.get("filter")
    if isinstance(row_filter, Mapping):
        found += [(name, row_filter[name], f"filter.{name}") for name in ("keep", "drop") if name in row_filter]
    return found


def _check_columns(request: CollectRequest, options: SurveyOptions, problems: ProblemCollector) -> None:
    file = audit_file(request)
    if not options.columns:
        problems.add(file, key(request, "columns"), msg.no_columns())
    questionnaire = request.scheme.questionnaires.get(request.source.questionnaire or "")
    keys = [item.key for item in questionnaire.items] if questionnaire else []
    seen: dict[str, str] = {}
    for header, item_key in options.columns.items():
        where = key(request, f'columns."{header}"')
        if item_key not in keys:
            problems.add(file, where, msg.unknown_item(item_key, request.source.questionnaire, keys))
        elif item_key in seen:
            problems.add(file, where, msg.item_mapped_twice(item_key, seen[item_key]))
        else:
            seen[item_key] = header
        if header in options.ignore or header == options.site_column:
            problems.add(file, where, msg.header_read_and_left_out(header))
    _check_folded_twice(request, options, problems)


def _check_folded_twice(request: CollectRequest, options: SurveyOptions, problems: ProblemCollector) -> None:
    """Two headers of the audit that read alike (`Q1 – Accueil`, `q1 - accueil`) would take the
    same column: the audit must name each column once."""
    seen: dict[str, str] = {}
    named = [*options.columns, *options.ignore]
    named += [h for h in (options.site_column, options.filter.column if options.filter else None) if h]
    for header in named:
        folded = fold_header(header)
        if folded in seen and seen[folded] != header:
            problems.add(audit_file(request), key(request, f'columns."{header}"' if header in options.columns else ""),
                         msg.headers_alike(seen[folded], header))
        seen.setdefault(folded, header)


def _check_sites(request: CollectRequest, options: SurveyOptions, problems: ProblemCollector) -> None:
    file = audit_file(request)
    site_ids = [site.id for site in request.audit.sites]
    for value, site_id in options.site_names.items():
        if site_id not in site_ids:
            problems.add(file, key(request, f'site_names."{value}"'), msg.unknown_site(site_id, site_ids))
    if options.site is not None and options.site not in site_ids:
        problems.add(file, key(request, "site"), msg.unknown_site(options.site, site_ids))
    if options.site is not None and options.site_column is not None:
        problems.add(file, key(request, "site"), msg.site_twice())


def _check_reading(request: CollectRequest, options: SurveyOptions, problems: ProblemCollector) -> None:
    file = audit_file(request)
    if options.header_row is not None and options.header_row < 1:
        problems.add(file, key(request, "header_row"), msg.bad_header_row(options.header_row))
    if options.delimiter is not None and len(options.delimiter) != 1:
        problems.add(file, key(request, "delimiter"), msg.bad_delimiter(options.delimiter))
    _check_file_kinds(request, options, problems)


def _check_header_rows(request: CollectRequest, options: SurveyOptions, problems: ProblemCollector) -> None:
    file = audit_file(request)
    if not 1 <= options.header_rows <= MAX_HEADER_ROWS:
        problems.add(file, key(request, "header_rows"), msg.bad_header_rows(options.header_rows, MAX_HEADER_ROWS))
    elif options.match_row is not None:
        if options.header_rows == 1:
            problems.add(file, key(request, "match_row"), msg.match_row_without_header_rows())
        elif not 1 <= options.match_row <= options.header_rows:
            problems.add(file, key(request, "match_row"), msg.bad_match_row(options.match_row, options.header_rows))


def _check_answer_maps(request: CollectRequest, options: SurveyOptions, problems: ProblemCollector) -> None:
    file = audit_file(request)
    mapped: dict[str, int] = {}
    for number, answer_map in enumerate(options.answer_maps):
        at = f"answer_maps[{number}]"
        if not answer_map.columns:
            problems.add(file, key(request, f"{at}.columns"), msg.answer_map_without_columns())
        if not answer_map.answers:
            problems.add(file, key(request, f"{at}.answers"), msg.answer_map_without_answers())
        for position, header in enumerate(answer_map.columns):
            where = key(request, f"{at}.columns[{position}]")
            if header not in options.columns:
                problems.add(file, where, msg.answer_map_unmapped_column(header))
            elif header in mapped:
                problems.add(file, where, msg.answer_map_twice(header, mapped[header]))
            else:
                mapped[header] = number


def _check_filter(request: CollectRequest, options: SurveyOptions, problems: ProblemCollector) -> None:
    row_filter = options.filter
    if row_filter is None:
        return
    file = audit_file(request)
    if (row_filter.keep is None) == (row_filter.drop is None):
        problems.add(file, key(request, "filter"), msg.filter_keep_or_drop())
    elif not (row_filter.keep if row_filter.keep is not None else row_filter.drop):
        problems.add(file, key(request, "filter.keep" if row_filter.keep is not None else "filter.drop"),
                     msg.filter_no_values())
    if row_filter.column in options.columns or row_filter.column in options.ignore:
        problems.add(file, key(request, "filter.column"), msg.filter_column_read(row_filter.column))


MAX_HEADER_ROWS = 10  # no export spreads its header over more rows; more is a mistake


# Options that only one kind of file reads: given to a source with a file of the other kind, they
# would be silently ignored for it, so they are a mistake to name.
_OPTIONS_OF = {"sheet": ".xlsx", "header_row": ".xlsx", "delimiter": ".csv"}


def _check_file_kinds(request: CollectRequest, options: SurveyOptions, problems: ProblemCollector) -> None:
    for option, suffix in _OPTIONS_OF.items():
        if getattr(options, option) is None:
            continue
        other = next(
            (path for path in request.inputs.files if path.suffix.lower() in (".csv", ".xlsx") and path.suffix.lower() != suffix),
            None,
        )
        if other is not None:
            kind = "CSV" if other.suffix.lower() == ".csv" else "XLSX"
            problems.add(audit_file(request), key(request, option), msg.option_not_for(option, kind, other.name))

