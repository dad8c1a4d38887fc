"""The spend cube page: the figures of the slice the address asks for, updated in place by
htmx, with clear messages for filters that make no sense."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import add_spend
from tests.spend.cube_data import add_hand_worked_spend
from workbench.templatetags.workbench_format import money

pytestmark = pytest.mark.django_db
CUBE = reverse("spend:cube")


@pytest.fixture
def spend(company):
    add_hand_worked_spend(company)
    return company


def test_manager_sees_totals_trend_pareto_units_and_categories(client, spend):
    client.force_login(spend.manager)
    response = client.get(CUBE)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.totals["spend"] == Decimal("1950.00")
    assert figures.pareto_count == 2  # Dell 900 + Softcat 800 = 87% of 1,950
    page = response.content.decode()
    assert money(Decimal("1950"), "GBP") in page
    assert "2 suppliers" in page
    for text in ("Monthly spend", "Pareto of suppliers", "Spend by business unit", "Softcat plc"):
        assert text in page
    assert "IT &amp; telecoms" in page and "Categories as tiles" in page
    assert money(Decimal("50"), "GBP") + " unclassified" in page


def test_the_filters_in_the_address_select_the_slice(client, spend):
    client.force_login(spend.manager)
    response = client.get(CUBE, {"category": "IT", "unit": "MFG"})
    figures = response.context["figures"]
    assert figures.totals["spend"] == Decimal("1400.00")
    assert [row.category for row in figures.categories] == [spend.hardware, spend.software]
    assert "IT &amp; telecoms (and below) · Manufacturing" in response.content.decode()
    response = client.get(CUBE, {"supplier": spend.suppliers[1].pk, "start": "2026-09"})
    assert response.context["figures"].totals["spend"] == Decimal("800.00")
    response = client.get(CUBE, {"start": "2026-09", "end": "2026-09"})
    assert response.context["figures"].totals["spend"] == Decimal("300.00")


def test_an_end_month_alone_gives_the_twelve_months_up_to_it(client, spend):
    client.force_login(spend.manager)
    cube = client.get(CUBE, {"end": "2026-03"}).context["cube"]
    assert (cube.start, cube.end) == (datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))
    assert cube.period_label == "Apr 2025 – Mar 2026"


def test_htmx_gets_the_results_without_the_page_around_them(client, spend):
    client.force_login(spend.manager)
    response = client.get(CUBE, {"category": "FM"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="cube-page">')
    assert response.context["figures"].totals["spend"] == Decimal("200.00")


def test_links_in_the_results_keep_the_other_filters(client, spend):
    client.force_login(spend.manager)
    response = client.get(CUBE, {"unit": "FIN", "start": "2026-01", "end": "2026-10"})
    row = response.context["figures"].categories[0]
    assert row.category == spend.it  # software, 300, bought by Finance
    assert row.cube_url == f"{CUBE}?category=IT&unit=FIN&start=2026-01&end=2026-10"
    assert row.lines_url.startswith(reverse("spend:cube_lines") + "?category=IT&unit=FIN")


def test_filters_that_make_no_sense_are_reported_and_left_out(client, spend):
    client.force_login(spend.manager)
    response = client.get(
        CUBE, {"category": "NOPE", "unit": "XX", "supplier": "999999", "start": "2026-13"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is no category with the code &#x27;NOPE&#x27;." in page
    assert "There is no business unit with that code." in page
    assert "There is no such supplier." in page
    assert "Enter a month as YYYY-MM" in page
    assert response.context["figures"].totals["spend"] == Decimal("1950.00")


def test_a_period_that_ends_before_it_starts_is_refused(client, spend):
    client.force_login(spend.manager)
    response = client.get(CUBE, {"start": "2026-10", "end": "2026-01"})
    assert "The period must end on or after the month it starts." in response.content.decode()


def test_unclassified_spend_can_be_looked_at_alone(client, spend):
    client.force_login(spend.manager)
    response = client.get(CUBE, {"category": "unclassified"})
    assert response.context["figures"].totals["spend"] == Decimal("50.00")
    assert "Unclassified spend · " in response.content.decode()


def test_before_any_import_the_page_says_so(client, company):
    client.force_login(company.manager)
    response = client.get(CUBE)
    assert "No spend has been imported yet" in response.content.decode()


def test_a_business_unit_lead_is_refused(client, spend):
    client.force_login(spend.unit_lead)
    assert client.get(CUBE).status_code == 403
    assert client.get(reverse("spend:cube_lines")).status_code == 403


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {
            "category": "IT",
            "unit": "MFG",
            "supplier": "first",
            "start": "2026-01",
            "end": "2026-06",
        },
    ],
)
@pytest.mark.usefixtures("every_page_rendered")
def test_queries_per_page_do_not_grow_with_lines_whatever_the_filters(client, company, filters):
    client.force_login(company.manager)
    if filters.get("supplier") == "first":
        filters = {**filters, "supplier": company.suppliers[0].pk}
    counts = []
    for lines in (10, 3_000):
        add_spend(company, lines)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(CUBE, filters)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 17  # one reads the data versions (workbench.figures)
