"""The outcome's reasons as a committee reads them: what decided first, numbers in the locale.

The record keeps every reason with its code, its values and its text in each language, the
numbers written locale-free (`733.9`). A report writes them again from the code and the values,
so that French reads `733,9 points` and `couverture 100,0 %`; a reason whose code this module
does not know (a newer engine's) is shown with the record's own text, never dropped.

`decisive` orders them as a committee needs them: what refused, deferred or capped the outcome
(and its cause) before the points line, then the exclusions; missing and undersized evidence
is listed apart (`evidence_gaps`), in the appendix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labelaudit.documents.accessors import Record, level_title, number_text, percent_text, text
from labelaudit.i18n import tr
from labelaudit.model import Lang

Reason = dict[str, Any]
SITES_NAMED = 20  # a sites reason's text names this many sites (engine.per_site writes it so too)
EVIDENCE_CODES = ("missing", "undersized", "undersized_hidden", "too_few_clusters")
# What decides an outcome comes first: a refusal, a deferral, no level reached; then a cap;
# then what the decision rests on without deciding it; then the points and the coverage.
RANK = {
    "gate_refuse": 0, "coverage_low": 0, "no_level": 0,
    "gate_cap": 1,
    "plugin_skipped": 2, "sites_without_result": 2, "sites_not_visited": 2,
    "points": 3, "coverage_ok": 4, "excluded": 5,
}
LATER = 6  # an unknown code: after the known ones, in the record's order


def decisive(record: Record) -> list[Reason]:
    """The reasons other than the evidence gaps, what decided first (stable within a rank)."""
    kept = [r for r in record["outcome"]["reasons"] if r["code"] not in EVIDENCE_CODES]
    return sorted(kept, key=lambda r: RANK.get(r["code"], LATER))


def evidence_gaps(record: Record) -> list[Reason]:
    return [r for r in record["outcome"]["reasons"] if r["code"] in EVIDENCE_CODES]


def is_cause(reason: Reason) -> bool:
    """A reason that refused, deferred or capped the outcome (shown as such on page 1)."""
    return RANK.get(reason["code"], LATER) <= 1


def reason_texts(record: Record, reasons: list[Reason], lang: Lang) -> tuple[str, ...]:
    """Each reason in `lang`, its numbers in the locale's form."""
    subjects = _gate_subjects(record, lang)
    return tuple(reason_text(record, r, lang, subjects) for r in reasons)


def reason_text(record: Record, reason: Reason, lang: Lang, subjects: dict[str, list[str]] | None = None) -> str:
    """One reason written again from its code and values; the record's text when unknown."""
    params = reason.get("params") or {}
    render = _RENDERERS.get(reason["code"])
    if render is None:
        return str(reason.get(lang) or reason.get("en") or reason["code"])
    try:
        return render(record, params, lang, subjects if subjects is not None else _gate_subjects(record, lang))
    except KeyError:  # a value this engine's reason lacks: the record's own words
        return str(reason.get(lang) or reason.get("en") or reason["code"])


def subject_text(subject: Reason, lang: Lang) -> str:
    """What failed a gate (`valence à 41,2 % < 45 %`), numbers in the locale's form."""
    p = subject.get("params") or {}
    code = subject.get("code")
    try:
        if code == "subject_below":
            return tr("report.why.subject_below", lang=lang, subject=p["subject"], value=percent_text(p["value"], lang),
                      minimum=percent_text(p["minimum"], lang))
        if code == "subject_unacceptable":
            return tr("reason.subject_unacceptable", lang=lang, subject=p["subject"], value=number_text(p["value"], lang),
                      floor=number_text(p["floor"], lang))
        if code == "subject_majors":
            return tr("reason.subject_majors", lang=lang, count=number_text(p["count"], lang),
                      maximum=number_text(p["maximum"], lang), requirements=p["requirements"])
    except KeyError:
        pass
    return str(subject.get(lang) or subject.get("en") or code)


def _gate_subjects(record: Record, lang: Lang) -> dict[str, list[str]]:
    """Each fired gate's subjects in order: the record's gate reasons follow the same order."""
    return {g["id"]: [subject_text(s, lang) for s in g.get("subjects", [])] for g in record.get("gates", []) if g.get("fired")}


def _gate(record: Record, gate_id: str) -> dict[str, Any]:
    return next(g for g in record["gates"] if g["id"] == gate_id)


Renderer = Callable[[Record, dict[str, Any], Lang, dict[str, list[str]]], str]


