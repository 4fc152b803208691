"""`labelaudit register calibration`: the register's records read into cells, one calibration per
scheme, shown as text, CSV or JSON (`committee.calibration` computes; this module reads and shows)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sqlite3
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal

from labelaudit.committee.calibration import (
    MIN_UNITS, Agreement, Cell, Estimate, SchemeCalibration, calibrate, record_cells, record_pairs,
)
from labelaudit.committee.chain import load_record_digest
from labelaudit.committee.ratings import Pair
from labelaudit.committee.register import open_register, register_path
from labelaudit.committee.views import Registered, all_records
from labelaudit.errors import InputError
from labelaudit.files import safe_cell
from labelaudit.i18n import current_lang, tr

Output = Callable[[str], None]


def gather(conn: sqlite3.Connection, plugins: Any, rulesets: Sequence[Path], *, scheme: str | None, today: dt.date,
           place: str) -> list[SchemeCalibration]:
    """One calibration per scheme of the register (or only `scheme`), every record read."""
    records = all_records(conn, today=today)
    schemes = sorted({r.scheme_id for r in records})
    if scheme is not None:
        plugins.scheme(scheme, rulesets)  # an unknown scheme is named with the known ones
        if scheme not in schemes:
            raise InputError.at(place, "--scheme", tr("calibration.no_records", scheme=scheme,
                                                      known=", ".join(schemes) or "—"))
        schemes = [scheme]
    return [_one_scheme(plugins.scheme(s, rulesets), [r for r in records if r.scheme_id == s]) for s in schemes]


def _one_scheme(scheme: Any, records: Sequence[Registered]) -> SchemeCalibration:
    cells: list[Cell] = []
    pairs: list[Pair] = []
    left_out: list[tuple[str, str]] = []
    read = 0
    for r in records:
        if r.chain in ("record_missing", "record_changed"):  # what the register holds is no longer there
            left_out.append((r.audit_id, r.chain))
            continue
        path = Path(r.record_file)
        record, digest = load_record_digest(path)
        found = record_cells(record, digest, scheme, path)
        cells += found.cells
        pairs += record_pairs(record, digest, scheme, path, found.levels)
        read += 1
    return calibrate(scheme, cells, pairs, records=read, left_out=left_out)


# --- text --------------------------------------------------------------------------------------


def _rounded(value: float | Fraction, places: int = 1) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(value)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)  # half away from zero


def points(value: float | Fraction) -> str:
    """An attainment difference in percentage points, signed: `+12,3` / `+12.3`."""
    return format_decimal(_rounded(value * 100), format="+0.0;-0.0", locale=current_lang())


def _interval(e: Estimate) -> str:
    if e.low is None or e.high is None:
        return tr("calibration.too_few", n=e.n, least=MIN_UNITS)
    return tr("format.interval", low=points(e.low), high=points(e.high))


def _flag(e: Estimate) -> str:
    return tr(f"calibration.flag.{e.flag}") if e.flag else ""


def _agreement(a: Agreement) -> str:
    if a.alpha is None:
        return tr("calibration.agreement.none", units=a.units, least=MIN_UNITS)
    alpha = format_decimal(_rounded(a.alpha, 3), format="0.000", locale=current_lang())
    return tr("calibration.agreement.alpha", alpha=alpha, units=a.units, same=f"{a.same.numerator}/{a.same.denominator}"
              if a.same is not None else "—")


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def text_lines(found: Sequence[SchemeCalibration]) -> list[str]:
    lines: list[str] = []
    for s in found:
        confidence = format_decimal(_rounded(s.confidence * 100, 1).normalize(), locale=current_lang())
        lines += [tr("calibration.title", scheme=s.scheme, records=s.records, auditors=len(s.auditors),
                     confidence=confidence), tr("calibration.legend")]
        lines += ["  " + tr("calibration.left_out", audit=a, why=tr(f"register.chain_state.{why}")) for a, why in s.left_out]
        for a in s.auditors:
            lines += ["", tr("calibration.auditor", name=a.name, visits=a.visits)]
            rows = [[tr("calibration.col.element"), tr("calibration.col.mean"), tr("calibration.col.interval"), "n", ""]]
            rows += [[element, points(e.mean) if e.mean is not None else "—", _interval(e), str(e.n), _flag(e)]
                     for element, e in a.elements]
            peers = a.peers
            rows.append([tr("calibration.col.peers"), points(peers.mean) if peers.mean is not None else "—",
                         _interval(peers) if a.peer_visits else tr("calibration.no_peers"),
                         f"{peers.n}/{a.peer_visits}", _flag(peers)])
            lines += ["  " + line for line in _table(rows)]
            lines.append("  " + tr("calibration.col.agreement") + " " + _agreement(a.agreement))
        lines += ["", tr("calibration.overall_agreement", scheme=s.scheme, agreement=_agreement(s.agreement)), ""]
    return lines[:-1] if lines and lines[-1] == "" else lines


# --- CSV and JSON ------------------------------------------------------------------------------

CSV_COLUMNS = ("scheme", "auditor", "measure", "element", "n", "mean_exact", "mean_points", "low_points",
               "high_points", "confidence", "flag", "units", "alpha", "same_exact")


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)


def _estimate(e: Estimate) -> dict[str, Any]:
    """Exact mean; the interval's floats rounded to 6 decimals (attainment units, not points)."""
    return {"n": e.n, "mean": _exact(e.mean), "sd": _six(e.sd), "low": _six(e.low), "high": _six(e.high),
            "confidence": _six(e.confidence), "flag": e.flag}


