"""How negative and zero net spend count (spend/concentration.py's definition): shares of any
table stay in [0, 100 %] and add up to 100 %; tiles, tables, sentences and exports count the
same suppliers on the same base."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from spend import concentration
from spend.models import SpendLine
from spend.summary import refresh_spend_summary
from suppliers.models import Supplier
from tests.spend.cube_data import add_hand_worked_spend

CUBE = reverse("spend:cube")
amounts = st.lists(
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False), max_size=30
)


@given(amounts)
def test_shares_lie_in_zero_to_one_and_add_up_to_one_whatever_the_signs(spend):
    rows = concentration.with_shares([{"spend": amount} for amount in spend])
    shares = [row["share"] for row in rows]
    assert all(share is None or 0 <= share <= 1 for share in shares)
    if any(amount > 0 for amount in spend):
        assert sum(share or 0 for share in shares) == pytest.approx(1)
    else:
        assert shares == [None] * len(spend)
    # A row holds a share exactly when its net spend is positive.
    assert [share is not None for share in shares] == [amount > 0 for amount in spend]


@given(amounts)
def test_supplier_count_and_concentration_use_the_same_suppliers(spend):
    paid = concentration.paid_count(spend)
    assert paid == len(concentration.shares(spend))
    assert concentration.pareto_count(spend) <= paid
    assert (concentration.hhi(spend) is None) == (paid == 0)


def test_a_row_that_nets_to_a_credit_or_zero_holds_no_share():
    rows = concentration.with_shares(
        [{"spend": Decimal("300")}, {"spend": Decimal("-50")}, {"spend": Decimal("0")}]
    )
    assert [row["share"] for row in rows] == [1.0, None, None]


@pytest.fixture
def credited(company):
    """The hand-worked cube (cube_data) plus a credit note of 300 to Bright Clean in July 2026:
    over the twelve months Bright Clean nets 200 + 50 - 300 = -50, and July holds nothing but
    that credit. Suppliers with positive net spend: Dell 900, Softcat 800 (base 1,700)."""
    add_hand_worked_spend(company)
    SpendLine.objects.create(
        date=datetime.date(2026, 7, 1),
        amount=Decimal("-300.00"),
        original_amount=Decimal("-300.00"),
        currency="GBP",
        supplier=company.suppliers[2],
        category=company.cleaning,
        business_unit=company.finance,
        description="Credit note",
        document_reference="CN-1",
    )
    refresh_spend_summary()
    return company


@pytest.mark.django_db
def test_tiles_tables_and_sentence_count_the_same_suppliers_on_the_same_base(client, credited):
    client.force_login(credited.manager)
    response = client.get(CUBE)
    figures = response.context["figures"]
    page = response.content.decode()
    assert figures.totals["spend"] == Decimal("1650.00")
    assert figures.supplier_count == 2 and figures.credited_supplier_count == 1
    assert "1 more net to a credit or zero" in page
    assert "of 2 suppliers with positive net spend make 80%" in page
    # The largest supplier's share in the tile is the one its table row shows: 900 / 1,700.
    assert figures.top_share == pytest.approx(900 / 1700)
    dell = next(row for row in figures.suppliers if row["supplier"] == credited.suppliers[0].pk)
    assert dell["share"] == pytest.approx(figures.top_share)
    bright = next(row for row in figures.suppliers if row["supplier"] == credited.suppliers[2].pk)
    assert bright["spend"] == Decimal("-50.00") and bright["share"] is None
    # Units: Manufacturing 1,450, Finance 200 (300 + 200 - 300): shares of 1,650 add to 100 %.
    assert sum(row["share"] for row in figures.units) == pytest.approx(1)
    assert sum(row.share or 0 for row in figures.categories) == pytest.approx(1)


@pytest.mark.django_db
def test_a_month_of_credits_only_shows_no_shares_and_says_why(client, credited):
    client.force_login(credited.manager)
    response = client.get(CUBE, {"start": "2026-07", "end": "2026-07"})
    figures = response.context["figures"]
    page = response.content.decode()
    assert figures.totals["spend"] == Decimal("-300.00")
    assert figures.supplier_count == 0 and figures.pareto_count == 0
    assert figures.hhi is None and figures.top_share is None
    assert "No supplier has positive net spend in this slice" in page
    assert "0 of" not in page
    assert all(row["share"] is None for row in figures.suppliers + figures.units)


@pytest.mark.django_db
def test_the_supplier_export_gives_a_credit_no_share(client, credited):
    client.force_login(credited.manager)
    response = client.get(CUBE, {"table": "suppliers", "format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    shares = {row["Supplier"]: row["Share of spend"] for row in rows}
    assert shares[credited.suppliers[2].name] == ""
    assert sum(float(share) for share in shares.values() if share) == pytest.approx(1, abs=1e-3)


@pytest.mark.django_db
def test_category_and_home_pages_count_suppliers_with_positive_net_spend(client, credited):
    client.force_login(credited.manager)
    response = client.get(reverse("categories:detail", args=["FM"]))
    # Facilities: only Bright Clean, which nets to -50 over the twelve months.
    assert response.context["supplier_count"] == 0
    response = client.get(reverse("categories:detail", args=["IT"]))
    assert response.context["supplier_count"] == 2
    top = response.context["top_suppliers"]
    assert sum(row["share"] for row in top) == pytest.approx(1)
    client.force_login(credited.cpo)
    portfolio = client.get(reverse("home")).context["portfolio"]
    assert portfolio["totals"]["suppliers"] == 2
    shares = [row["share"] for row in portfolio["top_categories"]]
    assert all(share is None or 0 <= share <= 1 for share in shares)
    assert sum(share or 0 for share in shares) == pytest.approx(1)


@pytest.mark.django_db
def test_redacted_payees_count_in_spend_but_are_no_supplier(client, company):
    """Redacted payees (names withheld from a published file) add to spend, but are neither
    counted as a supplier nor part of any supplier share or concentration."""
    add_hand_worked_spend(company)
    redacted = Supplier.objects.create(
        name="REDACTED PERSONAL DATA", redacted_payee=True, redacted_source="council"
    )
    SpendLine.objects.create(
        date=datetime.date(2026, 10, 1),
        amount=Decimal("5000.00"),
        original_amount=Decimal("5000.00"),
        currency="GBP",
        supplier=redacted,
        category=company.hardware,
        business_unit=company.manufacturing,
        description="Payment to a person",
        document_reference="R-1",
    )
    refresh_spend_summary()
    client.force_login(company.manager)
    figures = client.get(CUBE).context["figures"]
    assert figures.totals["spend"] == Decimal("6950.00")
    assert figures.supplier_count == 3  # Dell, Softcat, Bright Clean: as without the payees
    assert figures.top_share == pytest.approx(900 / 1950)
    row = next(row for row in figures.suppliers if row["supplier"] == redacted.pk)
    assert row["share"] is None
    it = next(row for row in figures.categories if row.category == company.it)
    assert (it.spend, it.suppliers) == (Decimal("6700.00"), 2)
    assert it.hhi == pytest.approx(concentration.hhi([900, 800]))
    response = client.get(reverse("categories:detail", args=["IT"]))
    assert response.context["supplier_count"] == 2
    client.force_login(company.cpo)
    assert client.get(reverse("home")).context["portfolio"]["totals"]["suppliers"] == 3
