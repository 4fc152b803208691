"""The queue plugin: reading ticketing exports, every input problem with its place, the indicators.

Like the plugin, these tests use only labelaudit's public API (the `labelaudit` module), the
plugin itself and the standard library. The end-to-end tests run the real `labelaudit`
command on a small scheme written here, with the plugin named by `-p labelaudit_queue`.
"""

from __future__ import annotations

import ast
import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import labelaudit_queue
from labelaudit import (
    API_VERSION,
    Audit,
    AuditDates,
    Binding,
    Collection,
    CollectRequest,
    Criterion,
    Evidence,
    Indicator,
    IndicatorContext,
    InputError,
    Sample,
    Scheme,
    Site,
    SourceInputs,
    SourceKind,
    Text,
    structure,
)

F = Fraction
Z = 1.959963984540054  # the normal quantile at 95 %
SITES = (Site("montbard", "Accueil de Montbard"), Site("semur", "Point d'accueil de Semur-en-Auxois"))
HEADER = "N° ticket,Agence,Arrivée,Début de service"
COLUMNS = {"ticket": "N° ticket", "site": "Agence", "arrival": "Arrivée", "start": "Début de service"}


# --- Building requests through the public API -------------------------------------------------


def scheme() -> Scheme:
    """A scheme with one queue source. The public API has no scheme loader: structure one."""
    data = {
        "id": "t", "version": "1", "title": {"fr": "t", "en": "t"}, "max_points": 1000, "policies": {},
        "scales": {}, "questionnaires": {}, "dimensions": [], "levels": [],
        "sources": {"queue": {"id": "queue", "kind": "queue", "title": {"fr": "File", "en": "Queue"}}},
    }
    return structure(data, Scheme, file="scheme.toml")


def served_within(minutes: int | Fraction = 5) -> Binding:
    return Binding(source="queue", weight=F(1), indicator="served_within", points=(F(minutes),), floor=F(7, 10), target=F(85, 100))


def max_wait() -> Binding:
    return Binding(source="queue", weight=F(1), indicator="max_wait", floor=F(15), target=F(5))


def criterion(criterion_id: str, binding: Binding) -> Criterion:
    return Criterion(id=criterion_id, weight=F(1), pyramid=1, title=Text(fr="t", en="t"), bindings=(binding,))


DEFAULT_CRITERIA = (criterion("attente.1", served_within()), criterion("attente.2", max_wait()))


def request(
    folder: Path,
    files: Sequence[str] = ("tickets.csv",),
    options: Mapping[str, Any] | None = None,
    criteria: Iterable[Criterion] = DEFAULT_CRITERIA,
    sites: Sequence[Site] = SITES,
    max_errors: int = 50,
) -> CollectRequest:
    options = {"columns": COLUMNS} if options is None else options
    inputs = SourceInputs(files=tuple(folder / f for f in files), options=dict(options))
    audit = Audit(
        id="A-1", scheme="t", organisation="Org", scope="Scope", kind="initial", auditors=("X",),
        dates=AuditDates(), sites=tuple(sites), sources={"queue": inputs}, folder=folder, file=folder / "audit.toml",
    )
    the_scheme = scheme()
    return CollectRequest(
        scheme=the_scheme, audit=audit, source=the_scheme.sources["queue"], inputs=inputs,
        bindings=tuple((c, b) for c in criteria for b in c.bindings), max_errors=max_errors,
    )


def write(folder: Path, name: str, lines: Iterable[str], encoding: str = "utf-8", newline: str = "\n") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


def collect(req: CollectRequest) -> Collection:
    return labelaudit_queue.collect(req)


def problems_of(req: CollectRequest) -> list[tuple[str, str, Text | str]]:
    with pytest.raises(InputError) as caught:
        collect(req)
    return [(Path(p.file).name, p.where, p.what) for p in caught.value.problems]


def one_problem(req: CollectRequest) -> tuple[str, str, Text]:
    problems = problems_of(req)
    assert len(problems) == 1, problems
    file, where, what = problems[0]
    assert isinstance(what, Text), "every message of the plugin is bilingual"
    return file, where, what


def by_binding(collection: Collection) -> dict[tuple[str, str], Evidence]:
    return {(e.criterion, e.site): e for e in collection.evidence}


