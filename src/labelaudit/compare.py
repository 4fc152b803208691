"""`labelaudit compare OLD NEW`: what changed between two decision records of one organisation.

For the committee comparing an initial audit with a surveillance or renewal audit (or a record
with a corrected one): outcome and points, every dimension and requirement, sources, sites and
gates side by side with their differences, findings counted by kind and per requirement (new
and resolved ones by text), and a short list of what improved or slipped.

Differences are taken between the numbers as shown (points and percentages to one decimal), so
that they are the differences a reader computes from the two columns; an element "improved" or
"slipped" when its shown attainment moved by at least 1.0 point of percentage.

Records of different schemes (by id) are not comparable: refused as bad input. Records of
different organisations are compared, with a warning. The side-by-side rows are shared with
`whatif`, which compares two decisions of one audit.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from labelaudit.documents.explain import from_record
from labelaudit.documents.summary import SITES_LISTED, outcome_line
from labelaudit.documents.trace import align
from labelaudit.errors import InputError
from labelaudit.i18n import current_lang, tr, words
from labelaudit.i18n.formatting import written, written_date, written_percent, written_signed
from labelaudit.model import FINDING_KINDS, Lang
from labelaudit.plugins import Plugins
from labelaudit.record import load_record
from labelaudit.tomlfiles import where

Record = dict[str, Any]
THRESHOLD = Decimal("1.0")  # a move of at least this many points of percentage is listed
TITLE_WIDTH = 60  # an element's title in a table column, cut past this


def pct(share: dict[str, Any] | None, lang: Lang) -> str:
    """A record share as the reader's language writes it (`74,2 %`, `74.2%`), `—` for none."""
    return written_percent((share or {}).get("percent"), lang)


def title(node: dict[str, Any], lang: Lang, width: int = TITLE_WIDTH) -> str:
    """A tree node's title in `lang` (its id when it has none), cut to `width` with an ellipsis."""
    text = str((node.get("title") or {}).get(lang) or node["id"])
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def gate_titles(record: Record, lang: Lang) -> dict[str, str]:
    return {g["id"]: str((g.get("title") or {}).get(lang) or g["id"]) for g in record["gates"]}



# --- Numbers side by side ----------------------------------------------------------------------


def delta(old: str | None, new: str | None, lang: Lang) -> str:
    """The difference of two shown numbers (`733.9`, `741.2` → `+7,3` / `+7.3`); blank if one is missing."""
    if old is None or new is None:
        return ""
    return written_signed(Decimal(new) - Decimal(old), lang)


def moved(old: str | None, new: str | None) -> Decimal | None:
    """The shown difference as a number, or None when one side has no value."""
    if old is None or new is None:
        return None
    return Decimal(new) - Decimal(old)


def _share_row(label: str, old: dict[str, Any] | None, new: dict[str, Any] | None, lang: Lang) -> list[str]:
    """[label, old %, new %, change]; a side without the element says `absent`."""
    old_p = (old or {}).get("percent")
    new_p = (new or {}).get("percent")
    absent = tr("compare.absent", lang=lang)
    return [label, pct(old, lang) if old is not None else absent, pct(new, lang) if new is not None else absent,
            delta(old_p, new_p, lang)]


def _fired(record: Record, lang: Lang) -> str:
    """The titles of the gates that fired, or a dash."""
    titles = gate_titles(record, lang)
    return "; ".join(titles[g["id"]] for g in record["gates"] if g["fired"]) or tr("compare.none", lang=lang)


def _stability(record: Record, lang: Lang) -> str:
    """stable, borderline or not checked."""
    stability = record["stability"]
    if not stability["checked"]:
        return tr("compare.unchecked", lang=lang)
    return tr("compare.borderline" if stability["borderline"] else "compare.stable", lang=lang)


def header(lang: Lang, before: str | None = None, after: str | None = None) -> list[str]:
    """The column heads of a side-by-side table."""
    return ["", before or tr("compare.before", lang=lang), after or tr("compare.after", lang=lang), tr("compare.change", lang=lang)]


