"""The standard survey indicators, computed from a tally of answers.

Values are exact; intervals use a square root and a normal quantile, so their endpoints are
rounded to 6 decimals and then kept exact. These functions are public: a plugin registers them
(the built-in survey plugin does) or builds its own indicators on them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

from labelaudit.model import Measure, Sample
from labelaudit.numbers import from_float6


def mean_measure(sample: Sample, z: float) -> Measure:
    """Mean, with mean ± z·s/√n (s the sample standard deviation; no interval for n < 2)."""
    n = sample.n
    if n == 0:
        raise ValueError("no usable answer")
    # Integer sums over a common denominator: exactly the textbook formulas, many times faster
    # than Fraction arithmetic on a thousand sites.
    scale = math.lcm(*[v.denominator for v, _ in sample.counts])
    scaled = [(v.numerator * (scale // v.denominator), c) for v, c in sample.counts]
    total = sum(x * c for x, c in scaled)
    squares = sum(x * x * c for x, c in scaled)
    mean = Fraction(total, n * scale)
    if n < 2:
        return Measure(mean, n)
    # int / int is the correctly rounded float of the exact ratio: float(Fraction(a, b)) itself
    variance = (n * squares - total * total) / (n * (n - 1) * scale * scale)
    half = z * math.sqrt(variance) / math.sqrt(n)
    centre = total / (n * scale)
    return Measure(mean, n, from_float6(centre - half), from_float6(centre + half))


def share_measure(sample: Sample, counted: Iterable[Fraction], z: float) -> Measure:
    """Share of answers in `counted`, with its Wilson score interval."""
    n = sample.n
    if n == 0:
        raise ValueError("no usable answer")
    wanted = {(v.numerator, v.denominator) for v in counted}  # hashing a Fraction is slow
    hits = sum(c for v, c in sample.counts if (v.numerator, v.denominator) in wanted)
    p = Fraction(hits, n)
    pf, z2 = float(p), z * z
    centre = (pf + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(pf * (1 - pf) / n + z2 / (4 * n * n))
    return Measure(p, n, from_float6(max(0.0, centre - half)), from_float6(min(1.0, centre + half)))


def nps_measure(sample: Sample, z: float) -> Measure:
    """Net promoter score: % of 9–10 minus % of 0–6, from −100 to 100, interval clamped."""
    n = sample.n
    if n == 0:
        raise ValueError("no usable answer")
    promoters = Fraction(sum(c for v, c in sample.counts if v >= 9), n)
    detractors = Fraction(sum(c for v, c in sample.counts if v <= 6), n)
    value = 100 * (promoters - detractors)
    p, q = float(promoters), float(detractors)
    half = z * 100 * math.sqrt(max(0.0, p + q - (p - q) ** 2) / n)
    low = from_float6(max(-100.0, float(value) - half))
    high = from_float6(min(100.0, float(value) + half))
    return Measure(value, n, low, high)
