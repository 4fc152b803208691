"""The dossier's appendix: the detail behind the body's figures, for whoever checks them.

Each element's criteria and bindings with their curves, measured values, intervals and exact
weights (fractions where the rulesets give them); the pyramid level by level; each site's
figures on every dimension and element; the missing and undersized evidence; the auditor's
observations with the file and cell they were read from; and the provenance (digests of the
audit, the evidence and the rulesets, the plugins, the policies). Decimals are in the reader's
locale; fractions and six-decimal values are kept as the record holds them, since this is where
a number is traced to its inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

from labelaudit.documents.accessors import (
    NONE,
    Record,
    counts_in_mean,
    criterion_state,
    level_name,
    mean_text,
    number_text,
    numbered,
    optional,
    percent_text,
    pct,
    place_text,
    pyramid,
    site_names,
    text,
)
from labelaudit.documents.blocks import Block, Heading, Items, Note, Para, Row, Section, Table, c, kv, n
from labelaudit.documents.reasons import evidence_gaps, reason_texts
from labelaudit.i18n import tr, words
from labelaudit.model import Lang
from labelaudit.numbers import shown


def appendix_sections(record: Record, lang: Lang) -> tuple[Section, ...]:
    builders: tuple[tuple[str, Callable[[Record, Lang], Iterator[Block]]], ...] = (
        ("criteria", criteria_blocks),
        ("pyramid-detail", pyramid_blocks),
        ("site-detail", site_detail_blocks),
        ("gaps", gap_blocks),
        ("notes", note_blocks),
        ("inputs", input_blocks),
    )
    return tuple(Section(tr(f"report.app.{anchor}", lang=lang), f"app-{anchor}", tuple(build(record, lang))) for anchor, build in builders)


def value_text(value: dict[str, Any] | None, lang: Lang) -> str:
    """A record value's `shown` decimal in the locale's form, `—` when absent."""
    if not value or value.get("shown") is None:
        return NONE
    return number_text(value["shown"], lang)


def interval(measure: dict[str, Any] | None, lang: Lang) -> str:
    """`[low ; high]` of a measure's shown bounds, as the reader's language writes it, else `—`."""
    if not measure or not measure.get("low") or measure["low"].get("shown") is None:
        return NONE
    return tr("format.interval", lang=lang, low=value_text(measure["low"], lang), high=value_text(measure["high"], lang))


# ---- criteria and bindings


def criteria_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    yield Para(tr("report.share_note", lang=lang), "muted")
    for label, r in numbered(record, lang):
        yield Heading(3, f"{label} — {pct(r['attainment'], lang)}", f"req-{r['id']}")
        yield criteria_table(r, lang)


def criteria_table(requirement: dict[str, Any], lang: Lang) -> Table:
    """An element's criteria, each followed by its bindings' curves, measures and attainments.

    The binding-only columns come right after the first one, so that a criterion's title can
    span them and the table stays within an A4 page's width.
    """
    rows: list[Row] = []
    for criterion in requirement["criteria"]:
        rows.append(criterion_row(criterion, lang))
        rows += [binding_row(b, lang) for b in criterion["bindings"]]
    head = tuple(
        tr(f"report.{key}", lang=lang)
        for key in ("criterion", "curve", "value", "n", "interval", "pyramid", "weight", "share", "attainment", "coverage", "state")
    )
    head = (f"{head[0]} / {tr('report.binding', lang=lang)}", *head[1:])
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
    curve = f"{number_text(binding['floor'], lang)} → {number_text(binding['target'], lang)}"
    cells = (
        c(binding["id"], ident=True), n(curve), n(value_text(value, lang)),
        n(number_text(measure.get("n") or NONE, lang)), n(interval(measure, lang), wrap=True), n(""), n(binding["weight"]),
        n(pct(binding.get("share"), lang)), n(pct(binding["attainment"], lang)), n(""), c(state),
    )
    kinds = ("sub",) + (("flag",) if binding.get("unacceptable") else ()) + (("muted",) if binding["status"] != "evidenced" else ())
    return Row(cells, kinds)


# ---- pyramid


def pyramid_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """The criteria of each pyramid level; the per-level mean is labelled as the report's own."""
    t_level = {cr["id"]: label for label, r in numbered(record, lang) for cr in r["criteria"]}
    for lv in pyramid(record):
        yield Heading(3, level_name(lv.number, lang), f"pyramid-{lv.number}")
        rows = tuple(
            Row(
                (c(f"{cr['id']} — {text(cr, lang)}"), c(t_level.get(cr["id"], "")), n(pct(cr["attainment"], lang)), c(criterion_state(cr, lang))),
                () if counts_in_mean(cr) else ("muted",),
            )
            for cr in lv.criteria
        )
        head = tuple(tr(f"report.{k}", lang=lang) for k in ("criterion", "element", "attainment", "state"))
        yield Table(head, rows, frozenset({2}))
        if lv.mean is None:
            yield Para(tr("report.pyramid_none", lang=lang), "derived")
        else:
            yield Para(tr("report.pyramid_mean", lang=lang, count=lv.assessed, value=mean_text(lv.mean, lang)), "derived")


