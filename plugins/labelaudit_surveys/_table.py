"""What the CSV and XLSX readers share: a header and a stream of numbered rows.

A reader yields rows one at a time and never keeps them, so reading a survey export takes the
same memory whatever its number of respondents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from attrs import frozen

from labelaudit import clean_cell, is_blank

__all__ = ["Table", "clean_header", "combine_header", "is_blank"]


@frozen
class Table:
    """An opened export: its header row, the rows below it, and how to name a cell."""

    header_row: int  # as a spreadsheet user sees it (1-based)
    header: tuple[str, ...]  # each header cell, spaces collapsed; "" for a blank cell
    rows: Iterator[tuple[int, Sequence[object]]]  # (row number, cells)
    place: Callable[[int, int, str], str]  # (row number, 0-based column, header) → where
    delimiter: str | None = None  # CSV: every record must have as many cells as the header


def clean_header(value: object) -> str:
    """A header cell as compared (labelaudit's `clean_cell`)."""
    return clean_cell(value)


JOIN = " / "  # between a parent header and its sub-question: `Q5. Votre avis / Accueil`


def combine_header(rows: Sequence[Sequence[object]], match_row: int | None) -> tuple[str, ...]:
    """The header of an export whose header spans `rows`.

    With `match_row` (1-based among them), that row is the header and the others are skipped
    (Qualtrics: names, question texts, `{"ImportId": …}`). Without it the rows are joined per
    column, top to bottom, each non-blank cell carried right over the blank cells that follow it
    in its row, as a parent question spans its sub-questions (SurveyMonkey's matrix questions);
    a cell equal to the one above it is not repeated.
    """
    cleaned = [tuple(clean_header(cell) for cell in row) for row in rows]
    if match_row is not None:
        return cleaned[match_row - 1]
    width = max((len(row) for row in cleaned), default=0)
    carried = [_carried_right(row, width) for row in cleaned[:-1]] + [cleaned[-1] + ("",) * (width - len(cleaned[-1]))]
    header = []
    for position in range(width):
        if all(position >= len(row) or not row[position] for row in cleaned):
            header.append("")  # blank in every row: padding, or a gap reported as such
            continue
        parts: list[str] = []
        for row in carried:
            part = row[position]
            if part and (not parts or parts[-1] != part):
                parts.append(part)
        header.append(JOIN.join(parts))
    return tuple(header)


def _carried_right(row: tuple[str, ...], width: int) -> tuple[str, ...]:
    out, last = [], ""
    for position in range(width):
        cell = row[position] if position < len(row) else ""
        last = cell or last
        out.append(last)
    return tuple(out)
