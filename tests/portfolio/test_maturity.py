"""Maturity arithmetic against hand-worked numbers: the organisation's spend-weighted level,
the questionnaire ladder, and each evidence rule at its boundaries."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio import maturity
from portfolio.maturity_wording import WORDING


def test_organisation_level_is_the_spend_weighted_mean():
    # Hand-worked: (3 x 600 + 2 x 300 + 5 x 100) / 1000 = (1800 + 600 + 500) / 1000 = 2.9
    levels = {"DM": 3, "PK": 2, "IT": 5}
    spend = {"DM": Decimal(600), "PK": Decimal(300), "IT": Decimal(100)}
    assert maturity.organisation_level(levels, spend) == pytest.approx(2.9)


def test_a_large_category_moves_the_organisation_more_than_a_small_one():
    spend = {"big": Decimal(900), "small": Decimal(100)}
    raised_big = maturity.organisation_level({"big": 4, "small": 2}, spend)
    raised_small = maturity.organisation_level({"big": 2, "small": 4}, spend)
    assert raised_big == pytest.approx(3.8)  # (4 x 900 + 2 x 100) / 1000
    assert raised_small == pytest.approx(2.2)  # (2 x 900 + 4 x 100) / 1000


def test_categories_without_spend_count_for_nothing_unless_none_has_spend():
    assert maturity.organisation_level({"a": 4, "b": 1}, {"a": Decimal(50)}) == 4
    assert maturity.organisation_level({"a": 4, "b": 1}, {}) == pytest.approx(2.5)
    assert maturity.organisation_level({}, {"a": Decimal(50)}) is None


def test_profile_counts_a_category_only_on_the_dimensions_it_was_assessed_on():
    levels = {
        "DM": {maturity.SPEND_INSIGHT: 4, maturity.STAKEHOLDER_FOCUS: 2},
        "PK": {maturity.SPEND_INSIGHT: 2},
    }
    spend = {"DM": Decimal(300), "PK": Decimal(100)}
    profile = maturity.organisation_profile(levels, spend)
    assert profile[maturity.SPEND_INSIGHT] == pytest.approx(3.5)  # (4 x 300 + 2 x 100) / 400
    assert profile[maturity.STAKEHOLDER_FOCUS] == 2
    assert profile[maturity.CATEGORY_PLANNING] is None


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=3),
        st.tuples(st.integers(1, 5), st.integers(0, 10**9)),
        min_size=1,
    )
)
def test_organisation_level_stays_between_the_lowest_and_highest_category(rows):
    levels = {key: level for key, (level, _) in rows.items()}
    spend = {key: Decimal(amount) for key, (_, amount) in rows.items()}
    result = maturity.organisation_level(levels, spend)
    assert min(levels.values()) - 1e-9 <= result <= max(levels.values()) + 1e-9


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ([False, False, False, False], 1),
        ([True, False, False, False], 2),
        ([True, True, True, False], 4),
        ([True, True, True, True], 5),
        # A "yes" higher up cannot make up for a "no" below it.
        ([False, True, True, True], 1),
        ([True, False, True, True], 2),
    ],
)
def test_questionnaire_reaches_the_level_of_its_last_unbroken_yes(answers, level):
    assert maturity.answers_level(answers) == level


def test_suggestion_is_held_down_by_the_evidence_but_never_lifted():
    assert maturity.suggested_level(4, 2) == 2
    assert maturity.suggested_level(2, 4) == 2
    assert maturity.suggested_level(3, None) == 3


def test_a_level_above_the_evidence_needs_a_note():
    assert maturity.needs_note(4, 3)
    assert not maturity.needs_note(3, 3)
    assert not maturity.needs_note(5, None)


@pytest.mark.parametrize(
    ("coverage", "nps", "voids", "responses", "level"),
    [
        (0.24, None, 0, 0, 1),
        (0.25, None, 0, 0, 2),
        (0.50, 50, 0, 4, 3),
        (0.80, None, 0, 0, 4),  # no survey answers: cannot show level 5
        (0.80, 10, 0, 4, 4),  # NPS below +20
        (0.80, 40, 1, 4, 4),  # a void left unattended
        (0.80, 20, 0, 4, 5),
    ],
)
def test_stakeholder_focus_evidence(coverage, nps, voids, responses, level):
    assert maturity.stakeholder_focus(coverage, nps, voids, responses).level == level


def test_stakeholder_focus_without_spend_has_no_evidence():
    assert maturity.stakeholder_focus(None, None, 0, 0).level is None


@pytest.mark.parametrize(
    ("months", "segmented", "reviewed", "level"),
    [
        (0, 0.0, False, 1),
        (8, 0.9, True, 1),  # under a year of classified spend
        (12, 0.5, False, 2),
        (12, 0.8, False, 3),
        (12, 0.2, True, 3),
        (12, 0.95, True, 4),
    ],
)
def test_spend_insight_evidence(months, segmented, reviewed, level):
    assert maturity.spend_insight(months, segmented, reviewed).level == level


@pytest.mark.parametrize(
    ("strategic", "with_plan", "segmented", "time_share", "level"),
    [
        (3, 3, 0.4, 0.9, 1),
        (0, 0, 0.9, None, 2),
        (4, 0, 0.9, None, 2),
        (4, 1, 0.9, 0.7, 3),
        (4, 4, 0.9, 0.3, 4),
        (4, 4, 0.9, None, 4),
        (4, 4, 0.9, 0.5, 5),
    ],
)
def test_supplier_relationships_evidence(strategic, with_plan, segmented, time_share, level):
    evidence = maturity.supplier_relationships(strategic, with_plan, segmented, time_share)
    assert evidence.level == level


@pytest.mark.parametrize(
    ("buying", "met", "answered", "level"),
    [
        (8, 1, None, 1),
        (8, 2, None, 2),
        (8, 4, 1.0, 3),
        (8, 6, 0.5, 4),
        (8, 6, 1.0, 5),
    ],
)
def test_collaboration_evidence(buying, met, answered, level):
    assert maturity.collaboration(buying, met, answered).level == level


def test_collaboration_with_no_buying_unit_has_no_evidence():
    assert maturity.collaboration(0, 0, None).level is None


@pytest.mark.parametrize(
    ("status", "initiatives", "realised", "level"),
    [
        (None, 0, False, 1),
        ("draft", 3, False, 2),
        ("in_review", 3, True, 2),
        ("approved", 0, False, 3),
        ("active", 2, False, 4),
        ("active", 2, True, 5),
    ],
)
def test_category_planning_evidence(status, initiatives, realised, level):
    assert maturity.category_planning(status, initiatives, realised).level == level


@pytest.mark.parametrize(
    ("hard", "avoidance", "revenue", "level"),
    [
        (0, 0, 0, 1),
        (100, 0, 0, 2),
        (90, 10, 0, 3),  # 10% not hard savings
        (80, 10, 10, 4),  # 20%
        (60, 25, 15, 5),  # 40%
    ],
)
def test_value_beyond_savings_evidence(hard, avoidance, revenue, level):
    evidence = maturity.value_beyond_savings(Decimal(hard), Decimal(avoidance), Decimal(revenue))
    assert evidence.level == level


def test_level_names_follow_the_ladder():
    assert maturity.level_name(1) == "Reactive purchasing"
    assert maturity.level_name(3.7) == "Leveraged buying"
    assert maturity.level_name(5) == "Category management"
    assert maturity.level_name(None) == "Not assessed"


def test_the_wording_describes_every_level_of_every_dimension():
    assert set(WORDING) == set(maturity.DIMENSIONS)
    for levels in WORDING.values():
        assert len(levels) == 5
        assert levels[0][1] == ""  # level 1 needs no statement
        assert all(descriptor and question for descriptor, question in levels[1:])


HISTORY = [
    # (category, date, dimension, level): DM assessed twice, PK once in between.
    ("DM", datetime.date(2026, 1, 15), maturity.SPEND_INSIGHT, 2),
    ("DM", datetime.date(2026, 1, 15), maturity.STAKEHOLDER_FOCUS, 1),
    ("PK", datetime.date(2026, 4, 10), maturity.SPEND_INSIGHT, 4),
    ("DM", datetime.date(2026, 7, 1), maturity.SPEND_INSIGHT, 3),
    ("DM", datetime.date(2026, 7, 1), maturity.STAKEHOLDER_FOCUS, 3),
]


def test_latest_levels_take_each_categorys_last_assessment_up_to_a_date():
    assert maturity.latest_levels(HISTORY) == {
        "DM": {maturity.SPEND_INSIGHT: 3, maturity.STAKEHOLDER_FOCUS: 3},
        "PK": {maturity.SPEND_INSIGHT: 4},
    }
    assert maturity.latest_levels(HISTORY, datetime.date(2026, 5, 1)) == {
        "DM": {maturity.SPEND_INSIGHT: 2, maturity.STAKEHOLDER_FOCUS: 1},
        "PK": {maturity.SPEND_INSIGHT: 4},
    }


def test_trend_carries_a_category_forward_until_it_is_assessed_again():
    spend = {"DM": Decimal(300), "PK": Decimal(100)}
    points = maturity.trend(HISTORY, spend)
    assert [day for day, _ in points] == [
        datetime.date(2026, 1, 15),
        datetime.date(2026, 4, 10),
        datetime.date(2026, 7, 1),
    ]
    spend_insight = [profile[maturity.SPEND_INSIGHT] for _, profile in points]
    # Jan: DM alone 2; Apr: (2 x 300 + 4 x 100) / 400 = 2.5; Jul: (3 x 300 + 4 x 100) / 400 = 3.25
    assert spend_insight == pytest.approx([2, 2.5, 3.25])
    assert points[-1][1][maturity.STAKEHOLDER_FOCUS] == 3


def test_overall_is_the_mean_over_assessed_dimensions():
    assert maturity.overall({"a": 2.0, "b": 4.0, "c": None}) == 3.0
    assert maturity.overall({"a": None}) is None


def test_change_since_the_previous_assessment_compares_like_with_like():
    previous = maturity.previous_levels(HISTORY)
    assert previous == {"DM": {maturity.SPEND_INSIGHT: 2, maturity.STAKEHOLDER_FOCUS: 1}}
    latest = maturity.latest_levels(HISTORY)
    # DM: spend insight 2 -> 3, stakeholder focus 1 -> 3: ((3 + 3) - (2 + 1)) / 2 = 1.5
    assert maturity.change(latest["DM"], previous["DM"]) == 1.5
    assert maturity.change(latest["PK"], previous.get("PK")) is None
    # A dimension answered only the second time is not progress.
    assert maturity.change({"a": 3, "b": 5}, {"a": 3}) == 0