# --- Registration -------------------------------------------------------------------------------


def test_registers_the_queue_kind_and_two_indicators() -> None:
    kinds: list[SourceKind] = []
    indicators: list[Indicator] = []
    labelaudit_queue.labelaudit_register_sources(register=kinds.append)
    labelaudit_queue.labelaudit_register_indicators(register=indicators.append)
    assert [k.name for k in kinds] == ["queue"]
    assert [i.name for i in indicators] == ["served_within", "max_wait"]
    assert all(i.title.fr and i.title.en for i in indicators)
    assert labelaudit_queue.LABELAUDIT_API == API_VERSION


def test_imports_only_the_public_api_and_the_standard_library() -> None:
    package = Path(labelaudit_queue.__file__).parent
    for module in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                allowed = top in sys.stdlib_module_names or name == "labelaudit" or top == "labelaudit_queue"
                assert allowed, f"{module.name} line {node.lineno}: import {name}"


# --- Parsing ------------------------------------------------------------------------------------


def test_waits_per_site_with_the_default_iso_format(tmp_path: Path) -> None:
    write(tmp_path, "tickets.csv", [
        HEADER,
        "M1,Accueil de Montbard,2026-09-14 08:30,2026-09-14 08:32",  # 2 min
        "M2,montbard,2026-09-14 08:31:00,2026-09-14 08:36:00",  # exactly 5 min: within
        "M3,ACCUEIL DE MONTBARD,2026-09-14T08:40:00,2026-09-14T08:45:01",  # 5 min 1 s: not within
        "M4,montbard,2026-09-14 08:50,",  # left without being served
        "S1,semur,2026-09-14 09:00:30,2026-09-14 09:13:36",  # 13 min 6 s
    ])
    evidence = by_binding(collect(request(tmp_path)))
    assert evidence[("attente.1", "montbard")].sample == Sample.of({F(1): 2, F(0): 2})
    assert evidence[("attente.2", "montbard")].sample == Sample.of({F(2): 1, F(5): 1, F(301, 60): 1})
    assert evidence[("attente.1", "semur")].sample == Sample.of({F(0): 1})
    assert evidence[("attente.2", "semur")].sample == Sample.of({F(131, 10): 1})
    montbard = evidence[("attente.1", "montbard")]
    assert montbard.binding == "queue"  # a binding without item is named by its source
    assert montbard.provenance is not None
    assert montbard.provenance.file == "tickets.csv"
    assert montbard.provenance.location == "columns 'Arrivée' and 'Début de service'"
    assert montbard.observations[1] == "4 ticket(s): 3 served, 1 left without being served"


def test_windows_1252_semicolons_custom_format_and_extra_columns(tmp_path: Path) -> None:
    write(tmp_path, "export/tickets.csv", [
        "N° ticket;Agence;Motif;Arrivée;Début de service;Guichet",
        "A-001;CAF Montbard;Logement;14/09/2026 08:30:24;14/09/2026 08:34:11;G2",
        "A-002;CAF Semur;Prime d'activité;14/09/2026 09:00:00;14/09/2026 09:20:00;G1",
        "",
    ], encoding="cp1252", newline="\r\n")
    options = {
        "columns": COLUMNS, "datetime_format": "%d/%m/%Y %H:%M:%S",
        "site_names": {"CAF Montbard": "montbard", "CAF Semur": "semur"},
    }
    collection = collect(request(tmp_path, ["export/tickets.csv"], options))
    evidence = by_binding(collection)
    assert evidence[("attente.2", "montbard")].sample == Sample.of({F(227, 60): 1})
    assert evidence[("attente.2", "semur")].sample == Sample.of({F(20): 1})
    assert evidence[("attente.1", "semur")].sample == Sample.of({F(0): 1})
    assert evidence[("attente.1", "montbard")].provenance.file == "export/tickets.csv"  # type: ignore[union-attr]
    assert [note.en for note in collection.notes] == ["queue: export/tickets.csv: 2 tickets, 0 left without being served"]


