"""Charts a person can use without seeing them, without a mouse and without JavaScript (issue
19): each is a figure with its figures in a table, the table stands in for the drawing when
JavaScript is off, its rows reach by keyboard where a click on the chart goes, and the cube's
lower charts arrive when scrolled to (issue 15)."""

import re
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import save_screenshot
from tests.factories import add_spend

AXE = (
    Path(__file__).resolve().parents[2] / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
)
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations_in(page, selector: str) -> list:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """([selector, tags]) => axe.run({include: [[selector]]},
               {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
            .then(result => result.violations.map(v => v.id + ": " +
                v.nodes.map(n => n.target.join(" ")).join(", ")))""",
        [selector, WCAG_AA],
    )


def _manager_in(context, password):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    return page


def test_without_javascript_a_chart_is_its_table(company, browser, live_server, password):
    add_spend(company, 120)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1366, "height": 900}, base_url=live_server.url
    )
    try:
        page = _manager_in(context, password)
        page.goto(reverse("spend:cube"))
        monthly = page.locator("figure.chart-figure").first
        # No empty box where the drawing would be: the table, open, with its caption.
        expect(monthly.locator(".plotly-graph-div")).to_be_hidden()
        table = monthly.get_by_role("table", name=re.compile("Spend per month"))
        expect(table).to_be_visible()
        expect(table.get_by_role("row")).to_have_count(13)  # the header and twelve months
        expect(table.get_by_role("rowheader").first).to_have_text(re.compile(r"\w{3} \d{4}"))
        save_screenshot(page, "chart-table-without-javascript")
        # The lower charts are not fetched: their link opens one as a page of its own.
        page.get_by_role("link", name="Open this chart and its figures as a table").first.click()
        expect(page.get_by_role("heading", name="Spend cube chart")).to_be_visible()
        expect(page.get_by_role("table", name=re.compile("largest suppliers"))).to_be_visible()
    finally:
        context.close()


def test_a_chart_table_reaches_by_keyboard_where_a_click_on_the_chart_goes(company, page, log_in):
    add_spend(company, 120)
    log_in("manager")
    page.goto(reverse("spend:kraljic"))
    figure = page.locator("#kraljic-chart figure")
    expect(figure.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    details = figure.locator("details")
    expect(details).not_to_have_attribute("open", "")  # with JavaScript the drawing shows
    # Tab from the top of the page to the table's disclosure, open it, tab to the first row's
    # link and follow it: the bubble's destination, the category's position.
    summary = details.locator("summary")
    for _ in range(80):
        page.keyboard.press("Tab")
        if summary.evaluate("element => element === document.activeElement"):
            break
    else:
        raise AssertionError("the disclosure was not reached by Tab")
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    first_link = details.get_by_role("link").first
    destination = first_link.get_attribute("href")
    assert re.search(r"/kraljic/$", destination)
    for _ in range(3):
        page.keyboard.press("Tab")
        if first_link.evaluate("element => element === document.activeElement"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(destination) + "$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_cubes_lower_charts_arrive_when_scrolled_to_and_read_at_any_width(
    company, browser, live_server, password
):
    add_spend(company, 120)
    # axe is injected as a script of the test's own, which the page's policy would refuse.
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, base_url=live_server.url, bypass_csp=True
    )
    try:
        page = _manager_in(context, password)
        page.goto(reverse("spend:cube"))
        drawn = "figure.chart-figure .js-plotly-plot .main-svg"
        expect(page.locator("#cube-page " + drawn).first).to_be_visible()
        tiles = page.locator("#cube-page .chart-later").last
        expect(tiles.locator("figure")).to_have_count(0)  # below the fold: not fetched yet
        tiles.scroll_into_view_if_needed()
        expect(tiles.locator(drawn).first).to_be_visible()
        expect(tiles.locator("details")).not_to_have_attribute("open", "")
        monthly = page.locator("#cube-page figure.chart-figure").first
        monthly.locator("summary").click()
        expect(monthly.get_by_role("table")).to_be_visible()
        assert axe_violations_in(page, "figure.chart-figure") == []
        # The figure with its summary and open table, wide and narrow, for a person to see.
        monthly.scroll_into_view_if_needed()
        shot = save_screenshot(page, "chart-figure-1366")
        monthly.screenshot(path=str(shot.with_suffix(".figure.png")))
        page.set_viewport_size({"width": 320, "height": 800})
        monthly.scroll_into_view_if_needed()
        expect(monthly.get_by_role("table")).to_be_visible()
        shot = save_screenshot(page, "chart-figure-320")
        monthly.screenshot(path=str(shot.with_suffix(".figure.png")))
        # The figure fits the narrow screen, drawing, caption and table (the page as a whole
        # is the reflow test's, tests/browser/test_accessibility.py).
        rights = page.locator("figure.chart-figure").evaluate_all(
            "figures => figures.map(figure => "
            "[figure.getBoundingClientRect().right, figure.scrollWidth - figure.clientWidth])"
        )
        assert len(rights) == 3 and all(right <= 320 and spill <= 0 for right, spill in rights), (
            rights
        )
    finally:
        context.close()
