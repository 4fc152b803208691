"""`labelaudit explain RECORD [ID]`: how a decision record's numbers come about, step by step.

For the label committee: every number is drawn from the record itself (never recomputed from
the audit), and every mean is written out as a sum that a committee member can redo by hand,
once with the percentages people read and once with the exact fractions the record holds
(`fractions.Fraction` on its "exact" strings, so that intermediate steps stay exact). Where a
recomputation from the record's own parts does not give the value the record states (a record
edited by hand, say), the explanation says so instead of hiding it.

With no ID: the outcome (points, dimension contributions, levels, coverage, gates, stability).
With a dimension or requirement ID: its attainment as the weighted mean of its children.
With a criterion ID: each binding's evidence, curve and attainment, then the criterion's mean.

The steps themselves (the text helpers, finding an element, the weighted means written out)
are in `trace`; this module chooses what to explain and prints it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

from labelaudit.documents.accessors import colon, day_text, gate_title, level_title, place_text, site_label, site_names
from labelaudit.documents.accessors import text as title_in
from labelaudit.documents.reasons import reason_text, subject_text
from labelaudit.documents.summary import outcome_line
from labelaudit.documents.trace import (
    Found, Node, Record, Term, align, check_lines, dec, decimal_text, elements, exact_fractions, find, frac, mean_lines, node_terms,
    num, numbers_in, pct, showing_exact, value_text,
)
from labelaudit.errors import InputError
from labelaudit.i18n import current_lang, tr, words
from labelaudit.model import Lang
from labelaudit.numbers import exact, percent, points, shown
from labelaudit.plugins import Plugins
from labelaudit.record import load_record


# --- The outcome -------------------------------------------------------------------------------


def explain_outcome(record: Record, lang: Lang) -> list[str]:
    """The whole decision: points, contributions, levels, coverage, gates, stability."""
    audit, outcome = record["audit"], record["outcome"]
    lines = [
        tr("explain.title", lang=lang, org=audit["organisation"], audit=audit["id"], date=day_text(record["decided_on"], lang)),
        tr("explain.outcome", lang=lang, outcome=outcome_line(record, outcome["status"], outcome["level"], lang)),
    ]
    sections = (_points_section, _levels_section, _coverage_section, _gates_section, _sites_section, _decision_section, _stability_section)
    for section in sections:
        lines.append("")
        lines.extend(section(record, lang))
    return lines


def _points_section(record: Record, lang: Lang) -> list[str]:
    """Points from the overall attainment, the overall attainment from the dimensions."""
    tree, scheme = record["tree"], record["scheme"]
    attainment, max_points = Fraction(tree["attainment"]["exact"]), Fraction(scheme["max_points"])
    stated = record["outcome"]["points"]
    lines = [tr("explain.points_head", lang=lang)]
    rule = tr("explain.points_rule", lang=lang, attainment=decimal_text(tree["attainment"]["percent"]), max=num(max_points),
              points=decimal_text(stated["shown"]))
    lines.append("  " + rule)
    if showing_exact():
        text = f"{exact(attainment)} × {num(max_points)} = {exact(attainment * max_points)} = {points(attainment * max_points)}"
        lines.append("  " + tr("explain.exactly", lang=lang, text=text))
    lines.extend("  " + line for line in check_lines(attainment * max_points, stated, lang))
    lines.append("  " + tr("explain.overall_mean", lang=lang))
    terms = node_terms(tree["dimensions"])
    lines.extend("    " + line for line in mean_lines(terms, tree["attainment"], lang))
    lines.append("")
    lines.extend(_contributions(tree["dimensions"], terms, max_points, lang))
    return lines


def contributions(terms: Sequence[Term], max_points: Fraction) -> dict[str, tuple[Fraction, Fraction]]:
    """Counted dimension id → (share of the counted weight, points it brings); they sum to the points."""
    counted = [t for t in terms if t.left_out is None and t.attainment is not None]
    total_weight = sum((t.weight for t in counted), Fraction(0))
    return {t.id: (t.weight / total_weight, t.weight / total_weight * t.attainment * max_points) for t in counted}  # type: ignore[operator]


def _contributions(dimensions: Sequence[Node], terms: Sequence[Term], max_points: Fraction, lang: Lang) -> list[str]:
    """Each dimension's share of the counted weight and the points it brings, as a table."""
    brought = contributions(terms, max_points)
    head = [tr(f"explain.col_{c}", lang=lang) for c in ("dimension", "weight", "share", "attainment", "contribution")]
    rows = [head]
    for dimension, term in zip(dimensions, terms):
        if term.id in brought:
            share, value = brought[term.id]
            brings = tr("explain.points_unit", lang=lang, value=points(value))
            rows.append([title_in(dimension, lang), num(term.weight), f"{decimal_text(str(percent(share)))} %", pct(dimension["attainment"]), brings])
        else:
            rows.append([title_in(dimension, lang), num(term.weight), "—", tr(f"explain.why_{term.left_out}", lang=lang), "—"])
    total = sum((value for _, value in brought.values()), Fraction(0))
    counted_weight = sum((t.weight for t in terms if t.id in brought), Fraction(0))
    share_total = f"{decimal_text('100.0')} %" if brought else "—"
    rows.append([tr("explain.total", lang=lang), num(counted_weight), share_total, "", tr("explain.points_unit", lang=lang, value=points(total))])
    return align(rows, right={1, 2, 3, 4})


