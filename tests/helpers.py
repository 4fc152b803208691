"""Small schemes written from parameters, and terse builders for evidence and engine inputs.

The default scheme (`write_scheme` with no arguments) is the one the engine tests compute by
hand:

    dimension people  (weight 1)                 dimension process (weight 1)
      vision  (w 1)          culture (w 1)         design (w 1)
        v1 (w 2)               c1 (w 1)              d1 (w 1)
          onsite        w 2      onsite      w 1       onsite            w 1
          C1 mean 1→5   w 1    c2 (w 1)                C2 top2box .5→.9  w 1
        v2 (w 1)                 onsite      w 1     d2 (w 3)
          onsite        w 1      N1 nps 0→50 w 1       onsite            w 1

Tree shares: v1 1/6, v2 1/12, c1 1/8, c2 1/8, d1 1/8, d2 3/8 (sum 1).
Sources: `onsite` (kind grid, scale `maturity` 0…4), `customer` (kind survey, items C1 and C2
on `agree5` 1…5, N1 on `nps11` 0…10, `min_sample` as given, 0 by default).
Levels: committed 500, confirmed 700, excellence 850. No gates unless given.
"""

from __future__ import annotations

import copy
import functools
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import tomli_w

from labelaudit.engine import Inputs
from labelaudit.model import (
    Audit,
    AuditDates,
    Evidence,
    Finding,
    Indicator,
    IndicatorContext,
    Measure,
    Provenance,
    Sample,
    Scheme,
    Site,
    SourceInputs,
    Text,
)
from labelaudit.rulesets import load_scheme

Number = int | str | Decimal | Fraction

ONSITE = "onsite"
C1 = "customer/C1/mean"
C2 = "customer/C2/top2box"
N1 = "customer/N1/nps"

DEFAULT_DIMENSIONS: list[dict[str, Any]] = [
    {"id": "people", "weight": 1},
    {"id": "process", "weight": 1},
]

DEFAULT_REQUIREMENTS: list[dict[str, Any]] = [
    {
        "id": "vision",
        "dimension": "people",
        "weight": 1,
        "criteria": [
            {
                "id": "v1",
                "weight": 2,
                "bindings": [
                    {"source": "onsite", "weight": 2},
                    {"source": "customer", "item": "C1", "indicator": "mean", "floor": 1, "target": 5, "weight": 1},
                ],
            },
            {"id": "v2", "weight": 1, "bindings": [{"source": "onsite", "weight": 1}]},
        ],
    },
    {
        "id": "culture",
        "dimension": "people",
        "weight": 1,
        "criteria": [
            {"id": "c1", "weight": 1, "bindings": [{"source": "onsite", "weight": 1}]},
            {
                "id": "c2",
                "weight": 1,
                "bindings": [
                    {"source": "onsite", "weight": 1},
                    {"source": "customer", "item": "N1", "indicator": "nps", "floor": 0, "target": 50, "weight": 1},
                ],
            },
        ],
    },
    {
        "id": "design",
        "dimension": "process",
        "weight": 1,
        "criteria": [
            {
                "id": "d1",
                "weight": 1,
                "bindings": [
                    {"source": "onsite", "weight": 1},
                    {
                        "source": "customer",
                        "item": "C2",
                        "indicator": "top2box",
                        "floor": "0.5",
                        "target": "0.9",
                        "weight": 1,
                    },
                ],
            },
            {"id": "d2", "weight": 3, "bindings": [{"source": "onsite", "weight": 1}]},
        ],
    },
]

DEFAULT_LEVELS: list[dict[str, Any]] = [
    {"id": "committed", "min_points": 500},
    {"id": "confirmed", "min_points": 700},
    {"id": "excellence", "min_points": 850},
]

DEFAULT_ITEMS: list[dict[str, Any]] = [
    {"key": "C1", "scale": "agree5"},
    {"key": "C2", "scale": "agree5"},
    {"key": "N1", "scale": "nps11"},
]


def _num(value: Number) -> int | Decimal:
    """A number as TOML writes it exactly: ints stay ints, the rest become decimals."""
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return value.numerator
        text = Decimal(value.numerator) / Decimal(value.denominator)
        if Fraction(text) != value:
            raise ValueError(f"{value} has no exact decimal form")
        return text
    return Decimal(str(value))


def _title(name: str) -> dict[str, str]:
    return {"fr": f"{name} (fr)", "en": f"{name} (en)"}


_NUMERIC = {"weight", "floor", "target", "min_points", "min_percent", "max_points", "min_coverage", "confidence"}


def _is_id(key: str, value: Any) -> bool:
    """A gate's `target` names a criterion, requirement…: it is not a number."""
    return key == "target" and isinstance(value, str) and not value.replace(".", "", 1).lstrip("-").isdigit()


