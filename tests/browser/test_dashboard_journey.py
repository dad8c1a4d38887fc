"""The CPO opens the portfolio from the menu, compares a category on the radar in place, and
drills down from the heatmap to the category's assessments; its manager reassesses it, ticking
statements and watching the suggestion move."""

import datetime

from playwright.sync_api import expect

from portfolio import maturity
from portfolio.maturity_wording import ensure_maturity_model
from portfolio.models import MaturityDescriptor, MaturityDimension
from tests.browser.conftest import save_screenshot
from tests.factories import add_spend
from tests.portfolio.builders import assess


def _assessed(company):
    add_spend(company, 300)
    ensure_maturity_model(MaturityDimension, MaturityDescriptor)
    assess(company.it, datetime.date(2026, 1, 20), {key: 2 for key in maturity.DIMENSIONS})
    latest = assess(company.it, datetime.date(2026, 7, 20), {key: 4 for key in maturity.DIMENSIONS})
    latest.scores.filter(dimension__key=maturity.SUPPLIER_RELATIONSHIPS).update(
        note="Joint roadmap signed with Dell"
    )
    assess(company.facilities, datetime.date(2026, 1, 20), {key: 1 for key in maturity.DIMENSIONS})
    assess(company.facilities, datetime.date(2026, 7, 20), {key: 1 for key in maturity.DIMENSIONS})


def test_cpo_reads_the_portfolio_and_drills_down_to_a_category(company, page, log_in):
    _assessed(company)
    log_in("cpo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio").click()
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
    heatmap = page.locator("#heatmap-tile")
    it_row = heatmap.get_by_role("row", name="IT & telecoms")
    expect(it_row).to_contain_text("4.0")
    expect(heatmap.get_by_role("row", name="Facilities")).to_contain_text("1.0")
    # plotly drew the radar and the trend from the app's own plotly.js.
    expect(page.locator("#radar-tile .js-plotly-plot .main-svg").first).to_be_visible()
    expect(page.locator("#trend-tile .js-plotly-plot .main-svg").first).to_be_visible()
    save_screenshot(page, "portfolio-dashboard")

    # Compare IT on the radar: htmx swaps the tile in place, the rest of the page stays.
    page.get_by_label("Compare a category").select_option(label="IT & telecoms")
    expect(
        page.locator("#radar-tile").get_by_role("link", name="IT & telecoms in detail →")
    ).to_be_visible()
    expect(
        page.locator("#radar-tile .js-plotly-plot .legendtext", has_text="IT & telecoms")
    ).to_be_visible()
    expect(page.locator("#heatmap-tile")).to_be_visible()

    # Drill down from the heatmap to the category's assessments.
    it_row.get_by_role("link", name="IT & telecoms").click()
    expect(page.get_by_role("heading", name="Maturity of IT & telecoms")).to_be_visible()
    history = page.locator("#history")
    expect(history).to_contain_text("Joint roadmap signed with Dell")
    expect(history.get_by_role("row")).to_have_count(3)  # header and two assessments
    save_screenshot(page, "portfolio-category-maturity")


def test_manager_reassesses_and_the_suggestion_follows_the_answers(company, page, log_in):
    _assessed(company)
    log_in("manager")
    page.goto("/portfolio/maturity/IT/assess/")
    focus = page.locator(f"#dimension-{maturity.STAKEHOLDER_FOCUS}")
    suggested = focus.locator(f'[data-suggested="{maturity.STAKEHOLDER_FOCUS}"]')
    # The last answers (level 4) are ticked; untick level 3 and the ladder breaks there.
    focus.get_by_label(
        "The units holding most of the spend have told us what they value."
    ).uncheck()
    expect(focus).to_contain_text("Your answers: 2")
    expect(suggested).to_have_text("1")  # no priorities stated: the evidence holds it at 1
    save_screenshot(page, "portfolio-assess")
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_role("heading", name="Maturity of IT & telecoms")).to_be_visible()
    expect(page.locator("#history").get_by_role("row")).to_have_count(4)