def _points(code: str) -> Renderer:
    def render(record: Record, p: dict[str, Any], lang: Lang, _: dict[str, list[str]]) -> str:
        return tr(f"reason.{code}", lang=lang, points=number_text(p["points"], lang), min_points=number_text(p["min_points"], lang),
                  level_title=level_title(record, p["level"], lang))

    return render


def _coverage(code: str) -> Renderer:
    def render(record: Record, p: dict[str, Any], lang: Lang, _: dict[str, list[str]]) -> str:
        return tr(f"report.why.{code}", lang=lang, coverage=percent_text(p["coverage"], lang), minimum=percent_text(p["minimum"], lang))

    return render


def _gate_reason(code: str) -> Renderer:
    """A gate's reason: its title, its effect, and the next of its subjects (one reason each)."""

    def render(record: Record, p: dict[str, Any], lang: Lang, subjects: dict[str, list[str]]) -> str:
        gate = _gate(record, p["gate"])
        pending = subjects.get(gate["id"])
        if not pending:  # more reasons than the gate has subjects: the record's own words
            raise KeyError(gate["id"])
        detail = pending.pop(0) if len(pending) > 1 else pending[0]
        level = level_title(record, gate.get("level"), lang)
        return tr(f"reason.{code}", lang=lang, gate_title=text(gate, lang), level_title=level, detail=detail)

    return render


def _excluded(record: Record, p: dict[str, Any], lang: Lang, _: dict[str, list[str]]) -> str:
    return tr("reason.excluded", lang=lang, criterion=p["criterion"], justification=p["justification"], approved_by=p["approved_by"])


def _missing(record: Record, p: dict[str, Any], lang: Lang, _: dict[str, list[str]]) -> str:
    return tr("reason.missing", lang=lang, criterion=p["criterion"], binding=p["binding"])


def _undersized(record: Record, p: dict[str, Any], lang: Lang, _: dict[str, list[str]]) -> str:
    return tr("reason.undersized", lang=lang, criterion=p["criterion"], binding=p["binding"], n=number_text(p["n"], lang),
              min=number_text(p["min"], lang))


def _site_ids(record: Record, p: dict[str, Any], flag: str) -> list[str]:
    """The sites a reason names, in the record's order: those whose `flag` is false. The
    reason's `sites` value names every one of them; the record's sites say which they are
    without reading ids out of a joined string (an id may hold a comma)."""
    ids = [str(s["id"]) for s in record.get("sites", []) if not s.get(flag, True)]
    if len(ids) != int(p["count"]) or ", ".join(ids) != p["sites"]:
        raise KeyError("sites")  # a record whose sites disagree with its reason: its own words
    return ids


def _named(ids: list[str], lang: Lang) -> str:
    """All the sites, or the first SITES_NAMED and how many more (as the engine writes them)."""
    if len(ids) <= SITES_NAMED:
        return ", ".join(ids)
    return tr("reason.more_sites", lang=lang, sites=", ".join(ids[:SITES_NAMED]), more=number_text(len(ids) - SITES_NAMED, lang))


def _sites_without_result(record: Record, p: dict[str, Any], lang: Lang, _: dict[str, list[str]]) -> str:
    ids = _site_ids(record, p, "has_result")
    return tr("reason.sites_without_result", lang=lang, count=number_text(p["count"], lang),
              minimum=number_text(p["minimum"], lang), named=_named(ids, lang))


def _sites_not_visited(record: Record, p: dict[str, Any], lang: Lang, _: dict[str, list[str]]) -> str:
    ids = _site_ids(record, p, "visited")
    return tr("reason.sites_not_visited", lang=lang, count=number_text(p["count"], lang), named=_named(ids, lang))


def _plugin_skipped(record: Record, p: dict[str, Any], lang: Lang, _: dict[str, list[str]]) -> str:
    return tr("reason.plugin_skipped", lang=lang, source=p["source"], plugin=p["plugin"])


_RENDERERS: dict[str, Renderer] = {
    "points": _points("points"),
    "no_level": _points("no_level"),
    "coverage_ok": _coverage("coverage_ok"),
    "coverage_low": _coverage("coverage_low"),
    "gate_refuse": _gate_reason("gate_refuse"),
    "gate_cap": _gate_reason("gate_cap"),
    "excluded": _excluded,
    "missing": _missing,
    "undersized": _undersized,
    "sites_without_result": _sites_without_result,
    "sites_not_visited": _sites_not_visited,
    "plugin_skipped": _plugin_skipped,
}
