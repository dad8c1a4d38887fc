"""What a plan page, its exports and the savings tracker gather from the database: the plan
list's figures, the units' weights for the plan's category, each unit's spend in it, the
initiatives with their impacts and units, each section of the plan's page (PlanPage), and
savings by fiscal year. The arithmetic is in alignment.py and savings.py."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Sum
from django.db.models.functions import Coalesce, ExtractYear

from categories.models import Category
from plans import alignment as plans
from plans import charts, savings
from plans.models import (
    CategoryPlan,
    Initiative,
    InitiativeImpact,
    PlanEndorsement,
    RealisedSaving,
    StageProbability,
)
from plans.savings import KIND_LABELS, KINDS, PARTS  # noqa: F401 (the tracker's labels)
from spend import charts as spend_charts
from spend import cube, panels
from spend.queries import kraljic_positions
from stakeholders import disclosure
from stakeholders import queries as stakeholder_queries
from stakeholders.models import BusinessUnit, SurveyRound
from stakeholders.priorities import combined_weights
from stakeholders.satisfaction import recommend_group
from suppliers.models import Contract
from workbench.charts import cached_chart, figure_html
from workbench.exports import Column
from workbench.permissions import (
    plan_roles,
    readable_responses,
    readable_spend,
    reads_units_one_by_one,
    sees_who_answered,
    units_led_by,
)

ZERO = Decimal("0.00")
# Cancelled initiatives are kept on the plan but promise nothing.
LIVE = ~Q(initiatives__stage=Initiative.CANCELLED)


# --- The plan list -----------------------------------------------------------------------------


def plans_with_figures(plans_shown, *, status: str = "", year: str = "", category=None):
    """`plans_shown` (the user's readable plans) narrowed by the list's filters, each with its
    live initiatives' count and money, newest year first."""
    plans_shown = plans_shown.annotate(
        initiative_count=Count("initiatives", filter=LIVE, distinct=True),
        hard_savings=Coalesce(Sum("initiatives__hard_savings", filter=LIVE), ZERO),
        cost_avoidance=Coalesce(Sum("initiatives__cost_avoidance", filter=LIVE), ZERO),
        revenue=Coalesce(Sum("initiatives__revenue", filter=LIVE), ZERO),
    ).order_by("-fiscal_year", "category__path")
    if status in dict(CategoryPlan.STATUSES):
        plans_shown = plans_shown.filter(status=status)
    if year.isdigit():
        plans_shown = plans_shown.filter(fiscal_year=int(year))
    if category is not None:
        plans_shown = plans_shown.filter(category__path__startswith=category.path)
    return plans_shown


def plan_years(plans_shown):
    """The fiscal years the plans cover, newest first: the list's year filter."""
    return plans_shown.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct()


PLAN_LIST_COLUMNS = [
    Column("Category code", lambda p: p.category.code),
    Column("Category", lambda p: p.category.name),
    Column("Fiscal year", "fiscal_year"),
    Column("Title", "title"),
    Column("Status", lambda p: p.get_status_display()),
    Column("Revision", "revision"),
    Column("Initiatives", "initiative_count"),
    Column("Target hard savings", "target_hard_savings"),
    Column("Target cost avoidance", "target_cost_avoidance"),
    Column("Target revenue", "target_revenue"),
    Column("Planned hard savings", "hard_savings"),
    Column("Planned cost avoidance", "cost_avoidance"),
    Column("Planned revenue", "revenue"),
]


# --- A plan's figures --------------------------------------------------------------------------


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
    return BusinessUnit.objects.filter(initiatives__plan=plan).distinct().order_by("name")


def stale_changes(events, seen_version: int) -> list:
    """The saves among `events` made since the version a form was opened on (newest first),
    each with `shown_changes`: what changed, without the version bookkeeping."""
    newer = []
    for event in events:
        version = event.changes.get("version")
        if version and int(version[1]) > seen_version:
            event.shown_changes = {k: v for k, v in event.changes.items() if k != "version"}
            newer.append(event)
    return newer


# --- The plan's page ---------------------------------------------------------------------------


class PlanPage:
    """Each section of a plan's page, worked out only when that section is shown, as the
    `user` may see it, ranked with savings weighing `alpha`. Sections share the period, the
    units' weights and spend, computed once."""

    def __init__(self, plan, user, alpha):
        self.plan, self.user, self.alpha = plan, user, alpha
        self._cache = {}

    def _once(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def period(self):
        return self._once("period", cube.latest_period)

    @property
    def weights(self):
        return self._once(
            "weights", lambda: stakeholder_queries.nearest_unit_weights(self.plan.category)
        )

    @property
    def unit_spend(self):
        return self._once("unit_spend", lambda: unit_spend(self.plan.category, self.period))

    @property
    def probabilities(self):
        return self._once("probabilities", stage_probabilities)

    @property
    def figures(self):
        def make():
            spend = {row["business_unit__code"]: row["spend"] for row in self.unit_spend}
            figures = initiative_figures(self.plan, self.weights[0], spend, self.probabilities)
            return rank_figures(figures, self.alpha)

        return self._once("figures", make)

    @property
    def readable_unit_codes(self) -> set:
        """The units the user reads one by one here (reads_units_one_by_one: all of them for the
        owner, the CPO and administrators; anyone else the units they lead)."""

        def make():
            if reads_units_one_by_one(self.user, self.plan.category):
                spending = {row["business_unit__code"] for row in self.unit_spend}
                return set(self.weights[0]) | spending
            return set(units_led_by(self.user).values_list("code", flat=True))

        return self._once("readable_unit_codes", make)

    def readable_rows(self, rows):
        """Spend summary rows as the user may read them (a unit lead: their own units')."""
        return readable_spend(self.user, rows)

    def baseline(self):
        category, period = self.plan.category, self.period
        if period is None:
            return {"period": None}
        (totals,) = cube.with_subtree_spend(
            [category], period, rows=self.readable_rows(cube.spend_rows())
        )
        monthly = panels.months_of(
            cube.monthly_spend(self.readable_rows(cube.subtree_rows(category)), period),
            period.start,
            period.end,
        )
        return {
            "period": period,
            "spend": totals.spend,
            "previous_spend": totals.previous_spend,
            "supplier_count": totals.supplier_count,
            "change": cube.change_ratio(totals.spend, totals.previous_spend),
            "trend_chart": self._baseline_chart(monthly),
        }

    def _baseline_chart(self, monthly: list[dict]) -> str:
        currency = settings.BASE_CURRENCY
        name = f"Spend per month of {self.plan.category.name}, the plan's baseline"

        def build():
            summary, table = spend_charts.monthly_spend_text(monthly, currency)
            return figure_html(
                spend_charts.monthly_spend_line(monthly, currency),
                height=240,
                name=name,
                summary=summary,
                table=table,
            )

        return cached_chart("plan-baseline", (name, currency, monthly), build)

    def kraljic(self):
        if self.period is None:
            return {"position": None}
        positions = kraljic_positions(self.plan.category.depth, self.period)
        position = next((p for p in positions if p.category.pk == self.plan.category_id), None)
        return {"position": position}

    def priorities(self):
        """The units' driver weights and the latest round's answers about the plan's category,
        as the user may read them: unit by unit only the units they may read one by one
        (reads_units_one_by_one: all of them for the owner, the CPO and administrators; anyone
        else the units they lead); the spend-weighted combination when it is theirs to read or spans
        at least disclosure.MIN_UNITS units; answers through readable_responses and, in an
        anonymous round, only their own units' and voids that survive disclosure."""
        weights, source = self.weights
        category = source or self.plan.category
        spend = {row["business_unit__code"]: row["spend"] for row in self.unit_spend}
        readable_units = self.readable_unit_codes
        combined = combined_weights(weights, spend)
        combined_shown = set(weights) <= readable_units or disclosure.may_show_aggregate(
            len(weights)
        )
        own = [u for u in self.unit_spend if u["business_unit__code"] in readable_units]
        top_units = [u for u in own if u["business_unit__code"] in weights][:3]
        if combined_shown:
            drivers = sorted(combined, key=lambda d: -combined[d])
        else:
            drivers = sorted(
                {d for u in top_units for d in weights[u["business_unit__code"]]},
                key=lambda d: -max(weights[u["business_unit__code"]].get(d, 0) for u in top_units),
            )
        latest_round = (
            SurveyRound.objects.filter(categories=category).order_by("-closes_on").first()
        )
        satisfaction_rows, voids = [], []
        if latest_round is not None:
            readable = readable_responses(self.user)
            responses = stakeholder_queries.submitted(
                readable.filter(round=latest_round, category=category)
            )
            if not sees_who_answered(self.user, latest_round):
                # Anonymous: a reader sees only the answers of the units they lead.
                responses = responses.filter(unit__leads=self.user)
            satisfaction_rows = [
                {"unit": unit, "recommend": recommend, "group": recommend_group(recommend)}
                for unit, recommend in responses.filter(recommend__isnull=False)
                .order_by("unit__name")
                .values_list("unit__name", "recommend")
            ]
            voids = [
                row
                for row in stakeholder_queries.voids_in_round(self.user, latest_round, readable)
                if row["category_code"] == category.code
            ]
        return {
            "weights_source": source,
            "combined": (
                [(driver, combined[driver]) for driver in drivers] if combined_shown else []
            ),
            "combined_withheld": bool(weights) and not combined_shown,
            # Drivers as rows: eight drivers fit down a card, not across it; beside the
            # combination, the largest buyers' own weights (those the user may read).
            "top_units": top_units,
            "driver_rows": [
                {
                    "driver": driver,
                    "combined": combined[driver] if combined_shown else None,
                    "weights": [
                        weights[unit["business_unit__code"]].get(driver) for unit in top_units
                    ],
                }
                for driver in drivers
            ],
            "drivers": drivers,
            "latest_round": latest_round,
            "satisfaction_rows": satisfaction_rows,
            "voids": voids,
        }

    def suppliers(self):
        category, period = self.plan.category, self.period
        rows = self.readable_rows(cube.subtree_rows(category))
        top = cube.top_suppliers(rows, period, 8) if period else []
        contracts = (
            Contract.objects.filter(categories__path__startswith=category.path)
            .select_related("supplier")
            .distinct()
            .order_by("end")[:12]
        )
        return {"top_suppliers": top, "contracts": contracts}

    def objectives(self):
        return {"objectives": list(self.plan.objectives.all())}

    def ranking(self):
        figures = self.figures
        live = [f for f in figures if f.rank]
        # A unit's exact weight is for those who read that unit: others learn only that it
        # weights the driver at the plan's threshold or more, which is what a conflict is.
        conflicts = [
            (f, c, c.unit in self.readable_unit_codes) for f in figures for c in f.conflicts
        ]
        return {
            "figures": figures,
            "conflicts": conflicts,
            "probabilities": self.probabilities,
            "totals": {
                "hard_savings": sum(f.initiative.hard_savings for f in live),
                "cost_avoidance": sum(f.initiative.cost_avoidance for f in live),
                "revenue": sum(f.initiative.revenue for f in live),
                "one_off_cost": sum(f.initiative.one_off_cost for f in live),
                "risk_adjusted": sum(f.risk_adjusted for f in live),
            },
            "tradeoff_chart": self._tradeoff_chart(figures) if live else None,
        }

    def _tradeoff_chart(self, figures) -> str:
        currency = settings.BASE_CURRENCY

        def build():
            summary, table = charts.plan_tradeoff_text(figures, currency)
            return figure_html(
                charts.plan_tradeoff(figures, currency),
                height=380,
                name="Initiatives by financial benefit (across) and value alignment (up)",
                summary=summary,
                table=table,
            )

        # What plan_tradeoff and its text read of each initiative.
        drawn = [
            (
                f.rank,
                f.initiative.title,
                f.initiative.spend_affected,
                f.benefit,
                f.alignment,
                f.score,
                [(str(c.unit), str(c.driver)) for c in f.conflicts],
            )
            for f in figures
        ]
        return cached_chart("plan-tradeoff", (currency, drawn), build)

    def workflow(self):
        plan = self.plan
        units = list(plan_affected_units(plan))
        answers = {
            e.unit_id: e
            for e in plan.endorsements.filter(revision=plan.revision).select_related("decided_by")
        }
        roles = plan_roles(self.user, plan)
        led = set(units_led_by(self.user).values_list("pk", flat=True))
        return {
            "endorsement_rows": [{"unit": unit, "answer": answers.get(unit.pk)} for unit in units],
            "actions": [
                (action, plans.ACTION_LABELS[action])
                for action in plans.allowed_actions(plan.status, roles)
            ],
            "may_endorse": plan.status == CategoryPlan.IN_REVIEW
            and any(unit.pk in led for unit in units),
            "waiting_for": [unit.name for unit in units if unit.pk not in answers],
        }

    def history(self):
        events = list(self.plan.events.select_related("by", "initiative")[:50])
        for event in events:
            event.shown_changes = {k: v for k, v in event.changes.items() if k != "version"}
        return {
            "events": events,
            "versions": list(self.plan.versions.select_related("approved_by")),
        }


# The plan's initiatives as its CSV and Excel exports write them (the page's ranking table shows
# fewer columns, formatted for reading).
INITIATIVE_COLUMNS = [
    Column("Rank", lambda f: f.rank or ""),
    Column("Initiative", lambda f: f.initiative.title),
    Column("Lever", lambda f: f.initiative.get_lever_display()),
    Column("Stage", lambda f: f.initiative.get_stage_display()),
    Column("Hard savings", lambda f: f.initiative.hard_savings),
    Column("Cost avoidance", lambda f: f.initiative.cost_avoidance),
    Column("Revenue", lambda f: f.initiative.revenue),
    Column("One-off cost", lambda f: f.initiative.one_off_cost),
    Column("Risk-adjusted value", "risk_adjusted"),
    Column("Start", lambda f: f.initiative.start),
    Column("End", lambda f: f.initiative.end),
    Column("Owner", lambda f: f.initiative.owner.get_full_name() if f.initiative.owner else ""),
    Column("Effort", lambda f: f.initiative.effort),
    Column("Risk", lambda f: f.initiative.risk),
    Column("Affected units", lambda f: ", ".join(unit.code for unit in f.units)),
    Column("Value alignment", lambda f: round(f.alignment, 3)),
    Column("Score", lambda f: round(f.score, 3) if f.rank else ""),
    Column(
        "Conflicts",
        lambda f: "; ".join(f"{c.unit} loses on {c.driver} ({c.impact:+d})" for c in f.conflicts),
    ),
]


# --- Savings by fiscal year --------------------------------------------------------------------


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
