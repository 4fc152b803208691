"""`labelaudit new-plugin NAME`: write a ready-to-test plugin package to start from.

The package (``labelaudit-NAME/``) is a complete outside plugin, like
``plugins/labelaudit-queue``: a pyproject.toml (hatchling, the ``labelaudit`` entry point, a
dependency on labelaudit), ``src/labelaudit_NAME/__init__.py`` with one source kind ``NAME``
that reads CSV files of values, a README and tests written with labelaudit's pytest fixtures
(labelaudit.testing) that pass as generated.
"""

from __future__ import annotations

import argparse
import keyword
import re
from collections.abc import Callable
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

from labelaudit.errors import InputError
from labelaudit.files import write_atomic
from labelaudit.i18n import catalog, tr
from labelaudit.model import Lang

if TYPE_CHECKING:
    from labelaudit.plugins import Plugins

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
EXIT_OK = 0

catalog(
    {
        "plugin.help_new_plugin": {
            "fr": "écrire un paquet de plugin prêt à tester (labelaudit-NOM/)",
            "en": "write a ready-to-test plugin package (labelaudit-NAME/)",
        },
        "plugin.help_new_plugin_name": {
            "fr": "nom du plugin et de son type de source : minuscules, chiffres et _",
            "en": "name of the plugin and of its source kind: lowercase letters, digits and _",
        },
        "plugin.help_new_plugin_dir": {
            "fr": "dossier où écrire le paquet (par défaut : le dossier courant)",
            "en": "folder to write the package in (default: the current folder)",
        },
        "plugin.scaffold_name": {
            "fr": "un nom de plugin est un identifiant Python en minuscules (lettres, chiffres, _, "
            "commençant par une lettre), trouvé {name!r}",
            "en": "a plugin name is a lowercase Python identifier (letters, digits, _, starting with "
            "a letter), got {name!r}",
        },
        "plugin.scaffold_exists": {
            "fr": "{path} existe déjà : rien n'a été écrit",
            "en": "{path} already exists: nothing was written",
        },
        "plugin.scaffold_written": {
            "fr": "Paquet de plugin écrit : {path}\nEnsuite : cd {path} && pip install -e \".[test]\" && python -m pytest",
            "en": "Plugin package written: {path}\nNext: cd {path} && pip install -e \".[test]\" && python -m pytest",
        },
    }
)


def check_name(name: str) -> str:
    """The name, if it can name the source kind, the entry point and the package `labelaudit_NAME`."""
    if not NAME_PATTERN.fullmatch(name) or keyword.iskeyword(name):
        raise InputError.at(name, "", tr("plugin.scaffold_name", name=name))
    return name


def files_for(name: str) -> dict[str, str]:
    """Path inside the package → text, for the plugin `name`."""
    values = {"name": name, "package": f"labelaudit_{name}"}
    return {
        path.format(**values): Template(text).substitute(values)
        for path, text in (
            ("pyproject.toml", PYPROJECT),
            ("README.md", README),
            ("src/{package}/__init__.py", MODULE),
            ("tests/test_{name}.py", TESTS),
        )
    }


def write_plugin(name: str, folder: Path) -> Path:
    """Write the package ``labelaudit-NAME`` into `folder`; refuse a folder that exists."""
    target = folder / f"labelaudit-{check_name(name)}"
    if target.exists():
        raise InputError.at(target, "", tr("plugin.scaffold_exists", path=target))
    for relative, text in files_for(name).items():
        write_atomic(target / relative, text)  # a path under a file or a full disk: a placed message
    return target


def handler(args: argparse.Namespace, plugins: Plugins, out: Callable[[str], None]) -> int:
    """`labelaudit new-plugin NAME [--dir DIR]`."""
    target = write_plugin(args.name, args.dir)
    out(tr("plugin.scaffold_written", path=target))
    return EXIT_OK


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Add the `new-plugin` command (called by cli.build_parser)."""
    help_text = tr("plugin.help_new_plugin", lang=lang)
    parser = commands.add_parser("new-plugin", parents=[common], help=help_text, description=help_text)
    parser.add_argument("name", metavar="NAME", help=tr("plugin.help_new_plugin_name", lang=lang))
    parser.add_argument(
        "--dir", type=Path, default=Path("."), metavar="DIR", help=tr("plugin.help_new_plugin_dir", lang=lang)
    )
    parser.set_defaults(handler=handler)


# --- The package's files (string.Template: $name, $package) ------------------------------------

PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.24"]
build-backend = "hatchling.build"

[project]
name = "labelaudit-$name"
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
# labelaudit-$name

A labelaudit plugin that provides the source kind `$name`.

As generated, it reads CSV files (UTF-8) with the header `site,criterion,value` and one row per
site and criterion: the value of that criterion's binding to the source, at that site, on the
source's scale (when the scheme gives it one). Replace `collect` in
`src/$package/__init__.py` with the reading of your own files.

## Use

```sh
pip install -e ".[test]"      # labelaudit finds the plugin through its entry point
python -m pytest              # the tests use labelaudit's pytest fixtures
labelaudit plugins            # lists $name with its version and plugin API
```

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
