"""A plan on the test company's IT category, with the units' priorities it is weighed against.

Hand-worked figures the tests rely on (spend in IT is all Manufacturing's in add_spend, so a
unit set including Finance still weighs by Manufacturing's weights alone):
- Manufacturing weights Quality 0.4, Cost 0.3, Delivery & speed 0.2, Innovation 0.1;
  Finance weights Cost 0.7 and 0.1 on each of the others.
- "Tender laptops": 40,000 hard savings, Cost +2, Quality −1, units MFG and FIN:
  alignment (0.3 × 2 + 0.4 × −1) / 2 = 0.10; a conflict: Manufacturing loses on Quality (0.4).
- "Standardise software": 10,000 cost avoidance, Cost +1, Innovation +1, unit MFG:
  alignment (0.3 + 0.1) / 2 = 0.20; no conflict.
"""

import datetime
from decimal import Decimal

from plans.models import CategoryPlan, Initiative, InitiativeImpact
from stakeholders.models import Priority, PriorityWeight, ValueDriver

WEIGHTS = {
    "MFG": {"Quality": 0.4, "Cost": 0.3, "Delivery & speed": 0.2, "Innovation": 0.1},
    "FIN": {"Cost": 0.7, "Quality": 0.1, "Delivery & speed": 0.1, "Innovation": 0.1},
}


def give_priorities(company, category=None):
    category = category or company.it
    drivers = {d.name: d for d in ValueDriver.objects.all()}
    for unit in (company.manufacturing, company.finance):
        priority = Priority.objects.create(unit=unit, category=category, method=Priority.POINTS)
        for name, weight in WEIGHTS[unit.code].items():
            PriorityWeight.objects.create(
                priority=priority, driver=drivers[name], weight=weight, points=round(weight * 100)
            )


def add_initiative(plan, title, units, impacts, **money):
    initiative = Initiative.objects.create(
        plan=plan,
        title=title,
        lever=money.pop("lever", "tender"),
        start=money.pop("start", datetime.date(2027, 1, 1)),
        end=money.pop("end", datetime.date(2027, 12, 31)),
        stage=money.pop("stage", Initiative.IDEA),
        **{key: Decimal(value) for key, value in money.items()},
    )
    initiative.affected_units.set(units)
    drivers = {d.name: d for d in ValueDriver.objects.all()}
    for name, impact in impacts.items():
        InitiativeImpact.objects.create(initiative=initiative, driver=drivers[name], impact=impact)
    return initiative


def make_plan(company, status=CategoryPlan.DRAFT, with_finance=True):
    """The IT plan for 2027 with its two initiatives and the units' priorities."""
    give_priorities(company)
    plan = CategoryPlan.objects.create(
        category=company.it,
        fiscal_year=2027,
        title="IT 2027",
        status=status,
        target_hard_savings=Decimal("50000"),
        created_by=company.manager,
    )
    units = [company.manufacturing] + ([company.finance] if with_finance else [])
    add_initiative(
        plan,
        "Tender laptops",
        units,
        {"Cost": 2, "Quality": -1},
        hard_savings=40_000,
        spend_affected=200_000,
    )
    add_initiative(
        plan,
        "Standardise software",
        [company.manufacturing],
        {"Cost": 1, "Innovation": 1},
        cost_avoidance=10_000,
        lever="specification",
        stage=Initiative.CONTRACTED,
    )
    return plan


def plan_args(args, company):
    """Role-matrix placeholders: "it-plan" is the IT plan in review (its initiatives affect
    Manufacturing only), "it-initiative" its first initiative."""
    if not {"it-plan", "it-initiative"} & set(args):
        return args
    plan = CategoryPlan.objects.filter(category=company.it, fiscal_year=2027).first()
    if plan is None:
        plan = make_plan(company, status=CategoryPlan.IN_REVIEW, with_finance=False)
    initiative = plan.initiatives.order_by("pk").first()
    return [
        plan.pk if arg == "it-plan" else initiative.pk if arg == "it-initiative" else arg
        for arg in args
    ]
