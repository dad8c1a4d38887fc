"""The reporting period and every spend aggregate that pages and exports read. Every figure is
summed by the database from the monthly spend summary (spend.summary keeps it current with the
lines); Python only maps leaf totals onto the (small) category tree.

A million lines fold into a few tens of thousands of summary rows, so every figure on the cube,
category and Kraljic pages costs the same however many lines are stored.
"""

import datetime
from collections import defaultdict
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
from spend import concentration
from spend.models import SpendLine, SpendSummary

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=18, decimal_places=2)


# --- The reporting period ----------------------------------------------------------------------


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


def month_start(day: datetime.date, months_back: int = 0) -> datetime.date:
    """The first day of the month `months_back` calendar months before the month of `day`
    (negative: after it)."""
    index = day.year * 12 + day.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(day: datetime.date) -> datetime.date:
    return month_start(day, -1) - datetime.timedelta(days=1)


def twelve_months_to(latest: datetime.date) -> Period:
    """The twelve calendar months ending with the month of `latest`."""
    start = month_start(latest, 11)
    return Period(
        start=start,
        end=month_end(latest),
        previous_start=month_start(latest, 23),
        previous_end=start - datetime.timedelta(days=1),
    )


def latest_period() -> Period | None:
    """The latest twelve months with data, as every page reports them; None before any
    import."""
    latest = SpendSummary.objects.aggregate(latest=Max("month"))["latest"]
    return twelve_months_to(latest) if latest else None


# --- Aggregates over a period ------------------------------------------------------------------


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
        units=Count("business_unit", filter=this_year, distinct=True),
        unclassified=_sum(filter=this_year & Q(category__isnull=True)),
    )
    return {
        "spend": totals.pop("spend_this_year"),
        "previous_spend": totals.pop("spend_last_year"),
        "lines": totals.pop("line_count"),
        "suppliers": paid_suppliers(SpendSummary.objects.filter(this_year)).count(),
        **totals,
    }


def paid_suppliers(rows):
    """The suppliers with positive net spend over `rows`: the ones counted as "suppliers"
    (spend/concentration.py says why a supplier netting to a credit is not). A redacted payee
    (people's names withheld from a published file) is no supplier: not counted."""
    return (
        rows.order_by()
        .filter(supplier__redacted_payee=False)
        .values("supplier")
        .annotate(net=Sum("spend"))
        .filter(net__gt=0)
    )


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


def _subtree_aggregate(expression, output_field, period_filter: Q, rows=None):
    """A scalar subquery over the summary rows (all, or `rows`) of the outer category's
    subtree."""
    rows = SpendSummary.objects.all() if rows is None else rows
    rows = rows.filter(period_filter, category__path__startswith=OuterRef("path"))
    return Subquery(rows.order_by().values(value=Func(expression, **output_field)).values("value"))


def with_subtree_spend(categories, period: Period, rows=None):
    """Annotate categories with spend over their whole subtree: this period, the previous one,
    and the number of suppliers this period. One query however many categories or lines.
    `rows` narrows the summary rows summed (a reader's own units, say)."""
    sum_of = {"function": "SUM", "output_field": MONEY}
    summary = SpendSummary.objects.all() if rows is None else rows
    subtree_paid = paid_suppliers(
        summary.filter(_in(period), category__path__startswith=OuterRef("path"))
    ).values("supplier")
    return categories.annotate(
        spend=Coalesce(
            _subtree_aggregate(F("spend"), sum_of, _in(period), rows), ZERO, output_field=MONEY
        ),
        previous_spend=Coalesce(
            _subtree_aggregate(F("spend"), sum_of, _in(period, previous=True), rows),
            ZERO,
            output_field=MONEY,
        ),
        # Suppliers with positive net spend in the subtree, counted in the database.
        supplier_count=Coalesce(
            Func(
                Subquery(subtree_paid),
                template="(SELECT COUNT(*) FROM %(expressions)s AS paid)",
                output_field=IntegerField(),
            ),
            0,
        ),
    )


def monthly_spend(rows, period: Period) -> list[dict]:
    """Spend per calendar month over the period, for any filtered set of summary rows."""
    return list(rows.filter(_in(period)).values("month").annotate(spend=_sum()).order_by("month"))


def top_suppliers(rows, period: Period, limit: int = 10, *, with_shares=False) -> list[dict]:
    """The largest suppliers; `with_shares`: each with its `share` of the positive spend of
    all suppliers in `rows` (not only of those shown), one query more."""
    top = list(
        rows.filter(_in(period))
        .values("supplier", "supplier__name")
        .annotate(spend=_sum(), lines=Sum("lines"))
        .order_by("-spend")[:limit]
    )
    if not with_shares:
        return top
    base = paid_suppliers(rows.filter(_in(period))).aggregate(base=Sum("net"))["base"]
    for row in top:
        row["share"] = concentration.share(row["spend"], base)
    return top


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


# --- The cube: any slice of category, unit, supplier and months --------------------------------


