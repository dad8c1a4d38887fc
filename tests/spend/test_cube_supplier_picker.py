"""The cube's supplier filter is a search box, not a list of every supplier: typing lists the
matches (htmx), and without JavaScript Apply finds the supplier named or lists the candidates."""

from decimal import Decimal

import pytest
from django.urls import reverse

from suppliers.models import Supplier
from tests.spend.cube_data import add_hand_worked_spend

pytestmark = pytest.mark.django_db
CUBE = reverse("spend:cube")


@pytest.fixture
def spend(client, company):
    add_hand_worked_spend(company)
    # Many more suppliers than a drop-down could offer.
    Supplier.objects.bulk_create(Supplier(name=f"Softcat Reseller {n:04}") for n in range(300))
    client.force_login(company.manager)
    return company


def test_the_page_does_not_list_every_supplier(client, spend):
    page = client.get(CUBE).content.decode()
    assert "Softcat Reseller 0299" not in page
    assert (
        'name="supplier_search"' in page
        and '<option value="' + str(spend.suppliers[0].pk) not in page
    )


def test_typing_lists_the_matching_suppliers(client, spend, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        response = client.get(
            CUBE,
            {"picker": "supplier", "supplier_search": "softcat 012", "unit": "MFG"},
            headers={"HX-Request": "true"},
        )
    html = response.content.decode()
    assert "<html" not in html  # only the list is swapped
    assert html.count('class="picker-option"') == 11  # Reseller 0012 and 0120 .. 0129
    assert "?unit=MFG&amp;" in html and "&amp;supplier=" in html  # keeps the other filters
    empty = client.get(
        CUBE, {"picker": "supplier", "supplier_search": "nobody"}, headers={"HX-Request": "true"}
    )
    assert "No supplier" in empty.content.decode()


def test_applying_a_name_that_names_one_supplier_filters_by_it(client, spend):
    response = client.get(CUBE, {"supplier_search": "softcat plc", "start": "2026-09"})
    assert response.context["cube"].supplier == spend.suppliers[1]
    assert response.context["figures"].totals["spend"] == Decimal("800.00")
    assert f'name="supplier" value="{spend.suppliers[1].pk}"' in response.content.decode()


def test_applying_a_name_several_suppliers_hold_lists_them_and_filters_by_none(client, spend):
    response = client.get(CUBE, {"supplier_search": "softcat"})
    assert response.context["cube"].supplier is None
    assert response.context["figures"].totals["spend"] == Decimal("1950.00")
    html = response.content.decode()
    assert html.count('class="picker-option"') == 12  # the first twelve, by name
    assert f"supplier={spend.suppliers[1].pk}" in html


def test_a_chosen_supplier_stays_while_its_name_is_in_the_box_and_goes_when_cleared(client, spend):
    chosen = spend.suppliers[0]
    kept = client.get(CUBE, {"supplier": chosen.pk, "supplier_search": chosen.name, "unit": "MFG"})
    assert kept.context["cube"].supplier == chosen
    cleared = client.get(CUBE, {"supplier": chosen.pk, "supplier_search": ""})
    assert cleared.context["cube"].supplier is None
    # A shared address names the supplier by its id alone.
    assert client.get(CUBE, {"supplier": chosen.pk}).context["cube"].supplier == chosen