def test_one_site_without_a_site_column(tmp_path: Path) -> None:
    write(tmp_path, "tickets.csv", ["Ticket,In,Out", "1,2026-09-14 08:30,2026-09-14 08:31", "2,2026-09-14 08:30,"])
    options = {"columns": {"ticket": "Ticket", "arrival": "In", "start": "Out"}}
    evidence = collect(request(tmp_path, options=options, sites=SITES[:1])).evidence
    assert {(e.criterion, e.site, e.sample) for e in evidence} == {
        ("attente.1", "montbard", Sample.of({F(1): 1, F(0): 1})),
        ("attente.2", "montbard", Sample.of({F(1): 1})),
    }
    options = {"columns": {"ticket": "Ticket", "arrival": "In", "start": "Out"}, "site": "semur"}
    assert {e.site for e in collect(request(tmp_path, options=options)).evidence} == {"semur"}


def test_each_threshold_is_its_bindings_own(tmp_path: Path) -> None:
    write(tmp_path, "tickets.csv", [HEADER] + [
        f"T{m},montbard,2026-09-14 08:00,2026-09-14 08:{m:02d}" for m in (1, 3, 5, 10, 12)
    ])
    criteria = [criterion("c5", served_within(5)), criterion("c10", served_within(10)), criterion("c0", served_within(0))]
    evidence = by_binding(collect(request(tmp_path, criteria=criteria)))
    assert evidence[("c5", "montbard")].sample == Sample.of({F(1): 3, F(0): 2})
    assert evidence[("c10", "montbard")].sample == Sample.of({F(1): 4, F(0): 1})
    assert evidence[("c0", "montbard")].sample == Sample.of({F(0): 5})


def test_a_site_where_nobody_was_served_has_no_longest_wait(tmp_path: Path) -> None:
    write(tmp_path, "tickets.csv", [HEADER, "S1,semur,2026-09-14 08:00,"])
    assert [(e.criterion, e.site) for e in collect(request(tmp_path)).evidence] == [("attente.1", "semur")]


def test_tickets_are_unique_per_site_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.csv", [HEADER, "001,montbard,2026-09-14 08:00,2026-09-14 08:01", "001,semur,2026-09-14 08:00,2026-09-14 08:01"])
    write(tmp_path, "b.csv", [HEADER, "002,montbard,2026-09-15 08:00,2026-09-15 08:01", "001,montbard,2026-09-15 09:00,2026-09-15 09:01"])
    file, where, what = one_problem(request(tmp_path, ["a.csv", "b.csv"]))
    assert (file, where) == ("b.csv", "row 3, column 'N° ticket' (A)")
    assert what.en == "duplicate ticket '001' for site montbard (first seen at a.csv row 2)"
    assert what.fr == "ticket « 001 » en double pour le site montbard (première occurrence : a.csv row 2)"


def test_headers_are_compared_with_spaces_collapsed(tmp_path: Path) -> None:
    write(tmp_path, "tickets.csv", ["  N°   ticket ,Agence,Arrivée,Début de  service", "1,semur,2026-09-14 08:00,2026-09-14 08:02"])
    assert len(collect(request(tmp_path)).evidence) == 2


# --- Problems, each with its row and column -------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "where", "en"),
    [
        ("1,montbard,2026-09-14 08:10,2026-09-14 08:02", "row 2, column 'Début de service' (D)",
         "service start 2026-09-14 08:02 is before arrival 2026-09-14 08:10 (column 'Arrivée')"),
        ("1,montbard,14/09/2026 08:10,2026-09-14 08:12", "row 2, column 'Arrivée' (C)",
         "unreadable date and time '14/09/2026 08:10' (expected YYYY-MM-DD HH:MM[:SS])"),
        ("1,montbard,2026-09-14 08:10,2026-09-14 25:12", "row 2, column 'Début de service' (D)",
         "unreadable date and time '2026-09-14 25:12' (expected YYYY-MM-DD HH:MM[:SS])"),
        ("1,Dijon,2026-09-14 08:10,2026-09-14 08:12", "row 2, column 'Agence' (B)",
         "unknown site 'Dijon' (audit sites: montbard, semur, or a value of [sources.queue.site_names])"),
        (",montbard,2026-09-14 08:10,2026-09-14 08:12", "row 2, column 'N° ticket' (A)", "ticket id missing"),
        ("1,montbard,,2026-09-14 08:12", "row 2, column 'Arrivée' (C)", "arrival time missing"),
        ("1,,2026-09-14 08:10,2026-09-14 08:12", "row 2, column 'Agence' (B)",
         "site missing (audit sites: montbard, semur, or a value of [sources.queue.site_names])"),
    ],
    ids=["start-before-arrival", "unparseable-arrival", "unparseable-start", "unknown-site", "blank-ticket",
         "blank-arrival", "blank-site"],
)
def test_a_bad_row_is_named_by_row_and_column(tmp_path: Path, row: str, where: str, en: str) -> None:
    write(tmp_path, "tickets.csv", [HEADER, row])
    file, place, what = one_problem(request(tmp_path))
    assert (file, place, what.en) == ("tickets.csv", where, en)
    assert what.fr and what.fr != what.en


