"""Every change to a plan and its initiatives: starting and editing a plan (a save over a newer
version is refused), moving it through the workflow with the approved copy kept, endorsements,
initiatives with their impacts, realised savings and stage probabilities. Each change is
recorded in the plan's history (PlanEvent); an edit to an approved plan sends it back to review.

Who may do what is decided before these are called (workbench.permissions); which workflow move
follows which is plans.alignment's."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from inbox import notify
from plans import alignment
from plans import queries as planning
from plans.forms import InitiativeForm
from plans.models import (
    CategoryPlan,
    Initiative,
    InitiativeImpact,
    PlanEndorsement,
    PlanEvent,
    PlanVersion,
    RealisedSaving,
    StageProbability,
)
from suppliers.models import SupplierIdea
from workbench import figures
from workbench.permissions import may_change_supplier

PLAN_FIELDS = (
    "title",
    "summary",
    "fiscal_year",
    "target_hard_savings",
    "target_cost_avoidance",
    "target_revenue",
    "conflict_threshold",
)
# Moving an initiative through its stages (or cancelling it) is running the plan, not changing
# what was approved: it does not reopen the review.
TRACKING_FIELDS = {"stage", "cancel_reason"}


class StaleSave(Exception):
    """Someone saved since the form was opened on `seen` version: `current` is the row as it is
    now, `changes` the saves made since (newest first)."""

    def __init__(self, current, changes: list):
        super().__init__("Saved by someone else since the form was opened.")
        self.current, self.changes = current, changes


# --- History -----------------------------------------------------------------------------------


def plan_event_record(*, plan, by, action: str, changes: dict, initiative=None) -> PlanEvent:
    """One line of the plan's history, at its current revision."""
    event = PlanEvent(
        plan=plan,
        initiative=initiative,
        revision=plan.revision,
        action=action,
        changes=changes,
        by=by,
    )
    event.full_clean()
    event.save()
    return event


def plan_reopen_if_approved(*, plan, by, what: str) -> bool:
    """An edit to an approved or running plan opens a new revision and sends it back to review
    (the approved copy stays in PlanVersion). Whether it did."""
    if alignment.status_after_edit(plan.status) == plan.status:
        return False
    with transaction.atomic(savepoint=False):
        # An initiative's edit does not hold the plan's row: read where the plan stands now,
        # so a save made meanwhile is built on, not overwritten.
        plan.status, plan.revision, plan.version = (
            CategoryPlan.objects.select_for_update()
            .values_list("status", "revision", "version")
            .get(pk=plan.pk)
        )
        after = alignment.status_after_edit(plan.status)
        if after == plan.status:
            return False
        before = plan.get_status_display()
        plan.status, plan.revision = after, plan.revision + 1
        plan.submitted_at = timezone.now()
        plan.version += 1
        plan.save(update_fields=["status", "revision", "submitted_at", "version", "updated_at"])
        plan_event_record(
            plan=plan,
            by=by,
            action=f"{what} after approval: revision {plan.revision} goes back to review",
            changes={
                "status": [before, plan.get_status_display()],
                "version": [str(plan.version - 1), str(plan.version)],
            },
        )
        notify.plan_moved(plan=plan, action="reopen", by=by)
    return True


def plan_changed_in_review(*, plan, by, what: str) -> bool:
    """An initiative added or changed while the plan waits for approval changes what the CPO
    would approve: the plan's version moves on, so a page loaded before it is refused
    (plan_transition's seen_version) and shows this change. Whether it did."""
    with transaction.atomic(savepoint=False):
        status, version = (
            CategoryPlan.objects.select_for_update()
            .values_list("status", "version")
            .get(pk=plan.pk)
        )
        if status != CategoryPlan.IN_REVIEW:
            return False
        plan.status, plan.version = status, version + 1
        CategoryPlan.objects.filter(pk=plan.pk).update(
            version=plan.version, updated_at=timezone.now()
        )
        plan_event_record(
            plan=plan,
            by=by,
            action=f"{what} while the plan is in review",
            changes={"version": [str(version), str(plan.version)]},
        )
    return True


