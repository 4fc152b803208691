"""labelaudit's pytest plugin: fixtures and assertions for testing a labelaudit plugin.

Loaded by pytest through labelaudit's ``pytest11`` entry point (or ``pytest_plugins =
unless_installed()`` where that may not be installed). A test writes a small scheme and an
audit folder into its ``tmp_path``, collects one source exactly as the engine does, and checks
the evidence:

    pytestmark = pytest.mark.labelaudit_plugins(labelaudit_mystery)

    def test_reads_visits(minimal_scheme, make_audit, collect_source):
        scheme = minimal_scheme(sources={"visits": "mystery"})
        audit = make_audit(scheme, sources={"visits": ["v.csv"]}, files={"v.csv": "site,visits.1\\ns1,3\\n"})
        assert_evidence(collect_source(audit, "visits"), criterion="visits.1", site="s1", value=3)

Fixtures: `make_plugins`, `labelaudit_plugins`, `minimal_scheme`, `make_audit`,
`collect_source`, `score_record`; helpers: `assert_evidence`, `assert_no_evidence`. All of
them are documented in docs/plugins.md. PYTEST_DONT_REWRITE: the helpers write their own
messages, and a test module may import this one before pytest loads it as a plugin.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.metadata
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from labelaudit.model import Collection, Evidence, Scheme
    from labelaudit.plugins import Plugins

MARKER = "labelaudit_plugins"
ENTRY_POINT = "labelaudit"  # the name of labelaudit's pytest11 entry point
SCHEMES_FOLDER = "schemes"  # under tmp_path: where `minimal_scheme` writes, `collect_source` looks
DECISION_DATE = dt.date(2026, 11, 20)
Number = int | str | Decimal | Fraction


def unless_installed() -> list[str]:
    """``["labelaudit.testing"]``, or ``[]`` where pytest already loads it by its entry point.

    For a test module's ``pytest_plugins`` while labelaudit's ``pytest11`` entry point may or
    may not be installed: naming a plugin pytest has already loaded is an error.
    """
    autoload = not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    installed = bool(importlib.metadata.entry_points(group="pytest11", name=ENTRY_POINT))
    return [] if installed and autoload else [__name__]


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker, so that ``--strict-markers`` accepts it."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*plugins, builtins=True): the plugins (modules, objects or module names) that "
        "the labelaudit_plugins fixture loads, besides labelaudit's built-in plugins",
    )


# --- Plugins -------------------------------------------------------------------------------------


@pytest.fixture
def make_plugins() -> Callable[..., Plugins]:
    """A factory: ``make_plugins(*plugins, builtins=True, disabled=())`` → a fresh `Plugins`.

    `plugins` are modules, other objects with hook implementations, or module names. Only
    labelaudit's own entry points are loaded with them (``builtins=True``), never whatever
    else happens to be installed, so that a test sees the same plugins everywhere.
    """
    from labelaudit.plugins import given, load_plugins

    def make(*plugins: ModuleType | str | object, builtins: bool = True, disabled: Sequence[str] = ()) -> Plugins:
        objects = [given(importlib.import_module(p) if isinstance(p, str) else p) for p in plugins]
        return load_plugins(blocked=disabled, objects=objects, entry_points="builtins" if builtins else "none")

    return make


@pytest.fixture
def labelaudit_plugins(request: pytest.FixtureRequest, make_plugins: Callable[..., Plugins]) -> Plugins:
    """The built-in plugins plus those named by the closest ``labelaudit_plugins`` marker."""
    marker = request.node.get_closest_marker(MARKER)
    args, kwargs = (marker.args, marker.kwargs) if marker else ((), {})
    return make_plugins(*args, **kwargs)


# --- A scheme ------------------------------------------------------------------------------------

SCALES: dict[str, tuple[Number, ...]] = {"maturity": (0, 1, 2, 3, 4), "agree5": (1, 2, 3, 4, 5)}
_NUMERIC = frozenset({"weight", "floor", "target", "min_points", "max_points", "min_percent", "value"})


def _text(name: str) -> dict[str, str]:
    return {"fr": f"{name} (fr)", "en": f"{name} (en)"}


def toml_number(value: Number) -> int | Decimal:
    """A number as TOML writes it exactly: ints stay ints, the rest become decimals."""
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal, Fraction)):
        raise TypeError(f"expected an exact number (int, str, Decimal or Fraction), got {value!r}")
    if isinstance(value, int):
        return value
    number = Fraction(value)
    if number.denominator == 1:
        return number.numerator
    decimal = Decimal(number.numerator) / Decimal(number.denominator)
    if Fraction(decimal) != number:
        raise ValueError(f"{value} has no exact decimal form")
    return decimal


def _is_number(key: str, value: Any) -> bool:
    """A numeric key's value; a gate's `target` may also name a criterion, and stays text."""
    if key not in _NUMERIC or isinstance(value, (dict, list, tuple)):
        return False
    if isinstance(value, str):
        try:
            Fraction(value)
        except ValueError:
            return False
    return True


def _numbers(data: Any) -> Any:
    """Every number of a document made exact for TOML (`toml_number`), recursively."""
    if isinstance(data, dict):
        return {k: (toml_number(v) if _is_number(k, v) else _numbers(v)) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_numbers(v) for v in data]
    return data


def _source_table(source_id: str, table: str | Mapping[str, Any], items: Sequence[str]) -> dict[str, Any]:
    """A `[sources.X]` table: a bare kind gets the maturity scale, or its questionnaire."""
    data: dict[str, Any] = {"kind": table} if isinstance(table, str) else dict(table)
    data.setdefault("title", _text(source_id))
    if items:
        data.setdefault("questionnaire", source_id)
    elif isinstance(table, str):
        data.setdefault("scale", "maturity")
    return data


def _default_bindings(
    sources: Mapping[str, Mapping[str, Any]], items: Mapping[str, Sequence[str]]
) -> dict[str, list[dict[str, Any]]]:
    """One criterion per source (``<source>.1``), or per questionnaire item (``<source>.<item>``)."""
    bindings: dict[str, list[dict[str, Any]]] = {}
    for source_id in sources:
        for key in items.get(source_id, ()):
            bindings[f"{source_id}.{key}"] = [
                {"source": source_id, "item": key, "indicator": "mean", "floor": 1, "target": 5}
            ]
        if not items.get(source_id):
            bindings[f"{source_id}.1"] = [{"source": source_id}]
    return bindings


def _check_curves(bindings: Mapping[str, Sequence[Mapping[str, Any]]], sources: Mapping[str, Mapping[str, Any]]) -> None:
    for criterion, entries in bindings.items():
        for binding in entries:
            table = sources.get(binding.get("source", ""), {})
            if "scale" not in table and "questionnaire" not in table and not {"floor", "target"} <= set(binding):
                raise ValueError(
                    f"criterion {criterion!r}: a binding to source {binding.get('source')!r}, which has no "
                    "scale, needs a floor and a target (in the source's own unit)"
                )


def scheme_document(
    sources: Mapping[str, str | Mapping[str, Any]],
    bindings: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    items: Mapping[str, Sequence[str]] | None = None,
    *,
    scheme_id: str = "minimal",
    scales: Mapping[str, Sequence[Number]] | None = None,
    requires: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The `scheme.toml` and the one requirement file of a minimal scheme, as TOML-ready dicts."""
    items = dict(items or {})
    tables = {s: _source_table(s, t, items.get(s, ())) for s, t in sources.items()}
    bindings = dict(bindings) if bindings is not None else _default_bindings(tables, items)
    _check_curves(bindings, tables)
    all_scales = {**SCALES, **dict(scales or {})}
    scheme: dict[str, Any] = {
        "id": scheme_id,
        "version": "1.0.0",
        "title": _text(scheme_id),
        "max_points": 1000,
        "policies": {},
        "scales": {
            scale_id: {
                "title": _text(scale_id),
                "points": [{"value": v, "label": _text(f"{scale_id} {v}")} for v in values],
            }
            for scale_id, values in all_scales.items()
        },
        "sources": tables,
        "dimensions": [{"id": "all", "weight": 1, "title": _text("all")}],
        "levels": [{"id": "labelled", "min_points": 500, "title": _text("labelled")}],
        **dict(extra or {}),
    }
    if items:  # a scheme without surveys needs no questionnaires table
        scheme["questionnaires"] = {
            s: {"title": _text(s), "items": [{"key": k, "scale": "agree5", "text": _text(k)} for k in keys]}
            for s, keys in items.items()
        }
    # An anonymity threshold of one answer unless the test sets one: a minimal scheme hides nothing, and
    # a scheme's min_sample may not be below its threshold (rulesets checks it).
    scheme["policies"] = {"anonymity": 1, **dict(scheme.get("policies") or {})}
    if requires is not None:
        scheme["requires"] = dict(requires)
    criteria = [
        {"id": c, "weight": 1, "pyramid": 1, "title": _text(c), "bindings": [{"weight": 1, **b} for b in entries]}
        for c, entries in bindings.items()
    ]
    requirement = {"id": "main", "dimension": "all", "weight": 1, "title": _text("main"), "criteria": criteria}
    return _numbers(scheme), _numbers(requirement)


