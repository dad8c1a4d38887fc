"""The plan arithmetic against numbers worked by hand (each test says how)."""

import datetime
from decimal import Decimal

import pytest

from plans import alignment as plans
from plans import savings
from plans.alignment import TransitionRefused

D = datetime.date


def test_prorate_issue_example():
    # Issue 5: 200,000 over 2024-04-01..2025-03-31 (365 days); Apr-Dec 2024 is 275 days.
    assert savings.prorate(200_000, D(2024, 4, 1), D(2025, 3, 31), 2024) == Decimal("150684.93")
    # The other 90 days: 200,000 / 365 × 90 = 49,315.068... → 49,315.07; the two add up.
    assert savings.prorate(200_000, D(2024, 4, 1), D(2025, 3, 31), 2025) == Decimal("49315.07")


def test_prorate_outside_the_period_is_zero():
    assert savings.prorate(200_000, D(2024, 4, 1), D(2025, 3, 31), 2023) == Decimal("0.00")


def test_prorate_short_period_divides_by_its_own_days():
    # 1,000 over 2024-12-01..2025-01-31 = 62 days, 31 in each year: 500.00 each.
    assert savings.prorate(1000, D(2024, 12, 1), D(2025, 1, 31), 2024) == Decimal("500.00")
    assert savings.prorate(1000, D(2024, 12, 1), D(2025, 1, 31), 2025) == Decimal("500.00")
    # Wholly inside one year: all of it there.
    assert savings.prorate(12_000, D(2026, 7, 1), D(2026, 12, 31), 2026) == Decimal("12000.00")


def test_prorate_long_period_treats_amount_as_annual():
    # Two years: each day is the amount ÷ the days of its own year, so each whole year gets
    # the amount, the leap year 2024 too (it got 366,000 before issue 13), and half of 2026
    # (181 of its 365 days) gets 181/365 of it.
    assert savings.prorate(365_000, D(2024, 1, 1), D(2025, 12, 31), 2025) == Decimal("365000.00")
    assert savings.prorate(365_000, D(2024, 1, 1), D(2025, 12, 31), 2024) == Decimal("365000.00")
    assert savings.prorate(365_000, D(2025, 1, 1), D(2026, 6, 30), 2026) == Decimal("181000.00")


def test_prorate_refuses_a_backwards_period():
    with pytest.raises(ValueError):
        savings.prorate(1, D(2025, 1, 2), D(2025, 1, 1), 2025)


def test_risk_adjusted_pipeline():
    # 100,000 at idea (10%) + 50,000 contracted (90%) + 20,000 cancelled (0%)
    # = 10,000 + 45,000 + 0 = 55,000.
    probabilities = savings.stage_probabilities()
    items = [(100_000, "idea"), (50_000, "contracted"), (20_000, "cancelled")]
    assert savings.pipeline(items, probabilities) == Decimal("55000.00")


def test_configured_probability_replaces_the_default():
    probabilities = savings.stage_probabilities({"idea": 0.25})
    assert savings.pipeline([(100_000, "idea")], probabilities) == Decimal("25000.00")
    assert probabilities["contracted"] == 0.90


def test_normalised_savings_share_of_the_largest():
    assert savings.normalised([100_000, 50_000, 0, -10]) == [1.0, 0.5, 0.0, 0.0]
    assert savings.normalised([0, 0]) == [0.0, 0.0]


def test_value_alignment_hand_worked():
    # (0.5 × 2 + 0.3 × −1 + 0.2 × 0) / 2 = (1 − 0.3) / 2 = 0.35
    weights = {"Cost": 0.5, "Quality": 0.3, "Delivery": 0.2}
    assert plans.value_alignment(weights, {"Cost": 2, "Quality": -1}) == pytest.approx(0.35)


def test_value_alignment_bounds():
    weights = {"Cost": 0.5, "Quality": 0.3, "Delivery": 0.2}
    assert plans.value_alignment(weights, dict.fromkeys(weights, 2)) == pytest.approx(1.0)
    assert plans.value_alignment(weights, dict.fromkeys(weights, -2)) == pytest.approx(-1.0)
    assert plans.value_alignment({}, {"Cost": 2}) == 0


