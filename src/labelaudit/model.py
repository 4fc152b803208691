"""The domain: what a scheme declares, what an audit holds, what plugins report.

Every class is frozen: a loaded scheme or a piece of evidence never changes after it was read,
so the engine can be a pure function of them. Numbers are `fractions.Fraction` (TOML floats are
read as `Decimal` and converted exactly), so no binary-float drift can move a decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from attrs import field, frozen, validators

from labelaudit.languages import LANGS, Lang, Text  # the texts people read, re-exported here


MissingPolicy = Literal["renormalize", "zero"]
SitePolicy = Literal["pooled", "equal"]
GateScope = Literal[
    "criterion", "requirement", "dimension", "source", "site", "unacceptable", "major_findings"
]
GateEffect = Literal["refuse", "cap"]
FindingKind = Literal["strength", "improvement", "sensitive", "minor", "major"]
FINDING_KINDS: tuple[FindingKind, ...] = ("strength", "improvement", "sensitive", "minor", "major")


def _positive(instance: object, attribute: Any, value: Fraction) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be greater than 0, got {value}")


def _non_negative(instance: object, attribute: Any, value: int | Fraction) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be 0 or more, got {value}")


# --- The scheme --------------------------------------------------------------------------------


@frozen
class ScalePoint:
    value: Fraction
    label: Text
    description: Text | None = None


@frozen
class Scale:
    """Ordered answer points: the on-site maturity levels, or a questionnaire's answer scale."""

    id: str
    title: Text | None
    points: tuple[ScalePoint, ...]

    @cached_property  # indicators ask for it at every site
    def values(self) -> tuple[Fraction, ...]:
        return tuple(p.value for p in self.points)

    @property
    def lowest(self) -> Fraction:
        return self.points[0].value

    @property
    def highest(self) -> Fraction:
        return self.points[-1].value


@frozen
class Item:
    """One questionnaire item: a question answered on a scale."""

    key: str
    scale: str
    text: Text


@frozen
class Questionnaire:
    id: str
    title: Text
    items: tuple[Item, ...]

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)


@frozen
class Source:
    """Where evidence comes from; `kind` names the plugin source kind that reads it."""

    id: str
    kind: str
    title: Text
    scale: str | None = None
    questionnaire: str | None = None
    min_sample: int = field(default=0, validator=_non_negative)


@frozen
class Curve:
    """Floor and target in the binding's own unit; target < floor means lower is better."""

    floor: Fraction
    target: Fraction = field()

    @target.validator
    def _differs(self, attribute: Any, value: Fraction) -> None:
        if value == self.floor:
            raise ValueError(f"floor and target must differ, both are {value}")

    @property
    def higher_is_better(self) -> bool:
        return self.target > self.floor


@frozen
class Binding:
    """How one source's evidence on one criterion becomes an attainment."""

    source: str
    weight: Fraction = field(validator=_positive)
    item: str | None = None
    indicator: str | None = None
    floor: Fraction | None = None
    target: Fraction | None = None
    points: tuple[Fraction, ...] = ()
    paired: str | None = None

    @cached_property  # a key of every lookup the engine makes, thousands of times per site
    def id(self) -> str:
        if self.item is None:
            return self.source
        return f"{self.source}/{self.item}/{self.indicator}"


@frozen
class Criterion:
    id: str
    weight: Fraction = field(validator=_positive)
    pyramid: int = field(validator=validators.in_((1, 2, 3, 4)))
    title: Text
    bindings: tuple[Binding, ...] = field(validator=validators.min_len(1))
    guidance: Text | None = None


@frozen
class Requirement:
    """One element of the standard's model, in one dimension."""

    id: str
    dimension: str
    weight: Fraction = field(validator=_positive)
    title: Text
    criteria: tuple[Criterion, ...] = field(validator=validators.min_len(1))
    file: Path | None = field(default=None, eq=False)


@frozen
class Dimension:
    id: str
    weight: Fraction = field(validator=_positive)
    title: Text


@frozen
class Level:
    id: str
    min_points: Fraction
    title: Text


@frozen
class Gate:
    id: str
    title: Text
    scope: GateScope
    effect: GateEffect
    target: str | None = None
    min_percent: Fraction | None = None
    max_major: int | None = None
    level: str | None = None


