"""The report's document built from a decision record: its header, sections and footer as blocks.

The report is drawn only from the record (never from the engine), so that every number a
committee member reads is a number the record holds, in its `percent` or `shown` form; the
pyramid means are the report's own, labelled as such (`accessors.pyramid`). `document` gives the
same blocks to every renderer, in the order a committee reads them: the outcome first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from labelaudit.documents.accessors import (
    NONE,
    colon,
    Record,
    counts_in_mean,
    criterion_state,
    interval,
    level_title,
    mean_text,
    numbered,
    optional,
    outcome_text,
    pct,
    pyramid,
    shown,
    site_names,
    source_pct,
    source_title,
    sources,
    text,
)
from labelaudit.documents.blocks import Block, Box, Cell, Chart, Document, Heading, Items, Note, Para, Row, Section, Table, c, kv, n
from labelaudit.i18n import tr
from labelaudit.model import Lang

FINDING_KINDS = ("strength", "improvement", "sensitive", "minor", "major")
EVIDENCE_CODES = ("missing", "undersized")


def document(record: Record, lang: Lang) -> Document:
    """The whole report as blocks, in the order a committee reads it: the outcome first."""
    t = _messages(lang)
    builders = (
        ("outcome", outcome_blocks),
        ("radar", radar_blocks),
        ("tables", tree_blocks),
        ("gates", gate_blocks),
        ("pyramid", pyramid_blocks),
        ("sites", site_blocks),
        ("notes", note_blocks),
        ("inputs", input_blocks),
    )
    sections = tuple(Section(t(f"report.sec.{anchor}"), anchor, tuple(build(record, lang))) for anchor, build in builders)
    audit = record["audit"]
    title, footer = t("report.title", org=audit["organisation"]), t("report.footer", id=audit["id"])
    return Document(lang, title, header_blocks(record, lang), sections, footer)


def _messages(lang: Lang) -> Callable[..., str]:
    def t(key: str, **params: Any) -> str:
        return tr(key, lang=lang, **params)

    return t


def header_blocks(record: Record, lang: Lang) -> tuple[Block, ...]:
    """Who and what was audited, when, under which scheme."""
    t, audit, scheme = _messages(lang), record["audit"], record["scheme"]
    dates = audit.get("dates", {})
    visit = " → ".join(d for d in (dates.get("onsite_start"), dates.get("onsite_end")) if d) or NONE
    rows = [
        (t("report.audit"), audit["id"]),
        (t("report.scope"), audit.get("scope") or NONE),
        (t("report.kind"), audit.get("kind") or NONE),
        (t("report.auditors"), ", ".join(audit.get("auditors", [])) or NONE),
        (t("report.onsite_dates"), visit),
        (t("report.decided_on"), record.get("decided_on") or NONE),
        (t("report.scheme"), f"{scheme['id']} {scheme.get('version', '')}".strip()),
    ]
    return (Heading(1, t("report.title", org=audit["organisation"])), kv(rows, "audit"))


# ---- outcome


def outcome_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """The verdict, its figures, the stability check, the scheme's levels, every reason."""
    t, o, scheme = _messages(lang), record["outcome"], record["scheme"]
    yield Para(outcome_text(record, o["status"], o["level"], lang), "verdict", o["status"])
    minimum = scheme.get("policies", {}).get("min_coverage", NONE)
    yield kv(
        [
            (t("report.level"), level_title(record, o["level"], lang)),
            (t("report.points"), c(t("report.points_of", points=o["points"]["shown"], max=scheme["max_points"]), explains="*")),
            (t("report.coverage"), t("report.coverage_min", value=pct(o["coverage"], lang), minimum=minimum)),
            (t("report.stability"), stability_text(record, lang)),
        ],
        "figures",
    )
    if record["stability"].get("borderline"):
        yield borderline_box(record, lang)
    yield Heading(3, t("report.levels"))
    yield levels_table(record, lang)
    yield from reason_blocks(record, lang)


def stability_text(record: Record, lang: Lang) -> str:
    s = record["stability"]
    if s.get("borderline"):
        return tr("report.borderline", lang=lang)
    return tr("report.stable" if s.get("checked") else "report.unchecked", lang=lang)