def reached_levels(record: Record) -> list[dict[str, Any]]:
    """The levels whose threshold the rounded points reach, lowest first."""
    shown_points = Fraction(Decimal(record["outcome"]["points"]["shown"]))
    return [lv for lv in record["scheme"]["levels"] if Fraction(lv["min_points"]) <= shown_points]


def _levels_section(record: Record, lang: Lang) -> list[str]:
    """Each level's threshold against the rounded points."""
    shown_points = decimal_text(record["outcome"]["points"]["shown"])
    reached = {lv["id"] for lv in reached_levels(record)}
    rows = []
    for level in record["scheme"]["levels"]:
        key = "explain.level_reached" if level["id"] in reached else "explain.level_missed"
        minimum = num(Fraction(level["min_points"]))
        rows.append([title_in(level, lang), minimum, tr(key, lang=lang, points=shown_points, min=minimum)])
    lines = [tr("explain.levels_head", lang=lang, points=shown_points), *align(rows, right={1})]
    highest = reached_levels(record)
    if highest:
        lines.append("  " + tr("explain.highest", lang=lang, level=title_in(highest[-1], lang)))
    else:
        lines.append("  " + tr("explain.no_level", lang=lang))
    return lines


def coverage_low(record: Record) -> bool:
    """Coverage is compared rounded with the minimum, as the engine does."""
    coverage = Fraction(Decimal(record["outcome"]["coverage"]["percent"]))
    return coverage < Fraction(record["scheme"]["policies"]["min_coverage"])


def _coverage_section(record: Record, lang: Lang) -> list[str]:
    """Coverage against its minimum, and the criteria that are not fully covered."""
    coverage = decimal_text(record["outcome"]["coverage"]["percent"])
    minimum = num(Fraction(record["scheme"]["policies"]["min_coverage"]))
    key = "explain.coverage_low" if coverage_low(record) else "explain.coverage_ok"
    lines = [tr("explain.coverage_head", lang=lang), "  " + tr(key, lang=lang, coverage=coverage, minimum=minimum)]
    lines.append("  " + tr("explain.coverage_rule", lang=lang))
    incomplete = [
        f"{f.node['id']} ({decimal_text(f.node['coverage']['percent'])} %)"
        for f in elements(record)
        if f.kind == "criterion" and not f.node["excluded"] and frac(f.node["coverage"]["exact"]) != 1
    ]
    if incomplete:
        more = f", … (+{len(incomplete) - 12})" if len(incomplete) > 12 else ""
        lines.append("  " + tr("explain.incomplete", lang=lang, items=", ".join(incomplete[:12]) + more))
    return lines


def _gates_section(record: Record, lang: Lang) -> list[str]:
    """Each gate: its rule, fired or passed, and the values behind it."""
    lines = [tr("explain.gates_head", lang=lang)]
    for gate in record["gates"]:
        effect = (tr("explain.effect_refuse", lang=lang) if gate["effect"] == "refuse"
                  else tr("explain.effect_cap", lang=lang, level=level_title(record, gate["level"], lang)))
        rule = [subject_title(record, gate["scope"], gate["target"], lang), effect] if gate["target"] else [effect]
        if gate.get("min_percent") is not None:
            rule.append(tr("explain.gate_min", lang=lang, minimum=num(Fraction(gate["min_percent"]))))
        state = tr("explain.fired" if gate["fired"] else "explain.passed", lang=lang)
        lines.append("  " + tr("explain.gate_line", lang=lang, gate=title_in(gate, lang), rule=", ".join(rule), state=state))
        if gate["fired"]:
            lines.extend(f"    - {subject_text(subject, lang)}" for subject in gate["subjects"])
        else:
            lines.extend(f"    {line}" for line in gate_evidence(record, gate, lang))
        if gate.get("skipped"):
            lines.append("    " + tr("explain.gate_skipped", lang=lang, sites=", ".join(gate["skipped"])))
    return lines


