"""The bundled label schemes (`rulesets/`), provided through the public plugin API.

An installed wheel carries the schemes inside this package; a source checkout serves the
repository's own `rulesets/` folder, so that editing a ruleset needs no reinstall.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from labelaudit import hookimpl

LABELAUDIT_API = 1  # the labelaudit plugin API this plugin is written for
_HERE = Path(__file__).resolve().parent


def bundled_rulesets() -> Path:
    installed = _HERE / "rulesets"
    return installed if installed.is_dir() else _HERE.parent.parent / "rulesets"


@hookimpl
def labelaudit_register_schemes(register: Callable[[Path], None]) -> None:
    register(bundled_rulesets())
