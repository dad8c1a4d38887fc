"""The page layout for keyboards, screen readers and small screens: the skip link, the folding
menu, and a form's error summary, looked at on a phone (320 px) and on a laptop (1366 px).

Screenshots of each land in var/screenshots/ (a11y-*.png) for a person to look at.
"""

import re

from playwright.sync_api import expect

from tests.browser.conftest import save_screenshot
from tests.factories import add_spend
from tests.plans.plan_builders import make_plan

PHONE = {"width": 320, "height": 720}
LAPTOP = {"width": 1366, "height": 900}


def test_skip_link_is_the_first_stop_and_leads_to_the_main_content(company, page, log_in):
    log_in("manager")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # Our own focus ring, not the browser's default.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert outline == "rgb(255, 191, 71)"


def test_menu_folds_behind_a_button_on_a_phone_and_lies_open_on_a_laptop(company, page, log_in):
    add_spend(company, 40)
    log_in("cpo")
    cube = page.get_by_role("navigation", name="Main").get_by_role("link", name="Portfolio")
    expect(cube).to_be_visible()
    expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
    save_screenshot(page, "a11y-home-cpo-1366")

    page.set_viewport_size(PHONE)
    expect(cube).to_be_hidden()
    expect(page.get_by_role("button", name="Log out")).to_be_hidden()
    save_screenshot(page, "a11y-home-cpo-320")
    page.get_by_text("Menu", exact=True).click()
    expect(cube).to_be_visible()
    logout = page.get_by_role("button", name="Log out")
    expect(logout).to_be_in_viewport()
    assert logout.bounding_box()["x"] + logout.bounding_box()["width"] <= PHONE["width"]
    save_screenshot(page, "a11y-home-cpo-320-menu-open")
    cube.click()
    expect(page).to_have_url(re.compile(r"/portfolio/$"))


def test_a_form_sent_back_opens_on_a_summary_linked_to_each_field(company, page, log_in):
    log_in("manager")
    for size, name in [(LAPTOP, "1366"), (PHONE, "320")]:
        page.set_viewport_size(size)
        page.goto("/categories/plans/new/")
        # The browser's own checks would stop an empty form before the server sees it.
        page.locator("form.form-card").evaluate("form => { form.noValidate = true; }")
        page.get_by_role("button", name="Start the plan").click()
        summary = page.get_by_role("alert").filter(has_text="There is a problem")
        expect(summary).to_be_focused()
        save_screenshot(page, f"a11y-form-errors-{name}")
    first = summary.get_by_role("link").first
    target = first.get_attribute("href")
    field = page.locator(target)
    expect(field).to_have_attribute("aria-invalid", "true")
    # The field names its error message, and that message exists.
    described_by = field.get_attribute("aria-describedby").split()
    error_id = next(i for i in described_by if i.endswith("_error"))
    expect(page.locator(f"#{error_id}")).to_have_class(re.compile("field-errors"))
    first.click()
    expect(field).to_be_focused()


def test_the_plan_and_the_cube_at_phone_and_laptop_widths(company, page, log_in):
    add_spend(company, 60)
    plan = make_plan(company)
    log_in("manager")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"/categories/plans/{plan.pk}/")
    # The whole ranking, Score and Units included, is on a 1024 px screen without scrolling.
    table = page.locator("#initiative-table")
    for column in ("Score", "Units"):
        header = table.get_by_role("columnheader", name=re.compile(column))
        header.scroll_into_view_if_needed()
        box = header.bounding_box()
        assert box["x"] + box["width"] <= 1024
    for size, name in [(LAPTOP, "1366"), (PHONE, "320")]:
        page.set_viewport_size(size)
        page.goto(f"/categories/plans/{plan.pk}/")
        save_screenshot(page, f"a11y-plan-{name}")
        page.goto("/categories/cube/")
        save_screenshot(page, f"a11y-cube-{name}")
    page.goto(f"/categories/plans/{plan.pk}/")
    region = page.get_by_role("region", name="Initiatives ranked by score")
    expect(region).to_have_attribute("tabindex", "0")
    expect(page.get_by_text("Scroll sideways to see every column")).to_be_visible()
