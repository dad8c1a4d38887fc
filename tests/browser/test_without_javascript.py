"""With JavaScript off (as some locked-down public-sector browsers run), the tasks that lean on
it still work: a unit lead checks their pairwise comparisons before saving them, and each
"Print" leads to a print view to print from with the browser's own Print command. With
JavaScript on, "Print" opens the print dialogue where the person is."""

import re

import pytest
from playwright.sync_api import expect

from plans.models import CategoryPlan
from stakeholders.models import Priority
from tests.browser.conftest import save_screenshot
from tests.factories import PASSWORD, add_spend
from tests.plans.plan_builders import make_plan
from tests.suppliers.builders import add_evaluation

# Cost, Quality, Delivery & speed, Innovation: "Innovation 9x Cost" contradicts the rest.
CONTRADICTORY = [
    ("Cost or Quality", "Cost 3× moderately more important"),
    ("Cost or Delivery & speed", "Cost 9× extremely more important"),
    ("Cost or Innovation", "Innovation 9× extremely more important"),
    ("Quality or Delivery & speed", "Quality 3× moderately more important"),
    ("Quality or Innovation", "Quality 9× extremely more important"),
    ("Delivery & speed or Innovation", "Delivery & speed 3× moderately more important"),
]
NO_JAVASCRIPT_HINT = "use your browser's Print command"


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(
        java_script_enabled=False,
        viewport={"width": 1366, "height": 900},
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page, username):
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_without_javascript_the_check_shows_the_consistency_and_saves_nothing(company, no_js_page):
    page = no_js_page
    add_spend(company, 60)
    log_in(page, "unitlead")
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Priorities").click()
    page.get_by_role("row", name=re.compile("IT & telecoms")).get_by_role(
        "link", name="Give priorities"
    ).click()
    page.get_by_role("link", name="Compare drivers in pairs").click()
    for pair, judgement in CONTRADICTORY:
        page.get_by_label(pair).select_option(label=judgement)

    page.get_by_role("button", name="Check consistency").click()
    consistency = page.locator("#consistency")
    expect(consistency).to_contain_text("These answers are inconsistent")
    expect(consistency).to_contain_text("suggest “Cost 9× extremely more important”")
    save_screenshot(page, "no-js-pairwise-check")
    assert not Priority.objects.exists()

    # The page came back with the answers as given: correct the one pointed out, check again.
    expect(page.get_by_label("Quality or Innovation")).to_have_value("9")
    page.get_by_label("Cost or Innovation").select_option(label="Cost 9× extremely more important")
    page.get_by_role("button", name="Check consistency").click()
    expect(consistency).to_contain_text("Consistent: CR")
    expect(consistency.get_by_role("row", name=re.compile("^Cost"))).to_contain_text("%")
    assert not Priority.objects.exists()

    page.get_by_role("button", name="Save priorities").click()
    expect(page.get_by_text("Priorities for IT & telecoms saved.")).to_be_visible()
    priority = Priority.objects.get()
    assert priority.method == "pairwise" and priority.consistency_ratio < 0.10


def test_without_javascript_print_leads_to_a_print_view(company, no_js_page):
    page = no_js_page
    evaluation = add_evaluation(company)
    plan = make_plan(company, status=CategoryPlan.IN_REVIEW)

    log_in(page, "cpo")
    page.goto("/portfolio/board-pack/")
    page.get_by_role("link", name="Print or save as PDF").click()
    expect(page).to_have_url(re.compile(r"/portfolio/board-pack/print/$"))
    expect(
        page.get_by_role("heading", name="From cost-cutting to category management")
    ).to_be_visible()
    expect(page.get_by_text(NO_JAVASCRIPT_HINT)).to_be_visible()
    # The button that only JavaScript could work is not offered, nor the site's menu.
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    save_screenshot(page, "no-js-board-pack-print-view")
    page.get_by_role("link", name="Back to the board pack").click()
    expect(page).to_have_url(re.compile(r"/portfolio/board-pack/$"))

    page.goto(f"/categories/plans/{plan.pk}/")
    page.get_by_role("link", name="Print").click()
    expect(page.get_by_role("heading", name="IT 2027")).to_be_visible()
    expect(page.get_by_text(NO_JAVASCRIPT_HINT)).to_be_visible()

    page.goto(f"/suppliers/scorecards/{evaluation.pk}/")
    page.get_by_role("link", name="Print").click()
    expect(page).to_have_url(re.compile(rf"/suppliers/scorecards/{evaluation.pk}/print/$"))
    expect(page.get_by_role("heading", name=re.compile("Supplier scorecard"))).to_be_visible()
    expect(page.get_by_text(NO_JAVASCRIPT_HINT)).to_be_visible()
    save_screenshot(page, "no-js-scorecard-print-view")


def test_with_javascript_print_opens_the_print_dialogue_where_the_person_is(company, page, log_in):
    evaluation = add_evaluation(company)
    log_in("manager")
    for address in [
        f"/suppliers/scorecards/{evaluation.pk}/",
        f"/suppliers/scorecards/{evaluation.pk}/print/",
    ]:
        page.goto(address)
        # Stands in for the dialogue, which a headless browser cannot show.
        page.evaluate(
            "() => { window.print = () => { window.printCalls = (window.printCalls || 0) + 1; }; }"
        )
        page.get_by_role("link", name="Print").or_(
            page.get_by_role("button", name="Print or save as PDF")
        ).click()
        assert page.evaluate("window.printCalls") == 1
        assert page.url.endswith(address)
    expect(page.get_by_text(NO_JAVASCRIPT_HINT)).to_be_hidden()