def test_the_french_message_of_a_start_before_arrival(tmp_path: Path) -> None:
    write(tmp_path, "tickets.csv", [HEADER, "1,montbard,2026-09-14 08:10,2026-09-14 08:02"])
    assert one_problem(request(tmp_path))[2].fr == (
        "début de service 2026-09-14 08:02 antérieur à l'arrivée 2026-09-14 08:10 (colonne « Arrivée »)"
    )


def test_a_custom_format_is_named_in_the_message(tmp_path: Path) -> None:
    write(tmp_path, "tickets.csv", [HEADER, "1,montbard,2026-09-14 08:10,14/09/2026 08:12"])
    options = {"columns": COLUMNS, "datetime_format": "%d/%m/%Y %H:%M"}
    assert one_problem(request(tmp_path, options=options))[2].en == (
        "unreadable date and time '2026-09-14 08:10' (expected %d/%m/%Y %H:%M)"
    )


def test_every_problem_is_reported_up_to_the_limit(tmp_path: Path) -> None:
    rows = [f"{i},montbard,2026-09-14 08:10,2026-09-14 08:0{i}" for i in range(1, 8)]  # 7 starts before arrival
    write(tmp_path, "tickets.csv", [HEADER, *rows])
    with pytest.raises(InputError) as caught:
        collect(request(tmp_path, max_errors=5))
    assert [p.where for p in caught.value.problems] == [f"row {n}, column 'Début de service' (D)" for n in range(2, 7)]
    assert caught.value.truncated == 2


def test_a_missing_header_names_the_option(tmp_path: Path) -> None:
    write(tmp_path, "tickets.csv", ["N° ticket,Agence,Arrivée,Début", "1,montbard,2026-09-14 08:10,2026-09-14 08:12"])
    file, where, what = one_problem(request(tmp_path))
    assert (where, what.en) == ("row 1", "column 'Début de service' not found in the header (columns.start of [sources.queue])")


def test_a_header_given_twice(tmp_path: Path) -> None:
    write(tmp_path, "tickets.csv", ["N° ticket,Agence,Arrivée,Arrivée,Début de service"])
    assert one_problem(request(tmp_path))[:2] == ("tickets.csv", "row 1, column 'Arrivée' (D)")


@pytest.mark.parametrize(
    ("name", "content", "en"),
    [
        ("tickets.csv", b"", "the file is empty"),
        ("tickets.csv", b"\n\n", "the file is empty"),
        ("tickets.xlsx", b"PK", "unsupported file type '.xlsx' (expected a CSV export, .csv)"),
        ("tickets.csv", HEADER.encode("utf-16"), "unrecognised encoding (expected UTF-8 or Windows-1252)"),
    ],
    ids=["empty", "blank-lines", "not-csv", "utf-16"],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, en: str) -> None:
    (tmp_path / name).write_bytes(content)
    assert one_problem(request(tmp_path, [name]))[2].en == en


