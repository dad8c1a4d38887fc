"""A category's page shows a unit lead their own unit's spend: the figures, the suppliers, the
sub-categories and the unit table, where other units appear only as one total over three or
more of them. Procurement still sees every unit."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from spend.models import SpendLine
from spend.summary import refresh_spend_summary
from stakeholders.models import BusinessUnit

pytestmark = pytest.mark.django_db

MANUFACTURING = Decimal("7777001.13")
FINANCE = Decimal("6666002.17")


def buy(unit, supplier, category, amount):
    SpendLine.objects.create(
        date=datetime.date(2026, 10, 1),
        amount=amount,
        original_amount=amount,
        currency="GBP",
        supplier=supplier,
        category=category,
        business_unit=unit,
    )


@pytest.fixture
def hardware_bought_by_two_units(company):
    buy(company.manufacturing, company.suppliers[0], company.hardware, MANUFACTURING)
    buy(company.finance, company.suppliers[1], company.hardware, FINANCE)
    refresh_spend_summary()
    return company


def test_a_unit_lead_sees_only_their_units_spend_in_a_category(
    client, hardware_bought_by_two_units
):
    company = hardware_bought_by_two_units
    client.force_login(company.unit_lead)
    page = client.get(reverse("categories:detail", args=["IT"]))
    assert page.context["spend"] == MANUFACTURING
    assert page.context["supplier_count"] == 1
    assert [row["supplier__name"] for row in page.context["top_suppliers"]] == [
        "Dell Technologies Ltd"
    ]
    assert [child.spend for child in page.context["children"] if child.spend] == [MANUFACTURING]
    assert [row["business_unit__name"] for row in page.context["units"]] == ["Manufacturing"]
    text = page.content.decode()
    assert "6,666,002" not in text and "13,443,003" not in text and "Softcat" not in text


def test_other_units_are_one_total_when_three_or_more_buy(client, hardware_bought_by_two_units):
    company = hardware_bought_by_two_units
    for code in ("OPS", "HR"):
        unit = BusinessUnit.objects.create(code=code, name=code)
        buy(unit, company.suppliers[2], company.hardware, Decimal("1000.00"))
    refresh_spend_summary()
    client.force_login(company.unit_lead)
    page = client.get(reverse("categories:detail", args=["IT.HW"]))
    assert [(row["business_unit__name"], row["spend"]) for row in page.context["units"]] == [
        ("Manufacturing", MANUFACTURING),
        ("Other units (3)", FINANCE + Decimal("2000.00")),
    ]
    assert "6,666,002" not in page.content.decode()


def test_procurement_sees_every_units_spend_in_a_category(client, hardware_bought_by_two_units):
    company = hardware_bought_by_two_units
    client.force_login(company.other_manager)
    page = client.get(reverse("categories:detail", args=["IT"]))
    assert page.context["spend"] == MANUFACTURING + FINANCE
    assert {row["business_unit__name"] for row in page.context["units"]} == {
        "Manufacturing",
        "Finance",
    }