def test_value_alignment_refuses_impact_off_the_scale():
    with pytest.raises(ValueError):
        plans.value_alignment({"Cost": 1.0}, {"Cost": 3})


UNITS = {"MFG": {"Quality": 0.4, "Cost": 0.6}, "FIN": {"Quality": 0.1, "Cost": 0.9}}


def test_conflict_names_who_loses_what():
    found = plans.conflicts(10_000, {"Quality": -1, "Cost": 2}, UNITS)
    assert [(c.unit, c.driver, c.weight, c.impact) for c in found] == [("MFG", "Quality", 0.4, -1)]


def test_conflict_at_exactly_the_threshold():
    found = plans.conflicts(1, {"Quality": -2}, {"MFG": {"Quality": 0.2}}, threshold=0.20)
    assert len(found) == 1
    assert plans.conflicts(1, {"Quality": -2}, {"MFG": {"Quality": 0.19}}) == []


def test_no_conflict_without_savings_or_without_harm():
    assert plans.conflicts(0, {"Quality": -2}, UNITS) == []
    assert plans.conflicts(5_000, {"Quality": 1}, UNITS) == []


def test_ranking_follows_alpha():
    # A: 100,000 and −0.2; B: 50,000 and 0.6; C: 0 and 0.1. Normalised savings 1, 0.5, 0.
    items = [("A", 100_000, -0.2), ("B", 50_000, 0.6), ("C", 0, 0.1)]
    # α = 0.5: A 0.5 − 0.1 = 0.40; B 0.25 + 0.30 = 0.55; C 0 + 0.05 = 0.05
    ranked = plans.rank(items, 0.5)
    assert [r.key for r in ranked] == ["B", "A", "C"]
    assert [r.score for r in ranked] == pytest.approx([0.55, 0.40, 0.05])
    assert [r.key for r in plans.rank(items, 1.0)] == ["A", "B", "C"]
    assert [r.key for r in plans.rank(items, 0.0)] == ["B", "C", "A"]


def test_ranking_refuses_alpha_outside_zero_to_one():
    with pytest.raises(ValueError):
        plans.rank([("A", 1, 0)], 1.5)


OWNER, CPO = {"owner"}, {"cpo"}


@pytest.mark.parametrize(
    "status, action, roles, expected",
    [
        ("draft", "submit", OWNER, "in_review"),
        ("in_review", "withdraw", OWNER, "draft"),
        ("in_review", "return", CPO, "draft"),
        ("in_review", "approve", CPO, "approved"),
        ("approved", "activate", OWNER, "active"),
        ("active", "close", OWNER, "closed"),
    ],
)
def test_allowed_transitions(status, action, roles, expected):
    assert plans.next_status(status, action, roles) == expected


@pytest.mark.parametrize(
    "status, action, roles",
    [
        ("draft", "submit", CPO),  # only the owner submits
        ("draft", "approve", CPO),  # not before review
        ("in_review", "approve", OWNER),  # the owner cannot approve their own plan
        ("approved", "submit", OWNER),
        ("closed", "activate", OWNER),
        ("active", "approve", CPO),
        ("draft", "explode", OWNER | CPO),
    ],
)
def test_refused_transitions(status, action, roles):
    with pytest.raises(TransitionRefused):
        plans.next_status(status, action, roles)


def test_edit_after_approval_reopens_review():
    assert plans.status_after_edit("approved") == "in_review"
    assert plans.status_after_edit("active") == "in_review"
    assert plans.status_after_edit("draft") == "draft"
    with pytest.raises(TransitionRefused):
        plans.status_after_edit("closed")


def test_changes_lists_only_what_differs():
    before = {"title": "Tender", "hard_savings": Decimal("100.00"), "units": ["MFG"]}
    after = {"title": "Tender", "hard_savings": Decimal("150.00"), "units": ["FIN", "MFG"]}
    assert plans.changes(before, after) == {
        "hard_savings": ["100.00", "150.00"],
        "units": ["MFG", "FIN, MFG"],
    }