def borderline_box(record: Record, lang: Lang) -> Box:
    """Both outcomes of a borderline decision and the evidence that decides between them."""
    t, s = _messages(lang), record["stability"]
    runs = []
    for key, name in (("report.pessimistic", "pessimistic"), ("report.optimistic", "optimistic")):
        run = s.get(name)
        if run:
            line = t("report.run", outcome=outcome_text(record, run["status"], run["level"], lang), points=run["points"])
            if run.get("gates_fired"):
                line += " · " + t("report.gates_fired", gates=", ".join(run["gates_fired"]))
            runs.append(t(key) + colon(lang) + line)
    blocks: list[Block] = [Para(t("report.borderline"), "flag"), Items(tuple(runs))]
    sensitive = tuple(t("report.sensitive_line", **item) for item in s.get("sensitive_bindings") or [])
    if sensitive:
        blocks += [Para(t("report.sensitive"), "flag"), Items(sensitive)]
    return Box(tuple(blocks), "borderline")


def levels_table(record: Record, lang: Lang) -> Table:
    """The scheme's levels with their thresholds; the decided one is marked in words."""
    t, decided = _messages(lang), record["outcome"]["level"]
    rows = tuple(
        Row(
            (c(lv["id"]), c(text(lv, lang)), n(lv["min_points"]), c(t("report.reached") if lv["id"] == decided else "")),
            ("flag",) if lv["id"] == decided else (),
        )
        for lv in record["scheme"]["levels"]
    )
    return Table(("id", t("report.level"), t("report.min_points"), ""), rows, frozenset({2}), "levels")


def reason_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """Every reason in the record's order; missing and undersized evidence as a compact list after."""
    t, reasons = _messages(lang), record["outcome"]["reasons"]
    gaps = tuple(r[lang] for r in reasons if r["code"] in EVIDENCE_CODES)
    yield Heading(3, t("report.reasons"))
    yield Items(tuple(r[lang] for r in reasons if r["code"] not in EVIDENCE_CODES), ordered=True, name="reasons")
    if gaps:
        yield Heading(4, t("report.evidence_gaps", count=len(gaps)))
        yield Items(gaps, name="gaps")


# ---- radar


def radar_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """The chart, then its values as a table (the only form the Markdown report has)."""
    t = _messages(lang)
    yield Chart(t("report.radar_caption"), t("report.radar_nodata"))
    yield Heading(3, t("report.radar_values"))
    srcs, tree = sources(record), record["tree"]
    rows = [Row((c(label), *(n(source_pct(r, s, lang)) for s in srcs), n(pct(r.get("attainment"), lang)))) for label, r in numbered(record, lang)]
    rows.append(Row((c(t("report.overall")), *(n(source_pct(tree, s, lang)) for s in srcs), n(pct(tree.get("attainment"), lang))), ("group",)))
    head = (t("report.element"), *(source_title(s, lang) for s in srcs), t("report.all_sources"))
    yield Table(head, tuple(rows), frozenset(range(1, len(head))), "radar-values")


# ---- dimension, element and criterion tables


def tree_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    t = _messages(lang)
    yield Heading(3, t("report.dimensions"))
    yield dimensions_table(record, lang)
    yield Heading(3, t("report.elements"))
    yield elements_table(record, lang)
    yield Para(t("report.share_note"), "muted")
    for i, (label, r) in enumerate(numbered(record, lang), 1):
        yield Heading(3, f"{t('report.element_criteria', number=i, title=text(r, lang))} — {pct(r['attainment'], lang)}", f"req-{r['id']}")
        yield criteria_table(r, lang)


def _node_cells(node: dict[str, Any], srcs: list[str], lang: Lang) -> tuple[Cell, ...]:
    """Weight, share, attainment and each source's attainment of a dimension or an element."""
    return (n(node["weight"]), n(pct(node.get("share"), lang)), n(pct(node["attainment"], lang), explains=node["id"]),
            *(n(source_pct(node, s, lang)) for s in srcs))


