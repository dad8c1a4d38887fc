"""A category manager works through the unclassified spend: accepts the classifier's
suggestions, and classifies a supplier through the search-as-you-type category picker."""

from playwright.sync_api import expect

from spend import suggestions
from spend.models import SpendLine
from tests.browser.conftest import save_screenshot
from tests.spend.learning_builders import add_ledger, add_lines


def test_manager_accepts_a_suggestion_and_classifies_with_the_picker(company, page, log_in):
    new = add_ledger(company)
    stray = company.suppliers[0]
    add_lines(company, stray, "Rack cabinet 42U", 2, amount="1200")
    suggestions.classifier_retrain()
    log_in("manager")
    page.goto("/categories/imports/unclassified/")
    queue = page.locator("#suggestions table")
    expect(queue).to_contain_text("Currys Business")
    expect(queue).to_contain_text("laptop")
    save_screenshot(page, "classification-queue")

    page.get_by_label("Accept IT.HW for Currys Business").check()
    page.get_by_role("button", name="Accept the ticked suggestions").click()
    expect(page.locator("body")).to_contain_text("1 suggestion(s) accepted: 3 lines classified")
    assert set(
        SpendLine.objects.filter(supplier=new["Currys Business"]).values_list("category", flat=True)
    ) == {company.hardware.pk}

    page.evaluate("window.sameDocument = true")
    picker = page.locator("#classify-category")
    picker.get_by_label("Category").press_sequentially("soft", delay=40)
    option = picker.get_by_role("button", name="IT.SW Software")
    expect(option).to_be_visible()
    # The other manager's categories are not offered.
    expect(picker.locator(".picker-list")).not_to_contain_text("FM.CLEAN")
    # A full-page screenshot here would leave Chromium's scroll to settle on the next click.
    option.click()
    expect(page.locator("#classify-category-input")).to_have_value("IT.SW")
    expect(page.locator("#classify-category")).to_contain_text("Chosen: IT.SW Software")
    assert page.evaluate("window.sameDocument") is True  # htmx swapped the picker in place
    save_screenshot(page, "classification-picker")

    page.get_by_label(stray.name, exact=True).check()
    page.get_by_role("button", name="Classify the ticked suppliers").click()
    expect(page.locator("body")).to_contain_text("classified as IT.SW")
    assert set(
        SpendLine.objects.filter(supplier=stray, description="Rack cabinet 42U").values_list(
            "category", flat=True
        )
    ) == {company.software.pk}


def test_manager_adds_a_keyword_rule_choosing_its_category_in_the_picker(company, page, log_in):
    log_in("manager")
    page.goto("/categories/imports/rules/")
    page.get_by_label("Kind").select_option(label="Keyword in the description")
    page.get_by_label("GL account or keyword").fill("docking station")
    picker = page.locator("#rule-category")
    picker.get_by_label("Category").press_sequentially("hardw", delay=40)
    picker.get_by_role("button", name="IT.HW Hardware").click()
    expect(picker).to_contain_text("Chosen: IT.HW Hardware")
    page.get_by_role("button", name="Save rule").click()
    expect(page.locator("table.data").first).to_contain_text("“docking station”")
    expect(page.locator("table.data").first).to_contain_text("IT.HW Hardware")
    save_screenshot(page, "classification-rules")
