"""Every change the opportunities app makes: a verdict on a possible duplicate payment, and the
record that a finding became an initiative."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from opportunities.models import DuplicateReview, FindingInitiative


def duplicate_decide(*, pair, decision: str, note: str, by) -> DuplicateReview:
    """Record (or change) the verdict on a pair, with who decided and when. The pair's figures
    are kept as they are now, so the confirmed total does not move if the lines are later
    reclassified or their import undone."""
    if decision not in dict(DuplicateReview.DECISIONS):
        raise ValidationError({"decision": "Choose confirmed duplicate or not a duplicate."})
    with transaction.atomic():
        review = (
            DuplicateReview.objects.select_for_update()
            .filter(first_line_id=pair.first_id, second_line_id=pair.second_id)
            .first()
        ) or DuplicateReview(first_line_id=pair.first_id, second_line_id=pair.second_id)
        review.reason = pair.reasons[0]
        review.supplier_id = pair.supplier_id
        review.category_id = pair.category_id
        review.amount = pair.amount
        review.first_date = pair.first_date
        review.second_date = pair.second_date
        review.decision = decision
        review.note = note
        review.decided_by = by
        review.decided_at = timezone.now()
        review.full_clean()
        review.save()
    return review


def finding_initiative_record(*, finding_key: str, initiative, by) -> FindingInitiative:
    """Remember that `initiative` was started from the finding `finding_key`."""
    record = FindingInitiative(finding_key=finding_key, initiative=initiative, started_by=by)
    record.full_clean()
    record.save()
    return record