def dimensions_table(record: Record, lang: Lang) -> Table:
    t, srcs, tree = _messages(lang), sources(record), record["tree"]
    rows = [Row((c(text(d, lang)), *_node_cells(d, srcs, lang))) for d in tree["dimensions"]]
    total = (n(""), n(""), n(pct(tree["attainment"], lang), explains="*"), *(n(source_pct(tree, s, lang)) for s in srcs))
    rows.append(Row((c(t("report.overall")), *total), ("group",)))
    head = (t("report.dimension"), t("report.weight"), t("report.share"), t("report.attainment"), *(source_title(s, lang) for s in srcs))
    return Table(head, tuple(rows), frozenset(range(1, len(head))), "dimensions")


def elements_table(record: Record, lang: Lang) -> Table:
    """The elements under their dimensions, with weights, shares and each source's view."""
    t, srcs = _messages(lang), sources(record)
    labels = dict((r["id"], label) for label, r in numbered(record, lang))
    rows: list[Row] = []
    for d in record["tree"]["dimensions"]:
        rows.append(Row((c(text(d, lang), span=4 + len(srcs)),), ("group",)))
        for r in d["requirements"]:
            muted = ("muted",) if r.get("excluded") or not r.get("assessed", True) else ()
            rows.append(Row((c(labels[r["id"]]), *_node_cells(r, srcs, lang)), muted))
    head = (t("report.element"), t("report.weight"), t("report.share"), t("report.attainment"), *(source_title(s, lang) for s in srcs))
    return Table(head, tuple(rows), frozenset(range(1, len(head))), "elements")


def criteria_table(requirement: dict[str, Any], lang: Lang) -> Table:
    """An element's criteria, each followed by its bindings' curves, measures and attainments.

    The binding-only columns come right after the first one, so that a criterion's title can
    span them and the table stays within an A4 page's width.
    """
    t = _messages(lang)
    rows: list[Row] = []
    for criterion in requirement["criteria"]:
        rows.append(criterion_row(criterion, lang))
        rows += [binding_row(b, lang) for b in criterion["bindings"]]
    head = (
        f"{t('report.criterion')} / {t('report.binding')}", t("report.curve"), t("report.value"), t("report.n"),
        t("report.interval"), t("report.pyramid"), t("report.weight"), t("report.share"), t("report.attainment"),
        t("report.coverage"), t("report.state"),
    )
    return Table(head, tuple(rows), frozenset(range(1, 10)), "criteria")


def criterion_row(criterion: dict[str, Any], lang: Lang) -> Row:
    cells = (
        c(f"{criterion['id']} — {text(criterion, lang)}", span=5), n(criterion.get("pyramid", NONE)), n(criterion["weight"]),
        n(pct(criterion.get("tree_share"), lang)), n(pct(criterion["attainment"], lang), explains=criterion["id"]),
        n(pct(criterion["coverage"], lang)), c(criterion_state(criterion, lang)),
    )
    muted = ("muted",) if criterion["excluded"] or not criterion["assessed"] else ()
    return Row(cells, ("group", *muted))


def binding_row(binding: dict[str, Any], lang: Lang) -> Row:
    """A binding's curve, its measure (value, n, interval) and attainment, and its state."""
    measure = binding.get("measure") or {}
    value = measure.get("value") if measure else binding.get("value")
    state = optional(f"report.bstatus.{binding['status']}", binding["status"], lang)
    if binding.get("unacceptable"):
        state += ", " + tr("report.unacceptable", lang=lang)
    cells = (
        c(binding["id"], ident=True), n(f"{binding['floor']} → {binding['target']}"), n(shown(value)),
        n(measure.get("n") or NONE), n(interval(measure), wrap=True), n(""), n(binding["weight"]),
        n(pct(binding.get("share"), lang)), n(pct(binding["attainment"], lang)), n(""), c(state),
    )
    kinds = ("sub",) + (("flag",) if binding.get("unacceptable") else ()) + (("muted",) if binding["status"] != "evidenced" else ())
    return Row(cells, kinds)


# ---- gates


def gate_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """Each gate, fired or passed, with what failed (its subjects) and what it skipped."""
    t = _messages(lang)
    head = (t("report.gate"), t("report.scope_col"), t("report.threshold"), t("report.effect"), t("report.state"), t("report.subjects"))
    yield Table(head, tuple(gate_row(record, g, lang) for g in record["gates"]), name="gates")
    majors = record.get("majors") or {}
    if majors:
        yield Para(t("report.majors", items=", ".join(f"{k}: {v}" for k, v in majors.items())))


