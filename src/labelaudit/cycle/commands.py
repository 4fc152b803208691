"""`labelaudit sample` and `labelaudit plan-survey`: options, checks, and the plans as text.

Both read the audit with `load_audit` and its scheme through the plugins; neither needs the
evidence files, which do not exist yet when an audit is planned.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from labelaudit.audits import audit_path, load_audit
from labelaudit.cycle import auditfile
from labelaudit.cycle.history import History, audits_in_cycle, current_cycle, history_of
from labelaudit.cycle.planning import (
    DEFAULT_WIDTH,
    Need,
    SitePlan,
    SourcePlan,
    SurveyPlan,
    observed_variances,
    plan_survey,
    survey_sources,
)
from labelaudit.cycle.sampling import STAGES, Cover, SamplingPlan, Stage, draw, random_part
from labelaudit.documents.explain import from_record
from labelaudit.documents.trace import align
from labelaudit.errors import InputError, Problem, ProblemCollector
from labelaudit.i18n import current_lang, tr, words
from labelaudit.i18n.formatting import Figure, written
from labelaudit.model import Audit, Lang, Scheme
from labelaudit.numbers import decimal6, shown
from labelaudit.plugins import Plugins
from labelaudit.record import load_record
from labelaudit.tomlfiles import load_toml

Out = Callable[[str], None]
MAX_SEED = 2**63 - 1  # a TOML integer
KNOWN_LISTED = 10  # an unknown site's message lists at most this many known ones


# --- Option values -------------------------------------------------------------------------------


def _expected(key: str, text: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(tr("value.expected", expected=tr(key), found=text))


def stage(text: str) -> Stage:
    """`--stage`: one of the cycle's stages (checked here rather than by `choices`, so that the
    message is in the user's language)."""
    if text not in STAGES:
        raise argparse.ArgumentTypeError(tr("value.expected", expected=tr("cycle.expected_stage"), found=text))
    return text  # type: ignore[return-value]


def whole(text: str) -> int:
    """`--extra K`: a whole number of 0 or more."""
    if not text.isdigit():
        raise _expected("cycle.expected_whole", text)
    return int(text)


def seed(text: str) -> int:
    """`--seed N`: a whole number that TOML can hold."""
    if not text.isdigit() or int(text) > MAX_SEED:
        raise _expected("cycle.expected_seed", text)
    return int(text)


def share(text: str) -> Fraction:
    """`--width W`: a decimal strictly between 0 and 1, read exactly."""
    value = _decimal(text)
    if value is None or not 0 < value < 1:
        raise _expected("cycle.expected_width", text)
    return value


def points(text: str) -> Fraction:
    """`--mean-width POINTS`: a decimal greater than 0, read exactly."""
    value = _decimal(text)
    if value is None or not value > 0:
        raise _expected("cycle.expected_points", text)
    return value


def _decimal(text: str) -> Fraction | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return Fraction(value) if value.is_finite() else None


def population(text: str) -> tuple[str, int]:
    """`--population SITE=N`: a site id and a whole number of 1 or more."""
    site, sep, number = text.partition("=")
    if not sep or not site.strip() or not number.strip().isdigit() or int(number) < 1:
        raise _expected("cycle.expected_population", text)
    return site.strip(), int(number)


# --- Reading the audit ---------------------------------------------------------------------------


def _audit_and_scheme(path: Path, plugins: Plugins, rulesets: Sequence[Path]) -> tuple[Audit, Scheme, str]:
    audit, text, _ = load_audit(path)
    return audit, plugins.scheme(audit.scheme, rulesets), text


def _unknown_site(option: str, site: str, audit: Audit) -> Problem:
    known = [s.id for s in audit.sites]
    listed = ", ".join(known[:KNOWN_LISTED]) + (" …" if len(known) > KNOWN_LISTED else "")
    return Problem(option, "", tr("cycle.unknown_site", site=site, count=len(known), known=listed))


def _required(args: argparse.Namespace, audit: Audit) -> list[str]:
    ids = {s.id for s in audit.sites}
    problems = [_unknown_site(f"--require {r}", r, audit) for r in args.require if r not in ids]
    if problems:
        raise InputError(problems)
    return list(args.require)


