"""A unit lead's inbox shows the open round and the plan awaiting their unit's answer;
answering each removes it, and the header's count follows."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from plans.models import CategoryPlan
from tests.browser.conftest import save_screenshot
from tests.factories import add_spend, add_survey_round
from tests.plans.plan_builders import make_plan


def test_unit_lead_answers_what_waits_in_their_inbox(company, page, log_in):
    add_spend(company, 60)
    survey_round = add_survey_round(company)
    survey_round.categories.set([company.it])
    plan = make_plan(company, status=CategoryPlan.IN_REVIEW, with_finance=False)
    CategoryPlan.objects.filter(pk=plan.pk).update(submitted_at=timezone.now())
    log_in("unitlead")

    inbox = page.locator("#inbox")
    expect(inbox.locator(".inbox-item")).to_have_count(2)
    expect(inbox).to_contain_text("Spring survey")
    expect(inbox).to_contain_text("Manufacturing has 1 answer to give")
    expect(inbox).to_contain_text("IT 2027")
    expect(page.locator(".inbox-link .inbox-count")).to_have_text("2")
    save_screenshot(page, "inbox-home-unit-lead")

    inbox.get_by_role("link", name="Answer").click()
    page.get_by_role("row", name=re.compile("IT & telecoms")).get_by_role(
        "link", name="Answer"
    ).click()
    for driver in ("Cost", "Quality", "Delivery & speed", "Innovation"):
        page.get_by_label(f"{driver} importance").select_option("4")
        page.get_by_label(f"{driver} satisfaction").select_option("3")
    page.get_by_label(re.compile("How likely are you to recommend")).select_option("7")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_text("Your answer on IT & telecoms is submitted.")).to_be_visible()
    expect(page.locator(".inbox-link .inbox-count")).to_have_text("1")

    page.get_by_role("link", name="Inbox").click()
    items = page.locator("#inbox .inbox-item")
    expect(items).to_have_count(1)
    save_screenshot(page, "inbox-page-unit-lead")
    items.get_by_role("link", name="Endorse or object").click()
    page.get_by_label("Endorses").check()
    page.get_by_role("button", name="Send answer").click()

    page.get_by_role("link", name="Home").click()
    expect(page.locator("#inbox")).to_contain_text("Nothing is waiting for you.")
    expect(page.locator(".inbox-link .inbox-count")).to_have_count(0)
    expect(page.locator(".inbox-link")).to_have_text("Inbox")

    page.locator("#inbox").get_by_role("link", name="Email choices").click()
    page.locator('input[name="round_opened"][value="never"]').check()
    save_screenshot(page, "inbox-email-choices")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your email choices are saved.")).to_be_visible()
    expect(page.locator('input[name="round_opened"][value="never"]')).to_be_checked()
