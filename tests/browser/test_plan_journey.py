"""A category manager builds a plan with two initiatives, sees that one of them would cost
Manufacturing the quality it values most, watches the ranking change as savings count for
less, submits it; Manufacturing's lead endorses it and the CPO approves it."""

import re

from playwright.sync_api import expect

from plans.models import CategoryPlan, PlanVersion
from tests.browser.conftest import save_screenshot
from tests.factories import add_spend
from tests.plans.plan_builders import give_priorities


def add_initiative(page, title, impacts, **money):
    page.get_by_role("link", name="Add initiative").first.click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Lever").select_option(label=money.pop("lever"))
    for label, value in money.items():
        page.get_by_label(label).fill(value)
    page.get_by_label(re.compile(r"^Start")).fill("2027-01-01")
    page.get_by_label(re.compile(r"^End")).fill("2027-12-31")
    for driver, impact in impacts.items():
        page.get_by_label(f"Impact on {driver}").select_option(impact)
    save_screenshot(page, f"initiative-form-{title}")
    page.get_by_role("button", name="Add initiative").click()
    expect(page.get_by_text(f"{title} added.")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="Log out").click()


def test_plan_from_draft_to_approval(company, page, log_in):
    add_spend(company, 60)
    give_priorities(company)

    log_in("manager")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plans").click()
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Category").select_option(label="IT IT & telecoms")
    page.get_by_label("Fiscal year").fill("2027")
    page.get_by_label("Title").fill("IT 2027: fewer, better laptops")
    page.get_by_label("Target hard savings").fill("50000")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_text("Plan started for IT & telecoms")).to_be_visible()

    add_initiative(
        page,
        "Tender laptops",
        {"Cost": "2", "Quality": "-1"},
        lever="Competitive tender",
        **{"Hard savings": "40000", "Spend affected": "200000"},
    )
    add_initiative(
        page,
        "Standardise software",
        {"Cost": "1", "Innovation": "1"},
        lever="Specification change or value engineering",
        **{"Cost avoidance": "10000", "Spend affected": "80000"},
    )

    # Manufacturing weights Quality at 40%: the tender is a conflict, and says who loses what.
    conflicts = page.locator("#conflicts")
    expect(conflicts).to_contain_text("Tender laptops")
    expect(conflicts).to_contain_text("MFG loses on Quality")
    expect(page.locator("#tradeoff-chart .plotly")).to_be_visible()
    rows = page.locator("#initiative-table tbody tr")
    expect(rows.first).to_contain_text("Tender laptops")
    page.locator("#tradeoff").scroll_into_view_if_needed()
    save_screenshot(page, "plan-conflict")

    # Savings count for nothing: the software change, better aligned, comes first, without a
    # full reload (the slider keeps its place).
    page.locator("#alpha").fill("0")
    expect(page.locator("#alpha-value")).to_have_text("0.00")
    expect(rows.first).to_contain_text("Standardise software")
    expect(page.locator("#alpha")).to_have_value("0")
    save_screenshot(page, "plan-alpha-zero")

    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#plan-status")).to_have_text("In review")
    log_out(page)

    log_in("unitlead")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plans").click()
    page.get_by_role("link", name="IT 2027: fewer, better laptops").click()
    page.get_by_role("link", name="Endorse or object").click()
    page.get_by_label("Endorses").check()
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Recorded: Manufacturing endorses the plan.")).to_be_visible()
    log_out(page)

    log_in("cpo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plans").click()
    page.get_by_role("link", name="IT 2027: fewer, better laptops").click()
    expect(page.locator("#endorsements")).to_contain_text("Endorses")
    save_screenshot(page, "plan-before-approval")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#plan-status")).to_have_text("Approved")
    save_screenshot(page, "plan-approved")

    plan = CategoryPlan.objects.get()
    assert plan.status == "approved" and plan.approved_by.username == "cpo"
    assert PlanVersion.objects.filter(plan=plan, revision=1).exists()
    assert re.search(r"/categories/plans/\d+/$", page.url)


def test_cpo_reads_savings_tracking_and_prints_a_demo_plan(page, db):
    from io import StringIO

    from django.core.management import call_command

    from workbench.demo import DEMO_PASSWORD

    call_command("load_demo", lines=3_000, stdout=StringIO())
    page.goto("/login/")
    page.get_by_label("Username").fill("cpo")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plans").click()
    expect(page.locator("#plan-table")).to_contain_text("In review")
    save_screenshot(page, "plan-list-demo")
    page.get_by_role("link", name="Savings tracking").click()
    expect(page.locator("#savings-chart .plotly")).to_be_visible()
    expect(page.locator("#savings-table")).to_contain_text("2026")
    save_screenshot(page, "plan-savings-demo")
    page.goto("/categories/plans/")
    page.get_by_role("link", name=re.compile("Packaging 2027")).click()
    expect(page.locator("#conflicts")).to_contain_text("loses on")
    save_screenshot(page, "plan-demo-in-review")
    page.get_by_role("link", name="Print").click()
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="Conflicts")).to_be_visible()
    save_screenshot(page, "plan-print")
