"""Reading an audit folder's `audit.toml`, and checking it against its scheme.

An audit may hold its on-site sampling plan (`[sampling]`: the sites visited on site, the
stage, the seed, why each site was picked); it is checked against the audit's sites here, and
against the on-site evidence once collected (`onsite_visit_problems`). It may also say how each
survey source's sample was drawn (`[survey_design.SOURCE]`: the sites surveyed when only some
were, each site's population), checked here and against the answers once collected
(`survey_design_problems`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
from cattrs.gen import make_dict_structure_fn, override

from labelaudit.convert import OMITTED, closest, converter, structure
from labelaudit.cycle.md1 import md1_size
from labelaudit.errors import InputError, Problem
from labelaudit.i18n import tr, unknown_thing
from labelaudit.model import Audit, Evidence, Sampling, Scheme
from labelaudit.tomlfiles import load_toml, where

AUDIT_FILE = "audit.toml"
ONSITE_KINDS = ("grid",)
"""The source kinds that are the on-site evaluation (the auditor's grid): what a visit yields."""

# `folder` and `file` are where the audit was read, never keys of the file.
OMITTED[Audit] = frozenset({"folder", "file"})
converter.register_structure_hook(
    Audit,
    make_dict_structure_fn(
        Audit, converter, _cattrs_forbid_extra_keys=True, folder=override(omit=True), file=override(omit=True)
    ),
)



def audit_path(path: Path) -> Path:
    """Accept the audit folder or its `audit.toml`."""
    return path / AUDIT_FILE if path.is_dir() else path


def _split_sources(data: dict[str, Any]) -> dict[str, Any]:
    """`[sources.X]` holds `files` (read by the engine) and the plugin's own options."""
    sources = data.get("sources")
    if not isinstance(sources, dict):
        return data
    split = {}
    for name, table in sources.items():
        if isinstance(table, dict):
            options = {k: v for k, v in table.items() if k != "files"}
            split[name] = {"files": table.get("files", []), "options": options}
        else:
            split[name] = table
    return {**data, "sources": split}


def load_audit(path: Path) -> tuple[Audit, str, str]:
    """The audit, its TOML text (to place later problems) and its digest."""
    file = audit_path(path)
    data, text, file_digest = load_toml(file)
    audit = structure(_split_sources(data), Audit, file=file, text=text)
    folder = file.parent
    sources = {
        name: attrs.evolve(inputs, files=tuple(folder / f for f in inputs.files))
        for name, inputs in audit.sources.items()
    }
    return attrs.evolve(audit, sources=sources, folder=folder, file=file), text, file_digest


def check_audit(audit: Audit, scheme: Scheme, text: str | None, *, evidence_files: bool = True) -> list[Problem]:
    """Everything in the audit that must agree with its scheme and its folder.

    `evidence_files=False` leaves out whether the evidence files exist: `grid --audit` writes
    the very grid the audit names, before fieldwork."""
    file = str(audit.file)
    problems = []
    site_ids = [s.id for s in audit.sites]
    for i, site_id in enumerate(site_ids):
        if site_id in site_ids[:i]:
            problems.append(Problem(file, where(text, f"sites[{i}].id"), tr("id.duplicate", id=site_id, first=f"sites[{site_ids.index(site_id)}]")))
    for name, inputs in audit.sources.items():
        if name not in scheme.sources:
            problems.append(Problem(file, where(text, f"sources.{name}"), tr("ref.unknown", what=unknown_thing("source"), name=name, known=", ".join(scheme.sources))))
        if not inputs.files:
            problems.append(Problem(file, where(text, f"sources.{name}.files"), tr("audit.no_files", source=name)))
        for j, path in enumerate(inputs.files if evidence_files else ()):
            if not path.is_file():
                what = f"{tr('file.missing')}: {path}"
                problems.append(Problem(file, where(text, f"sources.{name}.files[{j}]"), what))
    criteria = {c.id for c in scheme.criteria()}
    for i, exclusion in enumerate(audit.exclusions):
        if exclusion.criterion not in criteria:
            problems.append(Problem(file, where(text, f"exclusions[{i}].criterion"), tr("ref.unknown", what=unknown_thing("criterion"), name=exclusion.criterion, known=tr("ref.criteria_of", count=len(criteria), scheme=scheme.id))))
    if audit.label is not None and (audit.label != audit.label.strip() or not audit.label.isprintable() or not audit.label):
        problems.append(Problem(file, where(text, "label"), tr("appeal.audit_label", found=repr(audit.label))))
    problems.extend(sampling_problems(audit, text))
    problems.extend(declared_design_problems(audit, scheme, text))
    return problems


def declared_design_problems(audit: Audit, scheme: Scheme, text: str | None) -> Iterator[Problem]:
    """`[survey_design.SOURCE]`: a survey source of the audit, known sites each named once, a
    whole population of at least one, given only for a surveyed site."""
    file = str(audit.file)
    site_ids = [s.id for s in audit.sites]
    surveys = [s for s, source in scheme.sources.items() if source.questionnaire is not None]
    for source_id, design in audit.survey_design.items():
        at = f"survey_design.{source_id}"
        if source_id not in surveys:
            what = tr("design.not_a_survey", source=source_id, surveys=", ".join(surveys) or "—")
            close = closest(source_id, surveys)
            yield Problem(file, where(text, at), tr("audits.did_you_mean", what=what, close=close) if close else what)
            continue
        if source_id not in audit.sources:
            yield Problem(file, where(text, at), tr("design.source_not_in_audit", source=source_id))
        if design.surveyed is not None and not design.surveyed:
            yield Problem(file, where(text, f"{at}.surveyed"), tr("design.surveyed_empty"))
        for i, site_id in enumerate(design.surveyed or ()):
            if site_id not in site_ids:
                yield Problem(file, where(text, f"{at}.surveyed[{i}]"), _unknown_site(site_id, site_ids))
            elif site_id in design.surveyed[:i]:  # type: ignore[index]
                yield Problem(file, where(text, f"{at}.surveyed[{i}]"), tr("design.surveyed_twice", site=site_id))
        for site_id, population in design.population.items():
            key_path = f"{at}.population.{site_id}"
            if site_id not in site_ids:
                yield Problem(file, where(text, key_path), _unknown_site(site_id, site_ids))
            elif population < 1:
                yield Problem(file, where(text, key_path), tr("design.population_positive", found=population))
            elif design.surveyed is not None and site_id not in design.surveyed:
                surveyed = ", ".join(design.surveyed) or "—"
                yield Problem(file, where(text, key_path), tr("design.population_not_surveyed", site=site_id, surveyed=surveyed))


def survey_design_problems(
    audit: Audit, text: str | None, evidence: Iterable[Evidence], left_out: Collection[str] = ()
) -> list[Problem]:
    """Survey answers against the declared design: none from a site not surveyed, and never
    more usable answers to one binding than the site's population."""
    designs = {s: d for s, d in audit.survey_design.items() if s not in left_out}
    if not designs:
        return []
    file = str(audit.file)
    answers: dict[tuple[str, str, str], int] = {}  # usable answers per (criterion, binding, site)
    for item in evidence:
        if item.binding.split("/", 1)[0] in designs:  # a survey binding's id opens with its source
            n = item.sample.n if item.sample is not None else item.measure.n if item.measure is not None else 0
            key = (item.criterion, item.binding, item.site)
            answers[key] = answers.get(key, 0) + n
    problems: list[Problem] = []
    seen: set[tuple[str, str, str]] = set()
    for (criterion, binding, site), n in sorted(answers.items()):
        source = binding.split("/", 1)[0]
        design = designs[source]
        if n == 0:
            continue
        if design.surveyed is not None and site not in design.surveyed and ("surveyed", source, site) not in seen:
            seen.add(("surveyed", source, site))
            surveyed = ", ".join(design.surveyed) or "—"
            what = tr("design.answers_not_surveyed", site=site, source=source, surveyed=surveyed)
            problems.append(Problem(file, where(text, f"survey_design.{source}.surveyed"), what))
        population = design.population.get(site)
        if population is not None and n > population and ("population", source, site) not in seen:
            seen.add(("population", source, site))
            what = tr("design.more_than_population", site=site, source=source, n=n, population=population,
                      criterion=criterion, binding=binding)
            problems.append(Problem(file, where(text, f"survey_design.{source}.population.{site}"), what))
    return problems


def sampling_problems(audit: Audit, text: str | None) -> Iterator[Problem]:
    """The sampling plan against the audit's sites: known, each named once, picks among the visited."""
    plan = audit.sampling
    if plan is None:
        return
    file = str(audit.file)
    site_ids = [s.id for s in audit.sites]
    if plan.stage is not None and plan.stage != audit.kind:  # a plan drawn for another stage of the cycle
        yield Problem(file, where(text, "sampling.stage"), tr("audits.stage", stage=plan.stage, kind=audit.kind))
    if not plan.visited:
        yield Problem(file, where(text, "sampling.visited"), tr("audits.visited_empty"))
    yield from _size_problems(audit, plan, text)
    for i, site_id in enumerate(plan.visited):
        if site_id not in site_ids:
            yield Problem(file, where(text, f"sampling.visited[{i}]"), _unknown_site(site_id, site_ids))
        elif site_id in plan.visited[:i]:
            yield Problem(file, where(text, f"sampling.visited[{i}]"), tr("audits.visited_twice", site=site_id))
    first: dict[str, str] = {}
    for i, pick in enumerate(plan.picks):
        key_path = f"sampling.picks[{i}].site"
        if pick.site not in site_ids:
            yield Problem(file, where(text, key_path), _unknown_site(pick.site, site_ids))
        elif pick.site in first:
            yield Problem(file, where(text, key_path), tr("audits.pick_twice", site=pick.site, first=first[pick.site]))
        elif pick.site not in plan.visited:
            visited = ", ".join(plan.visited) or "—"
            yield Problem(file, where(text, key_path), tr("audits.pick_not_visited", site=pick.site, visited=visited))
        first.setdefault(pick.site, f"sampling.picks[{i}]")


def _size_problems(audit: Audit, plan: Sampling, text: str | None) -> Iterator[Problem]:
    """The plan's numbers against IAF MD1: the rule it names is the rule, its size is what it
    visits, and it visits at least the rule's minimum (a hand edit cannot shrink a sample)."""
    file, stage, count = str(audit.file), plan.stage or audit.kind, len(set(plan.visited))
    rule = md1_size(len(audit.sites), stage)
    if plan.rule is not None and plan.rule != rule:
        what = tr("audits.rule_differs", found=plan.rule, rule=rule, sites=len(audit.sites), stage=tr(f"cycle.stage_{stage}"))
        yield Problem(file, where(text, "sampling.rule"), what)
    if plan.size is not None and plan.size != count:
        yield Problem(file, where(text, "sampling.size"), tr("audits.size_differs", size=plan.size, count=count))
    if plan.visited and count < rule:
        what = tr("audits.below_rule", count=count, rule=rule, sites=len(audit.sites), stage=tr(f"cycle.stage_{stage}"))
        yield Problem(file, where(text, "sampling.visited"), what)


def _unknown_site(site_id: str, known: list[str]) -> str:
    what = tr("audits.unknown_site", site=site_id, known=", ".join(known))
    close = closest(site_id, known)
    return tr("audits.did_you_mean", what=what, close=close) if close else what


def onsite_visit_problems(
    audit: Audit, scheme: Scheme, text: str | None, evidence: Iterable[Evidence], left_out: Collection[str] = ()
) -> list[Problem]:
    """With a sampling plan: every visited site has on-site results, and no other site has any.

    On-site results are the evidence of a source of an on-site kind (a grid binding is named
    by its source); a source left out (its plugin failed, ``--on-plugin-error skip``) is not
    judged. Without a plan nothing is required: a blank grid is a valid audit not yet done.
    """
    plan = audit.sampling
    if plan is None:
        return []
    onsite = sorted(
        s for s, source in scheme.sources.items()
        if source.kind in ONSITE_KINDS and s in audit.sources and s not in left_out
    )
    with_results: dict[str, set[str]] = {s: set() for s in onsite}
    for item in evidence:
        if item.binding in with_results:
            with_results[item.binding].add(item.site)
    file, visited = str(audit.file), list(plan.visited)
    problems = []
    for source_id in onsite:
        for i, site_id in enumerate(visited):
            if site_id not in with_results[source_id] and site_id not in visited[:i]:
                what = tr("audits.visited_no_results", site=site_id, source=source_id)
                problems.append(Problem(file, where(text, f"sampling.visited[{i}]"), what))
        for site in audit.sites:
            if site.id in with_results[source_id] and site.id not in visited:
                listed = ", ".join(visited) or "—"
                what = tr("audits.results_not_visited", site=site.id, source=source_id, visited=listed)
                problems.append(Problem(file, where(text, "sampling.visited"), what))
    return problems


def require_valid(audit: Audit, scheme: Scheme, text: str | None) -> None:
    problems = check_audit(audit, scheme, text)
    if problems:
        raise InputError(problems)