def _history(paths: Sequence[Path], audit: Audit, scheme: Scheme) -> History | None:
    if not paths:
        return None
    onsite = [s for s, source in scheme.sources.items() if source.kind == "grid"]
    records = [(p, load_record(p)) for p in paths]
    history = history_of(records, sites=[s.id for s in audit.sites], scheme=scheme.id, onsite_sources=onsite)
    for path, record in records:
        organisation = from_record(path, lambda: record["audit"]["organisation"])
        if organisation != audit.organisation:  # a renamed organisation is still its own history
            note = tr("cycle.other_organisation", path=path, found=organisation, organisation=audit.organisation)
            print(tr("check.note", note=note), file=sys.stderr)
    return history


def _cover(audit: Audit, scheme: Scheme, history: History | None, stage: Stage) -> Cover:
    """`--cover-cycle`: the sites not yet visited in this audit's cycle, and its audits left."""
    in_cycle = current_cycle(history, stage)
    if in_cycle is None:
        raise InputError.at("--cover-cycle", "", tr("cycle.cover_needs_start"))
    per_cycle = audits_in_cycle(scheme.policies.validity_years, scheme.policies.surveillance_months)
    seen = {site for record in in_cycle for site in record.visited}
    unseen = tuple(s.id for s in audit.sites if s.id not in seen)
    return Cover(unseen, max(per_cycle - len(in_cycle), 1), per_cycle)


# --- sample --------------------------------------------------------------------------------------


def handle_sample(args: argparse.Namespace, plugins: Plugins, out: Out) -> int:
    lang = current_lang()
    file = audit_path(args.audit)
    data, text, _ = load_toml(file)
    if args.write and auditfile.TABLE in data and not args.force:
        auditfile.refuse_existing(file, text)  # before anything else: the plan would be lost
    audit, scheme, _ = _audit_and_scheme(file, plugins, args.rulesets)
    chosen: Stage = args.stage or audit.kind
    if args.stage and args.stage != audit.kind:
        print(tr("check.note", note=tr("cycle.stage_differs", stage=args.stage, kind=audit.kind)), file=sys.stderr)
    required = _required(args, audit)
    history = _history(args.previous, audit, scheme)
    plan = draw(
        audit=audit.id,
        sites=[s.id for s in audit.sites],
        stage=chosen,
        seed=args.seed,
        extra=args.extra,
        required=required,
        history=history,
        cover=_cover(audit, scheme, history, chosen) if args.cover_cycle else None,
    )
    out(render_sample(plan, history, lang))
    if args.write:
        auditfile.write_plan(file, plan, lang, force=args.force)
        out(tr("cycle.written", path=file))
    else:
        out(tr("cycle.not_written"))
    return 0


def render_sample(plan: SamplingPlan, history: History | None, lang: Lang) -> str:
    """The plan as a person reads it: the numbers that sized it, the seed, each site and why."""
    coefficient = {"initial": "", "surveillance": "0.6·", "renewal": "0.8·"}[plan.stage]
    lines = [
        tr("cycle.sample_title", lang=lang, audit=plan.audit, stage=tr(f"cycle.stage_{plan.stage}", lang=lang)),
        "  " + tr("cycle.sample_rule", lang=lang, sites=plan.sites_in_scope, coefficient=coefficient, rule=plan.rule_size),
    ]
    if plan.extra:
        lines.append("  " + tr("cycle.sample_extra", lang=lang, extra=plan.extra))
    if plan.cover is not None:
        cover = plan.cover
        lines.append("  " + tr("cycle.sample_cover", lang=lang, unseen=len(cover.unseen), sites=plan.sites_in_scope,
                               left=cover.audits_left, audits=cover.audits_in_cycle, target=cover.target,
                               visited=plan.unseen_visited))
    if plan.size > min(plan.rule_size + plan.extra, plan.sites_in_scope):
        key = "cycle.sample_raised_cover" if plan.cover is not None else "cycle.sample_raised"
        lines.append("  " + tr(key, lang=lang, size=plan.size))
    required = len(plan.by_reason("required"))
    lines.append(
        "  " + tr("cycle.sample_parts", lang=lang, size=plan.size, required=required, random=plan.random_size, risk=len(plan.by_reason("risk")))
    )
    if plan.random_size < random_part(plan.size):
        lines.append("  " + tr("cycle.sample_no_random_room", lang=lang))
    seed_key = "cycle.seed_derived" if plan.seed_derived else "cycle.seed_given"
    lines.append("  " + tr(seed_key, lang=lang, seed=plan.seed, audit=plan.audit, stage=plan.stage))
    lines.extend(_history_lines(history, lang))
    rows = [[tr("cycle.col_site", lang=lang), tr("cycle.col_reason", lang=lang), tr("cycle.col_detail", lang=lang)]]
    for pick in plan.picks:
        rows.append([pick.site, tr(f"cycle.reason_{pick.reason}", lang=lang), pick.detail.get(lang) if pick.detail else ""])
    lines.extend(["", *align(rows)])
    return "\n".join(lines)


