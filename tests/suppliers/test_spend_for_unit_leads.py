"""A unit lead reads a supplier's spend as their own unit's: in the list, its CSV and Excel
export and on the supplier's page; other units appear only as one total over three or more."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from spend.models import SpendLine
from spend.summary import refresh_spend_summary
from stakeholders.models import BusinessUnit

pytestmark = pytest.mark.django_db

# Amounts that appear nowhere else, so a page showing one has shown that unit's spend.
MANUFACTURING_DELL = Decimal("7777001.13")
FINANCE_DELL = Decimal("6666002.17")


def buy(unit, supplier, category, amount, day=datetime.date(2026, 10, 1)):
    SpendLine.objects.create(
        date=day,
        amount=amount,
        original_amount=amount,
        currency="GBP",
        supplier=supplier,
        category=category,
        business_unit=unit,
        description=f"{unit.code} buys",
    )


@pytest.fixture
def dell_bought_by_two_units(company):
    dell = company.suppliers[0]
    buy(company.manufacturing, dell, company.hardware, MANUFACTURING_DELL)
    buy(company.finance, dell, company.hardware, FINANCE_DELL)
    refresh_spend_summary()
    return company


def test_the_supplier_list_shows_a_unit_lead_their_own_units_spend(
    client, dell_bought_by_two_units
):
    company = dell_bought_by_two_units
    client.force_login(company.unit_lead)
    rows = {s.name: s.spend for s in client.get(reverse("suppliers:list")).context["page"]}
    assert rows == {"Dell Technologies Ltd": MANUFACTURING_DELL}


def test_the_supplier_export_shows_a_unit_lead_their_own_units_spend(
    client, dell_bought_by_two_units
):
    company = dell_bought_by_two_units
    client.force_login(company.unit_lead)
    response = client.get(reverse("suppliers:list"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [Decimal(row["Spend"]) for row in rows] == [MANUFACTURING_DELL]
    assert "6666002" not in text

    response = client.get(reverse("suppliers:list"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    amounts = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert float(MANUFACTURING_DELL) in amounts and float(FINANCE_DELL) not in amounts


def test_procurement_still_sees_the_supplier_spend_of_every_unit(client, dell_bought_by_two_units):
    company = dell_bought_by_two_units
    client.force_login(company.manager)
    rows = {s.name: s.spend for s in client.get(reverse("suppliers:list")).context["page"]}
    assert rows["Dell Technologies Ltd"] == MANUFACTURING_DELL + FINANCE_DELL


def test_the_supplier_page_hides_a_lone_other_unit(client, dell_bought_by_two_units):
    company = dell_bought_by_two_units
    client.force_login(company.unit_lead)
    page = client.get(reverse("suppliers:detail", args=[company.suppliers[0].pk]))
    assert [row["business_unit__name"] for row in page.context["units"]] == ["Manufacturing"]
    assert "6,666,002" not in page.content.decode()


def test_the_supplier_page_totals_three_other_units_in_one_row(client, dell_bought_by_two_units):
    company = dell_bought_by_two_units
    dell = company.suppliers[0]
    for code, amount in [("OPS", "100.00"), ("HR", "200.00")]:
        buy(BusinessUnit.objects.create(code=code, name=code), dell, company.hardware, amount)
    refresh_spend_summary()
    client.force_login(company.unit_lead)
    page = client.get(reverse("suppliers:detail", args=[dell.pk]))
    assert [(row["business_unit__name"], row["spend"]) for row in page.context["units"]] == [
        ("Manufacturing", MANUFACTURING_DELL),
        ("Other units (3)", FINANCE_DELL + Decimal("300.00")),
    ]
    assert "6,666,002" not in page.content.decode()
