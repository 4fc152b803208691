"""Exact numbers and the one rounding rule: once, at the end, half away from zero."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from statistics import NormalDist


def _half_away(numerator: int, denominator: int, places: int) -> int:
    """numerator / denominator × 10^places rounded to an integer, ties away from zero.

    floor(|n| / d × s + 1/2) is floor((2·|n|·s + d) / 2d): one integer division, exact.
    """
    magnitude = (2 * abs(numerator) * 10**places + denominator) // (2 * denominator)
    return -magnitude if numerator < 0 else magnitude


def round_half_away(value: Fraction, places: int) -> Decimal:
    """`value` rounded to `places` decimals, ties away from zero, computed exactly."""
    signed = _half_away(value.numerator, value.denominator, places)
    return Decimal(signed).scaleb(-places)


def percent(value: Fraction) -> Decimal:
    """An attainment or a share as the percentage that reports show and gates compare."""
    return round_half_away(value * 100, 1)


def points(value: Fraction) -> Decimal:
    return round_half_away(value, 1)


def exact(value: Fraction) -> str:
    """A fraction written so that anyone can redo it by hand: `7/12`, or `3` when whole."""
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def decimal6(value: Fraction) -> str:
    """`str(round_half_away(value, 6))` (`0.500000`, `-3.000001`), written from the integer of
    millionths: a record shows every site's value, interval and n this way, 150,000 times."""
    signed = _half_away(value.numerator, value.denominator, 6)
    whole, millionths = divmod(-signed if signed < 0 else signed, 10**6)
    return f"{'-' if signed < 0 else ''}{whole}.{millionths:06d}"


def from_float6(value: float) -> Fraction:
    """A float result (a square root, a quantile) rounded to 6 decimals, then kept exact.

    The float's exact binary value is rounded, ties away from zero (Decimal's ROUND_HALF_UP).
    """
    return Fraction(millionths(value), 10**6)


def millionths(value: float) -> int:
    """A float rounded to 6 decimals (as `from_float6`), as a whole number of millionths."""
    return _half_away(*value.as_integer_ratio(), 6)


def z_for(confidence: Fraction) -> float:
    """The two-sided normal quantile for a confidence level (1.959964 for 95 %)."""
    return NormalDist().inv_cdf(float(1 - (1 - confidence) / 2))


def shown(value: Fraction) -> str:
    """A threshold or measured value as people write it: `650`, `0.5`, `3.842105`."""
    if value.denominator == 1:
        return str(value.numerator)
    text = decimal6(value)
    return text.rstrip("0").rstrip(".") if "." in text else text
