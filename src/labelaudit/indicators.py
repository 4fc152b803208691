"""The standard survey indicators, computed from a tally of answers, and what any measure must be.

Values are exact; intervals use a square root and a normal quantile, so their endpoints are
rounded to 6 decimals and then kept exact, and widened to the value where rounding would leave
it outside. These functions are public: a plugin registers them (the built-in survey plugin
does) or builds its own indicators on them.

`measure_problem` is the contract every `Measure` meets before the engine uses it, whether an
indicator computed it or a plugin reported it as pre-aggregated evidence: exact numbers, a
whole n ≥ 0, both interval ends or neither, rounded to 6 decimals, around the value, and the
value within the indicator's declared range.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

from labelaudit.errors import PluginError
from labelaudit.i18n import both
from labelaudit.model import Indicator, IndicatorContext, Measure, Sample, Text
from labelaudit.numbers import millionths, shown

PLACES = 10**6  # interval ends are multiples of one millionth



def _exact(value: object) -> bool:
    return isinstance(value, (Fraction, int)) and not isinstance(value, bool)


def _shown(value: object) -> str:
    """A number as a message shows it: exact ones as people write them, others by repr and type."""
    if isinstance(value, (Fraction, int)) and not isinstance(value, bool):
        return shown(Fraction(value))
    text = repr(value)
    return (text[:79] + "…" if len(text) > 80 else text) + f" ({type(value).__name__})"


_EXACT_TYPES = (Fraction, int)  # the fast path: exactly these types (bool is not int here)


def _exact_number(value: object) -> bool:
    return type(value) in _EXACT_TYPES or _exact(value)


def _at_most(a: Fraction | int, b: Fraction | int) -> bool:
    """a ≤ b by integer cross-multiplication: several times faster than comparing Fractions."""
    return a.numerator * b.denominator <= b.numerator * a.denominator


def measure_problem(measure: object, declared: tuple[Fraction, Fraction] | None = None) -> Text | None:
    """What is wrong with a measure, in both languages, or None if it meets the contract.

    Checked for every site and every binding of a network: integer arithmetic, no Fraction
    operations, on the fast path.
    """
    if not isinstance(measure, Measure):
        return both("measure.not_measure", found=_shown(measure))
    value, n, low, high = measure.value, measure.n, measure.low, measure.high
    if not _exact_number(value):
        return both("measure.inexact", field="value", found=_shown(value))
    if type(n) is not int and (isinstance(n, bool) or not isinstance(n, int)) or n < 0:
        return both("measure.bad_n", found=_shown(n))
    if (low is None) != (high is None):
        return both("measure.one_end", low=_shown(low), high=_shown(high))
    if low is not None and high is not None:
        if not (_exact_number(low) and _exact_number(high) and PLACES % low.denominator == PLACES % high.denominator == 0):
            return _end_problem(low, high)
        if not (_at_most(low, value) and _at_most(value, high)):
            return both("measure.outside_interval", low=_shown(low), high=_shown(high), value=_shown(value))
    if declared is not None and not (_at_most(declared[0], value) and _at_most(value, declared[1])):
        return both(
            "measure.outside_range", value=_shown(value), lowest=_shown(declared[0]), highest=_shown(declared[1])
        )
    return None


def _end_problem(low: object, high: object) -> Text:
    """Why an interval's ends break the contract (they do)."""
    for field, end in (("low", low), ("high", high)):
        if not _exact_number(end):
            return both("measure.inexact", field=field, found=_shown(end))
        if PLACES % end.denominator:  # type: ignore[attr-defined]
            return both("measure.not_rounded", field=field, found=repr(end))
    raise AssertionError("both ends are exact and rounded")


def declared_range(indicator: Indicator, context: IndicatorContext) -> tuple[Fraction, Fraction] | None:
    """The indicator's declared range in this context, or None if it declares none."""
    declared = indicator.range
    if declared is None or not callable(declared):
        return declared
    plugin = indicator.plugin_label or indicator.plugin
    try:
        found = declared(context)
    except Exception as exc:  # third-party code
        raise PluginError(plugin, both("measure.range_failed", indicator=indicator.name, error=repr(exc))) from None
    if found is None:
        return None
    ok = isinstance(found, tuple) and len(found) == 2 and all(
        isinstance(x, (Fraction, int)) and not isinstance(x, bool) for x in found
    )
    if not ok or not found[0] < found[1]:
        raise PluginError(plugin, both("measure.range_bad", indicator=indicator.name, found=repr(found)))
    return found


