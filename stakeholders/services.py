"""Every change the stakeholder pages make: opening a survey round, saving a unit's answer,
stating a unit's priorities, setting up a service agreement and recording its results, and
logging time spent with a unit.

Who may do what is decided before these are called (workbench.permissions). Where a Django
form has already validated the very instance being saved, it is not validated again: that
would re-read every related row the form has just checked. Rows the view has already fetched
(the round, the unit, the category, the user) are left out of `full_clean` for the same reason.
"""

from django.db import transaction
from django.utils import timezone

from stakeholders.models import (
    EngagementEntry,
    MeasureResult,
    Priority,
    PriorityWeight,
    ServiceAgreement,
    SurveyRating,
    SurveyResponse,
    SurveyRound,
)

# --- Survey rounds and answers -----------------------------------------------------------------


def survey_round_open(*, form, by) -> SurveyRound:
    """The round set up in `form` (a validated RoundForm), with the units and categories it asks
    about, recorded as opened by `by`."""
    with transaction.atomic():
        survey_round = form.save(commit=False)
        survey_round.created_by = by
        survey_round.save()
        form.save_m2m()
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
