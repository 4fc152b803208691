"""Reading a decision record for a report: titles, shares and values as shown, the tree in order.

Every figure comes from the record in its `percent` or `shown` form. The one figure a report
derives itself, the mean attainment per level of the service-excellence pyramid, is computed
exactly from the record's `exact` fractions and rounded once by the project's rule (`pyramid`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from attrs import frozen

from labelaudit.i18n import formatting, pick, tr
from labelaudit.model import Lang
from labelaudit.numbers import percent, round_half_away

Record = dict[str, Any]
PYRAMID_LEVELS = (1, 2, 3, 4)
NONE = "—"


def text(node: dict[str, Any], lang: Lang) -> str:
    """A node's title in `lang` (its English where the scheme lacks `lang`), or its id."""
    title = node.get("title") or {}
    return str(pick(title, lang) or node.get("id", ""))


def pct(share: dict[str, Any] | None, lang: Lang) -> str:
    """A record share as the reader's locale writes it (`72,0 %` in French, `72.0%` in
    English), `—` when absent. The record's percentage is already rounded: only written here."""
    if not share or share.get("percent") is None:
        return NONE
    return percent_text(share["percent"], lang)


def percent_text(value: Any, lang: Lang) -> str:
    """A percentage the record holds as a decimal string (`"72.0"`, `"70"`) in the locale's form."""
    decimal = _decimal(value)
    return NONE if decimal is None else formatting.percent(decimal, lang)


def number_text(value: Any, lang: Lang) -> str:
    """A decimal the record holds as a string (`"733.9"`, `"650"`) in the locale's form
    (`733,9`); anything that is not a plain decimal (a dash, a fraction) is left as it is."""
    decimal = _decimal(value)
    return str(value) if decimal is None else formatting.number(decimal, lang)


def weight_text(value: Any, lang: Lang) -> str:
    """A weight (`"1"`, `"3/2"`, `"1/3"`) as a decimal people read: exact when it has at most two
    decimals (`1,5`), else rounded to two (`0,33`) by the project's rule. The exact fraction is
    in the appendix."""
    try:
        exact_value = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return str(value)
    for places in range(3):
        rounded = round_half_away(exact_value, places)
        if Fraction(rounded) == exact_value:
            return formatting.number(rounded, lang)
    return formatting.number(round_half_away(exact_value, 2), lang)


def day_text(value: Any, lang: Lang) -> str:
    """An ISO date of the record (`2026-11-20`) as the locale writes it (`20 novembre 2026`)."""
    try:
        return formatting.date(dt.date.fromisoformat(str(value)), lang)
    except ValueError:
        return str(value) if value else NONE


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        decimal = Decimal(str(value))
    except InvalidOperation:
        return None
    return decimal if decimal.is_finite() else None


def shown(value: dict[str, Any] | None) -> str:
    """A record value's `shown` string, `—` when absent."""
    if not value or value.get("shown") is None:
        return NONE
    return str(value["shown"])


# The places the built-in plugins write into a record's provenance, in the record's own
# (English, locale-free) words; a document shows them in the reader's language.
_CELL = re.compile(r"cell (?P<sheet>.+)!(?P<cell>[A-Z]{1,3}[0-9]+)")
_COLUMN = re.compile(r"column '(?P<header>.*)'")
_COLUMNS = re.compile(r"columns '(?P<first>.*)' and '(?P<second>.*)'")


def place_text(location: str, lang: Lang) -> str:
    """A provenance's place (`cell lyon!E2`, `column 'Q1'`, `columns 'Q5a' and 'Q5b'`) in the
    reader's language: `cellule lyon!E2`, `colonne « Q1 »`. Any other place, a TOML key
    (`criteria[3]`) or a third-party plugin's own words, is shown as written."""
    if match := _CELL.fullmatch(location):
        return tr("place.sheet_cell", lang=lang, sheet=match["sheet"], cell=match["cell"])
    if match := _COLUMNS.fullmatch(location):
        return tr("provenance.columns", lang=lang, first=match["first"], second=match["second"])
    if match := _COLUMN.fullmatch(location):
        return tr("provenance.column", lang=lang, header=match["header"])
    return location


def colon(lang: Lang) -> str:
    """The colon after a label: spaced in French typography, not in English."""
    return " : " if lang == "fr" else ": "


