"""A category manager finds a supplier that is on file twice, merges the duplicate into it,
rates the supplier's scorecard leaving one KPI unrated, and undoes the merge; a unit lead
rates the same supplier for their unit."""

import datetime
import re
from decimal import Decimal

from django.db.models import Sum
from playwright.sync_api import expect

from spend.models import SpendLine
from spend.summary import refresh_spend_summary
from suppliers.models import Evaluation, Supplier, SupplierAlias
from tests.browser.conftest import save_screenshot
from tests.factories import add_spend
from tests.suppliers.builders import standard_template


def _kelway(company):
    """Softcat's old name, still on file with its own spend in Software."""
    kelway = Supplier.objects.create(name="Kelway Ltd", country="GB")
    for day in range(1, 4):
        SpendLine.objects.create(
            date=datetime.date(2026, 10, day),
            amount=Decimal("250.00"),
            original_amount=Decimal("250.00"),
            currency="GBP",
            supplier=kelway,
            category=company.software,
            business_unit=company.manufacturing,
        )
    refresh_spend_summary()
    return kelway


def _choose_test_template(page):
    """The migration's standard template may be there too (a transactional test's database
    starts migrated): pick the test's own, as a user would from the list."""
    if page.get_by_label("Template").count():
        page.get_by_label("Template").select_option(label="Test scorecard")
        page.get_by_role("button", name="Use").click()


def _total():
    return SpendLine.objects.aggregate(total=Sum("amount"))["total"]


def test_manager_merges_a_duplicate_rates_the_supplier_and_undoes_the_merge(company, page, log_in):
    add_spend(company, 60)
    kelway_id = _kelway(company).pk
    standard_template()
    total = _total()
    log_in("manager")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Suppliers").click()
    page.get_by_label("Search").fill("softcat")
    expect(page.locator("#supplier-table tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Softcat plc").click()
    expect(page.get_by_role("heading", name=re.compile("Softcat plc"))).to_be_visible()

    page.get_by_role("link", name="Merge a duplicate").click()
    page.get_by_label("Find").fill("kelway")
    page.get_by_role("button", name="Find").click()
    page.get_by_label(re.compile("Kelway Ltd")).check()
    page.get_by_label("Reason").fill("Kelway was bought by Softcat")
    save_screenshot(page, "supplier-merge-form")
    page.get_by_role("button", name="Merge into Softcat plc").click()

    expect(page.get_by_text("Kelway Ltd is merged into Softcat plc")).to_be_visible()
    expect(page.locator(".tag", has_text="Kelway Ltd")).to_be_visible()
    assert not Supplier.objects.filter(pk=kelway_id).exists()
    assert SupplierAlias.objects.filter(normalised_name="kelway").exists()
    assert _total() == total
    save_screenshot(page, "supplier-merged")

    page.get_by_role("navigation", name="Supplier").get_by_role("link", name="Scorecards").click()
    expect(page.get_by_text("No evaluation yet.")).to_be_visible()
    page.get_by_role("link", name="Rate", exact=True).click()
    _choose_test_template(page)
    page.get_by_label("Test quality (50%)").select_option("4")
    page.get_by_label("Test cost (20%)").select_option("2")
    save_screenshot(page, "supplier-rating-form")
    page.get_by_role("button", name="Save scorecard").click()

    # Delivery left unrated: (50×4 + 20×2) / 70 = 3.43, not 2.40.
    expect(page.locator("#scorecard-score")).to_have_text("3.43")
    expect(page.get_by_role("row", name=re.compile("Test delivery"))).to_contain_text("not rated")
    save_screenshot(page, "supplier-scorecard")
    assert Evaluation.objects.get().business_unit is None

    page.goto("/suppliers/merges/")
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Kelway Ltd is back as its own supplier")).to_be_visible()
    assert Supplier.objects.filter(pk=kelway_id).exists()
    assert SpendLine.objects.filter(supplier_id=kelway_id).count() == 3
    assert _total() == total


def test_unit_lead_rates_a_supplier_their_unit_buys_from(company, page, log_in):
    add_spend(company, 60)
    standard_template()
    log_in("unitlead")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Suppliers").click()
    expect(page.get_by_role("link", name="Bright Clean Services Ltd")).to_have_count(0)
    page.get_by_role("link", name="Dell Technologies Ltd").click()
    page.get_by_role("link", name="Rate for my unit").click()
    _choose_test_template(page)
    expect(page.get_by_label("Rating as")).to_have_value(f"unit-{company.manufacturing.pk}")
    page.get_by_label("Test delivery (30%)").select_option("5")
    page.get_by_role("button", name="Save scorecard").click()

    expect(page.locator("#scorecard-score")).to_have_text("5.00")
    expect(page.get_by_text("for Manufacturing")).to_be_visible()
    save_screenshot(page, "supplier-unit-scorecard")
