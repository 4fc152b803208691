"""Which sites to visit on site: a multi-site sample after IAF MD1.

The size follows IAF MD1: y = ⌈c·√x⌉ for x sites in scope, with c = 1 at the initial audit,
0.6 at a surveillance audit and 0.8 at a renewal (the reduced recertification size MD1 allows
once the system has proved effective over the cycle). The certification body may raise the size
for risk (`extra`), never lower it. Required sites (the central function, say) are always in
the sample, and raise its size when they leave too little room for the random quarter.

The sample then has three parts, drawn in this order:
1. the required sites;
2. a random part of ⌈size/4⌉ sites, drawn with `random.Random(seed).sample` from the other
   sites' ids in sorted order, so that a seed gives the same sites on every machine;
3. a risk-based part for the rest, ranked by `risk_key`: open major findings first (their
   correction is to be checked on site), then the sites never visited, then those visited
   longest ago (the rotation that lets every site be seen over the cycle), then open minor
   findings, then the weakest result measured away from the visit (a perception survey), and
   last the same seeded random order, so that ties are broken fairly and reproducibly.

Sizes are computed in integers (no floating point square root): ⌈c·√x⌉ is the smallest y with
y² ≥ c²·x.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal

from attrs import frozen

from labelaudit.cycle.history import History, SiteHistory
from labelaudit.i18n import both
from labelaudit.model import Text
from labelaudit.numbers import percent

Stage = Literal["initial", "surveillance", "renewal"]
STAGES: tuple[Stage, ...] = ("initial", "surveillance", "renewal")
Reason = Literal["random", "risk", "required"]
REASONS: tuple[Reason, ...] = ("random", "risk", "required")
COEFFICIENT: Mapping[Stage, Fraction] = {
    "initial": Fraction(1),
    "surveillance": Fraction(3, 5),
    "renewal": Fraction(4, 5),
}


def md1_size(sites: int, stage: Stage) -> int:
    """IAF MD1's minimum number of sites to visit: ⌈c·√sites⌉, at least 1, at most `sites`."""
    if sites < 1:
        raise ValueError(f"a sample needs at least one site, got {sites}")
    wanted = COEFFICIENT[stage] ** 2 * sites  # y² ≥ c²·x, exactly
    floor = math.ceil(wanted)  # y² is whole: y² ≥ wanted ⇔ y² ≥ ⌈wanted⌉
    y = math.isqrt(floor)
    if y * y < floor:
        y += 1
    return min(max(y, 1), sites)


