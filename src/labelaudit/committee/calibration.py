"""Auditor calibration across the register: leniency, spread against peers, inter-rater agreement.

ISO/IEC 17021-1 asks a certification body to monitor its auditors' performance; this module
computes the evidence from the decision records the register holds (docs/cycle.md, *Auditor
calibration*, defines every statistic):

- a **cell** is one auditor's on-site attainment on one element (requirement) at one visited
  site of one record, beside the same site's perception attainment on that element; both are
  exact fractions, computed from the record's per-site values exactly as the engine turns values
  into attainments (`engine.attainment` on the binding's curve), weighted within the element as
  the record weighs them (criterion's tree share × binding weight / its criterion's binding
  weights);
- **leniency** of an auditor on an element: the mean of (on-site − perception) over their cells,
  exact, with a Student t interval (floats), Bonferroni-adjusted over the auditor's elements;
  flagged when it excludes 0;
- **spread against peers**: the auditor's mean difference per visit (over the visit's elements)
  against the other auditors' visits on the same scheme, Welch's interval, flagged likewise;
- **agreement**: Krippendorff's alpha for ordinal data (the `krippendorff` package) over the
  criteria two auditors rated at the same visit (`ratings`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from attrs import frozen

from labelaudit.committee.names import fold_name
from labelaudit.committee.ratings import OnsiteLevel, Pair, read_ratings
from labelaudit.engine import attainment
from labelaudit.errors import InputError
from labelaudit.i18n import tr
from labelaudit.model import Scheme

MIN_UNITS = 2  # an interval needs a variance; alpha needs two pairable units to mean anything


# --- from a record to cells --------------------------------------------------------------------


@frozen
class Cell:
    """One auditor on one element at one visited site, against the site's perception."""

    auditor: str  # the folded name: the person
    name: str  # as first written
    audit: str
    visit: str  # record digest and site: the unit of every statistic
    element: str
    onsite: Fraction
    perception: Fraction

    @property
    def difference(self) -> Fraction:
        return self.onsite - self.perception


@frozen
class RecordCells:
    cells: tuple[Cell, ...]
    levels: Mapping[tuple[str, str], OnsiteLevel]  # (site, criterion) → the on-site level and its raters


def _f(value: Any) -> Fraction:
    return Fraction(str(value))


def _raters(binding: dict[str, Any], site: str, team: tuple[str, ...]) -> tuple[str, ...]:
    """Who gave a site's on-site level: the grid's auditor for that site, else the record's team."""
    for evidence in binding.get("evidence") or ():
        if evidence.get("site") == site and str(evidence.get("who") or "").strip():
            return (str(evidence["who"]).strip(),)
    return team


def _usable(entry: dict[str, Any], kind: str, min_sample: int) -> Fraction | None:
    """A per-site value that counts: shown (not suppressed), and a survey's n not under min_sample."""
    if entry.get("suppressed") or (entry.get("value") or {}).get("exact") is None:
        return None
    if kind == "survey" and (entry.get("n") is None or int(entry["n"]) < min_sample):
        return None
    return _f(entry["value"]["exact"])


def _mean(parts: Iterable[tuple[Fraction, Fraction]]) -> Fraction | None:
    parts = list(parts)
    total = sum((w for w, _ in parts), Fraction(0))
    return sum((w * a for w, a in parts), Fraction(0)) / total if total else None


def record_cells(record: dict[str, Any], digest: str, scheme: Scheme, source: Path) -> RecordCells:
    """Every cell of a record, and its on-site levels; an unreadable tree is an input error."""
    try:
        return _record_cells(record, digest, scheme)
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
        raise InputError.at(source, "tree", tr("calibration.record_unreadable", detail=repr(exc))) from None


