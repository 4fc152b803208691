"""`labelaudit whatif AUDIT [options]`: the decision as audited next to the decision with changes.

For the committee's questions ("what if customer perception weighed twice as much?", "what if
the excluded criterion had been scored?"): the audit's evidence is collected once, then scored
twice by the engine, once as audited and once with the loaded scheme and inputs transformed
with `attrs.evolve`. Nothing on disk changes; the original decision is scored exactly as
`score` would.

Changes: `--source-weight SOURCE=FACTOR` multiplies every binding weight of a source;
`--min-coverage PERCENT`; `--level-threshold LEVEL=POINTS`; `--gate-off GATE` drops a gate;
`--drop-source SOURCE` leaves out a source's evidence (findings are kept: they are not
evidence of a source); `--without-exclusions` scores the criteria the audit declared not
applicable, with whatever evidence exists for them. A bad value is an input error naming its
option.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from labelaudit.bounds import OutOfBounds, shown, typed_number
from labelaudit.collect import Collected, collect, prepare
from labelaudit.compare import dimension_rows, header, headline_rows, source_rows, table
from labelaudit.documents.trace import align, num
from labelaudit.i18n import words
from labelaudit.i18n.formatting import written
from labelaudit.engine import Decision, Inputs, MeasureCache, score
from labelaudit.errors import InputError
from labelaudit.i18n import current_lang, tr
from labelaudit.model import Lang, Scheme
from labelaudit.plugins import Plugins
from labelaudit.record import build_record
from labelaudit.workflow import exclusions_of, inputs_of, with_skipped_sources



@frozen
class Changes:
    """What to change before scoring again; empty means the decision as audited."""

    source_weights: Mapping[str, Fraction] = attrs.field(factory=dict)
    min_coverage: Fraction | None = None
    level_thresholds: Mapping[str, Fraction] = attrs.field(factory=dict)
    gates_off: frozenset[str] = frozenset()
    dropped_sources: frozenset[str] = frozenset()
    without_exclusions: bool = False


# --- Reading the options -----------------------------------------------------------------------


def _number(option: str, text: str) -> Fraction:
    """A decimal as people type it (`2`, `1.5`, `1,5`, `72 %`), exactly, or an InputError."""
    cleaned = text.strip().removesuffix("%").strip().replace(",", ".")
    try:
        return typed_number(cleaned)  # bounded: Fraction("1e100000000") alone took minutes
    except OutOfBounds as exc:
        raise InputError.at(option, "", str(exc)) from None
    except (ValueError, ZeroDivisionError):
        raise InputError.at(option, "", tr("whatif.bad_number", value=shown(text))) from None


def _pair(option: str, text: str, form: str) -> tuple[str, str]:
    """NAME=VALUE, both non-empty, or an InputError naming the option and the form."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise InputError.at(option, "", tr("whatif.bad_pair", form=form, value=text))
    return name.strip(), value.strip()


def _known(option: str, what: str, name: str, known: Sequence[str]) -> str:
    """`name` when the scheme has it, else an InputError listing what it has."""
    if name not in known:
        raise InputError.at(option, "", tr("whatif.unknown", what=tr(f"whatif.what_{what}"), name=name, known=", ".join(known)))
    return name


def parse_changes(args: argparse.Namespace, scheme: Scheme) -> Changes:
    """The command's options checked against the audit's scheme."""
    sources = sorted(scheme.sources)
    weights = {}
    for text in args.source_weight:
        name, value = _pair("--source-weight", text, "SOURCE=FACTOR")
        factor = _number("--source-weight", value)
        if factor <= 0:
            raise InputError.at("--source-weight", "", tr("whatif.not_positive", value=value))
        weights[_known("--source-weight", "source", name, sources)] = factor
    coverage = None
    if args.min_coverage is not None:
        coverage = _number("--min-coverage", args.min_coverage)
        if not 0 <= coverage <= 100:
            raise InputError.at("--min-coverage", "", tr("whatif.not_percent", value=args.min_coverage))
    return Changes(
        source_weights=weights,
        min_coverage=coverage,
        level_thresholds=_thresholds(args.level_threshold, scheme),
        gates_off=frozenset(_known("--gate-off", "gate", g, [x.id for x in scheme.gates]) for g in args.gate_off),
        dropped_sources=frozenset(_known("--drop-source", "source", s, sources) for s in args.drop_source),
        without_exclusions=args.without_exclusions,
    )