def _numbers(data: Any) -> Any:
    """Every numeric key converted with `_num`, recursively."""
    if isinstance(data, dict):
        return {
            k: (_num(v) if k in _NUMERIC and v is not None and not _is_id(k, v) else _numbers(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_numbers(v) for v in data]
    return data


def scheme_data(
    *,
    scheme_id: str = "testscheme",
    max_points: Number = 1000,
    policies: Mapping[str, Any] | None = None,
    min_sample: int = 1,
    onsite_scale: Sequence[Number] = (0, 1, 2, 3, 4),
    items: Sequence[Mapping[str, Any]] | None = None,
    dimensions: Sequence[Mapping[str, Any]] | None = None,
    levels: Sequence[Mapping[str, Any]] | None = None,
    gates: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The content of `scheme.toml` as a dict (numbers still to convert)."""
    data: dict[str, Any] = {
        "id": scheme_id,
        "version": "1.0.0",
        "title": _title("Test scheme"),
        "max_points": max_points,
        # a test scheme's anonymity threshold is its min_sample unless it says otherwise (a
        # scheme may not count answers it could not show: rulesets checks min_sample ≥ it)
        "policies": {"anonymity": max(1, min(5, min_sample)), **dict(policies or {})},
        "scales": {
            "maturity": {
                "title": _title("Maturity"),
                "points": [{"value": _num(v), "label": _title(f"level {v}")} for v in onsite_scale],
            },
            "agree5": {
                "title": _title("Agreement"),
                "points": [{"value": v, "label": _title(f"agree {v}")} for v in range(1, 6)],
            },
            "nps11": {
                "title": _title("Recommend"),
                "points": [{"value": v, "label": _title(f"nps {v}")} for v in range(0, 11)],
            },
        },
        "sources": {
            "onsite": {"kind": "grid", "title": _title("On-site"), "scale": "maturity"},
            "customer": {
                "kind": "survey",
                "title": _title("Customers"),
                "questionnaire": "customer",
                "min_sample": min_sample,
            },
        },
        "questionnaires": {
            "customer": {
                "title": _title("Customer survey"),
                "items": [{**dict(i), "text": _title(f"item {i['key']}")} for i in (items or DEFAULT_ITEMS)],
            }
        },
        "dimensions": [{**dict(d), "title": _title(d["id"])} for d in (dimensions or DEFAULT_DIMENSIONS)],
        "levels": [{**dict(lv), "title": _title(lv["id"])} for lv in (levels or DEFAULT_LEVELS)],
        "gates": [{**dict(g), "title": _title(g["id"])} for g in gates],
    }
    return data


def requirement_data(requirement: Mapping[str, Any]) -> dict[str, Any]:
    """One requirement file's content, titles and pyramid levels filled in."""
    data = copy.deepcopy(dict(requirement))
    data["title"] = _title(data["id"])
    for criterion in data["criteria"]:
        criterion.setdefault("pyramid", 1)
        criterion["title"] = _title(criterion["id"])
    return data


def write_scheme(
    folder: Path,
    *,
    requirements: Sequence[Mapping[str, Any]] | None = None,
    **options: Any,
) -> Path:
    """Write a scheme folder (scheme.toml + requirements/NN-id.toml) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    data = _numbers(scheme_data(**options))
    (folder / "scheme.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    req_folder = folder / "requirements"
    req_folder.mkdir(exist_ok=True)
    for old in req_folder.glob("*.toml"):
        old.unlink()
    for index, requirement in enumerate(requirements or DEFAULT_REQUIREMENTS, start=1):
        text = tomli_w.dumps(_numbers(requirement_data(requirement)))
        (req_folder / f"{index:02d}-{requirement['id']}.toml").write_text(text, encoding="utf-8")
    return folder


def make_scheme(folder: Path, **options: Any) -> Scheme:
    """Write a scheme folder from parameters and load it with `load_scheme`."""
    return load_scheme(write_scheme(folder, **options))


def scaled_requirements(factor: Number, where: str, target: str | None = None) -> list[dict[str, Any]]:
    """The default requirements with one group of sibling weights multiplied by `factor`.

    `where`: "requirements" (the requirements of dimension `target`), "criteria" (of
    requirement `target`) or "bindings" (of criterion `target`).
    """
    factor = Fraction(_num(factor))
    requirements = copy.deepcopy(DEFAULT_REQUIREMENTS)

    def scale(entry: dict[str, Any]) -> None:
        entry["weight"] = Fraction(_num(entry["weight"])) * factor

    for requirement in requirements:
        if where == "requirements" and requirement["dimension"] == target:
            scale(requirement)
        for criterion in requirement["criteria"]:
            if where == "criteria" and requirement["id"] == target:
                scale(criterion)
            for binding in criterion["bindings"]:
                if where == "bindings" and criterion["id"] == target:
                    scale(binding)
    return requirements


def scaled_dimensions(factor: Number) -> list[dict[str, Any]]:
    factor = Fraction(_num(factor))
    return [{**d, "weight": Fraction(_num(d["weight"])) * factor} for d in DEFAULT_DIMENSIONS]


# --- Indicators ---------------------------------------------------------------------------------


def _fallback_indicators() -> dict[str, Indicator]:
    """The standard indicators built directly on labelaudit.indicators (if the plugin is absent)."""
    from labelaudit.indicators import mean_measure, nps_measure, share_measure

    def top2box(sample: Sample, context: IndicatorContext) -> Measure:
        assert context.scale is not None
        return share_measure(sample, context.scale.values[-2:], context.z)

    return {
        "mean": Indicator("mean", Text("Moyenne", "Mean"), lambda s, c: mean_measure(s, c.z)),
        "top2box": Indicator("top2box", Text("Top 2", "Top 2"), top2box),
        "share": Indicator("share", Text("Part", "Share"), lambda s, c: share_measure(s, c.binding.points, c.z)),
        "nps": Indicator("nps", Text("NPS", "NPS"), lambda s, c: nps_measure(s, c.z)),
        "gap": Indicator("gap", Text("Écart", "Gap"), lambda s, c: mean_measure(s, c.z), needs_pair=True),
    }


def indicator_registry() -> dict[str, Indicator]:
    """The indicators the surveys plugin registers (or the same, built here, if it cannot load)."""
    try:
        from labelaudit.plugins import load_plugins

        registry = dict(load_plugins().indicators)
    except Exception:  # the plugin is being finished elsewhere: do not let that break these tests
        registry = {}
    merged = {**_fallback_indicators(), **registry}  # other plugins may add indicators of their own
    return dict(sorted(merged.items()))


INDICATORS = indicator_registry()


# --- Evidence and inputs ------------------------------------------------------------------------


def level(criterion: str, value: Number, site: str = "s1", binding: str = ONSITE) -> Evidence:
    """An on-site level (a direct value) for one criterion at one site."""
    return Evidence(
        criterion,
        binding,
        site,
        value=Fraction(_num(value)),
        provenance=Provenance("grid.toml", f"{site}/{criterion}/{binding}", "auditor", "2026-10-05"),
    )


def answers(criterion: str, binding: str, tally: Mapping[Number, int], site: str = "s1") -> Evidence:
    """A tally of survey answers (answer → count) for one binding at one site."""
    return Evidence(
        criterion,
        binding,
        site,
        sample=Sample.of({Fraction(_num(k)): v for k, v in tally.items()}),
        provenance=Provenance("customer.csv", f"{site}/{criterion}/{binding}"),
    )


def finding(requirement: str, kind: str, *, closed: bool = False, site: str = "s1", text: str = "") -> Finding:
    return Finding(requirement, kind, text or f"{kind} on {requirement}", site, closed=closed)  # type: ignore[arg-type]


def sites(*ids: str) -> tuple[Site, ...]:
    return tuple(Site(i, f"Site {i}") for i in ids)


def make_inputs(
    scheme: Scheme,
    evidence: Iterable[Evidence],
    *,
    site_ids: Sequence[str] = ("s1",),
    findings: Iterable[Finding] = (),
    excluded: Iterable[str] = (),
) -> Inputs:
    return Inputs(
        scheme=scheme,
        sites=sites(*site_ids),
        evidence=tuple(evidence),
        findings=tuple(findings),
        excluded=frozenset(excluded),
        indicators=INDICATORS,
    )


def full_evidence(site: str = "s1") -> list[Evidence]:
    """Evidence on every binding of the default scheme (the worked example of test_engine).

    v1: onsite 2 (1/2), C1 mean 5 (1) → 2/3     v2: onsite 4 → 1
    c1: onsite 1 → 1/4                           c2: onsite 3 (3/4), NPS 25 (1/2) → 5/8
    d1: onsite 0 (0), top2box 0.6 (1/4) → 1/8    d2: onsite 2 → 1/2
    """
    return [
        level("v1", 2, site),
        answers("v1", C1, {5: 1}, site),
        level("v2", 4, site),
        level("c1", 1, site),
        level("c2", 3, site),
        answers("c2", N1, {10: 2, 7: 1, 3: 1}, site),
        level("d1", 0, site),
        answers("d1", C2, {5: 3, 4: 3, 2: 4}, site),
        level("d2", 2, site),
    ]


def audit_for(scheme: Scheme, site_ids: Sequence[str] = ("s1",), exclusions: Sequence[Any] = ()) -> Audit:
    return Audit(
        id="TEST-001",
        scheme=scheme.id,
        organisation="Org",
        scope="Scope",
        kind="initial",
        auditors=("Claire",),
        dates=AuditDates(dt.date(2026, 10, 5), dt.date(2026, 10, 9), dt.date(2026, 11, 20)),
        sites=sites(*site_ids),
        sources={"onsite": SourceInputs(files=()), "customer": SourceInputs(files=())},
        exclusions=tuple(exclusions),
    )


@functools.cache
def loaded_plugins() -> Any:
    from labelaudit.plugins import load_plugins

    return load_plugins()


def record_text(inputs: Inputs, decision: Any, exclusions: Sequence[Any] = ()) -> str:
    """The canonical decision record text for engine inputs (no files were collected)."""
    from labelaudit.collect import Collected, Prepared
    from labelaudit.record import build_record, dumps

    scheme = inputs.scheme
    audit = audit_for(scheme, [s.id for s in inputs.sites], exclusions)
    prepared = Prepared(audit, "", "sha256:" + "0" * 64, scheme)
    collected = Collected(prepared, inputs.evidence, inputs.findings, {}, ())
    return dumps(build_record(collected, decision, loaded_plugins(), dt.date(2026, 11, 20)))
