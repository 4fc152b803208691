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

from labelaudit import CollectRequest, InputError, ProblemCollector, structure, where

from labelaudit_surveys import _messages as msg


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
    problems.raise_if_any()
    return options


def _reject_text_lists(request: CollectRequest, raw: Mapping[str, Any]) -> None:
    # Structuring a sequence from a string would split `ignore = "Id"` into characters.
    if isinstance(raw.get("ignore"), str):
        raise InputError.at(audit_file(request), key(request, "ignore"), msg.ignore_not_a_list(raw["ignore"]))


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

