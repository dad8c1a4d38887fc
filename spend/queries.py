"""The spend reads that pages and their exports share: Kraljic positions, unclassified spend,
classification rules in their order of precedence."""

from dataclasses import dataclass

from django.db.models import Count, Sum

from categories.models import Category
from spend import kraljic
from spend.cube import (
    CategoryFigures,
    CubeFilter,
    Period,
    by_category_and_supplier,
    category_figures,
)
from spend.models import ClassificationRule, KraljicAssessment, SpendLine


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
    latest = {}
    assessments = KraljicAssessment.objects.filter(category__depth=depth).select_related("set_by")
    for assessment in assessments.order_by("category", "-set_at", "-pk"):
        latest.setdefault(assessment.category_id, assessment)
    positions = []
    for row in figures:
        share = row.share or 0.0  # of the peers' positive spend (spend/concentration.py)
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


def kraljic_position(category: Category, period: Period) -> KraljicPosition | None:
    """The category's position against its peers at its level."""
    return next(
        (p for p in kraljic_positions(category.depth, period) if p.category.pk == category.pk),
        None,
    )


def unclassified_by_supplier():
    """Unclassified spend and lines per supplier, largest first."""
    return (
        SpendLine.objects.filter(category__isnull=True)
        .values("supplier", "supplier__name")
        .annotate(spend=Sum("amount"), lines=Count("id"))
        .order_by("-spend", "supplier__name")
    )


def unclassified_totals() -> dict:
    return SpendLine.objects.filter(category__isnull=True).aggregate(
        spend=Sum("amount"), lines=Count("id")
    )


def rules_in_precedence() -> list[ClassificationRule]:
    """Every classification rule, strongest kind first (ClassificationRule.PRECEDENCE)."""
    order = {kind: rank for rank, kind in enumerate(ClassificationRule.PRECEDENCE)}
    return sorted(
        ClassificationRule.objects.select_related("supplier", "category"),
        key=lambda rule: (order[rule.kind], str(rule)),
    )
