"""A category manager imports an accounts-payable file: upload, confirm the proposed mapping,
watch the progress bar while the background worker runs, land on the result and go on to the
spend cube."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from spend.models import ImportJob, SpendLine
from tests.browser.conftest import save_screenshot

HEADER = "Invoice Date,Vendor Name,Net Amount,Cost Centre,GL Account,Description,Invoice Number"


@pytest.fixture
def spend_file(tmp_path, settings):
    settings.IMPORTS_DIR = tmp_path / "imports"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    rows = [
        f"2026-0{1 + i % 9}-15,{name},{100 + i}.50,{unit},6100,Laptops,INV-{i}"
        for i, (name, unit) in enumerate(
            [
                ("Dell Technologies Ltd", "MFG"),
                ("Softcat plc", "Finance"),
                ("New Vendor Ltd", "MFG"),
            ]
            * 40
        )
    ]
    path = tmp_path / "ap-export.csv"
    path.write_text("\n".join([HEADER, *rows, ",Total,,,,,"]) + "\n", encoding="utf-8")
    return path


def test_upload_map_watch_progress_and_land_on_the_result(company, page, log_in, spend_file):
    log_in("manager")
    page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", name="Spend imports")).to_be_visible()
    page.get_by_label("File to import").set_input_files(str(spend_file))
    page.get_by_role("button", name="Upload and map columns").click()

    expect(page.get_by_role("heading", name="Which column holds what?")).to_be_visible()
    expect(page.get_by_label("Supplier *")).to_have_value("Vendor Name")
    expect(page.get_by_label("Business unit *")).to_have_value("Cost Centre")
    expect(page.get_by_label("Currency of every line")).to_have_value("GBP")
    page.get_by_label("Save this mapping as").fill("AP export")
    save_screenshot(page, "import-mapping")
    page.get_by_role("button", name="Confirm mapping and import").click()

    progress = page.locator("#import-progress")
    expect(progress.get_by_role("progressbar")).to_be_visible()
    expect(progress).to_contain_text("goes on if you close this page")
    save_screenshot(page, "import-progress")
    job_url = page.url

    # The worker `make run` starts beside the server picks the job up; the page, polling
    # through htmx, turns into the result by itself.
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    expect(page.get_by_text("120 lines stored")).to_be_visible(timeout=15_000)
    assert page.url == job_url
    expect(page.locator("#import-result")).to_contain_text("1 total row(s) skipped")
    save_screenshot(page, "import-result")
    assert SpendLine.objects.count() == 120
    assert ImportJob.objects.get().status == ImportJob.STORED

    page.get_by_role("link", name="Classify unclassified spend").click()
    expect(page.get_by_role("heading", name="Unclassified spend")).to_be_visible()
    page.get_by_label("New Vendor Ltd").check()
    page.get_by_label("Category").fill("IT.HW")
    page.get_by_role("button", name="Classify the ticked suppliers").click()
    expect(page.get_by_text("40 lines of 1 supplier(s) classified")).to_be_visible()
    save_screenshot(page, "import-unclassified")

    page.goto(job_url)
    page.get_by_role("link", name="Explore the spend cube").click()
    expect(page).to_have_url(re.compile(r"/categories/cube/"))
