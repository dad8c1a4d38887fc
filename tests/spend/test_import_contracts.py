"""A contracts register loads through the same upload, mapping, row errors and undo as spend
lines, into the contracts the supplier pages and initiatives use (issue 14, item 14)."""

import csv
import io
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from spend.importing.contracts import (
    ContractMapping,
    check_contract,
    looks_like_contracts,
    propose_contract_mapping,
)
from spend.importing.reading import read_table
from spend.importing.storing import run_job, save_upload, undo_batch
from spend.models import ColumnMapping, ImportJob
from suppliers.models import Contract, Supplier
from tests.spend.import_support import imports_in_tmp

__all__ = ["imports_in_tmp"]
pytestmark = pytest.mark.django_db
REGISTER = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "real-spend"
    / "salford-contracts-2022-07.csv"
)
HEADER = (
    "Contract Reference,Contract Title,Supplier Company Name,Annual Value,"
    "Total Contract Value,Start Date,End Date,Current Expiry Date,Option to extend (months),"
    "ProClass Description"
)
ROWS = [
    "C-1,Laptops,Dell Technologies Ltd,1000.00,3000.00,2024-01-01,2026-12-31,2027-12-31,12,IT.HW",
    "C-2,Cleaning,New Cleaners Ltd,-,500.00,01/02/2024,31/01/2025,,N/A,Facilities",
]


def register(*rows, header=HEADER):
    return ("\n".join([header, *rows]) + "\n").encode()


def import_register(data, name="register.csv", store_valid_rows=False, **mapping):
    job = save_upload(data, name, None)
    headers = read_table(data, name).headers
    proposal = propose_contract_mapping(
        headers, [r.split(",") for r in data.decode().split("\n")[1:]]
    )
    job.mapping = ColumnMapping.objects.create(
        name=Path(name).stem,
        kind="contracts",
        columns=mapping.get("columns", proposal.columns),
        date_format=mapping.get("date_format", proposal.date_format),
    )
    job.store_valid_rows = store_valid_rows
    job.status = ImportJob.QUEUED
    job.save()
    return run_job(job.pk)


def test_a_register_is_told_from_spend_lines_by_its_columns():
    assert looks_like_contracts(HEADER.split(","))
    assert not looks_like_contracts(["Invoice Date", "Vendor Name", "Net Amount", "Cost Centre"])


def test_the_registers_columns_are_proposed():
    columns = propose_contract_mapping(HEADER.split(","), [r.split(",") for r in ROWS]).columns
    assert columns == {
        "reference": "Contract Reference",
        "title": "Contract Title",
        "supplier": "Supplier Company Name",
        "annual_value": "Annual Value",
        "value": "Total Contract Value",
        "start": "Start Date",
        "end": "End Date",
        "expiry": "Current Expiry Date",
        "extension_months": "Option to extend (months)",
        "category": "ProClass Description",
    }


def test_a_value_not_known_is_empty_where_optional_and_an_error_where_required():
    mapping = ContractMapping(
        columns={"title": "T", "supplier": "S", "value": "V", "start": "A", "end": "B"},
        date_format="iso",
    )
    indexes = {"title": 0, "supplier": 1, "value": 2, "start": 3, "end": 4}
    contract, errors = check_contract(
        2, ["Roads", "Acme", "TBC", "2024-01-01", "2023-01-01"], indexes, mapping, {}
    )
    assert contract is None
    assert [error.problem for error in errors] == [
        "the total value is not known",
        "the contract ends (01 Jan 2023) before it starts (01 Jan 2024)",
    ]


def test_a_register_loads_into_the_suppliers_contracts_and_undo_takes_it_away(company):
    suppliers_before = set(Supplier.objects.values_list("pk", flat=True))
    job = import_register(register(*ROWS), date_format="day_first")
    assert job.status == ImportJob.STORED, (job.message, job.errors)
    laptops = Contract.objects.get(reference="C-1")
    assert laptops.supplier == company.suppliers[0]  # the same careful matching as spend
    assert (laptops.value, laptops.annual_value) == (Decimal("3000.00"), Decimal("1000.00"))
    assert laptops.end.isoformat() == "2027-12-31"  # the current expiry, extension taken
    assert laptops.extension_months == 12
    assert list(laptops.categories.values_list("code", flat=True)) == ["IT.HW"]
    cleaning = Contract.objects.get(reference="C-2")
    assert cleaning.annual_value is None and cleaning.extension_months is None
    assert cleaning.start.isoformat() == "2024-02-01"
    assert job.summary["contracts_value"] == "3500.00"

    undo_batch(job)
    assert not Contract.objects.exists()
    assert set(Supplier.objects.values_list("pk", flat=True)) == suppliers_before


@pytest.mark.skipif(not REGISTER.exists(), reason="the shared register is not beside the repo")
def test_salfords_register_stores_its_valid_contracts_and_lists_the_others(company):
    data = REGISTER.read_bytes()
    job = save_upload(data, REGISTER.name, None)
    assert job.kind == "contracts"  # told from its columns
    assert job.headers[0] == "Directorate Name"  # the mangled byte-order mark is gone
    table = read_table(data, REGISTER.name)
    rows = [cells for _, cells in table.rows]
    proposal = propose_contract_mapping(table.headers, rows)
    job.mapping = ColumnMapping.objects.create(
        name="Salford contracts",
        kind="contracts",
        columns=proposal.columns,
        date_format=proposal.date_format,
    )
    job.status = ImportJob.QUEUED
    job.save()
    refused = run_job(job.pk)
    assert refused.status == ImportJob.REJECTED and refused.error_count
    assert not Contract.objects.exists()
    refused.store_valid_rows, refused.status = True, ImportJob.QUEUED
    refused.save()
    job = run_job(job.pk)
    assert job.status == ImportJob.STORED, job.message
    rejected = list(csv.reader(io.StringIO(job.rejected_rows)))[1:]
    assert Contract.objects.count() == len(rows) - len(rejected) == job.lines_stored
    assert all(re.search(r"not known|not a|before it starts", row[-1]) for row in rejected)


def test_the_command_imports_a_register_too(company, tmp_path):
    data = register(*ROWS).replace(b"01/02/2024", b"2024-02-01")
    path = tmp_path / "register.csv"
    path.write_bytes(data.replace(b"31/01/2025", b"2025-01-31"))
    out = StringIO()
    call_command("import_spend", str(path), stdout=out)
    assert "2 contracts stored" in out.getvalue()
    assert Contract.objects.count() == 2
