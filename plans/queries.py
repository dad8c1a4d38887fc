"""What a plan page, its exports and the savings tracker gather from the database: the units'
weights for the plan's category, each unit's spend in it, the initiatives with their impacts
and units, and savings by fiscal year. The arithmetic is in plans.py and savings.py."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.db.models.functions import ExtractYear

from categories.models import Category
from plans import alignment as plans
from plans import savings
from plans.models import (
    CategoryPlan,
    Initiative,
    InitiativeImpact,
    RealisedSaving,
    StageProbability,
)
from spend import cube
from stakeholders.models import PriorityWeight
from stakeholders.priorities import combined_weights

ZERO = Decimal("0.00")
KINDS = ("hard_savings", "cost_avoidance", "revenue")
KIND_LABELS = {
    "hard_savings": "Hard savings",
    "cost_avoidance": "Cost avoidance",
    "revenue": "Revenue",
}


def ancestor_paths(path: str) -> list[str]:
    """The path of the category and of each category above it."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def unit_weights(category: Category) -> tuple[dict, Category | None]:
    """{unit code: {driver name: weight}} for the category, and the category they were stated
    for. Units state priorities for the categories they know (usually the top level), so a plan
    on a lower category uses the nearest one above it that has them. One query."""
    rows = PriorityWeight.objects.filter(
        priority__category__path__in=ancestor_paths(category.path)
    ).values_list(
        "priority__category__path",
        "priority__category_id",
        "priority__unit__code",
        "driver__name",
        "weight",
    )
    by_path: dict = defaultdict(lambda: defaultdict(dict))
    category_of = {}
    for path, category_id, unit, driver, weight in rows:
        by_path[path][unit][driver] = weight
        category_of[path] = category_id
    if not by_path:
        return {}, None
    nearest = max(by_path, key=len)
    if category_of[nearest] == category.pk:
        source = category
    else:
        source = Category.objects.get(pk=category_of[nearest])
    return {unit: dict(weights) for unit, weights in by_path[nearest].items()}, source


def unit_spend(category: Category, period) -> list[dict]:
    """Each unit's spend in the category's subtree over the period, largest first."""
    if period is None:
        return []
    return cube.spend_by_unit(cube.subtree_rows(category), period)


def stage_probabilities() -> dict:
    return savings.stage_probabilities(
        dict(StageProbability.objects.values_list("stage", "probability"))
    )


@dataclass
class InitiativeFigures:
    """One initiative with what the arithmetic says about it."""

    initiative: Initiative
    impacts: dict
    units: list
    weights: dict
    alignment: float
    conflicts: list
    risk_adjusted: Decimal
    rank: int = 0
    score: float = 0.0
    normalised_benefit: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def savings(self) -> Decimal:
        """Money the initiative saves: hard savings and cost avoidance (revenue is not a
        saving)."""
        return self.initiative.hard_savings + self.initiative.cost_avoidance

    @property
    def benefit(self) -> Decimal:
        """Hard savings + cost avoidance + revenue: the financial benefit the ranking uses."""
        return self.savings + self.initiative.revenue


def initiatives_of(plan: CategoryPlan):
    return (
        plan.initiatives.select_related("owner")
        .prefetch_related(
            Prefetch("impacts", queryset=InitiativeImpact.objects.select_related("driver")),
            "affected_units",
        )
        .order_by("start", "pk")
    )


def initiative_figures(
    plan: CategoryPlan, weights_by_unit: dict, spend_by_unit: dict, probabilities: dict
) -> list[InitiativeFigures]:
    """Every initiative of the plan with its alignment (the affected units' spend-weighted
    weights), its conflicts and its risk-adjusted value, ranked by the plan's α. Cancelled
    initiatives are kept, last, unranked."""
    figures = []
    for initiative in initiatives_of(plan):
        impacts = {impact.driver.name: impact.impact for impact in initiative.impacts.all()}
        units = sorted(initiative.affected_units.all(), key=lambda unit: unit.code)
        affected = {u.code: weights_by_unit[u.code] for u in units if u.code in weights_by_unit}
        weights = combined_weights(affected, spend_by_unit)
        expected = initiative.hard_savings + initiative.cost_avoidance + initiative.revenue
        figures.append(
            InitiativeFigures(
                initiative=initiative,
                impacts=impacts,
                units=units,
                weights=weights,
                alignment=plans.value_alignment(weights, impacts),
                conflicts=plans.conflicts(
                    initiative.hard_savings + initiative.cost_avoidance,
                    impacts,
                    affected,
                    plan.conflict_threshold,
                ),
                risk_adjusted=savings.risk_adjusted(expected, initiative.stage, probabilities),
            )
        )
    return rank_figures(figures, plan.savings_weight)


