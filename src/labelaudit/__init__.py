"""labelaudit: scores service-excellence label audits.

This module is the public API, the only one a plugin imports from. Everything else in the
package is an implementation detail that may change between releases. `API_VERSION` is the
version of the plugin contract (labelaudit.hookspecs): a plugin declares the one it was
written for with a module attribute ``LABELAUDIT_API``, and is refused if it differs.
docs/plugins.md documents every name listed here.
"""

from __future__ import annotations

from labelaudit.convert import structure
from labelaudit.errors import InputError, LabelauditError, PluginError, Problem, ProblemCollector, RowPlace
from labelaudit.exports import (
    CsvExport,
    check_xlsx_archive,
    cell_place,
    clean_cell,
    column_letter,
    combine_header,
    csv_records,
    detect_encoding,
    file_problem,
    fold_header,
    is_blank,
    leading_lines,
    open_csv_export,
    open_xlsx_workbook,
    row_place,
    rows_place,
    sheet_place,
    sniff_delimiter,
    write_safe_cell,
)
from labelaudit.files import atomic_output, safe_cell
from labelaudit.hookspecs import API_VERSION, hookimpl
from labelaudit.indicators import mean_measure, nps_measure, share_measure
from labelaudit.model import (
    FINDING_KINDS,
    LANGS,
    Audit,
    AuditDates,
    Binding,
    Collection,
    CollectRequest,
    Criterion,
    Evidence,
    Finding,
    FindingKind,
    Indicator,
    IndicatorContext,
    Item,
    Lang,
    Measure,
    Provenance,
    Sample,
    Scale,
    ScalePoint,
    Scheme,
    Site,
    Source,
    SourceInputs,
    SourceKind,
    TemplateRequest,
    Text,
)
from labelaudit.numbers import from_float6
from labelaudit.tomlfiles import digest, load_toml, where

__version__ = "0.1.0"

__all__ = [
    "CsvExport",
    "check_xlsx_archive",
    "cell_place",
    "clean_cell",
    "column_letter",
    "combine_header",
    "csv_records",
    "detect_encoding",
    "file_problem",
    "fold_header",
    "is_blank",
    "leading_lines",
    "open_csv_export",
    "open_xlsx_workbook",
    "row_place",
    "rows_place",
    "safe_cell",
    "sheet_place",
    "sniff_delimiter",
    "write_safe_cell",
    "RowPlace",
    "API_VERSION",
    "atomic_output",
    "FINDING_KINDS",
    "LANGS",
    "Audit",
    "AuditDates",
    "Binding",
    "Collection",
    "CollectRequest",
    "Criterion",
    "Evidence",
    "Finding",
    "FindingKind",
    "Indicator",
    "IndicatorContext",
    "InputError",
    "Item",
    "LabelauditError",
    "Lang",
    "Measure",
    "PluginError",
    "Problem",
    "ProblemCollector",
    "Provenance",
    "Sample",
    "Scale",
    "ScalePoint",
    "Scheme",
    "Site",
    "Source",
    "SourceInputs",
    "SourceKind",
    "TemplateRequest",
    "Text",
    "__version__",
    "digest",
    "from_float6",
    "hookimpl",
    "load_toml",
    "mean_measure",
    "nps_measure",
    "share_measure",
    "structure",
    "where",
]
