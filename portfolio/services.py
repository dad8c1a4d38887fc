"""Changes made from the portfolio's pages: a category manager's maturity assessment."""

from django.db import transaction

from portfolio.models import MaturityAssessment, MaturityScore
from workbench import corrections, figures


def maturity_assessment_save(
    *, category, assessed_on, scores: list[dict], by
) -> MaturityAssessment:
    """The category's assessment on `assessed_on` with one score per dimension (the dicts of
    AssessmentForm.scores()). Saving again on the same date replaces that day's scores; other
    days' assessments stay as they were."""
    with transaction.atomic():
        assessment = (
            MaturityAssessment.objects.select_for_update()
            .filter(category=category, assessed_on=assessed_on)
            .order_by()  # the default ordering joins the category, which would lock it too
            .first()
        ) or MaturityAssessment(category=category, assessed_on=assessed_on)
        assessment.assessed_by = by
        assessment.full_clean()
        assessment.save()
        assessment.scores.all().delete()
        rows = [MaturityScore(assessment=assessment, **score) for score in scores]
        for row in rows:
            row.full_clean()
        MaturityScore.objects.bulk_create(rows)
        figures.bump(figures.MATURITY)  # bulk_create sends no signal
    return assessment


def maturity_descriptor_update(*, descriptor, form, by):
    """Save an administrator's MaturityDescriptorForm over `descriptor`. Raises
    corrections.StaleSave, saving nothing, when someone saved it since the form was opened.
    Assessments already made keep the wording they were made against in the history."""
    return corrections.record_update(
        record=descriptor, form=form, by=by, seen_version=form.seen_version
    )
