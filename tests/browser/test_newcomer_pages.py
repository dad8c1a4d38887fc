"""What a newcomer met on the pages (issue 14, item 15, and item 12's supplier picker), looked at
in Chromium: the cube's supplier search, Kraljic labels clear of each other and of the quadrant
names, wide tables inside their cards at 1,400 px, the review queue of supplier matches, and no
404 for a favicon."""

import datetime
import re
from decimal import Decimal

from playwright.sync_api import expect

from categories.models import Category
from spend.importing.storing import save_upload
from spend.models import ImportBatch, SpendLine
from spend.summary import refresh_spend_summary
from suppliers.models import Supplier
from suppliers.names import normalise
from suppliers.suggestions import import_suppliers_resolve
from tests.browser.conftest import save_screenshot
from tests.factories import add_spend
from tests.plans.plan_builders import make_plan

OVERLAPS = """
(selectors) => {
  const boxes = [];
  for (const [kind, selector] of selectors) {
    for (const element of document.querySelectorAll(selector)) {
      if (!element.textContent.trim()) continue;
      const r = element.getBoundingClientRect();
      if (r.width && r.height) boxes.push({kind, text: element.textContent, r});
    }
  }
  const clash = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i].r, b = boxes[j].r;
    const apart = a.right - 1 <= b.left || b.right - 1 <= a.left
      || a.bottom - 1 <= b.top || b.bottom - 1 <= a.top;
    if (!apart) clash.push(boxes[i].text + " / " + boxes[j].text);
  }
  return {count: boxes.length, clash};
}
"""

OVERFLOWING_CARDS = """
() => [...document.querySelectorAll('.card')]
  .filter(card => card.scrollWidth > card.clientWidth + 1
    || [...card.querySelectorAll('table')].some(table =>
         table.closest('.table-scroll') === null
         && table.getBoundingClientRect().right > card.getBoundingClientRect().right + 1))
  .map(card => (card.querySelector('h2, h3, table') || card).textContent.slice(0, 60))
"""


def test_manager_finds_a_supplier_in_the_cube_by_typing(company, page, log_in):
    add_spend(company, 300)
    Supplier.objects.bulk_create(Supplier(name=f"Softline Services {n:03}") for n in range(200))
    log_in("manager")
    page.goto("/categories/cube/")
    expect(page.locator("#cube-supplier")).to_be_visible()
    assert page.locator("#cube-supplier option").count() == 0  # no list of every supplier
    page.locator("#cube-supplier").press_sequentially("softc", delay=40)
    option = page.locator("#cube-supplier-matches .picker-option")
    expect(option).to_have_count(1)
    save_screenshot(page, "cube-supplier-picker")
    option.click()
    expect(page).to_have_url(re.compile(rf"supplier={company.suppliers[1].pk}"))
    expect(page.locator("#cube-description")).to_contain_text(company.suppliers[1].name)
    expect(page.locator("#cube-supplier")).to_have_value(company.suppliers[1].name)
    # Clearing the box and applying shows every supplier again.
    page.locator("#cube-supplier").fill("")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#cube-description")).not_to_contain_text(company.suppliers[1].name)


def test_kraljic_labels_cover_neither_each_other_nor_the_quadrant_names(company, page, log_in):
    add_spend(company, 300)
    names = [
        "Laptops and desktops", "Printers", "Mobile phones", "Cloud hosting", "Networks",
        "Service desk", "Cyber security", "Software licences", "Data centres", "Telecoms",
    ]  # fmt: skip
    lines = []
    for index, name in enumerate(names):
        category = Category.objects.create(code=f"IT.X{index}", name=name, parent=company.it)
        for day in range(3):
            lines.append(
                SpendLine(
                    date=datetime.date(2026, 10, 1 + day),
                    amount=Decimal(500 + 250 * index),
                    original_amount=Decimal(500 + 250 * index),
                    currency="GBP",
                    supplier=company.suppliers[index % 3],
                    category=category,
                    business_unit=company.manufacturing,
                )
            )
    SpendLine.objects.bulk_create(lines)
    refresh_spend_summary()
    log_in("manager")
    page.goto("/categories/kraljic/?level=2")
    expect(page.locator("#kraljic-chart .js-plotly-plot")).to_be_visible()
    page.wait_for_timeout(300)
    save_screenshot(page, "kraljic-labels")
    found = page.evaluate(
        OVERLAPS,
        [["label", "#kraljic-chart .textpoint text"], ["title", "#kraljic-chart .annotation"]],
    )
    assert found["count"] >= 10 and found["clash"] == []


def test_wide_tables_stay_inside_their_cards_at_1400_pixels(
    company, page, log_in, settings, tmp_path
):
    settings.IMPORTS_DIR = tmp_path / "imports"
    make_plan(company)
    headers = [f"Column with a long header {n}" for n in range(16)]
    row = [f"a long value in the file's row and cell {n}" for n in range(16)]
    data = ("\n".join([",".join(headers), ",".join(row), ",".join(row)]) + "\n").encode()
    job = save_upload(data, "wide.csv", company.administrator)
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in("admin")
    for url, name in (("/categories/plans/", "plans"), (job.get_absolute_url(), "mapping")):
        page.goto(url)
        save_screenshot(page, f"overflow-{name}-1400")
        assert page.evaluate(OVERFLOWING_CARDS) == [], name


def test_the_match_review_queue_shows_what_waits_and_why(company, page, log_in):
    Supplier.objects.create(name="University of Bradford")
    batch = ImportBatch.objects.create(source="bradford-2018-01.csv", content_hash="b" * 64)
    names = {normalise(name): name for name in ("BRADFORD UNIVERSITY", "Acme Facilities North")}
    Supplier.objects.create(name="Acme Facilities North East Ltd")
    import_suppliers_resolve(names=names, batch=batch, source="Bradford payments")
    log_in("manager")
    page.goto("/suppliers/match-suggestions/")
    rows = page.locator("table.data tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("words")
    save_screenshot(page, "match-suggestions")
    page.get_by_role("row", name=re.compile("BRADFORD UNIVERSITY")).get_by_role(
        "button", name="Same supplier"
    ).click()
    expect(page.locator(".messages")).to_contain_text("merged into")
    expect(page.locator("table.data tbody tr")).to_have_count(1)


def test_no_page_asks_for_a_favicon_that_is_not_there(company, page, log_in):
    missing = []
    page.on(
        "response",
        lambda response: missing.append(response.url) if response.status == 404 else None,
    )
    log_in("manager")
    page.goto("/")
    page.wait_for_load_state("networkidle")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(icon).status == 200
    assert missing == []
