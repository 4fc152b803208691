"""labelaudit-queue: waiting times from a ticketing export, as evidence for service commitments.

A third-party labelaudit plugin. It imports nothing from labelaudit but the public API (the
`labelaudit` module) and registers, through the entry-point group `labelaudit`:

- the source kind ``queue``: a ticketing (queue management) export, CSV, one row per ticket
  with its id, its site, its arrival time and its service start time;
- the indicator ``served_within``: the share of tickets served within the binding's threshold,
  ``points = [5]`` for 5 minutes, with its Wilson interval (customers who left without being
  served count as not served within it);
- the indicator ``max_wait``: the longest wait in minutes, exact, without interval. Lower is
  better: a scheme binds it with ``target < floor`` (``floor = 15``, ``target = 5``).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from labelaudit import (
    Collection,
    CollectRequest,
    Indicator,
    IndicatorContext,
    Measure,
    Sample,
    SourceKind,
    Text,
    hookimpl,
    share_measure,
)

__version__ = "0.1.0"
LABELAUDIT_API = 1  # the plugin API (labelaudit.API_VERSION) this plugin was written for

_ONE = Fraction(1)


def compute_served_within(sample: Sample, context: IndicatorContext) -> Measure:
    """The share of tickets served within the threshold: the sample is a tally of 1 (yes) and 0 (no).

    The queue source applies the binding's threshold when it tallies; the value is the share of
    1s, in [0, 1], with its Wilson score interval at the scheme's confidence level.
    """
    others = sorted({v for v, _ in sample.counts} - {Fraction(0), _ONE})
    if others:
        raise ValueError(f"served_within expects a tally of 1 and 0 (served within the threshold or not), got {others[0]}")
    return share_measure(sample, (_ONE,), context.z)


def compute_max_wait(sample: Sample, context: IndicatorContext) -> Measure:
    """The longest wait, in minutes: the highest value of a tally of waits. No interval."""
    if sample.n == 0:
        raise ValueError("no served ticket")
    return Measure(max(v for v, _ in sample.counts), sample.n)


SERVED_WITHIN = Indicator(
    "served_within",
    Text(fr="Part des usagers reçus dans le délai (points = [minutes])", en="Share of customers served within the threshold (points = [minutes])",
         others={"de": "Anteil der innerhalb der Frist bedienten Kunden (points = [Minuten])"}),
    compute_served_within,
)
MAX_WAIT = Indicator(
    "max_wait",
    Text(fr="Attente la plus longue, en minutes (plus bas = mieux)", en="Longest wait, in minutes (lower is better)",
         others={"de": "Längste Wartezeit in Minuten (niedriger ist besser)"}),
    compute_max_wait,
)
INDICATORS = (SERVED_WITHIN, MAX_WAIT)


def collect(request: CollectRequest) -> Collection:
    """Read a queue source's exports (see `_collect`); imported late to keep start-up light."""
    from labelaudit_queue._collect import collect as collect_queue

    return collect_queue(request)


QUEUE = SourceKind(
    name="queue",
    title=Text(fr="Export de gestion de file d'attente (CSV)", en="Queue management export (CSV)", others={"de": "Export des Warteschlangenmanagements (CSV)"}),
    collect=collect,
)


@hookimpl
def labelaudit_register_indicators(register: Callable[[Indicator], None]) -> None:
    for indicator in INDICATORS:
        register(indicator)


@hookimpl
def labelaudit_register_sources(register: Callable[[SourceKind], None]) -> None:
    register(QUEUE)
