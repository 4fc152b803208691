"""Each site's own result: its numbers through a compiled plan (`labelaudit.sites`), whether it
was visited, and the reasons that name the sites without a result or without a visit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from labelaudit.engine.bindings import Curve, MeasureCache, Measures, Shared, binding_constants, binding_status, value_for
from labelaudit.engine.results import Inputs, Mode, Reason, SiteResult, figure, reason
from labelaudit.i18n import both
from labelaudit.model import Evidence, Measure, Scheme, Text
from labelaudit.numbers import shown
from labelaudit.rulesets import GRID_KINDS
from labelaudit.sites import SiteScores, attainment_of, plan, scores, slots, without_sources

SITES_NAMED = 20  # a reason's text names this many sites; its `sites` value names them all


def onsite_sources(scheme: Scheme) -> frozenset[str]:
    """The sources an auditor fills in on site (the grids): their evidence says a site was visited."""
    return frozenset(s for s, source in scheme.sources.items() if source.kind in GRID_KINDS)


def was_visited(measures: Measures, onsite: frozenset[str]) -> bool:
    """A site with on-site evidence (on a criterion in the audit's scope: an excluded one is as if
    the scheme did not have it) was visited; a scheme without on-site source visits none, and no
    site of it is said to be unvisited."""
    if not onsite:
        return True
    excluded = measures.inputs.excluded
    return any(
        binding.split("/", 1)[0] in onsite and criterion not in excluded for criterion, binding in measures.by_binding
    )


def _named(ids: Sequence[str]) -> Text:
    """The sites a reason's text names: all of them, or the first SITES_NAMED and a count."""
    if len(ids) <= SITES_NAMED:
        return Text(", ".join(ids), ", ".join(ids))
    first, more = ", ".join(ids[:SITES_NAMED]), len(ids) - SITES_NAMED
    return both("reason.more_sites", sites=first, more=more)


def site_reasons(scheme: Scheme, sites: Sequence[SiteResult]) -> list[Reason]:
    """The sites that are in the decision without a result of their own, or without a visit,
    named: a site never drops out of a decision silently."""
    reasons = []
    not_visited = [s.site.id for s in sites if not s.visited]
    if not_visited:
        reasons.append(_sites_reason("sites_not_visited", not_visited))
    without = [s.site.id for s in sites if not s.has_result]
    if without:
        reasons.append(_sites_reason("sites_without_result", without, minimum=figure(shown(scheme.policies.min_coverage))))
    return reasons


def _sites_reason(code: str, ids: Sequence[str], **params: object) -> Reason:
    """A reason naming sites: every id in its `sites` value (the record keeps it), at most
    SITES_NAMED in its text (`named`, a Text, is in the texts only)."""
    return reason(code, None, count=len(ids), sites=", ".join(ids), named=_named(ids), **params)


def _curves(inputs: Inputs, measures: Measures) -> tuple[Curve, ...]:
    """What `sites.attainment_of` needs of each binding: the same for every site."""
    if measures.shared.curves is None:
        curves = []
        for criterion, binding in slots(inputs.scheme):
            floor, target, _ = binding_constants(inputs, criterion, binding, measures)
            curves.append((target > floor, floor, target - floor))
        measures.shared.curves = tuple(curves)
    return measures.shared.curves


def _evidenced(inputs: Inputs, measures: Measures) -> tuple[Measure | None, ...]:
    """Each binding's measure at the site where it is evidenced (the same at every end)."""
    if measures.evidenced is None:
        found = []
        for criterion, binding in slots(inputs.scheme):
            status, measured = binding_status(inputs, criterion, binding, measures)
            found.append(measured[0] if measured is not None and status == "evidenced" else None)
        measures.evidenced = tuple(found)
    return measures.evidenced


def score_site(
    inputs: Inputs, measures: Measures, mode: Mode, detail: bool = False, visited: bool = True
) -> SiteScores:
    """One site's numbers: what `score_tree` gives on the site's evidence, through a plan.

    A site not visited on site is scored on the scheme without its on-site bindings
    (`unvisited_scheme`): its result is its perception alone, not a weaker one in which the grid
    it never had counts as missing evidence. Dimensions, requirements and sources only with
    `detail` (the runs ask for them centrally).
    """
    evidenced = _evidenced(inputs, measures)
    curves = _curves(inputs, measures)
    scheme = inputs.scheme
    if not visited:
        scheme, kept = unvisited_scheme(inputs, measures.shared)
        evidenced = tuple(evidenced[i] for i in kept)
        curves = tuple(curves[i] for i in kept)
    pattern = (visited, *(measure is not None for measure in evidenced))
    if pattern not in measures.shared.plans:
        measures.shared.plans[pattern] = plan(scheme, inputs.excluded, pattern[1:])
    attainments = [
        (0, 1) if measure is None else attainment_of(value_for(measure, higher_is_better, mode), floor, span)
        for measure, (higher_is_better, floor, span) in zip(evidenced, curves)
    ]
    return scores(measures.shared.plans[pattern], attainments, inputs.scheme.max_points, detail)


def unvisited_scheme(inputs: Inputs, shared: Shared | None = None) -> tuple[Scheme, tuple[int, ...]]:
    """The scheme a site not visited on site is scored on, and the bindings (`slots` indices) kept."""
    if shared is not None and shared.unvisited is not None:
        return shared.unvisited
    found = without_sources(inputs.scheme, onsite_sources(inputs.scheme))
    if shared is not None:
        shared.unvisited = found
    return found


def measures_by_scope(inputs: Inputs, cache: MeasureCache | None = None) -> dict[str | None, Measures]:
    """The measures of all the evidence (key None) and of each site's evidence alone.

    `cache`: the measures of another decision on the same evidence (a what-if), filled here: a
    measure depends on its evidence, never on weights, thresholds or gates (see `Measures`)."""
    by_site: dict[str, list[Evidence]] = defaultdict(list)
    for item in inputs.evidence:
        by_site[item.site].append(item)
    shared = Shared() if cache is None else Shared(measures=cache)
    scopes: dict[str | None, Measures] = {None: Measures(inputs, inputs.evidence, shared)}
    for site in inputs.sites:
        scopes[site.id] = Measures(inputs, by_site.get(site.id, []), shared, site.id)
    return scopes