def interval(value: Fraction, low: float, high: float) -> tuple[Fraction, Fraction]:
    """Float interval ends rounded to 6 decimals, widened to hold the exact value.

    Rounding the ends of a very narrow interval (a million answers that nearly agree) could
    otherwise leave the value just outside it, which the contract forbids.
    """
    # On the grid of millionths, as integers: a Fraction comparison per end, on every site of
    # a network, costs more than the rest of the interval.
    numerator, denominator = value.numerator, value.denominator
    low_millionths = millionths(low)
    high_millionths = millionths(high)
    if low_millionths * denominator > numerator * PLACES:  # low > value: floor(value) on the grid
        low_millionths = numerator * PLACES // denominator
    if high_millionths * denominator < numerator * PLACES:  # high < value: ceil(value) on the grid
        high_millionths = -(-numerator * PLACES // denominator)
    return Fraction(low_millionths, PLACES), Fraction(high_millionths, PLACES)


def normal_ends(value: Fraction, variance: Fraction, z: float, bounds: tuple[Fraction, Fraction] | None = None) -> tuple[Fraction, Fraction]:
    """value ± z·√variance, clamped to `bounds` when given, ends rounded (`interval`).

    `variance` is the exact variance of the value: only its square root is a float. The
    one-site indicators and the design-based intervals (`labelaudit.design`) both end here,
    so that one site without a population gives exactly the same interval either way.
    """
    half = z * math.sqrt(variance.numerator / variance.denominator)  # int / int: correctly rounded
    centre = value.numerator / value.denominator
    low, high = centre - half, centre + half
    if bounds is not None:
        low, high = max(float(bounds[0]), low), min(float(bounds[1]), high)
    return interval(value, low, high)


def wilson_ends(p: Fraction, n: float, z: float) -> tuple[Fraction, Fraction]:
    """Wilson's score interval of a share p over n answers (n may be an effective size)."""
    n = float(n)
    pf, z2 = p.numerator / p.denominator, z * z
    centre = (pf + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(pf * (1 - pf) / n + z2 / (4 * n * n))
    return interval(p, max(0.0, centre - half), min(1.0, centre + half))


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
    # s²/n = (n·Σx² − (Σx)²) / (n²·(n − 1)), exactly, over the common denominator
    variance = Fraction(n * squares - total * total, n * n * (n - 1) * scale * scale)
    return Measure(mean, n, *normal_ends(mean, variance, z))


def share_measure(sample: Sample, counted: Iterable[Fraction], z: float) -> Measure:
    """Share of answers in `counted`, with its Wilson score interval."""
    n = sample.n
    if n == 0:
        raise ValueError("no usable answer")
    wanted = {(v.numerator, v.denominator) for v in counted}  # hashing a Fraction is slow
    hits = sum(c for v, c in sample.counts if (v.numerator, v.denominator) in wanted)
    p = Fraction(hits, n)
    return Measure(p, n, *wilson_ends(p, n, z))


NPS_RANGE = (Fraction(-100), Fraction(100))


def nps_measure(sample: Sample, z: float) -> Measure:
    """Net promoter score: % of 9–10 minus % of 0–6, from −100 to 100, interval clamped.

    Each answer scores +100, 0 or −100; the value's variance is exactly
    100²·(p₊ + p₋ − (p₊ − p₋)²)/n.
    """
    n = sample.n
    if n == 0:
        raise ValueError("no usable answer")
    promoters = Fraction(sum(c for v, c in sample.counts if v >= 9), n)
    detractors = Fraction(sum(c for v, c in sample.counts if v <= 6), n)
    value = 100 * (promoters - detractors)
    variance = 10000 * (promoters + detractors - (promoters - detractors) ** 2) / n
    return Measure(value, n, *normal_ends(value, variance, z, NPS_RANGE))