def gate_row(record: Record, gate: dict[str, Any], lang: Lang) -> Row:
    t = _messages(lang)
    subjects = [s[lang] for s in gate.get("subjects", [])]
    if gate.get("skipped"):
        subjects.append(t("report.skipped", items=", ".join(gate["skipped"])))
    if gate["effect"] == "refuse":
        effect = t("report.effect_refuse")
    else:
        effect = t("report.effect_cap", level=level_title(record, gate.get("level"), lang))
    if gate.get("min_percent") is not None:
        threshold = t("report.min_percent", value=gate["min_percent"])
    elif gate.get("max_major") is not None:
        threshold = t("report.max_major", value=gate["max_major"])
    else:
        threshold = NONE
    state = c(t("report.fired"), strong=True) if gate["fired"] else c(t("report.passed"))
    scope = gate["scope"] + (f" · {gate['target']}" if gate.get("target") else "")
    cells = (c(text(gate, lang), lead=gate["id"]), c(scope), c(threshold), c(effect), state, c(NONE if not subjects else "", items=tuple(subjects)))
    return Row(cells, ("flag",) if gate["fired"] else ())


# ---- pyramid


def pyramid_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """Criteria grouped by pyramid level; the per-level mean is labelled as the report's own."""
    t, levels = _messages(lang), pyramid(record)
    labels = {cr["id"]: label for label, r in numbered(record, lang) for cr in r["criteria"]}
    overview = tuple(
        Row((c(level_name(lv.number, lang)), n(len(lv.criteria)), n(lv.assessed), n(mean_text(lv.mean, lang))))
        for lv in reversed(levels)  # top of the pyramid first, as it is drawn
    )
    head = (t("report.level"), t("report.pyramid_count"), t("report.pyramid_assessed"), t("report.pyramid_mean_head"))
    yield Table(head, overview, frozenset({1, 2, 3}), "pyramid")
    for lv in levels:
        yield Heading(3, level_name(lv.number, lang), f"pyramid-{lv.number}")
        rows = tuple(
            Row(
                (c(f"{cr['id']} — {text(cr, lang)}"), c(labels.get(cr["id"], "")), n(pct(cr["attainment"], lang)), c(criterion_state(cr, lang))),
                () if counts_in_mean(cr) else ("muted",),
            )
            for cr in lv.criteria
        )
        yield Table((t("report.criterion"), t("report.element"), t("report.attainment"), t("report.state")), rows, frozenset({2}))
        if lv.mean is None:
            yield Para(t("report.pyramid_none"), "derived")
        else:
            yield Para(t("report.pyramid_mean", count=lv.assessed, value=mean_text(lv.mean, lang)), "derived")


def level_name(number: int, lang: Lang) -> str:
    return tr("report.pyramid_level", lang=lang, number=number, title=tr(f"report.pyramid.{number}", lang=lang))


# ---- sites


def site_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """Each site's overall result, then its attainment on every dimension and element."""
    t, site_list, srcs = _messages(lang), record["sites"], sources(record)
    if not site_list:
        yield Para(NONE, "muted")
        return
    rows = tuple(
        Row(
            (c(s["id"]), c(s["name"]), c(t("report.has_result" if s["has_result"] else "report.no_result")), n(pct(s["attainment"], lang)),
             n(s["points"]["shown"] or NONE), n(pct(s["coverage"], lang)), *(n(source_pct(s, src, lang)) for src in srcs)),
            () if s["has_result"] else ("muted",),
        )
        for s in site_list
    )
    head = (
        t("report.site"), t("report.name"), t("report.result"), t("report.attainment"), t("report.points"), t("report.coverage"),
        *(source_title(x, lang) for x in srcs),
    )
    yield Table(head, rows, frozenset(range(3, len(head))), "sites")
    yield Heading(3, t("report.site_elements"))
    yield site_matrix(record, lang)


