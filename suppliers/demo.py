"""The demo company's supplier side: segments with reasons, relationship plans for the
strategic partners, scorecards, contracts, time spent, ideas and risks. Deterministic for a
seed; reads the spend already loaded (call after the spend summary is refreshed)."""

import datetime
from decimal import Decimal

import numpy as np
from django.db.models import Sum
from django.utils import timezone

from categories.models import Category
from spend import cube
from spend.models import SpendSummary
from stakeholders.models import BusinessUnit
from suppliers import queries
from suppliers.models import (
    EXIT,
    PREFERRED,
    STRATEGIC_PARTNER,
    TRANSACTIONAL,
    Contract,
    Evaluation,
    GovernanceMeeting,
    Rating,
    RelationshipAction,
    RelationshipPlan,
    ScorecardTemplate,
    SegmentDecision,
    Supplier,
    SupplierEngagement,
    SupplierIdea,
    SupplierRisk,
)

PLANS = 8
SCORED = 30
OBJECTIVES = {
    1: ("Agree what each side needs from the next three years", "Joint needs workshop"),
    2: ("A joint account plan with shared targets", "Write and sign off the account plan"),
    3: ("Monthly performance review on OTIF and quality", "Monthly dashboard and call"),
    4: ("Close the gaps the scorecard shows", "Improvement plan on the two weakest KPIs"),
    5: ("Bring two new products to trial this year", "Innovation day at the supplier's site"),
}
# How many of the five elements each plan covers: some partners are only "monitored".
COVERAGE = [5, 4, 3, 1, 2, 5, 3, 1]
IDEAS = [
    ("Recyclable mono-material film", "innovation", "Switch laminated film to mono-PE."),
    ("Consolidated monthly invoicing", "savings", "One invoice a month instead of per order."),
    ("Vendor-managed inventory", "savings", "Supplier holds stock at our site, we pay on use."),
    ("Co-branded retail pack", "revenue", "Sell a co-branded pack through their channel."),
    ("Lighter gauge with same strength", "savings", "New resin lets the gauge drop 8%."),
    ("Shared route planning", "savings", "Combine inbound loads with their other customers."),
    ("Waste heat recovery", "innovation", "Pilot heat recovery on line 3."),
    ("Sell our spare lab capacity", "revenue", "Their R&D team would rent our test lab."),
]
RISKS = [
    ("Single site making all our volume", 3, 5, "Qualify their second site."),
    ("Owner retiring, no succession plan", 2, 4, "Meet the board; map alternatives."),
    ("Energy cost pass-through clause", 4, 3, "Cap and collar in the next renewal."),
    ("Late deliveries since ERP change", 4, 2, "Weekly OTIF call until back above 95%."),
]
TOPICS = [
    "Quarterly business review",
    "Late delivery escalation",
    "Invoice dispute",
    "Price increase request",
    "Quality complaint",
    "Innovation workshop",
    "Contract renewal",
    "Site visit",
]