def _six(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _agreement_data(a: Agreement) -> dict[str, Any]:
    return {"units": a.units, "alpha": _six(a.alpha), "same": _exact(a.same)}


def as_data(found: Sequence[SchemeCalibration]) -> list[dict[str, Any]]:
    return [
        {"scheme": s.scheme, "confidence": s.confidence, "records": s.records,
         "left_out": [{"audit": a, "why": why} for a, why in s.left_out],
         "agreement": _agreement_data(s.agreement),
         "auditors": [{"auditor": a.name, "visits": a.visits,
                       "leniency": {element: _estimate(e) for element, e in a.elements},
                       "peers": {**_estimate(a.peers), "peer_visits": a.peer_visits},
                       "agreement": _agreement_data(a.agreement)} for a in s.auditors]}
        for s in found
    ]


def _row(scheme: str, auditor: str, measure: str, element: str, e: Estimate | None, a: Agreement | None) -> list[Any]:
    def pts(v: float | Fraction | None) -> str:
        return "" if v is None else str(_rounded(v * 100))

    if e is not None:
        values = [e.n, _exact(e.mean) or "", pts(e.mean), pts(e.low), pts(e.high), _six(e.confidence) or "", e.flag or "",
                  "", "", ""]
    else:
        assert a is not None
        values = ["", "", "", "", "", "", "", a.units, "" if a.alpha is None else _six(a.alpha), _exact(a.same) or ""]
    # the names come from the records (any text); the numbers are ours, written as they are
    return [safe_cell(scheme), safe_cell(auditor), measure, safe_cell(element), *values]


def csv_text(found: Sequence[SchemeCalibration]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")  # printed on standard output, line by line
    writer.writerow(CSV_COLUMNS)
    for s in found:
        for a in s.auditors:
            for element, e in a.elements:
                writer.writerow(_row(s.scheme, a.name, "leniency", element, e, None))
            writer.writerow(_row(s.scheme, a.name, "peers", "", a.peers, None))
            writer.writerow(_row(s.scheme, a.name, "agreement", "", None, a.agreement))
        writer.writerow(_row(s.scheme, "", "agreement", "", None, s.agreement))
    return buffer.getvalue()


def cmd_calibration(args: argparse.Namespace, plugins: Any, out: Output, today: dt.date) -> int:
    db = register_path(args.register)
    with open_register(db, create=False) as conn:
        found = gather(conn, plugins, args.rulesets, scheme=args.scheme, today=today, place=str(db))
    if not found:
        out(tr("calibration.empty"))
        return 0
    if args.format == "json":
        out(json.dumps(as_data(found), ensure_ascii=False, indent=2))
    elif args.format == "csv":
        out(csv_text(found).rstrip("\n"))
    else:
        for line in text_lines(found):
            out(line)
    return 0
