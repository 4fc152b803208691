"""labelaudit: scores service-excellence label audits.

This module is the public API, the only one a plugin imports from. Everything else in the
package is an implementation detail that may change between releases. `API_VERSION` is the
version of the plugin contract (labelaudit.hookspecs): a plugin declares the one it was
written for with a module attribute ``LABELAUDIT_API``, and is refused if it differs.
docs/plugins.md documents every name listed here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
        AnswerScores,
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
    from labelaudit.xlsx_rows import sheet_rows

# Each public name and the module that defines it, imported on first use (PEP 562): the command
# line's `--help` needs none of them, and a plugin pays only for what it uses.
_WHERE: dict[str, str] = {
    "structure": "labelaudit.convert",
    "InputError": "labelaudit.errors",
    "LabelauditError": "labelaudit.errors",
    "PluginError": "labelaudit.errors",
    "Problem": "labelaudit.errors",
    "ProblemCollector": "labelaudit.errors",
    "RowPlace": "labelaudit.errors",
    "CsvExport": "labelaudit.exports",
    "check_xlsx_archive": "labelaudit.exports",
    "cell_place": "labelaudit.exports",
    "clean_cell": "labelaudit.exports",
    "column_letter": "labelaudit.exports",
    "combine_header": "labelaudit.exports",
    "csv_records": "labelaudit.exports",
    "detect_encoding": "labelaudit.exports",
    "file_problem": "labelaudit.exports",
    "fold_header": "labelaudit.exports",
    "is_blank": "labelaudit.exports",
    "leading_lines": "labelaudit.exports",
    "open_csv_export": "labelaudit.exports",
    "open_xlsx_workbook": "labelaudit.exports",
    "row_place": "labelaudit.exports",
    "rows_place": "labelaudit.exports",
    "sheet_place": "labelaudit.exports",
    "sniff_delimiter": "labelaudit.exports",
    "write_safe_cell": "labelaudit.exports",
    "atomic_output": "labelaudit.files",
    "safe_cell": "labelaudit.files",
    "API_VERSION": "labelaudit.hookspecs",
    "hookimpl": "labelaudit.hookspecs",
    "mean_measure": "labelaudit.indicators",
    "nps_measure": "labelaudit.indicators",
    "share_measure": "labelaudit.indicators",
    "FINDING_KINDS": "labelaudit.model",
    "LANGS": "labelaudit.model",
    "AnswerScores": "labelaudit.model",
    "Audit": "labelaudit.model",
    "AuditDates": "labelaudit.model",
    "Binding": "labelaudit.model",
    "Collection": "labelaudit.model",
    "CollectRequest": "labelaudit.model",
    "Criterion": "labelaudit.model",
    "Evidence": "labelaudit.model",
    "Finding": "labelaudit.model",
    "FindingKind": "labelaudit.model",
    "Indicator": "labelaudit.model",
    "IndicatorContext": "labelaudit.model",
    "Item": "labelaudit.model",
    "Lang": "labelaudit.model",
    "Measure": "labelaudit.model",
    "Provenance": "labelaudit.model",
    "Sample": "labelaudit.model",
    "Scale": "labelaudit.model",
    "ScalePoint": "labelaudit.model",
    "Scheme": "labelaudit.model",
    "Site": "labelaudit.model",
    "Source": "labelaudit.model",
    "SourceInputs": "labelaudit.model",
    "SourceKind": "labelaudit.model",
    "TemplateRequest": "labelaudit.model",
    "Text": "labelaudit.model",
    "from_float6": "labelaudit.numbers",
    "digest": "labelaudit.tomlfiles",
    "sheet_rows": "labelaudit.xlsx_rows",
    "load_toml": "labelaudit.tomlfiles",
    "where": "labelaudit.tomlfiles",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'labelaudit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once found, an ordinary module attribute
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


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
    "AnswerScores",
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
