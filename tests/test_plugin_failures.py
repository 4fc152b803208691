"""A plugin that fails while collecting is contained and named; the user chooses stop or skip.

Each misbehaviour gets its exact message; with ``--on-plugin-error skip`` the audit is scored
without the source, and the warning, the record and the outcome's reasons all say so.
"""

from __future__ import annotations

import contextvars
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from labelaudit import (
    Collection,
    CollectRequest,
    Evidence,
    Finding,
    InputError,
    Measure,
    PluginError,
    Sample,
    SourceKind,
    Text,
    hookimpl,
)
from labelaudit.collect import collect, prepare
from labelaudit.i18n import current_lang, set_lang
from labelaudit.record import dumps
from labelaudit.testing import assert_evidence, unless_installed

from clirun import run

pytest_plugins = unless_installed()

Collect = Callable[[CollectRequest], Any]
FLAKY = "flaky 0.0.1 (given in code)"
GRID = 'site = "s1"\n[[criteria]]\nid = "onsite.1"\nlevel = 4\n'


def flaky(collect_function: Collect) -> ModuleType:
    """A plugin `flaky` whose source kind `flaky` collects with `collect_function`."""
    module = ModuleType("flaky")
    module.__version__ = "0.0.1"  # type: ignore[attr-defined]
    module.LABELAUDIT_API = 1  # type: ignore[attr-defined]
    kind = SourceKind("flaky", Text(fr="Instable", en="Flaky"), collect_function)

    @hookimpl
    def labelaudit_register_sources(register: Callable[[SourceKind], None]) -> None:
        register(kind)

    module.labelaudit_register_sources = labelaudit_register_sources  # type: ignore[attr-defined]
    return module


def level(criterion: str = "visits.1", binding: str = "visits", site: str = "s1", **fields: Any) -> Evidence:
    return Evidence(criterion, binding, site, **({"value": Fraction(3)} | fields))


@pytest.fixture
def audit(minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path]) -> Path:
    """Two sources: `onsite` (the built-in grid, level 4) and `visits` (kind flaky)."""
    scheme = minimal_scheme(sources={"onsite": "grid", "visits": "flaky"})
    return make_audit(
        scheme,
        sources={"onsite": ["grid.toml"], "visits": ["visits.txt"]},
        files={"grid.toml": GRID, "visits.txt": "anything"},
    )


def failure(
    collect_function: Collect,
    audit: Path,
    make_plugins: Callable[..., Any],
    collect_source: Callable[..., Any],
    **options: Any,
) -> str:
    """The message of the `PluginError` that collecting `visits` with `collect_function` raises."""
    with pytest.raises(PluginError) as caught:
        collect_source(audit, "visits", plugins=make_plugins(flaky(collect_function)), **options)
    assert caught.value.plugin == FLAKY  # named with its version and origin
    return str(caught.value)


def raises(request: CollectRequest) -> Any:
    raise ValueError("boom")


def exits(request: CollectRequest) -> Any:
    sys.exit(3)


