"""Supplier-side records for tests: plans, scorecards, ideas, merges."""

import datetime
from decimal import Decimal

from suppliers.models import (
    STRATEGIC_PARTNER,
    Evaluation,
    Kpi,
    Rating,
    RelationshipPlan,
    ScorecardTemplate,
    SupplierIdea,
    TemplateKpi,
)


def standard_template() -> ScorecardTemplate:
    """Quality 50, delivery 30, cost 20 (made here: transactional tests flush the migration's)."""
    template, created = ScorecardTemplate.objects.get_or_create(name="Test scorecard")
    if created:
        for name, kind, weight in [
            ("Test quality", "quality", 50),
            ("Test delivery", "delivery", 30),
            ("Test cost", "cost", 20),
        ]:
            kpi = Kpi.objects.create(name=name, kind=kind)
            TemplateKpi.objects.create(template=template, kpi=kpi, weight=weight)
    return template


def add_plan(company, supplier=None) -> RelationshipPlan:
    supplier = supplier or company.suppliers[0]
    supplier.segment = STRATEGIC_PARTNER
    supplier.save()
    return RelationshipPlan.objects.create(
        supplier=supplier, purpose="Joint roadmap for laptops", owner=company.manager
    )


def add_evaluation(company, supplier=None, unit=None, scores=(4, None, 2), year=2026, quarter=1):
    """An evaluation on the test template; `scores` in quality, delivery, cost order."""
    template = standard_template()
    evaluation = Evaluation.objects.create(
        supplier=supplier or company.suppliers[0],
        template=template,
        year=year,
        quarter=quarter,
        business_unit=unit,
        evaluator=company.unit_lead if unit else company.manager,
    )
    for weight, score in zip(template.weights.order_by("-weight"), scores, strict=True):
        if score is not None:
            Rating.objects.create(evaluation=evaluation, kpi=weight.kpi, score=score)
    return evaluation


def add_idea(company, supplier=None) -> SupplierIdea:
    return SupplierIdea.objects.create(
        supplier=supplier or company.suppliers[0],
        title="Refurbished laptops",
        description="Take back old laptops and resell them",
        kind="revenue",
        estimated_value=Decimal("12000"),
        raised_on=datetime.date(2026, 9, 1),
    )


def add_contract(company, supplier=None, end=None):
    """A contract on the first supplier in IT hardware, ending in 200 days unless told."""
    from django.utils import timezone

    from suppliers.models import Contract

    today = timezone.localdate()
    contract = Contract.objects.create(
        supplier=supplier or company.suppliers[0],
        title="Laptop framework",
        reference="C-17",
        start=today - datetime.timedelta(days=300),
        end=end or today + datetime.timedelta(days=200),
        value=Decimal("250000"),
        notice_days=60,
    )
    contract.categories.add(company.hardware)
    return contract


def supplier_args(args, company):
    """Records made on demand for the role-matrix and query-count rows that need them."""
    from suppliers.merging import merge_suppliers
    from suppliers.models import Supplier

    made = {}
    if "planned-supplier" in args:
        made["planned-supplier"] = add_plan(company).supplier.pk
    if "planned-action" in args:
        made["planned-action"] = (
            add_plan(company)
            .actions.create(
                element=3,
                objective="Monthly OTIF review",
                action="Report and call",
                owner="Ann",
                due=datetime.date(2026, 12, 1),
            )
            .pk
        )
    if "mfg-evaluation" in args:
        made["mfg-evaluation"] = add_evaluation(company, unit=company.manufacturing).pk
    if "dell-idea" in args:
        made["dell-idea"] = add_idea(company).pk
    if "dell-contract" in args:
        made["dell-contract"] = add_contract(company).pk
    if "dell-merge" in args:
        duplicate = Supplier.objects.create(name="Dell Technologies UK")
        made["dell-merge"] = merge_suppliers(company.suppliers[0], duplicate).pk
    return [made.get(arg, arg) for arg in args]
