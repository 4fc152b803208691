"""Shared test configuration: hypothesis profiles and the scheme-building fixture.

HYPOTHESIS_PROFILE selects the profile: "ci" (the default: deterministic, about 60 examples,
no deadline) or "dev" (fewer examples, for a quick local loop).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from labelaudit.model import Scheme

settings.register_profile(
    "ci",
    deadline=None,
    max_examples=60,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    deadline=None,
    max_examples=15,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def scheme_factory(tmp_path: Path) -> Callable[..., Scheme]:
    """Write a small scheme folder from parameters (see tests/helpers.py) and load it."""
    from helpers import make_scheme

    counter = iter(range(1_000_000))

    def factory(**options: Any) -> Scheme:
        return make_scheme(tmp_path / f"scheme{next(counter)}", **options)

    return factory


CliRun = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> CliRun:
    """`labelaudit.cli.main` in-process, in English: returns (exit code, stdout, stderr).

    Faster than a subprocess for the many committee-command tests; tests/test_cli.py covers the
    real entry point. The language is reset afterwards: `main` sets it in a context variable.
    """
    import contextvars

    import labelaudit.cli

    monkeypatch.setenv("LABELAUDIT_LANG", "en")
    monkeypatch.delenv("LABELAUDIT_REGISTER", raising=False)

    def run(*args: str | Path) -> tuple[int, str, str]:
        try:
            code = contextvars.copy_context().run(labelaudit.cli.main, [str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


# --- A real browser: Debian's Chromium through Playwright (its driver only, no download) ------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_unavailable(why: str) -> None:
    """Skip on a developer's machine; in CI a missing browser is a broken environment."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must provide the browser tests: {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium for the report's and the desk's browser tests."""
    if not CHROMIUM.exists():
        _browser_unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _browser_unavailable("the playwright package is not installed (pip install playwright)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
