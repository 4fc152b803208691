"""Property tests of the signed chain: any edit, deletion, insertion, reordering or truncation of a
signed, registered chain is detected by the verifier (and leaves no final decision)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from committee_helpers import DAY, TODAY, Desk, copy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labelaudit.committee.chain import load_record_digest, sidecar_path
from labelaudit.committee.register import context, open_register
from labelaudit.committee.verifier import Context, verify


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[bytes], Context]:
    """A decided session and a pending appeal (eight lines), and the context it verifies in."""
    folder = tmp_path_factory.mktemp("chain")
    desk = Desk(folder).standing()
    demo = copy(folder, "demo")
    desk.decide(demo)
    desk.open(demo, rationale="Recours")
    desk.vote(demo, "hvasseur", "override", level="excellence", rationale="Exemplaire")
    desk.vote(demo, "proux", "defer", rationale="Attendre")
    record, digest = load_record_digest(demo)
    with open_register(desk.db) as conn:
        ctx = context(conn, record, digest, today=TODAY, sidecar_exists=True)
    lines = sidecar_path(demo).read_bytes().split(b"\n")[:-1]
    reading = verify(b"".join(line + b"\n" for line in lines), ctx)
    assert reading.valid and reading.final is not None and len(lines) == 8
    return lines, ctx


def joined(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in lines)


def detected(content: bytes, ctx: Context) -> bool:
    reading = verify(content, ctx)
    return not reading.valid and reading.final is None


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(data=st.data())
def test_any_byte_edit_is_detected(signed: tuple[list[bytes], Context], data: Any) -> None:
    lines, ctx = signed
    i = data.draw(st.integers(0, len(lines) - 1))
    j = data.draw(st.integers(0, len(lines[i]) - 1))
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != lines[i][j]))
    edited = list(lines)
    edited[i] = lines[i][:j] + bytes([byte]) + lines[i][j + 1:]
    assert detected(joined(edited), ctx)


@SETTINGS
@given(data=st.data())
def test_any_deletion_is_detected(signed: tuple[list[bytes], Context], data: Any) -> None:
    lines, ctx = signed
    gone = data.draw(st.sets(st.integers(0, len(lines) - 1), min_size=1))
    assert detected(joined([line for k, line in enumerate(lines) if k not in gone]), ctx)


@SETTINGS
@given(data=st.data())
def test_any_insertion_is_detected(signed: tuple[list[bytes], Context], data: Any) -> None:
    lines, ctx = signed
    at = data.draw(st.integers(0, len(lines)))
    extra = data.draw(st.one_of(st.sampled_from(lines), st.binary(max_size=200).filter(lambda b: b"\n" not in b)))
    assert detected(joined([*lines[:at], extra, *lines[at:]]), ctx)


@SETTINGS
@given(data=st.data())
def test_any_reordering_is_detected(signed: tuple[list[bytes], Context], data: Any) -> None:
    lines, ctx = signed
    order = data.draw(st.permutations(range(len(lines))).filter(lambda p: list(p) != list(range(len(lines)))))
    assert detected(joined([lines[k] for k in order]), ctx)


@SETTINGS
@given(data=st.data())
def test_any_truncation_is_detected(signed: tuple[list[bytes], Context], data: Any) -> None:
    lines, ctx = signed
    content = joined(lines)
    cut = data.draw(st.integers(0, len(content) - 1))
    assert detected(content[:cut], ctx)


def test_a_day_later_the_untouched_chain_still_verifies(signed: tuple[list[bytes], Context]) -> None:
    """The properties above hold against a chain that is otherwise valid (the test can fail)."""
    lines, ctx = signed
    assert verify(joined(lines), ctx).valid
    assert DAY <= ctx.today
