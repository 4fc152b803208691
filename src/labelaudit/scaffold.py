"""`labelaudit new-plugin NAME`: write a ready-to-test plugin package to start from.

The package (``labelaudit-NAME/``) is a complete outside plugin, like
``plugins/labelaudit-queue``: a pyproject.toml (hatchling, the ``labelaudit`` entry point, a
dependency on labelaudit), ``src/labelaudit_NAME/__init__.py`` with one source kind ``NAME``
that reads CSV files of values, a README and tests written with labelaudit's pytest fixtures
(labelaudit.testing) that pass as generated.

NAME is taken as people type it: ``mystery-shopping``, ``mystery_shopping``,
``labelaudit-mystery-shopping`` and ``Labelaudit_Mystery_Shopping`` all give the distribution
``labelaudit-mystery-shopping``, the module ``labelaudit_mystery_shopping`` and the source kind
``mystery_shopping`` (names are normalised as pip normalises them, PEP 503).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from attrs import frozen

from labelaudit.errors import InputError
from labelaudit.files import write_atomic
from labelaudit.i18n import tr
from labelaudit.model import Lang

if TYPE_CHECKING:
    from labelaudit.plugins import Plugins

KIND_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
PREFIX = "labelaudit-"
EXIT_OK = 0



@frozen
class Names:
    """The names one plugin goes by: source kind and entry point, module, distribution."""

    kind: str  # mystery_shopping: the source kind and the entry point's name
    module: str  # labelaudit_mystery_shopping
    distribution: str  # labelaudit-mystery-shopping: the package and its folder


def names_for(typed: str) -> Names:
    """The names of the plugin called `typed`, however it was written; refused if none can be made."""
    normal = re.sub(r"[-_.]+", "-", typed.strip()).lower()  # as pip compares names (PEP 503)
    normal = re.sub(r"^labelaudit(?:-|$)", "", normal)  # the prefix people add, and never the host itself
    kind = normal.replace("-", "_")
    if not KIND_PATTERN.fullmatch(kind):
        raise InputError.at(typed, "", tr("plugin.scaffold_name", name=typed))
    return Names(kind, f"labelaudit_{kind}", f"{PREFIX}{kind.replace('_', '-')}")


def check_name(name: str) -> str:
    """The source kind the name gives (see `names_for`), or an `InputError`."""
    return names_for(name).kind


def labelaudit_source() -> str | None:
    """Where this labelaudit was installed from when that is a local folder or file (PEP 610's
    direct_url.json), so that a fresh environment can install it too; None for an index."""
    try:
        text = importlib.metadata.distribution("labelaudit").read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    url = urlparse(json.loads(text).get("url", ""))
    return unquote(url.path) if url.scheme == "file" else None


def install_line(source: str | None) -> str:
    """The commands that install the package and run its tests in a fresh virtual environment."""
    labelaudit = f"{shlex.quote(source)} " if source else ""
    return f'python3 -m venv .venv && .venv/bin/pip install {labelaudit}-e ".[test]" && .venv/bin/python -m pytest'


def files_for(name: str, source: str | None = None) -> dict[str, str]:
    """Path inside the package → text, for the plugin `name` (labelaudit installed from `source`)."""
    names = names_for(name)
    values = {
        "name": names.kind, "package": names.module, "distribution": names.distribution,
        "install": install_line(source),
        "labelaudit_note": LABELAUDIT_NOTE if source else "",
    }
    return {
        path.format(**values): Template(text).substitute(values)
        for path, text in (
            ("pyproject.toml", PYPROJECT),
            ("README.md", README),
            ("src/{package}/__init__.py", MODULE),
            ("tests/test_{name}.py", TESTS),
        )
    }


def write_plugin(name: str, folder: Path, source: str | None = None) -> Path:
    """Write the package ``labelaudit-NAME`` into `folder`; refuse a folder that exists."""
    target = folder / names_for(name).distribution
    if target.exists():
        raise InputError.at(target, "", tr("plugin.scaffold_exists", path=target))
    for relative, text in files_for(name, source).items():
        write_atomic(target / relative, text)  # a path under a file or a full disk: a placed message
    return target


def clashes(names: Names, plugins: Plugins | None = None) -> list[str]:
    """What is installed already uses of these names, each with where it comes from."""
    found: list[tuple[str, str, str]] = []  # (what, name, detail)
    for ep in importlib.metadata.entry_points(group="labelaudit"):
        origin = f"{ep.dist.name} {ep.dist.version}" if ep.dist else "?"
        detail = f"{ep.name} = {ep.value}, {origin}"
        if ep.name == names.kind:
            found.append(("plugin.clash_entry_point", ep.name, detail))
        elif ep.value.split(":")[0].strip() == names.module:
            found.append(("plugin.clash_module", names.module, detail))
    if not any(what == "plugin.clash_module" for what, _, _ in found) and importlib.util.find_spec(names.module):
        found.append(("plugin.clash_module", names.module, str(importlib.util.find_spec(names.module).origin)))  # type: ignore[union-attr]
    if plugins is not None and names.kind in plugins.kinds:
        kind = plugins.kinds[names.kind]
        found.append(("plugin.clash_kind", names.kind, kind.plugin_label or kind.plugin))
    try:
        dist = importlib.metadata.distribution(names.distribution)
        found.append(("plugin.clash_distribution", names.distribution, f"{dist.name} {dist.version}"))
    except importlib.metadata.PackageNotFoundError:
        pass
    return [f"{tr(what, name=name)} ({detail})" for what, name, detail in found]


def handler(args: argparse.Namespace, plugins: Plugins, out: Callable[[str], None]) -> int:
    """`labelaudit new-plugin NAME [--dir DIR]`: a warning on stderr for each name already taken."""
    names = names_for(args.name)
    source = labelaudit_source()
    target = write_plugin(args.name, args.dir, source)
    taken = clashes(names, plugins)
    if taken:
        print(tr("plugin.scaffold_clash", taken="; ".join(taken)), file=sys.stderr)
    out(tr("plugin.scaffold_written", path=target, install=install_line(source)))
    return EXIT_OK


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Add the `new-plugin` command (see cli.COMMANDS)."""
    help_text = tr("plugin.help_new_plugin", lang=lang)
    parser = commands.add_parser("new-plugin", parents=[common], help=help_text, description=help_text)
    parser.add_argument("name", metavar="NAME", help=tr("plugin.help_new_plugin_name", lang=lang))
    parser.add_argument(
        "--dir", type=Path, default=Path("."), metavar="DIR", help=tr("plugin.help_new_plugin_dir", lang=lang)
    )
    parser.set_defaults(handler=handler)


