"""Bradford council's accounts-payable exports for 2018 (real, published open data): they import
as an analyst expects. Units from the service, GL account from the expenditure code, document
reference from the transaction number, GBP; units the workbench does not have are created
because the command is told to, and listed."""

import csv
from collections import defaultdict
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from spend.models import ColumnMapping, ImportJob, SpendLine
from stakeholders.models import BusinessUnit
from tests.spend.import_support import imports_in_tmp

__all__ = ["imports_in_tmp"]
REAL_SPEND = Path(__file__).resolve().parents[3] / "shared" / "data" / "real-spend"
FILES = sorted(REAL_SPEND.glob("bradford-2018-*.csv"))
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not FILES, reason="the shared real-spend files are not beside the repo"),
]


def file_totals(path):
    by_unit, count = defaultdict(Decimal), 0
    # The council's exports are Windows-1252 (curly apostrophes in supplier names).
    with path.open(newline="", encoding="cp1252") as handle:
        for row in csv.DictReader(handle):
            label = " ".join(row["Service Label"].lower().split())
            # A failed lookup in the council's spreadsheet: the line is kept, unassigned.
            by_unit["unassigned" if label in ("#n/a", "") else label] += Decimal(row["Net Amount"])
            count += 1
    return by_unit, count


def import_spend(path, *extra):
    out = StringIO()
    call_command("import_spend", str(path), "--mapping", "Bradford AP", *extra, stdout=out)
    return out.getvalue()


def test_without_creating_units_the_file_is_refused_and_names_the_unit(company):
    with pytest.raises(CommandError, match="nothing was stored"):
        import_spend(FILES[0])
    job = ImportJob.objects.get()
    assert job.errors[0]["column"] == "Service Label"
    assert "no business unit has the code or name" in job.errors[0]["problem"]
    assert not SpendLine.objects.exists()


def test_bradford_files_import_as_an_analyst_expects(company):
    output = import_spend(FILES[0], "--create-missing-units")
    by_unit, count = file_totals(FILES[0])
    assert f"{count:,} lines stored" in output

    mapping = ColumnMapping.objects.get(name="Bradford AP")
    assert mapping.columns == {
        "date": "Payment date",
        "amount": "Net Amount",
        "supplier": "Supplier Name",
        "business_unit": "Service Label",
        "gl_account": "Expenditure code",
        "description": "Expenditure category",
        "document_reference": "Transaction Number",
    }
    assert mapping.default_currency == "GBP"

    stored = {
        # SQLite sums decimals as floats: compare to the penny.
        name.lower(): total.quantize(Decimal("0.01"))
        for name, total in SpendLine.objects.values("business_unit__name")
        .annotate(total=Sum("original_amount"))
        .values_list("business_unit__name", "total")
    }
    assert stored == dict(by_unit)
    job = ImportJob.objects.get(status=ImportJob.STORED)
    assert len(job.summary["units_created"]) == len(by_unit) == BusinessUnit.objects.count() - 2
    # The council's failed lookups: kept, counted, and said where they went.
    with FILES[0].open(newline="", encoding="cp1252") as handle:
        unlabelled = sum(
            row["Service Label"].strip() in ("#N/A", "") for row in csv.DictReader(handle)
        )
    assert unlabelled >= 600
    assert job.summary["unassigned"] == {"lines": unlabelled, "unit": "UNASSIGNED"}

    with FILES[0].open(newline="", encoding="cp1252") as handle:
        first = next(csv.DictReader(handle))
    line = SpendLine.objects.filter(document_reference=first["Transaction Number"]).first()
    assert line.gl_account == first["Expenditure code"]
    assert line.description == first["Expenditure category"]
    assert line.business_unit.name == first["Service Label"]
    assert line.currency == "GBP" and line.amount == line.original_amount


def test_next_months_reuse_the_mapping_and_the_suppliers(company):
    import_spend(FILES[0], "--create-missing-units")
    suppliers_after_january = SpendLine.objects.aggregate(n=Count("supplier", distinct=True))["n"]
    for path in FILES[1:]:
        # Each month's labels differ: each run asks for its new units itself.
        import_spend(path, "--create-missing-units")
    jobs = ImportJob.objects.filter(status=ImportJob.STORED).order_by("pk")
    assert jobs.count() == len(FILES)
    february = jobs[1].summary["suppliers"]
    # Most of February's suppliers were already known from January.
    assert february["exact"] > february["new"]
    assert SpendLine.objects.count() == sum(file_totals(path)[1] for path in FILES)
    assert SpendLine.objects.aggregate(n=Count("supplier", distinct=True))["n"] > (
        suppliers_after_january
    )
    with pytest.raises(CommandError, match="already imported"):
        import_spend(FILES[0])


def test_a_saved_mapping_that_creates_units_does_not_create_them_for_the_command(company):
    """The browser's mapping may say "create missing units"; the command creates units only
    when the person running it says so (issue 14, item 6)."""
    import_spend(FILES[0], "--create-missing-units")
    ColumnMapping.objects.filter(name="Bradford AP").update(create_missing_units=True)
    units = BusinessUnit.objects.count()
    with pytest.raises(CommandError, match="nothing was stored"):
        import_spend(FILES[1])
    assert BusinessUnit.objects.count() == units


def test_the_command_uses_the_mapping_saved_in_the_browser_under_the_files_name(company):
    """A mapping saved in the browser under the file's name (the page's default) is used as it
    is, not overwritten by a fresh proposal (issue 14, item 6)."""
    corrected = {
        "date": "Payment date",
        "amount": "Net Amount",
        "supplier": "Supplier Name",
        "business_unit": "Service Label",
        "description": "Expenditure category",
    }
    ColumnMapping.objects.create(
        name=FILES[0].stem, columns=corrected, date_format="iso", default_currency="GBP"
    )
    out = StringIO()
    call_command("import_spend", str(FILES[0]), "--create-missing-units", stdout=out)
    assert "Using the saved mapping" in out.getvalue()
    assert ColumnMapping.objects.get(name=FILES[0].stem).columns == corrected
    # The saved mapping has no GL account: none is read.
    assert not SpendLine.objects.exclude(gl_account="").exists()
