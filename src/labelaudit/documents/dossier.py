"""The report's document built from a decision record: a committee dossier, body and appendix.

The body is what a committee reads to decide, in that order: the decision, the reasons that
decided it (a refusal, a deferral or a cap, and its cause, before the points line), the
borderline check and the committee's own votes when a reviews chain exists (`votes`), then the
profile of the nine elements, the results and the findings. It shows every figure as the
reader's locale writes it (`733,9`, `72,0 %`, `20 novembre 2026`) and no fraction or
six-decimal value: those, the criteria and their bindings, the per-site detail, the
observations with their cells and the provenance are in the appendix (`appendix`).

The report is drawn only from the record (never from the engine), so that every number a
committee member reads is a number the record holds, in its `percent` or `shown` form; the
pyramid means are the report's own, labelled as such (`accessors.pyramid`). `document` gives the
same blocks to every renderer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from labelaudit.documents.accessors import (
    NONE,
    colon,
    Record,
    day_text,
    gate_title,
    level_name,
    level_title,
    mean_text,
    number_text,
    numbered,
    optional,
    outcome_text,
    pct,
    percent_text,
    pyramid,
    site_names,
    source_pct,
    source_title,
    sources,
    text,
    weight_text,
)
from labelaudit.documents.appendix import appendix_sections
from labelaudit.documents.blocks import Block, Box, Cell, Chart, Document, Heading, Items, Para, Row, Section, Table, c, kv, n
from labelaudit.documents.reasons import decisive, evidence_gaps, is_cause, reason_texts, subject_text
from labelaudit.i18n import tr
from labelaudit.model import Lang

FINDING_KINDS = ("strength", "improvement", "sensitive", "minor", "major")


def document(record: Record, lang: Lang, committee: tuple[Block, ...] = ()) -> Document:
    """The whole dossier as blocks: the body (the decision first), then the appendix.

    `committee`: the committee's blocks (`votes.committee_blocks`), shown on the first page.
    """
    t = _messages(lang)
    builders: tuple[tuple[str, Callable[[Record, Lang], Iterator[Block]]], ...] = (
        ("outcome", lambda r, lg: outcome_blocks(r, lg, committee)),
        ("radar", radar_blocks),
        ("results", result_blocks),
        ("findings", finding_blocks),
    )
    sections = tuple(Section(t(f"report.sec.{anchor}"), anchor, tuple(build(record, lang))) for anchor, build in builders)
    audit = record["audit"]
    title, footer = t("report.title", org=audit["organisation"]), t("report.footer", id=audit["id"])
    return Document(lang, title, header_blocks(record, lang), sections, footer, appendix_sections(record, lang), t("report.dossier.appendix"))


def _messages(lang: Lang) -> Callable[..., str]:
    def t(key: str, **params: Any) -> str:
        return tr(key, lang=lang, **params)

    return t


def header_blocks(record: Record, lang: Lang) -> tuple[Block, ...]:
    """Who and what was audited, when, under which scheme."""
    t, audit, scheme = _messages(lang), record["audit"], record["scheme"]
    dates = audit.get("dates", {})
    visit = " → ".join(day_text(d, lang) for d in (dates.get("onsite_start"), dates.get("onsite_end")) if d) or NONE
    rows = [
        (t("report.audit"), audit["id"]),
        (t("report.scope"), audit.get("scope") or NONE),
        (t("report.kind"), audit.get("kind") or NONE),
        (t("report.auditors"), ", ".join(audit.get("auditors", [])) or NONE),
        (t("report.onsite_dates"), visit),
        (t("report.decided_on"), day_text(record.get("decided_on"), lang)),
        (t("report.scheme"), f"{scheme['id']} {scheme.get('version', '')}".strip()),
    ]
    return (Heading(1, t("report.title", org=audit["organisation"])), kv(rows, "audit"))


# ---- the decision: page 1


def outcome_blocks(record: Record, lang: Lang, committee: tuple[Block, ...] = ()) -> Iterator[Block]:
    """The verdict, the reasons (what decided first), the figures, the borderline check, the
    committee's votes; the evidence gaps only counted here (listed in the appendix)."""
    t, o, scheme = _messages(lang), record["outcome"], record["scheme"]
    yield Para(outcome_text(record, o["status"], o["level"], lang), "verdict", o["status"])
    yield from reason_blocks(record, lang)
    minimum = scheme.get("policies", {}).get("min_coverage")
    yield kv(
        [
            (t("report.level"), level_title(record, o["level"], lang)),
            (t("report.points"), c(t("report.points_of", points=number_text(o["points"]["shown"], lang),
                                     max=number_text(scheme["max_points"], lang)), explains="*")),
            (t("report.coverage"), t("report.dossier.coverage_min", value=pct(o["coverage"], lang), minimum=percent_text(minimum, lang))),
            (t("report.stability"), stability_text(record, lang)),
            (t("report.levels"), levels_line(record, lang)),
        ],
        "figures",
    )
    if record["stability"].get("borderline"):
        yield borderline_box(record, lang)
    yield from committee


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
            points = number_text(run["points"], lang)
            line = t("report.run", outcome=outcome_text(record, run["status"], run["level"], lang), points=points)
            if run.get("gates_fired"):
                line += " · " + t("report.gates_fired", gates=", ".join(gate_title(record, g, lang) for g in run["gates_fired"]))
            runs.append(t(key) + colon(lang) + line)
    blocks: list[Block] = [Para(t("report.borderline"), "flag"), Items(tuple(runs))]
    sensitive = tuple(
        t("report.sensitive_line", **{k: number_text(v, lang) if k.endswith("_points") else v for k, v in item.items()})
        for item in s.get("sensitive_bindings") or []
    )
    if sensitive:
        blocks += [Para(t("report.sensitive"), "flag"), Items(sensitive)]
    return Box(tuple(blocks), "borderline")