# --- The package's files (string.Template: $name, $package, $distribution, $install) -----------

LABELAUDIT_NOTE = """
The first path is the labelaudit this package was generated with, installed from its source
folder; where labelaudit comes from a package index, `pip install -e ".[test]"` is enough.
"""

PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.24"]
build-backend = "hatchling.build"

[project]
name = "$distribution"
version = "0.1.0"
description = "labelaudit plugin: the $name source kind."
readme = "README.md"
requires-python = ">=3.11"
dependencies = [
    "labelaudit>=0.1",  # the public API (plugin API 1), the plugin host and its pytest fixtures
]

[project.optional-dependencies]
test = ["pytest>=8"]

# How labelaudit finds the plugin: the entry-point group `labelaudit`.
[project.entry-points.labelaudit]
$name = "$package"

[tool.hatch.build.targets.wheel]
packages = ["src/$package"]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["src"]
addopts = "-ra --strict-markers"
filterwarnings = ["error"]
"""

README = """\
# $distribution

A labelaudit plugin that provides the source kind `$name`.

As generated, it reads CSV files (UTF-8) with the header `site,criterion,value` and one row per
site and criterion: the value of that criterion's binding to the source, at that site, on the
source's scale (when the scheme gives it one). Replace `collect` in
`src/$package/__init__.py` with the reading of your own files.

## Use

In a fresh virtual environment, install the plugin (labelaudit finds it through its entry
point) and run its tests, which use labelaudit's pytest fixtures:

```sh
$install
.venv/bin/labelaudit plugins    # lists $name with its version and plugin API
```
$labelaudit_note
In a scheme (`scheme.toml`), a source of this kind:

```toml
[sources.$name]
kind = "$name"
title = { fr = "…", en = "…" }
scale = "maturity"
```

In an audit (`audit.toml`), its files:

```toml
[sources.$name]
files = ["$name.csv"]
```

See labelaudit's docs/plugins.md for the plugin contract and the test fixtures.
"""

MODULE = '''\
"""labelaudit plugin `$name`: the `$name` source kind, read from CSV files.

Each file (UTF-8) has the header `site,criterion,value` and one row per site and criterion:
the value of that criterion's binding to the source, at that site. When the scheme gives the
source a scale, a value must be one of its points. Every problem is reported at once, at its
file and row, in French and English.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

from labelaudit import (
    Collection,
    CollectRequest,
    Evidence,
    ProblemCollector,
    Provenance,
    SourceKind,
    Text,
    hookimpl,
    row_place,
)

__version__ = "0.1.0"
LABELAUDIT_API = 1  # the labelaudit plugin API this plugin is written for

HEADER = ["site", "criterion", "value"]


def collect(request: CollectRequest) -> Collection:
    """One `Evidence` per row of every file of the source."""
    problems = ProblemCollector(request.max_errors)
    evidence: list[Evidence] = []
    for path in request.inputs.files:
        evidence += _read(path, request, problems)
    problems.raise_if_any()
    return Collection(evidence=tuple(evidence))


