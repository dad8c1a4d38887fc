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
from workbench import corrections

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


def idea_status_set(*, form, by=None):
    """Move an idea along (assessed, accepted, rejected, implemented): a validated
    IdeaStatusForm on it. It moves the idea's version on, so a full edit opened before it is
    refused rather than putting the old status back."""
    return corrections.record_update(record=form.instance, form=form, by=by, seen_version=None)


# --- Corrections: contracts, log entries, ideas and risks ---------------------------------------


def supplier_record_update(*, record, form, by):
    """Save a validated correction form (ContractForm, SupplierEngagementForm, IdeaForm,
    RiskForm) over `record`. Raises corrections.StaleSave, saving nothing, when someone saved
    it since the form was opened."""
    return corrections.record_update(
        record=record, form=form, by=by, seen_version=form.seen_version
    )


def supplier_record_remove(*, record, by, seen_version: int):
    """Take a contract, log entry, idea or risk out of the supplier's lists and every figure,
    keeping it for history and undo."""
    return corrections.record_remove(record=record, by=by, seen_version=seen_version)


def supplier_record_restore(*, record, by):
    """Undo the removal of a contract, log entry, idea or risk."""
    return corrections.record_restore(record=record, by=by)


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


def evaluation_update(*, evaluation, form, by) -> Evaluation:
    """Save a validated EvaluationCorrectionForm: the comment on the evaluation, the ratings
    in their rows (a KPI set to "not rated" loses its row and leaves the score). The ratings
    that changed are written in the evaluation's history. Raises corrections.StaleSave,
    saving nothing, when someone saved it since the form was opened."""
    ratings = form.ratings()
    with transaction.atomic():
        before = {r.kpi_id: r.score for r in Rating.objects.filter(evaluation=evaluation)}
        changed = [
            f"{kpi.name}: {before.get(kpi.pk) or 'not rated'} → {score or 'not rated'}"
            for kpi, score in ratings.items()
            if before.get(kpi.pk) != score
        ]
        updated = corrections.record_update(
            record=evaluation,
            form=form,
            by=by,
            seen_version=form.seen_version,
            change_reason="; ".join(changed),
        )
        for kpi, score in ratings.items():
            if score is None:
                Rating.objects.filter(evaluation=updated, kpi=kpi).delete()
            else:
                Rating.objects.update_or_create(
                    evaluation=updated, kpi=kpi, defaults={"score": score}
                )
    return updated


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
