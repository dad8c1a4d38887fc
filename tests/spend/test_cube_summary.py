"""The spend summary holds exactly what the lines hold, and the cube figures read from it
match the hand-worked numbers in tests/categories/cube_data.py."""

import datetime
from decimal import Decimal

import pyarrow as pa
import pytest
from django.db.models import Sum

from categories.models import Category
from spend import concentration, cube, summary
from spend.cube import CubeFilter
from spend.importing.lines import STORED_LINE, summary_rows
from spend.importing.writing import write_batch_lines, write_rows
from spend.models import ImportBatch, SpendLine, SpendSummary
from tests.factories import add_spend
from tests.spend.cube_data import add_hand_worked_spend

pytestmark = pytest.mark.django_db

PERIOD = (datetime.date(2025, 11, 1), datetime.date(2026, 10, 31))


@pytest.fixture
def spend(company):
    add_hand_worked_spend(company)
    return company


def test_the_summary_adds_up_to_the_lines_by_category_unit_and_supplier(company):
    add_spend(company, 900)
    for dimension in ("category", "business_unit", "supplier"):
        from_lines = dict(
            SpendLine.objects.values(dimension)
            .annotate(total=Sum("amount"))
            .values_list(dimension, "total")
        )
        from_summary = dict(
            SpendSummary.objects.values(dimension)
            .annotate(total=Sum("spend"))
            .values_list(dimension, "total")
        )
        assert from_summary == from_lines
    assert SpendSummary.objects.aggregate(n=Sum("lines"))["n"] == 900


def test_refreshing_again_replaces_rather_than_adds(spend):
    rows = SpendSummary.objects.count()
    summary.refresh_spend_summary()
    summary.refresh_spend_summary()
    assert SpendSummary.objects.count() == rows
    assert SpendSummary.objects.aggregate(total=Sum("spend"))["total"] == Decimal("2949.00")


def test_the_reporting_period_is_the_latest_twelve_months(spend):
    period = cube.latest_period()
    assert (period.start, period.end) == PERIOD


def test_totals_of_the_whole_cube(spend):
    totals = cube.totals(CubeFilter(*PERIOD))
    assert totals["spend"] == Decimal("1950.00")
    assert totals["lines"] == 6
    assert totals["units"] == 2
    assert (
        concentration.paid_count(row["spend"] for row in cube.by_supplier(CubeFilter(*PERIOD))) == 3
    )


def test_a_category_takes_its_whole_subtree(spend):
    it = CubeFilter(*PERIOD, category=spend.it)
    assert cube.totals(it)["spend"] == Decimal("1700.00")
    assert concentration.paid_count(row["spend"] for row in cube.by_supplier(it)) == 2
    hardware = CubeFilter(*PERIOD, category=spend.hardware)
    assert cube.totals(hardware)["spend"] == Decimal("1400.00")