def gate_evidence(record: Record, gate: dict[str, Any], lang: Lang) -> list[str]:
    """Why a gate did not fire: the subject values it compared (the lowest one for many)."""
    scope, target = gate["scope"], gate["target"]
    tree = record["tree"]
    if scope == "unacceptable":
        count = sum(1 for b in _bindings(record) if b["status"] == "evidenced" and b["unacceptable"])
        return [tr("explain.gate_unacceptable", lang=lang, count=count)]
    if scope == "major_findings":
        count = sum(record.get("majors", {}).values())
        return [tr("explain.gate_majors", lang=lang, count=count, maximum=gate["max_major"] or 0)]
    if scope == "source":
        share = tree["sources"].get(target or "")
        if not share or share.get("percent") is None:
            return [tr("explain.gate_unassessed", lang=lang, subject=subject_title(record, scope, target, lang))]
        return [tr("explain.gate_value", lang=lang, subject=subject_title(record, scope, target, lang), value=decimal_text(share["percent"]))]
    subjects = _gate_subjects(record, scope, target)
    if scope == "criterion" and not subjects:
        return [tr("explain.gate_unassessed", lang=lang, subject=subject_title(record, scope, target, lang))]
    if not subjects:
        return [tr("explain.gate_no_subject", lang=lang)]
    subject, share = min(subjects, key=lambda s: (Fraction(s[1]["exact"]), s[0]))
    return [tr("explain.gate_lowest", lang=lang, subject=subject_title(record, scope, subject, lang), value=decimal_text(share["percent"]))]


def _gate_subjects(record: Record, scope: str, target: str | None) -> list[tuple[str, dict[str, Any]]]:
    """(id, attainment) of what a percentage gate judges: assessed subjects with a value."""
    if scope == "site":
        return [(s["id"], s["attainment"]) for s in record["sites"] if s["has_result"] and not s.get("suppressed")]
    kinds = {"criterion": "criterion", "requirement": "requirement", "dimension": "dimension"}
    return [
        (f.node["id"], f.node["attainment"])
        for f in elements(record)
        if f.kind == kinds.get(scope)
        and f.node["assessed"]
        and f.node["attainment"]["exact"] is not None
        and target in (None, f.node["id"])
    ]


def subject_title(record: Record, scope: str, subject: str | None, lang: Lang) -> str:
    """What a gate judges by its name: a source's title, a site's name, an element's title."""
    if subject is None:
        return "—"
    if scope == "source":
        return words.source(subject, lang)
    if scope == "site":
        return site_names(record).get(subject, subject)
    node = next((f.node for f in elements(record) if f.kind == scope and f.node["id"] == subject), None)
    return subject if node is None else title_in(node, lang)


def _bindings(record: Record) -> list[dict[str, Any]]:
    """Every binding of every criterion of the record."""
    return [b for f in elements(record) if f.kind == "criterion" for b in f.node["bindings"]]


SITE_REASONS = ("sites_not_visited", "sites_without_result")


def _sites_section(record: Record, lang: Lang) -> list[str]:
    """The sites in the decision without a visit or without a result of their own, as the
    outcome's reasons name them, and those whose own result is hidden for anonymity."""
    if not record["sites"]:
        return []
    lines = [tr("explain.sites_head", lang=lang)]
    lines += [f"  - {reason_text(record, r, lang)}" for r in record["outcome"]["reasons"] if r["code"] in SITE_REASONS]
    hidden = [s["id"] for s in record["sites"] if s.get("suppressed")]
    if hidden:
        lines.append("  - " + tr("explain.sites_suppressed", lang=lang, sites=", ".join(hidden)))
    if len(lines) == 1:
        lines.append("  " + tr("explain.sites_all", lang=lang, count=len(record["sites"])))
    return lines


