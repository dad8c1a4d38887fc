"""How a large import is stored: each batch its own partition (PostgreSQL), imports storing one
at a time, and the row-by-row and column-wise checks reading rows alike."""

import contextlib
import datetime
import random
import threading
from decimal import Decimal

import pytest
from django import db
from django.db import connection

from spend import partitions
from spend.importing import storing
from spend.importing.mapping import MappingSpec
from spend.importing.parsing import CENT
from spend.importing.storing import save_upload, undo_batch
from spend.importing.validation import (
    Reference,
    column_indexes,
    validate_row,
    validate_rows,
)
from spend.models import ColumnMapping, ImportJob, SpendLine
from stakeholders.models import BusinessUnit
from suppliers.models import Supplier
from tests.factories import make_company
from tests.spend.import_support import COLUMNS, csv_bytes, import_file, imports_in_tmp

__all__ = ["imports_in_tmp"]
pytestmark = pytest.mark.django_db

GOOD = "2026-01-15,Dell Technologies Ltd,1200.50,GBP,MFG,IT.HW,6100,Laptops,INV-1"
OTHER = "2026-01-20,Softcat plc,300.00,GBP,FIN,,6200,Licences,INV-2"


def table_shape(table):
    """Every index and foreign key of a table, with what each covers."""
    with connection.cursor() as cursor:
        return sorted(
            (
                (tuple(info["columns"]), info["index"], info["foreign_key"], info["unique"])
                for info in connection.introspection.get_constraints(cursor, table).values()
            ),
            key=repr,
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")
def test_an_imported_batch_is_a_partition_with_the_tables_indexes_and_keys(company_with_spend):
    lines_table = SpendLine._meta.db_table
    before = table_shape(lines_table)
    job = import_file(csv_bytes(GOOD, OTHER))
    assert job.status == ImportJob.STORED, job.message
    assert table_shape(lines_table) == before
    with connection.cursor() as cursor:
        assert partitions.batch_partitions(cursor) == [partitions.partition_name(job.batch_id)]
    partition = table_shape(partitions.partition_name(job.batch_id))
    assert [shape[0] for shape in partition if shape[1]] == [
        ("category_id", "date"),
        ("date",),
        ("supplier_id", "date"),
    ]
    assert sorted(shape[2] for shape in partition if shape[2]) == [
        ("categories_category", "id"),
        ("categories_importbatch", "id"),
        ("stakeholders_businessunit", "id"),
        ("suppliers_supplier", "id"),
    ]
    assert sorted(job.batch.lines.values_list("document_reference", "category__code")) == [
        ("INV-1", "IT.HW"),
        ("INV-2", None),
    ]
    assert SpendLine.objects.filter(import_batch=None).count() == 60  # the company's own
    undo_batch(job)
    with connection.cursor() as cursor:
        assert partitions.batch_partitions(cursor) == []
    assert SpendLine.objects.count() == 60


HEADERS = ["Date", "Supplier", "Amount", "Currency", "Unit", "Category", "GL", "Description"]
SPEC = MappingSpec(
    columns={
        "date": "Date",
        "supplier": "Supplier",
        "amount": "Amount",
        "currency": "Currency",
        "business_unit": "Unit",
        "category": "Category",
        "gl_account": "GL",
        "description": "Description",
    },
    date_format="day_first",
    default_currency="GBP",
)
REFERENCE = Reference(
    "GBP",
    units={"mfg": 1, "manufacturing": 1, "fin": 2},
    categories={"it.hw": 10, "hardware": 10},
    rates={("EUR", datetime.date(2026, 1, 1)): Decimal("0.853217")},
)
MESSY_ROWS = [
    ["15/01/2026", "Dell Technologies Ltd", "1200.5", "GBP", "MFG", "IT.HW", "6100", "Laptops"],
    ["2026-01-16", "DELL  TECHNOLOGIES", "-12", "", "Manufacturing", "hardware", "", ""],
    ["16/01/2026", "Softcat plc", "1,234.56", "gbp", "FIN", "", "6200", "x" * 600],
    ["17/01/2026", "Softcat plc", "99.99", "EUR", "FIN", "Nowhere", "6200", "Licences"],
    ["17/02/2026", "Softcat plc", "99.99", "EUR", "FIN", "", "6200", "no February rate"],
    ["31/02/2026", "Acme", "10", "GBP", "FIN", "", "", "not a day"],
    ["", "", "", "", "", "", "", ""],
    ["", "Total", "1500", "", "", "", "", ""],
    ["18/01/2026", "", "10", "UKP", "Nowhere", "", "", "three problems"],
    ["18/01/2026", "Acme"],
    ["19/01/2026", "Acme", "(12.50)", "GBP", "MFG", "", "6" * 50, "credit note"],
    ["19/01/2026", "acme ltd", "12.505", "GBP", "MFG", "", "", "more than cents"],
    ["20/01/2026", "Acme", "12.50", "GBP", "FIN", "", "", ""],
]


def one_by_one(rows):
    """What validate_row says of each row: the clean lines as tuples, and the rest."""
    indexes = column_indexes(HEADERS, SPEC)
    lines, others, suppliers, units = [], [], {}, {}
    for number, cells in rows:
        result = validate_row(number, cells, indexes, SPEC, REFERENCE)
        if line := result.line:
            lines.append(
                (
                    line.row,
                    line.date.isoformat(),
                    line.amount,
                    line.original_amount,
                    line.currency,
                    line.supplier_key,
                    line.supplier_name,
                    line.unit_key,
                    line.category_id,
                    line.gl_account,
                    line.description,
                    line.document_reference,
                )
            )
            suppliers.setdefault(line.supplier_key, line.supplier_name)
            units.setdefault(line.unit_key, line.unit_name)
        else:
            others.append((number, cells, result))
    return lines, others, suppliers, units


def column_wise(rows):
    checked = validate_rows(rows, column_indexes(HEADERS, SPEC), SPEC, REFERENCE)
    lines = [
        (*line[:2], Decimal(line[2]).quantize(CENT), Decimal(line[3]).quantize(CENT), *line[4:])
        for line in sorted(checked.lines)
    ]
    return lines, checked.others, checked.suppliers, checked.unit_names


@pytest.mark.parametrize("order", range(4))
def test_rows_checked_a_column_at_a_time_read_as_they_do_one_by_one(order):
    rows = list(enumerate(MESSY_ROWS, start=2))
    random.Random(order).shuffle(rows)
    rows = [(number, list(cells)) for number, cells in rows]
    expected_lines, expected_others, suppliers, units = one_by_one(rows)
    lines, others, checked_suppliers, checked_units = column_wise(rows)
    assert lines == sorted(expected_lines)
    assert sorted(others, key=lambda other: other[0]) == sorted(
        expected_others, key=lambda other: other[0]
    )
    assert list(checked_suppliers.items()) == list(suppliers.items())
    assert list(checked_units.items()) == list(units.items())
    assert len(expected_lines) == 7 and len(expected_others) == 6


def test_descriptions_with_tabs_backslashes_and_line_breaks_are_stored_as_written(company):
    description = 'Toner\\N cartridges\t"A4"\nline two \\ and C:\\temp'
    quoted = '"' + description.replace('"', '""') + '"'
    row = f"2026-01-15,Dell Technologies Ltd,10.00,GBP,MFG,,\\N,{quoted},INV-\\1"
    job = import_file(csv_bytes(row))
    assert job.status == ImportJob.STORED, job.message
    line = SpendLine.objects.get()
    assert (line.description, line.gl_account, line.document_reference) == (
        description,
        "\\N",
        "INV-\\1",
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions are PostgreSQL's")
def test_a_batch_deleted_elsewhere_than_undo_takes_its_partition_with_it(company_with_spend):
    job = import_file(csv_bytes(GOOD, OTHER))
    job.batch.delete()  # as the admin or a demo reset does
    with connection.cursor() as cursor:
        assert partitions.batch_partitions(cursor) == []
    assert SpendLine.objects.count() == 60


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_two_imports_storing_at_once_share_the_suppliers_and_units_new_to_both(
    monkeypatch, settings
):
    """Each import stops where it creates units until the other arrives (or two seconds pass):
    without the storing lock both would create the new unit, and one would fail."""
    make_company()
    first = save_upload(
        csv_bytes("2026-01-15,Brand New Supplies Ltd,10.00,GBP,New Site,,,,A1"), "first.csv", None
    )
    second = save_upload(
        csv_bytes("2026-01-16,BRAND NEW SUPPLIES LTD,20.00,GBP,New Site,,,,B1"), "second.csv", None
    )
    mapping = ColumnMapping.objects.create(
        name="Shared", columns=COLUMNS, date_format="iso", create_missing_units=True
    )
    ImportJob.objects.update(mapping=mapping, status=ImportJob.QUEUED)
    both_here = threading.Barrier(2)
    resolve_units = storing._resolve_units

    def meet_then_resolve(*args):
        with contextlib.suppress(threading.BrokenBarrierError):
            both_here.wait(timeout=2)
        return resolve_units(*args)

    monkeypatch.setattr(storing, "_resolve_units", meet_then_resolve)
    jobs = {}

    def run(job):
        try:
            jobs[job.pk] = storing.run_job(job.pk)
        finally:
            db.connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [jobs[job.pk].status for job in (first, second)] == [ImportJob.STORED] * 2, [
        jobs[job.pk].message for job in (first, second)
    ]
    assert Supplier.objects.filter(normalised_name="brand new supplies").count() == 1
    assert BusinessUnit.objects.filter(name="New Site").count() == 1
    assert SpendLine.objects.filter(business_unit__name="New Site").count() == 2
