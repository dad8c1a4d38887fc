"""The plan's workflow as the people in it live it: the owner submits, the affected units'
leads endorse or object, the CPO approves; an edit after approval opens a new revision; two
people saving the same form: the second is refused with what changed."""

import pytest
from django.db.models import Sum
from django.urls import reverse

from plans.models import CategoryPlan, PlanEndorsement, PlanVersion
from spend import cube
from spend.models import SpendLine
from stakeholders.models import ValueDriver
from tests.plans.plan_builders import make_plan


@pytest.fixture
def plan(company_with_spend):
    return make_plan(company_with_spend)


def move(client, plan, action):
    """Press the button on a plan page loaded just now."""
    seen = CategoryPlan.objects.get(pk=plan.pk).version
    return client.post(reverse("plans:plan_transition", args=[plan.pk, action]), {"version": seen})


def status(plan):
    plan.refresh_from_db()
    return plan.status


def test_owner_submits_and_the_cpo_approves(client, company_with_spend, plan):
    client.force_login(company_with_spend.manager)
    move(client, plan, "submit")
    assert status(plan) == "in_review"
    client.force_login(company_with_spend.cpo)
    move(client, plan, "approve")
    assert status(plan) == "approved"
    assert plan.approved_by == company_with_spend.cpo
    copy = PlanVersion.objects.get(plan=plan, revision=1)
    assert [i["title"] for i in copy.snapshot["initiatives"]] == [
        "Tender laptops",
        "Standardise software",
    ]
    client.force_login(company_with_spend.manager)
    move(client, plan, "activate")
    assert status(plan) == "active"
    move(client, plan, "close")
    assert status(plan) == "closed"


@pytest.mark.parametrize(
    "who, action, start",
    [
        ("cpo", "submit", "draft"),  # only the owner submits
        ("other_manager", "submit", "draft"),  # not their category
        ("manager", "approve", "in_review"),  # only the CPO approves
        ("unit_lead", "approve", "in_review"),
        ("administrator", "approve", "in_review"),
        ("cpo", "approve", "draft"),  # not before review
        ("manager", "close", "approved"),  # close comes after active
    ],
)
def test_refused_moves_leave_the_status(client, company_with_spend, plan, who, action, start):
    CategoryPlan.objects.filter(pk=plan.pk).update(status=start)
    client.force_login(getattr(company_with_spend, who))
    response = move(client, plan, action)
    assert response.status_code in (302, 404)
    assert status(plan) == start


def test_submitting_an_empty_plan_is_refused(client, company_with_spend, plan):
    plan.initiatives.all().delete()
    client.force_login(company_with_spend.manager)
    response = move(client, plan, "submit")
    assert status(plan) == "draft"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "Add at least one initiative" in messages[0]


def test_affected_unit_lead_endorses_and_another_objects(client, company_with_spend, plan):
    CategoryPlan.objects.filter(pk=plan.pk).update(status="in_review")
    url = reverse("plans:plan_endorse", args=[plan.pk])
    client.force_login(company_with_spend.unit_lead)
    client.post(url, {"unit": company_with_spend.manufacturing.pk, "decision": "endorse"})
    client.force_login(company_with_spend.other_unit_lead)
    response = client.post(url, {"unit": company_with_spend.finance.pk, "decision": "object"})
    assert "Say why your unit objects." in response.content.decode()
    client.post(
        url,
        {"unit": company_with_spend.finance.pk, "decision": "object", "reason": "Cheap laptops"},
    )
    answers = dict(PlanEndorsement.objects.values_list("unit__code", "decision"))
    assert answers == {"MFG": "endorse", "FIN": "object"}
    # The CPO sees both before approving.
    client.force_login(company_with_spend.cpo)
    page = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Cheap laptops" in page and "Endorses" in page and "Objects" in page


def test_lead_cannot_answer_for_another_unit(client, company_with_spend, plan):
    CategoryPlan.objects.filter(pk=plan.pk).update(status="in_review")
    client.force_login(company_with_spend.other_unit_lead)
    response = client.post(
        reverse("plans:plan_endorse", args=[plan.pk]),
        {"unit": company_with_spend.manufacturing.pk, "decision": "endorse"},
    )
    assert response.status_code == 200  # the form says the choice is not valid
    assert not PlanEndorsement.objects.exists()


def test_endorsing_outside_review_is_refused(client, company_with_spend, plan):
    client.force_login(company_with_spend.unit_lead)
    client.post(
        reverse("plans:plan_endorse", args=[plan.pk]),
        {"unit": company_with_spend.manufacturing.pk, "decision": "endorse"},
    )
    assert not PlanEndorsement.objects.exists()


def initiative_data(initiative, **changes):
    data = {
        "title": initiative.title,
        "description": initiative.description,
        "lever": initiative.lever,
        "hard_savings": str(initiative.hard_savings),
        "cost_avoidance": str(initiative.cost_avoidance),
        "revenue": str(initiative.revenue),
        "one_off_cost": str(initiative.one_off_cost),
        "spend_affected": str(initiative.spend_affected),
        "start": initiative.start.isoformat(),
        "end": initiative.end.isoformat(),
        "owner": "",
        "effort": initiative.effort,
        "risk": initiative.risk,
        "stage": initiative.stage,
        "cancel_reason": "",
        "affected_units": [u.pk for u in initiative.affected_units.all()],
        "version": initiative.version,
    }
    for driver in ValueDriver.objects.all():
        data[f"impact_{driver.pk}"] = 0
    for impact in initiative.impacts.all():
        data[f"impact_{impact.driver_id}"] = impact.impact
    data.update(changes)
    return data


