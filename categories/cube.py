"""The spend aggregates that pages and exports share. Every figure is summed by the database;
Python only maps leaf totals onto the (small) category tree."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Func, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth

from categories.models import Category, SpendLine
from categories.tree import roll_up

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
    latest = SpendLine.objects.order_by("-date").values_list("date", flat=True).first()
    return twelve_months_to(latest) if latest else None


def _sum(field="amount"):
    return Coalesce(Sum(field), ZERO, output_field=MONEY)


def portfolio_totals(period: Period) -> dict:
    """Spend, lines, suppliers, units and unclassified spend over the period, in one query."""
    in_period = Q(date__range=(period.start, period.end))
    in_previous = Q(date__range=(period.previous_start, period.previous_end))
    return SpendLine.objects.filter(in_period | in_previous).aggregate(
        spend=Coalesce(Sum("amount", filter=in_period), ZERO, output_field=MONEY),
        previous_spend=Coalesce(Sum("amount", filter=in_previous), ZERO, output_field=MONEY),
        lines=Count("id", filter=in_period),
        suppliers=Count("supplier", filter=in_period, distinct=True),
        units=Count("business_unit", filter=in_period, distinct=True),
        unclassified=Coalesce(
            Sum("amount", filter=in_period & Q(category__isnull=True)), ZERO, output_field=MONEY
        ),
    )


def spend_by_top_category(period: Period) -> list[dict]:
    """Spend per top-level category over the period, largest first."""
    own = dict(
        SpendLine.objects.filter(date__range=(period.start, period.end), category__isnull=False)
        .values("category")
        .annotate(total=_sum())
        .values_list("category", "total")
    )
    categories = list(Category.objects.values("id", "code", "name", "parent_id"))
    totals = roll_up(own, {c["id"]: c["parent_id"] for c in categories})
    rows = [{**c, "spend": totals[c["id"]]} for c in categories if c["parent_id"] is None]
    return sorted(rows, key=lambda row: row["spend"], reverse=True)


def _subtree_aggregate(expression, output_field, **filters):
    """A scalar subquery over the lines of the outer category's subtree."""
    lines = SpendLine.objects.filter(category__path__startswith=OuterRef("path"), **filters)
    return Subquery(
        lines.order_by().values(value=Func(expression, **output_field)).values("value"),
    )


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
            _subtree_aggregate(F("amount"), sum_of, date__range=(period.start, period.end)),
            ZERO,
            output_field=MONEY,
        ),
        previous_spend=Coalesce(
            _subtree_aggregate(
                F("amount"), sum_of, date__range=(period.previous_start, period.previous_end)
            ),
            ZERO,
            output_field=MONEY,
        ),
        supplier_count=Coalesce(
            _subtree_aggregate(
                F("supplier_id"), count_distinct, date__range=(period.start, period.end)
            ),
            0,
        ),
    )


def monthly_spend(lines, period: Period) -> list[dict]:
    """Spend per calendar month over the period, for any already-filtered set of lines."""
    return list(
        lines.filter(date__range=(period.start, period.end))
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(spend=_sum())
        .order_by("month")
    )


def top_suppliers(lines, period: Period, limit: int = 10) -> list[dict]:
    return list(
        lines.filter(date__range=(period.start, period.end))
        .values("supplier", "supplier__name")
        .annotate(spend=_sum(), lines=Count("id"))
        .order_by("-spend")[:limit]
    )


def spend_by_unit(lines, period: Period) -> list[dict]:
    return list(
        lines.filter(date__range=(period.start, period.end))
        .values("business_unit", "business_unit__code", "business_unit__name")
        .annotate(spend=_sum())
        .order_by("-spend")
    )


def spend_by_leaf_category(lines, period: Period) -> list[dict]:
    return list(
        lines.filter(date__range=(period.start, period.end))
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
