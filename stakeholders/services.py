"""Every change the stakeholder pages make: opening a survey round, saving a unit's answer,
stating a unit's priorities, setting up a service agreement and recording its results, and
logging time spent with a unit.

Who may do what is decided before these are called (workbench.permissions). Where a Django
form has already validated the very instance being saved, it is not validated again: that
would re-read every related row the form has just checked. Rows the view has already fetched
(the round, the unit, the category, the user) are left out of `full_clean` for the same reason.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from audit.events import record as audit_record
from audit.models import SecurityEvent
from inbox import notify
from stakeholders.models import (
    ConcernResponse,
    ConcernVerdict,
    EngagementEntry,
    MeasureResult,
    Priority,
    PriorityWeight,
    ServiceAgreement,
    SurveyRating,
    SurveyResponse,
    SurveyRound,
)
from workbench import corrections, figures

# --- Survey rounds and answers -----------------------------------------------------------------


def survey_round_open(*, form, by) -> SurveyRound:
    """The round set up in `form` (a validated RoundForm), with the units and categories it asks
    about, recorded as opened by `by`."""
    with transaction.atomic():
        survey_round = form.save(commit=False)
        survey_round.created_by = by
        survey_round.save()
        form.save_m2m()
        notify.round_opened(survey_round)
    return survey_round


def survey_round_close(*, survey_round: SurveyRound, by, today) -> SurveyRound:
    """Close an open round before its date: it closes yesterday, so no answer is taken from
    today on (answers already submitted stay). Recorded in the audit log with who closed it."""
    with transaction.atomic():
        survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
        if not survey_round.is_open(today):
            return survey_round
        planned = survey_round.closes_on
        survey_round.closes_on = today - datetime.timedelta(days=1)
        # A round opened today and closed at once covered no day at all.
        survey_round.opens_on = min(survey_round.opens_on, survey_round.closes_on)
        survey_round.save(update_fields=["opens_on", "closes_on"])
        audit_record(
            SecurityEvent.ROUND_CLOSED,
            f"Survey round “{survey_round.name}” closed early (was to close {planned})",
            actor=by,
            round=survey_round.pk,
            planned_close=str(planned),
        )
    return survey_round


def survey_response_save(
    *,
    survey_round,
    unit,
    category,
    response,
    recommend,
    comment: str,
    ratings: dict,
    by,
    submitting: bool,
) -> SurveyResponse:
    """`unit`'s answer on `category` in `survey_round`: `response` (None before the first save)
    updated with the recommendation, the comment and `ratings` ({driver: (importance,
    satisfaction)}), which replace any given before. A draft until `submitting`."""
    if response is None:
        response = SurveyResponse(round=survey_round, unit=unit, category=category)
    response.recommend = recommend
    response.comment = comment
    response.updated_by = by
    if submitting:
        response.submitted_at = timezone.now()
    response.full_clean(exclude=["round", "unit", "category", "updated_by"])
    rows = [
        SurveyRating(response=response, driver=driver, importance=importance, satisfaction=level)
        for driver, (importance, level) in ratings.items()
    ]
    for row in rows:
        row.full_clean(exclude=["response", "driver"])
    with transaction.atomic():
        # Saving the answer first locks its row, so two saves of one answer replace the
        # ratings one after the other.
        response.save()
        response.ratings.all().delete()
        SurveyRating.objects.bulk_create(rows)
        figures.bump(figures.ANSWERS)  # bulk_create sends no signal
    return response


# --- Priorities --------------------------------------------------------------------------------


def priority_save(
    *,
    unit,
    category,
    method: str,
    weights: dict,
    comparisons: dict,
    consistency_ratio,
    by,
) -> Priority:
    """`unit`'s weights over the value drivers for `category`: `weights` ({driver: (weight,
    points given or None)}) replacing any given before.
    `comparisons` and `consistency_ratio` are those of pairwise judgements (empty and None for
    points)."""
    values = {
        "method": method,
        "comparisons": comparisons,
        "consistency_ratio": consistency_ratio,
        "updated_by": by,
    }
    Priority(unit=unit, category=category, **values).full_clean(
        exclude=["unit", "category", "updated_by"], validate_unique=False
    )
    rows = [
        PriorityWeight(driver=driver, weight=weight, points=points)
        for driver, (weight, points) in weights.items()
    ]
    for row in rows:
        row.full_clean(exclude=["priority", "driver"])
    with transaction.atomic():
        # update_or_create locks the unit's row for the category (or, when two leads of the unit
        # save its first priority at once, lets the second find the first's): the weights are
        # then replaced in turn, never mixed.
        priority, _ = Priority.objects.update_or_create(
            unit=unit, category=category, defaults=values
        )
        priority.weights.all().delete()
        for row in rows:
            row.priority = priority
        PriorityWeight.objects.bulk_create(rows)
        figures.bump(figures.ANSWERS)  # bulk_create sends no signal
    return priority


# --- Service agreements ------------------------------------------------------------------------


def agreement_create(*, form, measures) -> ServiceAgreement:
    """The agreement in `form` (a validated AgreementForm) with the measures it is judged on
    (a validated MeasureFormSet), both or neither."""
    with transaction.atomic():
        agreement = form.save()
        measures.instance = agreement
        measures.save()
    return agreement


def measure_result_record(*, measure, period, actual) -> MeasureResult:
    """The actual of `measure` for the month starting `period` (MeasureResultForm checked all
    three); recording a month again corrects it."""
    result, _ = MeasureResult.objects.update_or_create(
        measure=measure, period=period, defaults={"actual": actual}
    )
    return result


# --- Engagement log ----------------------------------------------------------------------------


def engagement_entry_record(*, form, by) -> EngagementEntry:
    """The time with a unit in `form` (a validated UnitEngagementForm), recorded by `by`."""
    entry = form.save(commit=False)
    entry.recorded_by = by
    entry.save()
    return entry


# --- Corrections: engagement entries, agreements and their measures ----------------------------


def stakeholder_record_update(*, record, form, by):
    """Save a validated correction form (UnitEngagementForm, AgreementForm, MeasureForm) over
    `record`. Raises corrections.StaleSave, saving nothing, when someone saved it since the
    form was opened; a corrected target moves the agreement's status at once (it is read from
    the measures, not stored)."""
    return corrections.record_update(
        record=record, form=form, by=by, seen_version=form.seen_version
    )


def stakeholder_record_remove(*, record, by, seen_version: int):
    """Take an engagement entry, an agreement or a measure out of every list and figure,
    keeping it for history and undo."""
    return corrections.record_remove(record=record, by=by, seen_version=seen_version)


def stakeholder_record_restore(*, record, by):
    """Undo the removal of an engagement entry, an agreement or a measure."""
    return corrections.record_restore(record=record, by=by)


# --- You said, we did --------------------------------------------------------------------------


def concern_response_save(*, survey_round, concern, form, by) -> ConcernResponse:
    """Procurement's response to `concern` (a stakeholders.concerns.Concern of `survey_round`)
    from `form` (a validated ConcernResponseForm): the first response, or a change to it (the
    date it was first given stays, since the days to a response count to that)."""
    with transaction.atomic():
        existing = (
            ConcernResponse.objects.select_for_update()
            .filter(round=survey_round, key=concern.key)
            .first()
        )
        response = form.save(commit=False)
        if existing is None:
            response.pk = None
            response.responded_at = timezone.now()
        else:
            response.pk, response.responded_at = existing.pk, existing.responded_at
        response.round = survey_round
        response.key = concern.key
        response.category_id = concern.category_id
        response.kind = concern.kind
        response.driver_id = concern.driver_id
        response.unit_id = concern.unit_id
        response.responded_by = by
        response.save()
    return response


def concern_verdict_give(*, response, unit, addressed: bool, by) -> ConcernVerdict:
    """`unit`'s word on whether the done `response` addressed what it said; given again, it
    replaces the earlier one."""
    verdict, _ = ConcernVerdict.objects.update_or_create(
        response=response,
        unit=unit,
        defaults={"addressed": addressed, "given_by": by, "given_at": timezone.now()},
    )
    return verdict
