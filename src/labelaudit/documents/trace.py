"""The steps of an explanation: a record's numbers written out so that a person can redo them.

- the small text helpers (`frac`, `num`, `pct`, `signed`, `align`), shared by the other
  committee tools (`compare`, `whatif`, `verify`, the cycle's history);
- finding an element of the record's tree by its id (`elements`, `find`);
- a weighted mean written out with the percentages people read, and with the exact fractions
  the record holds on request (`--exact`: `exact_fractions`, `value_text`; `Term`,
  `mean_lines`, `node_terms`), and the warning line when a
  recomputation from the record's parts does not give the value it states (`check_lines`).

`explain` puts these steps together into the text the `explain` command prints.
"""

from __future__ import annotations

import contextvars
import difflib
from collections.abc import Container, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from attrs import frozen

from labelaudit.errors import InputError
from labelaudit.i18n import formatting, tr
from labelaudit.model import Lang
from labelaudit.numbers import exact, percent, shown

Record = dict[str, Any]
Node = dict[str, Any]


# --- Exact fractions, on request ----------------------------------------------------------------

# `explain` writes its steps in decimals (six places at most, as the record shows its values);
# `explain --exact` adds the exact fractions the record holds, which can run to 29 digits.
_exact: contextvars.ContextVar[bool] = contextvars.ContextVar("labelaudit_explain_exact", default=False)


@contextmanager
def _holding(variable: contextvars.ContextVar[Any], value: Any) -> Iterator[None]:
    """`variable` set to `value` within the block, as it was after it."""
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)


def exact_fractions(wanted: bool) -> AbstractContextManager[None]:
    """Within the block, the explanation's steps show the exact fractions (`--exact`) or not."""
    return _holding(_exact, wanted)


def showing_exact() -> bool:
    return _exact.get()


# The language an explanation's numbers are written in (`3,333333`, `72,0 %` in French); outside
# `numbers_in`, the record's locale-free way (`3.333333`), as the other tools take them.
_reader: contextvars.ContextVar[Lang | None] = contextvars.ContextVar("labelaudit_explain_reader", default=None)


def numbers_in(lang: Lang) -> AbstractContextManager[None]:
    """Within the block, the steps' numbers are written as `lang` writes them."""
    return _holding(_reader, lang)


def decimal_text(text: str | None) -> str:
    """A record's locale-free decimal (`"3.333333"`, a percent's `"72.0"`) as the reader writes it."""
    lang = _reader.get()
    if text is None:
        return "—"
    return text if lang is None else formatting.written(text, lang)


def dec(value: Fraction) -> str:
    """A value as a decimal (six places at most), in the reader's way."""
    return decimal_text(shown(value))


def value_text(value: Fraction) -> str:
    """An intermediate value of a step: its exact fraction with `--exact`, else its decimal."""
    return exact(value) if showing_exact() else dec(value)


# --- Small shared text helpers -----------------------------------------------------------------


def frac(text: str | None) -> Fraction | None:
    """A record's exact string ("2381/3000", "3", null) as a Fraction."""
    return None if text is None else Fraction(text)


def num(value: Fraction) -> str:
    """A weight or a curve point as written in the rulesets (`1.5`, `1,5` in French within
    `numbers_in`), else as a fraction."""
    text = shown(value)
    return decimal_text(text) if Fraction(text) == value else exact(value)


def pct(share: dict[str, Any] | None) -> str:
    """A record share as people read it: `74.2 %` (`74,2 %`), or a dash when there is none."""
    if not share or share.get("percent") is None:
        return "—"
    return f"{decimal_text(share['percent'])} %"


def signed(value: Decimal) -> str:
    """A difference with its sign: `+7.3`, `-0.4`, `0.0`."""
    return f"+{value}" if value > 0 else str(value)


def align(rows: Sequence[Sequence[str]], right: Container[int] = (), indent: str = "  ") -> list[str]:
    """Rows of cells padded into columns; the columns in `right` are right-aligned (numbers)."""
    widths = [max((len(r[i]) for r in rows if i < len(r)), default=0) for i in range(max(map(len, rows), default=0))]
    lines = []
    for row in rows:
        cells = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(row)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


