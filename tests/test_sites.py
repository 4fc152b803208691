"""The integer arithmetic of labelaudit.sites against the plain fractions it stands for."""

from __future__ import annotations

from fractions import Fraction as F

from hypothesis import assume, given
from hypothesis import strategies as st

from labelaudit.engine import attainment
from labelaudit.sites import Form, attainment_of

fractions = st.fractions(min_value=-200, max_value=200, max_denominator=10**6)


def as_fraction(pair: tuple[int, int]) -> F:
    numerator, denominator = pair
    assert denominator > 0
    return F(numerator, denominator)


@given(value=fractions, floor=fractions, target=fractions)
def test_attainment_of_is_the_clamped_attainment(value: F, floor: F, target: F) -> None:
    assume(floor != target)
    assert as_fraction(attainment_of(value, floor, target - floor)) == attainment(value, floor, target)


@given(
    weights=st.dictionaries(st.integers(0, 9), st.fractions(min_value=F(1, 97), max_value=5, max_denominator=97), max_size=6),
    values=st.lists(st.tuples(st.integers(0, 10**7), st.integers(1, 10**7)), min_size=10, max_size=10),
)
def test_a_form_is_its_weighted_sum(weights: dict[int, F], values: list[tuple[int, int]]) -> None:
    expected = sum((w * as_fraction(values[i]) for i, w in weights.items()), F(0))
    assert Form.of(weights).value(values) == expected


def test_a_form_by_hand() -> None:
    form = Form.of({0: F(1, 3), 2: F(1, 6)})
    assert (form.indices, form.weights, form.denominator) == ((0, 2), (2, 1), 6)
    # 1/3 × 3/4 + 1/6 × 1/2 = 1/4 + 1/12 = 1/3
    assert form.value([(3, 4), (5, 7), (1, 2)]) == F(1, 3)
    assert Form.of({}).value([]) == 0
