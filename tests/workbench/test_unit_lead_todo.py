"""A unit lead's home page says which plans in review wait for their unit's answer."""

import pytest
from django.urls import reverse

from plans.models import CategoryPlan, PlanEndorsement
from tests.plans.plan_builders import make_plan

pytestmark = pytest.mark.django_db


def test_a_plan_in_review_that_affects_the_unit_waits_for_its_lead(client, company_with_spend):
    company = company_with_spend
    plan = make_plan(company, status=CategoryPlan.IN_REVIEW, with_finance=False)
    client.force_login(company.unit_lead)
    response = client.get(reverse("home"))
    # In the inbox, one click from endorsing or objecting.
    assert reverse("plans:plan_endorse", args=[plan.pk]) in response.text
    assert "affects Manufacturing" in response.text


def test_the_plan_leaves_the_list_once_the_unit_has_answered_this_revision(
    client, company_with_spend
):
    company = company_with_spend
    plan = make_plan(company, status=CategoryPlan.IN_REVIEW, with_finance=False)
    PlanEndorsement.objects.create(
        plan=plan,
        revision=plan.revision,
        unit=company.manufacturing,
        decision=PlanEndorsement.ENDORSE,
        decided_by=company.unit_lead,
    )
    client.force_login(company.unit_lead)
    assert "IT 2027" not in client.get(reverse("home")).text

    # A new revision asks again.
    plan.revision += 1
    plan.save()
    assert "IT 2027" in client.get(reverse("home")).text


def test_a_draft_or_another_units_plan_is_not_asked_for(client, company_with_spend):
    company = company_with_spend
    make_plan(company, status=CategoryPlan.DRAFT, with_finance=False)
    client.force_login(company.unit_lead)
    assert "IT 2027" not in client.get(reverse("home")).text
    CategoryPlan.objects.update(status=CategoryPlan.IN_REVIEW)
    client.force_login(company.other_unit_lead)
    assert "IT 2027" not in client.get(reverse("home")).text