def _history_lines(history: History | None, lang: Lang) -> list[str]:
    if history is None:
        return ["  " + tr("cycle.no_previous", lang=lang)]
    lines = ["  " + tr("cycle.previous", lang=lang, count=len(history.records))]
    for record in history.records:
        source = tr(f"cycle.visited_from_{record.visited_from}", lang=lang)
        lines.append("    " + tr("cycle.previous_record", lang=lang, audit=record.audit, date=record.decided_on, visited=len(record.visited), source=source, path=record.path))
    never = sum(1 for s in history.sites.values() if s.last_visit is None)
    lines.append("  " + tr("cycle.never_visited", lang=lang, count=never, total=len(history.sites)))
    if history.gone:
        lines.append("  " + tr("cycle.gone", lang=lang, count=len(history.gone), sites=", ".join(history.gone)))
    return lines


# --- plan-survey ---------------------------------------------------------------------------------


def _populations(
    args: argparse.Namespace, audit: Audit, sources: Sequence[str], known: Sequence[str]
) -> dict[tuple[str, str], int]:
    """(source, site) → population, from `--populations FILE` then `--population SITE=N`."""
    found: dict[tuple[str, str], int] = {}
    if args.populations is not None:
        found.update(read_populations(args.populations, audit, sources, known, args.max_errors))
    if args.population:
        if len(sources) != 1:
            raise InputError.at("--population", "", tr("cycle.population_needs_source", sources=", ".join(sources)))
        ids = {s.id for s in audit.sites}
        problems = [_unknown_site(f"--population {site}={n}", site, audit) for site, n in args.population if site not in ids]
        if problems:
            raise InputError(problems)
        found.update({(sources[0], site): n for site, n in args.population})
    return found


POPULATION_COLUMNS = ("site", "source", "population")


def read_populations(
    path: Path, audit: Audit, sources: Sequence[str], known: Sequence[str], max_errors: int = 50
) -> dict[tuple[str, str], int]:
    """A CSV with the columns site, source, population (UTF-8, comma or semicolon), read as a
    stream: a file of any size holds at most one row in memory besides the populations found.

    Every row is checked against the audit's sites and the scheme's survey sources (`known`);
    rows for a source not planned this time (`--source`) are then not used.
    """
    problems = ProblemCollector(max_errors)
    found: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], int] = {}
    ids = {s.id for s in audit.sites}
    number = 1
    try:
        with path.open("rb") as raw:
            lines = _decoded(path, raw)
            head = next(lines, "")
            if not head.strip():
                raise InputError.at(path, "", tr("file.empty"))
            delimiter = ";" if head.count(";") > head.count(",") else ","
            header = [h.strip().lower() for h in next(csv.reader([head], delimiter=delimiter))]
            if sorted(header) != sorted(POPULATION_COLUMNS):
                expected, given = ", ".join(POPULATION_COLUMNS), ", ".join(header)
                raise InputError.at(path, tr("place.row", row=1), tr("cycle.csv_header", expected=expected, found=given))
            at = {name: header.index(name) for name in POPULATION_COLUMNS}
            for number, row in enumerate(csv.reader(lines, delimiter=delimiter), start=2):
                _population_row(path, number, row, at, len(header), ids, known, audit, problems, found, first)
    except FileNotFoundError:
        raise InputError.at(path, "", tr("file.missing")) from None
    except csv.Error as exc:
        raise InputError.at(path, tr("place.row", row=number + 1), tr("file.unreadable", detail=str(exc))) from None
    problems.raise_if_any()
    return {k: v for k, v in found.items() if k[0] in sources}


def _decoded(path: Path, raw: Any) -> Iterator[str]:
    """The file's lines as text, each decoded on its own so that a bad byte is placed at its line."""
    for number, line in enumerate(raw, start=1):
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InputError.at(path, tr("place.line", line=number), f"{tr('cycle.csv_encoding')} ({tr('place.byte', byte=exc.start)})") from None