def _decision_section(record: Record, lang: Lang) -> list[str]:
    """How status and level follow from coverage, levels and the gates, in the engine's order."""
    outcome = record["outcome"]
    fired = [g for g in record["gates"] if g["fired"]]
    reached = reached_levels(record)
    refusing = [title_in(g, lang) for g in fired if g["effect"] == "refuse"]
    if coverage_low(record):
        line = tr("explain.decision_deferred", lang=lang)
    elif not reached:
        line = tr("explain.decision_no_level", lang=lang)
    elif refusing:
        line = tr("explain.decision_refuse", lang=lang, gates=", ".join(refusing))
    else:
        caps = ", ".join(f"{level_title(record, g['level'], lang)} ({title_in(g, lang)})" for g in fired if g["effect"] == "cap")
        line = tr("explain.decision_granted", lang=lang, reached=title_in(reached[-1], lang), caps=caps or tr("explain.none", lang=lang),
                  level=level_title(record, outcome["level"], lang))
    final = outcome_line(record, outcome["status"], outcome["level"], lang)
    return [tr("explain.decision_head", lang=lang), f"  {line}", f"  = {final}"]


def _stability_section(record: Record, lang: Lang) -> list[str]:
    """The decisions at both ends of the intervals, and the bindings a borderline hinges on."""
    stability = record["stability"]
    lines = [tr("explain.stability_head", lang=lang)]
    if not stability["checked"]:
        return [*lines, "  " + tr("explain.stability_unchecked", lang=lang)]
    for mode in ("pessimistic", "optimistic"):
        run = stability[mode]
        gates = ", ".join(gate_title(record, g, lang) for g in run["gates_fired"]) or tr("explain.none", lang=lang)
        text = outcome_line(record, run["status"], run["level"], lang)
        lines.append("  " + tr("explain.stability_run", lang=lang, mode=tr(f"explain.{mode}", lang=lang), outcome=text, points=decimal_text(run["points"]), gates=gates))
    lines.append("  " + tr("explain.borderline" if stability["borderline"] else "explain.stable", lang=lang))
    for item in stability.get("sensitive_bindings") or ():
        text = tr(
            "explain.sensitive", lang=lang, criterion=item["criterion"], binding=item["binding"],
            low=decimal_text(item["pessimistic_points"]), high=decimal_text(item["optimistic_points"]),
        )
        lines.append(f"    {text}")
    return lines


# --- A dimension or a requirement --------------------------------------------------------------


def explain_node(record: Record, found: Found, lang: Lang) -> list[str]:
    """A dimension's or a requirement's attainment as the weighted mean of its children."""
    node = found.node
    if found.kind == "dimension":
        head = tr("explain.dimension", lang=lang, id=node["id"], title=title_in(node, lang))
        children, which, column = node["requirements"], "requirements", "requirement"
    else:
        head = tr("explain.requirement", lang=lang, id=node["id"], title=title_in(node, lang),
                  dimension=subject_title(record, "dimension", found.dimension, lang))
        children, which, column = node["criteria"], "criteria", "criterion"
    lines = [head, "  " + tr("explain.node_weight", lang=lang, weight=num(Fraction(node["weight"])), share=decimal_text(node["share"]["percent"]))]
    if node.get("excluded"):
        return [*lines, "  " + tr("explain.node_excluded", lang=lang)]
    lines.append("  " + tr("explain.node_mean", lang=lang, children=tr(f"explain.children_{which}", lang=lang)))
    columns = (column, "weight", "attainment", "exact") if showing_exact() else (column, "weight", "attainment")
    rows = [[tr(f"explain.col_{c}", lang=lang) for c in columns]]
    for child in children:
        row = [child["id"], num(Fraction(child["weight"])), pct(child["attainment"]), child["attainment"]["exact"] or "—"]
        rows.append(row[: len(columns)])
    lines.extend(align(rows, right={1, 2}, indent="    "))
    lines.extend("    " + line for line in mean_lines(node_terms(children), node["attainment"], lang))
    sources = ", ".join(f"{words.source(s, lang)} {pct(v)}" for s, v in sorted(node.get("sources", {}).items()))
    if sources:
        lines.append("  " + tr("explain.sources", lang=lang, items=sources))
    return lines


# --- A criterion -------------------------------------------------------------------------------