# --- Options --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "where", "expected"),
    [
        ({"columns": {"ticket": "T", "arrival": "A"}}, "key sources.queue.columns.start", ("required key missing", "clé obligatoire absente")),
        ({"columns": COLUMNS, "sheet": "x"}, "key sources.queue.sheet", ("unknown key", "clé inconnue")),
        ({"columns": COLUMNS, "site_names": {"CAF Dijon": "dijon"}}, 'key sources.queue.site_names."CAF Dijon"',
         "unknown site 'dijon' (audit sites: montbard, semur)"),
        ({"columns": {k: v for k, v in COLUMNS.items() if k != "site"}}, "key sources.queue.columns",
         "the audit has several sites (montbard, semur): give columns.site (the site column) or site"),
        ({"columns": COLUMNS, "site": "semur"}, "key sources.queue.site",
         "give either columns.site (a site column) or site (one site for the whole export), not both"),
        ({"columns": COLUMNS, "datetime_format": "%H:%M"}, "key sources.queue.datetime_format",
         "datetime_format '%H:%M' cannot be used (date, hour or minute missing)"),
        ({"columns": {**COLUMNS, "start": "Arrivée"}}, "key sources.queue.columns.start", "column 'Arrivée' is given two roles"),
        ({"columns": COLUMNS, "delimiter": ";;"}, "key sources.queue.delimiter", "expected one character, got ';;'"),
    ],
    ids=["missing-column", "unknown-key", "unknown-site", "no-site", "site-twice", "bad-format", "same-column", "delimiter"],
)
def test_bad_options_are_placed_under_the_source(
    tmp_path: Path, options: dict[str, Any], where: str, expected: str | tuple[str, str]
) -> None:
    # labelaudit.structure words its own messages (missing and unknown keys) in the language of
    # the run, as plain text; the plugin's own messages are bilingual and checked in English.
    write(tmp_path, "tickets.csv", [HEADER])
    problems = problems_of(request(tmp_path, options=options))
    assert len(problems) == 1, problems
    file, place, what = problems[0]
    text = what.en if isinstance(what, Text) else what
    assert (file, place) == ("audit.toml", where)
    assert text.startswith(expected), text  # str.startswith takes a tuple of alternatives


# --- Bindings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("binding", "en"),
    [
        (Binding(source="queue", weight=F(1), indicator="served_within", floor=F(0), target=F(1)),
         "served_within expects one threshold in minutes in points (e.g. points = [5]), got 0 value(s)"),
        (Binding(source="queue", weight=F(1), indicator="served_within", points=(F(5), F(10)), floor=F(0), target=F(1)),
         "served_within expects one threshold in minutes in points (e.g. points = [5]), got 2 value(s)"),
        (Binding(source="queue", weight=F(1), indicator="served_within", points=(F(-1),), floor=F(0), target=F(1)),
         "the served_within threshold must be 0 or more (minutes), got -1"),
        (Binding(source="queue", weight=F(1), indicator="max_wait", points=(F(5),), floor=F(15), target=F(5)),
         "max_wait takes no points (its value is the longest wait, in minutes)"),
        (Binding(source="queue", weight=F(1), indicator="max_wait"), "a binding to source 'queue' (kind queue) must give floor and target"),
        (Binding(source="queue", weight=F(1), indicator="mean", floor=F(0), target=F(1)),
         "source 'queue' (kind queue) provides the indicators served_within, max_wait, not 'mean'"),
    ],
    ids=["no-threshold", "two-thresholds", "negative", "max-wait-points", "no-curve", "other-indicator"],
)
def test_bad_bindings_are_refused(tmp_path: Path, binding: Binding, en: str) -> None:
    write(tmp_path, "tickets.csv", [HEADER])
    assert one_problem(request(tmp_path, criteria=[criterion("c", binding)]))[2].en == en


# --- Indicators -------------------------------------------------------------------------------------


def context(binding: Binding) -> IndicatorContext:
    return IndicatorContext(binding=binding, scale=None, z=Z)


def wilson(hits: int, n: int) -> tuple[float, float]:
    p = hits / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def test_served_within_is_the_share_of_ones_with_its_wilson_interval() -> None:
    measure = labelaudit_queue.compute_served_within(Sample.of({F(1): 85, F(0): 15}), context(served_within()))
    assert (measure.value, measure.n) == (F(17, 20), 100)
    low, high = wilson(85, 100)
    assert measure.low is not None and measure.high is not None
    assert abs(float(measure.low) - low) < 1e-6 and abs(float(measure.high) - high) < 1e-6
    assert float(measure.low) == pytest.approx(0.7672, abs=1e-4)


def test_served_within_refuses_a_tally_that_is_not_ones_and_zeros() -> None:
    with pytest.raises(ValueError, match="tally of 1 and 0"):
        labelaudit_queue.compute_served_within(Sample.of({F(3): 2}), context(served_within()))


