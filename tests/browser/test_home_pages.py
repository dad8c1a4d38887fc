"""Each role logs in through the login page and sees its own home page with real figures."""

from playwright.sync_api import expect

from categories.models import Category
from spend import cube
from tests.browser.conftest import save_screenshot
from tests.factories import add_spend
from workbench.templatetags.workbench_format import money


def _spend_of(category: Category) -> str:
    period = cube.latest_period()
    (annotated,) = cube.with_subtree_spend(Category.objects.filter(pk=category.pk), period)
    return money(annotated.spend, "GBP")


def test_cpo_sees_portfolio_totals_and_the_spend_chart(company, page, log_in):
    add_spend(company, 400)
    period = cube.latest_period()
    log_in("cpo")
    portfolio = page.locator("#portfolio")
    total = money(cube.portfolio_totals(period)["spend"], "GBP")
    expect(portfolio.locator(".kpi-value", has_text=total)).to_be_visible()
    # plotly.js is served by the app itself and has drawn the bars.
    expect(portfolio.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    expect(portfolio.locator("text=IT & telecoms").first).to_be_visible()
    save_screenshot(page, "home-cpo")
    page.get_by_role("link", name="IT & telecoms").first.click()
    expect(page.get_by_role("heading", name="IT & telecoms")).to_be_visible()
    expect(page.get_by_text(_spend_of(company.it)).first).to_be_visible()


def test_category_manager_sees_the_categories_they_own(company, page, log_in):
    add_spend(company, 400)
    log_in("manager")
    section = page.locator("#my-categories")
    row = section.get_by_role("row", name="IT & telecoms")
    expect(row).to_contain_text(_spend_of(company.it))
    expect(section).not_to_contain_text("Facilities")
    expect(page.locator("#portfolio")).to_have_count(0)
    save_screenshot(page, "home-manager")


def test_unit_lead_sees_their_unit_and_what_it_buys(company, page, log_in):
    add_spend(company, 400)
    log_in("unitlead")
    section = page.locator("#my-unit")
    expect(section.get_by_role("heading", name="Manufacturing")).to_be_visible()
    expect(section.get_by_role("row", name="Hardware")).to_be_visible()
    expect(section).not_to_contain_text("Cleaning")
    # Procurement's own menus are not offered to a business-unit lead.
    expect(page.get_by_role("link", name="Spend cube")).to_have_count(0)
    expect(page.get_by_role("link", name="Imports")).to_have_count(0)
    save_screenshot(page, "home-unitlead")


def test_administrator_sees_people_by_role_and_reference_data(company, page, log_in):
    add_spend(company, 50)
    log_in("admin")
    section = page.locator("#administration")
    expect(section.get_by_role("row", name="Category manager")).to_contain_text("2")
    expect(section.get_by_role("link", name="Categories")).to_be_visible()
    save_screenshot(page, "home-admin")


def test_supplier_search_narrows_the_table_in_place(company, page, log_in):
    add_spend(company, 60)
    log_in("manager")
    page.get_by_role("link", name="Suppliers").click()
    expect(page.locator("#supplier-table tbody tr")).to_have_count(3)
    page.evaluate("window.beforeSearch = true")
    page.get_by_label("Search").fill("softcat")
    expect(page.locator("#supplier-table tbody tr")).to_have_count(1)
    expect(page.locator("#supplier-table")).to_contain_text("Softcat plc")
    # htmx swapped the table: the page was not reloaded, and the address can be shared.
    assert page.evaluate("window.beforeSearch") is True
    assert "q=softcat" in page.url