def explain_criterion(record: Record, found: Found, lang: Lang) -> list[str]:
    """Each binding's evidence, curve and attainment, then the criterion's weighted mean."""
    c = found.node
    lines = [
        tr("explain.criterion", lang=lang, id=c["id"], title=title_in(c, lang),
           requirement=subject_title(record, "requirement", found.requirement, lang),
           dimension=subject_title(record, "dimension", found.dimension, lang)),
        "  " + (
            tr("explain.criterion_facts", lang=lang, weight=num(Fraction(c["weight"])), share_exact=c["tree_share"]["exact"],
               share=decimal_text(c["tree_share"]["percent"]), pyramid=c["pyramid"])
            if showing_exact() else
            tr("explain.criterion_facts_decimal", lang=lang, weight=num(Fraction(c["weight"])), share=decimal_text(c["tree_share"]["percent"]),
               pyramid=c["pyramid"])
        ),
    ]
    if c["excluded"]:
        exclusion: dict[str, Any] = next((e for e in record["audit"]["exclusions"] if e["criterion"] == c["id"]), {})
        text = tr(
            "explain.criterion_excluded", lang=lang,
            justification=exclusion.get("justification", "—"), approved_by=exclusion.get("approved_by", "—"),
        )
        lines.append(f"  {text}")
    total = sum((Fraction(b["weight"]) for b in c["bindings"]), Fraction(0))
    for index, binding in enumerate(c["bindings"], 1):
        lines.append("")
        lines.extend(binding_lines(record, c, binding, index, total, lang))
    if not c["excluded"]:
        lines.append("")
        lines.extend(_criterion_mean(record, c, total, lang))
    return lines


def binding_label(binding: dict[str, Any], lang: Lang) -> str:
    """`Évaluation sur site`, `Perception client / C09 / top2box`, or `… / C05 − C05x / gap` for
    a paired item: the source by its title, the item and the indicator by their codes."""
    source = words.source(binding["source"], lang)
    if binding["item"] is None:
        return source
    item = binding["item"] + (f" − {binding['paired']}" if binding.get("paired") else "")
    return f"{source} / {item} / {binding['indicator']}"


def binding_lines(record: Record, criterion: Node, b: dict[str, Any], index: int, total: Fraction, lang: Lang) -> list[str]:
    """One binding: weight, status, evidence per site and combined, curve, formula, floor check."""
    head = tr(
        "explain.binding", lang=lang, index=index, id=binding_label(b, lang),
        weight=num(Fraction(b["weight"])), total=num(total), share=decimal_text(b["share"]["percent"]),
    )
    lines = [head]
    lines.append("    " + _status_line(record, criterion, b, lang))
    lines.extend("    " + line for line in _evidence_lines(record, b, lang))
    floor, target = Fraction(b["floor"]), Fraction(b["target"])
    direction = tr("explain.higher_better" if target > floor else "explain.lower_better", lang=lang)
    lines.append("    " + tr("explain.curve", lang=lang, floor=num(floor), target=num(target), direction=direction))
    value = frac(b["value"]["exact"])
    if b["status"] == "evidenced" and value is not None:
        lines.extend("    " + line for line in formula_lines(value, floor, target, b, lang))
    return lines


def _status_line(record: Record, criterion: Node, b: dict[str, Any], lang: Lang) -> str:
    """Evidenced, missing (and what the policy does with it), undersized (n and minimum), excluded."""
    status = b["status"]
    if status == "undersized":
        clusters = _too_few_clusters(record, criterion["id"], b["id"])
        if clusters is not None:
            return tr("explain.status_too_few_clusters", lang=lang, clusters=clusters)
        minimum = _undersized_minimum(record, criterion["id"], b["id"])
        measure = b["measure"] or {}
        if measure.get("suppressed"):  # every group together under the anonymity threshold
            return tr("explain.status_undersized_hidden", lang=lang, count=measure["fewer_than"], min=minimum)
        return tr("explain.status_undersized", lang=lang, n=measure.get("n"), min=minimum)
    if status == "missing":
        policy = record["scheme"]["policies"]["missing"]
        return tr("explain.status_missing", lang=lang, effect=tr(f"explain.missing_{policy}", lang=lang))
    return tr(f"explain.status_{status}", lang=lang)


def _too_few_clusters(record: Record, criterion: str, binding: str) -> int | None:
    """k, where the binding is undersized for want of surveyed sites (a cluster design)."""
    for r in record["outcome"]["reasons"]:
        params = r.get("params", {})
        if r["code"] == "too_few_clusters" and params.get("criterion") == criterion and params.get("binding") == binding:
            return int(params["clusters"])
    return None