def headline_rows(old: Record, new: Record, lang: Lang) -> list[list[str]]:
    """Outcome, points, coverage, gates fired and stability, before and after."""
    o, n = old["outcome"], new["outcome"]
    return [
        [tr("compare.outcome", lang=lang), outcome_line(old, o["status"], o["level"], lang), outcome_line(new, n["status"], n["level"], lang), ""],
        [tr("compare.points", lang=lang), written(o["points"]["shown"], lang), written(n["points"]["shown"], lang),
         delta(o["points"]["shown"], n["points"]["shown"], lang)],
        _share_row(tr("compare.coverage", lang=lang), o["coverage"], n["coverage"], lang),
        [tr("compare.gates_fired", lang=lang), _fired(old, lang), _fired(new, lang), ""],
        [tr("compare.stability", lang=lang), _stability(old, lang), _stability(new, lang), ""],
    ]


def source_rows(old: Record, new: Record, lang: Lang) -> list[list[str]]:
    """Each source's attainment over the whole tree, before and after."""
    before, after = old["tree"]["sources"], new["tree"]["sources"]
    return [_share_row(f"  {words.source(s, lang)}", before.get(s), after.get(s), lang) for s in sorted(before.keys() | after.keys())]


def _tree_nodes(record: Record) -> dict[str, dict[str, Any]]:
    """Dimensions (`d:id`) and requirements (`r:id`): the two may share an id."""
    nodes = {}
    for d in record["tree"]["dimensions"]:
        nodes[f"d:{d['id']}"] = d
        for r in d["requirements"]:
            nodes[f"r:{r['id']}"] = r
    return nodes


def _ordered(old: Iterable[str], new: Iterable[str]) -> list[str]:
    """The old order, then what only the new one has."""
    first = list(old)
    return first + [k for k in new if k not in first]


def dimension_rows(old: Record, new: Record, lang: Lang) -> list[list[str]]:
    """Each dimension and, indented under it, each requirement."""
    before, after = _tree_nodes(old), _tree_nodes(new)
    rows = []
    for key in _ordered(before, after):
        indent = "  " if key.startswith("d:") else "    "
        node = before.get(key) or after[key]
        rows.append(_share_row(indent + title(node, lang), (before.get(key) or {}).get("attainment"), (after.get(key) or {}).get("attainment"), lang))
    return rows


def _site_share(site: dict[str, Any] | None) -> dict[str, Any] | None:
    """A site's attainment, or None when the record has no such site."""
    return None if site is None else site["attainment"]


def site_rows(old: Record, new: Record, lang: Lang) -> list[list[str]]:
    """Each site's overall attainment; a site without a result says so."""
    before = {s["id"]: s for s in old["sites"]}
    after = {s["id"]: s for s in new["sites"]}
    rows = []
    for site in _ordered(before, after):
        row = _share_row(f"  {site}", _site_share(before.get(site)), _site_share(after.get(site)), lang)
        for column, side in ((1, before), (2, after)):
            if site in side and not side[site]["has_result"]:
                row[column], row[3] = tr("compare.not_assessed", lang=lang), ""
        rows.append(row)
    return rows


def site_table(old: Record, new: Record, lang: Lang, most: int = SITES_LISTED) -> list[str]:
    """Every site, or for a network the `most` that changed most (a site that appeared, left or
    lost its result first): 1,400 rows would hide them."""
    rows = site_rows(old, new, lang)
    if len(rows) <= most:
        return table(tr("compare.sites", lang=lang), rows, lang)
    before = {s["id"]: s for s in old["sites"]}
    after = {s["id"]: s for s in new["sites"]}

    def change(site: str) -> Decimal:
        a, b = before.get(site), after.get(site)
        if a is None or b is None or not (a["has_result"] and b["has_result"]) or a.get("suppressed") or b.get("suppressed"):
            return Decimal("Infinity")
        return abs(moved(a["attainment"]["percent"], b["attainment"]["percent"]) or Decimal(0))

    by_site = dict(zip(_ordered(before, after), rows))  # site_rows keeps this order
    largest = sorted(by_site, key=lambda site: (-change(site), site))[:most]
    more = ["  " + tr("compare.more_sites", lang=lang, count=len(rows) - most), "", "", ""]
    return table(tr("compare.sites_moved", lang=lang, shown=most, total=len(rows)), [*(by_site[s] for s in largest), more], lang)


def table(title: str, rows: Sequence[Sequence[str]], lang: Lang, before: str | None = None, after: str | None = None) -> list[str]:
    """A titled side-by-side table with its column heads."""
    return [title, *align([header(lang, before, after), *rows], right={1, 2, 3}, indent="")]


# --- Gates, findings, moves --------------------------------------------------------------------


