"""IAF MD1's sample sizes for a multi-site audit, on their own: the sampling plan draws with them
and the audit file's checks hold a written plan to them.

The size is y = ⌈c·√x⌉ for x sites in scope, with c = 1 at the initial audit, 0.6 at a
surveillance audit and 0.8 at a renewal, computed in integers (no floating point square root):
⌈c·√x⌉ is the smallest y with y² ≥ c²·x. At least a quarter of the sample is drawn at random.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Literal

Stage = Literal["initial", "surveillance", "renewal"]
STAGES: tuple[Stage, ...] = ("initial", "surveillance", "renewal")
COEFFICIENT: Mapping[Stage, Fraction] = {
    "initial": Fraction(1),
    "surveillance": Fraction(3, 5),
    "renewal": Fraction(4, 5),
}


def md1_size(sites: int, stage: Stage) -> int:
    """IAF MD1's minimum number of sites to visit: ⌈c·√sites⌉, at least 1, at most `sites`."""
    if sites < 1:
        raise ValueError(f"a sample needs at least one site, got {sites}")
    wanted = COEFFICIENT[stage] ** 2 * sites  # y² ≥ c²·x, exactly
    floor = math.ceil(wanted)  # y² is whole: y² ≥ wanted ⇔ y² ≥ ⌈wanted⌉
    y = math.isqrt(floor)
    if y * y < floor:
        y += 1
    return min(max(y, 1), sites)


def random_part(size: int) -> int:
    """At least a quarter of the sample is drawn at random: ⌈size/4⌉."""
    return -(-size // 4)
