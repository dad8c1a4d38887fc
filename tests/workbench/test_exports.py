import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def _rows_of_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_category_table_exports_to_csv_with_the_figures_on_screen(client, company_with_spend):
    client.force_login(company_with_spend.cpo)
    response = client.get(reverse("categories:list"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows_of_csv(response)
    assert rows[0][:3] == ["Code", "Name", "Level"]
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {"IT", "IT.HW", "IT.SW", "FM", "FM.CLEAN"}
    assert by_code["IT.HW"][3] == "IT"
    assert float(by_code["IT"][5]) == pytest.approx(
        float(by_code["IT.HW"][5]) + float(by_code["IT.SW"][5])
    )


def test_supplier_table_exports_to_excel(client, company_with_spend):
    client.force_login(company_with_spend.manager)
    response = client.get(reverse("suppliers:list"), {"format": "xlsx"})
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Supplier" and "Spend" in rows[0]
    assert {row[0] for row in rows[1:]} == {s.name for s in company_with_spend.suppliers}


def test_a_unit_leads_supplier_export_holds_only_their_units_suppliers(client, company_with_spend):
    client.force_login(company_with_spend.unit_lead)
    response = client.get(reverse("suppliers:list"), {"format": "csv"})
    names = {row[0] for row in _rows_of_csv(response)[1:]}
    # Manufacturing buys hardware and software; the cleaning contractor serves Finance only.
    assert names == {"Dell Technologies Ltd", "Softcat plc"}