def rank_figures(figures: list[InitiativeFigures], savings_weight: float):
    live = [f for f in figures if f.initiative.stage != Initiative.CANCELLED]
    cancelled = [f for f in figures if f.initiative.stage == Initiative.CANCELLED]
    by_key = {f.initiative.pk: f for f in live}
    ranked = plans.rank([(f.initiative.pk, f.benefit, f.alignment) for f in live], savings_weight)
    ordered = []
    for position, row in enumerate(ranked, start=1):
        figure = by_key[row.key]
        figure.rank, figure.score, figure.normalised_benefit = (
            position,
            row.score,
            row.normalised_benefit,
        )
        ordered.append(figure)
    for figure in cancelled:
        figure.rank, figure.score, figure.normalised_benefit = 0, 0.0, 0.0
    return ordered + cancelled


def plan_affected_units(plan: CategoryPlan):
    """The units any of the plan's initiatives affects: whose leads endorse it."""
    from stakeholders.models import BusinessUnit

    return BusinessUnit.objects.filter(initiatives__plan=plan).distinct().order_by("name")


# --- Savings by fiscal year --------------------------------------------------------------------

PARTS = (("target", "Target"), ("pipeline", "Risk-adjusted pipeline"), ("realised", "Realised"))


@dataclass
class YearRow:
    year: int
    target: dict
    pipeline: dict
    realised: dict
    category: object = None

    def total(self, part: str) -> Decimal:
        return sum(getattr(self, part).values(), ZERO)


def _savings(plan_filter: dict, probabilities: dict, by_category: bool) -> dict:
    """{(category id or None, year): YearRow}; see savings_by_year."""
    chosen = CategoryPlan.objects.filter(**plan_filter)
    rows: dict = {}

    def row(category, year):
        key = (category if by_category else None, year)
        if key not in rows:
            rows[key] = YearRow(year, *[dict.fromkeys(KINDS, ZERO) for _ in range(3)])
            rows[key].category = key[0]
        return rows[key]

    targets = chosen.values("category", "fiscal_year").annotate(
        hard_savings=Sum("target_hard_savings"),
        cost_avoidance=Sum("target_cost_avoidance"),
        revenue=Sum("target_revenue"),
    )
    for target in targets.order_by():
        for kind in KINDS:
            row(target["category"], target["fiscal_year"]).target[kind] += target[kind] or ZERO
    live = (
        Initiative.objects.filter(plan__in=chosen)
        .exclude(stage=Initiative.CANCELLED)
        .values_list("plan__category", "stage", "start", "end", *KINDS)
    )
    # Prorating is per initiative (its own dates), so this one loop is over initiatives, a few
    # hundred at most, not over spend.
    for category, stage, start, end, *amounts in live:
        for year in range(start.year, end.year + 1):
            for kind, amount in zip(KINDS, amounts, strict=True):
                if amount:
                    share = savings.prorate(amount, start, end, year)
                    row(category, year).pipeline[kind] += savings.risk_adjusted(
                        share, stage, probabilities
                    )
    realised = (
        RealisedSaving.objects.filter(initiative__plan__in=chosen)
        .annotate(year=ExtractYear("period"))
        .values("initiative__plan__category", "year")
        .annotate(**{kind: Sum(kind) for kind in KINDS})
        .order_by()
    )
    for done in realised:
        for kind in KINDS:
            row(done["initiative__plan__category"], done["year"]).realised[kind] += (
                done[kind] or ZERO
            )
    return rows


def savings_by_year(plan_filter: dict, probabilities: dict) -> list[YearRow]:
    """Target (the plans' own targets), risk-adjusted pipeline (each live initiative prorated
    over the fiscal years it runs in, × its stage's probability) and realised (recorded by
    month), per fiscal year, hard savings, avoidance and revenue apart. `plan_filter` narrows
    the plans, e.g. {"category__path__startswith": "/DM/"}."""
    rows = _savings(plan_filter, probabilities, by_category=False)
    return [rows[key] for key in sorted(rows, key=lambda key: key[1])]


def savings_by_category(plan_filter: dict, probabilities: dict) -> list[YearRow]:
    """The same, per plan category and fiscal year; `category` holds the Category."""
    rows = _savings(plan_filter, probabilities, by_category=True)
    categories = Category.objects.in_bulk({key[0] for key in rows})
    for (category_id, _), year_row in rows.items():
        year_row.category = categories[category_id]
    return sorted(rows.values(), key=lambda r: (r.category.path, r.year))


# --- What a unit lead owes --------------------------------------------------------------------


def plans_awaiting_answer(units) -> list[dict]:
    """Plans in review that affect one of `units` and that unit has not yet endorsed or objected
    to in the plan's current revision: one row per plan and unit, oldest submission first."""
    from django.db.models import Exists, F, OuterRef

    from plans.models import PlanEndorsement

    answered = PlanEndorsement.objects.filter(
        plan=OuterRef("pk"),
        revision=OuterRef("revision"),
        unit=OuterRef("initiatives__affected_units"),
    )
    return list(
        CategoryPlan.objects.filter(
            status=CategoryPlan.IN_REVIEW, initiatives__affected_units__in=units
        )
        .exclude(Exists(answered))
        .values("pk", "title", "submitted_at", "category__name")
        .annotate(unit_name=F("initiatives__affected_units__name"))
        .distinct()
        .order_by("submitted_at", "pk")
    )