def random_part(size: int) -> int:
    """At least a quarter of the sample is drawn at random: ⌈size/4⌉."""
    return -(-size // 4)


def derived_seed(audit_id: str, stage: Stage) -> int:
    """A seed from the audit and the stage: the same audit gives the same plan without --seed.

    The first eight hexadecimal digits of sha256("<audit id>/<stage>"), as a whole number.
    """
    return int(hashlib.sha256(f"{audit_id}/{stage}".encode()).hexdigest()[:8], 16)


@frozen
class Pick:
    """One site of the sample, why it is there, and in both languages what put it there."""

    site: str
    reason: Reason
    detail: Text | None = None


@frozen
class SamplingPlan:
    """The sites to visit at one audit of the cycle, and every number that decided them."""

    audit: str
    stage: Stage
    sites_in_scope: int
    rule_size: int  # IAF MD1's minimum
    extra: int  # added for risk
    size: int  # what is visited (the rule, plus extra, raised for required sites if needed)
    random_size: int
    seed: int
    seed_derived: bool  # True when no --seed was given
    picks: tuple[Pick, ...]
    order: tuple[str, ...]  # the audit's site ids in their order, for `visited`

    @property
    def visited(self) -> tuple[str, ...]:
        """The sites visited on site, in the audit's order of sites."""
        chosen = {p.site for p in self.picks}
        return tuple(s for s in self.order if s in chosen)

    def by_reason(self, reason: Reason) -> tuple[Pick, ...]:
        return tuple(p for p in self.picks if p.reason == reason)


def sample_size(sites: int, stage: Stage, extra: int, required: int) -> tuple[int, int]:
    """(size, random part): the rule plus `extra`, raised until the required sites and a random
    quarter fit, never above the number of sites."""
    size = min(md1_size(sites, stage) + extra, sites)
    while size < sites and required + random_part(size) > size:
        size += 1
    return size, min(random_part(size), size - required)


def risk_key(history: SiteHistory | None, tie: int) -> tuple[object, ...]:
    """The risk-based order (smaller first); see the module's docstring."""
    if history is None:
        history = SiteHistory.unknown()
    last = history.last_visit_order
    never = last is None
    weakest = history.weakest.value if history.weakest is not None else None
    return (
        -history.open_major,
        0 if never else 1,
        last if last is not None else 0,
        -history.open_minor,
        0 if weakest is not None else 1,
        weakest if weakest is not None else 0,
        tie,
    )


def _risk_detail(history: SiteHistory | None) -> Text:
    """What the ranking read for one site, in both languages."""
    if history is None:
        history = SiteHistory.unknown()
    parts: list[Text] = []
    if history.open_major:
        parts.append(both("cycle.why_major", count=history.open_major, audit=history.findings_in))
    if history.last_visit is None:
        parts.append(both("cycle.why_never"))
    else:
        parts.append(both("cycle.why_last_visit", audit=history.last_visit))
    if history.open_minor:
        parts.append(both("cycle.why_minor", count=history.open_minor, audit=history.findings_in))
    if history.weakest is not None:
        w = history.weakest
        parts.append(both("cycle.why_weakest", source=w.source, audit=w.audit, percent=percent(w.value)))
    else:
        parts.append(both("cycle.why_no_result"))
    return Text(fr=" ; ".join(p.fr for p in parts), en="; ".join(p.en for p in parts))


def draw(
    *,
    audit: str,
    sites: Sequence[str],
    stage: Stage,
    seed: int | None = None,
    extra: int = 0,
    required: Sequence[str] = (),
    history: History | None = None,
) -> SamplingPlan:
    """The sampling plan for one audit of the cycle (see the module's docstring).

    `sites` are the audit's site ids in its order; `required` must be among them (the CLI
    checks and places that error); `history` comes from the earlier decision records.
    """
    if extra < 0:
        raise ValueError(f"extra must be 0 or more, got {extra}")
    unknown = sorted(set(required) - set(sites))
    if unknown:
        raise ValueError(f"required sites not in the audit: {', '.join(unknown)}")
    chosen_seed = derived_seed(audit, stage) if seed is None else seed
    required_ids = tuple(dict.fromkeys(required))
    size, random_size = sample_size(len(sites), stage, extra, len(required_ids))
    rng = random.Random(chosen_seed)
    others = sorted(set(sites) - set(required_ids))
    drawn = rng.sample(others, random_size)
    rest = sorted(set(others) - set(drawn))
    ties = {site: i for i, site in enumerate(rng.sample(rest, len(rest)))}
    known = history.sites if history is not None else {}
    ranked = sorted(rest, key=lambda s: risk_key(known.get(s), ties[s]))
    risky = ranked[: size - len(required_ids) - random_size]
    picks = (
        *(Pick(s, "required", both("cycle.why_required")) for s in required_ids),
        *(Pick(s, "random", both("cycle.why_random", seed=chosen_seed)) for s in drawn),
        *(Pick(s, "risk", _risk_detail(known.get(s))) for s in risky),
    )
    return SamplingPlan(
        audit=audit,
        stage=stage,
        sites_in_scope=len(sites),
        rule_size=md1_size(len(sites), stage),
        extra=extra,
        size=size,
        random_size=random_size,
        seed=chosen_seed,
        seed_derived=seed is None,
        picks=picks,
        order=tuple(sites),
    )