@pytest.fixture
def minimal_scheme(tmp_path: Path) -> Callable[..., Scheme]:
    """A factory writing a minimal valid scheme into ``tmp_path/schemes/<id>`` and loading it.

    ``minimal_scheme(sources={"visits": "mystery"}, bindings=None, items=None, *,
    scheme_id="minimal", scales=None, requires=None, extra=None)``: one dimension, one
    requirement ``main``, one level; by default one criterion ``<source>.1`` per source (a
    source given by its kind alone gets the 0–4 ``maturity`` scale), or ``<source>.<item>``
    per questionnaire item (``items``: source → item keys, answered on ``agree5``, 1–5).
    `bindings` maps criterion ids to their bindings (weight 1 unless given).
    """
    import tomli_w

    from labelaudit.rulesets import load_scheme

    def make(
        sources: Mapping[str, str | Mapping[str, Any]] | None = None,
        bindings: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
        items: Mapping[str, Sequence[str]] | None = None,
        **options: Any,
    ) -> Scheme:
        scheme, requirement = scheme_document(sources or {"onsite": "grid"}, bindings, items, **options)
        folder = tmp_path / SCHEMES_FOLDER / scheme["id"]
        if folder.exists():
            raise ValueError(f"scheme {scheme['id']!r} is already written in this test: give another scheme_id")
        (folder / "requirements").mkdir(parents=True)
        (folder / "scheme.toml").write_text(tomli_w.dumps(scheme), encoding="utf-8")
        (folder / "requirements" / "01-main.toml").write_text(tomli_w.dumps(requirement), encoding="utf-8")
        return load_scheme(folder)

    return make