@frozen
class Policies:
    missing: MissingPolicy = "renormalize"
    sites: SitePolicy = "pooled"
    min_coverage: Fraction = Fraction(70)
    confidence: Fraction = Fraction(95, 100)
    anonymity: int = 5
    minors_make_major: int = 3
    validity_years: int = 3
    surveillance_months: int = 12
    no_answer: tuple[str, ...] = ()


def _at_least_one(instance: Any, attribute: Any, value: int) -> None:
    if isinstance(value, bool) or value < 1:
        raise ValueError(f"{attribute.name}: expected a whole number of 1 or more, got {value!r}")


@frozen
class Committee:
    """How the label committee decides (`[committee]` in scheme.toml; these are the defaults).

    `quorum`: the fewest members who must vote for a session to close; `majority`: "simple"
    (more than half the votes) or "two_thirds" (at least two thirds); `chair_breaks_tie`: an
    exact tie between two outcomes goes the way the chair voted.
    """

    quorum: int = field(default=3, validator=_at_least_one)
    majority: Literal["simple", "two_thirds"] = "simple"
    chair_breaks_tie: bool = True


@frozen
class Requires:
    """What a scheme needs to be read as its author meant (`[requires]` in scheme.toml).

    `labelaudit` is a version specifier (``">=0.1"``); `plugins` names plugins or source
    kinds that must be loaded. Checked when the scheme is looked up (`Plugins.scheme`).
    """

    labelaudit: str | None = None
    plugins: tuple[str, ...] = ()


@frozen
class Scheme:
    """A label scheme: everything the engine needs to turn evidence into a decision."""

    id: str
    version: str
    title: Text
    max_points: Fraction = field(validator=_positive)
    policies: Policies
    sources: Mapping[str, Source]
    dimensions: tuple[Dimension, ...]
    levels: tuple[Level, ...]
    gates: tuple[Gate, ...] = ()
    requirements: tuple[Requirement, ...] = ()  # read from the requirement files
    folder: Path | None = field(default=None, eq=False)
    digests: Mapping[str, str] = field(factory=dict)
    requires: Requires | None = None
    # Optional: a scheme without surveys has no questionnaires, one whose sources are all a
    # third party's units (points out of 20, minutes) no scales. Keyword-only so that they may
    # have a default while the fields after them have none.
    scales: Mapping[str, Scale] = field(factory=dict, kw_only=True)
    questionnaires: Mapping[str, Questionnaire] = field(factory=dict, kw_only=True)
    committee: Committee | None = None  # None: the committee's defaults (Committee())

    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for r in self.requirements for c in r.criteria)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria() if c.id == criterion_id), None)

    def requirement_of(self, criterion_id: str) -> Requirement | None:
        return next(
            (r for r in self.requirements for c in r.criteria if c.id == criterion_id), None
        )

    def scale_of(self, source: Source, item_key: str | None = None) -> Scale | None:
        """The scale a grid source's levels or a survey item's answers are on."""
        if item_key is None:
            return self.scales.get(source.scale or "")
        questionnaire = self.questionnaires.get(source.questionnaire or "")
        item = questionnaire.item(item_key) if questionnaire else None
        return self.scales.get(item.scale) if item else None


# --- The audit ---------------------------------------------------------------------------------


@frozen
class Site:
    id: str
    name: str


@frozen
class Exclusion:
    """A criterion declared not applicable to the audited scope."""

    criterion: str
    justification: str = field(validator=validators.min_len(1))
    approved_by: str = field(validator=validators.min_len(1))


@frozen
class SourceInputs:
    """The files an audit gives one source, and the plugin's own options for reading them."""

    files: tuple[Path, ...]
    options: Mapping[str, Any] = field(factory=dict)


@frozen
class AuditDates:
    onsite_start: dt.date | None = None
    onsite_end: dt.date | None = None
    decision: dt.date | None = None


AuditKind = Literal["initial", "surveillance", "renewal"]
PickReason = Literal["random", "risk", "required"]


@frozen
class SamplingPick:
    """Why one visited site was chosen: drawn at random, for its risk, or required."""

    site: str
    reason: PickReason
    detail: str = ""


@frozen
class SamplingCover:
    """What covering the cycle asked: the sites unseen in it, its audits left (this one in)."""

    unseen: int
    audits_left: int
    audits_in_cycle: int


