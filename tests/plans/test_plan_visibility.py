"""The plan page's "What the units value" section as each reader may see it: the category's
owner, the CPO and administrators read every unit's weights and answers; a unit lead reads
their own unit's and, of the others, only a combination over at least three units; a manager
who does not own the category reads no unit one by one."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from spend.models import SpendLine
from spend.summary import refresh_spend_summary
from stakeholders.models import BusinessUnit, Priority, PriorityWeight, SurveyResponse, ValueDriver
from tests.factories import add_spend, add_survey_round
from tests.plans.plan_builders import make_plan


def _answer(survey_round, unit, category, recommend):
    SurveyResponse.objects.create(
        round=survey_round,
        unit=unit,
        category=category,
        recommend=recommend,
        submitted_at=timezone.now(),
    )


@pytest.fixture
def plan(company):
    """The IT plan, Manufacturing and Finance with priorities for IT (make_plan); both units
    buy IT, so both have a column and a spend tooltip for the owner; both answered the latest
    round, Finance as a detractor."""
    add_spend(company, 30)
    # add_spend gives Finance only cleaning: give it IT spend too, so its tooltip could leak.
    SpendLine.objects.create(
        date=datetime.date(2026, 10, 1),
        amount=Decimal(7777),
        original_amount=Decimal(7777),
        currency="GBP",
        supplier=company.suppliers[0],
        category=company.hardware,
        business_unit=company.finance,
        description="Finance laptops",
        document_reference="FIN-IT-1",
    )
    refresh_spend_summary()
    plan = make_plan(company)
    survey_round = add_survey_round(company)
    _answer(survey_round, company.manufacturing, company.it, 9)
    _answer(survey_round, company.finance, company.it, 2)
    return plan


def _section(client, user, plan):
    """The plan page as `user` sees it, and the HTML of its priorities section alone (the
    other sections name the affected units for the endorsements)."""
    client.force_login(user)
    response = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    response.section = html.split('id="priorities"')[1].split("</section>")[0]
    return response


def test_the_owner_reads_every_units_weights_spend_and_answers(client, company, plan):
    response = _section(client, company.manager, plan)
    assert {u["business_unit__code"] for u in response.context["top_units"]} == {"MFG", "FIN"}
    assert response.context["combined"]
    assert {row["unit"] for row in response.context["satisfaction_rows"]} == {
        "Manufacturing",
        "Finance",
    }
    assert [v["unit"] for v in response.context["voids"]] == ["Finance"]
    assert 'title="Finance,' in response.section


def test_a_unit_lead_reads_their_own_unit_and_no_other(client, company, plan):
    response = _section(client, company.unit_lead, plan)
    body = response.section
    assert [u["business_unit__code"] for u in response.context["top_units"]] == ["MFG"]
    # Two units' combination would give Finance's weights away to Manufacturing's lead.
    assert response.context["combined"] == [] and response.context["combined_withheld"]
    rows = {row["driver"]: row for row in response.context["driver_rows"]}
    assert rows["Quality"]["weights"] == [0.4] and rows["Quality"]["combined"] is None
    assert [row["unit"] for row in response.context["satisfaction_rows"]] == ["Manufacturing"]
    assert response.context["voids"] == []
    assert "Finance" not in body and "FIN" not in body and "70%" not in body


def test_a_unit_lead_sees_the_combination_over_three_units(client, company, plan):
    third = BusinessUnit.objects.create(code="LOG", name="Logistics")
    priority = Priority.objects.create(unit=third, category=company.it, method=Priority.POINTS)
    for driver in ValueDriver.objects.all():
        PriorityWeight.objects.create(priority=priority, driver=driver, weight=0.25, points=25)
    response = _section(client, company.unit_lead, plan)
    assert response.context["combined"] and not response.context["combined_withheld"]
    assert [u["business_unit__code"] for u in response.context["top_units"]] == ["MFG"]


def test_a_manager_who_does_not_own_the_category_reads_no_unit(client, company, plan):
    response = _section(client, company.other_manager, plan)
    body = response.section
    assert response.context["top_units"] == []
    assert response.context["combined"] == []
    assert response.context["satisfaction_rows"] == []
    assert response.context["voids"] == []
    for name in ("Finance", "Manufacturing", "FIN", "MFG"):
        assert name not in body


def test_an_anonymous_rounds_lone_answer_stays_off_the_plan_page(client, company, plan):
    survey_round = add_survey_round(company, anonymous=True, name="Anonymous round")
    survey_round.closes_on = survey_round.closes_on.replace(year=survey_round.closes_on.year + 1)
    survey_round.save()
    _answer(survey_round, company.finance, company.it, 1)
    response = _section(client, company.manager, plan)
    assert response.context["latest_round"] == survey_round
    assert response.context["satisfaction_rows"] == []
    assert response.context["voids"] == []
    assert "recommend 1" not in response.section
    response = _section(client, company.cpo, plan)
    assert [v["unit"] for v in response.context["voids"]] == ["Finance"]


def _conflicts(client, user, plan):
    client.force_login(user)
    html = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    return html.split('id="conflicts"')[1].split("</div>")[0]


def test_a_conflict_shows_the_units_exact_weight_only_to_those_who_read_that_unit(
    client, company, plan
):
    # Manufacturing weights Quality 40 %, and the laptop tender harms it (plan_builders).
    assert "which it weights 40%" in _conflicts(client, company.manager, plan)
    assert "which it weights 40%" in _conflicts(client, company.unit_lead, plan)
    for outsider in (company.other_unit_lead, company.other_manager):
        shown = _conflicts(client, outsider, plan)
        assert "MFG loses on <strong>Quality</strong>" in shown
        assert "40%" not in shown and "which it weights at 20% or more" in shown
