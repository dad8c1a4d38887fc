"""Every cube figure opens the lines behind it, and every cube table exports."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import add_spend
from tests.spend.cube_data import add_hand_worked_spend

pytestmark = pytest.mark.django_db
CUBE = reverse("spend:cube")
LINES = reverse("spend:cube_lines")


@pytest.fixture
def spend(company):
    add_hand_worked_spend(company)
    return company


def _csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _lines_behind(client, url):
    """The exported lines at a drill-down address: count and total, read from the lines."""
    rows = _csv_rows(client.get(url + "&format=csv"))
    return len(rows), sum((Decimal(row["Amount"]) for row in rows), Decimal(0))


def test_every_figure_opens_exactly_the_lines_behind_it(client, spend):
    client.force_login(spend.manager)
    figures = client.get(CUBE, {"unit": "MFG"}).context["figures"]
    assert _lines_behind(client, figures.lines_url) == (4, Decimal("1450.00"))
    rows = [*figures.top_suppliers, *figures.units, *figures.months]
    rows += [
        {"lines_url": r.lines_url, "lines": r.lines, "spend": r.spend} for r in figures.categories
    ]
    # Three suppliers (Bright Clean's 50 is unclassified), one unit, one month, and IT and
    # Facilities (nothing for Manufacturing: no lines behind it).
    assert len(rows) == 3 + 1 + 1 + 2
    for row in rows:
        assert _lines_behind(client, row["lines_url"]) == (row["lines"], row["spend"])


def test_the_lines_page_lists_the_slice_newest_first(client, spend):
    client.force_login(spend.manager)
    response = client.get(LINES, {"category": "IT.HW"})
    lines = list(response.context["page"])
    assert [line.amount for line in lines] == [Decimal("-100"), Decimal("500"), Decimal("1000")]
    page = response.content.decode()
    assert "Hardware (and below) · Nov 2025 – Oct 2026: 3 lines" in page
    assert "DOC-2" in page and "DOC-6" not in page  # the older line is outside the period


def test_the_lines_page_turns_pages_in_place(client, company):
    add_spend(company, 240)  # 240 lines over 240 days: 50 a page
    client.force_login(company.manager)
    response = client.get(LINES, {"start": "2026-01"})
    total = response.context["totals"]["lines"]
    assert response.context["page"].paginator.num_pages == -(-total // 50)
    response = client.get(LINES, {"start": "2026-01", "page": 2}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and 'id="lines-table"' in page
    assert f"Page 2 of {-(-total // 50)}" in page


def test_the_lines_export_to_excel(client, spend):
    client.force_login(spend.manager)
    response = client.get(LINES, {"supplier": spend.suppliers[1].pk, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Date", "Supplier", "Category code")
    amount = rows[0].index("Amount")
    assert sorted(row[amount] for row in rows[1:]) == [300, 500]


@pytest.mark.parametrize(
    ("table", "first_row"),
    [
        ("suppliers", ["Dell Technologies Ltd", "2", "900.00", "0.4615", "0.4615"]),
        # Shares are of the positive spend of the table's rows: 1,450 / (1,450 + 500).
        ("units", ["MFG", "Manufacturing", "4", "1450.00", "0.7436"]),
        ("months", ["2026-08", "1", "200.00"]),
        # IT 1,700 of the categories' 1,900 (the 50 unclassified is not a category row).
        (
            "categories",
            ["IT", "IT & telecoms", "4", "1700.00", "0.8947", "2", "0.5294", "5017", "2"],
        ),
    ],
)
def test_every_cube_table_exports_to_csv(client, spend, table, first_row):
    client.force_login(spend.manager)
    response = client.get(CUBE, {"table": table, "format": "csv"})
    assert response["Content-Disposition"].startswith(f'attachment; filename="spend-{table}-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == first_row


@pytest.mark.parametrize("table", ["suppliers", "units", "months", "categories"])
def test_every_cube_table_exports_to_excel_with_the_filters_applied(client, spend, table):
    client.force_login(spend.manager)
    response = client.get(CUBE, {"category": "FM", "table": table, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the one row of cleaning spend
    assert 200 in rows[1]