def gate_lines(old: Record, new: Record, lang: Lang) -> list[str]:
    """Gates that started or stopped firing."""
    before = {g["id"] for g in old["gates"] if g["fired"]}
    after = {g["id"] for g in new["gates"] if g["fired"]}
    titles = gate_titles(old, lang) | gate_titles(new, lang)
    lines = []
    if after - before:
        lines.append("  " + tr("compare.gates_newly", lang=lang, gates="; ".join(titles[g] for g in sorted(after - before))))
    if before - after:
        lines.append("  " + tr("compare.gates_cleared", lang=lang, gates="; ".join(titles[g] for g in sorted(before - after))))
    return lines


def _open(record: Record) -> list[dict[str, Any]]:
    """The findings still open (a closed one counts as resolved)."""
    return [f for f in record.get("findings", []) if not f.get("closed")]


def _identity(finding: dict[str, Any]) -> tuple[str, str, str]:
    """A finding is the same finding when its requirement, kind and text are the same."""
    return (finding["requirement"], finding["kind"], finding["text"])


def finding_count_rows(old: Record, new: Record, lang: Lang) -> list[list[str]]:
    """Open findings per kind, before and after."""
    before = Counter(f["kind"] for f in _open(old))
    after = Counter(f["kind"] for f in _open(new))
    return [[f"  {tr(f'compare.kind_{k}', lang=lang)}", str(before[k]), str(after[k]), written_signed(Decimal(after[k] - before[k]), lang)] for k in FINDING_KINDS]


def findings_per_requirement(old: Record, new: Record, lang: Lang) -> list[str]:
    """Per requirement: counts by kind old → new, then new and resolved findings by text."""
    before, after = _open(old), _open(new)
    added = Counter(map(_identity, after)) - Counter(map(_identity, before))
    resolved = Counter(map(_identity, before)) - Counter(map(_identity, after))
    nodes = {r["id"]: r for record in (old, new) for d in record["tree"]["dimensions"] for r in d["requirements"]}
    tree = [r["id"] for d in new["tree"]["dimensions"] for r in d["requirements"]]
    present = {f["requirement"] for f in (*before, *after)}
    requirements = [r for r in tree if r in present] + sorted(present - set(tree))
    lines = []
    for requirement in requirements:
        counts = []
        for kind in FINDING_KINDS:
            b = sum(1 for f in before if f["requirement"] == requirement and f["kind"] == kind)
            a = sum(1 for f in after if f["requirement"] == requirement and f["kind"] == kind)
            if a or b:
                counts.append(f"{tr(f'compare.kind_{kind}', lang=lang)} {b} → {a}")
        name = title(nodes[requirement], lang) if requirement in nodes else requirement
        lines.append(f"  {name}{':' if lang != 'fr' else ' :'} {', '.join(counts)}")
        lines.extend(_finding_texts(after, added, requirement, "compare.new_finding", lang))
        lines.extend(_finding_texts(before, resolved, requirement, "compare.resolved_finding", lang))
    return lines or ["  " + tr("compare.no_findings", lang=lang)]


def _finding_texts(findings: Sequence[dict[str, Any]], wanted: Counter[tuple[str, str, str]], requirement: str, key: str, lang: Lang) -> list[str]:
    """The findings of one requirement that are in `wanted` (new or resolved), one line each."""
    left = Counter(wanted)
    lines = []
    for f in findings:
        identity = _identity(f)
        if f["requirement"] == requirement and left[identity] > 0:
            left[identity] -= 1
            kind = tr(f"compare.kind_{f['kind']}", lang=lang)
            lines.append("    " + tr(key, lang=lang, kind=kind, site=f.get("site", "—"), text=f["text"]))
    return lines


def _name(key: str, nodes: dict[str, dict[str, Any]], lang: Lang | None) -> str:
    """An element's title in `lang` (None: its id), marked as a dimension when a requirement
    has the same name."""
    name = key[2:] if lang is None else title(nodes[key], lang)
    if key.startswith("d:") and any(k.startswith("r:") and (k[2:] if lang is None else title(n, lang)) == name for k, n in nodes.items()):
        return f"{name} ({tr('words.dimension', lang=lang or 'en')})"
    return name


