"""Every change the supplier pages make: contracts, the engagement log, ideas and risks,
relationship plans with their objectives and governance meetings, the KPI catalogue and
scorecard templates, ratings, segment decisions, and merging duplicate records (whose
mechanics are in suppliers.merging).

Who may do what is decided before these are called (workbench.permissions). Where a Django
model form has already validated a row, only what the page adds to it (the supplier, the plan,
who logged it: rows just read) is set here, and it is saved as the form checked it."""

from django.core.exceptions import ValidationError
from django.db import transaction

from suppliers import merging, scorecards
from suppliers.models import (
    Evaluation,
    Rating,
    ScorecardTemplate,
    SegmentDecision,
    TemplateKpi,
)

# --- Contracts, engagement log, ideas and risks ------------------------------------------------


def contract_create(*, supplier, form):
    """A contract with `supplier` from a validated ContractForm, with its categories."""
    with transaction.atomic():
        contract = form.save(commit=False)
        contract.supplier = supplier
        contract.save()
        form.save_m2m()
    return contract


def _for_supplier(form, supplier, **fields):
    item = form.save(commit=False)
    item.supplier = supplier
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    return item


def engagement_record(*, supplier, form, by):
    """Time `by` spent with the supplier, from a validated SupplierEngagementForm."""
    return _for_supplier(form, supplier, logged_by=by)


def idea_record(*, supplier, form):
    """An idea the supplier brought, from a validated IdeaForm."""
    return _for_supplier(form, supplier)


def risk_record(*, supplier, form):
    """A risk in depending on the supplier, from a validated RiskForm."""
    return _for_supplier(form, supplier)


def idea_status_set(*, form):
    """Move an idea along (assessed, accepted, rejected, implemented): a validated
    IdeaStatusForm on it."""
    return form.save()


# --- Relationship plans ------------------------------------------------------------------------


def relationship_plan_save(*, supplier, form, by):
    """Start or restate the supplier's relationship plan from a validated RelationshipPlanForm;
    whoever starts it owns it."""
    plan = form.save(commit=False)
    plan.supplier = supplier
    if plan.owner_id is None:
        plan.owner = by
    plan.save()
    return plan


def relationship_action_create(*, plan, form):
    """An objective and its action under one of the plan's elements."""
    action = form.save(commit=False)
    action.plan = plan
    action.save()
    return action


def relationship_action_update(*, form):
    """An objective moved along (planned, under way, done) or corrected."""
    return form.save()


def governance_meeting_record(*, plan, form):
    """A review meeting held with the partner under the plan."""
    meeting = form.save(commit=False)
    meeting.plan = plan
    meeting.save()
    return meeting


# --- Scorecards --------------------------------------------------------------------------------


def kpi_create(*, form):
    """A KPI added to the catalogue from a validated KpiForm."""
    return form.save()


def scorecard_template_create(*, name: str, description: str, weights: dict) -> ScorecardTemplate:
    """A template giving each KPI its weight ({Kpi: weight}); the weights add up to 100."""
    problem = scorecards.weights_problem(weights.values())
    if problem:
        raise ValidationError(problem)
    template = ScorecardTemplate(name=name, description=description)
    # TemplateForm refused a name already taken in any letter case, a stricter test than the
    # unique index's.
    template.full_clean(validate_unique=False)
    rows = [TemplateKpi(kpi=kpi, weight=weight) for kpi, weight in weights.items()]
    for row in rows:
        # The KPIs are rows just read and the template is new: what is left is the weight.
        row.full_clean(
            exclude=["template", "kpi"], validate_unique=False, validate_constraints=False
        )
    with transaction.atomic():
        template.save()
        for row in rows:
            row.template = template
        TemplateKpi.objects.bulk_create(rows)
    return template


def evaluation_record(
    *, supplier, template, year: int, quarter: int, unit, by, comment: str, ratings: dict
) -> Evaluation:
    """`by`'s ratings of the supplier for a quarter, for procurement (`unit` None) or for a
    business unit. `ratings` is {kpi id: 1..5 or None}; a KPI not rated gets no row and stays
    out of the score."""
    evaluation = Evaluation(
        supplier=supplier,
        template=template,
        year=year,
        quarter=quarter,
        business_unit=unit,
        evaluator=by,
        comment=comment,
    )
    # The supplier, template, unit and evaluator are rows just read.
    evaluation.full_clean(exclude=["supplier", "template", "business_unit", "evaluator"])
    rows = [
        Rating(kpi_id=kpi_id, score=score) for kpi_id, score in ratings.items() if score is not None
    ]
    for row in rows:
        row.full_clean(
            exclude=["evaluation", "kpi"], validate_unique=False, validate_constraints=False
        )
    with transaction.atomic():
        evaluation.save()
        for row in rows:
            row.evaluation = evaluation
        Rating.objects.bulk_create(rows)
    return evaluation


# --- Segments ----------------------------------------------------------------------------------


def segment_set(*, supplier, segment: str, reason: str, suggested: str, by) -> SegmentDecision:
    """Put the supplier in `segment`, keeping the decision with its reason and what the data
    suggested (`suggested`, "" when nothing) on record."""
    decision = SegmentDecision(
        supplier=supplier, segment=segment, suggested=suggested, reason=reason, set_by=by
    )
    decision.full_clean(exclude=["supplier", "set_by"])
    with transaction.atomic():
        # The supplier's row is written first and stays locked until commit, so two decisions
        # made at once are stored in the order their segments are: the latest one is in force.
        supplier.segment = segment
        supplier.save(update_fields=["segment"])
        decision.save()
    return decision


# --- Merging duplicate records -----------------------------------------------------------------


def supplier_merge(*, kept, duplicate, by, reason: str = ""):
    """Fold `duplicate` into `kept` (see suppliers.merging); raises merging.MergeRefused."""
    return merging.merge_suppliers(kept, duplicate, user=by, reason=reason)


def supplier_merge_undo(*, merge, by):
    """Bring a merged supplier back with its history; raises merging.MergeRefused."""
    return merging.undo_merge(merge, user=by)
