"""A category manager explores spend in the cube: filters, drills down to the lines, exports."""

import csv
import re

from playwright.sync_api import expect

from spend import cube
from spend.cube import CubeFilter
from tests.browser.conftest import save_screenshot
from tests.factories import add_spend
from workbench.templatetags.workbench_format import money


def _spend(**filters) -> str:
    period = cube.latest_period()
    return money(cube.totals(CubeFilter(period.start, period.end, **filters))["spend"], "GBP")


def test_manager_filters_the_cube_drills_down_and_exports(company, page, log_in, tmp_path):
    add_spend(company, 600)
    log_in("manager")
    page.get_by_role("link", name="Spend cube").click()
    expect(page.locator("#kpi-spend")).to_have_text(_spend())
    expect(page.locator("#cube-page .js-plotly-plot").first).to_be_visible()
    save_screenshot(page, "cube-all")

    page.evaluate("window.sameDocument = true")
    page.get_by_label("Category").select_option(label="IT & telecoms")
    expect(page).to_have_url(re.compile(r"category=IT(&|$)"))
    expect(page.locator("#kpi-spend")).to_have_text(_spend(category=company.it))
    page.get_by_label("Business unit").select_option(label="Manufacturing")
    expect(page).to_have_url(re.compile(r"unit=MFG"))
    it_for_manufacturing = _spend(category=company.it, business_unit=company.manufacturing)
    expect(page.locator("#kpi-spend")).to_have_text(it_for_manufacturing)
    expect(page.locator("#cube-description")).to_contain_text("IT & telecoms (and below)")
    expect(page.locator("#cube-categories")).to_contain_text("Hardware")
    expect(page.locator("#cube-categories")).not_to_contain_text("Cleaning")
    # htmx swapped the figures in place: the page was never reloaded.
    assert page.evaluate("window.sameDocument") is True
    save_screenshot(page, "cube-it-manufacturing")

    # The shared address opens the same view.
    page.goto(page.url)
    expect(page.locator("#kpi-spend")).to_have_text(it_for_manufacturing)
    expect(page.get_by_label("Category")).to_have_value("IT")

    page.locator("#kpi-spend").click()
    expect(page.get_by_role("heading", name="Spend lines")).to_be_visible()
    expect(page.locator("#lines-description")).to_contain_text(it_for_manufacturing)
    expect(page.locator("#lines-table tbody tr")).to_have_count(50)
    save_screenshot(page, "cube-lines")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    path = tmp_path / "lines.csv"
    download.value.save_as(path)
    with path.open(encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    period = cube.latest_period()
    expected = cube.totals(
        CubeFilter(
            period.start, period.end, category=company.it, business_unit=company.manufacturing
        )
    )
    assert len(rows) == expected["lines"]
    assert {row["Unit code"] for row in rows} == {"MFG"}
    assert {row["Unit"] for row in rows} == {"Manufacturing"}
    assert {row["Category code"] for row in rows} <= {"IT.HW", "IT.SW"}


def test_manager_sees_the_kraljic_matrix_and_repositions_a_category(company, page, log_in):
    add_spend(company, 300)
    log_in("manager")
    page.get_by_role("link", name="Kraljic").click()
    expect(page.locator("#kraljic-chart .js-plotly-plot")).to_be_visible()
    save_screenshot(page, "kraljic-matrix")
    page.locator("#kraljic-table").get_by_role("row", name=re.compile("Hardware")).get_by_role(
        "link", name="Change"
    ).click()
    page.get_by_label("Profit impact").select_option("4")
    page.get_by_label("Supply risk").select_option("1")
    page.get_by_label("Reason").fill("Three more makers qualified in May.")
    page.get_by_role("button", name="Save position").click()
    expect(page.locator(".message")).to_contain_text("Hardware is now positioned as leverage")
    row = page.locator("#kraljic-table").get_by_role("row", name=re.compile("Hardware"))
    expect(row).to_contain_text("Leverage")
    expect(row).to_contain_text("set by Manager")
