"""The evidence the app already holds about one category's maturity, gathered as database
aggregates (a fixed number of queries) and judged by the rules in categories/maturity.py.

Categories are assessed where their managers run them and units state priorities: at the top
of the tree. Everything below a category (spend, suppliers, plans) counts towards it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from plans.models import CategoryPlan, Initiative
from portfolio import maturity
from spend import cube
from spend.models import KraljicAssessment, SpendSummary
from stakeholders import queries as stakeholder_queries
from stakeholders.models import EngagementEntry, Priority, SurveyResponse, SurveyRound
from stakeholders.satisfaction import NetPromoterScore
from suppliers.models import STRATEGIC_PARTNER, Supplier, SupplierEngagement
from workbench import figures

YEAR = datetime.timedelta(days=365)


@dataclass
class EvidenceItem:
    """What the app shows beside one dimension's answers: figures in words and the level they
    support (None: nothing to judge by)."""

    level: int | None
    reason: str
    facts: list  # (label, value in words) pairs


def _shares(rows, total: Decimal) -> float:
    return float(rows / total) if total else 0.0


def gather(category, period, user, today: datetime.date) -> dict:
    """{dimension key: EvidenceItem} for a top-level category over `period` (the latest twelve
    months of spend); `user` decides which survey answers count (anonymity)."""
    subtree = Q(category__path__startswith=category.path)
    spend_rows = SpendSummary.objects.filter(subtree)
    if period is not None:
        spend_rows = spend_rows.filter(month__range=(period.start, period.end))
    else:
        spend_rows = spend_rows.none()
    # The aggregates over the subtree's spend and its suppliers are the same for every reader
    # of the questionnaire (its owner, administrators): kept under the spend and supplier
    # versions, for the category, period and day.
    by_unit, totals, partners, minutes = figures.cached(
        "maturity-evidence",
        areas=[figures.SPEND, figures.SUPPLIERS],
        scope="every unit",
        key=(category.pk, period, today),
        compute=lambda: _spend_and_suppliers(spend_rows, today),
    )
    total = sum(by_unit.values(), Decimal(0))
    evidence = {
        maturity.STAKEHOLDER_FOCUS: _stakeholder_focus(category, by_unit, total, user),
        maturity.SPEND_INSIGHT: _spend_insight(category, totals, total),
        maturity.SUPPLIER_RELATIONSHIPS: _supplier_relationships(
            partners, minutes, totals["segmented"], total
        ),
        maturity.COLLABORATION: _collaboration(category, by_unit, today),
    }
    evidence.update(_plans(category, today))
    return evidence


def _stakeholder_focus(category, by_unit, total, user) -> EvidenceItem:
    stated = set(Priority.objects.filter(category=category).values_list("unit_id", flat=True))
    covered = sum((spend for unit, spend in by_unit.items() if unit in stated), Decimal(0))
    coverage = _shares(covered, total) if total else None
    survey_round = _latest_round(category)
    nps, voids, responses = None, 0, 0
    if survey_round is not None:
        counts = stakeholder_queries.recommend_counts(
            SurveyResponse.objects.filter(round=survey_round, category=category)
        )
        score = NetPromoterScore(counts["promoters"], counts["passives"], counts["detractors"])
        nps, responses = score.score, score.responses
        voids = sum(
            1
            for row in stakeholder_queries.voids_in_round(user, survey_round)
            if row["category_code"] == category.code
        )
    judged = maturity.stakeholder_focus(coverage, nps, voids, responses)
    facts = [
        ("Spend from units that stated priorities", "–" if coverage is None else f"{coverage:.0%}"),
        ("Units with priorities", f"{len(stated & set(by_unit))} of {len(by_unit)} buying"),
    ]
    if survey_round is not None:
        facts += [
            (f"NPS, {survey_round.name}", "–" if nps is None else f"{nps:+.0f} ({responses})"),
            ("Voids", str(voids)),
        ]
    else:
        facts.append(("Satisfaction", "no round has asked about this category yet"))
    return EvidenceItem(judged.level, judged.reason, facts)


def _latest_round(category):
    return (
        SurveyRound.objects.filter(
            responses__category=category, responses__submitted_at__isnull=False
        )
        .order_by("-opens_on", "-pk")
        .first()
    )


def _spend_insight(category, totals, total) -> EvidenceItem:
    segmented = _shares(totals["segmented"], total)
    reviewed = KraljicAssessment.objects.filter(category__path__startswith=category.path).exists()
    judged = maturity.spend_insight(totals["months"], segmented, reviewed)
    facts = [
        ("Months with classified spend", f"{totals['months']} of 12"),
        ("Spend with segmented suppliers", f"{segmented:.0%}"),
        ("Kraljic position reviewed by the owner", "yes" if reviewed else "no"),
    ]
    return EvidenceItem(judged.level, judged.reason, facts)


def _spend_and_suppliers(spend_rows, today) -> tuple:
    """Spend per unit, the months and segmented spend, the strategic partners (with a plan)
    and the supplier time of the last year, of the subtree's spend rows."""
    by_unit = dict(
        spend_rows.values("business_unit")
        .annotate(spend=Sum("spend"))
        .values_list("business_unit", "spend")
    )
    totals = spend_rows.aggregate(
        months=Count("month", distinct=True),
        segmented=Coalesce(
            Sum("spend", filter=~Q(supplier__segment="")), cube.ZERO, output_field=cube.MONEY
        ),
    )
    suppliers = Supplier.objects.filter(pk__in=spend_rows.values("supplier"))
    partners = suppliers.filter(segment=STRATEGIC_PARTNER).aggregate(
        strategic=Count("pk"), with_plan=Count("pk", filter=Q(relationship_plan__isnull=False))
    )
    minutes = SupplierEngagement.objects.filter(
        supplier__in=suppliers, date__gt=today - YEAR
    ).aggregate(
        all=Coalesce(Sum("minutes"), 0),
        strategic=Coalesce(Sum("minutes", filter=Q(supplier__segment=STRATEGIC_PARTNER)), 0),
    )
    return by_unit, totals, partners, minutes