def _population_row(
    path: Path,
    number: int,
    row: list[str],
    at: dict[str, int],
    width: int,
    ids: set[str],
    known: Sequence[str],
    audit: Audit,
    problems: ProblemCollector,
    found: dict[tuple[str, str], int],
    first: dict[tuple[str, str], int],
) -> None:
    """One row of a populations file, checked; its population kept when it is good."""
    where = tr("place.row", row=number)
    if not any(cell.strip() for cell in row):
        return
    if len(row) != width:
        problems.add(path, where, tr("cycle.csv_cells", expected=width, found=len(row)))
        return
    site, source, count = (row[at[c]].strip() for c in POPULATION_COLUMNS)
    if site not in ids:
        problems.add(path, where, _unknown_site("", site, audit).what)
    if source not in known:
        problems.add(path, where, tr("cycle.unknown_source", source=source, known=", ".join(known)))
    if not count.isdigit() or int(count) < 1:
        problems.add(path, where, tr("value.expected", expected=tr("expected.positive_whole"), found=count))
        return
    key = (source, site)
    if key in first:
        problems.add(path, where, tr("cycle.csv_duplicate", site=site, source=source, first=first[key]))
        return
    first[key] = number
    found[key] = int(count)


def handle_plan(args: argparse.Namespace, plugins: Plugins, out: Out) -> int:
    lang = current_lang()
    audit, scheme, _ = _audit_and_scheme(audit_path(args.audit), plugins, args.rulesets)
    available = survey_sources(scheme)
    if args.source is not None and args.source not in available:
        raise InputError.at("--source", "", tr("cycle.unknown_source", source=args.source, known=", ".join(available)))
    sources = [args.source] if args.source is not None else list(available)
    if not sources:
        raise InputError.at(audit.file or args.audit, "", tr("cycle.no_survey", scheme=scheme.id))
    populations = _populations(args, audit, sources, available)
    observed = {}
    if args.previous is not None:
        record = load_record(args.previous)
        found = from_record(args.previous, lambda: record["scheme"]["id"])
        if found != scheme.id:
            raise InputError.at(args.previous, tr("place.key", key="scheme.id"), tr("cycle.record_scheme", found=found, scheme=scheme.id))
        observed = from_record(args.previous, lambda: {s: observed_variances(record, s) for s in sources})
    plan = plan_survey(
        audit, scheme, sources=sources, width=args.width, mean_width=args.mean_width, populations=populations, observed=observed
    )
    out(render_plan(plan, lang, args.previous))
    return 0


def render_plan(plan: SurveyPlan, lang: Lang, previous: Path | None) -> str:
    lines = [
        tr("cycle.plan_title", lang=lang, audit=plan.audit),
        "  " + tr("cycle.plan_confidence", lang=lang, confidence=Figure(shown(plan.confidence * 100)), z=Figure(decimal6(plan.z))),
        "  " + tr("cycle.plan_formula", lang=lang),
    ]
    for source in plan.sources:
        lines.append("")
        lines.extend(_source_lines(source, plan, lang, previous))
    return "\n".join(lines)


def _assumption(need: Need, lang: Lang, previous: Path | None) -> str:
    family = need.family
    if need.observed:
        variance = tr("cycle.assume_observed", lang=lang, variance=Figure(decimal6(need.variance)), path=previous)
    elif family == "share":
        variance = tr("cycle.assume_share", lang=lang)
    elif family == "nps":
        variance = tr("cycle.assume_nps", lang=lang)
    else:
        assert need.spread is not None  # means and gaps are on a scale
        sd = need.spread / (4 if family == "mean" else 2)
        variance = tr(f"cycle.assume_{family}", lang=lang, spread=Figure(shown(need.spread)), sd=Figure(shown(sd)))
    return tr(
        "cycle.family_line", lang=lang, family=tr(f"cycle.family_{family}", lang=lang), count=len(need.bindings),
        assumption=variance, width=Figure(shown(need.shown_width)), unit=tr(f"cycle.unit_{family}", lang=lang),
        n0=Figure(decimal6(need.n0)),
    )