def _undersized_minimum(record: Record, criterion: str, binding: str) -> str:
    """The source's minimum sample, as the outcome's `undersized` reason states it."""
    for r in record["outcome"]["reasons"]:
        params = r.get("params", {})
        if r["code"] in ("undersized", "undersized_hidden") and params.get("criterion") == criterion and params.get("binding") == binding:
            return str(params.get("min"))
    return "?"


def _evidence_lines(record: Record, b: dict[str, Any], lang: Lang) -> list[str]:
    """Per-site values (with n and interval for surveys), then the combined value."""
    measure = b.get("measure")
    if measure is None:
        return []
    lines, names = [tr("explain.per_site", lang=lang)], site_names(record)
    for site in b["sites"]:
        label = site_label(names, site["site"])
        lines.append("  " + tr("explain.site_line", lang=lang, site=label, value=_site_text(site, lang)))
    if measure.get("suppressed"):
        lines.append(tr("explain.pooled_suppressed", lang=lang, count=measure["fewer_than"]))
    value = frac(measure["value"]["exact"])
    direct = [Fraction(s["value"]["exact"]) for s in b["sites"] if not s.get("suppressed") and s.get("n") is None]
    if measure.get("n") is None and direct and value is not None and sum(direct, Fraction(0)) / len(direct) == value:
        total = "(" + " + ".join(num(v) for v in direct) + f") / {len(direct)}"
        lines.append(tr("explain.value_mean", lang=lang, sum=total, value=both(value) if showing_exact() else dec(value)))
    elif value is not None:
        policy = tr(f"explain.policy_{record['scheme']['policies']['sites']}", lang=lang)
        if showing_exact():
            text = tr("explain.value_pooled", lang=lang, policy=policy, exact=exact(value), value=decimal_text(measure["value"]["shown"]), n=measure.get("n"))
        else:
            text = tr("explain.value_pooled_decimal", lang=lang, policy=policy, value=decimal_text(measure["value"]["shown"]), n=measure.get("n"))
        if measure["low"]["shown"] is not None:
            text += ", " + _interval(measure, lang)
        lines.append(text)
    files = sorted({f"{e['file']}{colon(lang)}{place_text(e['location'], lang)}" if e.get("location") else str(e["file"])
                    for e in b.get("evidence", []) if e.get("file")})
    if files:
        separator = tr("format.list_separator", lang=lang)
        lines.append(tr("explain.evidence_files", lang=lang, items=separator.join(files[:6]) + (" …" if len(files) > 6 else "")))
    return lines


def both(value: Fraction) -> str:
    """A value exactly and as shown (`10/3 = 3.333333`), once when they are the same (`3`)."""
    return num(value) if num(value) == dec(value) else f"{exact(value)} = {dec(value)}"


def paren(text: str) -> str:
    """A negative number in a formula, bracketed: `(-1.5)`, so that `v − (-1.5)` reads right."""
    return f"({text})" if text.startswith("-") else text


def group(text: str) -> str:
    """A fraction or a negative number inside a division, bracketed: `(10/3) / 4`."""
    return f"({text})" if text.startswith("-") or "/" in text else text


def _interval(measured: dict[str, Any], lang: Lang) -> str:
    """`interval [0.654880, 0.840137]`: a measure's or a site's ends, as the reader writes them."""
    ends = tr("format.interval", lang=lang, low=decimal_text(measured["low"]["shown"]), high=decimal_text(measured["high"]["shown"]))
    return tr("explain.interval", lang=lang, interval=ends)


def _site_text(site: dict[str, Any], lang: Lang) -> str:
    """One site's value: a level as written, or a survey value with n and interval, or suppressed."""
    if site.get("suppressed") and site.get("secondary"):
        return tr("explain.suppressed_secondary", lang=lang, count=site.get("fewer_than"))
    if site.get("suppressed"):
        return tr("explain.suppressed", lang=lang, count=site.get("fewer_than"))
    if site.get("n") is None:  # a direct value (an on-site level): as written in the grid
        return dec(Fraction(site["value"]["exact"]))
    parts = [decimal_text(site["value"]["shown"])]
    if site.get("n") is not None:
        parts.append(tr("explain.site_n", lang=lang, n=site["n"]))
    if site.get("low", {}).get("shown") is not None:
        parts.append(_interval(site, lang))
    return ", ".join(parts)


