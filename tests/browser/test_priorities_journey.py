"""A business-unit lead weighs the drivers for a category by pairwise comparison, is told the
answers contradict each other and which one to look at, corrects it, and then answers the open
satisfaction round."""

import re

from playwright.sync_api import expect

from stakeholders.models import Priority, SurveyResponse
from tests.browser.conftest import save_screenshot
from tests.factories import add_spend, add_survey_round

# Cost, Quality, Delivery & speed, Innovation: each pair with the judgement given. Cost beats
# everything but then "Innovation 9x more important than Cost" contradicts the rest.
CONTRADICTORY = [
    ("Cost or Quality", "Cost 3× moderately more important"),
    ("Cost or Delivery & speed", "Cost 9× extremely more important"),
    ("Cost or Innovation", "Innovation 9× extremely more important"),
    ("Quality or Delivery & speed", "Quality 3× moderately more important"),
    ("Quality or Innovation", "Quality 9× extremely more important"),
    ("Delivery & speed or Innovation", "Delivery & speed 3× moderately more important"),
]


def test_unit_lead_corrects_an_inconsistent_comparison_and_submits_the_round(company, page, log_in):
    add_spend(company, 60)
    survey_round = add_survey_round(company)
    log_in("unitlead")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Priorities").click()
    page.get_by_role("row", name=re.compile("IT & telecoms")).get_by_role(
        "link", name="Give priorities"
    ).click()
    page.get_by_role("link", name="Compare drivers in pairs").click()

    consistency = page.locator("#consistency")
    for pair, judgement in CONTRADICTORY:
        page.get_by_label(pair).select_option(label=judgement)
    expect(consistency).to_contain_text("These answers are inconsistent")
    expect(consistency).to_contain_text("Cost or Innovation")
    expect(consistency).to_contain_text("suggest “Cost 9× extremely more important”")
    save_screenshot(page, "priorities-inconsistent")

    page.get_by_label("Cost or Innovation").select_option(label="Cost 9× extremely more important")
    expect(consistency).to_contain_text("Consistent")
    save_screenshot(page, "priorities-consistent")
    page.get_by_role("button", name="Save priorities").click()

    expect(page.get_by_text("Priorities for IT & telecoms saved.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("IT & telecoms"))
    expect(row).to_contain_text("Pairwise comparisons")
    priority = Priority.objects.get()
    assert priority.consistency_ratio < 0.10

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Surveys").click()
    page.get_by_role("link", name=survey_round.name).click()
    page.get_by_role("row", name=re.compile("IT & telecoms")).get_by_role(
        "link", name="Answer"
    ).click()
    for driver, importance, satisfaction in [
        ("Cost", "5", "3"),
        ("Quality", "4", "4"),
        ("Delivery & speed", "3", "2"),
        ("Innovation", "2", "4"),
    ]:
        page.get_by_label(f"{driver} importance").select_option(importance)
        page.get_by_label(f"{driver} satisfaction").select_option(satisfaction)
    page.get_by_label(re.compile("How likely are you to recommend")).select_option("8")
    page.get_by_label("Comment").fill("Quotes are quick; deliveries of laptops still slip.")
    save_screenshot(page, "survey-answer")
    page.get_by_role("button", name="Submit answer").click()

    expect(page.get_by_text("Your answer on IT & telecoms is submitted.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("IT & telecoms"))).to_contain_text("submitted")
    save_screenshot(page, "survey-todo")
    answer = SurveyResponse.objects.get(category=company.it)
    assert answer.submitted_at is not None
    assert answer.recommend == 8
    assert answer.ratings.get(driver__name="Delivery & speed").satisfaction == 2