def test_edit_after_approval_opens_a_new_revision_in_review(client, company_with_spend, plan):
    CategoryPlan.objects.filter(pk=plan.pk).update(status="approved")
    initiative = plan.initiatives.get(title="Tender laptops")
    client.force_login(company_with_spend.manager)
    client.post(
        reverse("plans:initiative_edit", args=[initiative.pk]),
        initiative_data(initiative, hard_savings="45000"),
    )
    plan.refresh_from_db()
    assert (plan.status, plan.revision) == ("in_review", 2)
    event = plan.events.get(action="Initiative edited: Tender laptops")
    assert event.changes["hard_savings"] == ["40000.00", "45000.00"]


def test_moving_an_initiative_on_a_stage_does_not_reopen_review(client, company_with_spend, plan):
    CategoryPlan.objects.filter(pk=plan.pk).update(status="active")
    initiative = plan.initiatives.get(title="Tender laptops")
    client.force_login(company_with_spend.manager)
    client.post(
        reverse("plans:initiative_edit", args=[initiative.pk]),
        initiative_data(initiative, stage="validated"),
    )
    plan.refresh_from_db()
    assert (plan.status, plan.revision) == ("active", 1)


def test_second_save_of_the_same_initiative_is_refused(client, company_with_spend, plan):
    initiative = plan.initiatives.get(title="Tender laptops")
    opened = initiative_data(initiative)  # both people open the form on version 1
    url = reverse("plans:initiative_edit", args=[initiative.pk])
    client.force_login(company_with_spend.manager)
    client.post(url, {**opened, "hard_savings": "42000"})
    response = client.post(url, {**opened, "title": "Tender laptops and docks"})
    page = response.content.decode()
    assert "Not saved: someone else saved this after you opened it" in page
    assert "“40000.00” → “42000.00”" in page
    assert 'value="Tender laptops and docks"' in page  # what they typed is still there
    initiative.refresh_from_db()
    assert (initiative.title, initiative.hard_savings, initiative.version) == (
        "Tender laptops",
        42000,
        2,
    )
    # Saving again, having seen the change, is a deliberate overwrite and goes through.
    client.post(url, {**opened, "title": "Tender laptops and docks", "version": 2})
    initiative.refresh_from_db()
    assert initiative.title == "Tender laptops and docks"


def plan_data(plan, **changes):
    data = {
        "fiscal_year": plan.fiscal_year,
        "title": plan.title,
        "summary": plan.summary,
        "target_hard_savings": str(plan.target_hard_savings),
        "target_cost_avoidance": str(plan.target_cost_avoidance),
        "target_revenue": str(plan.target_revenue),
        "conflict_threshold": plan.conflict_threshold,
        "version": plan.version,
        "objectives-TOTAL_FORMS": 0,
        "objectives-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_second_save_of_the_same_plan_is_refused(client, company_with_spend, plan):
    opened = plan_data(plan)
    url = reverse("plans:plan_edit", args=[plan.pk])
    client.force_login(company_with_spend.manager)
    response = client.post(url, {**opened, "target_hard_savings": "60000"})
    assert response.status_code == 302
    response = client.post(url, {**opened, "title": "IT 2027, revised"})
    page = response.content.decode()
    assert "Not saved" in page and "“50000.00” → “60000.00”" in page
    plan.refresh_from_db()
    assert plan.title == "IT 2027" and plan.target_hard_savings == 60000


def test_closed_plan_cannot_be_edited(client, company_with_spend, plan):
    CategoryPlan.objects.filter(pk=plan.pk).update(status="closed")
    client.force_login(company_with_spend.manager)
    client.post(reverse("plans:plan_edit", args=[plan.pk]), plan_data(plan, title="New"))
    plan.refresh_from_db()
    assert plan.title == "IT 2027"


def test_only_the_owner_edits(client, company_with_spend, plan):
    client.force_login(company_with_spend.other_manager)
    response = client.post(
        reverse("plans:plan_edit", args=[plan.pk]), plan_data(plan, title="Mine now")
    )
    assert response.status_code == 403


def test_new_initiative_defaults_to_the_units_that_buy(client, company_with_spend, plan):
    client.force_login(company_with_spend.manager)
    response = client.get(reverse("plans:initiative_create", args=[plan.pk]))
    assert response.context["form"].initial["affected_units"] == [
        company_with_spend.manufacturing.pk
    ]
    # Bubble size starts at the category's twelve months of spend.
    period = cube.latest_period()
    expected = SpendLine.objects.filter(
        category__path__startswith="/IT/", date__range=(period.start, period.end)
    ).aggregate(total=Sum("amount"))["total"]
    assert expected > 0
    assert response.context["form"].initial["spend_affected"] == expected


def test_realised_amounts_recorded_by_month(client, company_with_spend, plan):
    initiative = plan.initiatives.get(title="Tender laptops")
    url = reverse("plans:initiative_realised", args=[initiative.pk])
    client.force_login(company_with_spend.manager)
    client.post(
        url, {"period": "2027-03-17", "hard_savings": "3000", "cost_avoidance": "0", "revenue": "0"}
    )
    client.post(
        url, {"period": "2027-03-01", "hard_savings": "3500", "cost_avoidance": "0", "revenue": "0"}
    )
    row = initiative.realised.get()
    assert (str(row.period), row.hard_savings) == ("2027-03-01", 3500)
    response = client.post(
        url, {"period": "2027-04-01", "hard_savings": "0", "cost_avoidance": "0", "revenue": "0"}
    )
    assert "Enter at least one amount." in response.content.decode()
