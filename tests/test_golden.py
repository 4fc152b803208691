"""Golden records: each fixture audit, scored, gives exactly its checked-in record.

A change in the engine, a ruleset or a fixture shows up here as a diff of the record. When the
change is intended, regenerate with `LABELAUDIT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`
and review the diff like any other change.
"""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clirun import FIXTURES, REPO, run
from labelaudit.record import dumps
from labelaudit.workflow import without_gc_pauses

GOLDEN = REPO / "tests" / "golden"
EXPECTED = {
    "demo": ("granted", "confirme"),
    "excellence": ("granted", "excellence"),
    "capped": ("granted", "engage"),
    "refused": ("refused", None),
    "deferred": ("deferred", None),
    "service-commitments": ("granted", "conforme"),  # a second scheme, through the queue plugin
}


@pytest.mark.parametrize("audit", sorted(EXPECTED))
def test_fixture_record_matches_golden(audit: str, tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    result = run("score", FIXTURES / audit, "-o", record)
    assert result.code == 0, result
    golden = GOLDEN / f"{audit}.json"
    if os.environ.get("LABELAUDIT_UPDATE_GOLDEN") == "1":
        golden.write_bytes(record.read_bytes())
    assert record.read_bytes() == golden.read_bytes(), f"{audit}: the record differs from {golden}"


@pytest.mark.parametrize("audit", sorted(EXPECTED))
def test_fixture_outcome(audit: str) -> None:
    outcome = json.loads((GOLDEN / f"{audit}.json").read_text("utf-8"))["outcome"]
    assert (outcome["status"], outcome["level"]) == EXPECTED[audit]


def test_capped_fixture_is_capped_by_the_unacceptable_gate() -> None:
    record = json.loads((GOLDEN / "capped.json").read_text("utf-8"))
    fired = [g["id"] for g in record["gates"] if g["fired"]]
    assert fired == ["no-unacceptable"]
    assert float(record["outcome"]["points"]["shown"]) >= 800  # excellence, but for the cap


def test_refused_fixture_is_refused_by_the_major_finding() -> None:
    record = json.loads((GOLDEN / "refused.json").read_text("utf-8"))
    assert [g["id"] for g in record["gates"] if g["fired"]] == ["major-findings"]
    assert record["majors"] == {"monitoring": 1}


def test_demo_sites_differ() -> None:
    record = json.loads((GOLDEN / "demo.json").read_text("utf-8"))
    percents = [s["attainment"]["percent"] for s in record["sites"]]
    assert len(set(percents)) == 3


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(record=st.dictionaries(st.text(), json_values, max_size=5))
def test_record_text_is_the_standard_librarys_canonical_json(record: dict[str, object]) -> None:
    """The record is written by orjson for speed; its bytes are what json.dumps would write
    (sorted keys, two-space indent, characters unescaped, control characters escaped)."""
    assert dumps(record) == json.dumps(record, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def test_scoring_pauses_the_cyclic_collector_and_restores_it() -> None:
    assert gc.isenabled()
    with without_gc_pauses():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), without_gc_pauses():
        raise RuntimeError("a failing plugin")
    assert gc.isenabled()  # restored on errors too
    gc.disable()
    try:
        with without_gc_pauses():
            pass
        assert not gc.isenabled()  # a caller's own choice is kept
    finally:
        gc.enable()


def test_a_process_that_ends_freezes_what_the_command_left() -> None:
    """`labelaudit` as a program: what the command left is frozen, not walked again when the
    collector resumes (the process exits next); a library caller's objects are not."""
    assert gc.get_freeze_count() == 0
    with without_gc_pauses():
        kept = [[i] for i in range(1000)]
    assert gc.isenabled() and gc.get_freeze_count() == 0
    try:
        with without_gc_pauses(process_ends=True):
            kept = [[i] for i in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()
