"""Writing a source's `columns` table into audit.toml, keeping the rest byte for byte.

The same approach as `sample --write` (labelaudit.cycle.auditfile): tomlkit edits the parsed
document in place, so every comment, blank line and quoting style outside the table stays; the
file is replaced atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import tomlkit

from labelaudit.cycle.auditfile import parse
from labelaudit.errors import InputError
from labelaudit.files import write_atomic
from labelaudit.i18n import tr
from labelaudit.tomlfiles import where


def write_columns(path: Path, source: str, columns: Mapping[str, str], *, force: bool = False) -> None:
    """Put `columns` as `[sources.SOURCE.columns]`; an existing table stays unless `force`."""
    document = parse(path)
    table = document["sources"][source]  # type: ignore[index]
    if "columns" in table and not force:  # type: ignore[operator]
        raise InputError.at(path, where(document.as_string(), f"sources.{source}.columns"), tr("map.columns_exist", source=source))
    columns_table = tomlkit.table()
    for header, key in columns.items():
        columns_table.add(header, key)
    columns_table.add(tomlkit.nl())  # the blank line that kept the next table apart stays before it
    if "columns" in table:  # type: ignore[operator]
        table["columns"] = columns_table  # type: ignore[index]
    else:
        table.add("columns", columns_table)  # type: ignore[union-attr]
    write_atomic(path, tomlkit.dumps(document), overwrite=True)
