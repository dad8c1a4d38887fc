"""The spend summary: lines summed by month, category, business unit and supplier, and the cube
figures read from it.

A million lines fold into a few tens of thousands of summary rows, so every figure on the cube
and Kraljic pages is a database aggregate over the small table and costs the same however many
lines are stored. Whatever changes lines in bulk (imports, undoing a batch, classifying
unclassified spend, the demo loader) calls `refresh_spend_summary()` afterwards.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import Coalesce

from categories.models import Category
from spend import concentration, kraljic
from spend.cube import MONEY, ZERO, Period, twelve_months_to
from spend.models import KraljicAssessment, SpendLine, SpendSummary


def refresh_spend_summary():
    """Rebuild the summary from every line, in one transaction so a reader sees the old
    summary or the new one, never half of it: after anything that deletes or changes lines
    (undoing a batch, classifying, merging suppliers). An import adds its batch's rows itself
    (spend.importing.lines.summary_rows); every figure is a SUM over the summary, so
    those add up the same beside rows already there for the same slice, and the next rebuild
    folds them together."""
    summary = connection.ops.quote_name(SpendSummary._meta.db_table)
    lines = connection.ops.quote_name(SpendLine._meta.db_table)
    if connection.vendor == "postgresql":
        # Truncated as a timestamp: truncating the date itself goes through a time zone.
        month = "date_trunc('month', date::timestamp)::date"
    elif connection.vendor == "sqlite":
        month = "date(date, 'start of month')"
    else:
        raise NotImplementedError(f"No month truncation for {connection.vendor}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {summary}")
        cursor.execute(
            f"INSERT INTO {summary} (month, category_id, business_unit_id, supplier_id, spend, "
            f"lines) SELECT {month}, category_id, business_unit_id, supplier_id, SUM(amount), "
            f"COUNT(*) FROM {lines} GROUP BY {month}, category_id, business_unit_id, supplier_id"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {summary}")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def data_months() -> tuple[datetime.date, datetime.date] | None:
    """The first and last month that hold spend, or None before any import."""
    span = SpendSummary.objects.aggregate(first=Min("month"), last=Max("month"))
    return (span["first"], span["last"]) if span["last"] else None


def default_period() -> Period | None:
    """The latest twelve months with data, as the rest of the app reports them."""
    span = data_months()
    return twelve_months_to(span[1]) if span else None


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
        return self._narrow(rows, "category__path", "category")

    def lines(self):
        rows = SpendLine.objects.filter(date__range=(self.start, self.end))
        return self._narrow(rows, "category__path", "category")

    def _narrow(self, rows, path_field, category_field):
        if self.category is not None:
            rows = rows.filter(**{f"{path_field}__startswith": self.category.path})
        elif self.unclassified:
            rows = rows.filter(**{f"{category_field}__isnull": True})
        if self.business_unit is not None:
            rows = rows.filter(business_unit=self.business_unit)
        if self.supplier is not None:
            rows = rows.filter(supplier=self.supplier)
        return rows


def _spend():
    return Coalesce(Sum("spend"), ZERO, output_field=MONEY)


def totals(cube: CubeFilter) -> dict:
    """Spend, lines and suppliers paid in the slice, in one aggregate."""
    return cube.summary_rows().aggregate(
        spend=_spend(),
        lines=Coalesce(Sum("lines"), 0),
        suppliers=Count("supplier", distinct=True),
        units=Count("business_unit", distinct=True),
    )


def monthly(cube: CubeFilter) -> list[dict]:
    return list(
        cube.summary_rows()
        .values("month")
        .annotate(spend=_spend(), lines=Sum("lines"))
        .order_by("month")
    )


def by_supplier(cube: CubeFilter) -> list[dict]:
    """Every supplier paid in the slice, largest first (the Pareto curve needs them all)."""
    return list(
        cube.summary_rows()
        .values("supplier", "supplier__name")
        .annotate(spend=_spend(), lines=Sum("lines"))
        .order_by("-spend", "supplier__name")
    )


def by_unit(cube: CubeFilter) -> list[dict]:
    return list(
        cube.summary_rows()
        .values("business_unit", "business_unit__code", "business_unit__name")
        .annotate(spend=_spend(), lines=Sum("lines"))
        .order_by("-spend", "business_unit__name")
    )


def by_category_and_supplier(rows) -> list[dict]:
    """Spend per (booked category, supplier) pair; category None is unclassified spend."""
    return list(
        rows.values("category", "supplier").annotate(spend=_spend(), lines=Sum("lines")).order_by()
    )


@dataclass
class CategoryFigures:
    """One category's spend in a slice and how concentrated it is on its suppliers."""

    category: Category | None  # None: the unclassified lines
    spend: Decimal
    lines: int
    suppliers: int
    top_share: float | None
    hhi: float | None
    pareto_count: int

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
    for pair in pairs:
        path = path_of.get(pair["category"], "")
        # The nearest given category above the booked one (categories may nest).
        owner = None
        for prefix, category in prefix_of.items():
            if path.startswith(prefix) and (owner is None or len(prefix) > len(owner.path)):
                owner = category
        if owner is not None:
            by_supplier_of[owner.pk][pair["supplier"]] += pair["spend"]
            lines_of[owner.pk] += pair["lines"]
    figures = []
    for category in categories:
        amounts = list(by_supplier_of[category.pk].values())
        figures.append(
            CategoryFigures(
                category=category,
                spend=sum(amounts, ZERO),
                lines=lines_of[category.pk],
                suppliers=sum(1 for amount in amounts if amount > 0),
                top_share=concentration.top_share(amounts),
                hhi=concentration.hhi(amounts),
                pareto_count=concentration.pareto_count(amounts),
            )
        )
    return sorted(figures, key=lambda row: row.spend, reverse=True)