MISBEHAVIOURS: dict[str, tuple[Collect, str]] = {
    "raises": (raises, "collecting source 'visits' raised ValueError('boom')"),
    "exits": (exits, "collecting source 'visits' raised SystemExit(3)"),
    "returns None": (lambda r: None, "collecting source 'visits' returned None (NoneType), expected a Collection"),
    "returns a list": (
        lambda r: [level()],
        "collecting source 'visits' returned [Evidence(criterion='visits.1', binding='visits', site='s1', "
        "value=Fraction(3, 1), sample=None, observations=(), refere… (list), expected a Collection",  # cut short
    ),
    "evidence is a dict": (
        lambda r: Collection(evidence=({"criterion": "visits.1"},)),  # type: ignore[arg-type]
        "source 'visits': returned {'criterion': 'visits.1'} (dict) as evidence, expected an Evidence",
    ),
    "evidence is None": (
        lambda r: Collection(evidence=None),  # type: ignore[arg-type]
        "source 'visits': Collection.evidence must be a tuple, got None (NoneType)",
    ),
    "unknown criterion": (
        lambda r: Collection(evidence=(level("nope.1"),)),
        "source 'visits': returned evidence for nope.1 / visits, which is not a binding of this source "
        "(its bindings: visits.1 / visits)",
    ),
    "another source's binding": (
        lambda r: Collection(evidence=(level("onsite.1", "onsite"),)),
        "source 'visits': returned evidence for onsite.1 / onsite, which is not a binding of this source "
        "(its bindings: visits.1 / visits)",
    ),
    "unknown site": (
        lambda r: Collection(evidence=(level(site="nice"),)),
        "source 'visits': returned evidence for unknown site 'nice' (sites of the audit: s1)",
    ),
    "float value": (
        lambda r: Collection(evidence=(level(value=2.5),)),
        "source 'visits': evidence visits.1 / visits at site 's1' has value 2.5 (float), expected an exact Fraction",
    ),
    "float sample": (
        lambda r: Collection(evidence=(level(value=None, sample=Sample(((0.5, 2),))),)),
        "source 'visits': evidence visits.1 / visits at site 's1' has sample Sample(counts=((0.5, 2),)), "
        "expected a Sample of exact values (Sample.of)",
    ),
    "negative count": (
        lambda r: Collection(evidence=(level(value=None, sample=Sample(((Fraction(2), -1),))),)),
        "source 'visits': evidence visits.1 / visits at site 's1' has sample Sample(counts=((Fraction(2, 1), -1),)), "
        "expected a Sample of exact values (Sample.of)",
    ),
    "count that is a boolean": (
        lambda r: Collection(evidence=(level(value=None, sample=Sample(((Fraction(2), True),))),)),
        "source 'visits': evidence visits.1 / visits at site 's1' has sample Sample(counts=((Fraction(2, 1), True),)), "
        "expected a Sample of exact values (Sample.of)",
    ),
    "tally entry that is not a pair": (
        lambda r: Collection(evidence=(level(value=None, sample=Sample(((Fraction(2), 1, 1),))),)),  # type: ignore[arg-type]
        "source 'visits': evidence visits.1 / visits at site 's1' has sample Sample(counts=((Fraction(2, 1), 1, 1),)), "
        "expected a Sample of exact values (Sample.of)",
    ),
    "NaN value": (
        lambda r: Collection(evidence=(level(value=float("nan")),)),
        "source 'visits': evidence visits.1 / visits at site 's1' has value nan (float), expected an exact Fraction",
    ),
    "bool value": (
        lambda r: Collection(evidence=(level(value=True),)),
        "source 'visits': evidence visits.1 / visits at site 's1' has value True (bool), expected an exact Fraction",
    ),
    "Decimal in a sample": (
        lambda r: Collection(evidence=(level(value=None, sample=Sample(((Decimal("0.5"), 2),))),)),
        "source 'visits': evidence visits.1 / visits at site 's1' has sample Sample(counts=((Decimal('0.5'), 2),)), "
        "expected a Sample of exact values (Sample.of)",
    ),
    "float given to Sample.of": (
        lambda r: Collection(evidence=(level(value=None, sample=Sample.of({0.5: 2})),)),
        "collecting source 'visits' raised TypeError('expected an exact number (Fraction, int, Decimal or its text), "
        "got 0.5 (float)')",
    ),
    "sample on a binding without indicator": (
        lambda r: Collection(evidence=(level(value=None, sample=Sample.of({Fraction(3): 2})),)),
        "source 'visits': evidence visits.1 / visits at site 's1' is a sample, but the binding names no indicator "
        "to measure it (report a value or a measure, or name an indicator in the scheme)",
    ),
    "measure with a float": (
        lambda r: Collection(evidence=(level(value=None, measure=Measure(Fraction(3), 2, 2.5, Fraction(4))),)),
        "source 'visits': evidence visits.1 / visits at site 's1' has an invalid measure: low is 2.5 (float), "
        "expected an exact number (Fraction or int, never a float or a bool)",
    ),
    "finding of an unknown requirement": (
        lambda r: Collection(findings=(Finding("vision", "minor", "x", "s1"),)),
        "source 'visits': returned an invalid finding Finding(requirement='vision', kind='minor', text='x', "
        "site='s1', criterion=None, closed=False, provenance=None) (unknown requirement 'vision')",
    ),
    "finding of an unknown kind": (
        lambda r: Collection(findings=(Finding("main", "fatal", "x", "s1"),)),  # type: ignore[arg-type]
        "source 'visits': returned an invalid finding Finding(requirement='main', kind='fatal', text='x', "
        "site='s1', criterion=None, closed=False, provenance=None) (kind 'fatal' is not one of strength, "
        "improvement, sensitive, minor, major)",
    ),
    "note not a text": (
        lambda r: Collection(notes=(42,)),  # type: ignore[arg-type]
        "source 'visits': returned the note 42 (int), expected a text (str or Text)",
    ),
}


