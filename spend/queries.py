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
    category_numbers,
    with_categories,
)
from spend.models import ClassificationRule, KraljicAssessment, SpendLine
from workbench.figures import SPEND, cached


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
    categories = {
        category.pk: category
        for category in Category.objects.filter(depth=depth).select_related("owner")
    }
    # The figures alone are kept (plain numbers by category id); the categories, with their
    # owners' names, are read fresh.
    measured = cached(
        "kraljic-figures",
        areas=[SPEND],
        scope="every category",
        key=(depth, period),
        compute=lambda: _category_numbers(depth, period),
    )
    figures = with_categories(measured, categories)
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


def _category_numbers(depth: int, period: Period) -> list[tuple[int, dict]]:
    """Each category at `depth` with its spend and concentration over `period` against its
    peers (spend.cube.category_figures), as (id, figures), largest spend first."""
    categories = list(Category.objects.filter(depth=depth))
    cube = CubeFilter(start=period.start, end=period.end)
    pairs = by_category_and_supplier(cube.summary_rows().filter(category__isnull=False))
    path_of = dict(Category.objects.values_list("id", "path"))
    return category_numbers(category_figures(pairs, categories, path_of))


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


def classification_rule_changes(limit: int = 30):
    """The latest changes to the rules, newest first: made, pointed at another category, or
    removed, with who did it."""
    return ClassificationRule.history.select_related(
        "history_user", "category", "supplier"
    ).order_by("-history_date", "-history_id")[:limit]


def removed_classification_rules(limit: int = 30):
    """Rules removed on the rules page and not made again since, latest removal first: each
    can be put back."""
    removals = (
        ClassificationRule.history.filter(
            history_type="-", history_change_reason=ClassificationRule.REMOVED_ON_RULES_PAGE
        )
        .exclude(id__in=ClassificationRule.objects.values("pk"))
        .select_related("history_user", "category", "supplier")
        .order_by("-history_date", "-history_id")[: limit * 2]
    )
    latest = {}
    for removal in removals:  # a rule removed, put back and removed again: its last removal
        latest.setdefault(removal.id, removal)
    return list(latest.values())[:limit]


def rules_in_precedence() -> list[ClassificationRule]:
    """Every classification rule, strongest kind first (ClassificationRule.PRECEDENCE)."""
    order = {kind: rank for rank, kind in enumerate(ClassificationRule.PRECEDENCE)}
    return sorted(
        ClassificationRule.objects.select_related("supplier", "category"),
        key=lambda rule: (order[rule.kind], str(rule)),
    )
