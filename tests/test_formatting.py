"""Numbers, percentages and dates written as each language writes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labelaudit.i18n.formatting import date, number, percent

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("lang", "points", "share", "day"),
    [
        ("fr", "733,9", f"72,0{NBSP}%", "20 novembre 2026"),
        ("en", "733.9", "72.0%", "November 20, 2026"),
        ("de", "733,9", f"72,0{NBSP}%", "20. November 2026"),
    ],
)
def test_each_language_writes_its_own_way(lang: str, points: str, share: str, day: str) -> None:
    assert number(Decimal("733.9"), lang) == points
    assert percent(Decimal("72.0"), lang) == share
    assert date(dt.date(2026, 11, 20), lang) == day


def test_french_writes_the_first_of_a_month_1er() -> None:
    assert date(dt.date(2027, 3, 1), "fr") == "1er mars 2027"
    assert date(dt.date(2027, 3, 1), "en") == "March 1, 2027"
    assert date(dt.date(2027, 3, 11), "fr") == "11 mars 2027"


def test_grouping_and_whole_numbers() -> None:
    assert number(Decimal("12733.9"), "fr") == f"12{NNBSP}733,9"
    assert number(Decimal("12733.9"), "en") == "12,733.9"
    assert number(1000, "en") == "1,000"
    assert percent(Decimal("100.0"), "fr") == f"100,0{NBSP}%"


@given(st.decimals(min_value=-10**6, max_value=10**6, places=3, allow_nan=False, allow_infinity=False))
def test_the_written_number_is_the_number(value: Decimal) -> None:
    """Every decimal kept, nothing rounded again: the English text parses back to the value."""
    assert Decimal(number(value, "en").replace(",", "")) == value
    assert Decimal(number(value, "fr").replace(NNBSP, "").replace(",", ".")) == value
