"""Suggested segments from spend and Kraljic quadrants, and time against spend."""

from decimal import Decimal

import pytest

from suppliers.models import APPROVED, EXIT, PREFERRED, STRATEGIC_PARTNER, TRANSACTIONAL
from suppliers.segmentation import (
    main_quadrant,
    segment_shares,
    shares_ranked_above,
    suggest_segment,
)


def test_shares_ranked_above_follow_the_pareto_order():
    # Total 1,000: A 600 (nothing above), B 250 (600 above = 60%), C 100 (85%), D 50 (95%).
    shares = shares_ranked_above(
        {"A": Decimal(600), "C": Decimal(100), "B": Decimal(250), "D": Decimal(50), "E": 0}
    )
    assert shares == {"A": 0.0, "B": 0.6, "C": 0.85, "D": 0.95}


def test_main_quadrant_is_where_most_of_the_spend_is():
    assert main_quadrant({"leverage": Decimal(10), "strategic": Decimal(30)}) == "strategic"
    assert main_quadrant({}) is None
    # A tie goes to the more demanding quadrant.
    assert main_quadrant({"leverage": Decimal(5), "bottleneck": Decimal(5)}) == "bottleneck"


@pytest.mark.parametrize(
    ("ranked_above", "quadrant", "segment"),
    [
        (0.0, "strategic", STRATEGIC_PARTNER),
        (0.5, "leverage", PREFERRED),
        (0.79, "bottleneck", PREFERRED),
        (0.3, "non_critical", APPROVED),
        (0.85, "strategic", PREFERRED),
        (0.9, "leverage", APPROVED),
        (0.9, "bottleneck", APPROVED),
        (0.99, "non_critical", TRANSACTIONAL),
    ],
)
def test_core_and_tail_suppliers_by_quadrant(ranked_above, quadrant, segment):
    suggested, reason = suggest_segment(Decimal(1000), ranked_above, {quadrant: Decimal(1000)})
    assert suggested == segment
    assert ("first 80%" in reason) == (ranked_above < 0.8)


def test_no_spend_suggests_exit():
    assert suggest_segment(Decimal(0), None, {}) == (EXIT, "No spend in the last twelve months.")


def test_spend_with_no_category_falls_back_on_spend_alone():
    assert suggest_segment(Decimal(10), 0.1, {})[0] == APPROVED
    assert suggest_segment(Decimal(10), 0.95, {})[0] == TRANSACTIONAL


def test_time_and_spend_shares_per_segment():
    rows = segment_shares(
        [("strategic_partner", "Strategic partner"), ("transactional", "Transactional")],
        {"strategic_partner": 2, "transactional": 40},
        {"strategic_partner": Decimal(750), "transactional": Decimal(250)},
        {"strategic_partner": 60, "transactional": 180},
    )
    assert [(row["spend_share"], row["time_share"], row["hours"]) for row in rows] == [
        (0.75, 0.25, 1.0),
        (0.25, 0.75, 3.0),
    ]
