"""The document model: a report as plain-text blocks, before any format.

The report is built once as these blocks (`dossier`); the renderers (`html`, `markdown`, and
`pdf` through `html`) only format them and escape every text, so that every format always
carries the same sections and figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from attrs import frozen

from labelaudit.model import Lang


@frozen
class Cell:
    """A table cell of plain text; `items` make it a list, `ident` may break after `/`;
    `explains` names the element whose `explain` step gives the cell's number ("*": the outcome),
    so that the desk can link the number to it."""

    text: str = ""
    strong: bool = False
    span: int = 1
    ident: bool = False
    mono: bool = False
    wrap: bool = False
    lead: str = ""
    items: tuple[str, ...] = ()
    explains: str = ""


@frozen
class Row:
    """`kinds`: "group" (a band: a criterion, a dimension, a total), "sub" (a binding under its
    criterion), "muted" (not counted: excluded, unassessed, no result), "flag" (fired, unacceptable)."""

    cells: tuple[Cell, ...]
    kinds: tuple[str, ...] = ()


@frozen
class Table:
    head: tuple[str, ...]
    rows: tuple[Row, ...]
    numeric: frozenset[int] = frozenset()
    name: str = ""
    keyvalue: bool = False


@frozen
class Heading:
    level: int
    text: str
    anchor: str = ""


@frozen
class Para:
    """`style`: "" | "muted" | "derived" (the report's own figure) | "verdict" | "flag" |
    "final" (the committee's final decision) | "verified" (a chain that verifies)."""

    text: str
    style: str = ""
    status: str = ""


@frozen
class Items:
    """A list; `marked`: the indexes of the items shown as decisive (a refusal, a cap…)."""

    items: tuple[str, ...]
    ordered: bool = False
    name: str = ""
    marked: tuple[int, ...] = ()


@frozen
class Box:
    """A framed group of blocks (the borderline check)."""

    blocks: tuple[Any, ...]
    name: str = ""


@frozen
class Note:
    """One of the auditor's observations: who and where, the text, the evidence consulted."""

    title: str
    paragraphs: tuple[str, ...]
    references: tuple[str, ...]
    references_label: str


@frozen
class Chart:
    """The radar chart's place: drawn by the HTML renderer, its caption only in Markdown."""

    caption: str
    note: str


Block = Heading | Para | Items | Table | Box | Note | Chart


@frozen
class Section:
    title: str
    anchor: str
    blocks: tuple[Block, ...]


@frozen
class Document:
    """`sections` are the body a committee reads (the first page decides); `appendix` holds the
    detail (criteria, per-site figures, observations with their cells, provenance) under
    `appendix_title`, each section starting on a new page in print."""

    lang: Lang
    title: str
    header: tuple[Block, ...]
    sections: tuple[Section, ...]
    footer: str
    appendix: tuple[Section, ...] = ()
    appendix_title: str = ""


def c(value: Any = "", **options: Any) -> Cell:
    """A cell from any value (numbers are the record's strings, shown as they are)."""
    return Cell(str(value), **options)


def n(value: Any, **options: Any) -> Cell:
    """A cell holding a number; the column is marked numeric by its table."""
    return Cell(str(value), **options)


def kv(rows: Iterable[tuple[str, str | Cell]], name: str = "") -> Table:
    """A two-column table of labels and values."""
    body = tuple(Row((c(k), v if isinstance(v, Cell) else c(v))) for k, v in rows)
    return Table(("", ""), body, name=name, keyvalue=True)