def test_max_wait_is_the_longest_wait_without_interval() -> None:
    measure = labelaudit_queue.compute_max_wait(Sample.of({F(2): 30, F(15, 2): 4, F(131, 10): 1}), context(max_wait()))
    assert (measure.value, measure.n, measure.low, measure.high) == (F(131, 10), 35, None, None)
    with pytest.raises(ValueError):
        labelaudit_queue.compute_max_wait(Sample.of({}), context(max_wait()))


# --- End to end through the labelaudit command --------------------------------------------------------

SCHEME = """\
id = "queue-test"
version = "1"
title = { fr = "Test", en = "Test" }
max_points = 1000

[policies]

[scales]

[questionnaires]

[sources.queue]
kind = "queue"
title = { fr = "File d'attente", en = "Queue" }

[[dimensions]]
id = "d"
weight = 1
title = { fr = "D", en = "D" }

[[levels]]
id = "ok"
min_points = 100
title = { fr = "OK", en = "OK" }

[[gates]]
id = "no-unacceptable"
title = { fr = "Aucun seuil d'inacceptabilité franchi", en = "No unacceptability threshold crossed" }
scope = "unacceptable"
effect = "refuse"
"""

REQUIREMENT = """\
id = "attente"
dimension = "d"
weight = 1
title = { fr = "Attente", en = "Waiting" }

[[criteria]]
id = "attente.1"
weight = 1
pyramid = 1
title = { fr = "85 % en moins de 5 minutes", en = "85% within 5 minutes" }

[[criteria.bindings]]
source = "queue"
indicator = "served_within"
points = [5]
floor = 0.70
target = 0.85
weight = 1

[[criteria]]
id = "attente.2"
weight = 1
pyramid = 1
title = { fr = "Personne n'attend plus de 15 minutes", en = "Nobody waits more than 15 minutes" }

[[criteria.bindings]]
source = "queue"
indicator = "max_wait"
floor = 15
target = 5
weight = 1
"""

AUDIT = """\
id = "A-1"
scheme = "queue-test"
organisation = "Org"
scope = "Accueil"
kind = "initial"
auditors = ["X"]

[dates]
decision = 2026-10-15

[[sites]]
id = "montbard"
name = "Accueil de Montbard"

[sources.queue]
files = ["tickets.csv"]
columns = { ticket = "N° ticket", arrival = "Arrivée", start = "Début de service" }
"""