# --- Finding things in a record ----------------------------------------------------------------


@frozen
class Found:
    """One element of the record's tree, with the ids of what contains it."""

    kind: str  # "dimension", "requirement" or "criterion"
    node: Node
    dimension: str
    requirement: str | None = None


def elements(record: Record) -> list[Found]:
    """Every dimension, requirement and criterion of the record's tree, in tree order."""
    found = []
    for d in record["tree"]["dimensions"]:
        found.append(Found("dimension", d, d["id"]))
        for r in d["requirements"]:
            found.append(Found("requirement", r, d["id"]))
            found.extend(Found("criterion", c, d["id"], r["id"]) for c in r["criteria"])
    return found


def find(record: Record, element_id: str, source: Path | str) -> list[Found]:
    """The elements with this id (a dimension and a requirement may share one), or an InputError."""
    found = [f for f in elements(record) if f.node["id"] == element_id]
    if found:
        return found
    known = sorted({f.node["id"] for f in elements(record)})
    close = difflib.get_close_matches(element_id, known, n=5, cutoff=0.6)
    if close:
        raise InputError.at(source, "", tr("explain.unknown", id=element_id, close=", ".join(close)))
    raise InputError.at(source, "", tr("explain.unknown_none", id=element_id))


# --- Weighted means written out ----------------------------------------------------------------


@frozen
class Term:
    """One child in a weighted mean: its weight and attainment, or why it was left out."""

    id: str
    weight: Fraction
    attainment: Fraction | None
    percent: str | None
    left_out: str | None = None  # "excluded" or "unassessed"


def mean_lines(terms: Sequence[Term], stated: dict[str, Any], lang: Lang) -> list[str]:
    """The weighted mean as two sums (percentages, then exact fractions), then what was left out.

    Under the `zero` policy the caller gives unevidenced children as terms of attainment 0, so
    that their weight counts below the line as the engine counts it.
    """
    counted = [(t, t.attainment) for t in terms if t.left_out is None and t.attainment is not None]
    lines = []
    if not counted:
        lines.append(tr("explain.nothing_counted", lang=lang))
    else:
        weights = [t.weight for t, _ in counted]
        total = sum(weights, Fraction(0))
        below = " + ".join(num(w) for w in weights)
        numerator = sum((t.weight * value for t, value in counted), Fraction(0))
        result = numerator / total
        by_percent = " + ".join(f"{num(t.weight)} × {decimal_text(t.percent)} %" for t, _ in counted)
        lines.append(f"({by_percent}) / ({below}) = {decimal_text(str(percent(result)))} %")
        if showing_exact():
            by_fraction = " + ".join(f"{num(t.weight)} × {exact(value)}" for t, value in counted)
            text = f"({by_fraction}) / ({below}) = {exact(numerator)} / {num(total)} = {exact(result)}"
            lines.append(tr("explain.exactly", lang=lang, text=text))
        lines.extend(check_lines(result, stated, lang))
    left = [(t.id, t.left_out) for t in terms if t.left_out is not None]
    if left:
        items = ", ".join(f"{name} ({tr('explain.why_' + why, lang=lang)})" for name, why in left)
        lines.append(tr("explain.left_out", lang=lang, items=items))
    return lines


def check_lines(computed: Fraction, stated: dict[str, Any], lang: Lang) -> list[str]:
    """A warning line when the record's stated exact value is not what its parts give."""
    value = frac(stated.get("exact"))
    if value == computed:
        return []
    return [tr("explain.mismatch", lang=lang, computed=exact(computed), stated=stated.get("exact"))]


def node_terms(children: Sequence[Node]) -> list[Term]:
    """Children of a node as terms: counted when not excluded and given an attainment."""
    terms = []
    for child in children:
        value = frac(child["attainment"]["exact"])
        left = "excluded" if child.get("excluded") else ("unassessed" if value is None else None)
        terms.append(Term(child["id"], Fraction(child["weight"]), value, child["attainment"]["percent"], left))
    return terms
