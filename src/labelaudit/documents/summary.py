"""The readable summary `labelaudit score` prints, drawn from the decision record itself.

Drawing it from the record (not from the engine's objects) guarantees that every number a
person reads in the terminal is a number the record holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from labelaudit.documents.accessors import text
from labelaudit.documents.reasons import EVIDENCE_CODES, reason_texts
from labelaudit.i18n import tr, words
from labelaudit.i18n.formatting import Figure, written, written_date, written_percent
from labelaudit.model import Lang
from labelaudit.numbers import shown


GATE_CODES = ("gate_refuse", "gate_cap")
SITES_LISTED = 20  # more sites than this (a network): only the weakest are listed
REASONS_PER_GATE = 5  # a gate's reasons beyond this (one per failing site) are counted, not listed


def _pct(share: dict[str, Any], lang: Lang) -> str:
    """A record share as the reader's language writes a percentage (`72,0 %`, `72.0%`)."""
    return written_percent(share.get("percent"), lang)


def _weight(node: dict[str, Any], lang: Lang) -> str:
    return written(shown(Fraction(node["weight"])), lang)


def _title(node: dict[str, Any], lang: Lang) -> str:
    return text(node, lang)


def level_title(record: dict[str, Any], level: str | None, lang: Lang) -> str:
    titles = {lv["id"]: text(lv, lang) for lv in record["scheme"]["levels"]}
    return titles.get(level or "", level or "—")


def outcome_line(record: dict[str, Any], status: str, level: str | None, lang: Lang) -> str:
    if status == "granted":
        return tr("outcome.granted", lang=lang, level=level_title(record, level, lang))
    return tr(f"outcome.{status}", lang=lang)


def _run_line(record: dict[str, Any], run: dict[str, Any], lang: Lang) -> str:
    return f"{outcome_line(record, run['status'], run['level'], lang)} ({written(run['points'], lang)})"


def _perception_lines(tree: dict[str, Any], lang: Lang) -> Any:
    """Each measured binding (a sample, so an n): value, interval, n and attainment."""
    for dimension in tree["dimensions"]:
        for requirement in dimension["requirements"]:
            for criterion in requirement["criteria"]:
                for binding in criterion["bindings"]:
                    measure = binding.get("measure")
                    if not measure or not measure.get("n"):
                        continue
                    value, low, high = (measure[k]["shown"] for k in ("value", "low", "high"))
                    interval = _interval(low, high, lang) if low is not None else ""
                    outcome = (
                        _pct(binding["attainment"], lang)
                        if binding["status"] == "evidenced"
                        else tr(f"summary.status_{binding['status']}", lang=lang)
                    )
                    add_to = f"  {criterion['id']:<16} {binding['id']:<28} {_short(value, lang):>11} {interval:<26} n = {measure['n']:<6} {outcome}"
                    yield add_to.rstrip()


def _short(shown: str | None, lang: Lang) -> str:
    """The value as the record shows it (six decimals, no second rounding), in the reader's way."""
    return written(shown, lang)


def _interval(low: str | None, high: str | None, lang: Lang) -> str:
    """`[0,654643 ; 0,840278]` in French (the comma is the decimal mark), `[0.654643, 0.840278]`."""
    return tr("format.interval", lang=lang, low=_short(low, lang), high=_short(high, lang))


def _labelled(key: str, value: str, lang: Lang) -> str:
    """`Points: 733.9` / `Points : 733.9`: French puts a space before the colon."""
    return tr("summary.labelled", lang=lang, label=tr(key, lang=lang), value=value)