@dataclass(frozen=True)
class CubeFilter:
    """One slice of the cube. Categories include their whole subtree; `unclassified` selects
    the lines no category has been given yet."""

    start: datetime.date
    end: datetime.date
    category: Category | None = None
    unclassified: bool = False
    business_unit: object = None
    supplier: object = None

    @property
    def period_label(self) -> str:
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return f"{self.start:%b %Y}"
        return f"{self.start:%b %Y} – {self.end:%b %Y}"

    def describe(self) -> str:
        """The slice in words, e.g. "Packaging (and below) · Manufacturing · Nov 2025 – Oct
        2026"."""
        parts = []
        if self.category is not None:
            parts.append(f"{self.category.name} (and below)")
        elif self.unclassified:
            parts.append("Unclassified spend")
        else:
            parts.append("All categories")
        if self.business_unit is not None:
            parts.append(self.business_unit.name)
        if self.supplier is not None:
            parts.append(self.supplier.name)
        parts.append(self.period_label)
        return " · ".join(parts)

    def summary_rows(self):
        rows = SpendSummary.objects.filter(month__range=(month_start(self.start), self.end))
        return self._narrow(rows)

    def lines(self):
        return self._narrow(SpendLine.objects.filter(date__range=(self.start, self.end)))

    def _narrow(self, rows):
        if self.category is not None:
            rows = rows.filter(category__path__startswith=self.category.path)
        elif self.unclassified:
            rows = rows.filter(category__isnull=True)
        if self.business_unit is not None:
            rows = rows.filter(business_unit=self.business_unit)
        if self.supplier is not None:
            rows = rows.filter(supplier=self.supplier)
        return rows


def totals(cube: CubeFilter) -> dict:
    """Net spend, lines and units in the slice, in one aggregate. Suppliers are counted from
    `by_supplier`, which the page reads anyway, by `concentration.paid_count`."""
    return cube.summary_rows().aggregate(
        spend=_sum(),
        lines=Coalesce(Sum("lines"), 0),
        units=Count("business_unit", distinct=True),
    )


def monthly(cube: CubeFilter) -> list[dict]:
    return list(
        cube.summary_rows()
        .values("month")
        .annotate(spend=_sum(), lines=Sum("lines"))
        .order_by("month")
    )


def by_supplier(cube: CubeFilter) -> list[dict]:
    """Every supplier paid in the slice, largest first (the Pareto curve needs them all);
    `supplier__redacted_payee` marks the redacted payees, which are no supplier."""
    return list(
        cube.summary_rows()
        .values("supplier", "supplier__name", "supplier__redacted_payee")
        .annotate(spend=_sum(), lines=Sum("lines"))
        .order_by("-spend", "supplier__name")
    )


def by_unit(cube: CubeFilter) -> list[dict]:
    return list(
        cube.summary_rows()
        .values("business_unit", "business_unit__code", "business_unit__name")
        .annotate(spend=_sum(), lines=Sum("lines"))
        .order_by("-spend", "business_unit__name")
    )


def by_category_and_supplier(rows) -> list[dict]:
    """Spend per (booked category, supplier) pair; category None is unclassified spend."""
    return list(
        rows.values("category", "supplier", "supplier__redacted_payee")
        .annotate(spend=_sum(), lines=Sum("lines"))
        .order_by()
    )


def spend_by_booked_category(cube: CubeFilter) -> dict:
    """Spend booked on each category (not yet rolled up); key None is unclassified."""
    return dict(
        cube.summary_rows()
        .values("category")
        .annotate(spend=_sum())
        .order_by()
        .values_list("category", "spend")
    )


@dataclass
class CategoryFigures:
    """One category's spend in a slice and how concentrated it is on its suppliers."""

    category: Category | None  # None: the unclassified lines
    spend: Decimal
    lines: int
    suppliers: int  # with positive net spend
    top_share: float | None
    hhi: float | None
    pareto_count: int
    share: float | None = None  # of the positive spend of the rows beside it

    @property
    def concentration_level(self) -> str:
        return concentration.concentration_level(self.hhi)

    @property
    def highly_concentrated(self) -> bool:
        return self.hhi is not None and self.hhi > concentration.HIGHLY_CONCENTRATED


def category_figures(
    pairs: list[dict], categories: list[Category], path_of: dict[int, str]
) -> list[CategoryFigures]:
    """Fold (booked category, supplier) spend onto `categories` (each takes its subtree, found
    through `path_of`, every category id's path) and work out each one's supplier
    concentration; largest spend first. Pairs booked outside every given category are left
    out; a category with no spend still gets a row."""
    prefix_of = {category.path: category for category in categories}
    by_supplier_of = defaultdict(lambda: defaultdict(Decimal))
    lines_of = defaultdict(int)
    spend_of_redacted = defaultdict(Decimal)
    for pair in pairs:
        path = path_of.get(pair["category"], "")
        # The nearest given category above the booked one (categories may nest).
        owner = None
        for prefix, category in prefix_of.items():
            if path.startswith(prefix) and (owner is None or len(prefix) > len(owner.path)):
                owner = category
        if owner is not None:
            lines_of[owner.pk] += pair["lines"]
            if pair.get("supplier__redacted_payee"):
                spend_of_redacted[owner.pk] += pair["spend"]  # spend, but no supplier
            else:
                by_supplier_of[owner.pk][pair["supplier"]] += pair["spend"]
    figures = []
    for category in categories:
        amounts = list(by_supplier_of[category.pk].values())
        figures.append(
            CategoryFigures(
                category=category,
                spend=sum(amounts, spend_of_redacted[category.pk]),
                lines=lines_of[category.pk],
                suppliers=concentration.paid_count(amounts),
                top_share=concentration.top_share(amounts),
                hhi=concentration.hhi(amounts),
                pareto_count=concentration.pareto_count(amounts),
            )
        )
    return concentration.with_shares(sorted(figures, key=lambda row: row.spend, reverse=True))