# --- An audit ------------------------------------------------------------------------------------


def audit_document(
    scheme_id: str,
    sources: Mapping[str, Mapping[str, Any] | Sequence[str]],
    sites: Sequence[str] | Mapping[str, str],
    exclusions: Sequence[Mapping[str, str]] = (),
) -> dict[str, Any]:
    """The content of a test `audit.toml`: a source is its table, or just its list of files."""
    named = dict(sites) if isinstance(sites, Mapping) else {s: f"Site {s}" for s in sites}
    return {
        "id": "TEST-001",
        "scheme": scheme_id,
        "organisation": "Test organisation",
        "scope": "Test scope",
        "kind": "initial",
        "auditors": ["Test auditor"],
        "dates": {"decision": DECISION_DATE},
        "sites": [{"id": i, "name": n} for i, n in named.items()],
        "sources": {
            s: (dict(t) if isinstance(t, Mapping) else {"files": list(t)}) for s, t in sources.items()
        },
        "exclusions": [dict(e) for e in exclusions],
    }


@pytest.fixture
def make_audit(tmp_path: Path) -> Callable[..., Path]:
    """A factory writing an audit folder into ``tmp_path/<name>`` and returning the folder.

    ``make_audit(scheme, *, sources={}, files={}, sites=("s1",), exclusions=(),
    name="audit")``: `scheme` is a `Scheme` or a scheme id; `sources` maps source ids to their
    ``[sources.X]`` table (``files`` and the plugin's options) or to a list of files; `files`
    maps paths inside the folder to their text or bytes; `sites` are ids, or id → name.
    """
    import tomli_w

    def make(
        scheme: Scheme | str,
        *,
        sources: Mapping[str, Mapping[str, Any] | Sequence[str]] | None = None,
        files: Mapping[str, str | bytes] | None = None,
        sites: Sequence[str] | Mapping[str, str] = ("s1",),
        exclusions: Sequence[Mapping[str, str]] = (),
        name: str = "audit",
    ) -> Path:
        folder = tmp_path / name
        if (folder / "audit.toml").exists():
            raise ValueError(f"an audit is already written at {folder}: give another name")
        folder.mkdir(parents=True, exist_ok=True)
        scheme_id = scheme if isinstance(scheme, str) else scheme.id
        document = audit_document(scheme_id, sources or {}, sites, exclusions)
        (folder / "audit.toml").write_text(tomli_w.dumps(document), encoding="utf-8")
        for relative, content in (files or {}).items():
            _write(folder / relative, content)
        return folder

    return make


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


# --- Collecting and scoring ----------------------------------------------------------------------


def _rulesets(tmp_path: Path, rulesets: Iterable[Path]) -> list[Path]:
    """The folders `minimal_scheme` wrote to, then the given ones."""
    written = tmp_path / SCHEMES_FOLDER
    return ([written] if written.is_dir() else []) + list(rulesets)


