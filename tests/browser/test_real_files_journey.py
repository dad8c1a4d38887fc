"""Other public bodies' real payment files, each imported as a newcomer would: upload it, accept
the proposed mapping, let the worker store it, check the figures against the file, then undo
it and find the workbench as it was before (issue 14).

Every expectation comes from the file itself (read here with the csv module) or from the
README beside the files (rows and totals); the importer is never told which file it reads."""

import csv
import datetime
import io
import re
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from playwright.sync_api import expect

from spend.models import ColumnMapping, ImportJob, SpendLine
from stakeholders.models import BusinessUnit
from suppliers.models import Contract, Supplier, SupplierAlias, SupplierMatchSuggestion
from suppliers.names import is_redacted, normalise
from tests.browser.conftest import save_screenshot

REAL_SPEND = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-spend"
# The README's rows and totals, and the columns a person reading each file would choose.
FILES = [
    ("bradford-2018-01.csv", 8538, "40044502.52", "Net Amount", "Supplier Name", "Service Label"),
    ("bradford-2018-02.csv", 8791, "42103802.10", "Net Amount", "Supplier Name", "Service Label"),
    ("bradford-2018-03.csv", 9042, "57915934.36", "Net Amount", "Supplier Name", "Service Label"),
    (
        "calderdale-2022-08.csv",
        1956,
        "15901508.75",
        "Net Amount",
        "Supplier(Beneficiary) Name",
        "Expense Area",
    ),
    ("gateshead-2022-08.csv", 8053, "30466722.83", "Amount", "Supplier ID(T)", "Nstrg(T)"),
    (
        "darlington-2022-09.csv",
        1487,
        "11281654.47",
        "Invoice Line Value (net of VAT)",
        "Supplier",
        "Directotate",
    ),
    ("harrogate-2022-08.csv", 1873, "5385270.74", "Net Amount", "Supplier Name", "Service Label"),
    (
        "newcastle-2022-08.csv",
        6568,
        "48013024.97",
        "Total (excludes VAT)",
        "Supplier Name",
        "Directorate",
    ),
    (
        "northtyneside-2022-07.csv",
        16082,
        "355299.83",
        "Net Amount",
        "Supplier (Beneficiary) Name",
        "Directorate / Service Where Expenditure Incurred",
    ),
]
# What a spreadsheet writes where a lookup failed: no unit (such lines go to "Unassigned").
NO_UNIT = {"", "#N/A"}
pytestmark = pytest.mark.skipif(
    not REAL_SPEND.is_dir(), reason="the shared real-spend files are not beside the repo"
)


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    reader = csv.reader(io.StringIO(text, newline=""))
    headers = [header.strip() for header in next(reader)]
    rows = [dict(zip(headers, (cell.strip() for cell in row), strict=False)) for row in reader]
    return headers, [row for row in rows if any(row.values())]


def expected_from_file(path: Path, amount: str, supplier: str, unit: str) -> dict:
    """The figures a person would work out from the file with a spreadsheet."""
    _, rows = read_rows(path)
    names = {" ".join(row[supplier].split()) for row in rows}
    units = {
        "unassigned" if row[unit] in NO_UNIT else " ".join(row[unit].lower().split())
        for row in rows
    }
    return {
        "rows": len(rows),
        "total": sum(Decimal(row[amount]) for row in rows),
        "suppliers": {normalise(name) for name in names if not is_redacted(name)},
        "redacted": any(is_redacted(name) for name in names),
        "units": len(units),
    }


def workbench_state() -> dict:
    """Everything an import may add and an undo must take away again."""
    return {
        "suppliers": Counter(Supplier.objects.values_list("pk", "name", "redacted_payee")),
        "units": set(BusinessUnit.objects.values_list("pk", "code", "name")),
        "aliases": set(SupplierAlias.objects.values_list("pk", "normalised_name", "supplier")),
        "suggestions": SupplierMatchSuggestion.objects.count(),
        "lines": SpendLine.objects.count(),
    }