def test_unit_supplier_and_period_narrow_the_slice(spend):
    assert cube.totals(CubeFilter(*PERIOD, business_unit=spend.manufacturing))["spend"] == Decimal(
        "1450.00"
    )
    assert cube.totals(CubeFilter(*PERIOD, supplier=spend.suppliers[1]))["spend"] == Decimal(
        "800.00"
    )
    september = CubeFilter(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
    assert cube.totals(september)["spend"] == Decimal("300.00")
    both = CubeFilter(*PERIOD, category=spend.it, business_unit=spend.finance)
    assert cube.totals(both)["spend"] == Decimal("300.00")


def test_unclassified_spend_is_its_own_slice(spend):
    unclassified = CubeFilter(*PERIOD, unclassified=True)
    assert cube.totals(unclassified)["spend"] == Decimal("50.00")
    assert cube.spend_by_booked_category(CubeFilter(*PERIOD))[None] == Decimal("50.00")


def test_monthly_suppliers_and_units_are_sorted_as_shown(spend):
    chosen = CubeFilter(*PERIOD)
    assert [(row["month"], row["spend"]) for row in cube.monthly(chosen)] == [
        (datetime.date(2026, 8, 1), Decimal("200.00")),
        (datetime.date(2026, 9, 1), Decimal("300.00")),
        (datetime.date(2026, 10, 1), Decimal("1450.00")),
    ]
    assert [(row["supplier__name"], row["spend"]) for row in cube.by_supplier(chosen)] == [
        ("Dell Technologies Ltd", Decimal("900.00")),
        ("Softcat plc", Decimal("800.00")),
        ("Bright Clean Services Ltd", Decimal("250.00")),
    ]
    assert [(row["business_unit__code"], row["spend"]) for row in cube.by_unit(chosen)] == [
        ("MFG", Decimal("1450.00")),
        ("FIN", Decimal("500.00")),
    ]


def test_category_figures_give_each_category_its_supplier_concentration(spend):
    chosen = CubeFilter(*PERIOD)
    pairs = cube.by_category_and_supplier(chosen.summary_rows())
    path_of = dict(Category.objects.values_list("id", "path"))
    top_level = list(Category.objects.filter(parent=None))
    it, facilities = cube.category_figures(pairs, top_level, path_of)
    assert (it.category, it.spend, it.lines, it.suppliers) == (spend.it, Decimal("1700"), 4, 2)
    # Dell 900 and Softcat 800 of 1,700: (52.94%)² + (47.06%)² = 2,802.8 + 2,214.5.
    assert it.hhi == pytest.approx(5_017.3, abs=0.1)
    assert it.top_share == pytest.approx(900 / 1700)
    assert it.pareto_count == 2
    assert it.highly_concentrated
    # A sole supplier: the index is 10,000; unclassified lines belong to no category.
    assert (facilities.spend, facilities.hhi, facilities.pareto_count) == (
        Decimal("200"),
        pytest.approx(10_000),
        1,
    )


def test_a_category_without_spend_still_gets_a_row(spend):
    chosen = CubeFilter(datetime.date(2026, 8, 1), datetime.date(2026, 8, 31))
    pairs = cube.by_category_and_supplier(chosen.summary_rows())
    path_of = dict(Category.objects.values_list("id", "path"))
    rows = cube.category_figures(pairs, [spend.hardware, spend.cleaning], path_of)
    assert [(row.category, row.spend, row.hhi) for row in rows] == [
        (spend.cleaning, Decimal("200"), pytest.approx(10_000)),
        (spend.hardware, Decimal("0"), None),
    ]


def test_the_slice_reads_in_words(spend):
    chosen = CubeFilter(*PERIOD, category=spend.it, business_unit=spend.finance)
    assert chosen.describe() == "IT & telecoms (and below) · Finance · Nov 2025 – Oct 2026"
    september = CubeFilter(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
    assert september.describe() == "All categories · Sep 2026"


def test_a_stored_batch_is_added_without_rebuilding_and_adds_up_the_same(spend):
    batch = ImportBatch.objects.create(source="ap-export.csv", content_hash="x" * 64)
    before = SpendSummary.objects.count()
    lines = pa.table(
        {
            "date": ["2026-10-02", "2026-10-02"],
            "amount": ["10.00", "15.5"],
            "original_amount": ["10.00", "15.5"],
            "currency": ["GBP", "GBP"],
            "supplier_id": [spend.suppliers[0].pk] * 2,
            "category_id": [spend.hardware.pk] * 2,
            "business_unit_id": [spend.manufacturing.pk] * 2,
            "description": ["", ""],
            "document_reference": ["", ""],
            "gl_account": ["", ""],
            "supplier_name_in_file": ["Dell", "Dell"],
            "import_batch_id": [batch.pk] * 2,
        },
        schema=STORED_LINE,
    )
    write_batch_lines(batch, lines)
    write_rows(SpendSummary._meta.db_table, summary_rows(lines))
    assert SpendSummary.objects.count() == before + 1  # one row for the batch's one slice
    hardware = CubeFilter(*PERIOD, category=spend.hardware)
    assert cube.totals(hardware)["spend"] == Decimal("1425.50")
    assert cube.totals(hardware)["lines"] == 5
    # A full rebuild folds the batch's row into the one already there for Dell, October.
    summary.refresh_spend_summary()
    assert SpendSummary.objects.count() == before
    assert cube.totals(hardware)["spend"] == Decimal("1425.50")
