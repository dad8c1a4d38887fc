"""NPS, quadrants, gaps, voids, anonymity, agreement status and combined weights, by hand."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stakeholders import priorities, satisfaction


def test_nps_with_no_answers_is_none_not_zero():
    result = satisfaction.nps([])
    assert result.responses == 0
    assert result.score is None


def test_nps_of_all_passives_is_zero():
    result = satisfaction.nps([7, 8, 7, 8])
    assert (result.promoters, result.passives, result.detractors) == (0, 4, 0)
    assert result.score == 0


def test_nps_of_all_detractors_is_minus_one_hundred():
    assert satisfaction.nps([0, 3, 6]).score == -100


def test_nps_by_hand():
    # 3 promoters (9, 10, 9), 1 passive (7), 2 detractors (6, 0) of 6: 50% - 33.3% = 16.7
    result = satisfaction.nps([9, 10, 9, 7, 6, 0])
    assert (result.promoters, result.passives, result.detractors) == (3, 1, 2)
    assert result.score == pytest.approx(100 / 6)


@pytest.mark.parametrize(
    ("importance", "satisfaction_", "expected"),
    [
        (4.5, 2.0, "Concentrate here"),
        (4.5, 4.0, "Keep up the good work"),
        (2.0, 2.0, "Low priority"),
        (2.0, 4.5, "Possible overkill"),
    ],
)
def test_quadrants(importance, satisfaction_, expected):
    assert satisfaction.quadrant(importance, satisfaction_) == expected


def test_weighted_gap_counts_shortfall_more_where_it_matters_more():
    assert satisfaction.weighted_gap(5, 3) == 10
    assert satisfaction.weighted_gap(2, 0) == 4
    assert satisfaction.weighted_gap(3, 4) == -3


def test_voids():
    assert satisfaction.is_void(6, [4])  # a detractor
    assert satisfaction.is_void(9, [2])  # unhappy on what it values most
    assert not satisfaction.is_void(7, [3])
    assert not satisfaction.is_void(None, [])


def test_top_drivers_keep_ties():
    assert satisfaction.top_drivers({"Cost": 0.4, "Quality": 0.4, "Speed": 0.2}) == {
        "Cost",
        "Quality",
    }


def test_three_respondent_rule():
    assert not satisfaction.may_show(2, anonymous=True)
    assert satisfaction.may_show(3, anonymous=True)
    assert satisfaction.may_show(1, anonymous=False)


@pytest.mark.parametrize(
    ("target", "actual", "higher_is_better", "expected"),
    [
        (5, 4, False, "On track"),
        (5, 5.5, False, "At risk"),
        (5, 6, False, "Missed"),
        (95, 96, True, "On track"),
        (95, 90, True, "At risk"),
        (95, 80, True, "Missed"),
    ],
)
def test_agreement_status(target, actual, higher_is_better, expected):
    assert satisfaction.agreement_status(target, actual, higher_is_better) == expected


def test_points_must_total_one_hundred():
    assert priorities.weights_from_points({"Cost": 60, "Quality": 40}) == {
        "Cost": 0.6,
        "Quality": 0.4,
    }
    with pytest.raises(priorities.PointsError, match="add up to 90"):
        priorities.weights_from_points({"Cost": 50, "Quality": 40})


def test_combined_weights_follow_spend_share():
    # Manufacturing spends 300, Finance 100: 3/4 and 1/4 of the say.
    combined = priorities.combined_weights(
        {"MFG": {"Cost": 0.2, "Quality": 0.8}, "FIN": {"Cost": 1.0, "Quality": 0.0}},
        {"MFG": 300, "FIN": 100},
    )
    assert combined == pytest.approx({"Cost": 0.4, "Quality": 0.6})


def test_combined_weights_count_units_equally_when_none_has_spend():
    combined = priorities.combined_weights({"A": {"Cost": 1.0}, "B": {"Cost": 0.0}}, {})
    assert combined == pytest.approx({"Cost": 0.5})


def test_disagreement_is_flagged_on_wide_spread_only():
    flagged = priorities.disagreements(
        {"A": {"Cost": 0.7, "Quality": 0.3}, "B": {"Cost": 0.2, "Quality": 0.35}}
    )
    assert [s.driver for s in flagged] == ["Cost"]
    assert flagged[0].spread == pytest.approx(0.5)


weights = st.dictionaries(
    st.sampled_from(["Cost", "Quality", "Speed"]), st.floats(0, 1), min_size=3, max_size=3
).map(lambda w: {k: v / sum(w.values()) for k, v in w.items()} if sum(w.values()) else None)


@given(
    st.lists(weights.filter(bool), min_size=1, max_size=5),
    st.lists(st.floats(0, 1e6), min_size=5, max_size=5),
)
def test_combined_weights_sum_to_one(unit_weights, spend):
    by_unit = {f"U{i}": w for i, w in enumerate(unit_weights)}
    combined = priorities.combined_weights(by_unit, {f"U{i}": s for i, s in enumerate(spend)})
    assert sum(combined.values()) == pytest.approx(1)


def test_a_unit_whose_net_spend_is_negative_counts_as_no_spend():
    """Credit notes can leave a unit's net spend in a category below zero: its share is 0, not
    −6 %, and no other unit's share goes past 100 %."""
    combined = priorities.combined_weights(
        {"A": {"Cost": 1.0, "Quality": 0.0}, "B": {"Cost": 0.0, "Quality": 1.0}},
        {"A": -600, "B": 10_000},
    )
    assert combined == {"Cost": 0.0, "Quality": 1.0}


@given(
    st.lists(weights.filter(bool), min_size=1, max_size=5),
    st.lists(st.floats(-1e6, 1e6), min_size=5, max_size=5),
)
def test_combined_weights_lie_between_the_units_whatever_the_signs_of_spend(unit_weights, spend):
    by_unit = {f"U{i}": w for i, w in enumerate(unit_weights)}
    combined = priorities.combined_weights(by_unit, {f"U{i}": s for i, s in enumerate(spend)})
    assert sum(combined.values()) == pytest.approx(1)
    for driver, weight in combined.items():
        given_weights = [w.get(driver, 0.0) for w in unit_weights]
        assert min(given_weights) - 1e-9 <= weight <= max(given_weights) + 1e-9