# --- The plan ----------------------------------------------------------------------------------


def _plan_values(plan) -> dict:
    return {name: getattr(plan, name) for name in PLAN_FIELDS}


def _objective_texts(plan) -> list:
    return [f"{o.text} ({o.measure})" if o.measure else o.text for o in plan.objectives.all()]


def plan_create(*, form, by) -> CategoryPlan:
    """A plan from a validated PlanForm, started by `by`."""
    with transaction.atomic():
        # The form validated this instance (category, year, targets); only who started it is
        # added here.
        plan = form.save(commit=False)
        plan.created_by = by
        plan.save()
        plan_event_record(plan=plan, by=by, action="Plan started", changes={})
    return plan


def plan_update(*, plan, form, objectives, by) -> CategoryPlan:
    """Save a validated PlanForm and its objectives formset over `plan`, recording what changed
    and reopening an approved plan. Raises StaleSave, saving nothing, when the plan was saved
    since the form's version."""
    seen = form.cleaned_data.get("version") or 0
    with transaction.atomic():
        current = CategoryPlan.objects.select_for_update().get(pk=plan.pk)
        if current.version != seen:
            raise StaleSave(
                current, planning.stale_changes(plan.events.select_related("by")[:30], seen)
            )
        before = {**_plan_values(current), "objectives": _objective_texts(current)}
        plan = form.save(commit=False)
        plan.version = current.version + 1
        plan.save()
        objectives.save()
        after = {**_plan_values(plan), "objectives": _objective_texts(plan)}
        changed = alignment.changes(before, after)
        if changed:
            changed["version"] = [str(current.version), str(plan.version)]
            plan_event_record(plan=plan, by=by, action="Plan edited", changes=changed)
            plan_reopen_if_approved(plan=plan, by=by, what="Plan edited")
        else:
            # Nothing changed: nobody else's open form should be refused for it.
            CategoryPlan.objects.filter(pk=plan.pk).update(version=current.version)
    return plan


def plan_savings_weight_set(*, plan, alpha: float, by) -> CategoryPlan:
    """The CPO's weight of savings against alignment (α) for the plan's ranking."""
    before = plan.savings_weight
    with transaction.atomic():
        plan.savings_weight = alpha
        plan.save(update_fields=["savings_weight", "updated_at"])
        plan_event_record(
            plan=plan,
            by=by,
            action="CPO set the weight of savings",
            changes={"α": [before, plan.savings_weight]},
        )
    return plan


# --- Workflow ----------------------------------------------------------------------------------


def plan_snapshot(*, plan) -> dict:
    """The plan as approved, as plain JSON."""
    return {
        "title": plan.title,
        "fiscal_year": plan.fiscal_year,
        "summary": plan.summary,
        "targets": {
            "hard_savings": str(plan.target_hard_savings),
            "cost_avoidance": str(plan.target_cost_avoidance),
            "revenue": str(plan.target_revenue),
        },
        "objectives": _objective_texts(plan),
        "initiatives": [
            {
                "title": i.title,
                "lever": i.get_lever_display(),
                "stage": i.get_stage_display(),
                "hard_savings": str(i.hard_savings),
                "cost_avoidance": str(i.cost_avoidance),
                "revenue": str(i.revenue),
                "start": i.start.isoformat(),
                "end": i.end.isoformat(),
                "units": sorted(u.code for u in i.affected_units.all()),
                "impacts": {x.driver.name: x.impact for x in i.impacts.all()},
            }
            for i in planning.initiatives_of(plan)
        ],
    }


