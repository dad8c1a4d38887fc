"""From a contract or a supplier's idea to an initiative in the category plan."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from plans import initiative_sources
from plans.models import Initiative
from suppliers.models import Contract, SupplierIdea
from tests.plans.plan_builders import make_plan
from tests.suppliers.builders import add_idea

TODAY = datetime.date(2026, 11, 23)


def _contract(company, **fields):
    contract = Contract.objects.create(
        supplier=company.suppliers[0],
        title="Laptop supply",
        reference="C-101",
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2027, 3, 31),
        value=Decimal("250000"),
        notice_days=90,
        **fields,
    )
    contract.categories.add(company.hardware)
    return contract


def _filled_in_form(client, form_url, company):
    """What the browser would send back from the form as it opened, Manufacturing ticked."""
    form = client.get(form_url).context["form"]
    data = {field.html_name: field.value() for field in form if field.value() is not None}
    data["affected_units"] = [company.manufacturing.pk]
    return data


@pytest.mark.django_db
def test_a_contract_that_ends_suggests_a_tender_and_one_that_renews_a_renegotiation(company):
    ending = initiative_sources.initial_from_contract(_contract(company), TODAY)
    assert ending["lever"] == "tender"
    assert ending["spend_affected"] == Decimal("250000")
    assert (ending["start"], ending["end"]) == (TODAY, datetime.date(2027, 3, 31))
    assert "notice by 31 Dec 2026" in ending["description"]
    renewing = initiative_sources.initial_from_contract(
        _contract(company, auto_renewal=True), TODAY
    )
    assert renewing["lever"] == "renegotiation"


@pytest.mark.django_db
def test_an_ideas_value_lands_in_the_matching_column(company):
    idea = add_idea(company)  # a revenue idea worth 12,000 a year
    initial = initiative_sources.initial_from_idea(idea, TODAY)
    assert initial["lever"] == "revenue" and initial["revenue"] == Decimal("12000")
    assert "hard_savings" not in initial
    idea.kind = "savings"
    initial = initiative_sources.initial_from_idea(idea, TODAY)
    assert initial["hard_savings"] == Decimal("12000") and "revenue" not in initial


@pytest.mark.django_db
def test_a_plan_on_the_parent_category_is_offered_for_a_leaf_contract(company):
    plan = make_plan(company)  # on IT; the contract is filed under IT.HW
    assert list(initiative_sources.open_plans_for([company.hardware])) == [plan]
    assert list(initiative_sources.open_plans_for([company.cleaning])) == []


@pytest.mark.django_db
def test_the_owner_starts_an_initiative_from_a_contract(client, company_with_spend):
    company = company_with_spend
    plan = make_plan(company)
    contract = _contract(company)
    client.force_login(company.manager)
    chooser = client.get(reverse("plans:initiative_from_source", args=["contract", contract.pk]))
    form_url = f"{reverse('plans:initiative_create', args=[plan.pk])}?contract={contract.pk}"
    assert form_url.replace("&", "&amp;") in chooser.text
    assert 'value="Laptop supply: before it ends"' in client.get(form_url).text
    response = client.post(form_url, _filled_in_form(client, form_url, company))
    assert response.status_code == 302, response.context["form"].errors
    initiative = Initiative.objects.get(title="Laptop supply: before it ends")
    assert initiative.source_contract == contract
    assert initiative.lever == "tender" and initiative.spend_affected == Decimal("250000")


@pytest.mark.django_db
def test_saving_an_initiative_from_an_idea_accepts_the_idea(client, company_with_spend):
    company = company_with_spend
    plan = make_plan(company)
    idea = add_idea(company)
    client.force_login(company.manager)
    form_url = f"{reverse('plans:initiative_create', args=[plan.pk])}?idea={idea.pk}"
    response = client.post(form_url, _filled_in_form(client, form_url, company))
    assert response.status_code == 302, response.context["form"].errors
    idea.refresh_from_db()
    assert idea.status == SupplierIdea.ACCEPTED
    assert idea.initiatives.get().revenue == Decimal("12000")


@pytest.mark.django_db
def test_another_manager_sees_the_plan_but_may_not_add_to_it(client, company_with_spend):
    company = company_with_spend
    plan = make_plan(company)
    contract = _contract(company)
    client.force_login(company.other_manager)
    chooser = client.get(reverse("plans:initiative_from_source", args=["contract", contract.pk]))
    assert plan.title in chooser.text and "Add to this plan" not in chooser.text
    form_url = f"{reverse('plans:initiative_create', args=[plan.pk])}?contract={contract.pk}"
    assert client.post(form_url, {"title": "Taken over"}).status_code == 403
    assert not Initiative.objects.filter(source_contract=contract).exists()
