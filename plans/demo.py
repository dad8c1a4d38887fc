"""Demo category plans for Harrowgate Foods & Packaging: one plan in every state, from a
closed 2025 plan with its savings realised to 2027 drafts, with initiatives whose impacts are
chosen against the units' stated priorities so the conflicts are real ones.

Deterministic: the same demo company gives the same plans. Called from load_demo after the
spend summary and the stakeholder demo exist."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from categories.models import Category
from plans import queries as planning
from plans.models import (
    CategoryPlan,
    Initiative,
    InitiativeImpact,
    PlanEndorsement,
    PlanEvent,
    PlanObjective,
    PlanVersion,
    RealisedSaving,
)
from plans.services import plan_snapshot
from spend import cube
from stakeholders.models import BusinessUnit, ValueDriver
from stakeholders.queries import nearest_unit_weights

D = datetime.date
COST = "Cost"
TOP_UNITS = 3  # an initiative affects the category's largest buyers


# (category, year, status, title, summary, targets (hard, avoidance, revenue), objectives,
#  initiatives: (title, lever, stage, hard, avoidance, revenue, one-off, start, end, impacts))
# An impact of "harm" is −1 on the driver the largest affected unit weights most after cost,
# "help" +1 on it: that is what makes the demo's conflicts real rather than invented.
PLANS = [
    (
        "FM",
        2025,
        CategoryPlan.CLOSED,
        "Facilities 2025: one FM provider per region",
        "Fewer contracts, better-run sites.",
        (120_000, 20_000, 0),
        ["Consolidate soft FM to one provider per region", "Cut reactive call-outs by a third"],
        [
            (
                "Regional soft FM tender",
                "tender",
                Initiative.REALISED,
                95_000,
                10_000,
                0,
                15_000,
                D(2025, 1, 1),
                D(2025, 12, 31),
                {COST: 2, "harm": -1},
            ),
            (
                "Planned maintenance schedule",
                "process",
                Initiative.REALISED,
                0,
                25_000,
                0,
                5_000,
                D(2025, 3, 1),
                D(2025, 12, 31),
                {COST: 1, "help": 1},
            ),
        ],
    ),
    (
        "IT",
        2026,
        CategoryPlan.ACTIVE,
        "IT 2026: fewer devices, better service",
        "Standard laptops, one service desk contract, cloud licences right-sized.",
        (150_000, 60_000, 0),
        ["One standard laptop range", "Licences matched to use", "Service desk answers in 1 h"],
        [
            (
                "Laptop range tender",
                "tender",
                Initiative.CONTRACTED,
                110_000,
                0,
                0,
                8_000,
                D(2026, 2, 1),
                D(2027, 1, 31),
                {COST: 2, "harm": -1},
            ),
            (
                "Licence right-sizing",
                "demand",
                Initiative.REALISED,
                45_000,
                0,
                0,
                2_000,
                D(2026, 1, 1),
                D(2026, 12, 31),
                {COST: 2},
            ),
            (
                "Service desk renegotiation",
                "renegotiation",
                Initiative.APPROVED,
                0,
                60_000,
                0,
                0,
                D(2026, 7, 1),
                D(2027, 6, 30),
                {COST: 1, "help": 1},
            ),
            (
                "Print fleet consolidation",
                "consolidation",
                Initiative.CANCELLED,
                20_000,
                0,
                0,
                0,
                D(2026, 4, 1),
                D(2027, 3, 31),
                {COST: 1},
            ),
        ],
    ),
    (
        "LOG",
        2027,
        CategoryPlan.APPROVED,
        "Logistics 2027: reliable lanes first",
        "Keep the carriers that deliver; tender the lanes that do not.",
        (200_000, 40_000, 0),
        ["OTIF at or above 97% on every lane", "Cost per pallet down 5%"],
        [
            (
                "Lane tender for under-performing routes",
                "tender",
                Initiative.APPROVED,
                160_000,
                0,
                0,
                12_000,
                D(2027, 1, 1),
                D(2027, 12, 31),
                {COST: 2, "help": 1},
            ),
            (
                "Backhaul revenue from own fleet",
                "revenue",
                Initiative.VALIDATED,
                0,
                0,
                45_000,
                5_000,
                D(2027, 4, 1),
                D(2028, 3, 31),
                {"help": 1},
            ),
        ],
    ),
    (
        "PK",
        2027,
        CategoryPlan.IN_REVIEW,
        "Packaging 2027: savings without losing the line",
        "Tender corrugated, lighter films, and a supplier-led innovation programme.",
        (350_000, 50_000, 0),
        ["Corrugated cost down 8%", "Plastic weight down 15%", "No line stoppage for packaging"],
        [
            (
                "Corrugated cases: competitive tender",
                "tender",
                Initiative.VALIDATED,
                240_000,
                0,
                0,
                20_000,
                D(2027, 1, 1),
                D(2027, 12, 31),
                {COST: 2, "harm": -1},
            ),
            (
                "Lighter shrink film (value engineering)",
                "specification",
                Initiative.IDEA,
                85_000,
                0,
                0,
                30_000,
                D(2027, 4, 1),
                D(2028, 3, 31),
                {COST: 1, "Sustainability": 2},
            ),
            (
                "Joint innovation with the film supplier",
                "innovation",
                Initiative.IDEA,
                0,
                40_000,
                0,
                15_000,
                D(2027, 1, 1),
                D(2027, 12, 31),
                {"Innovation": 2, "help": 1},
            ),
        ],
    ),
    (
        "MRO",
        2027,
        CategoryPlan.IN_REVIEW,
        "MRO 2027: one catalogue",
        "A vending and catalogue model for spares; critical spares stay with the OEMs.",
        (90_000, 30_000, 0),
        ["80% of MRO spend through the catalogue"],
        [
            (
                "Integrated MRO supplier",
                "consolidation",
                Initiative.VALIDATED,
                70_000,
                0,
                0,
                10_000,
                D(2027, 3, 1),
                D(2028, 2, 29),
                {COST: 2, "harm": -2},
            ),
            (
                "Vending machines on the shop floor",
                "process",
                Initiative.IDEA,
                0,
                30_000,
                0,
                12_000,
                D(2027, 6, 1),
                D(2027, 12, 31),
                {COST: 1, "help": 1},
            ),
        ],
    ),
    (
        "DM",
        2027,
        CategoryPlan.DRAFT,
        "Direct materials 2027 (draft)",
        "Early thinking: index-linked pricing and a second source for starches.",
        (0, 0, 0),
        [],
        [
            (
                "Second source for modified starch",
                "risk",
                Initiative.IDEA,
                0,
                50_000,
                0,
                25_000,
                D(2027, 1, 1),
                D(2027, 12, 31),
                {"Risk & continuity": 2},
            ),
        ],
    ),
]
# Who answers the plans in review: PK is endorsed by one unit and objected to by another.
OBJECTION = "The tender risks what our lines depend on most; we need trial runs before any switch."


def load() -> None:
    CategoryPlan.objects.all().delete()
    period = cube.latest_period()
    drivers = {driver.name: driver for driver in ValueDriver.objects.all()}
    cpo = get_user_model().objects.filter(username="cpo").first()
    now = timezone.now()
    for code, year, status, title, summary, targets, objectives, initiatives in PLANS:
        category = Category.objects.filter(code=code).select_related("owner").first()
        if category is None:
            continue
        spend = planning.unit_spend(category, period)
        units = list(
            BusinessUnit.objects.filter(pk__in=[row["business_unit"] for row in spend[:TOP_UNITS]])
        )
        weights, _ = nearest_unit_weights(category)
        valued = _most_valued_after_cost(weights, [row["business_unit__code"] for row in spend])
        plan = CategoryPlan.objects.create(
            category=category,
            fiscal_year=year,
            title=title,
            summary=summary,
            status=status,
            target_hard_savings=Decimal(targets[0]),
            target_cost_avoidance=Decimal(targets[1]),
            target_revenue=Decimal(targets[2]),
            created_by=category.owner,
            submitted_at=now if status != CategoryPlan.DRAFT else None,
        )
        PlanObjective.objects.bulk_create(
            PlanObjective(plan=plan, text=text, order=i) for i, text in enumerate(objectives)
        )
        for row in initiatives:
            _initiative(plan, row, units, drivers, valued, category.owner)
        PlanEvent.objects.create(
            plan=plan, revision=1, action="Plan started", changes={}, by=category.owner
        )
        if status in (CategoryPlan.APPROVED, CategoryPlan.ACTIVE, CategoryPlan.CLOSED):
            _endorse_all(plan, units)
            plan.approved_by, plan.approved_at = cpo, now
            plan.save(update_fields=["approved_by", "approved_at"])
            PlanVersion.objects.create(
                plan=plan,
                revision=1,
                snapshot=plan_snapshot(plan=plan),
                approved_by=cpo,
                approved_at=now,
            )
            PlanEvent.objects.create(
                plan=plan,
                revision=1,
                action="Approve",
                by=cpo,
                changes={"status": ["In review", "Approved"]},
            )
        if status == CategoryPlan.IN_REVIEW and len(units) > 1:
            _answer(plan, units[0], PlanEndorsement.OBJECT, OBJECTION)
            for unit in units[1:2]:
                _answer(plan, unit, PlanEndorsement.ENDORSE, "")
        if status in (CategoryPlan.ACTIVE, CategoryPlan.CLOSED):
            _realise(plan, category.owner)


def _most_valued_after_cost(weights: dict, units_by_spend: list) -> str | None:
    """The driver other than cost that the largest buying unit with priorities weights most."""
    for unit in units_by_spend:
        others = {d: w for d, w in weights.get(unit, {}).items() if d != COST}
        if others:
            return max(sorted(others), key=lambda d: others[d])
    return None


def _initiative(plan, row, units, drivers, valued, owner):
    title, lever, stage, hard, avoid, revenue, one_off, start, end, impacts = row
    initiative = Initiative.objects.create(
        plan=plan,
        title=title,
        lever=lever,
        stage=stage,
        hard_savings=Decimal(hard),
        cost_avoidance=Decimal(avoid),
        revenue=Decimal(revenue),
        one_off_cost=Decimal(one_off),
        spend_affected=Decimal(max(hard, avoid, revenue) * 8),
        start=start,
        end=end,
        owner=owner,
        effort=3 if one_off < 10_000 else 4,
        risk=2 if stage in (Initiative.CONTRACTED, Initiative.REALISED) else 3,
        cancel_reason="Print volumes fell faster than the tender could deliver."
        if stage == Initiative.CANCELLED
        else "",
    )
    initiative.affected_units.set(units)
    resolved = {}
    for name, impact in impacts.items():
        if name in ("harm", "help"):
            name = valued
        if name in drivers:
            resolved[name] = impact
    InitiativeImpact.objects.bulk_create(
        InitiativeImpact(initiative=initiative, driver=drivers[name], impact=impact)
        for name, impact in resolved.items()
    )


def _answer(plan, unit, decision, reason):
    lead = unit.leads.first()
    PlanEndorsement.objects.create(
        plan=plan,
        revision=plan.revision,
        unit=unit,
        decision=decision,
        reason=reason,
        decided_by=lead,
    )
    PlanEvent.objects.create(
        plan=plan,
        revision=plan.revision,
        action=f"{unit.name} {dict(PlanEndorsement.DECISIONS)[decision].lower()} revision 1",
        changes={"reason": ["", reason]} if reason else {},
        by=lead,
    )


def _endorse_all(plan, units):
    for unit in units:
        _answer(plan, unit, PlanEndorsement.ENDORSE, "")


def _realise(plan, owner):
    """Realised and contracted initiatives deliver month by month from their start, at the
    expected monthly rate, up to the end of the demo's data."""
    last = D(2026, 10, 1)
    for initiative in plan.initiatives.filter(
        stage__in=(Initiative.REALISED, Initiative.CONTRACTED)
    ):
        months = (
            (initiative.end.year - initiative.start.year) * 12
            + (initiative.end.month - initiative.start.month)
            + 1
        )
        month = initiative.start.replace(day=1)
        rows = []
        while month <= min(last, initiative.end):
            rows.append(
                RealisedSaving(
                    initiative=initiative,
                    period=month,
                    hard_savings=(initiative.hard_savings / months).quantize(Decimal("0.01")),
                    cost_avoidance=(initiative.cost_avoidance / months).quantize(Decimal("0.01")),
                    revenue=(initiative.revenue / months).quantize(Decimal("0.01")),
                    recorded_by=owner,
                )
            )
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        RealisedSaving.objects.bulk_create(rows)