def plan_transition(*, plan, action: str, roles: set, by, seen_version: int) -> CategoryPlan:
    """Submit, withdraw, return, approve, start or close the plan, as someone playing `roles`
    (see plans.alignment.TRANSITIONS), from a page that showed the plan at `seen_version`.
    Approving keeps a copy of the plan as approved. Raises StaleSave, changing nothing, when the
    plan was changed or moved since that page was loaded (the CPO must not approve a target
    they never saw, nor withdraw and approve cross); alignment.TransitionRefused when the move
    is not allowed."""
    with transaction.atomic():
        # Two people moving the same plan at once: the second waits for the first's lock, then
        # finds the version moved on and is refused.
        current = CategoryPlan.objects.select_for_update().get(pk=plan.pk)
        if current.version != seen_version:
            raise StaleSave(
                current,
                planning.stale_changes(plan.events.select_related("by")[:30], seen_version),
            )
        # The plan as stored is what moves and what an approval copies.
        plan = current
        target = alignment.next_status(plan.status, action, roles)
        if action == "submit" and not plan.initiatives.exists():
            raise alignment.TransitionRefused(
                "Add at least one initiative before submitting the plan."
            )
        before = plan.get_status_display()
        plan.status = target
        plan.version += 1
        fields = ["status", "version", "updated_at"]
        if action == "submit":
            plan.submitted_at = timezone.now()
            fields.append("submitted_at")
        if action == "approve":
            plan.approved_by, plan.approved_at = by, timezone.now()
            fields += ["approved_by", "approved_at"]
            PlanVersion.objects.update_or_create(
                plan=plan,
                revision=plan.revision,
                defaults={
                    "snapshot": plan_snapshot(plan=plan),
                    "approved_by": by,
                    "approved_at": plan.approved_at,
                },
            )
        plan.save(update_fields=fields)
        plan_event_record(
            plan=plan,
            by=by,
            action=alignment.ACTION_LABELS[action],
            changes={
                "status": [before, plan.get_status_display()],
                "version": [str(plan.version - 1), str(plan.version)],
            },
        )
        notify.plan_moved(plan=plan, action=action, by=by)
    return plan


def endorsement_record(*, plan, unit, decision: str, reason: str, by) -> PlanEndorsement:
    """A unit's answer to the plan's current revision; a second answer replaces the first."""
    with transaction.atomic():
        endorsement, _ = PlanEndorsement.objects.update_or_create(
            plan=plan,
            revision=plan.revision,
            unit=unit,
            defaults={"decision": decision, "reason": reason, "decided_by": by},
        )
        plan_event_record(
            plan=plan,
            by=by,
            action=(
                f"{unit.name} {endorsement.get_decision_display().lower()} revision {plan.revision}"
            ),
            changes={"reason": ["", reason]} if reason else {},
        )
        notify.plan_answered(endorsement=endorsement)
    return endorsement


# --- Initiatives -------------------------------------------------------------------------------


def initiative_impacts_save(*, initiative, impacts: dict):
    """The initiative's impact on each driver ({ValueDriver: -2..+2}); an impact of 0 is no
    row."""
    initiative.impacts.all().delete()
    rows = [
        InitiativeImpact(initiative=initiative, driver=driver, impact=impact)
        for driver, impact in impacts.items()
        if impact
    ]
    for row in rows:
        # The initiative and drivers are rows just read, and the initiative was just cleared of
        # impacts: what is left to check is the impact's range.
        row.full_clean(
            exclude=["initiative", "driver"], validate_unique=False, validate_constraints=False
        )
    InitiativeImpact.objects.bulk_create(rows)
    figures.bump(figures.PLANS)  # bulk_create sends no signal


def _values(initiative, impacts: dict, units) -> dict:
    values = {
        name: getattr(initiative, name)
        for name in InitiativeForm.Meta.fields
        if name not in ("affected_units", "owner")
    }
    values["owner"] = initiative.owner.get_full_name() if initiative.owner else ""
    values["affected_units"] = sorted(unit.code for unit in units)
    values.update({f"impact on {driver}": impact for driver, impact in impacts.items()})
    return values


def _current_impacts(initiative) -> dict:
    return {i.driver.name: i.impact for i in initiative.impacts.select_related("driver")}