def reason_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """The reasons, what refused, deferred or capped first (marked), then the points line and
    the rest; the missing and undersized evidence as a count here, listed in the appendix."""
    t, reasons = _messages(lang), decisive(record)
    texts = reason_texts(record, reasons, lang)
    yield Heading(3, t("report.reasons"))
    yield Items(tuple(texts), ordered=True, name="reasons", marked=tuple(i for i, r in enumerate(reasons) if is_cause(r)))
    gaps = evidence_gaps(record)
    if gaps:
        yield Para(t("report.dossier.gaps_in_appendix", count=number_text(len(gaps), lang)), "muted")


def levels_line(record: Record, lang: Lang) -> str:
    """The scheme's levels and their thresholds on one line, the decided one marked in words."""
    decided = record["outcome"]["level"]
    items = []
    for lv in record["scheme"]["levels"]:
        item = tr("report.dossier.level_threshold", lang=lang, level=text(lv, lang), points=number_text(lv["min_points"], lang))
        items.append(item + (f" ({tr('report.reached', lang=lang)})" if lv["id"] == decided else ""))
    return " · ".join(items) or NONE


# ---- radar


def radar_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """The chart; its values are those of the results' table (the form the Markdown report has)."""
    t = _messages(lang)
    yield Chart(t("report.radar_caption"), t("report.dossier.radar_gap"))


# ---- results: the tree, the levels, the gates, the pyramid, the sites


def result_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    t = _messages(lang)
    yield Heading(3, t("report.elements"))
    yield tree_table(record, lang)
    yield Heading(3, t("report.sec.gates"))
    yield from gate_blocks(record, lang)
    yield Heading(3, t("report.sec.pyramid"))
    yield pyramid_overview(record, lang)
    yield Heading(3, t("report.sec.sites"))
    yield from site_blocks(record, lang)


def _node_cells(node: dict[str, Any], srcs: list[str], lang: Lang) -> tuple[Cell, ...]:
    """Weight (as a decimal), share, attainment and each source's attainment of a node."""
    return (n(weight_text(node["weight"], lang)), n(pct(node.get("share"), lang)), n(pct(node["attainment"], lang), explains=node["id"]),
            *(n(source_pct(node, s, lang)) for s in srcs))


def tree_table(record: Record, lang: Lang) -> Table:
    """Each dimension (a band with its figures) and its elements, then the overall line."""
    t, srcs, tree = _messages(lang), sources(record), record["tree"]
    labels = dict((r["id"], label) for label, r in numbered(record, lang))
    rows: list[Row] = []
    for d in tree["dimensions"]:
        rows.append(Row((c(text(d, lang)), *_node_cells(d, srcs, lang)), ("group",)))
        for r in d["requirements"]:
            muted = ("muted",) if r.get("excluded") or not r.get("assessed", True) else ()
            rows.append(Row((c(labels[r["id"]]), *_node_cells(r, srcs, lang)), ("sub", *muted)))
    total = (n(""), n(""), n(pct(tree["attainment"], lang), explains="*"), *(n(source_pct(tree, s, lang)) for s in srcs))
    rows.append(Row((c(t("report.overall")), *total), ("group",)))
    head = (f"{t('report.dimension')} / {t('report.element')}", t("report.weight"), t("report.share"), t("report.attainment"),
            *(source_title(s, lang) for s in srcs))
    return Table(head, tuple(rows), frozenset(range(1, len(head))), "elements")