@frozen
class Sampling:
    """The on-site sampling plan of a multi-site audit (`[sampling]` in audit.toml): the sites
    visited, the stage, the random part's seed, IAF MD1's minimum, the size and the cover."""

    visited: tuple[str, ...]
    stage: AuditKind | None = None
    seed: int | None = None
    rule: int | None = None
    size: int | None = None
    cover: SamplingCover | None = None
    picks: tuple[SamplingPick, ...] = ()


@frozen
class SurveyDesign:
    """How one survey source's sample was drawn (`[survey_design.SOURCE]`): the sites surveyed
    when only some were (clusters; None: all, strata), and each site's population (the FPC)."""

    surveyed: tuple[str, ...] | None = None
    population: Mapping[str, int] = field(factory=dict)


@frozen
class Audit:
    id: str
    scheme: str
    organisation: str
    scope: str
    kind: AuditKind
    auditors: tuple[str, ...]
    dates: AuditDates
    sites: tuple[Site, ...] = field(validator=validators.min_len(1))
    sources: Mapping[str, SourceInputs]
    exclusions: tuple[Exclusion, ...] = ()
    sampling: Sampling | None = None
    label: str | None = None  # the label this audit belongs to (its id: the initial audit's); checked in audits
    survey_design: Mapping[str, SurveyDesign] = field(factory=dict)
    folder: Path = field(default=Path("."), eq=False)
    file: Path | None = field(default=None, eq=False)

    @property
    def visited_sites(self) -> tuple[Site, ...]:
        """The sites visited on site, in the audit's order: every site without a sampling plan."""
        if self.sampling is None:
            return self.sites
        visited = set(self.sampling.visited)
        return tuple(s for s in self.sites if s.id in visited)


# --- Evidence, as plugins report it ------------------------------------------------------------


@frozen
class Provenance:
    """Where a piece of evidence was read: a file and a place in it (row, cell, key path)."""

    file: str
    location: str = ""
    who: str = ""
    when: str = ""


def exact_value(value: object) -> Fraction:
    """`value` as a Fraction if it is exact: a Fraction, an int, a finite Decimal, or its text
    (``"4.5"``, ``"7/2"``); never a float or a bool, whose conversion would be silently inexact."""
    if isinstance(value, bool) or not isinstance(value, (Fraction, int, Decimal, str)):
        raise TypeError(f"expected an exact number (Fraction, int, Decimal or its text), got {value!r} ({type(value).__name__})")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"expected a finite number, got {value!r}")
    try:
        return Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"expected an exact number, got {value!r}") from None


def count_of(value: object, count: object) -> int:
    """A tally's count: an int ≥ 0, never a bool or a float."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"the count of {value!r} must be a whole number ≥ 0, got {count!r}")
    return count


@frozen
class Sample:
    """The usable answers to one binding at one site, as a tally of value → count.

    A tally is all any indicator needs (mean, shares, NPS, paired differences), it merges
    exactly across sites, and it stays small however many respondents there are.
    """

    counts: tuple[tuple[Fraction, int], ...]

    @classmethod
    def of(cls, tally: Mapping[Fraction, int] | Mapping[int, int] | Mapping[Decimal, int] | Mapping[str, int]) -> Sample:
        """A tally of exact values (Fraction, int, a finite Decimal, or their text) → counts (int ≥ 0).

        A float, a bool or NaN is refused (`TypeError`, `ValueError`): converting a float would
        silently turn 0.1 into 3602879701896397/36028797018963968. Zero counts are left out.
        """
        return cls(tuple(sorted((exact_value(v), c) for v, c in tally.items() if count_of(v, c) > 0)))

    @cached_property  # asked for by every indicator and check, for thousands of sites
    def n(self) -> int:
        return sum(c for _, c in self.counts)

    def merge(self, other: Sample) -> Sample:
        return Sample.pooled((self, other))

    @classmethod
    def pooled(cls, samples: Iterable[Sample]) -> Sample:
        """All the answers of several tallies together: one pass, however many sites."""
        tally: dict[tuple[int, int], int] = {}
        for sample in samples:
            for value, count in sample.counts:
                key = (value.numerator, value.denominator)  # hashing a Fraction is slow
                tally[key] = tally.get(key, 0) + count
        return cls(tuple(sorted((Fraction(n, d), c) for (n, d), c in tally.items() if c > 0)))


@frozen
class Measure:
    """A value in its unit, the sample size it rests on, and its interval (both ends or none).

    What an indicator returns, and what a plugin may report as pre-aggregated evidence.
    Exact numbers only; interval ends are rounded to six decimals (`from_float6`).
    """

    value: Fraction
    n: int
    low: Fraction | None = None
    high: Fraction | None = None


@frozen
class Evidence:
    """What a plugin reports for one binding of one criterion at one site.

    Give exactly one of `value` for a direct measure (an on-site level), `sample` for answers
    that an indicator turns into a value with its sample size and interval, or `measure` for a
    site's value already aggregated elsewhere (a vendor's per-site result: value, n, interval),
    in the binding's unit (its indicator's, if it names one).
    """

    criterion: str
    binding: str
    site: str
    value: Fraction | None = None
    sample: Sample | None = None
    observations: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    provenance: Provenance | None = None
    measure: Measure | None = None  # last, so that positional construction stays as in API 1

    def __attrs_post_init__(self) -> None:
        given = sum(x is not None for x in (self.value, self.sample, self.measure))
        if given != 1:
            raise ValueError(f"evidence needs exactly one of value, sample or measure, got {given}")


@frozen
class Finding:
    """An on-site finding against a requirement, on the French audit scale."""

    requirement: str
    kind: FindingKind
    text: str
    site: str
    criterion: str | None = None
    closed: bool = False
    provenance: Provenance | None = None


@frozen
class Collection:
    """Everything one source's plugin read from the audit's files."""

    evidence: tuple[Evidence, ...] = ()
    findings: tuple[Finding, ...] = ()
    notes: tuple[str | Text, ...] = ()  # what was read, for the auditor: a Text follows their language


@frozen
class CollectRequest:
    """What a source kind's `collect` receives: one source of one audit, and its bindings."""

    scheme: Scheme
    audit: Audit
    source: Source
    inputs: SourceInputs
    bindings: tuple[tuple[Criterion, Binding], ...]
    max_errors: int = 50  # report at most this many problems (ProblemCollector)


