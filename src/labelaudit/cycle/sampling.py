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

Covering the cycle (`cover`, `sample --cover-cycle`). MD1's minimum sizes do not see every site
of a large network within one cycle (60 sites: 8 + 5 + 5 visits). With a cover, the sites not
yet visited in the current cycle come first in the risk-based order (after open major findings),
and the size is raised, one site at a time from the rule's, to the smallest whose plan visits at
least ⌈unseen / audits left in the cycle⌉ of them: the random quarter may draw a site already
seen, and those draws are not counted. At the cycle's last audit that is every site left, so a
cycle covered this way has seen every site by its end.

The sizes are in `md1`, in integers.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import Literal

from attrs import frozen

from labelaudit.cycle.history import History, SiteHistory
from labelaudit.cycle.md1 import COEFFICIENT, STAGES, Stage, md1_size, random_part
from labelaudit.i18n import both
from labelaudit.model import Text
from labelaudit.numbers import percent

__all__ = ["COEFFICIENT", "STAGES", "Cover", "Pick", "SamplingPlan", "Stage", "draw", "md1_size", "random_part"]

Reason = Literal["random", "risk", "required"]
REASONS: tuple[Reason, ...] = ("random", "risk", "required")


@frozen
class Cover:
    """What covering the cycle asks of this audit: the sites not visited yet in the cycle (in
    the audit's order) and the audits left in it, this one included."""

    unseen: tuple[str, ...]
    audits_left: int
    audits_in_cycle: int

    @property
    def target(self) -> int:
        """How many unseen sites this audit visits at least: ⌈unseen / audits left⌉."""
        return -(-len(self.unseen) // max(self.audits_left, 1))


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
    cover: Cover | None = None

    @property
    def unseen_visited(self) -> int:
        """How many of the sites not yet seen in the cycle this plan visits (0 without a cover)."""
        unseen = set(self.cover.unseen) if self.cover is not None else set()
        return sum(1 for p in self.picks if p.site in unseen)

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


def risk_key(history: SiteHistory | None, tie: int, seen_in_cycle: bool = False) -> tuple[object, ...]:
    """The risk-based order (smaller first); see the module's docstring. `seen_in_cycle` is
    only ever True with a cover: a site already visited in the cycle comes after the others."""
    if history is None:
        history = SiteHistory.unknown()
    last = history.last_visit_order
    never = last is None
    weakest = history.weakest.value if history.weakest is not None else None
    return (
        -history.open_major,
        1 if seen_in_cycle else 0,
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
    return joined(parts)


def joined(parts: Sequence[Text]) -> Text:
    """Texts joined in each of their languages, with the language's separator (French spaces
    its semicolon)."""
    languages = dict.fromkeys(code for p in parts for code in p.by_language())
    texts = {code: (" ; " if code == "fr" else "; ").join(p.get(code) for p in parts) for code in languages}
    fr, en = texts.pop("fr"), texts.pop("en")
    return Text(fr=fr, en=en, others=texts)


def draw(
    *,
    audit: str,
    sites: Sequence[str],
    stage: Stage,
    seed: int | None = None,
    extra: int = 0,
    required: Sequence[str] = (),
    history: History | None = None,
    cover: Cover | None = None,
) -> SamplingPlan:
    """The sampling plan for one audit of the cycle (see the module's docstring).

    `sites` are the audit's site ids in its order; `required` must be among them (the CLI
    checks and places that error); `history` comes from the earlier decision records; `cover`
    raises the size until the plan visits its share of the sites not yet seen in the cycle.
    """
    if extra < 0:
        raise ValueError(f"extra must be 0 or more, got {extra}")
    unknown = sorted(set(required) - set(sites))
    if unknown:
        raise ValueError(f"required sites not in the audit: {', '.join(unknown)}")
    asked = _Asked(audit, tuple(sites), stage, derived_seed(audit, stage) if seed is None else seed, seed is None,
                   extra, tuple(dict.fromkeys(required)), history, cover)
    plan = _plan(asked, md1_size(len(sites), stage) + extra)
    while cover is not None and plan.unseen_visited < cover.target and plan.size < len(sites):
        plan = _plan(asked, plan.size + 1)
    return plan


@frozen
class _Asked:
    """What `draw` was asked, with the seed chosen."""

    audit: str
    sites: tuple[str, ...]
    stage: Stage
    seed: int
    seed_derived: bool
    extra: int
    required: tuple[str, ...]
    history: History | None
    cover: Cover | None


def _plan(asked: _Asked, wanted: int) -> SamplingPlan:
    """The plan of `wanted` sites or more (see sample_size): the required sites, the random
    part, the riskiest of the rest."""
    sites, required = asked.sites, asked.required
    rule = md1_size(len(sites), asked.stage)
    size, random_size = sample_size(len(sites), asked.stage, wanted - rule, len(required))
    rng = random.Random(asked.seed)
    others = sorted(set(sites) - set(required))
    drawn = rng.sample(others, random_size)
    rest = sorted(set(others) - set(drawn))
    ties = {site: i for i, site in enumerate(rng.sample(rest, len(rest)))}
    known = asked.history.sites if asked.history is not None else {}
    unseen = set(asked.cover.unseen) if asked.cover is not None else set(sites)
    ranked = sorted(rest, key=lambda s: risk_key(known.get(s), ties[s], s not in unseen))
    risky = ranked[: size - len(required) - random_size]
    picks = (
        *(Pick(s, "required", both("cycle.why_required")) for s in required),
        *(Pick(s, "random", both("cycle.why_random", seed=asked.seed)) for s in drawn),
        *(Pick(s, "risk", _risk_detail(known.get(s))) for s in risky),
    )
    return SamplingPlan(
        audit=asked.audit,
        stage=asked.stage,
        sites_in_scope=len(sites),
        rule_size=rule,
        extra=asked.extra,
        size=size,
        random_size=random_size,
        seed=asked.seed,
        seed_derived=asked.seed_derived,
        picks=picks,
        order=sites,
        cover=asked.cover,
    )
