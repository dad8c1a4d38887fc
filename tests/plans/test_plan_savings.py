"""Savings tracking: target vs risk-adjusted pipeline vs realised by fiscal year, the kinds of
money apart, and the stage probabilities the CPO sets."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from plans import queries as planning
from plans.models import CategoryPlan, RealisedSaving, StageProbability
from tests.plans.plan_builders import add_initiative, make_plan
from tests.plans.test_plan_workflow import move

D = datetime.date


@pytest.fixture
def plan(company_with_spend):
    return make_plan(company_with_spend)


def test_pipeline_target_and_realised_by_year(company_with_spend, plan):
    # Tender: 40,000 hard savings at idea (10%) in 2027 → 4,000.
    # Software: 10,000 avoidance contracted (90%) in 2027 → 9,000.
    # Issue 5's example, realised stage (100%): 200,000 over 2024-04-01..2025-03-31 →
    # 150,684.93 in 2024 and 49,315.07 in 2025.
    add_initiative(
        plan,
        "Earlier renegotiation",
        [company_with_spend.manufacturing],
        {},
        hard_savings=200_000,
        start=D(2024, 4, 1),
        end=D(2025, 3, 31),
        stage="realised",
    )
    tender = plan.initiatives.get(title="Tender laptops")
    RealisedSaving.objects.create(initiative=tender, period=D(2027, 3, 1), hard_savings=3_500)
    rows = {row.year: row for row in planning.savings_by_year({}, planning.stage_probabilities())}
    assert sorted(rows) == [2024, 2025, 2027]
    assert rows[2024].pipeline["hard_savings"] == Decimal("150684.93")
    assert rows[2025].pipeline["hard_savings"] == Decimal("49315.07")
    assert rows[2027].pipeline == {
        "hard_savings": Decimal("4000.00"),
        "cost_avoidance": Decimal("9000.00"),
        "revenue": Decimal("0.00"),
    }
    assert rows[2027].target["hard_savings"] == Decimal("50000")
    assert rows[2027].realised["hard_savings"] == Decimal("3500")
    assert rows[2024].target["hard_savings"] == 0  # the plan's target belongs to 2027


def test_cancelled_initiatives_leave_the_pipeline(company_with_spend, plan):
    plan.initiatives.filter(title="Tender laptops").update(stage="cancelled")
    rows = planning.savings_by_year({}, planning.stage_probabilities())
    assert rows[0].pipeline["hard_savings"] == 0


def test_per_category_rows(company_with_spend, plan):
    rows = planning.savings_by_category({}, planning.stage_probabilities())
    assert [(row.category.code, row.year) for row in rows] == [("IT", 2027)]


def test_configured_probability_changes_the_pipeline(client, company_with_spend, plan):
    url = reverse("plans:stage_probabilities")
    data = {
        "idea": 25,
        "validated": 30,
        "approved": 60,
        "contracted": 90,
        "realised": 100,
        "cancelled": 0,
    }
    client.force_login(company_with_spend.manager)
    assert client.post(url, data).status_code == 403
    client.force_login(company_with_spend.cpo)
    client.post(url, data)
    assert StageProbability.objects.get(stage="idea").probability == 0.25
    rows = planning.savings_by_year({}, planning.stage_probabilities())
    assert rows[0].pipeline["hard_savings"] == Decimal("10000.00")  # 40,000 × 25%


def test_savings_page_and_exports(client, company_with_spend, plan):
    client.force_login(company_with_spend.cpo)
    url = reverse("plans:plan_savings")
    response = client.get(url, {"category": "IT"})
    page = response.content.decode()
    assert "savings-chart" in page and "IT &amp; telecoms" in page
    body = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode()
    assert "2027,Risk-adjusted pipeline,4000.00,9000.00,0.00,13000.00" in body


def test_cancelling_needs_a_reason(client, company_with_spend, plan):
    from tests.plans.test_plan_workflow import initiative_data

    initiative = plan.initiatives.get(title="Tender laptops")
    client.force_login(company_with_spend.manager)
    response = client.post(
        reverse("plans:initiative_edit", args=[initiative.pk]),
        initiative_data(initiative, stage="cancelled"),
    )
    assert "Say why the initiative was cancelled." in response.content.decode()


def test_plan_form_opened_before_a_submit_is_refused_and_says_so(client, company_with_spend, plan):
    from tests.plans.test_plan_workflow import plan_data

    opened = plan_data(plan)
    client.force_login(company_with_spend.manager)
    move(client, plan, "submit")
    response = client.post(reverse("plans:plan_edit", args=[plan.pk]), opened)
    page = response.content.decode()
    assert "Not saved" in page and "Submit for review" in page
    assert CategoryPlan.objects.get(pk=plan.pk).status == "in_review"


def test_owner_withdraws_and_cpo_returns(client, company_with_spend, plan):
    CategoryPlan.objects.filter(pk=plan.pk).update(status="in_review")
    client.force_login(company_with_spend.manager)
    move(client, plan, "withdraw")
    assert CategoryPlan.objects.get(pk=plan.pk).status == "draft"
    CategoryPlan.objects.filter(pk=plan.pk).update(status="in_review")
    client.force_login(company_with_spend.cpo)
    move(client, plan, "return")
    assert CategoryPlan.objects.get(pk=plan.pk).status == "draft"
