"""Scorecard arithmetic, against numbers worked by hand."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suppliers.scorecards import coverage, trend, weighted_score, weights_problem

WEIGHTS = {"quality": 50, "delivery": 30, "cost": 20}


def test_every_kpi_rated_is_the_plain_weighted_mean():
    # (50×4 + 30×3 + 20×5) / 100 = (200 + 90 + 100) / 100 = 3.9
    assert weighted_score(WEIGHTS, {"quality": 4, "delivery": 3, "cost": 5}) == 3.9


def test_an_unrated_kpi_is_left_out_and_the_other_weights_renormalised():
    # Delivery not rated: (50×4 + 20×2) / (50 + 20) = 240 / 70 = 3.428571...
    assert weighted_score(WEIGHTS, {"quality": 4, "delivery": None, "cost": 2}) == 3.4286
    # Counting delivery as zero would have given (200 + 0 + 40) / 100 = 2.4: not what we do.
    assert weighted_score(WEIGHTS, {"quality": 4, "cost": 2}) != 2.4


def test_a_single_rated_kpi_is_the_score():
    assert weighted_score(WEIGHTS, {"cost": 2}) == 2.0


def test_nothing_rated_has_no_score():
    assert weighted_score(WEIGHTS, {"quality": None}) is None
    assert weighted_score(WEIGHTS, {}) is None


def test_a_rating_outside_one_to_five_is_refused():
    with pytest.raises(ValueError, match="1 to 5"):
        weighted_score(WEIGHTS, {"quality": 6})


def test_a_kpi_the_template_does_not_weigh_is_ignored():
    assert weighted_score(WEIGHTS, {"quality": 4, "innovation": 1}) == 4.0


def test_coverage_is_the_share_of_weight_rated():
    assert coverage(WEIGHTS, {"quality": 4, "cost": 2}) == pytest.approx(0.7)
    assert coverage(WEIGHTS, {}) == 0.0


def test_weights_must_add_up_to_one_hundred():
    assert weights_problem([50, 30, 20]) == ""
    assert weights_problem([50, 30, 10]) == "The weights add up to 90; they must add up to 100."
    assert weights_problem([]) == "A scorecard needs at least one KPI."
    assert weights_problem([120, -20]) == "A weight cannot be negative."


def test_trend_averages_each_period_and_group_and_skips_unscored():
    rows = trend(
        [
            ((2026, 2), "Procurement", 4.0),
            ((2026, 1), "Procurement", 3.0),
            ((2026, 1), "Procurement", 4.0),
            ((2026, 1), "Manufacturing", 2.5),
            ((2026, 1), "Finance", None),
        ]
    )
    assert rows == [
        {"period": (2026, 1), "group": "Manufacturing", "score": 2.5, "evaluations": 1},
        {"period": (2026, 1), "group": "Procurement", "score": 3.5, "evaluations": 2},
        {"period": (2026, 2), "group": "Procurement", "score": 4.0, "evaluations": 1},
    ]


ratings = st.dictionaries(
    st.sampled_from(list(WEIGHTS)), st.one_of(st.none(), st.integers(1, 5)), min_size=1
)


@given(ratings)
def test_the_score_stays_between_the_lowest_and_highest_rating_given(given_ratings):
    score = weighted_score(WEIGHTS, given_ratings)
    rated = [value for value in given_ratings.values() if value is not None]
    if not rated:
        assert score is None
    else:
        assert min(rated) - 1e-9 <= score <= max(rated) + 1e-9
