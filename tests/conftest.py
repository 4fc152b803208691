"""Shared test configuration: hypothesis profiles and the scheme-building fixture.

HYPOTHESIS_PROFILE selects the profile: "ci" (the default: deterministic, about 60 examples,
no deadline) or "dev" (fewer examples, for a quick local loop).
"""

from __future__ import annotations

import os
from collections.abc import Callable
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