def labelaudit(*args: str | Path, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LABELAUDIT_LANG": lang, "PYTHONWARNINGS": "error"}
    return subprocess.run(
        [sys.executable, "-m", "labelaudit", *map(str, args), "-p", "labelaudit_queue"],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120,
    )


@pytest.fixture
def folders(tmp_path: Path) -> Callable[..., tuple[Path, Path]]:
    """A scheme folder and an audit folder whose ticket waits are the given minutes."""

    def make(waits: Sequence[int], requirement: str = REQUIREMENT) -> tuple[Path, Path]:
        schemes = tmp_path / "schemes" / "queue-test"
        (schemes / "requirements").mkdir(parents=True)
        (schemes / "scheme.toml").write_text(SCHEME, "utf-8")
        (schemes / "requirements" / "attente.toml").write_text(requirement, "utf-8")
        audit = tmp_path / "audit"
        audit.mkdir()
        (audit / "audit.toml").write_text(AUDIT, "utf-8")
        rows = [f"T{i},2026-09-14 08:00,2026-09-14 {8 + w // 60:02d}:{w % 60:02d}" for i, w in enumerate(waits)]
        write(audit, "tickets.csv", ["N° ticket,Arrivée,Début de service", *rows])
        return schemes.parent, audit

    return make


def score(folders: tuple[Path, Path], tmp_path: Path) -> dict[str, Any]:
    schemes, audit = folders
    done = labelaudit("score", audit, "-o", tmp_path / "record.json", "--rulesets", schemes)
    assert done.returncode == 0, done.stderr
    return json.loads((tmp_path / "record.json").read_text("utf-8"))


def bindings(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        c["id"]: c["bindings"][0]
        for d in record["tree"]["dimensions"] for r in d["requirements"] for c in r["criteria"]
    }


@pytest.mark.parametrize(
    ("longest", "attainment", "unacceptable", "status"),
    [(5, "1", False, "granted"), (10, "1/2", False, "granted"), (15, "0", False, "granted"), (20, "0", True, "refused")],
)
def test_max_wait_is_lower_is_better(
    folders: Callable[..., tuple[Path, Path]], tmp_path: Path, longest: int, attainment: str, unacceptable: bool, status: str
) -> None:
    record = score(folders([1, 2, 3, longest]), tmp_path)
    wait = bindings(record)["attente.2"]
    assert (wait["value"]["exact"], wait["floor"], wait["target"]) == (str(longest), "15", "5")
    assert (wait["attainment"]["exact"], wait["unacceptable"]) == (attainment, unacceptable)
    assert wait["measure"]["low"]["exact"] is None  # no interval
    assert record["outcome"]["status"] == status
    fired = [g["id"] for g in record["gates"] if g["fired"]]
    assert fired == (["no-unacceptable"] if unacceptable else [])


def test_served_within_end_to_end(folders: Callable[..., tuple[Path, Path]], tmp_path: Path) -> None:
    record = score(folders([0, 1, 2, 3, 4, 5, 6, 7]), tmp_path)
    share = bindings(record)["attente.1"]
    assert (share["value"]["exact"], share["measure"]["n"]) == ("3/4", 8)
    assert share["measure"]["low"]["exact"] is not None  # Wilson interval
    assert share["attainment"]["exact"] == "1/3"  # (0.75 − 0.70) / (0.85 − 0.70)


def test_a_bad_binding_is_placed_in_its_requirement_file(folders: Callable[..., tuple[Path, Path]], tmp_path: Path) -> None:
    schemes, audit = folders([1], REQUIREMENT.replace("points = [5]\n", ""))
    done = labelaudit("check", audit, "--rulesets", schemes, lang="fr")
    assert done.returncode == 2, done
    assert "attente.toml: ligne 12, clé criteria[0].bindings[0]" in done.stderr, done.stderr
    assert "served_within attend un seul seuil en minutes dans points" in done.stderr


def test_a_bad_row_in_french_through_the_command(folders: Callable[..., tuple[Path, Path]], tmp_path: Path) -> None:
    schemes, audit = folders([1])
    write(audit, "tickets.csv", ["N° ticket,Arrivée,Début de service", "T1,2026-09-14 08:10,2026-09-14 08:02"])
    done = labelaudit("check", audit, "--rulesets", schemes, lang="fr")
    assert done.returncode == 2, done
    assert "tickets.csv: ligne 2, colonne « Début de service » (C): début de service 2026-09-14 08:02 antérieur" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_item_tells_two_queue_bindings_of_one_criterion_apart(tmp_path: Path) -> None:
    write(tmp_path, "tickets.csv", [HEADER, "1,semur,2026-09-14 08:00,2026-09-14 08:07"])
    both = Criterion(
        id="attente", weight=F(1), pyramid=1, title=Text(fr="t", en="t"),
        bindings=(
            Binding(source="queue", weight=F(1), item="5min", indicator="served_within", points=(F(5),), floor=F(0), target=F(1)),
            Binding(source="queue", weight=F(1), item="longest", indicator="max_wait", floor=F(15), target=F(5)),
        ),
    )
    evidence = collect(request(tmp_path, criteria=[both])).evidence
    assert sorted((e.binding, e.sample) for e in evidence) == [
        ("queue/5min/served_within", Sample.of({F(0): 1})),
        ("queue/longest/max_wait", Sample.of({F(7): 1})),
    ]


def test_one_mistake_on_many_rows_is_one_message(tmp_path: Path) -> None:
    """The ProblemCollector of labelaudit groups the same problem down a column: 761 tickets
    served before they arrived are one message with the first rows and the count."""
    rows = [f"{i},montbard,2026-09-14 08:10,2026-09-14 08:02" for i in range(1, 762)]
    write(tmp_path, "tickets.csv", [HEADER, *rows])
    file, place, what = one_problem(request(tmp_path, max_errors=3))
    assert (file, place) == ("tickets.csv", "rows 2, 3, 4 … and 758 more, column 'Début de service' (D)")
