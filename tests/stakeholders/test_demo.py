"""The demo company's priorities, rounds, agreements and engagement log give every page
something real to show."""

import datetime

import pytest

from stakeholders import demo as stakeholder_demo
from stakeholders import queries
from stakeholders.models import (
    EngagementEntry,
    MeasureResult,
    Priority,
    SurveyResponse,
    SurveyRound,
)
from workbench import demo
from workbench.management.commands import load_demo

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def demo_company(db):
    # The people, units, drivers and categories of the demo company, without its spend.
    users = load_demo.create_people(demo.PEOPLE)
    load_demo.create_units(demo.UNITS, demo.PEOPLE, users)
    load_demo.create_value_drivers(demo.VALUE_DRIVERS)
    load_demo.create_categories(demo.build_categories(), demo.PEOPLE, users)
    stakeholder_demo.load(demo.DEFAULT_SEED, today=TODAY)
    return users


def test_priorities_by_points_and_by_pairs_with_one_inconsistent(demo_company):
    methods = set(Priority.objects.values_list("method", flat=True))
    assert methods == {"points", "pairwise"}
    inconsistent = Priority.objects.filter(consistency_ratio__gt=0.10)
    assert [(p.unit.code, p.category.code) for p in inconsistent] == [("RND", "DM")]
    for priority in Priority.objects.all():
        assert sum(priority.weights.values_list("weight", flat=True)) == pytest.approx(1)


def test_two_past_rounds_and_one_open(demo_company):
    rounds = list(SurveyRound.objects.order_by("opens_on"))
    assert [r.is_open(TODAY) for r in rounds] == [False, False, True]
    open_round = rounds[-1]
    states = {row["state"] for row in queries.answer_states(open_round)}
    assert states == {"submitted", "draft", "to do"}
    assert SurveyResponse.objects.filter(round=rounds[0], submitted_at__isnull=False).count() > 20


def test_voids_agreements_and_engagement_are_there(demo_company):
    cpo = demo_company["cpo"]
    latest_closed = SurveyRound.objects.order_by("opens_on")[1]
    assert queries.voids_in_round(cpo, latest_closed)
    assert MeasureResult.objects.count() >= 30
    assert EngagementEntry.objects.count() == 80


def test_same_seed_and_day_same_answers(demo_company):
    first = list(SurveyResponse.objects.order_by("pk").values_list("recommend", flat=True))
    stakeholder_demo.load(demo.DEFAULT_SEED, today=TODAY)
    again = list(SurveyResponse.objects.order_by("pk").values_list("recommend", flat=True))
    assert again == first