# ---- sites


def site_detail_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """Dimensions and elements down, sites across; a site without a result says so in its header."""
    site_list = record["sites"]
    if not site_list:
        yield Para(NONE, "muted")
        return
    labels = {r["id"]: label for label, r in numbered(record, lang)}
    rows: list[Row] = []
    for d in record["tree"]["dimensions"]:
        rows.append(Row((c(text(d, lang)), *(n(pct(s.get("dimensions", {}).get(d["id"]), lang)) for s in site_list)), ("group",)))
        for r in d["requirements"]:
            rows.append(Row((c(labels[r["id"]]), *(n(pct(s.get("requirements", {}).get(r["id"]), lang)) for s in site_list))))
    no_result = tr("report.no_result", lang=lang)
    head = (tr("report.element", lang=lang), *(s["id"] + ("" if s["has_result"] else f" ({no_result})") for s in site_list))
    yield Table(head, tuple(rows), frozenset(range(1, len(head))), "site-matrix")


# ---- evidence gaps


def gap_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    gaps = evidence_gaps(record)
    if not gaps:
        yield Para(tr("report.nothing", lang=lang), "muted")
        return
    yield Para(tr("report.evidence_gaps", lang=lang, count=number_text(len(gaps), lang)))
    yield Items(reason_texts(record, gaps, lang), name="gaps")


# ---- observations with their cells


def note_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """Per element: the auditor's observations, each with the file and cell it was read from."""
    names = site_names(record)
    for label, r in numbered(record, lang):
        notes = observations_of(r, names, lang)
        if notes:
            yield Heading(3, label, f"notes-{r['id']}")
            yield from notes


def observations_of(requirement: dict[str, Any], names: dict[str, str], lang: Lang) -> list[Note]:
    """The auditor's written observations and references on a requirement's criteria."""
    notes: list[Note] = []
    for criterion in requirement["criteria"]:
        for binding in criterion["bindings"]:
            for e in binding.get("evidence", []):
                if not (e.get("observations") or e.get("references")):
                    continue
                site = e.get("site") or ""
                where = ", ".join(x for x in (e.get("file") or "", place_text(e.get("location") or "", lang)) if x)
                title = " · ".join(x for x in (criterion["id"], names.get(site, site), where) if x)
                notes.append(Note(title, tuple(e.get("observations") or ()), tuple(e.get("references") or ()), tr("report.references", lang=lang)))
    return notes


# ---- evidence, rulesets, plugins


def input_blocks(record: Record, lang: Lang) -> Iterator[Block]:
    """What the decision rests on: evidence files, rulesets, the audit file, plugins, policies."""
    def t(key: str, **params: Any) -> str:
        return tr(key, lang=lang, **params)

    digest = c(record["audit"].get("digest") or NONE, mono=True)
    yield kv([(t("report.audit_digest"), digest), (t("report.record_format"), str(record.get("format", NONE)))], "record")
    for key, mapping in (("report.inputs", record["inputs"]), ("report.rulesets", record["scheme"].get("rulesets", {}))):
        yield Heading(3, t(key))
        yield Table((t("report.file"), t("report.digest")), tuple(Row((c(k), c(v, mono=True))) for k, v in mapping.items()), name="digests")
    yield Heading(3, t("report.plugins"))
    plugins = tuple(Row((c(p["name"]), c(p.get("version") or NONE), c(words.plugin_origin(p["origin"], lang) if p.get("origin") else NONE))) for p in record["plugins"])
    yield Table((t("report.plugin"), t("report.version"), t("report.origin")), plugins, name="plugins")
    yield Heading(3, t("report.policies"))
    yield kv([policy_row(k, v, lang) for k, v in record["scheme"].get("policies", {}).items()], "policies")


def policy_row(key: str, value: Any, lang: Lang) -> tuple[str, str]:
    """A scheme policy by its name and its value in words or in the locale's numbers
    (`Niveau de confiance` 95 %, `Preuve manquante` laissée de côté); a policy labelaudit
    does not name (a later scheme's) as the record writes it."""
    label = optional(f"report.policy.{key}", key, lang)
    if key in ("missing", "sites"):
        return label, words.policy(key, str(value), lang)
    if key == "confidence":
        return label, percent_text(shown(Fraction(str(value)) * 100), lang)  # 19/20 as 95 %, as written
    if key == "min_coverage":
        return label, percent_text(str(value), lang)
    return label, number_text(str(value), lang)