def _record_cells(record: dict[str, Any], digest: str, scheme: Scheme) -> RecordCells:
    audit = record["audit"]
    team = tuple(str(a).strip() for a in audit.get("auditors") or () if str(a).strip())
    onsite: dict[tuple[str, str], list[tuple[Fraction, Fraction, tuple[str, ...]]]] = defaultdict(list)
    perception: dict[tuple[str, str], list[tuple[Fraction, Fraction]]] = defaultdict(list)
    levels: dict[tuple[str, str], OnsiteLevel] = {}
    for dimension in record["tree"]["dimensions"]:
        for requirement in dimension["requirements"]:
            if requirement.get("excluded"):
                continue
            for criterion in requirement["criteria"]:
                if criterion.get("excluded"):
                    continue
                share = _f((criterion.get("tree_share") or {}).get("exact") or 0)
                bindings = criterion["bindings"]
                weights = sum((_f(b["weight"]) for b in bindings), Fraction(0))
                for b in bindings:
                    declared = scheme.sources.get(b["source"])
                    if declared is None or declared.kind not in ("grid", "survey") or not weights:
                        continue
                    weight = share * _f(b["weight"]) / weights
                    floor, target = _f(b["floor"]), _f(b["target"])
                    for entry in b.get("sites") or ():
                        value = _usable(entry, declared.kind, declared.min_sample)
                        if value is None:
                            continue
                        site, a = str(entry["site"]), attainment(value, floor, target)
                        if declared.kind == "grid":
                            raters = _raters(b, site, team)
                            onsite[(site, requirement["id"])].append((weight, a, raters))
                            levels[(site, criterion["id"])] = OnsiteLevel(value, raters)
                        else:
                            perception[(site, requirement["id"])].append((weight, a))
    cells = []
    for (site, element), values in onsite.items():
        seen = perception.get((site, element))
        p = _mean(seen) if seen else None
        if p is None:
            continue
        for name in dict.fromkeys(r for *_, raters in values for r in raters):
            o = _mean((w, a) for w, a, raters in values if name in raters)
            if o is not None:
                cells.append(Cell(fold_name(name), name, str(audit["id"]), f"{digest}/{site}", element, o, p))
    return RecordCells(tuple(cells), levels)


def record_pairs(record: dict[str, Any], digest: str, scheme: Scheme, path: Path, levels: Mapping[tuple[str, str], OnsiteLevel]) -> list[Pair]:
    """The second rater's pairs of a record (its `RECORD.ratings.toml`), on the grid's scale."""
    grids = [s for s in scheme.sources.values() if s.kind == "grid"]
    scale = scheme.scale_of(grids[0]) if grids else None
    points = scale.values if scale is not None else ()
    return read_ratings(path, digest, str(record["audit"]["id"]), levels, points,
                        lambda a, b: fold_name(a) == fold_name(b))


# --- statistics --------------------------------------------------------------------------------


@frozen
class Estimate:
    """A mean (exact) with its interval (floats); no interval with fewer than MIN_UNITS units."""

    n: int
    mean: Fraction | None
    sd: float | None = None
    low: float | None = None
    high: float | None = None
    confidence: float | None = None

    @property
    def flag(self) -> str | None:
        """`lenient` (the interval above 0), `severe` (below 0), else None."""
        if self.low is None or self.high is None:
            return None
        return "lenient" if self.low > 0 else "severe" if self.high < 0 else None


def _variance(values: Sequence[Fraction]) -> Fraction:
    m = sum(values, Fraction(0)) / len(values)
    return sum(((v - m) ** 2 for v in values), Fraction(0)) / (len(values) - 1)


def _t(confidence: float, df: float) -> float:
    from scipy.stats import t  # imported when used: `labelaudit` starts without scipy

    return float(t.ppf(0.5 + confidence / 2, df))


def mean_interval(values: Sequence[Fraction], confidence: float) -> Estimate:
    """The mean and Student's t interval mean ± t(n−1)·s/√n."""
    n = len(values)
    if n == 0:
        return Estimate(0, None)
    mean = sum(values, Fraction(0)) / n
    if n < MIN_UNITS:
        return Estimate(n, mean)
    variance = _variance(values)
    half = _t(confidence, n - 1) * math.sqrt(variance / n)
    return Estimate(n, mean, math.sqrt(variance), float(mean) - half, float(mean) + half, confidence)


def welch(mine: Sequence[Fraction], theirs: Sequence[Fraction], confidence: float) -> Estimate:
    """mean(mine) − mean(theirs), Welch's interval with the Welch–Satterthwaite degrees of freedom."""
    if len(mine) < MIN_UNITS or len(theirs) < MIN_UNITS:
        mean = (sum(mine, Fraction(0)) / len(mine) - sum(theirs, Fraction(0)) / len(theirs)
                if mine and theirs else None)
        return Estimate(len(mine), mean)
    a, b = _variance(mine) / len(mine), _variance(theirs) / len(theirs)
    diff = sum(mine, Fraction(0)) / len(mine) - sum(theirs, Fraction(0)) / len(theirs)
    if a + b == 0:  # every visit the same: the interval is the point itself
        return Estimate(len(mine), diff, 0.0, float(diff), float(diff), confidence)
    df = (a + b) ** 2 / (a**2 / (len(mine) - 1) + b**2 / (len(theirs) - 1))
    half = _t(confidence, float(df)) * math.sqrt(a + b)
    return Estimate(len(mine), diff, math.sqrt(_variance(mine)), float(diff) - half, float(diff) + half, confidence)


@frozen
class Agreement:
    """Krippendorff's alpha (ordinal) over double-rated criteria; None with too few data."""

    units: int
    alpha: float | None
    same: Fraction | None  # the exact share of units where both gave the same level