@pytest.fixture
def database_queue(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.parametrize(("file_name", "rows", "total", "amount", "supplier", "unit"), FILES)
def test_a_real_file_imports_as_proposed_adds_up_and_undoes_cleanly(
    company, page, log_in, database_queue, file_name, rows, total, amount, supplier, unit
):
    path = REAL_SPEND / file_name
    expected = expected_from_file(path, amount, supplier, unit)
    assert expected["rows"] == rows and expected["total"] == Decimal(total)  # the README agrees
    before = workbench_state()

    log_in("manager")
    page.get_by_role("link", name="Imports").click()
    started = time.perf_counter()
    page.get_by_label("File to import").set_input_files(str(path))
    page.get_by_role("button", name="Upload and map columns").click()
    expect(page.get_by_role("heading", name="Which column holds what?")).to_be_visible()

    # The proposal, accepted as it stands: no correction for any of these files.
    expect(page.get_by_label("Amount *")).to_have_value(amount)
    expect(page.get_by_label("Supplier *")).to_have_value(supplier)
    expect(page.get_by_label("Business unit *")).to_have_value(unit)
    expect(page.get_by_label("Date *")).not_to_have_value("")
    # A new body's units are its own: the proposal says it will create them.
    expect(page.get_by_label("Create missing business units")).to_be_checked()
    save_screenshot(page, f"real-file-mapping-{path.stem}")
    page.get_by_role("button", name="Confirm mapping and import").click()
    expect(page.locator("#import-progress")).to_be_visible()

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    expect(page.locator("#import-result .lead")).to_have_text(
        f"{rows:,} lines stored", timeout=20_000
    )
    seconds = time.perf_counter() - started
    save_screenshot(page, f"real-file-{path.stem}")

    job = ImportJob.objects.select_related("mapping").get()
    assert job.status == ImportJob.STORED, job.message
    lines = SpendLine.objects.filter(import_batch=job.batch_id)
    figures = lines.aggregate(
        count=Count("pk"), total=Sum("original_amount"), units=Count("business_unit", distinct=True)
    )
    assert figures["count"] == rows
    # SQLite sums decimals as floats: to the penny there, exact on PostgreSQL.
    assert Decimal(figures["total"]).quantize(Decimal("0.01")) == expected["total"]
    assert figures["units"] == expected["units"]
    stored_suppliers = set(
        lines.filter(supplier__redacted_payee=False)
        .values_list("supplier__normalised_name", flat=True)
        .distinct()
    )
    # Every distinct name of the file (redacted payees apart) is one supplier, but for the
    # spellings matched with certainty (spacing, punctuation, a name cut short by the export):
    # a match that is not certain moves no line onto another organisation.
    certain = job.summary["suppliers"]["fuzzy"]
    assert len(stored_suppliers) == len(expected["suppliers"]) - certain
    assert lines.filter(supplier__redacted_payee=True).exists() == expected["redacted"]
    print(
        f"\n{file_name}: mapping {ColumnMapping.objects.get().columns} "
        f"date {job.mapping.date_format}; {rows} rows; total {expected['total']}; "
        f"{seconds:.1f} s upload to done; suppliers {job.summary['suppliers']}"
    )

    page.get_by_role("link", name="Undo this import").click()
    expect(page.get_by_role("heading", name=f"Undo import #{job.pk}?")).to_be_visible()
    page.get_by_role("button", name="Undo the import").click()
    expect(page.locator("#import-status")).to_have_text("Undone")
    assert workbench_state() == before


REGISTER = REAL_SPEND / "salford-contracts-2022-07.csv"
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def real_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def storable(row: dict) -> bool:
    """Whether a person would expect a register row to become a contract: a title, a
    supplier, a total value, a start, and an end (its current expiry, else its end date),
    written as values, real calendar dates, and not ending before it starts."""
    ends = row["Current Expiry Date"] or row["End Date"]
    if not (row["Contract Title"] and row["Supplier Company Name"]):
        return False
    if not NUMBER.match(row["Total Contract Value (including extensions)"]):
        return False
    if not (real_date(row["Start Date"]) and real_date(ends)):
        return False
    if row["End Date"] and row["Current Expiry Date"] and not real_date(row["End Date"]):
        return False  # a wrong end date is wrong even beside a current expiry date
    return ends >= row["Start Date"]


@pytest.mark.skipif(not REGISTER.exists(), reason="the shared register is not beside the repo")
def test_the_contracts_register_stores_its_valid_contracts_and_undoes_cleanly(
    company, page, log_in, database_queue
):
    _, rows = read_rows(REGISTER)
    good = [row for row in rows if storable(row)]
    before = workbench_state() | {"contracts": Contract.objects.count()}

    log_in("manager")
    page.get_by_role("link", name="Imports").click()
    started = time.perf_counter()
    page.get_by_label("File to import").set_input_files(str(REGISTER))
    page.get_by_role("button", name="Upload and map columns").click()
    # Told from its columns, and proposed as a person would map it: no correction.
    expect(page.get_by_label("Title *")).to_have_value("Contract Title")
    expect(page.get_by_label("Supplier *")).to_have_value("Supplier Company Name")
    expect(page.get_by_label("Total value *")).to_have_value(
        "Total Contract Value (including extensions)"
    )
    expect(page.get_by_label("Start date *")).to_have_value("Start Date")
    expect(page.get_by_label("Current expiry date")).to_have_value("Current Expiry Date")
    page.get_by_role("button", name="Confirm mapping and import").click()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    # Some rows have no dates or values ("TBC", "-"): refused as a whole first, as any file.
    expect(page.locator("#import-status")).to_have_text("Refused", timeout=20_000)
    page.get_by_role("button", name="Store the valid rows").click()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    expect(page.locator("#import-result .lead")).to_contain_text(
        f"{len(good):,} contracts stored", timeout=20_000
    )
    seconds = time.perf_counter() - started
    save_screenshot(page, "real-file-salford-contracts")

    job = ImportJob.objects.get()
    contracts = Contract.objects.filter(import_batch=job.batch_id)
    assert contracts.count() == len(good)
    assert contracts.aggregate(total=Sum("value"))["total"] == sum(
        Decimal(row["Total Contract Value (including extensions)"]) for row in good
    )
    names = {normalise(row["Supplier Company Name"]) for row in good}
    certain = job.summary["suppliers"]["fuzzy"]
    assert contracts.values("supplier").distinct().count() == len(names) - certain
    print(
        f"\n{REGISTER.name}: mapping {ColumnMapping.objects.get().columns}; {len(rows)} rows, "
        f"{len(good)} stored; value {job.summary['contracts_value']}; "
        f"{seconds:.1f} s upload to done; suppliers {job.summary['suppliers']}"
    )

    page.get_by_role("link", name="Undo this import").click()
    page.get_by_role("button", name="Undo the import").click()
    expect(page.locator("#import-status")).to_have_text("Undone")
    assert workbench_state() | {"contracts": Contract.objects.count()} == before