def spend_by_booked_category(cube: CubeFilter) -> dict:
    """Spend booked on each category (not yet rolled up); key None is unclassified."""
    return dict(
        cube.summary_rows()
        .values("category")
        .annotate(spend=_spend())
        .order_by()
        .values_list("category", "spend")
    )


@dataclass
class KraljicPosition:
    """A category's place on the Kraljic matrix: what the data suggests, the owner's latest
    override if any, and the scores in force."""

    figures: CategoryFigures
    spend_share: float
    suggested_impact: int
    suggested_risk: int
    assessment: KraljicAssessment | None

    @property
    def category(self) -> Category:
        return self.figures.category

    @property
    def impact(self) -> int:
        return self.assessment.profit_impact if self.assessment else self.suggested_impact

    @property
    def risk(self) -> int:
        return self.assessment.supply_risk if self.assessment else self.suggested_risk

    @property
    def quadrant(self) -> kraljic.Quadrant:
        return kraljic.QUADRANTS[kraljic.quadrant(self.impact, self.risk)]


def kraljic_positions(depth: int, period: Period) -> list[KraljicPosition]:
    """Every category at `depth` positioned against its peers at that depth over `period`:
    impact from its share of their spend, risk from its supplier concentration and count.
    Largest spend first."""
    categories = list(Category.objects.filter(depth=depth).select_related("owner"))
    cube = CubeFilter(start=period.start, end=period.end)
    pairs = by_category_and_supplier(cube.summary_rows().filter(category__isnull=False))
    path_of = dict(Category.objects.values_list("id", "path"))
    figures = category_figures(pairs, categories, path_of)
    total = sum((row.spend for row in figures if row.spend > 0), ZERO)
    latest = {}
    assessments = KraljicAssessment.objects.filter(category__depth=depth).select_related("set_by")
    for assessment in assessments.order_by("category", "-set_at", "-pk"):
        latest.setdefault(assessment.category_id, assessment)
    positions = []
    for row in figures:
        share = float(row.spend / total) if total and row.spend > 0 else 0.0
        positions.append(
            KraljicPosition(
                figures=row,
                spend_share=share,
                suggested_impact=kraljic.suggested_impact(share, len(categories)),
                suggested_risk=kraljic.suggested_risk(row.hhi, row.suppliers),
                assessment=latest.get(row.category.pk),
            )
        )
    return positions
