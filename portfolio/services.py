"""Changes made from the portfolio's pages: a category manager's maturity assessment."""

from django.db import transaction

from portfolio.models import MaturityAssessment, MaturityScore


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
    return assessment