def render(record: dict[str, Any], lang: Lang) -> str:
    lines: list[str] = []
    add = lines.append
    audit, outcome, tree = record["audit"], record["outcome"], record["tree"]
    add(tr("summary.title", lang=lang, org=audit["organisation"]) + f" ({audit['id']})")
    add(_labelled("summary.scheme", f"{record['scheme']['id']} {record['scheme']['version']} · {written_date(record['decided_on'], lang)}", lang))
    add("")
    add(_labelled("summary.outcome", outcome_line(record, outcome["status"], outcome["level"], lang), lang))
    add(_labelled("summary.points", f"{written(outcome['points']['shown'], lang)} / {record['scheme']['max_points']}", lang))
    add(_labelled("summary.coverage", _pct(outcome["coverage"], lang), lang))
    stability = record["stability"]
    if stability["borderline"]:
        add(tr("summary.borderline", lang=lang, low=_run_line(record, stability["pessimistic"], lang), high=_run_line(record, stability["optimistic"], lang)))
        for item in stability.get("sensitive_bindings", []):
            add("  " + tr("summary.sensitive", lang=lang, criterion=item["criterion"], binding=item["binding"],
                          pessimistic_points=Figure(item["pessimistic_points"]),
                          optimistic_points=Figure(item["optimistic_points"])))
    elif stability["checked"]:
        add(tr("summary.stable", lang=lang))
    add("")
    names = [_title(d, lang) for d in tree["dimensions"]] + [f"  {_title(r, lang)}" for d in tree["dimensions"] for r in d["requirements"]]
    width = min(max([58, *map(len, names)]), 80)  # whole titles, up to a wide terminal's room
    add(f"{tr('summary.dimensions', lang=lang):<{width}} {tr('summary.weight', lang=lang):>6} {tr('summary.attainment', lang=lang):>10}")
    for dimension in tree["dimensions"]:
        add(f"{_title(dimension, lang)[:width]:<{width}} {_weight(dimension, lang):>6} {_pct(dimension['attainment'], lang):>10}")
        for requirement in dimension["requirements"]:
            add(f"  {_title(requirement, lang)[:width - 2]:<{width - 2}} {_weight(requirement, lang):>6} {_pct(requirement['attainment'], lang):>10}")
    perception = list(_perception_lines(tree, lang))
    if perception:
        add("")
        add(tr("summary.perception", lang=lang))
        lines.extend(perception)
    add("")
    add(tr("summary.sources", lang=lang))
    named = {source: words.source(source, lang) for source in tree["sources"]}
    source_width = max([20, *map(len, named.values())])
    for source, share in sorted(tree["sources"].items()):
        add(f"  {named[source]:<{source_width}} {_pct(share, lang):>10}")
    add("")
    add(tr("summary.gates", lang=lang))
    gate_width = max([24, *(len(text(g, lang)) for g in record["gates"])])
    for gate in record["gates"]:
        state = tr("summary.fired" if gate["fired"] else "summary.passed", lang=lang)
        add(f"  {text(gate, lang):<{gate_width}} {state}")
    if record["sites"]:
        add("")
        lines.extend(_site_lines(record["sites"], lang))
    add("")
    add(tr("summary.reasons", lang=lang))
    lines.extend(_reason_lines(record, outcome["reasons"], lang))
    return "\n".join(lines) + "\n"


def _site_lines(sites: list[dict[str, Any]], lang: Lang) -> Iterator[str]:
    """Every site, or for a network only the weakest: a terminal cannot show 1,400 lines."""
    judged = sorted((s for s in sites if s["has_result"] and not s.get("suppressed")), key=lambda s: (float(s["attainment"]["percent"]), s["id"]))
    if len(sites) <= SITES_LISTED:
        yield tr("summary.sites", lang=lang)
        listed = sites
    else:
        listed = judged[:SITES_LISTED]
        yield tr("summary.sites_weakest", lang=lang, shown=len(listed), total=len(sites))
    for site in listed:
        value = _pct(site["attainment"], lang) if site["has_result"] else tr("summary.not_assessed", lang=lang)
        if site.get("suppressed"):
            value = tr("summary.site_suppressed", lang=lang, count=site["fewer_than"])
        if not site.get("visited", True):
            value = tr("summary.not_visited", lang=lang, value=value)
        yield f"  {site['id']:<20} {site['name'][:36]:<36} {value:>10}"
    if len(listed) < len(sites):
        yield "  " + tr("summary.more_sites", lang=lang, count=len(sites) - len(listed))
        if len(judged) < len(sites):
            yield "  " + tr("summary.sites_without_result", lang=lang, count=len(sites) - len(judged))
    if judged:
        yield tr("summary.weakest_site", lang=lang, site=judged[0]["id"], value=_pct(judged[0]["attainment"], lang))


def _reason_lines(record: dict[str, Any], reasons: list[dict[str, Any]], lang: Lang) -> Iterator[str]:
    """The outcome's reasons; a gate that fired for many subjects (sites) shows its first few."""
    shown = [r for r in reasons if r["code"] not in EVIDENCE_CODES]
    titles = {g["id"]: text(g, lang) for g in record["gates"]}
    totals = Counter(_gate_of(r) for r in shown)
    seen: Counter[str | None] = Counter()
    for item, said in zip(shown, reason_texts(record, shown, lang)):  # one text per gate subject, in order
        gate = _gate_of(item)
        seen[gate] += 1
        if gate is None or seen[gate] <= REASONS_PER_GATE:
            yield f"  - {said}"
        if gate is not None and seen[gate] == REASONS_PER_GATE < totals[gate]:
            more = totals[gate] - REASONS_PER_GATE
            yield f"  - {tr('summary.more_reasons', lang=lang, count=more, gate=titles.get(gate, gate))}"
    hidden = len(reasons) - len(shown)
    if hidden:
        yield f"  - {tr('summary.evidence_gaps', lang=lang, count=hidden)}"


def _gate_of(reason: dict[str, Any]) -> str | None:
    return reason["params"].get("gate") if reason["code"] in GATE_CODES else None