def load(seed: int = 7, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    period = cube.latest_period()
    if period is None:
        return
    rng = np.random.default_rng([seed, 6])
    owners = _owner_of_suppliers(period)
    spend = queries.spend_by_supplier(period)
    ranked = sorted(spend, key=lambda pk: (-spend[pk], pk))
    suppliers = {supplier.pk: supplier for supplier in Supplier.objects.all()}
    _segments(rng, suppliers, owners, period)
    partners = [pk for pk in ranked if suppliers[pk].segment == STRATEGIC_PARTNER]
    preferred = [pk for pk in ranked if suppliers[pk].segment == PREFERRED]
    _plans(rng, [suppliers[pk] for pk in partners[:PLANS]], owners, today)
    _scorecards(rng, [suppliers[pk] for pk in (partners + preferred)[:SCORED]], owners, today)
    _contracts(rng, [suppliers[pk] for pk in (partners + preferred)[:60]], spend, today)
    _engagement(rng, suppliers, ranked, owners, today)
    _ideas_and_risks(rng, [suppliers[pk] for pk in (partners + preferred)[:20]], today)


def _owner_of_suppliers(period) -> dict:
    """Supplier id → the owner of the top-level category where most of its spend is."""
    owner_of_top = {category.path: category.owner for category in Category.objects.filter(depth=0)}
    rows = (
        SpendSummary.objects.filter(month__range=(period.start, period.end), category__isnull=False)
        .values("supplier", "category__path")
        .annotate(spend=Sum("spend"))
        .order_by("supplier", "-spend")
    )
    owners = {}
    for row in rows:
        if row["supplier"] not in owners:
            top = row["category__path"].split("/")[1]
            owners[row["supplier"]] = owner_of_top.get(f"/{top}/")
    return owners


def _segments(rng, suppliers, owners, period):
    """Every supplier gets the suggested segment, set by its category manager; a few are
    overruled, as a manager who knows more than the data would."""
    suggestions = queries.suggested_segments(period, list(suppliers))
    decisions, changed = [], []
    for pk, (segment, reason) in suggestions.items():
        chosen, why = segment, f"Agreed with the suggestion: {reason}"
        if segment == PREFERRED and rng.random() < 0.08:
            chosen, why = STRATEGIC_PARTNER, "Sole qualified source for a key line; " + reason
        elif segment == TRANSACTIONAL and rng.random() < 0.01:
            chosen, why = EXIT, "Repeated quality failures; moving the volume elsewhere."
        supplier = suppliers[pk]
        supplier.segment = chosen
        changed.append(supplier)
        decisions.append(
            SegmentDecision(
                supplier=supplier,
                segment=chosen,
                suggested=segment,
                reason=why,
                set_by=owners.get(pk),
            )
        )
    Supplier.objects.bulk_update(changed, ["segment"], batch_size=2000)
    SegmentDecision.objects.bulk_create(decisions, batch_size=2000)


def _plans(rng, partners, owners, today):
    for index, supplier in enumerate(partners):
        plan = RelationshipPlan.objects.create(
            supplier=supplier,
            purpose=f"{supplier.name} wants volume certainty and a say in our roadmap; we want "
            "security of supply, cost transparency and first sight of their innovation.",
            owner=owners.get(supplier.pk),
            supplier_contact="Key account director",
        )
        covered = sorted(
            rng.choice([1, 2, 3, 4, 5], size=COVERAGE[index % len(COVERAGE)], replace=False)
        )
        if 3 not in covered:  # every plan at least monitors
            covered[0] = 3
        for element in covered:
            objective, action = OBJECTIVES[int(element)]
            start = today - datetime.timedelta(days=int(rng.integers(30, 200)))
            RelationshipAction.objects.create(
                plan=plan,
                element=int(element),
                objective=objective,
                action=action,
                owner=rng.choice(["Category manager", "Supplier account lead", "Quality lead"]),
                start=start,
                due=start + datetime.timedelta(days=int(rng.integers(60, 300))),
                status=rng.choice(["planned", "under_way", "done"]),
            )
        for quarter in range(int(rng.integers(1, 4))):
            date = today - datetime.timedelta(days=90 * quarter + int(rng.integers(0, 20)))
            GovernanceMeeting.objects.create(
                plan=plan,
                date=date,
                attendees="Category manager, CPO; supplier's key account director",
                decisions="Reviewed scorecard and actions; agreed next quarter's priorities.",
                next_meeting=date + datetime.timedelta(days=90),
            )


def _quarters_back(today, count):
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        yield year, quarter


def _scorecards(rng, suppliers, owners, today):
    template = ScorecardTemplate.objects.filter(name="Standard scorecard").first()
    if template is None:
        return
    weights = list(template.weights.all())
    units_of = {}
    for row in (
        SpendSummary.objects.filter(supplier__in=suppliers)
        .values("supplier", "business_unit")
        .annotate(spend=Sum("spend"))
        .order_by("supplier", "-spend")
    ):
        units_of.setdefault(row["supplier"], []).append(row["business_unit"])
    leads = {}
    for unit in BusinessUnit.objects.prefetch_related("leads"):
        leads[unit.pk] = next(iter(unit.leads.all()), None)
    ratings = []
    for supplier in suppliers:
        level = rng.uniform(2.6, 4.4)
        for year, quarter in reversed(list(_quarters_back(today, 4))):
            level = float(np.clip(level + rng.normal(0, 0.3), 1.5, 4.8))
            raters = [(None, owners.get(supplier.pk))] + [
                (unit, leads.get(unit)) for unit in units_of.get(supplier.pk, [])[:2]
            ]
            for unit, person in raters:
                evaluation = Evaluation.objects.create(
                    supplier=supplier,
                    template=template,
                    year=year,
                    quarter=quarter,
                    business_unit_id=unit,
                    evaluator=person,
                )
                for weight in weights:
                    if unit is not None and weight.kpi.kind in {"cost", "innovation"}:
                        continue  # units seldom see price or innovation: left unrated
                    score = int(np.clip(round(level + rng.normal(0, 0.7)), 1, 5))
                    ratings.append(Rating(evaluation=evaluation, kpi=weight.kpi, score=score))
    Rating.objects.bulk_create(ratings, batch_size=2000)


def _contracts(rng, suppliers, spend, today):
    for index, supplier in enumerate(suppliers):
        categories = list(
            Category.objects.filter(
                pk__in=SpendSummary.objects.filter(supplier=supplier).values("category")
            )[:2]
        )
        start = today - datetime.timedelta(days=int(rng.integers(200, 1000)))
        end = today + datetime.timedelta(days=int(rng.integers(-30, 720)))
        contract = Contract.objects.create(
            supplier=supplier,
            title=f"{categories[0].name if categories else 'General'} supply agreement",
            reference=f"CT-{2024 + index % 3}-{index + 1:03d}",
            start=start,
            end=end,
            value=(spend.get(supplier.pk, Decimal(0)) * Decimal("2.5")).quantize(Decimal(1)),
            auto_renewal=bool(rng.random() < 0.4),
            notice_days=int(rng.choice([30, 60, 90, 180])),
        )
        contract.categories.set(categories)


def _engagement(rng, suppliers, ranked, owners, today):
    """Time goes to the big suppliers, and also to a handful of small troublemakers."""
    troublemakers = [pk for pk in ranked[200:] if suppliers[pk].segment == TRANSACTIONAL][:15]
    entries = []
    for _ in range(420):
        if rng.random() < 0.35 and troublemakers:
            pk = troublemakers[int(rng.integers(len(troublemakers)))]
            topic = TOPICS[int(rng.integers(1, 5))]
        else:
            pk = ranked[min(int(rng.exponential(25)), len(ranked) - 1)]
            topic = TOPICS[int(rng.integers(len(TOPICS)))]
        owner = owners.get(pk)
        entries.append(
            SupplierEngagement(
                supplier=suppliers[pk],
                date=today - datetime.timedelta(days=int(rng.integers(0, 365))),
                minutes=int(rng.choice([30, 45, 60, 90, 120, 240])),
                people=f"{owner.get_full_name() if owner else 'Procurement'}; account manager",
                topic=topic,
                logged_by=owner,
            )
        )
    SupplierEngagement.objects.bulk_create(entries)


def _ideas_and_risks(rng, suppliers, today):
    statuses = [choice for choice, _ in SupplierIdea.STATUSES]
    for index, supplier in enumerate(suppliers):
        title, kind, description = IDEAS[index % len(IDEAS)]
        SupplierIdea.objects.create(
            supplier=supplier,
            title=title,
            description=description,
            kind=kind,
            estimated_value=Decimal(int(rng.integers(5, 120)) * 1000),
            status=statuses[int(rng.integers(len(statuses)))],
            raised_on=today - datetime.timedelta(days=int(rng.integers(0, 300))),
        )
        if index % 2 == 0:
            description, likelihood, impact, mitigation = RISKS[index // 2 % len(RISKS)]
            SupplierRisk.objects.create(
                supplier=supplier,
                description=description,
                likelihood=likelihood,
                impact=impact,
                mitigation=mitigation,
                raised_on=today - datetime.timedelta(days=int(rng.integers(0, 200))),
            )
