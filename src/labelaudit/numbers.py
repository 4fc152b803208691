"""Exact numbers and the one rounding rule: once, at the end, half away from zero."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from statistics import NormalDist


def round_half_away(value: Fraction, places: int) -> Decimal:
    """`value` rounded to `places` decimals, ties away from zero, computed exactly."""
    scale = 10**places
    magnitude = math.floor(abs(value) * scale + Fraction(1, 2))
    signed = -magnitude if value < 0 else magnitude
    return Decimal(signed).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def percent(value: Fraction) -> Decimal:
    """An attainment or a share as the percentage that reports show and gates compare."""
    return round_half_away(value * 100, 1)


def points(value: Fraction) -> Decimal:
    return round_half_away(value, 1)


def exact(value: Fraction) -> str:
    """A fraction written so that anyone can redo it by hand: `7/12`, or `3` when whole."""
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def decimal6(value: Fraction) -> str:
    return str(round_half_away(value, 6))


def from_float6(value: float) -> Fraction:
    """A float result (a square root, a quantile) rounded to 6 decimals, then kept exact."""
    return Fraction(Decimal(value).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))


def z_for(confidence: Fraction) -> float:
    """The two-sided normal quantile for a confidence level (1.959964 for 95 %)."""
    return NormalDist().inv_cdf(float(1 - (1 - confidence) / 2))


def shown(value: Fraction) -> str:
    """A threshold or measured value as people write it: `650`, `0.5`, `3.842105`."""
    if value.denominator == 1:
        return str(value.numerator)
    text = decimal6(value)
    return text.rstrip("0").rstrip(".") if "." in text else text