@frozen
class TemplateRequest:
    """What a source kind's `write_template` receives: a blank input file to write."""

    scheme: Scheme
    source: Source
    sites: tuple[Site, ...]
    path: Path
    lang: Lang = "fr"


@frozen
class IndicatorContext:
    """What an indicator may use besides the sample: the item's scale, the binding, z."""

    binding: Binding
    scale: Scale | None
    z: float


IndicatorRange = tuple[Fraction, Fraction]


@frozen
class AnswerScores:
    """How each answer scores, for intervals that follow the survey design (`Indicator.scores`).

    `score(answer, context)`: the answer (a mean, a gap's difference), 1/0 (a share), ±100/0
    (NPS); the indicator's value is their mean. `interval`: "normal" (value ± z·√v) or "wilson"
    (n_eff = r̂(1 − r̂)/v); a site's variance divides by n_h − `ddof`; `clamp`: a normal interval
    kept within the indicator's range. docs/plugins.md says more.
    """

    score: Callable[[Fraction, IndicatorContext], Fraction]
    interval: Literal["normal", "wilson"] = "normal"
    ddof: int = 1
    clamp: bool = False


@frozen
class Indicator:
    """A named way to turn a sample into a measure (registered by plugins).

    `range` is where its values lie, if it says: ``(lowest, highest)`` in its unit, or a
    function of the `IndicatorContext` giving them (a mean lies within its item's scale).
    `mean_of_scores` says that its value is the mean of a per-answer score (a mean, a share, a
    net promoter score, a gap are), so that per-site values combine into the pooled value by
    their n-weighted mean (pre-aggregated evidence under ``sites = "pooled"``). `scores`, where
    given, says how each answer scores (`AnswerScores`), so that pooled intervals follow the
    survey design instead of taking every answer as one simple random sample.
    """

    name: str
    title: Text
    compute: Callable[[Sample, IndicatorContext], Measure]
    needs_pair: bool = False
    plugin: str = ""
    range: IndicatorRange | Callable[[IndicatorContext], IndicatorRange | None] | None = None
    mean_of_scores: bool = False
    plugin_label: str = ""  # filled in by labelaudit: the plugin's name, version and origin
    scores: AnswerScores | None = None


@frozen
class SourceKind:
    """A kind of source a plugin can read (`grid`, `survey`, `queue` …)."""

    name: str
    title: Text
    collect: Callable[[CollectRequest], Collection]
    write_template: Callable[[TemplateRequest], None] | None = None
    template_suffixes: tuple[str, ...] = ()
    plugin: str = ""
    plugin_label: str = ""  # filled in by labelaudit: the plugin's name, version and origin
