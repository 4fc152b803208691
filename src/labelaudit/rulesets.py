"""Loading a scheme folder: `scheme.toml` and one TOML file per requirement.

Loading validates everything a scheme author can get wrong (unique ids, weights, curves, every
reference to a source, item, scale, dimension or level) and reports every problem at once, each
with its file, line where it can be found, and key path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
from cattrs.gen import make_dict_structure_fn, override

from labelaudit.convert import OMITTED, converter, structure
from labelaudit.errors import InputError, Problem
from labelaudit.i18n import tr, unknown_thing
from labelaudit.model import Criterion, Dimension, Requirement, Scheme
from labelaudit.settings import check_settings
from labelaudit.tomlfiles import load_toml, where

SCHEME_FILE = "scheme.toml"
REQUIREMENTS_FOLDER = "requirements"
GRID_KINDS = ("grid",)

OMITTED[Scheme] = frozenset({"requirements", "folder", "digests"})
OMITTED[Requirement] = frozenset({"file"})

converter.register_structure_hook(
    Scheme,
    make_dict_structure_fn(
        Scheme,
        converter,
        _cattrs_forbid_extra_keys=True,
        requirements=override(omit=True),
        folder=override(omit=True),
        digests=override(omit=True),
    ),
)
converter.register_structure_hook(
    Requirement,
    make_dict_structure_fn(
        Requirement, converter, _cattrs_forbid_extra_keys=True, file=override(omit=True)
    ),
)


def _with_ids(data: dict[str, Any], *tables: str) -> dict[str, Any]:
    """Tables written `[scales.maturity]` carry their id as their key: copy it inside."""
    data = dict(data)
    for table in tables:
        entries = data.get(table)
        if isinstance(entries, dict):
            data[table] = {
                key: ({"id": key, **value} if isinstance(value, dict) and "id" not in value else value)
                for key, value in entries.items()
            }
    return data


def requirement_files(folder: Path) -> list[Path]:
    return sorted((folder / REQUIREMENTS_FOLDER).glob("*.toml"))


def load_scheme(folder: Path) -> Scheme:
    """Read and validate one scheme folder; raise `InputError` listing every problem."""
    scheme_path = folder / SCHEME_FILE
    data, scheme_text, scheme_digest = load_toml(scheme_path)
    problems: list[Problem] = []
    skeleton: Scheme | None = None
    try:
        skeleton = structure(
            _with_ids(data, "scales", "sources", "questionnaires"),
            Scheme,
            file=scheme_path,
            text=scheme_text,
        )
    except InputError as exc:
        problems.extend(exc.problems)

    texts = {scheme_path: scheme_text}
    digests = {SCHEME_FILE: scheme_digest}
    requirements: list[Requirement] = []
    files = requirement_files(folder)
    if not files:
        problems.append(Problem(str(folder), "", tr("scheme.no_requirements", folder=folder / REQUIREMENTS_FOLDER)))
    for path in files:
        try:
            req_data, req_text, req_digest = load_toml(path)
            texts[path] = req_text
            digests[f"{REQUIREMENTS_FOLDER}/{path.name}"] = req_digest
            requirement = structure(req_data, Requirement, file=path, text=req_text)
            requirements.append(attrs.evolve(requirement, file=path))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems or skeleton is None:
        raise InputError(problems)

    scheme = attrs.evolve(
        skeleton, requirements=tuple(requirements), folder=folder, digests=dict(sorted(digests.items()))
    )
    problems.extend(validate(scheme, scheme_path, texts))
    if problems:
        raise InputError(problems)
    return scheme


class _Places:
    """Turns a key path in one file into a `Problem` placed at its line."""

    def __init__(self, file: Path, text: str | None) -> None:
        self.file, self.text = file, text

    def problem(self, key_path: str, what: str) -> Problem:
        return Problem(str(self.file), where(self.text, key_path), what)


def _duplicates(ids: Iterable[tuple[str, str, _Places]]) -> Iterator[Problem]:
    first: dict[str, str] = {}
    for item_id, key_path, places in ids:
        here = f"{places.file.name} {key_path}"
        if item_id in first:
            yield places.problem(key_path, tr("id.duplicate", id=item_id, first=first[item_id]))
        else:
            first[item_id] = here


def _unknown(places: _Places, key_path: str, what: str, name: object, known: Iterable[str]) -> Problem:
    return places.problem(
        key_path, tr("ref.unknown", what=unknown_thing(what), name=name, known=", ".join(sorted(known)) or "—")
    )


def validate(scheme: Scheme, scheme_path: Path, texts: dict[Path, str]) -> list[Problem]:
    """Every cross-reference and ordering rule the types alone cannot express."""
    top = _Places(scheme_path, texts.get(scheme_path))
    problems: list[Problem] = []
    problems += _check_scales(scheme, top)
    problems += _check_sources(scheme, top)
    problems += _check_structure(scheme, top, texts)
    problems += _check_levels_and_gates(scheme, top)
    problems += check_settings(scheme, top, lambda r: _Places(r.file or Path("?"), texts.get(r.file or Path("?"))))
    return problems


def _check_scales(scheme: Scheme, top: _Places) -> list[Problem]:
    problems = []
    for scale_id, scale in scheme.scales.items():
        values = scale.values
        if len(values) < 2 or any(b <= a for a, b in zip(values, values[1:])):
            problems.append(top.problem(f"scales.{scale_id}.points", tr("scale.order")))
    for q_id, questionnaire in scheme.questionnaires.items():
        problems += _duplicates(
            (item.key, f"questionnaires.{q_id}.items[{i}].key", top)
            for i, item in enumerate(questionnaire.items)
        )
        for i, item in enumerate(questionnaire.items):
            if item.scale not in scheme.scales:
                problems.append(
                    _unknown(top, f"questionnaires.{q_id}.items[{i}].scale", "scale", item.scale, scheme.scales)
                )
    return problems


def _check_sources(scheme: Scheme, top: _Places) -> list[Problem]:
    problems = []
    for source_id, source in scheme.sources.items():
        if source.kind in GRID_KINDS or source.scale is not None:
            if source.scale not in scheme.scales:
                problems.append(_unknown(top, f"sources.{source_id}.scale", "scale", source.scale, scheme.scales))
        elif source.questionnaire is not None and source.questionnaire not in scheme.questionnaires:
            problems.append(
                _unknown(
                    top, f"sources.{source_id}.questionnaire", "questionnaire",
                    source.questionnaire, scheme.questionnaires,
                )
            )
    return problems


def _check_structure(scheme: Scheme, top: _Places, texts: dict[Path, str]) -> list[Problem]:
    problems = list(_duplicates((d.id, f"dimensions[{i}].id", top) for i, d in enumerate(scheme.dimensions)))
    dimension_ids = {d.id for d in scheme.dimensions}
    places = {r.id: _Places(r.file or Path("?"), texts.get(r.file or Path("?"))) for r in scheme.requirements}
    problems += _duplicates((r.id, "id", _Places(r.file or Path("?"), None)) for r in scheme.requirements)
    problems += _duplicates(
        (c.id, f"criteria[{i}].id", places[r.id])
        for r in scheme.requirements
        for i, c in enumerate(r.criteria)
    )
    for requirement in scheme.requirements:
        here = places[requirement.id]
        if requirement.dimension not in dimension_ids:
            problems.append(_unknown(here, "dimension", "dimension", requirement.dimension, dimension_ids))
        for i, criterion in enumerate(requirement.criteria):
            problems += _duplicates(
                (b.id, f"criteria[{i}].bindings[{j}]", here) for j, b in enumerate(criterion.bindings)
            )
            for j, binding in enumerate(criterion.bindings):
                problems += _check_binding(scheme, binding, here, f"criteria[{i}].bindings[{j}]")
    return problems


def _check_binding(scheme: Scheme, binding: Any, here: _Places, path: str) -> list[Problem]:
    source = scheme.sources.get(binding.source)
    if source is None:
        return [_unknown(here, f"{path}.source", "source", binding.source, scheme.sources)]
    problems = []
    if source.questionnaire is not None:
        questionnaire = scheme.questionnaires.get(source.questionnaire)
        keys = [i.key for i in questionnaire.items] if questionnaire else []
        for key in ("item", "indicator", "floor", "target"):
            if getattr(binding, key) is None:
                problems.append(here.problem(path, tr("binding.needs", source=binding.source, key=key)))
        if binding.item is not None and binding.item not in keys:
            problems.append(_unknown(here, f"{path}.item", "item", binding.item, keys))
        if binding.indicator == "gap":
            if binding.paired is None:
                problems.append(here.problem(path, tr("binding.needs", source=binding.source, key="paired")))
            elif binding.paired not in keys:
                problems.append(_unknown(here, f"{path}.paired", "item", binding.paired, keys))
        if binding.indicator == "share" and not binding.points:
            problems.append(here.problem(path, tr("binding.needs", source=binding.source, key="points")))
    floor, target = curve_of(scheme, binding)
    if source.questionnaire is None and (floor is None or target is None):
        # Only a scale gives a default curve; any other source's binding needs its own.
        missing = "floor" if floor is None else "target"
        problems.append(here.problem(path, tr("binding.needs", source=binding.source, key=missing)))
    if floor is not None and floor == target:
        problems.append(here.problem(f"{path}.target", tr("binding.curve", value=floor)))
    return problems


def curve_of(scheme: Scheme, binding: Any) -> tuple[Any, Any]:
    """A binding's floor and target: its own, or its scale's lowest and highest points."""
    source = scheme.sources.get(binding.source)
    scale = scheme.scale_of(source) if source and source.scale else None
    floor = binding.floor if binding.floor is not None else (scale.lowest if scale else None)
    target = binding.target if binding.target is not None else (scale.highest if scale else None)
    return floor, target


def _check_levels_and_gates(scheme: Scheme, top: _Places) -> list[Problem]:
    problems = list(_duplicates((lv.id, f"levels[{i}].id", top) for i, lv in enumerate(scheme.levels)))
    problems += _duplicates((g.id, f"gates[{i}].id", top) for i, g in enumerate(scheme.gates))
    minima = [lv.min_points for lv in scheme.levels]
    if any(b <= a for a, b in zip(minima, minima[1:])):
        problems.append(top.problem("levels", tr("levels.order")))
    level_ids = [lv.id for lv in scheme.levels]
    targets: dict[str, Sequence[str]] = {
        "criterion": [c.id for c in scheme.criteria()],
        "requirement": [r.id for r in scheme.requirements],
        "dimension": [d.id for d in scheme.dimensions],
        "source": list(scheme.sources),
    }
    for i, gate in enumerate(scheme.gates):
        path = f"gates[{i}]"
        if gate.effect == "cap" and gate.level not in level_ids:
            problems.append(_unknown(top, f"{path}.level", "level", gate.level, level_ids))
        if gate.scope in ("criterion", "source") and gate.target is None:
            problems.append(top.problem(path, tr("gate.needs", scope=gate.scope, key="target")))
        if gate.target is not None and gate.scope not in targets:
            problems.append(top.problem(f"{path}.target", tr("gate.no_target", scope=gate.scope)))
        elif gate.target is not None and gate.target not in targets[gate.scope]:
            problems.append(_unknown(top, f"{path}.target", gate.scope, gate.target, targets[gate.scope]))
        if gate.scope in ("criterion", "requirement", "dimension", "source", "site") and gate.min_percent is None:
            problems.append(top.problem(path, tr("gate.needs", scope=gate.scope, key="min_percent")))
        if gate.scope == "major_findings" and gate.max_major is None:
            problems.append(top.problem(path, tr("gate.needs", scope=gate.scope, key="max_major")))
    return problems


CriterionShares = list[tuple[Criterion, Fraction]]
RequirementShares = list[tuple[Requirement, Fraction, CriterionShares]]


def tree_layout(
    scheme: Scheme, excluded: frozenset[str] = frozenset()
) -> Iterator[tuple[Dimension, Fraction, RequirementShares]]:
    """The tree as it is scored: each dimension with its share among the dimensions, its
    requirements with their share within it, and their criteria with their share of the whole
    tree (the product of the normalised weights down to them). A dimension may have none.

    The shares are those of the audit's scope: an `excluded` criterion is out of it, as if the
    scheme did not have it, and so is a requirement left without a criterion in scope, and a
    dimension left without a requirement. They stay in the layout, with share 0, so that the
    record can show them as excluded; every other weight is normalised without them.
    """

    def in_scope(requirement: Requirement) -> bool:
        return any(c.id not in excluded for c in requirement.criteria)

    by_dimension = {d.id: [r for r in scheme.requirements if r.dimension == d.id] for d in scheme.dimensions}
    kept = {d.id for d in scheme.dimensions if any(in_scope(r) for r in by_dimension[d.id])}
    dimension_total = sum((d.weight for d in scheme.dimensions if d.id in kept), Fraction(0))
    for dimension in scheme.dimensions:
        d_share = dimension.weight / dimension_total if dimension.id in kept else Fraction(0)
        own = by_dimension[dimension.id]
        r_total = sum((r.weight for r in own if in_scope(r)), Fraction(0))
        requirements: RequirementShares = []
        for requirement in own:
            r_share = requirement.weight / r_total if in_scope(requirement) else Fraction(0)
            c_total = sum((c.weight for c in requirement.criteria if c.id not in excluded), Fraction(0))
            criteria = [
                (c, Fraction(0) if c.id in excluded else d_share * r_share * c.weight / c_total)
                for c in requirement.criteria
            ]
            requirements.append((requirement, r_share, criteria))
        yield dimension, d_share, requirements
