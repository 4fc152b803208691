"""The scoring engine: evidence in, a proposed label decision out.

A pure function of the scheme, the audit's exclusions and sites, the evidence and the
findings. Every number is an exact `Fraction`; rounding happens once, where a number is
compared with a threshold or shown (`labelaudit.numbers`). The steps follow the scoring
contract in docs/scoring.md (*From evidence to a decision*), one module each:

- `results`: the frozen values every step returns, from a `Reason` to a `Decision`, and `Inputs`;
- `surveyed`: step 1 for survey answers, pooled intervals that follow the audit's survey design
  (sites as strata or clusters, finite populations; the formulas are `labelaudit.design`);
- `bindings`: step 1, a binding's evidence measured per site, combined by the site policy and
  turned into an attainment (with step 7, the minimum samples: *undersized*);
- `tree`: steps 2 to 6, criterion → requirement → dimension → overall, the tree shares, the
  sources' attainments and the audit coverage;
- `outcome`: steps 8 to 10, the open major findings, the gates, the level reached and the
  outcome with every reason;
- `per_site`: each site's own result and visit (*Sites*), through the plans of `labelaudit.sites`;
- `decision`: `run` (one decision at one end of the intervals), `score` (the central run and,
  step 11, the pessimistic and optimistic ones) and the sensitivities of a borderline.

Each module imports only the ones above it in this list; what other modules use is imported
from `labelaudit.engine` itself.
"""

from __future__ import annotations

from labelaudit.engine.bindings import (
    Constants,
    Curve,
    MeasureCache,
    Measures,
    Shared,
    SiteMeasures,
    attainment,
    binding_constants,
    binding_status,
    is_unacceptable,
    measure_binding,
    score_binding,
)
from labelaudit.engine.decision import has_intervals, run, score, sensitivities
from labelaudit.engine.outcome import decide, evaluate_gate, evidence_reasons, majors_by_requirement
from labelaudit.engine.per_site import (
    SITES_NAMED,
    measures_by_scope,
    onsite_sources,
    score_site,
    site_reasons,
    unvisited_scheme,
    was_visited,
)
from labelaudit.engine.results import (
    BindingResult,
    BindingStatus,
    CriterionResult,
    Decision,
    GateResult,
    Inputs,
    Mode,
    NodeResult,
    Outcome,
    Reason,
    Run,
    Sensitivity,
    SiteResult,
    SiteValue,
    Status,
    Tree,
    reason,
)
from labelaudit.engine.tree import audit_coverage, score_criterion, score_tree, source_attainments, source_means

__all__ = [
    # results
    "BindingResult",
    "BindingStatus",
    "CriterionResult",
    "Decision",
    "GateResult",
    "Inputs",
    "Mode",
    "NodeResult",
    "Outcome",
    "Reason",
    "Run",
    "Sensitivity",
    "SiteResult",
    "SiteValue",
    "Status",
    "Tree",
    "reason",
    # step 1: bindings
    "Constants",
    "Curve",
    "MeasureCache",
    "Measures",
    "Shared",
    "SiteMeasures",
    "attainment",
    "binding_constants",
    "binding_status",
    "is_unacceptable",
    "measure_binding",
    "score_binding",
    # steps 2 to 6: the tree
    "audit_coverage",
    "score_criterion",
    "score_tree",
    "source_attainments",
    "source_means",
    # steps 8 to 10: gates and the outcome
    "decide",
    "evaluate_gate",
    "evidence_reasons",
    "majors_by_requirement",
    # per site
    "SITES_NAMED",
    "measures_by_scope",
    "onsite_sources",
    "score_site",
    "site_reasons",
    "unvisited_scheme",
    "was_visited",
    # the whole decision (step 11)
    "has_intervals",
    "run",
    "score",
    "sensitivities",
]
