"""Supplier concentration from spend per supplier, against hand-worked numbers."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spend import concentration


def test_hhi_is_the_sum_of_squared_percentage_shares():
    # Shares 50%, 30%, 20%: 50² + 30² + 20² = 2,500 + 900 + 400 = 3,800.
    assert concentration.hhi([Decimal("500"), Decimal("300"), Decimal("200")]) == pytest.approx(
        3_800
    )
    # Shares 60%, 25%, 10%, 5%: 3,600 + 625 + 100 + 25 = 4,350.
    assert concentration.hhi([5, 10, 60, 25]) == pytest.approx(4_350)


def test_a_single_supplier_is_a_monopoly_and_equal_suppliers_give_ten_thousand_over_n():
    assert concentration.hhi([Decimal("123.45")]) == pytest.approx(10_000)
    assert concentration.hhi([40, 40, 40, 40]) == pytest.approx(2_500)
    assert concentration.hhi([7] * 10) == pytest.approx(1_000)


def test_suppliers_with_net_credit_hold_no_share():
    # 80 and 20 share the market; the supplier with -10 net (a credit note) is left out.
    assert concentration.hhi([80, 20, -10, 0]) == pytest.approx(6_800)
    assert concentration.shares([80, 20, -10]) == pytest.approx([0.8, 0.2])


def test_nothing_spent_gives_no_index():
    assert concentration.hhi([]) is None
    assert concentration.hhi([0, -5]) is None
    assert concentration.top_share([]) is None
    assert concentration.pareto_count([]) == 0
    assert concentration.cumulative_shares([]) == []


def test_concentration_levels_follow_the_merger_guidelines():
    assert concentration.concentration_level(1_499) == "unconcentrated"
    assert concentration.concentration_level(1_500) == "moderately concentrated"
    assert concentration.concentration_level(2_500) == "moderately concentrated"
    assert concentration.concentration_level(2_501) == "highly concentrated"
    assert concentration.concentration_level(None) == ""


def test_top_share_is_the_largest_suppliers_fraction():
    assert concentration.top_share([200, 500, 300]) == pytest.approx(0.5)


def test_pareto_count_is_how_many_suppliers_reach_eighty_percent():
    # Largest first: 50% then 80%: two suppliers make exactly 80%.
    assert concentration.pareto_count([500, 300, 200]) == 2
    # 40, 70, 85: the third one takes it past 80%.
    assert concentration.pareto_count([40, 30, 15, 10, 5]) == 3
    # One supplier with 90% is enough.
    assert concentration.pareto_count([90, 5, 5]) == 1
    # Ten equal suppliers: eight of them.
    assert concentration.pareto_count([1] * 10) == 8
    assert concentration.pareto_count([40, 30, 15, 10, 5], share=0.5) == 2


def test_the_pareto_curve_rises_to_the_whole_spend():
    assert concentration.cumulative_shares([20, 50, 30]) == pytest.approx([0.5, 0.8, 1.0])


amounts = st.lists(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2),
    min_size=1,
    max_size=60,
)


@given(amounts)
def test_hhi_lies_between_ten_thousand_over_n_and_ten_thousand(values):
    index = concentration.hhi(values)
    assert 10_000 / len(values) - 1e-6 <= index <= 10_000 + 1e-6


@given(amounts, st.decimals(min_value=Decimal("0.5"), max_value=Decimal("1000"), places=2))
def test_shares_do_not_depend_on_the_currency_unit(values, rate):
    assert concentration.hhi([value * rate for value in values]) == pytest.approx(
        concentration.hhi(values)
    )


@given(amounts)
def test_the_pareto_count_is_the_first_point_of_the_curve_at_eighty_percent(values):
    count = concentration.pareto_count(values)
    curve = concentration.cumulative_shares(values)
    assert 1 <= count <= len(values)
    assert curve[count - 1] >= 0.8 - 1e-9
    assert count == 1 or curve[count - 2] < 0.8
    assert curve[-1] == 1.0