def _thresholds(texts: Sequence[str], scheme: Scheme) -> dict[str, Fraction]:
    """LEVEL=POINTS options; the levels must stay in strictly increasing order of points."""
    option = "--level-threshold"
    thresholds = {}
    for text in texts:
        name, value = _pair(option, text, "LEVEL=POINTS")
        points = _number(option, value)
        if points < 0:
            raise InputError.at(option, "", tr("whatif.negative_points", value=value))
        thresholds[_known(option, "level", name, [lv.id for lv in scheme.levels])] = points
    after = [thresholds.get(lv.id, lv.min_points) for lv in scheme.levels]
    if any(a >= b for a, b in zip(after, after[1:])):
        listed = ", ".join(f"{lv.id} {num(p)}" for lv, p in zip(scheme.levels, after))
        raise InputError.at(option, "", tr("whatif.level_order", levels=listed))
    return thresholds


# --- Applying them -----------------------------------------------------------------------------


def change_scheme(scheme: Scheme, changes: Changes) -> Scheme:
    """The scheme with binding weights, coverage minimum, level thresholds and gates changed."""
    requirements = tuple(
        attrs.evolve(r, criteria=tuple(
            attrs.evolve(c, bindings=tuple(
                attrs.evolve(b, weight=b.weight * changes.source_weights.get(b.source, Fraction(1))) for b in c.bindings
            ))
            for c in r.criteria
        ))
        for r in scheme.requirements
    )
    policies = scheme.policies
    if changes.min_coverage is not None:
        policies = attrs.evolve(policies, min_coverage=changes.min_coverage)
    levels = tuple(attrs.evolve(lv, min_points=changes.level_thresholds.get(lv.id, lv.min_points)) for lv in scheme.levels)
    gates = tuple(g for g in scheme.gates if g.id not in changes.gates_off)
    return attrs.evolve(scheme, requirements=requirements, policies=policies, levels=levels, gates=gates)


def change_inputs(inputs: Inputs, exclusions: Mapping[str, tuple[str, str]], changes: Changes) -> tuple[Inputs, dict[str, tuple[str, str]]]:
    """The engine's inputs under the changed scheme, less dropped evidence and exclusions."""
    scheme = change_scheme(inputs.scheme, changes)
    source_of = {(c.id, b.id): b.source for c in scheme.criteria() for b in c.bindings}
    evidence = tuple(e for e in inputs.evidence if source_of.get((e.criterion, e.binding)) not in changes.dropped_sources)
    excluded = frozenset() if changes.without_exclusions else inputs.excluded
    kept = {} if changes.without_exclusions else dict(exclusions)
    return attrs.evolve(inputs, scheme=scheme, evidence=evidence, excluded=excluded), kept


@frozen
class WhatIf:
    """The decision as audited and with the changes, each with what it was scored from."""

    before: Decision
    after: Decision
    after_inputs: Inputs


def what_if(collected: Collected, plugins: Plugins, changes: Changes) -> WhatIf:
    """Score the collected evidence twice: as audited, then with the changes."""
    inputs, exclusions = inputs_of(collected, plugins), exclusions_of(collected)
    cache = MeasureCache()  # every measure made once: no change touches the evidence of a binding it keeps
    before = with_skipped_sources(score(inputs, exclusions, cache=cache), collected)
    changed_inputs, changed_exclusions = change_inputs(inputs, exclusions, changes)
    after = with_skipped_sources(score(changed_inputs, changed_exclusions, cache=cache), collected)
    return WhatIf(before, after, changed_inputs)


