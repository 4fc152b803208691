"""A scheme's settings checked against their meaning, each problem placed at its key path.

The types say that `confidence` is a number; this module says it is a probability strictly
between 0 and 1, that a top-two-box floor is a share, that a level's minimum is a number of
points the scheme can give, that a gap compares two different items. Every check is a value
read from a file, so a scheme author's slip (`confidence = 95`, `floor = 50` for 50 %) is
refused at load, named by file, line and key, instead of bending a decision.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

from labelaudit.errors import Problem
from labelaudit.i18n import tr
from labelaudit.model import Binding, Scheme

MAX_WEIGHT = 10**6
"""A weight is a relative importance: a million times another is already no weighting at all."""

MAX_POINTS = 10**6
"""`max_points`: points are shown to one decimal (1000 in the bundled schemes)."""

MAX_VALIDITY_YEARS = 10
"""A label's validity: the bundled schemes give 3 years; a label never checked again for more
than ten years says nothing of the organisation it is shown by."""

SHARE_INDICATORS = ("top2box", "share")
NPS_RANGE = (Fraction(-100), Fraction(100))
UNIT = (Fraction(0), Fraction(1))



class _Places(Protocol):
    file: Path

    def problem(self, key_path: str, what: str) -> Problem: ...


def _number(value: Fraction | int) -> str:
    """A bound or a value as a person reads it: `0.95`, `7/3`, `100`."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    # A terminating decimal (only 2s and 5s in the denominator) is shown as one.
    d = value.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1:
        from decimal import Decimal

        return str(Decimal(value.numerator) / Decimal(value.denominator))
    return f"{value.numerator}/{value.denominator}"


def _range(meaning: str, low: Fraction | int, high: Fraction | int, found: Any, *, open_: bool = False) -> str:
    key = "settings.open_range" if open_ else "settings.range"
    return tr(key, meaning=meaning, low=_number(low), high=_number(high), found=_number(found))


def check_settings(scheme: Scheme, top: _Places, places: Callable[[Any], _Places]) -> list[Problem]:
    """Every setting of the scheme against its meaning. `top` places keys of scheme.toml,
    `places(requirement)` those of a requirement's file."""
    problems = list(_policies(scheme, top))
    problems += _points_and_levels(scheme, top)
    problems += _weights(scheme, top, places)
    problems += _curves(scheme, places)
    return problems


def _policies(scheme: Scheme, top: _Places) -> Iterator[Problem]:
    p = scheme.policies
    if not 0 < p.confidence < 1:
        yield top.problem("policies.confidence", _range(tr("meaning.probability"), 0, 1, p.confidence, open_=True))
    if not 0 <= p.min_coverage <= 100:
        yield top.problem("policies.min_coverage", _range(tr("meaning.percentage"), 0, 100, p.min_coverage))
    if p.anonymity < 1:
        yield top.problem(
            "policies.anonymity", tr("settings.at_least", meaning=tr("meaning.anonymity"), low=1, found=p.anonymity)
        )
    if p.minors_make_major < 0:
        yield top.problem(
            "policies.minors_make_major",
            tr("settings.at_least", meaning=tr("meaning.count"), low=0, found=p.minors_make_major),
        )
    if not 1 <= p.validity_years <= MAX_VALIDITY_YEARS:
        yield top.problem(
            "policies.validity_years", _range(tr("meaning.years"), 1, MAX_VALIDITY_YEARS, p.validity_years)
        )
    elif not 1 <= p.surveillance_months <= 12 * p.validity_years:
        yield top.problem(
            "policies.surveillance_months",
            tr("settings.surveillance", high=12 * p.validity_years, years=p.validity_years, found=p.surveillance_months),
        )
    for source_id, source in scheme.sources.items():
        # A survey's groups are respondents: a minimum below the threshold lets a hidden result
        # decide. 0 is "no minimum", which is one answer: a binding without answers has no result.
        if source.questionnaire is not None and max(source.min_sample, 1) < p.anonymity:
            yield top.problem(
                f"sources.{source_id}.min_sample",
                tr("settings.min_sample", found=source.min_sample, anonymity=p.anonymity),
            )


