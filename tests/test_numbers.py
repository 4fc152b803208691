"""The one rounding rule (once, half away from zero, exactly) and the number helpers."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labelaudit.numbers import decimal6, exact, from_float6, percent, points, round_half_away, shown, z_for


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (F(5, 100), 1, "0.1"),  # 0.05 → 0.1
        (F(15, 100), 1, "0.2"),  # 0.15 → 0.2 (banker's rounding would give 0.2 too; see 0.25)
        (F(25, 100), 1, "0.3"),  # 0.25 → 0.3 (banker's rounding gives 0.2)
        (F(255, 100), 1, "2.6"),  # 2.55 → 2.6 (float 2.55 is 2.5499…)
        (F(-255, 100), 1, "-2.6"),  # ties away from zero for negatives too
        (F(-25, 100), 1, "-0.3"),
        (F(-5, 100), 1, "-0.1"),
        (F(5, 2), 0, "3"),
        (F(-5, 2), 0, "-3"),
        (F(7, 2), 0, "4"),
        (F(1, 2), 0, "1"),
        (F(-1, 2), 0, "-1"),
        (F(2549, 1000), 1, "2.5"),  # rounded once: not 2.549 → 2.55 → 2.6
        (F(-2549, 1000), 1, "-2.5"),
        (F(24999, 10000), 1, "2.5"),
        (F(0), 1, "0.0"),
        (F(3), 1, "3.0"),
        (F(50694, 100), 1, "506.9"),
        (F(1, 3), 1, "0.3"),
        (F(2, 3), 1, "0.7"),
        (F(-2, 3), 1, "-0.7"),
        (F(1, 3), 6, "0.333333"),
        (F(2, 3), 6, "0.666667"),
        (F(1, 8), 2, "0.13"),  # 0.125 → 0.13
        (F(-1, 8), 2, "-0.13"),
        (F(1_000_000_5, 10**7), 6, "1.000001"),  # 1.0000005 → 1.000001
    ],
)
def test_round_half_away(value: F, places: int, expected: str) -> None:
    result = round_half_away(value, places)
    assert isinstance(result, Decimal)
    assert str(result) == expected
    assert result == Decimal(expected)


def test_round_half_away_is_exact_just_below_a_tie() -> None:
    # one part in 10^30 below 0.05: an exact computation must round down
    assert str(round_half_away(F(5, 100) - F(1, 10**30), 1)) == "0.0"
    assert str(round_half_away(-(F(5, 100) - F(1, 10**30)), 1)) == "0.0"
    assert str(round_half_away(F(5, 100) + F(1, 10**30), 1)) == "0.1"


def test_round_half_away_keeps_the_number_of_places() -> None:
    assert str(round_half_away(F(1), 3)) == "1.000"
    assert str(round_half_away(F(12345), 0)) == "12345"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (F(3995, 10000), "40.0"),  # 39.95 % → 40.0 %
        (F(3994, 10000), "39.9"),  # 39.94 % → 39.9 %
        (F(59, 104), "56.7"),
        (F(7, 16), "43.8"),  # 43.75 %
        (F(1), "100.0"),
        (F(0), "0.0"),
        (F(1, 3), "33.3"),
        (F(2, 3), "66.7"),
    ],
)
def test_percent(value: F, expected: str) -> None:
    assert str(percent(value)) == expected


def test_points_rounds_to_one_decimal() -> None:
    assert str(points(F(9125, 18))) == "506.9"
    assert str(points(F(51, 20))) == "2.6"
    assert str(points(F(99995, 200))) == "500.0"  # 499.975 → 500.0
    assert str(points(F(0))) == "0.0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (F(650), "650"),
        (F(1, 2), "0.5"),
        (F(73, 19), "3.842105"),  # 3.84210526… → 6 decimals
        (F(9, 10), "0.9"),
        (F(-3, 2), "-1.5"),
        (F(1, 3), "0.333333"),
        (F(2, 3), "0.666667"),
        (F(100), "100"),
        (F(1, 10**7), "0"),  # rounds to 0.000000 and is written 0
        (F(40), "40"),
        (F(567, 10), "56.7"),
    ],
)
def test_shown(value: F, expected: str) -> None:
    assert shown(value) == expected


def test_exact_and_decimal6() -> None:
    assert exact(F(7, 12)) == "7/12"
    assert exact(F(3)) == "3"
    assert exact(F(-1, 2)) == "-1/2"
    assert decimal6(F(1, 3)) == "0.333333"
    assert decimal6(F(5, 2)) == "2.500000"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3.5200180077, F("3.520018")),
        (0.1, F("0.1")),  # the float 0.1000000000000000055… becomes exactly 1/10
        (1 / 3, F("0.333333")),
        (2 / 3, F("0.666667")),
        (-2 / 3, F("-0.666667")),
        (0.0000004, F(0)),
        (1.9599639845400536, F("1.959964")),
        (100.0, F(100)),
    ],
)
def test_from_float6(value: float, expected: F) -> None:
    result = from_float6(value)
    assert isinstance(result, F)
    assert result == expected
    assert (result * 10**6).denominator == 1


def test_from_float6_rounds_the_float_exact_value_symmetrically() -> None:
    # a float is never exactly on a 6-decimal tie (that needs a factor 5^6 in the denominator):
    # it is rounded from its exact binary value, the same way on both sides of zero
    assert from_float6(2.0**-21) == 0  # 0.000000476837158203125
    assert from_float6(0.0000015) == F("0.000002")  # the float is 1.5000000000000000380e-06
    assert from_float6(-0.0000015) == F("-0.000002")
    assert from_float6(0.0000025) == F("0.000003")  # 2.5000000000000002e-06
    assert from_float6(-0.0000025) == F("-0.000003")


def test_z_for_95_percent() -> None:
    assert z_for(F(95, 100)) == pytest.approx(1.959964, abs=1e-6)
    assert from_float6(z_for(F(95, 100))) == F("1.959964")


@pytest.mark.parametrize(
    ("confidence", "z"),
    [(F(90, 100), 1.644854), (F(99, 100), 2.575829), (F(80, 100), 1.281552)],
)
def test_z_for_other_levels(confidence: F, z: float) -> None:
    assert z_for(confidence) == pytest.approx(z, abs=1e-6)


# The integer arithmetic of labelaudit.numbers against the textbook definitions it replaces.


def _reference_round(value: F, places: int) -> Decimal:
    magnitude = math.floor(abs(value) * 10**places + F(1, 2))
    signed = -magnitude if value < 0 else magnitude
    return Decimal(signed).scaleb(-places).quantize(Decimal(1).scaleb(-places))


@given(value=st.fractions(min_value=-2000, max_value=2000, max_denominator=10**9), places=st.integers(0, 6))
def test_round_half_away_is_the_textbook_rounding(value: F, places: int) -> None:
    assert str(round_half_away(value, places)) == str(_reference_round(value, places))


@given(value=st.floats(min_value=-1e4, max_value=1e4, allow_nan=False) | st.integers(-10**7, 10**7).map(lambda k: k / 2e6))
def test_from_float6_is_decimal_half_up(value: float) -> None:
    expected = F(Decimal(value).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))
    assert from_float6(value) == expected


def _interval_by_fractions(value: F, low: float, high: float) -> tuple[F, F]:
    """indicators.interval as first written: Fraction ends, Fraction comparisons."""
    low6, high6 = from_float6(low), from_float6(high)
    if low6 > value:
        low6 = F(value.numerator * 10**6 // value.denominator, 10**6)
    if high6 < value:
        high6 = F(-(-value.numerator * 10**6 // value.denominator), 10**6)
    return low6, high6


@given(st.fractions(min_value=-1000, max_value=1000), st.floats(-1e-3, 1e-3), st.floats(-1e-3, 1e-3))
def test_interval_on_integers_is_the_fraction_interval(value: F, below: float, above: float) -> None:
    """indicators.interval compares on the grid of millionths as integers: the same ends."""
    from labelaudit.indicators import interval

    centre = value.numerator / value.denominator
    low, high = centre + below, centre + above  # around, beside or across the value
    assert interval(value, low, high) == _interval_by_fractions(value, low, high)
    assert interval(value, centre, centre) == _interval_by_fractions(value, centre, centre)


@given(st.fractions(min_value=-(10**9), max_value=10**9))
def test_decimal6_is_the_rounded_decimal(value: F) -> None:
    """decimal6 writes the digits from integers: exactly the text of the rounded Decimal."""
    assert decimal6(value) == str(round_half_away(value, 6))
    assert decimal6(value / 10**7) == str(round_half_away(value / 10**7, 6))  # tiny ones, −0.000000 never