def site_matrix(record: Record, lang: Lang) -> Table:
    """Dimensions and elements down, sites across; a site without a result says so in its header."""
    t, site_list = _messages(lang), record["sites"]
    labels = {r["id"]: label for label, r in numbered(record, lang)}
    rows: list[Row] = []
    for d in record["tree"]["dimensions"]:
        rows.append(Row((c(text(d, lang)), *(n(pct(s.get("dimensions", {}).get(d["id"]), lang)) for s in site_list)), ("group",)))
        for r in d["requirements"]:
            rows.append(Row((c(labels[r["id"]]), *(n(pct(s.get("requirements", {}).get(r["id"]), lang)) for s in site_list))))
    head = (t("report.element"), *(s["id"] + ("" if s["has_result"] else f" ({t('report.no_result')})") for s in site_list))
    return Table(head, tuple(rows), frozenset(range(1, len(head))), "site-matrix")


# ---- observations and findings


def note_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """Per element: its findings (strengths to majors), then the auditor's observations."""
    t, names = _messages(lang), site_names(record)
    for label, r in numbered(record, lang):
        yield Heading(3, label, f"notes-{r['id']}")
        findings = findings_of(record, r["id"])
        notes = observations_of(r, names, lang)
        if findings:
            yield findings_table(findings, names, lang)
        if notes:
            yield Heading(4, t("report.observations"))
            yield from notes
        if not findings and not notes:
            yield Para(t("report.nothing"), "muted")


def findings_of(record: Record, requirement: str) -> list[dict[str, Any]]:
    """A requirement's findings, kinds in the order strengths → majors, then as recorded."""
    rank = {kind: i for i, kind in enumerate(FINDING_KINDS)}
    found = [f for f in record["findings"] if f["requirement"] == requirement]
    return sorted(found, key=lambda f: rank.get(f["kind"], len(rank)))


def findings_table(found: list[dict[str, Any]], names: dict[str, str], lang: Lang) -> Table:
    t = _messages(lang)
    rows = tuple(
        Row(
            (c(optional(f"report.kind.{f['kind']}", f["kind"], lang), strong=True), c(f.get("criterion") or NONE),
             c(names.get(f.get("site") or "", f.get("site") or NONE)), c(f["text"]), c(t("report.closed" if f.get("closed") else "report.open"))),
            ("flag",) if f["kind"] == "major" and not f.get("closed") else (),
        )
        for f in found
    )
    head = (t("report.findings"), t("report.criterion"), t("report.site"), t("report.text"), t("report.state"))
    return Table(head, rows, name="findings")


def observations_of(requirement: dict[str, Any], names: dict[str, str], lang: Lang) -> list[Note]:
    """The auditor's written observations and references on a requirement's criteria."""
    notes: list[Note] = []
    for criterion in requirement["criteria"]:
        for binding in criterion["bindings"]:
            for e in binding.get("evidence", []):
                if not (e.get("observations") or e.get("references")):
                    continue
                site = e.get("site") or ""
                title = " · ".join(x for x in (criterion["id"], names.get(site, site), e.get("location") or "") if x)
                notes.append(Note(title, tuple(e.get("observations") or ()), tuple(e.get("references") or ()), tr("report.references", lang=lang)))
    return notes


# ---- evidence, rulesets, plugins


def input_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """What the decision rests on: evidence files, rulesets, the audit file, plugins, policies."""
    t = _messages(lang)
    digest = c(record["audit"].get("digest") or NONE, mono=True)
    yield kv([(t("report.audit_digest"), digest), (t("report.record_format"), record.get("format", NONE))], "record")
    for key, mapping in (("report.inputs", record["inputs"]), ("report.rulesets", record["scheme"].get("rulesets", {}))):
        yield Heading(3, t(key))
        yield Table((t("report.file"), t("report.digest")), tuple(Row((c(k), c(v, mono=True))) for k, v in mapping.items()), name="digests")
    yield Heading(3, t("report.plugins"))
    plugins = tuple(Row((c(p["name"]), c(p.get("version") or NONE), c(p.get("origin") or NONE))) for p in record["plugins"])
    yield Table((t("report.plugin"), t("report.version"), t("report.origin")), plugins, name="plugins")
    yield Heading(3, t("report.policies"))
    yield kv([(k, str(v)) for k, v in record["scheme"].get("policies", {}).items()], "policies")