def level_title(record: Record, level: str | None, lang: Lang) -> str:
    """A level's title in `lang` from the scheme's levels, its id when unknown, `—` for none."""
    for lv in record["scheme"]["levels"]:
        if lv["id"] == level:
            return text(lv, lang)
    return level or NONE


def outcome_text(record: Record, status: str, level: str | None, lang: Lang) -> str:
    """`GRANTED — level Confirmed`, `REFUSED`, `DEFERRED (…)` in `lang`."""
    if status == "granted":
        return tr("outcome.granted", lang=lang, level=level_title(record, level, lang))
    return tr(f"outcome.{status}", lang=lang)


def optional(key: str, fallback: str, lang: Lang) -> str:
    """A catalogue message that may not exist (a third party's source or status): else `fallback`."""
    try:
        return tr(key, lang=lang)
    except KeyError:
        return fallback


def source_title(source: str, lang: Lang) -> str:
    return optional(f"report.source.{source}", source, lang)


def requirements(record: Record) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Every (dimension, requirement) in the tree's order."""
    for dimension in record["tree"]["dimensions"]:
        for requirement in dimension["requirements"]:
            yield dimension, requirement


def numbered(record: Record, lang: Lang) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every requirement with its label `N. title`, numbered in the tree's order."""
    for i, (_, requirement) in enumerate(requirements(record), 1):
        yield f"{i}. {text(requirement, lang)}", requirement


def criteria(record: Record) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Every (requirement, criterion) in the tree's order."""
    for _, requirement in requirements(record):
        for criterion in requirement["criteria"]:
            yield requirement, criterion


def sources(record: Record) -> list[str]:
    """The sources of the tree, in the record's order."""
    found = list(record["tree"].get("sources", {}))
    for _, requirement in requirements(record):
        found += [s for s in requirement.get("sources", {}) if s not in found]
    return found


def source_pct(node: dict[str, Any], source: str, lang: Lang) -> str:
    return pct(node.get("sources", {}).get(source), lang)


def criterion_state(criterion: dict[str, Any], lang: Lang) -> str:
    if criterion["excluded"]:
        return tr("report.excluded", lang=lang)
    return tr("report.assessed" if criterion["assessed"] else "report.unassessed", lang=lang)


def gate_title(record: Record, gate_id: str, lang: Lang) -> str:
    """A gate by its title, or by its id when the record has no such gate (a hand-edited list)."""
    gate = next((g for g in record.get("gates", []) if g["id"] == gate_id), None)
    return gate_id if gate is None else text(gate, lang)


def site_names(record: Record) -> dict[str, str]:
    return {s["id"]: s["name"] for s in record["audit"].get("sites", [])}


def site_label(names: dict[str, str], site: str) -> str:
    """A site by its name and, as the grids and the record know it, its id: `Agence de Lyon (lyon)`."""
    name = names.get(site)
    return f"{name} ({site})" if name and name != site else site


# ---------------------------------------------------------------- the pyramid view


@frozen
class PyramidLevel:
    """The criteria of one pyramid level and the report's own plain mean of their attainments."""

    number: int
    criteria: tuple[dict[str, Any], ...]
    assessed: int
    mean: Fraction | None


def pyramid(record: Record) -> list[PyramidLevel]:
    """Criteria grouped by pyramid level 1..4 with the exact unweighted mean of the assessed ones."""
    levels: list[PyramidLevel] = []
    for number in PYRAMID_LEVELS:
        members = tuple(cr for _, cr in criteria(record) if cr.get("pyramid") == number)
        values = [Fraction(cr["attainment"]["exact"]) for cr in members if counts_in_mean(cr)]
        mean = sum(values, Fraction(0)) / len(values) if values else None
        levels.append(PyramidLevel(number, members, len(values), mean))
    return levels


def counts_in_mean(criterion: dict[str, Any]) -> bool:
    """Only assessed, not excluded criteria with an attainment enter the pyramid mean."""
    return criterion["assessed"] and not criterion["excluded"] and criterion["attainment"].get("exact") is not None


def mean_text(value: Fraction | None, lang: Lang) -> str:
    """The pyramid mean as a percentage rounded by the project's one rule (once, half away from zero)."""
    return NONE if value is None else pct({"percent": str(percent(value))}, lang)


def level_name(number: int, lang: Lang) -> str:
    """A pyramid level's name: `Level 3 — …`."""
    return tr("report.pyramid_level", lang=lang, number=number, title=tr(f"report.pyramid.{number}", lang=lang))