def formula_lines(value: Fraction, floor: Fraction, target: Fraction, b: dict[str, Any], lang: Lang) -> list[str]:
    """(v − f) / (t − f) with the numbers, the clamp, and whether v is worse than the floor."""
    raw = (value - floor) / (target - floor)
    clamped = min(Fraction(1), max(Fraction(0), raw))
    lines = [
        tr(
            "explain.formula", lang=lang, value=value_text(value), floor=paren(num(floor)), target=num(target),
            step=f"{group(value_text(value - floor))} / {group(num(target - floor))}",
            raw=value_text(raw), clamped=value_text(clamped), percent=percent(clamped),
        )
    ]
    lines.extend(check_lines(clamped, b["attainment"], lang))
    worse = value < floor if target > floor else value > floor
    key = "explain.unacceptable_yes" if worse else "explain.unacceptable_no"
    lines.append(tr(key, lang=lang, value=dec(value), floor=num(floor)))
    return lines


def _criterion_mean(record: Record, c: Node, total: Fraction, lang: Lang) -> list[str]:
    """The criterion's weighted mean of its bindings, and its coverage."""
    policy = record["scheme"]["policies"]["missing"]
    terms = []
    for b in c["bindings"]:
        value = frac(b["attainment"]["exact"])
        if b["status"] == "evidenced":
            terms.append(Term(b["id"], Fraction(b["weight"]), value, b["attainment"]["percent"]))
        elif policy == "zero":
            terms.append(Term(b["id"], Fraction(b["weight"]), Fraction(0), "0.0"))
        else:
            terms.append(Term(b["id"], Fraction(b["weight"]), None, None, "unassessed"))
    lines = [tr(f"explain.criterion_mean_{policy}", lang=lang, policy=words.policy("missing", policy, lang))]
    lines.extend("  " + line for line in mean_lines(terms, c["attainment"], lang))
    evidenced = sum((Fraction(b["weight"]) for b in c["bindings"] if b["status"] == "evidenced"), Fraction(0))
    lines.append(tr("explain.criterion_coverage", lang=lang, evidenced=num(evidenced), total=num(total), percent=percent(evidenced / total)))
    return lines


# --- Entry points ------------------------------------------------------------------------------


def explain(record: Record, element_id: str | None, lang: Lang, source: Path | str = "record", *, exact: bool = False) -> str:
    """The explanation text: of the outcome, or of every element with this id; in decimals,
    with the exact fractions too when `exact` (`--exact`)."""
    with exact_fractions(exact), numbers_in(lang):
        return _explain(record, element_id, lang, source)


def _explain(record: Record, element_id: str | None, lang: Lang, source: Path | str) -> str:
    if element_id is None:
        return "\n".join(explain_outcome(record, lang))
    parts = []
    for found in find(record, element_id, source):
        if found.kind == "criterion":
            parts.append(explain_criterion(record, found, lang))
        else:
            parts.append(explain_node(record, found, lang))
    return "\n\n".join("\n".join(p) for p in parts)


T = TypeVar("T")


def from_record(path: Path, work: Callable[[], T]) -> T:
    """Run `work` on a loaded record; a record lacking a key or holding a bad value is bad input.

    `load_record` checks the JSON and the format tag only; a record edited by hand can still
    lack a key the tools need. That is the user's input, so it gets a placed message and exit 2.
    """
    try:
        return work()
    except (KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError) as exc:
        raise InputError.at(path, "", tr("explain.broken_record", detail=f"{type(exc).__name__}: {exc}")) from None


def handle(args: argparse.Namespace, plugins: Plugins, out: Callable[[str], None]) -> int:
    """`labelaudit explain`: read the record (a malformed one is an input error), print."""
    record = load_record(args.record)
    out(from_record(args.record, lambda: explain(record, args.id, current_lang(), args.record, exact=args.exact)))
    return 0


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """The `explain` subcommand (see cli.COMMANDS)."""
    parser = commands.add_parser("explain", parents=[common], help=tr("explain.help", lang=lang), description=tr("explain.help", lang=lang))
    parser.add_argument("record", type=Path, metavar="RECORD", help=tr("explain.help_record", lang=lang))
    parser.add_argument("id", nargs="?", metavar="ID", help=tr("explain.help_id", lang=lang))
    parser.add_argument("--exact", action="store_true", help=tr("explain.help_exact", lang=lang))
    parser.set_defaults(handler=handle)
