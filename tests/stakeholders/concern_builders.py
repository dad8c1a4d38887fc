"""Survey answers that raise concerns, for the concern tests, the role matrix and the oracle."""

import datetime

from django.utils import timezone

from stakeholders import concerns
from stakeholders.models import SurveyRating, SurveyResponse, SurveyRound, ValueDriver
from tests.factories import add_survey_round


def answer(survey_round, unit, category, *, recommend=8, comment="", ratings=None, days_ago=1):
    """A submitted answer; ratings as {driver name: (importance, satisfaction)}."""
    response = SurveyResponse.objects.create(
        round=survey_round,
        unit=unit,
        category=category,
        recommend=recommend,
        comment=comment,
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
    )
    drivers = {driver.name: driver for driver in ValueDriver.objects.all()}
    SurveyRating.objects.bulk_create(
        SurveyRating(
            response=response, driver=drivers[name], importance=importance, satisfaction=level
        )
        for name, (importance, level) in (ratings or {}).items()
    )
    return response


def mfg_it_comment_key(company, round_pk) -> str:
    """The key of Manufacturing's comment on IT in the round (answered with a comment first if
    Manufacturing has not answered on IT yet); without a round, the newest, or a new one."""
    if round_pk is None:
        latest = SurveyRound.objects.order_by("-pk").first()
        round_pk = latest.pk if latest else add_survey_round(company).pk
    survey_round = SurveyRound.objects.get(pk=round_pk)
    response = SurveyResponse.objects.filter(
        round=survey_round, unit=company.manufacturing, category=company.it
    ).first()
    if response is None:
        answer(survey_round, company.manufacturing, company.it, comment="Laptops arrive late.")
    return concerns.key(concerns.COMMENT, company.it.pk, unit_id=company.manufacturing.pk)
