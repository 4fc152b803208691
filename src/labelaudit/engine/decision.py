"""The whole decision: one run per end of the intervals, and what a borderline hinges on.

`run` chains the steps (the tree, each site, the gates, the outcome); `score` makes the central
run and, where any evidenced binding has an interval, the pessimistic and optimistic ones
(step 11), sharing every measure between them.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import attrs

from labelaudit.engine.bindings import MeasureCache, Measures
from labelaudit.engine.outcome import decide, evaluate_gate, evidence_reasons, majors_by_requirement
from labelaudit.engine.per_site import measures_by_scope, onsite_sources, score_site, site_reasons, was_visited
from labelaudit.engine.results import Decision, Inputs, Mode, Run, Sensitivity, SiteResult, Tree
from labelaudit.engine.tree import score_tree
from labelaudit.numbers import percent


def run(
    inputs: Inputs,
    mode: Mode,
    exclusions: Mapping[str, tuple[str, str]],
    measures: Mapping[str | None, Measures] | None = None,
) -> Run:
    """One decision; `measures` (all sites under None, then each site) may be shared by runs."""
    measures = measures or measures_by_scope(inputs)
    tree = score_tree(inputs, measures[None], mode)
    minimum = inputs.scheme.policies.min_coverage
    sites = []
    # Per-site results serve the site gates and, centrally, the record: the runs at the ends
    # of the intervals need them only where a site gate can fire.
    needed = mode == "central" or any(g.scope == "site" for g in inputs.scheme.gates)
    onsite = onsite_sources(inputs.scheme)
    for site in inputs.sites if needed else ():
        visited = was_visited(measures[site.id], onsite)
        site_scores = score_site(inputs, measures[site.id], mode, detail=mode == "central", visited=visited)
        has_result = site_scores.assessed and Fraction(percent(site_scores.coverage)) >= minimum
        sites.append(SiteResult(site, site_scores, has_result, visited))
    majors = majors_by_requirement(inputs.scheme, inputs.findings)
    gates = tuple(evaluate_gate(g, tree, sites, majors) for g in inputs.scheme.gates)
    reasons = [*site_reasons(inputs.scheme, sites), *evidence_reasons(inputs.scheme, tree, exclusions)]
    outcome = decide(inputs.scheme, tree, gates, reasons)
    return Run(mode, tree, tuple(sites), gates, outcome)


def has_intervals(tree: Tree) -> bool:
    return any(
        b.measure is not None and b.measure.low is not None
        for c in tree.criteria()
        for b in c.bindings
        if b.status == "evidenced"
    )


def score(
    inputs: Inputs, exclusions: Mapping[str, tuple[str, str]] | None = None, *, cache: MeasureCache | None = None
) -> Decision:
    """The whole decision: the central run, and the two ends of the intervals where any exist.

    `cache` (filled here, and shared by a what-if's two decisions): each binding's measures,
    every site's and each site's, computed once for both."""
    exclusions = exclusions or {}
    measures = measures_by_scope(inputs, cache)
    central = run(inputs, "central", exclusions, measures)
    pessimistic = optimistic = None
    if has_intervals(central.tree):
        pessimistic = run(inputs, "pessimistic", exclusions, measures)
        optimistic = run(inputs, "optimistic", exclusions, measures)
    majors = majors_by_requirement(inputs.scheme, inputs.findings)
    decision = Decision(central, pessimistic, optimistic, inputs.findings, majors)
    if decision.borderline:
        decision = attrs.evolve(decision, sensitivities=sensitivities(inputs, central.tree, measures[None]))
    return decision


def sensitivities(inputs: Inputs, tree: Tree, measures: Measures, most: int = 5) -> tuple[Sensitivity, ...]:
    """The bindings whose interval alone moves the points most: what a borderline hinges on."""
    found = []
    for criterion in tree.criteria():
        for b in criterion.bindings:
            if b.status != "evidenced" or b.measure is None or b.measure.low is None:
                continue
            key = (criterion.criterion.id, b.binding.id)
            low = score_tree(inputs, measures, "pessimistic", only=key).points
            high = score_tree(inputs, measures, "optimistic", only=key).points
            found.append(Sensitivity(key[0], key[1], low, high))
    found.sort(key=lambda s: (-s.swing, s.criterion, s.binding))
    return tuple(found[:most])
