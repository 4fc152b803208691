"""The engine's results: frozen values from a reason up to a whole decision, and its inputs.

`Inputs` is everything a decision is computed from; `BindingResult`, `CriterionResult`,
`NodeResult` and `Tree` are steps 1 to 6 of docs/scoring.md, `SiteResult` a site's own numbers,
`GateResult` and `Outcome` steps 8 to 10, `Run` one decision at one end of the intervals and
`Decision` the three runs with the sensitivities (step 11). The record (`labelaudit.record`) is
drawn from these and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import attrs
from attrs import frozen

from labelaudit.i18n import tr
from labelaudit.i18n.formatting import Figure
from labelaudit.model import Binding, Criterion, Evidence, Finding, Gate, Indicator, Measure, Scheme, Site, SurveyDesign, Text
from labelaudit.sites import SiteScores


Mode = Literal["central", "pessimistic", "optimistic"]
Status = Literal["granted", "refused", "deferred"]
BindingStatus = Literal["evidenced", "missing", "undersized", "excluded"]


@frozen
class Reason:
    """One line of an outcome's justification: a message key, its values, and a detail.

    A value is a string, a `Figure` (a quantity: points, a percentage, a threshold, kept
    locale-free in the record and written `733,9` / `733.9` in each language's text), or a
    `Text` (a level's or a gate's title) shown in the reader's language.
    """

    code: str
    params: tuple[tuple[str, str | Text | Figure], ...] = ()
    detail: Reason | None = None

    def text(self, lang: str) -> str:
        detail = self.detail.text(lang) if self.detail else ""
        values = {k: (v.get(lang) if isinstance(v, Text) else v) for k, v in self.params}
        return tr(f"reason.{self.code}", lang=lang, detail=detail, **values)


def reason(code: str, detail: Reason | None = None, **params: object) -> Reason:
    """A reason; a Decimal value (points, a rounded percentage) is a `Figure`, as is any value
    the call site marks with `figure`."""
    return Reason(code, tuple(sorted((k, _param(v)) for k, v in params.items())), detail)


def _param(value: object) -> str | Text | Figure:
    if isinstance(value, (Text, Figure)):
        return value
    return Figure(str(value)) if isinstance(value, Decimal) else str(value)


def figure(value: object) -> Figure:
    """A quantity given as a string or an int (`shown(threshold)`, a sample size), written in
    each language's way in a reason's texts and kept as it is in the record's params."""
    return Figure(str(value))


@frozen
class SiteValue:
    site: str
    value: Fraction
    n: int | None
    low: Fraction | None = None
    high: Fraction | None = None


@frozen
class BindingResult:
    criterion: str
    binding: Binding
    share: Fraction  # the binding's weight over its criterion's bindings' weight
    floor: Fraction
    target: Fraction
    status: BindingStatus
    value: Fraction | None = None  # the value the attainment was computed from (mode applied)
    measure: Measure | None = None  # the central measure, with its interval
    attainment: Fraction | None = None
    unacceptable: bool = False
    sites: tuple[SiteValue, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    clusters: int | None = None  # k, the surveyed sites with answers, under a cluster design


@frozen
class CriterionResult:
    criterion: Criterion
    share: Fraction  # its share of the whole tree
    excluded: bool
    assessed: bool
    attainment: Fraction | None
    coverage: Fraction
    bindings: tuple[BindingResult, ...]


@frozen
class NodeResult:
    """A requirement or a dimension: the weighted mean of its children."""

    id: str
    title: Text
    weight: Fraction
    share: Fraction  # weight normalised among its siblings
    assessed: bool
    excluded: bool
    attainment: Fraction | None  # None when left out (renormalize) or excluded
    children: tuple[NodeResult | CriterionResult, ...]


@frozen
class Tree:
    attainment: Fraction
    points: Fraction
    coverage: Fraction
    assessed: bool
    dimensions: tuple[NodeResult, ...]
    sources: Mapping[str, Fraction | None]

    def criteria(self) -> Iterable[CriterionResult]:
        for dimension in self.dimensions:
            for requirement in dimension.children:
                assert isinstance(requirement, NodeResult)
                for criterion in requirement.children:
                    assert isinstance(criterion, CriterionResult)
                    yield criterion

    def requirements(self) -> Iterable[NodeResult]:
        for dimension in self.dimensions:
            yield from (r for r in dimension.children if isinstance(r, NodeResult))


@frozen
class SiteResult:
    site: Site
    scores: SiteScores  # the numbers of the site's own tree (labelaudit.sites)
    has_result: bool  # enough evidence at this site alone (coverage at least the minimum)
    visited: bool = True  # on-site evidence at this site (or the scheme has no on-site source)


@frozen
class GateResult:
    gate: Gate
    fired: bool
    subjects: tuple[Reason, ...] = ()  # what failed, one line each
    skipped: tuple[str, ...] = ()  # subjects without a result (sites), listed not judged


@frozen
class Outcome:
    status: Status
    level: str | None
    points: Fraction
    coverage: Fraction
    reasons: tuple[Reason, ...]

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.status, self.level)


@frozen
class Run:
    """One complete decision at one end (or the centre) of the perception intervals."""

    mode: Mode
    tree: Tree
    sites: tuple[SiteResult, ...]
    gates: tuple[GateResult, ...]
    outcome: Outcome


@frozen
class Sensitivity:
    """How far one binding's interval alone moves the points (the others held central)."""

    criterion: str
    binding: str
    pessimistic_points: Fraction
    optimistic_points: Fraction

    @property
    def swing(self) -> Fraction:
        return self.optimistic_points - self.pessimistic_points


@frozen
class Decision:
    central: Run
    pessimistic: Run | None
    optimistic: Run | None
    findings: tuple[Finding, ...]
    majors_by_requirement: Mapping[str, int]
    sensitivities: tuple[Sensitivity, ...] = ()

    @property
    def borderline(self) -> bool:
        if self.pessimistic is None or self.optimistic is None:
            return False
        return self.pessimistic.outcome.key != self.optimistic.outcome.key


@frozen
class Inputs:
    """Everything the engine decides from."""

    scheme: Scheme
    sites: tuple[Site, ...]
    evidence: tuple[Evidence, ...]
    findings: tuple[Finding, ...] = ()
    excluded: frozenset[str] = frozenset()
    indicators: Mapping[str, Indicator] = attrs.field(factory=dict)
    designs: Mapping[str, SurveyDesign] = attrs.field(factory=dict)  # per survey source (audit.toml)