def _source_lines(source: SourcePlan, plan: SurveyPlan, lang: Lang, previous: Path | None) -> list[str]:
    lines = [tr("cycle.plan_source", lang=lang, source=words.source(source.source, lang), min_sample=source.min_sample, anonymity=plan.anonymity)]
    for need in source.needs:
        lines.append("  " + _assumption(need, lang, previous))
    if source.unplanned:
        lines.append("  " + tr("cycle.unplanned", lang=lang, count=len(source.unplanned), bindings=", ".join(source.unplanned)))
    if source.governing is None:
        lines.append("  " + tr("cycle.nothing_to_plan", lang=lang))
        return lines
    lines.append("  " + tr("cycle.governing", lang=lang, family=tr(f"cycle.family_{source.governing.family}", lang=lang)))
    rows = [[tr("cycle.col_site", lang=lang), tr("cycle.col_population", lang=lang), tr("cycle.col_n", lang=lang), tr("cycle.col_note", lang=lang)]]
    for site in source.sites:
        rows.append([site.site, written(site.population, lang), written(site.n, lang), _site_note(site, source, plan, lang)])
    lines.extend(align(rows, right={1, 2}))
    total = sum(s.n for s in source.sites)
    policy = tr(f"cycle.policy_{plan.sites_policy}", lang=lang)
    if source.pooled_half_width is not None:
        lines.append(
            "  " + tr("cycle.pooled", lang=lang, total=total, sites=len(source.sites), policy=policy,
                      width=Figure(decimal6(source.pooled_half_width)), unit=tr(f"cycle.unit_{source.governing.family}", lang=lang))
        )
    return lines


def _site_note(site: SitePlan, source: SourcePlan, plan: SurveyPlan, lang: Lang) -> str:
    notes = []
    if site.population is None:
        notes.append(tr("cycle.note_no_population", lang=lang))
    if site.below_anonymity:
        notes.append(tr("cycle.note_below_anonymity", lang=lang, anonymity=plan.anonymity))
    if site.below_minimum:
        notes.append(tr("cycle.note_below_minimum", lang=lang, min_sample=source.min_sample))
    elif site.raised_to_minimum:
        notes.append(tr("cycle.note_raised", lang=lang, corrected=site.corrected, min_sample=source.min_sample))
    if site.census and not site.below_minimum:
        notes.append(tr("cycle.note_census", lang=lang))
    return " ; ".join(notes) if lang == "fr" else "; ".join(notes)


# --- The parsers ---------------------------------------------------------------------------------


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """The `sample` and `plan-survey` subcommands (see cli.COMMANDS)."""

    def h(key: str) -> str:
        return tr(f"cycle.help_{key}", lang=lang)

    sample = commands.add_parser("sample", parents=[common], help=h("sample"), description=h("sample_description"))
    sample.add_argument("audit", type=Path, metavar="AUDIT", help=h("audit"))
    sample.add_argument("--stage", type=stage, metavar="|".join(STAGES), help=h("stage"))
    sample.add_argument("--seed", type=seed, metavar="N", help=h("seed"))
    sample.add_argument("--previous", action="append", default=[], type=Path, metavar="RECORD", help=h("previous"))
    sample.add_argument("--extra", type=whole, default=0, metavar="K", help=h("extra"))
    sample.add_argument("--require", action="append", default=[], metavar="SITE", help=h("require"))
    sample.add_argument("--cover-cycle", action="store_true", help=h("cover_cycle"))
    sample.add_argument("--write", action="store_true", help=h("write"))
    sample.add_argument("--force", action="store_true", help=h("force"))
    sample.set_defaults(handler=handle_sample)

    plan = commands.add_parser("plan-survey", parents=[common], help=h("plan"), description=h("plan_description"))
    plan.add_argument("audit", type=Path, metavar="AUDIT", help=h("audit"))
    plan.add_argument("--width", type=share, default=DEFAULT_WIDTH, metavar="W", help=h("width"))
    plan.add_argument("--mean-width", type=points, metavar="POINTS", help=h("mean_width"))
    plan.add_argument("--source", metavar="SOURCE", help=h("source"))
    plan.add_argument("--population", action="append", default=[], type=population, metavar="SITE=N", help=h("population"))
    plan.add_argument("--populations", type=Path, metavar="FILE", help=h("populations"))
    plan.add_argument("--previous", type=Path, metavar="RECORD", help=h("plan_previous"))
    plan.set_defaults(handler=handle_plan)
