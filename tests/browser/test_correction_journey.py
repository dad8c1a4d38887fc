"""A category manager learns that a laptop contract ends next month, not in seven months:
they correct its end date from the supplier's page, and the "ending within 90 days" list and
the IT plan's contracts section follow at once; the contract's history shows the change."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import save_screenshot
from tests.factories import add_spend
from tests.plans.plan_builders import make_plan
from tests.suppliers.builders import add_contract


def test_manager_corrects_a_contract_end_date_and_the_lists_follow(company, page, log_in):
    add_spend(company, 12)
    today = timezone.localdate()
    contract = add_contract(company, end=today + datetime.timedelta(days=200))
    plan = make_plan(company)
    corrected_end = today + datetime.timedelta(days=30)
    log_in("manager")

    page.goto("/suppliers/contracts/?within=90")
    expect(page.get_by_text("No contract ends within 90 days.")).to_be_visible()

    page.goto(f"/suppliers/{contract.supplier_id}/?tab=contracts")
    row = page.locator("#supplier-tab tr", has_text="Laptop framework")
    row.get_by_role("link", name="Correct").click()
    expect(page.get_by_role("heading", name=re.compile("Correct the contract"))).to_be_visible()
    page.get_by_label("End").fill(corrected_end.isoformat())
    save_screenshot(page, "correction-contract-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The contract “Laptop framework” is saved.")).to_be_visible()

    # The history, opened in place from the contracts tab.
    page.locator("#supplier-tab tr", has_text="Laptop framework").get_by_role(
        "link", name="History"
    ).click()
    panel = page.locator("#record-history")
    expect(panel.get_by_text("Edited")).to_be_visible()
    expect(panel.get_by_text(f"“{corrected_end:%-d %b %Y}”")).to_be_visible()
    save_screenshot(page, "correction-contract-history")

    page.goto("/suppliers/contracts/?within=90")
    ending = page.locator("table.data tbody tr", has_text="Laptop framework")
    expect(ending).to_have_count(1)
    expect(ending).to_contain_text(f"{corrected_end:%-d %b %Y}")

    page.goto(plan.get_absolute_url())
    plan_contract = page.locator("#suppliers tr", has_text="Laptop framework")
    expect(plan_contract).to_contain_text(f"{corrected_end:%d %b %Y}")
    save_screenshot(page, "correction-plan-contracts")
