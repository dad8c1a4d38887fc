"""Plan and initiative forms at their edges (issue 13, items 5 and 8): a negative target, an
affected unit id too long for any database, and a pre-filled amount the form must accept back."""

import re
from decimal import Decimal

from django.urls import reverse

from plans.forms import InitiativeForm
from plans.models import CategoryPlan, Initiative
from tests.plans.plan_builders import make_plan
from tests.plans.test_plan_workflow import initiative_data, plan_data


def test_a_negative_target_is_refused_and_nothing_is_saved(client, company):
    plan = make_plan(company)
    client.force_login(company.manager)
    response = client.post(
        reverse("plans:plan_edit", args=[plan.pk]), plan_data(plan, target_hard_savings="-5000")
    )
    assert response.status_code == 200
    assert "A target cannot be negative" in response.content.decode()
    plan.refresh_from_db()
    assert plan.target_hard_savings == 50_000 and plan.version == 1


def test_a_new_plan_with_a_negative_target_is_refused(client, company):
    client.force_login(company.manager)
    response = client.post(
        reverse("plans:plan_create"),
        {
            "category": company.it.pk,
            "fiscal_year": 2028,
            "title": "IT 2028",
            "summary": "",
            "target_hard_savings": "0",
            "target_cost_avoidance": "-1",
            "target_revenue": "0",
            "conflict_threshold": "0.2",
        },
    )
    assert "A target cannot be negative" in response.content.decode()
    assert not CategoryPlan.objects.filter(fiscal_year=2028).exists()


def test_an_affected_unit_id_too_long_for_the_database_is_a_form_error(client, company):
    plan = make_plan(company)
    initiative = plan.initiatives.get(title="Tender laptops")
    client.force_login(company.manager)
    response = client.post(
        reverse("plans:initiative_edit", args=[initiative.pk]),
        initiative_data(initiative, affected_units=["9" * 26]),
    )
    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()
    assert Initiative.objects.get(pk=initiative.pk).version == initiative.version


def test_an_owner_id_too_long_for_the_database_is_a_form_error(client, company):
    plan = make_plan(company)
    initiative = plan.initiatives.get(title="Tender laptops")
    client.force_login(company.manager)
    response = client.post(
        reverse("plans:initiative_edit", args=[initiative.pk]),
        initiative_data(initiative, owner="9" * 26),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_spend_affected_filled_in_is_in_pence_and_accepted_back(client, company_with_spend):
    plan = make_plan(company_with_spend)
    client.force_login(company_with_spend.manager)
    url = reverse("plans:initiative_create", args=[plan.pk])
    page = client.get(url).content.decode()
    filled = re.search(r'name="spend_affected" value="([^"]*)"', page)[1]
    assert re.fullmatch(r"\d+\.\d{2}", filled), filled
    initiative = plan.initiatives.get(title="Tender laptops")
    data = initiative_data(initiative, title="Renew printers", spend_affected=filled)
    del data["version"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    assert str(plan.initiatives.get(title="Renew printers").spend_affected) == filled


def test_a_sum_with_eight_decimals_is_filled_in_as_pence(db):
    # What SQLite's SUM gave for the demo company's spend (issue 13, item 5).
    form = InitiativeForm(initial={"spend_affected": Decimal("88292331.20000000")})
    assert 'value="88292331.20"' in str(form["spend_affected"])