def records(collected: Collected, result: WhatIf, plugins: Plugins) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both decisions as decision records, so that they are shown as `compare` shows records.

    The decision date is not shown here; the audit's own is used when it has one.
    """
    date = collected.prepared.audit.dates.decision or dt.date.min
    changed = attrs.evolve(collected, prepared=attrs.evolve(collected.prepared, scheme=result.after_inputs.scheme))
    return build_record(collected, result.before, plugins, date), build_record(changed, result.after, plugins, date)


# --- Showing them ------------------------------------------------------------------------------


def change_lines(changes: Changes, scheme: Scheme, collected: Collected, lang: Lang) -> list[str]:
    """The changes in words, one per line: sources, levels and gates by their titles."""

    def n(value: Fraction) -> str:  # as written in the rulesets (`1.5` → `1,5`), else a fraction
        return written(num(value), lang)

    def source(source_id: str) -> str:
        known = scheme.sources.get(source_id)
        return known.title.get(lang) if known is not None else words.source(source_id, lang)

    gates = {g.id: g.title.get(lang) for g in scheme.gates}
    lines = [tr("whatif.change_weight", lang=lang, source=source(s), factor=n(f)) for s, f in sorted(changes.source_weights.items())]
    if changes.min_coverage is not None:
        lines.append(tr("whatif.change_coverage", lang=lang, old=n(scheme.policies.min_coverage), new=n(changes.min_coverage)))
    for level in scheme.levels:
        if level.id in changes.level_thresholds:
            lines.append(tr("whatif.change_level", lang=lang, level=level.title.get(lang), old=n(level.min_points),
                            new=n(changes.level_thresholds[level.id])))
    lines.extend(tr("whatif.change_gate", lang=lang, gate=gates.get(g, g)) for g in sorted(changes.gates_off))
    lines.extend(tr("whatif.change_drop", lang=lang, source=source(s)) for s in sorted(changes.dropped_sources))
    if changes.without_exclusions:
        criteria = ", ".join(e.criterion for e in collected.prepared.audit.exclusions) or "—"
        lines.append(tr("whatif.change_exclusions", lang=lang, criteria=criteria))
    return lines or [tr("whatif.no_change", lang=lang)]


def render(before: dict[str, Any], after: dict[str, Any], changes: list[str], lang: Lang) -> str:
    """Title, changes, then the two decisions side by side: headline, sources, dimensions."""
    heads = (tr("whatif.before", lang=lang), tr("whatif.after", lang=lang))
    lines = [tr("whatif.title", lang=lang, org=before["audit"]["organisation"], audit=before["audit"]["id"]), tr("whatif.changes", lang=lang)]
    lines.extend(f"  - {line}" for line in changes)
    lines.append("")
    lines.extend(align([header(lang, *heads), *headline_rows(before, after, lang)], right={3}, indent=""))
    lines.append("")
    lines.extend(table(tr("whatif.sources", lang=lang), source_rows(before, after, lang), lang, *heads))
    lines.append("")
    lines.extend(table(tr("whatif.dimensions", lang=lang), dimension_rows(before, after, lang), lang, *heads))
    return "\n".join(lines)


def warn(message: str) -> None:
    """A plugin's source left out (`--on-plugin-error skip`): said on stderr, the run goes on."""
    print(message, file=sys.stderr, flush=True)


def handle(args: argparse.Namespace, plugins: Plugins, out: Callable[[str], None]) -> int:
    """`labelaudit whatif`: collect once, score twice, print side by side."""
    lang = current_lang()
    prepared = prepare(args.audit, plugins, args.rulesets)
    changes = parse_changes(args, prepared.scheme)  # bad options fail before the long collection
    collected = collect(
        prepared, plugins, max_errors=args.max_errors,
        on_plugin_error=args.on_plugin_error, timeout=args.plugin_timeout, warn=warn,
    )
    result = what_if(collected, plugins, changes)
    before, after = records(collected, result, plugins)
    out(render(before, after, change_lines(changes, prepared.scheme, collected, lang), lang))
    return 0


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """The `whatif` subcommand (see cli.COMMANDS)."""

    def h(key: str) -> str:
        return tr(f"whatif.help_{key}", lang=lang)

    parser = commands.add_parser("whatif", parents=[common], help=tr("whatif.help", lang=lang), description=tr("whatif.help", lang=lang))
    parser.add_argument("audit", type=Path, metavar="AUDIT", help=h("audit"))
    parser.add_argument("--source-weight", action="append", default=[], metavar="SOURCE=FACTOR", help=h("source_weight"))
    parser.add_argument("--min-coverage", metavar="PERCENT", help=h("min_coverage"))
    parser.add_argument("--level-threshold", action="append", default=[], metavar="LEVEL=POINTS", help=h("level_threshold"))
    parser.add_argument("--gate-off", action="append", default=[], metavar="GATE", help=h("gate_off"))
    parser.add_argument("--drop-source", action="append", default=[], metavar="SOURCE", help=h("drop_source"))
    parser.add_argument("--without-exclusions", action="store_true", help=h("without_exclusions"))
    parser.set_defaults(handler=handle)