def agreement(pairs: Sequence[Pair], domain: Sequence[Fraction]) -> Agreement:
    """Alpha needs at least MIN_UNITS units and two distinct levels among them (else D_e = 0)."""
    if not pairs:
        return Agreement(0, None, None)
    same = Fraction(sum(p.first_level == p.second_level for p in pairs), len(pairs))
    values = {p.first_level for p in pairs} | {p.second_level for p in pairs}
    if len(pairs) < MIN_UNITS or len(values) < 2:
        return Agreement(len(pairs), None, same)
    return Agreement(len(pairs), ordinal_alpha([(p.first_level, p.second_level) for p in pairs], domain), same)


def ordinal_alpha(units: Sequence[tuple[Fraction, Fraction]], domain: Sequence[Fraction]) -> float:
    """Krippendorff's alpha for ordinal data, two ratings a unit, from the `krippendorff` package."""
    import krippendorff  # numpy underneath: imported when used

    data = [[float(a) for a, _ in units], [float(b) for _, b in units]]
    known = sorted(set(domain) | {v for unit in units for v in unit})
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal",
                                    value_domain=[float(v) for v in known]))


# --- one scheme's calibration ------------------------------------------------------------------


@frozen
class Auditor:
    name: str
    visits: int
    elements: tuple[tuple[str, Estimate], ...]  # in the scheme's order
    peers: Estimate
    peer_visits: int
    agreement: Agreement


@frozen
class SchemeCalibration:
    scheme: str
    confidence: float
    records: int
    auditors: tuple[Auditor, ...]
    agreement: Agreement  # every double-rated criterion of the scheme
    left_out: tuple[tuple[str, str], ...] = ()  # (audit id, why) of registered records not read


def _element_order(scheme: Scheme) -> list[str]:
    """The elements in the scheme's display order: by dimension, then as the files come."""
    dimensions = [d.id for d in scheme.dimensions]
    ranked = sorted(scheme.requirements, key=lambda r: dimensions.index(r.dimension) if r.dimension in dimensions else 0)
    return [r.id for r in ranked]


def calibrate(scheme: Scheme, cells: Sequence[Cell], pairs: Sequence[Pair], *, records: int,
              left_out: Sequence[tuple[str, str]] = ()) -> SchemeCalibration:
    confidence = float(scheme.policies.confidence)
    domain = _domain(scheme)
    by_auditor: dict[str, list[Cell]] = defaultdict(list)
    for c in cells:
        by_auditor[c.auditor].append(c)
    for p in pairs:  # an auditor known only as a second rater still has a line
        for name in (*p.first, p.second):
            by_auditor.setdefault(fold_name(name), [])
    names = {c.auditor: c.name for c in reversed(cells)}
    names.update({fold_name(n): n for p in pairs for n in (*p.first, p.second) if fold_name(n) not in names})
    visit_means = _visit_means(cells)
    order = _element_order(scheme)
    auditors = []
    for key in sorted(by_auditor, key=lambda k: (names[k].casefold(), k)):
        mine = by_auditor[key]
        elements = sorted({c.element for c in mine}, key=lambda e: (order.index(e) if e in order else len(order), e))
        tested = sum(1 for e in elements if sum(c.element == e for c in mine) >= MIN_UNITS)
        adjusted = 1 - (1 - confidence) / max(tested, 1)  # Bonferroni over the auditor's elements
        estimates = tuple((e, mean_interval([c.difference for c in mine if c.element == e], adjusted)) for e in elements)
        own_visits = {c.visit for c in mine}
        own = [m for (who, visit), m in visit_means.items() if who == key]
        peers = [m for (who, visit), m in visit_means.items() if who != key and visit not in own_visits]
        involved = [p for p in pairs if key in {fold_name(n) for n in (*p.first, p.second)}]
        auditors.append(Auditor(names[key], len(own_visits), estimates, welch(own, peers, confidence), len(peers),
                                agreement(involved, domain)))
    return SchemeCalibration(scheme.id, confidence, records, tuple(auditors), agreement(pairs, domain), tuple(left_out))


def _visit_means(cells: Sequence[Cell]) -> dict[tuple[str, str], Fraction]:
    """(auditor, visit) → the mean difference over the visit's elements (each element once)."""
    groups: dict[tuple[str, str], list[Fraction]] = defaultdict(list)
    for c in cells:
        groups[(c.auditor, c.visit)].append(c.difference)
    return {k: sum(v, Fraction(0)) / len(v) for k, v in groups.items()}


def _domain(scheme: Scheme) -> tuple[Fraction, ...]:
    grids = [s for s in scheme.sources.values() if s.kind == "grid"]
    scale = scheme.scale_of(grids[0]) if grids else None
    return scale.values if scale is not None else ()
