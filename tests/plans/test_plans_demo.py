"""The demo company's plans: one in every state, and conflicts that come from the units'
real priorities."""

from io import StringIO

import pytest
from django.core.management import call_command

from plans import queries as planning
from plans.models import CategoryPlan, PlanEndorsement, RealisedSaving
from stakeholders.queries import nearest_unit_weights


@pytest.fixture
def demo(db):
    call_command("load_demo", lines=3_000, stdout=StringIO())


def test_demo_has_a_plan_in_every_state(demo):
    states = set(CategoryPlan.objects.values_list("status", flat=True))
    assert states == {status for status, _ in CategoryPlan.STATUSES}


def test_demo_plans_include_a_conflict(demo):
    found = []
    for plan in CategoryPlan.objects.select_related("category"):
        weights, _ = nearest_unit_weights(plan.category)
        spend = {
            row["business_unit__code"]: row["spend"]
            for row in planning.unit_spend(plan.category, planning.cube.latest_period())
        }
        figures = planning.initiative_figures(plan, weights, spend, planning.stage_probabilities())
        found += [c for f in figures for c in f.conflicts]
    assert found


def test_demo_review_has_an_objection_and_active_plans_have_realised_savings(demo):
    assert PlanEndorsement.objects.filter(
        plan__status="in_review", decision=PlanEndorsement.OBJECT
    ).exists()
    assert RealisedSaving.objects.filter(initiative__plan__status="active").exists()


def test_demo_plans_reload_afresh(demo):
    count = CategoryPlan.objects.count()
    call_command("load_demo", lines=3_000, reset=True, stdout=StringIO())
    assert CategoryPlan.objects.count() == count
