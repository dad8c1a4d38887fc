"""Ownership is checked on the thing being changed, not only on where it is being moved to: a
manager may not take over another manager's classification rule, accept another manager's
supplier's idea through their own plan, or decide how someone else's upload is imported."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans.models import Initiative
from spend import services as spend_services
from spend.models import ClassificationRule, ImportJob, SpendLine
from suppliers.models import SupplierIdea
from tests.plans.plan_builders import make_plan
from tests.spend.import_support import csv_bytes, import_file
from tests.suppliers.builders import add_idea

pytestmark = pytest.mark.django_db


def _rule(company, kind, **key):
    """A rule the other manager holds for their Cleaning category."""
    return ClassificationRule.objects.create(
        kind=kind, category=company.cleaning, created_by=company.other_manager, **key
    )


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        (ClassificationRule.KEYWORD, {"keyword": "mops"}),
        (ClassificationRule.GL_ACCOUNT, {"gl_account": "6200"}),
    ],
)
def test_a_manager_cannot_repoint_another_managers_rule_at_their_category(
    client, company, kind, key
):
    held = _rule(company, kind, **key)
    client.force_login(company.manager)
    response = client.post(
        reverse("spend:classification_rules"),
        {"kind": kind, "value": next(iter(key.values())), "category": "IT.HW"},
    )
    assert "ask its owner or an administrator" in response.context["form"].errors["value"][0]
    held.refresh_from_db()
    assert held.category == company.cleaning


def test_the_rules_owner_and_an_administrator_may_repoint_it(company):
    held = _rule(company, ClassificationRule.KEYWORD, keyword="mops")
    spend_services.classification_rule_save(
        kind=ClassificationRule.KEYWORD,
        value="mops",
        category=company.facilities,
        by=company.other_manager,
    )
    spend_services.classification_rule_save(
        kind=ClassificationRule.KEYWORD,
        value="mops",
        category=company.hardware,
        by=company.administrator,
    )
    held.refresh_from_db()
    assert held.category == company.hardware


def test_the_service_itself_refuses_a_takeover(company):
    _rule(company, ClassificationRule.GL_ACCOUNT, gl_account="6200")
    with pytest.raises(ValidationError):
        spend_services.classification_rule_save(
            kind=ClassificationRule.GL_ACCOUNT,
            value="6200",
            category=company.hardware,
            by=company.manager,
        )


def test_a_manager_cannot_take_over_a_supplier_rule_by_classifying(client, company):
    cleaner = company.suppliers[2]
    import_file(csv_bytes("2026-01-15,Bright Clean Services Ltd,10,GBP,MFG,,,,"))
    held = _rule(company, ClassificationRule.SUPPLIER, supplier=cleaner)
    client.force_login(company.manager)
    response = client.post(
        reverse("spend:unclassified"), {"category": "IT.HW", "supplier": [cleaner.pk]}
    )
    assert "ask its owner" in response.context["form"].non_field_errors()[0]
    held.refresh_from_db()
    assert held.category == company.cleaning
    assert SpendLine.objects.get().category is None


def test_a_manager_cannot_remove_another_managers_rule(client, company):
    held = _rule(company, ClassificationRule.KEYWORD, keyword="mops")
    client.force_login(company.manager)
    client.post(reverse("spend:classification_rules"), {"delete": held.pk})
    assert ClassificationRule.objects.filter(pk=held.pk).exists()
    with pytest.raises(ValidationError):
        spend_services.classification_rule_delete(rule=held, by=company.manager)


def test_an_idea_of_another_managers_supplier_cannot_be_accepted_through_ones_own_plan(
    client, company_with_spend
):
    company = company_with_spend
    plan = make_plan(company)  # IT, the manager's
    idea = add_idea(company, supplier=company.suppliers[2])  # the cleaner sells in Facilities
    client.force_login(company.manager)
    form_url = f"{reverse('plans:initiative_create', args=[plan.pk])}?idea={idea.pk}"
    assert client.get(form_url).status_code == 403
    assert client.post(form_url, {"title": "Side door"}).status_code == 403
    idea.refresh_from_db()
    assert idea.status == SupplierIdea.NEW
    assert not Initiative.objects.filter(source_idea=idea).exists()


def test_the_initiative_service_refuses_an_idea_the_author_may_not_accept(company_with_spend):
    from plans import services as plan_services

    company = company_with_spend
    idea = add_idea(company, supplier=company.suppliers[2])
    with pytest.raises(ValidationError):
        plan_services.initiative_create(
            plan=make_plan(company), form=None, by=company.manager, source_idea=idea
        )
    idea.refresh_from_db()
    assert idea.status == SupplierIdea.NEW


def test_only_the_uploader_decides_how_their_file_is_imported(client, company):
    job = import_file(csv_bytes("2026-01-15,,5,GBP,MFG,,,,"), user=company.manager)
    assert job.status == ImportJob.REJECTED
    client.force_login(company.other_manager)
    assert client.post(reverse("spend:import_store_valid", args=[job.pk])).status_code == 403
    assert client.post(reverse("spend:import_sheet", args=[job.pk]), {}).status_code == 403
    job.refresh_from_db()
    assert job.status == ImportJob.REJECTED