def _read(path: Path, request: CollectRequest, problems: ProblemCollector) -> list[Evidence]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeError) as exc:
        problems.add(path, "", Text(fr=f"fichier illisible : {exc}", en=f"cannot read the file: {exc}"))
        return []
    if not rows or [cell.strip().lower() for cell in rows[0]] != HEADER:
        problems.add(path, row_place(1), Text(fr="en-tête attendu : site,criterion,value",
                                         en="expected the header: site,criterion,value"))
        return []
    found = []
    for number, row in enumerate(rows[1:], start=2):
        if any(cell.strip() for cell in row):
            item = _evidence(path, number, row, request, problems)
            if item is not None:
                found.append(item)
    return found


def _evidence(
    path: Path, number: int, row: list[str], request: CollectRequest, problems: ProblemCollector
) -> Evidence | None:
    """The row's evidence, or None after adding its problem."""
    site, criterion, raw = [cell.strip() for cell in (row + ["", "", ""])[:3]]
    where = row_place(number)  # in the user's language: for problems only, never in a record
    bindings = {c.id: b.id for c, b in request.bindings}
    sites = [s.id for s in request.audit.sites]
    if site not in sites:
        problems.add(path, where, Text(fr=f"site inconnu {site!r} (sites : {', '.join(sites)})",
                                       en=f"unknown site {site!r} (sites: {', '.join(sites)})"))
        return None
    if criterion not in bindings:
        problems.add(path, where, Text(fr=f"le critère {criterion!r} n'est pas lié à cette source",
                                       en=f"criterion {criterion!r} is not bound to this source"))
        return None
    value = _value(raw, request)
    if value is None:
        problems.add(path, where, Text(fr=f"valeur invalide {raw!r}", en=f"invalid value {raw!r}"))
        return None
    provenance = Provenance(path.name, f"row {number}")  # a record's words do not change with the language
    return Evidence(criterion, bindings[criterion], site, value=value, provenance=provenance)


def _value(raw: str, request: CollectRequest) -> Fraction | None:
    """The exact value of a cell (a decimal comma is fine), if it is a point of the source's scale."""
    try:
        value = Fraction(raw.replace(",", "."))
    except (ValueError, ZeroDivisionError):
        return None
    scale = request.scheme.scale_of(request.source)
    return value if scale is None or value in scale.values else None


SOURCE_KIND = SourceKind(
    name="$name",
    title=Text(fr="Source $name (CSV)", en="$name source (CSV)"),
    collect=collect,
)


@hookimpl
def labelaudit_register_sources(register: Callable[[SourceKind], None]) -> None:
    """Provide the `$name` source kind."""
    register(SOURCE_KIND)
'''

TESTS = '''\
"""Tests of the `$name` plugin, with labelaudit's pytest fixtures (labelaudit.testing)."""

from __future__ import annotations

import pytest

import $package
from labelaudit import InputError
from labelaudit.testing import assert_evidence

pytestmark = pytest.mark.labelaudit_plugins($package)

SOURCES = {"$name": "$name"}  # a source of kind $name, on the 0-4 maturity scale
FILES = {"$name.csv": "site,criterion,value\\nlyon,$name.1,3\\nparis,$name.1,4\\n"}


def test_registers_its_source_kind(labelaudit_plugins) -> None:
    kind = labelaudit_plugins.kinds["$name"]
    assert (kind.plugin, kind.collect) == ("$package", $package.collect)
    assert [p.api for p in labelaudit_plugins.info if p.name == "$package"] == [1]


def test_reads_one_value_per_site(minimal_scheme, make_audit, collect_source) -> None:
    scheme = minimal_scheme(sources=SOURCES)
    audit = make_audit(scheme, sites=["lyon", "paris"], sources={"$name": ["$name.csv"]}, files=FILES)
    collection = collect_source(audit, "$name")
    assert_evidence(collection, criterion="$name.1", site="lyon", value=3)
    assert_evidence(collection, criterion="$name.1", site="paris", value=4)


def test_a_value_off_the_scale_is_named_at_its_row(minimal_scheme, make_audit, collect_source) -> None:
    scheme = minimal_scheme(sources=SOURCES)
    files = {"$name.csv": "site,criterion,value\\nlyon,$name.1,7\\n"}
    audit = make_audit(scheme, sites=["lyon"], sources={"$name": ["$name.csv"]}, files=files)
    with pytest.raises(InputError) as caught:
        collect_source(audit, "$name")
    [problem] = caught.value.problems
    assert (problem.where, problem.what.en) == ("row 2", "invalid value '7'")


def test_scores_end_to_end(minimal_scheme, make_audit, score_record) -> None:
    scheme = minimal_scheme(sources=SOURCES)
    audit = make_audit(scheme, sites=["lyon", "paris"], sources={"$name": ["$name.csv"]}, files=FILES)
    record = score_record(audit)
    assert record["outcome"]["points"]["shown"] == "875.0"  # mean of 3 and 4 on 0-4: 7/8
'''
