import datetime
from decimal import Decimal

import pytest

from categories.models import Category
from spend import cube
from tests.factories import add_spend


def test_twelve_months_are_calendar_months_ending_with_the_latest_month():
    period = cube.twelve_months_to(datetime.date(2026, 10, 17))
    assert (period.start, period.end) == (datetime.date(2025, 11, 1), datetime.date(2026, 10, 31))
    assert (period.previous_start, period.previous_end) == (
        datetime.date(2024, 11, 1),
        datetime.date(2025, 10, 31),
    )


def test_twelve_months_across_a_year_end():
    period = cube.twelve_months_to(datetime.date(2026, 12, 31))
    assert (period.start, period.end) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


def test_month_start_counts_calendar_months_back_across_year_ends():
    day = datetime.date(2026, 3, 17)
    assert cube.month_start(day) == datetime.date(2026, 3, 1)
    assert cube.month_start(day, 11) == datetime.date(2025, 4, 1)
    assert cube.month_start(day, -10) == datetime.date(2027, 1, 1)
    assert cube.month_end(datetime.date(2028, 2, 3)) == datetime.date(2028, 2, 29)


def test_change_ratio_has_nothing_to_say_without_a_previous_year():
    assert cube.change_ratio(Decimal(110), Decimal(100)) == pytest.approx(0.10)
    assert cube.change_ratio(Decimal(110), Decimal(0)) is None


@pytest.mark.django_db
def test_subtree_spend_adds_the_children_and_matches_the_lines(company):
    lines = add_spend(company, 300)
    period = cube.latest_period()
    in_period = [line for line in lines if period.start <= line.date <= period.end]

    def expected(*categories):
        return sum((line.amount for line in in_period if line.category in categories), Decimal(0))

    annotated = {c.code: c for c in cube.with_subtree_spend(Category.objects.all(), period)}
    assert annotated["IT"].spend == expected(company.hardware, company.software)
    assert annotated["IT.HW"].spend == expected(company.hardware)
    assert annotated["FM"].spend == expected(company.cleaning)
    assert annotated["IT"].supplier_count == 2


@pytest.mark.django_db
def test_portfolio_totals_and_top_categories_agree(company):
    add_spend(company, 300)
    period = cube.latest_period()
    totals = cube.portfolio_totals(period)
    by_top = cube.spend_by_top_category(period)
    assert [row["code"] for row in by_top] == ["IT", "FM"]
    assert sum(row["spend"] for row in by_top) == totals["spend"]
    assert totals["suppliers"] == 3 and totals["units"] == 2
    assert totals["unclassified"] == 0