def initiative_create(*, plan, form, by, source_contract=None, source_idea=None) -> Initiative:
    """An initiative on the plan from a validated InitiativeForm, perhaps started from a
    contract or a supplier's idea (which is then accepted). An approved plan goes back to
    review. Accepting the idea is a change to its supplier: `by` must be allowed to make it."""
    if source_idea and not may_change_supplier(by, source_idea.supplier):
        raise ValidationError(
            "Only the manager of a category this supplier sells in, or an administrator, may "
            "accept its idea."
        )
    with transaction.atomic():
        initiative = form.save(commit=False)
        initiative.plan = plan
        initiative.source_contract, initiative.source_idea = source_contract, source_idea
        initiative.save()
        if source_idea and source_idea.status in (SupplierIdea.NEW, SupplierIdea.ASSESSING):
            source_idea.status = SupplierIdea.ACCEPTED
            source_idea.save(update_fields=["status"])
        form.save_m2m()
        initiative_impacts_save(initiative=initiative, impacts=form.impacts())
        plan_event_record(
            plan=plan,
            by=by,
            action=f"Initiative added: {initiative.title}",
            changes={"initiative": ["", initiative.title]},
            initiative=initiative,
        )
        if not plan_reopen_if_approved(plan=plan, by=by, what="Initiative added"):
            plan_changed_in_review(plan=plan, by=by, what=f"Initiative added: {initiative.title}")
    return initiative


def initiative_update(*, initiative, form, by) -> Initiative:
    """Save a validated InitiativeForm over `initiative`, recording what changed; a change to
    what was approved (not just its stage) sends an approved plan back to review. Raises
    StaleSave, saving nothing, when the initiative was saved since the form's version."""
    plan = initiative.plan
    seen = form.cleaned_data.get("version") or 0
    with transaction.atomic():
        current = Initiative.objects.select_for_update().get(pk=initiative.pk)
        if current.version != seen:
            raise StaleSave(
                current,
                planning.stale_changes(
                    plan.events.filter(initiative=initiative).select_related("by")[:30], seen
                ),
            )
        before = _values(current, _current_impacts(current), current.affected_units.all())
        initiative = form.save(commit=False)
        initiative.version = current.version + 1
        initiative.save()
        form.save_m2m()
        initiative_impacts_save(initiative=initiative, impacts=form.impacts())
        after = _values(initiative, _current_impacts(initiative), initiative.affected_units.all())
        changed = alignment.changes(before, after)
        if changed:
            reopens = set(changed) - TRACKING_FIELDS
            changed["version"] = [str(current.version), str(initiative.version)]
            plan_event_record(
                plan=plan,
                by=by,
                action=f"Initiative edited: {initiative.title}",
                changes=changed,
                initiative=initiative,
            )
            if reopens and not plan_reopen_if_approved(plan=plan, by=by, what="Initiative edited"):
                plan_changed_in_review(
                    plan=plan, by=by, what=f"Initiative edited: {initiative.title}"
                )
        else:
            # Nothing changed: nobody else's open form should be refused for it.
            Initiative.objects.filter(pk=initiative.pk).update(version=current.version)
    return initiative


def realised_saving_record(*, initiative, data: dict, by) -> RealisedSaving:
    """What the initiative delivered in a month (`data` as RealisedForm cleans it); a second
    entry for the same month replaces the first."""
    with transaction.atomic():
        realised, _ = RealisedSaving.objects.update_or_create(
            initiative=initiative,
            period=data["period"],
            defaults={
                "hard_savings": data["hard_savings"],
                "cost_avoidance": data["cost_avoidance"],
                "revenue": data["revenue"],
                "note": data["note"],
                "recorded_by": by,
            },
        )
        plan_event_record(
            plan=initiative.plan,
            by=by,
            action=f"Realised recorded for {data['period']:%b %Y}: {initiative.title}",
            changes={
                kind: ["", str(data[kind])]
                for kind in ("hard_savings", "cost_avoidance", "revenue")
                if data[kind]
            },
            initiative=initiative,
        )
    return realised


# --- Stage probabilities -----------------------------------------------------------------------


def stage_probabilities_set(*, percents: dict):
    """The probability of each stage ({stage: percent}), as StageProbabilityForm cleans them."""
    with transaction.atomic():
        for stage, percent in percents.items():
            StageProbability.objects.update_or_create(
                stage=stage, defaults={"probability": percent / 100}
            )
