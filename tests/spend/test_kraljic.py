"""Kraljic quadrants and the scores the data suggests, checked at every boundary."""

import pytest

from spend import kraljic
from spend.kraljic import (
    BOTTLENECK,
    LEVERAGE,
    NON_CRITICAL,
    STRATEGIC,
    quadrant,
    suggested_impact,
    suggested_risk,
)


@pytest.mark.parametrize(
    ("impact", "risk", "expected"),
    [
        (3, 3, STRATEGIC),  # the midpoint counts as high on both axes
        (5, 5, STRATEGIC),
        (3, 2, LEVERAGE),  # high impact, low risk
        (5, 1, LEVERAGE),
        (2, 3, BOTTLENECK),  # low impact, high risk
        (1, 5, BOTTLENECK),
        (2, 2, NON_CRITICAL),
        (1, 1, NON_CRITICAL),
    ],
)
def test_quadrant_treats_three_and_above_as_high(impact, risk, expected):
    assert quadrant(impact, risk) == expected


def test_the_quadrant_names_are_the_ones_the_issue_asks_for():
    assert {quadrant(i, r) for i in range(1, 6) for r in range(1, 6)} == {
        "strategic",
        "leverage",
        "bottleneck",
        "non_critical",
    }


@pytest.mark.parametrize(("impact", "risk"), [(0, 3), (6, 3), (3, 0), (3, 6)])
def test_scores_outside_one_to_five_are_refused(impact, risk):
    with pytest.raises(ValueError, match="between 1 and 5"):
        quadrant(impact, risk)


def test_each_quadrant_carries_its_textbook_approach():
    approaches = {key: q.approach for key, q in kraljic.QUADRANTS.items()}
    assert approaches == {
        STRATEGIC: "Partner",
        LEVERAGE: "Compete the market",
        BOTTLENECK: "Secure supply",
        NON_CRITICAL: "Simplify and automate",
    }


@pytest.mark.parametrize(
    ("share", "expected"),
    # Ten peers: an even share is 10%. Steps at half, once, twice and four times that.
    [(0.0, 1), (0.049, 1), (0.05, 2), (0.099, 2), (0.10, 3), (0.199, 3), (0.20, 4), (0.40, 5)],
)
def test_impact_steps_up_with_the_share_of_spend_against_an_even_split(share, expected):
    assert suggested_impact(share, peers=10) == expected


def test_a_category_alone_at_its_level_holds_exactly_its_even_share():
    assert suggested_impact(1.0, peers=1) == 3
    # All the spend of four peers is four times an even share.
    assert suggested_impact(1.0, peers=4) == 5


def test_impact_needs_peers():
    with pytest.raises(ValueError):
        suggested_impact(0.5, peers=0)


@pytest.mark.parametrize(
    ("hhi", "expected"),
    [
        (None, 1),
        (999, 1),
        (1_000, 2),
        (1_499, 2),
        (1_500, 3),
        (2_500, 3),
        (2_501, 4),
        (4_999, 4),
        (5_000, 5),
        (10_000, 5),
    ],
)
def test_risk_from_concentration_follows_the_guideline_bands(hhi, expected):
    assert suggested_risk(hhi, supplier_count=50) == expected


@pytest.mark.parametrize(
    ("suppliers", "expected"), [(0, 1), (1, 5), (2, 4), (3, 3), (4, 3), (5, 2), (9, 2), (10, 1)]
)
def test_few_suppliers_raise_the_risk_even_when_spend_is_spread(suppliers, expected):
    assert suggested_risk(0, supplier_count=suppliers) == expected


def test_the_riskier_signal_wins():
    # Twenty suppliers (low by count) but one holds 75% (HHI about 5,700): very high.
    assert suggested_risk(5_700, supplier_count=20) == 5
    # Two equal suppliers: HHI 5,000 says 5, the count says 4.
    assert suggested_risk(5_000, supplier_count=2) == 5
