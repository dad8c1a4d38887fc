"""You said, we did, end to end: a round closes with a void; the category manager responds
with an initiative and later marks it done; the unit lead sees it on their home and says it
addressed the concern; the CPO's tile moves at each step."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from plans.models import Initiative
from tests.browser.conftest import save_screenshot
from tests.factories import add_spend, add_survey_round
from tests.plans.plan_builders import make_plan
from tests.stakeholders.concern_builders import answer


def _closed_round_with_a_void(company):
    add_spend(company, 60)
    make_plan(company)
    today = timezone.localdate()
    survey_round = add_survey_round(
        company,
        name="Spring survey",
        opens_on=today - datetime.timedelta(days=40),
        closes_on=today - datetime.timedelta(days=10),
    )
    # Manufacturing would not recommend procurement on IT: a void, and nothing else.
    answer(
        survey_round, company.manufacturing, company.it, recommend=3, ratings={"Quality": (5, 4)}
    )
    return survey_round


def _as(page, log_in, username):
    page.context.clear_cookies()
    log_in(username)


def _loop_tile(page, log_in):
    _as(page, log_in, "cpo")
    page.goto("/portfolio/")
    return page.locator("#loop-tile")


def test_a_void_is_answered_done_and_judged_and_the_cpo_sees_it(company, page, log_in):
    _closed_round_with_a_void(company)
    initiative = Initiative.objects.get(title="Tender laptops")

    tile = _loop_tile(page, log_in)
    expect(tile.locator("#kpi-answered")).to_contain_text("0%")
    expect(tile.locator("#kpi-answered")).to_contain_text("0 of 1")

    # The manager finds the void and responds with the plan's initiative.
    _as(page, log_in, "manager")
    page.goto("/stakeholders/you-said-we-did/")
    row = page.get_by_role("row", name="Manufacturing")
    expect(row).to_contain_text("Would not recommend procurement here")
    expect(row).to_contain_text("Awaiting a response")
    row.get_by_role("link", name="Respond").click()
    page.get_by_label("We will act").check()
    page.get_by_label("What we will do, or why we will not").fill(
        "Re-tender laptop delivery with a next-day service level"
    )
    due = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("Done by").fill(due.isoformat())
    page.get_by_label("Carried out through an initiative").select_option(label=str(initiative))
    page.get_by_role("button", name="Save response").click()
    expect(page.get_by_role("row", name="Manufacturing")).to_contain_text("Promised")
    save_screenshot(page, "you-said-we-did-manager")

    tile = _loop_tile(page, log_in)
    expect(tile.locator("#kpi-answered")).to_contain_text("100%")

    # Done: the manager says so.
    _as(page, log_in, "manager")
    page.goto("/stakeholders/you-said-we-did/")
    page.get_by_role("row", name="Manufacturing").get_by_role("link", name="Update").click()
    page.get_by_label("Done on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Save response").click()
    expect(page.get_by_role("row", name="Manufacturing")).to_contain_text("Done")

    # The unit lead sees it on their home and says it addressed the concern.
    _as(page, log_in, "unitlead")
    card = page.locator("#you-said-we-did")
    expect(card).to_contain_text("Re-tender laptop delivery with a next-day service level")
    expect(card).to_contain_text("Tender laptops")
    card.get_by_role("button", name="Yes, addressed").click()
    expect(page.locator("#you-said-we-did")).to_contain_text("You said it addressed this")
    save_screenshot(page, "you-said-we-did-unit-lead-home")

    tile = _loop_tile(page, log_in)
    expect(tile.locator("#kpi-addressed")).to_contain_text("1 of 1")
    save_screenshot(page, "you-said-we-did-cpo-tile")
