"""The evidence beside each dimension, gathered from what the app holds, against hand-worked
figures (tests/portfolio/builders.py: IT spend 3,000, three quarters of it Manufacturing's)."""

import datetime
from decimal import Decimal

import pytest

from plans.models import CategoryPlan, Initiative
from portfolio import evidence, maturity
from spend import cube
from spend.models import KraljicAssessment
from stakeholders.models import EngagementEntry, Priority
from suppliers.models import STRATEGIC_PARTNER, RelationshipPlan, SupplierEngagement
from tests.portfolio.builders import add_round_spend

TODAY = datetime.date(2026, 11, 1)


@pytest.fixture
def it_spend(company):
    add_round_spend(company)
    return company


def _gather(company, category=None):
    return evidence.gather(category or company.it, cube.latest_period(), company.cpo, TODAY)


def test_priority_coverage_is_the_share_of_spend_whose_unit_stated_priorities(it_spend):
    Priority.objects.create(unit=it_spend.manufacturing, category=it_spend.it, method="points")
    held = _gather(it_spend)[maturity.STAKEHOLDER_FOCUS]
    # Manufacturing buys 2,250 of IT's 3,000: 75%, which reaches level 4 (no survey for 5).
    assert held.level == 4
    assert "75% of spend comes from units that stated priorities" in held.reason
    assert ("Units with priorities", "1 of 2 buying") in held.facts


def test_without_priorities_stakeholder_focus_is_reactive(it_spend):
    assert _gather(it_spend)[maturity.STAKEHOLDER_FOCUS].level == 1


def test_spend_insight_counts_months_segments_and_the_kraljic_review(it_spend):
    held = _gather(it_spend)[maturity.SPEND_INSIGHT]
    assert held.level == 1  # one month of spend only
    assert ("Months with classified spend", "1 of 12") in held.facts
    KraljicAssessment.objects.create(
        category=it_spend.hardware, profit_impact=4, supply_risk=2, reason="Few OEMs"
    )
    reviewed = _gather(it_spend)[maturity.SPEND_INSIGHT]
    assert ("Kraljic position reviewed by the owner", "yes") in reviewed.facts


def test_relationship_plans_for_strategic_partners(it_spend):
    dell, softcat, cleaner = it_spend.suppliers
    for supplier in (dell, softcat, cleaner):
        supplier.segment = STRATEGIC_PARTNER
        supplier.save()
    RelationshipPlan.objects.create(supplier=dell, purpose="Joint roadmap")
    SupplierEngagement.objects.create(
        supplier=dell,
        date=TODAY - datetime.timedelta(days=10),
        minutes=90,
        people="A, B",
        topic="Review",
    )
    held = _gather(it_spend)[maturity.SUPPLIER_RELATIONSHIPS]
    # IT buys from Dell and Softcat only (the cleaner sells Facilities): 1 of 2 with a plan.
    assert held.level == 3
    assert held.reason == "1 of 2 strategic partners have a relationship plan"
    RelationshipPlan.objects.create(supplier=softcat, purpose="Licences")
    # Every partner has a plan and all logged time went to partners: level 5.
    assert _gather(it_spend)[maturity.SUPPLIER_RELATIONSHIPS].level == 5


def test_collaboration_counts_buying_units_met_in_the_last_year(it_spend):
    EngagementEntry.objects.create(
        unit=it_spend.manufacturing,
        category=it_spend.software,
        date=TODAY,
        minutes=60,
        people="Lead",
        topic="Laptop refresh",
    )
    EngagementEntry.objects.create(
        unit=it_spend.finance,
        category=it_spend.it,
        date=TODAY - datetime.timedelta(days=400),
        minutes=60,
        people="Lead",
        topic="Too long ago",
    )
    held = _gather(it_spend)[maturity.COLLABORATION]
    assert held.level == 3  # 1 of 2 buying units: a half
    assert held.reason == "met 1 of 2 buying units in the last twelve months"


def test_an_approved_plan_and_its_initiatives_are_evidence(it_spend):
    plan = CategoryPlan.objects.create(
        category=it_spend.hardware, fiscal_year=2026, title="Hardware 2026", status="approved"
    )
    for title, hard, avoidance, revenue, stage in [
        ("Tender laptops", 60_000, 0, 0, Initiative.CONTRACTED),
        ("Extend device life", 0, 25_000, 0, Initiative.VALIDATED),
        ("Resell retired kit", 0, 0, 15_000, Initiative.IDEA),
        ("Dropped idea", 90_000, 0, 0, Initiative.CANCELLED),
    ]:
        Initiative.objects.create(
            plan=plan,
            title=title,
            lever="tender",
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 12, 31),
            hard_savings=Decimal(hard),
            cost_avoidance=Decimal(avoidance),
            revenue=Decimal(revenue),
            stage=stage,
        )
    held = _gather(it_spend)
    # Approved with three live initiatives, none realised: strategic sourcing.
    assert held[maturity.CATEGORY_PLANNING].level == 4
    # 40,000 of 100,000 expected is not hard savings (the cancelled one does not count): 40%.
    assert held[maturity.VALUE_BEYOND_SAVINGS].level == 5
    assert held[maturity.VALUE_BEYOND_SAVINGS].reason == "40% of expected value is not hard savings"


def test_a_draft_plan_is_only_a_start(it_spend):
    CategoryPlan.objects.create(category=it_spend.it, fiscal_year=2026, title="IT", status="draft")
    assert _gather(it_spend)[maturity.CATEGORY_PLANNING].level == 2


def test_evidence_takes_a_fixed_number_of_queries(it_spend, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        _gather(it_spend)