def _supplier_relationships(partners, minutes, segmented, total) -> EvidenceItem:
    time_share = minutes["strategic"] / minutes["all"] if minutes["all"] else None
    segmented_share = _shares(segmented, total)
    judged = maturity.supplier_relationships(
        partners["strategic"], partners["with_plan"], segmented_share, time_share
    )
    facts = [
        (
            "Strategic partners with a relationship plan",
            f"{partners['with_plan']} of {partners['strategic']}",
        ),
        (
            "Supplier time with strategic partners, 12 months",
            "no time logged"
            if time_share is None
            else f"{time_share:.0%} of {minutes['all'] / 60:.0f} h",
        ),
    ]
    return EvidenceItem(judged.level, judged.reason, facts)


def _collaboration(category, by_unit, today) -> EvidenceItem:
    met = set(
        EngagementEntry.objects.filter(
            category__path__startswith=category.path, date__gt=today - YEAR
        ).values_list("unit_id", flat=True)
    )
    survey_round = (
        SurveyRound.objects.filter(categories=category).order_by("-opens_on", "-pk").first()
    )
    answered_share = None
    facts = [
        ("Buying units met about it, 12 months", f"{len(met & set(by_unit))} of {len(by_unit)}")
    ]
    if survey_round is not None:
        asked = survey_round.units.count()
        answered = SurveyResponse.objects.filter(
            round=survey_round, category=category, submitted_at__isnull=False
        ).count()
        answered_share = answered / asked if asked else None
        facts.append((f"Units answered, {survey_round.name}", f"{answered} of {asked}"))
    judged = maturity.collaboration(len(by_unit), len(met & set(by_unit)), answered_share)
    return EvidenceItem(judged.level, judged.reason, facts)


PLAN_ORDER = [
    CategoryPlan.ACTIVE,
    CategoryPlan.APPROVED,
    CategoryPlan.IN_REVIEW,
    CategoryPlan.DRAFT,
    CategoryPlan.CLOSED,
]


def _plans(category, today) -> dict:
    """Category planning and value beyond savings, from the plans of the category and below
    for the latest fiscal year up to this one; the most advanced plan of that year counts."""
    plans = CategoryPlan.objects.filter(
        category__path__startswith=category.path, fiscal_year__lte=today.year
    )
    held = set(plans.values_list("status", "fiscal_year"))
    year = max((fiscal_year for _, fiscal_year in held), default=None)
    status = next((s for s in PLAN_ORDER if (s, year) in held), None)
    initiatives = Initiative.objects.filter(
        plan__in=plans.filter(fiscal_year=year), plan__status__in=[status] if status else []
    ).exclude(stage=Initiative.CANCELLED)
    figures = initiatives.aggregate(
        count=Count("pk"),
        realised=Count("pk", filter=Q(stage=Initiative.REALISED)),
        hard=Coalesce(Sum("hard_savings"), cube.ZERO, output_field=cube.MONEY),
        avoidance=Coalesce(Sum("cost_avoidance"), cube.ZERO, output_field=cube.MONEY),
        revenue=Coalesce(Sum("revenue"), cube.ZERO, output_field=cube.MONEY),
    )
    planning = maturity.category_planning(status, figures["count"], figures["realised"] > 0)
    value = maturity.value_beyond_savings(figures["hard"], figures["avoidance"], figures["revenue"])
    status_words = dict(CategoryPlan.STATUSES).get(status, "No plan")
    expected = figures["hard"] + figures["avoidance"] + figures["revenue"]
    return {
        maturity.CATEGORY_PLANNING: EvidenceItem(
            planning.level,
            planning.reason,
            [
                (f"Plan {year}" if year else "Plan", status_words),
                ("Initiatives (not cancelled)", str(figures["count"])),
                ("Realised", str(figures["realised"])),
            ],
        ),
        maturity.VALUE_BEYOND_SAVINGS: EvidenceItem(
            value.level,
            value.reason,
            [
                ("Hard savings expected", f"{figures['hard']:,.0f}"),
                ("Cost avoidance and revenue", f"{figures['avoidance'] + figures['revenue']:,.0f}"),
                (
                    "Share not hard savings",
                    f"{(expected - figures['hard']) / expected:.0%}" if expected else "–",
                ),
            ],
        ),
    }