def _points_and_levels(scheme: Scheme, top: _Places) -> Iterator[Problem]:
    if not 0 < scheme.max_points <= MAX_POINTS:
        yield top.problem("max_points", _range(tr("meaning.max_points"), 0, MAX_POINTS, scheme.max_points))
        return
    for i, level in enumerate(scheme.levels):
        if not 0 <= level.min_points <= scheme.max_points:
            meaning = tr("meaning.level_points")
            yield top.problem(f"levels[{i}].min_points", _range(meaning, 0, scheme.max_points, level.min_points))
    for i, gate in enumerate(scheme.gates):
        if gate.min_percent is not None and not 0 <= gate.min_percent <= 100:
            yield top.problem(f"gates[{i}].min_percent", _range(tr("meaning.percentage"), 0, 100, gate.min_percent))
        if gate.max_major is not None and gate.max_major < 0:
            yield top.problem(
                f"gates[{i}].max_major", tr("settings.at_least", meaning=tr("meaning.count"), low=0, found=gate.max_major)
            )


def _weights(scheme: Scheme, top: _Places, places: Callable[[Any], _Places]) -> Iterator[Problem]:
    def check(where: _Places, key_path: str, weight: Fraction) -> Iterator[Problem]:
        if weight > MAX_WEIGHT:  # 0 and below are refused by the model already
            yield where.problem(key_path, tr("settings.weight", high=MAX_WEIGHT, found=_number(weight)))

    for i, dimension in enumerate(scheme.dimensions):
        yield from check(top, f"dimensions[{i}].weight", dimension.weight)
    for requirement in scheme.requirements:
        here = places(requirement)
        yield from check(here, "weight", requirement.weight)
        for i, criterion in enumerate(requirement.criteria):
            yield from check(here, f"criteria[{i}].weight", criterion.weight)
            for j, binding in enumerate(criterion.bindings):
                yield from check(here, f"criteria[{i}].bindings[{j}].weight", binding.weight)


def _curves(scheme: Scheme, places: Callable[[Any], _Places]) -> Iterator[Problem]:
    for requirement in scheme.requirements:
        here = places(requirement)
        for i, criterion in enumerate(requirement.criteria):
            for j, binding in enumerate(criterion.bindings):
                yield from _binding(scheme, binding, here, f"criteria[{i}].bindings[{j}]")


def _binding(scheme: Scheme, binding: Binding, here: _Places, path: str) -> Iterator[Problem]:
    """A binding's floor and target within what its indicator can measure; a gap's two items."""
    source = scheme.sources.get(binding.source)
    if source is None:
        return  # reported by the reference checks
    if binding.indicator == "gap" and binding.paired is not None and binding.paired == binding.item:
        yield here.problem(f"{path}.paired", tr("settings.self_paired", item=binding.item))
    bounds = _measurable(scheme, source, binding)
    if bounds is not None:
        meaning, low, high = bounds
        for key in ("floor", "target"):
            value = getattr(binding, key)
            if value is not None and not low <= value <= high:
                yield here.problem(f"{path}.{key}", _range(meaning, low, high, value))
    if binding.indicator == "share" and binding.item is not None:
        scale = scheme.scale_of(source, binding.item)
        if scale is not None:
            for k, point in enumerate(binding.points):
                if point not in scale.values:
                    listed = ", ".join(_number(v) for v in scale.values)
                    yield here.problem(
                        f"{path}.points[{k}]",
                        tr("settings.not_on_scale", found=_number(point), scale=scale.id, points=listed),
                    )


def _measurable(scheme: Scheme, source: Any, binding: Binding) -> tuple[str, Fraction, Fraction] | None:
    """(meaning, lowest, highest) of what the binding measures, or None when labelaudit cannot
    know it (an indicator of a third-party plugin, an unknown item)."""
    if binding.item is None:
        scale = scheme.scale_of(source)  # an on-site level, on the grid's scale
        if scale is None:
            return None
        return tr("meaning.scale", scale=scale.id), scale.lowest, scale.highest
    if binding.indicator in SHARE_INDICATORS:
        return tr("meaning.share"), *UNIT
    if binding.indicator == "nps":
        return tr("meaning.nps"), *NPS_RANGE
    scale = scheme.scale_of(source, binding.item)
    if scale is None:
        return None
    if binding.indicator == "mean":
        return tr("meaning.scale", scale=scale.id), scale.lowest, scale.highest
    if binding.indicator == "gap":
        spread = scale.highest - scale.lowest
        return tr("meaning.gap", scale=scale.id), -spread, spread
    return None