def moves(old: Record, new: Record, lang: Lang | None = None) -> tuple[list[tuple[str, Decimal]], list[tuple[str, Decimal]]]:
    """Dimensions and requirements that improved or slipped by at least THRESHOLD, largest first,
    named by their ids (by their titles in `lang` when it is given)."""
    before, after = _tree_nodes(old), _tree_nodes(new)
    improved, slipped = [], []
    for key in _ordered(before, after):
        if key not in before or key not in after:
            continue
        change = moved(before[key]["attainment"]["percent"], after[key]["attainment"]["percent"])
        if change is not None and change >= THRESHOLD:
            improved.append((_name(key, before, lang), change))
        elif change is not None and change <= -THRESHOLD:
            slipped.append((_name(key, before, lang), change))
    improved.sort(key=lambda m: (-m[1], m[0]))
    slipped.sort(key=lambda m: (m[1], m[0]))
    return improved, slipped


def move_lines(old: Record, new: Record, lang: Lang) -> list[str]:
    """The improved and slipped lists, under their heading."""
    improved, slipped = moves(old, new, lang)
    none = tr("compare.none", lang=lang)

    def listed(items: list[tuple[str, Decimal]]) -> str:  # `;`: the French decimal mark is a comma
        return "; ".join(f"{i} {written_signed(d, lang)}" for i, d in items) or none

    return [
        tr("compare.moves", lang=lang, threshold=THRESHOLD),
        "  " + tr("compare.improved", lang=lang, items=listed(improved)),
        "  " + tr("compare.slipped", lang=lang, items=listed(slipped)),
    ]


# --- The comparison ----------------------------------------------------------------------------


def check_comparable(old: Record, new: Record, new_path: Path | str, lang: Lang) -> list[str]:
    """Refuse records of different schemes; warn (return the warning) for different organisations."""
    old_scheme, new_scheme = old["scheme"]["id"], new["scheme"]["id"]
    if old_scheme != new_scheme:
        raise InputError.at(new_path, where(None, "scheme.id"), tr("compare.other_scheme", lang=lang, old=old_scheme, new=new_scheme))
    old_org, new_org = old["audit"]["organisation"], new["audit"]["organisation"]
    if old_org != new_org:
        return [tr("compare.other_organisation", lang=lang, old=old_org, new=new_org)]
    return []


def compare(old: Record, new: Record, lang: Lang) -> str:
    """The whole comparison, as lines of aligned text."""
    lines = [
        tr(
            "compare.title", lang=lang, org=new["audit"]["organisation"], old=old["audit"]["id"],
            old_date=written_date(old["decided_on"], lang), new=new["audit"]["id"], new_date=written_date(new["decided_on"], lang),
        )
    ]
    if old["scheme"]["version"] != new["scheme"]["version"]:
        lines.append(tr("compare.scheme_version", lang=lang, old=old["scheme"]["version"], new=new["scheme"]["version"]))
    lines.append("")
    lines.extend(align([header(lang), *headline_rows(old, new, lang)], right={3}, indent=""))
    lines.extend(gate_lines(old, new, lang))
    sections = [
        table(tr("compare.dimensions", lang=lang), dimension_rows(old, new, lang), lang),
        table(tr("compare.sources", lang=lang), source_rows(old, new, lang), lang),
        site_table(old, new, lang),
        table(tr("compare.findings", lang=lang), finding_count_rows(old, new, lang), lang),
        [tr("compare.per_requirement", lang=lang), *findings_per_requirement(old, new, lang)],
        move_lines(old, new, lang),
    ]
    for section in sections:
        lines.append("")
        lines.extend(section)
    return "\n".join(lines)


def handle(args: argparse.Namespace, plugins: Plugins, out: Callable[[str], None]) -> int:
    """`labelaudit compare`: warnings on stderr, the comparison on stdout."""
    lang = current_lang()
    old, new = load_record(args.old), load_record(args.new)
    warnings = from_record(args.new, lambda: check_comparable(old, new, args.new, lang))
    for warning in warnings:
        print(f"{tr('compare.warning', lang=lang)}{' : ' if lang == 'fr' else ': '}{warning}", file=sys.stderr)
    out(from_record(args.new, lambda: compare(old, new, lang)))
    return 0


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """The `compare` subcommand (see cli.COMMANDS)."""
    parser = commands.add_parser("compare", parents=[common], help=tr("compare.help", lang=lang), description=tr("compare.help", lang=lang))
    parser.add_argument("old", type=Path, metavar="OLD", help=tr("compare.help_old", lang=lang))
    parser.add_argument("new", type=Path, metavar="NEW", help=tr("compare.help_new", lang=lang))
    parser.set_defaults(handler=handle)
