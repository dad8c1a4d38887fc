"""The spend aggregates that pages and exports share. Every figure is summed by the database
from the monthly spend summary (spend.summary keeps it current with the lines); Python
only maps leaf totals onto the (small) category tree."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from categories.models import Category
from categories.tree import roll_up
from spend.models import SpendLine, SpendSummary

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=18, decimal_places=2)


@dataclass(frozen=True)
class Period:
    """The latest twelve months of data and the twelve before them, for year-on-year trend."""

    start: datetime.date
    end: datetime.date
    previous_start: datetime.date
    previous_end: datetime.date

    @property
    def label(self) -> str:
        return f"{self.start:%b %Y} – {self.end:%b %Y}"


def _month_start(day: datetime.date, months_back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def twelve_months_to(latest: datetime.date) -> Period:
    """The twelve calendar months ending with the month of `latest`."""
    next_month = _month_start(latest, -1)
    start = _month_start(latest, 11)
    previous_start = _month_start(latest, 23)
    return Period(
        start=start,
        end=next_month - datetime.timedelta(days=1),
        previous_start=previous_start,
        previous_end=start - datetime.timedelta(days=1),
    )


def latest_period() -> Period | None:
    latest = SpendSummary.objects.aggregate(latest=Max("month"))["latest"]
    return twelve_months_to(latest) if latest else None


def spend_rows(**filters):
    """The monthly spend summary (by month, category, unit and supplier), filtered like spend
    lines: `spend_rows(business_unit=unit)`. Pages sum these few rows, not millions of lines."""
    return SpendSummary.objects.filter(**filters)


def subtree_rows(category: Category):
    return spend_rows(category__path__startswith=category.path)


def _in(period: Period, previous: bool = False) -> Q:
    if previous:
        return Q(month__range=(period.previous_start, period.previous_end))
    return Q(month__range=(period.start, period.end))


def _sum(field="spend", **kwargs):
    return Coalesce(Sum(field, **kwargs), ZERO, output_field=MONEY)


def portfolio_totals(period: Period) -> dict:
    """Spend, lines, suppliers, units and unclassified spend over the period, in one query."""
    this_year, last_year = _in(period), _in(period, previous=True)
    # Aliases other than the summary's own column names, which an aggregate may not shadow.
    totals = SpendSummary.objects.filter(this_year | last_year).aggregate(
        spend_this_year=_sum(filter=this_year),
        spend_last_year=_sum(filter=last_year),
        line_count=Coalesce(Sum("lines", filter=this_year), 0),
        suppliers=Count("supplier", filter=this_year, distinct=True),
        units=Count("business_unit", filter=this_year, distinct=True),
        unclassified=_sum(filter=this_year & Q(category__isnull=True)),
    )
    return {
        "spend": totals.pop("spend_this_year"),
        "previous_spend": totals.pop("spend_last_year"),
        "lines": totals.pop("line_count"),
        **totals,
    }


def spend_by_top_category(period: Period) -> list[dict]:
    """Spend per top-level category over the period, largest first."""
    own = dict(
        SpendSummary.objects.filter(_in(period), category__isnull=False)
        .values("category")
        .annotate(total=_sum())
        .values_list("category", "total")
    )
    categories = list(Category.objects.values("id", "code", "name", "parent_id"))
    totals = roll_up(own, {c["id"]: c["parent_id"] for c in categories})
    rows = [{**c, "spend": totals[c["id"]]} for c in categories if c["parent_id"] is None]
    return sorted(rows, key=lambda row: row["spend"], reverse=True)


def _subtree_aggregate(expression, output_field, period_filter: Q):
    """A scalar subquery over the summary rows of the outer category's subtree."""
    rows = SpendSummary.objects.filter(period_filter, category__path__startswith=OuterRef("path"))
    return Subquery(rows.order_by().values(value=Func(expression, **output_field)).values("value"))


def with_subtree_spend(categories, period: Period):
    """Annotate categories with spend over their whole subtree: this period, the previous one,
    and the number of suppliers this period. One query however many categories or lines."""
    sum_of = {"function": "SUM", "output_field": MONEY}
    count_distinct = {
        "function": "COUNT",
        "template": "COUNT(DISTINCT %(expressions)s)",
        "output_field": IntegerField(),
    }
    return categories.annotate(
        spend=Coalesce(
            _subtree_aggregate(F("spend"), sum_of, _in(period)), ZERO, output_field=MONEY
        ),
        previous_spend=Coalesce(
            _subtree_aggregate(F("spend"), sum_of, _in(period, previous=True)),
            ZERO,
            output_field=MONEY,
        ),
        supplier_count=Coalesce(
            _subtree_aggregate(F("supplier_id"), count_distinct, _in(period)), 0
        ),
    )


def monthly_spend(rows, period: Period) -> list[dict]:
    """Spend per calendar month over the period, for any filtered set of summary rows."""
    return list(rows.filter(_in(period)).values("month").annotate(spend=_sum()).order_by("month"))


def top_suppliers(rows, period: Period, limit: int = 10) -> list[dict]:
    return list(
        rows.filter(_in(period))
        .values("supplier", "supplier__name")
        .annotate(spend=_sum(), lines=Sum("lines"))
        .order_by("-spend")[:limit]
    )


def spend_by_unit(rows, period: Period) -> list[dict]:
    return list(
        rows.filter(_in(period))
        .values("business_unit", "business_unit__code", "business_unit__name")
        .annotate(spend=_sum())
        .order_by("-spend")
    )


def spend_by_leaf_category(rows, period: Period) -> list[dict]:
    return list(
        rows.filter(_in(period))
        .values("category", "category__code", "category__name")
        .annotate(spend=_sum(), suppliers=Count("supplier", distinct=True))
        .order_by("-spend")
    )


def subtree_lines(category: Category):
    return SpendLine.objects.filter(category__path__startswith=category.path)


def change_ratio(current: Decimal, previous: Decimal) -> float | None:
    """Year-on-year change as a fraction; None when there is nothing to compare with."""
    if not previous:
        return None
    return float((current - previous) / previous)


def period_spend(period: Period, relation: str = "spend_lines"):
    """An annotation: the spend of the related lines over the period (for suppliers, units)."""
    return Coalesce(
        Sum(
            f"{relation}__amount",
            filter=Q(**{f"{relation}__date__range": (period.start, period.end)}),
        ),
        ZERO,
        output_field=MONEY,
    )
