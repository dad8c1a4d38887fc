"""Every role's main pages run under the strict Content-Security-Policy (no inline script) with
nothing refused by the browser, and the charts are still drawn, drilled into and filtered
(issue "Trust", attack 7)."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portfolio import maturity
from portfolio.maturity_wording import ensure_maturity_model
from portfolio.models import MaturityDescriptor, MaturityDimension
from tests.factories import add_spend
from tests.plans.plan_builders import make_plan
from tests.portfolio.builders import assess

# Chromium reports each refusal twice: as a console error and as a DOM event. Both are caught,
# so a refusal that one of them misses still fails the test.
LISTEN_FOR_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} refused ${event.blockedURI}`);
});
"""
CHART = ".js-plotly-plot .main-svg"


@pytest.fixture
def company_with_charts(company):
    add_spend(company, 300)
    ensure_maturity_model(MaturityDimension, MaturityDescriptor)
    for day, level in ((datetime.date(2026, 1, 20), 2), (datetime.date(2026, 7, 20), 4)):
        assess(company.it, day, {key: level for key in maturity.DIMENSIONS})
    company.plan = make_plan(company)
    return company


@pytest.fixture
def csp_page(page):
    console_refusals = []
    page.on(
        "console",
        lambda message: (
            console_refusals.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.context.add_init_script(LISTEN_FOR_VIOLATIONS)
    page.console_refusals = console_refusals
    return page


def assert_nothing_refused(page, where):
    refused = page.console_refusals + page.evaluate("window.__cspViolations || []")
    assert refused == [], f"{where}: {refused}"


def _pages(company):
    supplier = company.suppliers[0]
    return {
        "cpo": [
            (reverse("home"), CHART),
            (reverse("portfolio:dashboard"), "#radar-tile " + CHART),
        ],
        "manager": [
            (reverse("home"), None),
            (reverse("spend:cube"), "#cube-page " + CHART),
            (reverse("spend:kraljic"), "#kraljic-chart " + CHART),
            (reverse("plans:plan_detail", args=[company.plan.pk]), "#tradeoff-chart " + CHART),
            (reverse("plans:plan_print", args=[company.plan.pk]), CHART),
            (reverse("suppliers:detail", args=[supplier.pk]), CHART),
        ],
        "unitlead": [(reverse("home"), CHART)],
        "admin": [(reverse("home"), None), ("/admin/", None)],
    }


@pytest.mark.parametrize("role", ["cpo", "manager", "unitlead", "admin"])
def test_each_roles_main_pages_break_no_rule_of_the_policy(
    company_with_charts, csp_page, log_in, role
):
    page = csp_page
    log_in(role)
    assert_nothing_refused(page, "login and home")
    for path, chart in _pages(company_with_charts)[role]:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        if chart:
            expect(page.locator(chart).first).to_be_visible()
        page.wait_for_load_state("load")
        assert_nothing_refused(page, path)


def test_a_click_on_a_pareto_bar_opens_that_suppliers_lines(company_with_charts, csp_page, log_in):
    page = csp_page
    log_in("manager")
    page.goto(reverse("spend:cube"))
    bar = page.locator("#cube-page [data-drill] .js-plotly-plot .bars .point path").first
    expect(bar).to_be_visible()
    # plotly's drag layer lies over the bars and turns a click there into a click on the bar.
    bar.click(force=True)
    page.wait_for_url(re.compile(r"/cube/lines/"))
    expect(page.get_by_role("table").first).to_be_visible()
    assert_nothing_refused(page, "cube lines")


def test_charts_swapped_in_by_htmx_are_drawn(company_with_charts, csp_page, log_in):
    page = csp_page
    log_in("cpo")
    page.goto(reverse("portfolio:dashboard"))
    page.get_by_label("Compare a category").select_option(label="IT & telecoms")
    expect(
        page.locator("#radar-tile .js-plotly-plot .legendtext", has_text="IT & telecoms")
    ).to_be_visible()
    assert_nothing_refused(page, "dashboard after the swap")


def test_choosing_a_level_on_the_kraljic_matrix_applies_it(company_with_charts, csp_page, log_in):
    page = csp_page
    log_in("manager")
    page.goto(reverse("spend:kraljic"))
    page.locator("#kraljic-level").select_option("1")
    page.wait_for_url(re.compile(r"level=1"))
    expect(page.locator("#kraljic-chart " + CHART).first).to_be_visible()
    assert_nothing_refused(page, "kraljic by level")