@pytest.mark.parametrize("case", MISBEHAVIOURS, ids=list(MISBEHAVIOURS))
def test_each_misbehaviour_is_named(
    case: str, audit: Path, make_plugins: Callable[..., Any], collect_source: Callable[..., Any]
) -> None:
    collect_function, message = MISBEHAVIOURS[case]
    assert failure(collect_function, audit, make_plugins, collect_source) == f"plugin {FLAKY}: {message}"


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at teardown: a plugin thread left waiting on it then finishes."""
    event = threading.Event()
    yield event
    event.set()


def test_a_plugin_that_takes_too_long_is_stopped_waiting_for(
    audit: Path, make_plugins: Callable[..., Any], collect_source: Callable[..., Any], release: threading.Event
) -> None:
    def slow(request: CollectRequest) -> Collection:
        release.wait(30)
        return Collection()

    message = failure(slow, audit, make_plugins, collect_source, timeout=0.2)
    assert message == f"plugin {FLAKY}: collecting source 'visits' did not finish within 0.2 s (see --plugin-timeout)"


def test_bad_input_from_a_plugin_stays_an_input_error(
    audit: Path, make_plugins: Callable[..., Any], collect_source: Callable[..., Any]
) -> None:
    def picky(request: CollectRequest) -> Collection:
        raise InputError.at(request.inputs.files[0], "row 2", Text(fr="note illisible", en="unreadable score"))

    with pytest.raises(InputError) as caught:
        collect_source(audit, "visits", plugins=make_plugins(flaky(picky)))
    assert str(caught.value) == f"{audit / 'visits.txt'}: row 2: unreadable score"


def test_the_plugin_runs_in_the_callers_language(
    audit: Path, make_plugins: Callable[..., Any], collect_source: Callable[..., Any]
) -> None:
    seen: list[str] = []

    def polyglot(request: CollectRequest) -> Collection:
        seen.append(current_lang())
        return Collection(evidence=(level(),))

    set_lang("fr")
    try:
        assert_evidence(collect_source(audit, "visits", plugins=make_plugins(flaky(polyglot))), site="s1", value=3)
        message = failure(raises, audit, make_plugins, collect_source)
    finally:
        set_lang("en")
    assert seen == ["fr"]
    assert message == f"plugin {FLAKY}: la lecture de la source 'visits' a levé ValueError('boom')"


# --- stop or skip --------------------------------------------------------------------------------


def test_collect_stops_by_default(audit: Path, make_plugins: Callable[..., Any]) -> None:
    plugins = make_plugins(flaky(raises))
    with pytest.raises(PluginError, match="raised ValueError"):
        collect(prepare(audit, plugins, [audit.parent / "schemes"]), plugins)


def test_collect_skips_the_source_when_asked_and_keeps_the_others(audit: Path, make_plugins: Callable[..., Any]) -> None:
    plugins = make_plugins(flaky(raises))
    warnings: list[str] = []
    collected = collect(
        prepare(audit, plugins, [audit.parent / "schemes"]), plugins, on_plugin_error="skip", warn=warnings.append
    )
    assert [(e.criterion, e.value) for e in collected.evidence] == [("onsite.1", 4)]
    boom = (
        "la lecture de la source 'visits' a levé ValueError('boom')",
        "collecting source 'visits' raised ValueError('boom')",
    )
    assert [(s.source, s.plugin, (s.problem.fr, s.problem.en)) for s in collected.skipped] == [("visits", "flaky", boom)]
    assert warnings == [
        "warning: plugin flaky failed on source 'visits', which is left out of the score "
        "(--on-plugin-error skip): collecting source 'visits' raised ValueError('boom')"
    ]
    assert sorted(collected.input_digests) == ["grid.toml", "visits.txt"]  # its file is still recorded


def test_a_skipped_source_is_in_the_record_and_the_reasons(
    audit: Path, make_plugins: Callable[..., Any], score_record: Callable[..., dict[str, Any]]
) -> None:
    record = score_record(audit, plugins=make_plugins(flaky(raises)), on_plugin_error="skip")
    assert record["skipped_sources"] == [  # in both languages: a record's bytes do not depend on the user's
        {
            "source": "visits",
            "plugin": "flaky",
            "problem": {
                "fr": "la lecture de la source 'visits' a levé ValueError('boom')",
                "en": "collecting source 'visits' raised ValueError('boom')",
            },
        }
    ]
    first = record["outcome"]["reasons"][0]
    assert first == {
        "code": "plugin_skipped",
        "params": {"plugin": "flaky", "source": "visits"},
        "fr": "source visits laissée de côté : son plugin flaky a échoué (voir skipped_sources dans l'enregistrement)",
        "en": "source visits left out: its plugin flaky failed (see skipped_sources in the record)",
    }
    assert record["outcome"]["status"] == "deferred"  # half the criteria have no evidence: coverage 50 %


def test_a_record_with_a_skipped_source_has_the_same_bytes_in_french_and_english(
    audit: Path, make_plugins: Callable[..., Any], score_record: Callable[..., dict[str, Any]]
) -> None:
    plugins = make_plugins(flaky(raises))

    def scored_in(lang: str) -> str:
        set_lang(lang)  # type: ignore[arg-type]
        return dumps(score_record(audit, plugins=plugins, on_plugin_error="skip"))

    assert contextvars.copy_context().run(scored_in, "fr") == contextvars.copy_context().run(scored_in, "en")


def test_nothing_skipped_means_no_key_in_the_record(
    audit: Path, make_plugins: Callable[..., Any], score_record: Callable[..., dict[str, Any]]
) -> None:
    record = score_record(audit, plugins=make_plugins(flaky(lambda r: Collection(evidence=(level(),)))))
    assert "skipped_sources" not in record
    assert all(r["code"] != "plugin_skipped" for r in record["outcome"]["reasons"])
    assert record["outcome"]["points"]["shown"] == "875.0"  # levels 4 and 3 of 4


# --- On the command line -------------------------------------------------------------------------

CLI_PLUGIN = '''\
import time
from decimal import Decimal
from fractions import Fraction
from labelaudit import Collection, Evidence, SourceKind, Text, hookimpl

__version__ = "0.0.1"
LABELAUDIT_API = 1


def collect(request):
    mode = request.inputs.options.get("mode", "ok")
    if mode == "raise":
        raise ValueError("boom")
    if mode == "sleep":
        time.sleep(60)
    return Collection(evidence=tuple(
        Evidence(c.id, b.id, s.id, value=Fraction(3)) for c, b in request.bindings for s in request.audit.sites
    ))


@hookimpl
def labelaudit_register_sources(register):
    register(SourceKind("flaky", Text(fr="Instable", en="Flaky"), collect))
'''


@pytest.fixture
def cli_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, minimal_scheme: Callable[..., Any], make_audit: Callable[..., Path]
) -> Callable[[str], Path]:
    """An audit whose `visits` source the command-line plugin `flaky_cli` reads in `mode`."""
    (tmp_path / "flaky_cli.py").write_text(CLI_PLUGIN, "utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])))
    scheme = minimal_scheme(sources={"onsite": "grid", "visits": "flaky"})

    def make(mode: str) -> Path:
        return make_audit(
            scheme,
            name=f"audit-{mode}",
            sources={"onsite": ["grid.toml"], "visits": {"files": ["visits.txt"], "mode": mode}},
            files={"grid.toml": GRID, "visits.txt": "anything"},
        )

    return make


def score(audit: Path, *options: str, lang: str = "en") -> tuple[Any, Path]:
    record = audit / "record.json"
    rulesets = audit.parent / "schemes"
    return run("score", audit, "-o", record, "-p", "flaky_cli", "--rulesets", rulesets, *options, lang=lang), record


def test_cli_stops_with_exit_2_and_writes_no_record(cli_audit: Callable[[str], Path]) -> None:
    result, record = score(cli_audit("raise"))
    assert result.code == 2, result
    assert result.err == "error: plugin flaky_cli 0.0.1 (command line): collecting source 'visits' raised ValueError('boom')\n"
    assert not record.exists()


def test_cli_skip_warns_scores_and_records(cli_audit: Callable[[str], Path]) -> None:
    result, record = score(cli_audit("raise"), "--on-plugin-error", "skip")
    assert result.code == 0, result
    assert result.err == (
        "warning: plugin flaky_cli failed on source 'visits', which is left out of the score "
        "(--on-plugin-error skip): collecting source 'visits' raised ValueError('boom')\n"
    )
    assert "  - source visits left out: its plugin flaky_cli failed (see skipped_sources in the record)" in (
        result.out.splitlines()
    )
    data = json.loads(record.read_text("utf-8"))
    assert [s["source"] for s in data["skipped_sources"]] == ["visits"]


def test_cli_skip_in_french(cli_audit: Callable[[str], Path]) -> None:
    result, _ = score(cli_audit("raise"), "--on-plugin-error", "skip", lang="fr")
    assert result.code == 0, result
    assert result.err.startswith("avertissement : le plugin flaky_cli a échoué sur la source 'visits'")


def test_cli_timeout(cli_audit: Callable[[str], Path]) -> None:
    result, record = score(cli_audit("sleep"), "--plugin-timeout", "2")  # the grid source has 2 s too
    assert result.code == 2, result
    assert result.err == (
        "error: plugin flaky_cli 0.0.1 (command line): collecting source 'visits' did not finish within 2 s (see --plugin-timeout)\n"
    )
    assert not record.exists()


def test_cli_check_takes_the_same_options(cli_audit: Callable[[str], Path]) -> None:
    audit = cli_audit("raise")
    rulesets = audit.parent / "schemes"
    result = run("check", audit, "-p", "flaky_cli", "--rulesets", rulesets, "--on-plugin-error", "skip")
    assert result.code == 0, result
    assert result.err.startswith("warning: plugin flaky_cli failed on source 'visits'")
    assert result.out.startswith("OK: scheme minimal, 2 criteria, 1 pieces of evidence read")


def test_cli_a_well_behaved_plugin_is_scored(cli_audit: Callable[[str], Path]) -> None:
    result, record = score(cli_audit("ok"), "--on-plugin-error", "skip", "--plugin-timeout", "30")
    assert result.code == 0, result
    assert result.err == ""
    assert "skipped_sources" not in json.loads(record.read_text("utf-8"))


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf", "nan"])
def test_cli_plugin_timeout_must_be_positive(value: str) -> None:
    result = run("check", "x", "--plugin-timeout", value)
    assert result.code == 2, result
    assert f"expected a number of seconds greater than 0, got '{value}'" in result.err


def test_cli_on_plugin_error_choices() -> None:
    result = run("check", "x", "--on-plugin-error", "ignore")
    assert result.code == 2, result
    assert "invalid choice: 'ignore' (choose from" in result.err