def gate_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """Each gate, fired or passed, with what failed (its subjects) and what it skipped."""
    t = _messages(lang)
    head = (t("report.gate"), t("report.threshold"), t("report.effect"), t("report.state"), t("report.subjects"))
    yield Table(head, tuple(gate_row(record, g, lang) for g in record["gates"]), name="gates")
    majors = record.get("majors") or {}
    if majors:
        yield Para(t("report.majors", items=", ".join(f"{k}{colon(lang)}{number_text(v, lang)}" for k, v in majors.items())))


def gate_row(record: Record, gate: dict[str, Any], lang: Lang) -> Row:
    t = _messages(lang)
    subjects = [subject_text(s, lang) for s in gate.get("subjects", [])]
    if gate.get("skipped"):
        subjects.append(t("report.skipped", items=", ".join(gate["skipped"])))
    if gate["effect"] == "refuse":
        effect = t("report.effect_refuse")
    else:
        effect = t("report.effect_cap", level=level_title(record, gate.get("level"), lang))
    if gate.get("min_percent") is not None:
        threshold = t("report.dossier.min_percent", value=percent_text(gate["min_percent"], lang))
    elif gate.get("max_major") is not None:
        threshold = t("report.max_major", value=number_text(gate["max_major"], lang))
    else:
        threshold = NONE
    state = c(t("report.fired"), strong=True) if gate["fired"] else c(t("report.passed"))
    cells = (c(text(gate, lang)), c(threshold), c(effect), state, c(NONE if not subjects else "", items=tuple(subjects)))
    return Row(cells, ("flag",) if gate["fired"] else ())


def pyramid_overview(record: Record, lang: Lang) -> Table:
    """Criteria per pyramid level and the report's own mean (its detail in the appendix)."""
    t = _messages(lang)
    overview = tuple(
        Row((c(level_name(lv.number, lang)), n(number_text(len(lv.criteria), lang)), n(number_text(lv.assessed, lang)), n(mean_text(lv.mean, lang))))
        for lv in reversed(pyramid(record))  # top of the pyramid first, as it is drawn
    )
    head = (t("report.level"), t("report.pyramid_count"), t("report.pyramid_assessed"), t("report.pyramid_mean_head"))
    return Table(head, overview, frozenset({1, 2, 3}), "pyramid")


def site_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """Each site's overall result (its per-element figures are in the appendix)."""
    t, site_list, srcs = _messages(lang), record["sites"], sources(record)
    if not site_list:
        yield Para(NONE, "muted")
        return
    rows = tuple(
        Row(
            (c(s["name"]), c(t("report.has_result" if s["has_result"] else "report.no_result")), n(pct(s["attainment"], lang)),
             n(number_text(s["points"]["shown"] or NONE, lang)), n(pct(s["coverage"], lang)), *(n(source_pct(s, src, lang)) for src in srcs)),
            () if s["has_result"] else ("muted",),
        )
        for s in site_list
    )
    head = (
        t("report.site"), t("report.result"), t("report.attainment"), t("report.points"), t("report.coverage"),
        *(source_title(x, lang) for x in srcs),
    )
    yield Table(head, rows, frozenset(range(2, len(head))), "sites")


# ---- findings


def finding_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """Every finding, element by element, strengths to majors (the observations are in the appendix)."""
    t, names = _messages(lang), site_names(record)
    order = {r["id"]: i for i, (_, r) in enumerate(numbered(record, lang))}
    numbers = {key: str(i + 1) for key, i in order.items()}  # the element's number, as in the tables above
    rank = {kind: i for i, kind in enumerate(FINDING_KINDS)}
    found = sorted(record["findings"], key=lambda f: (order.get(f["requirement"], len(order)), rank.get(f["kind"], len(rank))))
    if not found:
        yield Para(t("report.nothing"), "muted")
        return
    rows = tuple(
        Row(
            (c(optional(f"report.kind.{f['kind']}", f["kind"], lang), strong=True), c(numbers.get(f["requirement"], f["requirement"])),
             c(names.get(f.get("site") or "", f.get("site") or NONE)), c(f["text"]), c(t("report.closed" if f.get("closed") else "report.open"))),
            ("flag",) if f["kind"] == "major" and not f.get("closed") else (),
        )
        for f in found
    )
    head = (t("report.findings"), t("report.dossier.element_no"), t("report.site"), t("report.text"), t("report.state"))
    yield Table(head, rows, name="findings")
