"""The reporting period and every spend aggregate that pages and exports read. Every figure is
summed by the database from the monthly spend summary (spend.summary keeps it current with the
lines); Python only maps leaf totals onto the (small) category tree.

A million lines fold into a few tens of thousands of summary rows, so every figure on the cube,
category and Kraljic pages costs the same however many lines are stored. And each aggregate is
kept in the cache under the spend data's version (workbench.figures) and exactly the rows it
read: the SQL of a reader's rows carries their permission filter (a unit lead's own units), so
one reader's figure is never served to another who may read other rows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from categories.models import Category
from categories.tree import roll_up
from spend import concentration
from spend.models import SpendLine, SpendSummary
from spend.subtrees import NOTHING, subtree_spend
from workbench import figures

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=18, decimal_places=2)


def _cached(name: str, rows, compute, *key):
    """`compute()` from the cache when the spend data has not changed since. `rows` (the
    summary rows read, as the reader may read them) is part of the key through its SQL, with
    the values of its filters in it; None for a figure over every row."""
    scope = "every row" if rows is None else figures.scope_of(rows)
    if scope is None:
        return compute()
    return figures.cached(name, areas=[figures.SPEND], scope=scope, key=key, compute=compute)


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
    latest = _cached(
        "latest-month",
        None,
        lambda: SpendSummary.objects.aggregate(latest=Max("month"))["latest"],
    )
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
    return _cached("portfolio-totals", None, lambda: _portfolio_totals(period), period)


def _portfolio_totals(period: Period) -> dict:
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
    return _cached("top-categories", None, lambda: _spend_by_top_category(period), period)


def _spend_by_top_category(period: Period) -> list[dict]:
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


def subtree_figures(period: Period, rows=None) -> dict:
    """Each category's spend over its whole subtree (spend.subtrees.SubtreeSpend): this
    period, the previous one and the suppliers paid this period, by category path (a path
    missing: nothing spent). One aggregate over the summary, (category, supplier) pairs,
    rolled up the tree in Python: summing each category's subtree in the database instead
    reads every summary row once per level above it. `rows` narrows the summary rows summed
    (a reader's own units, say)."""

    def compute():
        summary = SpendSummary.objects.all() if rows is None else rows
        booked = (
            summary.filter(month__range=(period.previous_start, period.end), category__isnull=False)
            .values("supplier", path=F("category__path"), redacted=F("supplier__redacted_payee"))
            # Names other than the summary's own column, which an aggregate may not shadow.
            .annotate(this_year=_sum(filter=_in(period)), last_year=_sum(filter=_in(period, True)))
            .order_by()
        )
        return subtree_spend(
            {**row, "spend": row["this_year"], "previous_spend": row["last_year"]} for row in booked
        )

    return _cached("subtree-spend", rows, compute, period)


def with_subtree_spend(categories, period: Period, rows=None) -> list[Category]:
    """The categories (any iterable of them) as a list, each with `spend`, `previous_spend`
    and `supplier_count` over its whole subtree (`subtree_figures`)."""
    by_path = subtree_figures(period, rows)
    categories = list(categories)
    for category in categories:
        figures_of = by_path.get(category.path, NOTHING)
        category.spend = figures_of.spend
        category.previous_spend = figures_of.previous_spend
        category.supplier_count = figures_of.supplier_count
    return categories


def monthly_spend(rows, period: Period) -> list[dict]:
    """Spend per calendar month over the period, for any filtered set of summary rows."""
    return _cached(
        "monthly-spend",
        rows,
        lambda: list(
            rows.filter(_in(period)).values("month").annotate(spend=_sum()).order_by("month")
        ),
        period,
    )


def top_suppliers(rows, period: Period, limit: int = 10, *, with_shares=False) -> list[dict]:
    """The largest suppliers; `with_shares`: each with its `share` of the positive spend of
    all suppliers in `rows` (not only of those shown), one query more."""
    return _cached(
        "top-suppliers",
        rows,
        lambda: _top_suppliers(rows, period, limit, with_shares),
        period,
        limit,
        with_shares,
    )


def _top_suppliers(rows, period: Period, limit: int, with_shares: bool) -> list[dict]:
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
    return _cached(
        "spend-by-unit",
        rows,
        lambda: list(
            rows.filter(_in(period))
            .values("business_unit", "business_unit__code", "business_unit__name")
            .annotate(spend=_sum())
            .order_by("-spend")
        ),
        period,
    )


def spend_by_leaf_category(rows, period: Period) -> list[dict]:
    return _cached(
        "spend-by-leaf-category",
        rows,
        lambda: list(
            rows.filter(_in(period))
            .values("category", "category__code", "category__name")
            .annotate(spend=_sum(), suppliers=Count("supplier", distinct=True))
            .order_by("-spend")
        ),
        period,
    )


def subtree_lines(category: Category):
    return SpendLine.objects.filter(category__path__startswith=category.path)


def change_ratio(current: Decimal, previous: Decimal) -> float | None:
    """Year-on-year change as a fraction; None when there is nothing to compare with."""
    if not previous:
        return None
    return float((current - previous) / previous)


def period_spend(period: Period, key: str = "business_unit"):
    """An annotation for units or suppliers: their spend over the period, summed from the
    summary rows whose `key` is the outer row (one small subquery, however many lines)."""
    rows = (
        SpendSummary.objects.filter(_in(period), **{key: OuterRef("pk")})
        .order_by()
        .values(key)
        .annotate(total=Sum("spend"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=MONEY), ZERO, output_field=MONEY)


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
    rows = cube.summary_rows()
    return _cached(
        "cube-totals",
        rows,
        lambda: rows.aggregate(
            spend=_sum(),
            lines=Coalesce(Sum("lines"), 0),
            units=Count("business_unit", distinct=True),
        ),
    )


def monthly(cube: CubeFilter) -> list[dict]:
    rows = cube.summary_rows()
    return _cached(
        "cube-monthly",
        rows,
        lambda: list(
            rows.values("month").annotate(spend=_sum(), lines=Sum("lines")).order_by("month")
        ),
    )


def by_supplier(cube: CubeFilter) -> list[dict]:
    """Every supplier paid in the slice, largest first (the Pareto curve needs them all);
    `supplier__redacted_payee` marks the redacted payees, which are no supplier."""
    rows = cube.summary_rows()
    return _cached(
        "cube-by-supplier",
        rows,
        lambda: list(
            rows.values("supplier", "supplier__name", "supplier__redacted_payee")
            .annotate(spend=_sum(), lines=Sum("lines"))
            .order_by("-spend", "supplier__name")
        ),
    )


def by_unit(cube: CubeFilter) -> list[dict]:
    rows = cube.summary_rows()
    return _cached(
        "cube-by-unit",
        rows,
        lambda: list(
            rows.values("business_unit", "business_unit__code", "business_unit__name")
            .annotate(spend=_sum(), lines=Sum("lines"))
            .order_by("-spend", "business_unit__name")
        ),
    )


def by_category_and_supplier(rows) -> list[dict]:
    """Spend per (booked category, supplier) pair; category None is unclassified spend."""
    return _cached(
        "by-category-and-supplier",
        rows,
        lambda: list(
            rows.values("category", "supplier", "supplier__redacted_payee")
            .annotate(spend=_sum(), lines=Sum("lines"))
            .order_by()
        ),
    )


def spend_by_booked_category(cube: CubeFilter) -> dict:
    """Spend booked on each category (not yet rolled up); key None is unclassified."""
    rows = cube.summary_rows()
    return _cached(
        "cube-booked",
        rows,
        lambda: dict(
            rows.values("category")
            .annotate(spend=_sum())
            .order_by()
            .values_list("category", "spend")
        ),
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
    owner_of = {}  # booked category id -> the given category it folds onto (or None)
    for pair in pairs:
        booked = pair["category"]
        if booked not in owner_of:
            path = path_of.get(booked, "")
            # The nearest given category above the booked one (categories may nest).
            owner = None
            for prefix, category in prefix_of.items():
                if path.startswith(prefix) and (owner is None or len(prefix) > len(owner.path)):
                    owner = category
            owner_of[booked] = owner
        owner = owner_of[booked]
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


def category_numbers(rows: list[CategoryFigures]) -> list[tuple[int, dict]]:
    """Each row's figures without its category, as (category id, figures): what a cache keeps,
    so that the categories themselves (names, owners) are read fresh (with_categories)."""
    return [
        (
            row.category.pk,
            {f.name: getattr(row, f.name) for f in fields(row) if f.name != "category"},
        )
        for row in rows
    ]


def with_categories(numbers: list[tuple[int, dict]], categories: dict) -> list[CategoryFigures]:
    """category_numbers back as rows, each with its category from `categories` (id ->
    Category); a category no longer there is left out."""
    return [
        CategoryFigures(category=categories[pk], **measured)
        for pk, measured in numbers
        if pk in categories
    ]