@pytest.fixture
def collect_source(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., Collection]:
    """A function: ``collect_source(audit, source_id, *, plugins=None, rulesets=(),
    timeout=300, max_errors=50)`` → the source's `Collection`, checked.

    The audit is loaded and checked against its scheme, and the source is read by its
    plugin exactly as `labelaudit score` reads it: in a worker thread with a time limit, its
    result checked against the contract. Raises `InputError` (bad input) or `PluginError`.
    `plugins` defaults to the `labelaudit_plugins` fixture.
    """
    from labelaudit.collect import DEFAULT_TIMEOUT
    from labelaudit.collect import collect_source as collect_one
    from labelaudit.collect import prepare

    def collect(
        audit: Path,
        source: str,
        *,
        plugins: Plugins | None = None,
        rulesets: Sequence[Path] = (),
        timeout: float = DEFAULT_TIMEOUT,
        max_errors: int = 50,
    ) -> Collection:
        if plugins is None:
            plugins = request.getfixturevalue("labelaudit_plugins")
        prepared = prepare(audit, plugins, _rulesets(tmp_path, rulesets))
        return collect_one(prepared, plugins, source, max_errors=max_errors, timeout=timeout)

    return collect


@pytest.fixture
def score_record(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """A function: ``score_record(audit, *, plugins=None, rulesets=(), on_plugin_error="stop")``
    → the decision record (a dict) that `labelaudit score` would write for the audit."""
    from labelaudit.workflow import score_audit

    def score(
        audit: Path, *, plugins: Plugins | None = None, rulesets: Sequence[Path] = (), on_plugin_error: str = "stop"
    ) -> dict[str, Any]:
        if plugins is None:
            plugins = request.getfixturevalue("labelaudit_plugins")
        scored = score_audit(
            audit, plugins, rulesets=_rulesets(tmp_path, rulesets), on_plugin_error=on_plugin_error  # type: ignore[arg-type]
        )
        return scored.record

    return score


# --- Assertions ----------------------------------------------------------------------------------


def _exact(value: Number | float) -> Fraction:
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def _describe(item: Evidence) -> str:
    if item.value is not None:
        measured = f"value {item.value}"
    elif item.measure is not None:
        measured = f"measure {item.measure.value}, n = {item.measure.n}"
    else:
        measured = f"n = {item.sample.n if item.sample else 0}"
    return f"{item.criterion} / {item.binding} at {item.site}: {measured}"


def _matching(collection: Collection, filters: Mapping[str, str | None]) -> list[Evidence]:
    return [e for e in collection.evidence if all(v is None or getattr(e, k) == v for k, v in filters.items())]


def assert_evidence(
    collection: Collection,
    *,
    criterion: str | None = None,
    site: str | None = None,
    binding: str | None = None,
    value: Number | float | None = None,
    n: int | None = None,
) -> Evidence:
    """The one piece of evidence matching `criterion`, `site` and `binding` (those given).

    Fails, listing the evidence there is, unless exactly one matches and it has the exact
    `value` (compared as a fraction: ``value="14.5"``) or the sample size `n`, when given; for
    a pre-aggregated measure, they are its value and its n.
    """
    __tracebackhide__ = True
    filters = {"criterion": criterion, "site": site, "binding": binding}
    wanted = ", ".join(f"{k}={v!r}" for k, v in filters.items() if v is not None) or "any"
    found = _matching(collection, filters)
    listing = "\n".join(f"  {_describe(e)}" for e in collection.evidence) or "  (none)"
    if len(found) != 1:
        raise AssertionError(f"{len(found)} pieces of evidence match {wanted}; the collection has:\n{listing}")
    item = found[0]
    found_value = item.measure.value if item.measure is not None else item.value
    found_n = item.measure.n if item.measure is not None else item.sample.n if item.sample is not None else None
    if value is not None and found_value != _exact(value):
        raise AssertionError(f"evidence {_describe(item)}: expected value {_exact(value)}")
    if n is not None and found_n != n:
        raise AssertionError(f"evidence {_describe(item)}: expected a sample of n = {n}")
    return item


def assert_no_evidence(
    collection: Collection, *, criterion: str | None = None, site: str | None = None, binding: str | None = None
) -> None:
    """Fails if any evidence matches `criterion`, `site` and `binding` (those given)."""
    __tracebackhide__ = True
    found = _matching(collection, {"criterion": criterion, "site": site, "binding": binding})
    if found:
        listing = "\n".join(f"  {_describe(e)}" for e in found)
        raise AssertionError(f"expected no such evidence, found:\n{listing}")
