"""A category manager opens the opportunity finder for IT, starts an initiative from the
fragmented hardware it finds, and sees it in the plan's trade-off chart with the conflict it
brings: consolidating on fewer suppliers costs Manufacturing some of the quality it values
most. Then the possible duplicate payments, confirmed one by one."""

import datetime
import re
from decimal import Decimal

from playwright.sync_api import expect

from plans.models import CategoryPlan
from tests.browser.conftest import save_screenshot
from tests.browser.test_plan_journey import log_out
from tests.opportunities.builders import LATEST, line, store, supplier
from tests.plans.plan_builders import give_priorities


def test_manager_starts_an_initiative_from_a_finding(company, page, log_in):
    units = (company.manufacturing, company.finance)
    store(
        [
            line(company.hardware, supplier(f"Hardware {n}"), unit, 2000 + 100 * n + 7 * u)
            for n in range(6)
            for u, unit in enumerate(units)
        ]
        + [
            line(company.hardware, supplier("Hardware 0"), units[0], "820.00", LATEST, "DUP-1"),
            line(
                company.hardware,
                supplier("Hardware 0"),
                units[0],
                "820.00",
                LATEST + datetime.timedelta(days=1),
                "DUP-2",
            ),
        ]
    )
    give_priorities(company)
    CategoryPlan.objects.create(
        category=company.it,
        fiscal_year=2027,
        title="IT 2027",
        target_hard_savings=Decimal("50000"),
        created_by=company.manager,
    )

    log_in("manager")
    page.goto("/categories/IT/")
    page.get_by_role("link", name="Opportunities").click()
    finding = page.locator("article.finding", has_text="Hardware: 6 suppliers for 2 units")
    expect(finding).to_contain_text("Fragmented supply base")
    finding.get_by_text(re.compile("^Evidence")).click()
    expect(finding.locator("table")).to_contain_text("Hardware 5")
    save_screenshot(page, "opportunity-finder")

    finding.get_by_role("link", name="Start an initiative in IT & telecoms 2027").click()
    expect(page.locator("#initiative-source")).to_contain_text("fragmented supply base")
    expect(page.get_by_label("Lever")).to_have_value("consolidation")
    expect(page.get_by_label("Title")).to_have_value("Hardware: 6 suppliers for 2 units")
    page.get_by_label("Impact on Cost").select_option("2")
    page.get_by_label("Impact on Quality").select_option("-1")
    save_screenshot(page, "opportunity-initiative-form")
    page.get_by_role("button", name="Add initiative").click()
    expect(page.get_by_text("Hardware: 6 suppliers for 2 units added.")).to_be_visible()

    expect(page.locator("#tradeoff-chart .plotly")).to_be_visible()
    # One point in the chart (the new initiative), marked a conflict in the ranking below it.
    expect(page.locator("#tradeoff-chart .scatterlayer .point")).to_have_count(1)
    ranking = page.locator("#initiative-table tbody tr").first
    expect(ranking).to_contain_text("Hardware: 6 suppliers for 2 units")
    expect(ranking).to_contain_text("conflict")
    conflicts = page.locator("#conflicts")
    expect(conflicts).to_contain_text("Hardware: 6 suppliers for 2 units")
    expect(conflicts).to_contain_text("MFG loses on Quality")
    page.locator("#tradeoff").scroll_into_view_if_needed()
    save_screenshot(page, "opportunity-in-tradeoff")

    page.goto("/opportunities/category/IT/")
    expect(page.locator("article.finding").first).to_contain_text("Initiative started")

    page.get_by_role("link", name="Possible duplicate payments").click()
    row = page.locator("table.duplicates tbody tr").first
    expect(page.locator("table.duplicates tbody tr")).to_have_count(1)
    expect(row).to_contain_text("DUP-2")
    expect(row).to_contain_text("Same supplier and amount")
    row.get_by_label("Note").fill("Invoice keyed twice")
    row.get_by_role("button", name="Confirmed duplicate").click()
    expect(page.locator("table.duplicates tbody tr").first).to_contain_text("Invoice keyed twice")
    save_screenshot(page, "duplicate-review")

    log_out(page)
    log_in("cpo")
    page.goto("/portfolio/")
    expect(page.locator("#kpi-duplicates")).to_contain_text("820")
    page.locator("#kpi-duplicates").get_by_role("link", name="Where the money is").click()
    expect(page.locator("article.finding").first).to_contain_text("Hardware: 6 suppliers")
    save_screenshot(page, "opportunity-portfolio")
