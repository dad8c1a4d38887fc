"""The stakeholder writes on their own, as the pages call them: answers and priorities replace
what was given before, and values the models refuse are refused."""

import pytest
from django.core.exceptions import ValidationError

from stakeholders import services
from stakeholders.models import Priority, PriorityWeight, SurveyRating, ValueDriver
from tests.factories import add_survey_round


@pytest.fixture
def drivers(company):
    return list(ValueDriver.objects.all())


def _answer(company, survey_round, response, ratings, *, submitting=False, recommend=7):
    return services.survey_response_save(
        survey_round=survey_round,
        unit=company.manufacturing,
        category=company.it,
        response=response,
        recommend=recommend,
        comment="",
        ratings=ratings,
        by=company.unit_lead,
        submitting=submitting,
    )


def test_saving_an_answer_again_replaces_its_ratings(company, drivers):
    survey_round = add_survey_round(company)
    draft = _answer(company, survey_round, None, {drivers[0]: (5, None)})
    assert draft.submitted_at is None
    answer = _answer(
        company, survey_round, draft, {drivers[1]: (4, 2), drivers[2]: (3, 3)}, submitting=True
    )
    assert answer.pk == draft.pk and answer.submitted_at is not None
    assert sorted(SurveyRating.objects.values_list("driver__name", "importance")) == [
        ("Delivery & speed", 3),
        ("Quality", 4),
    ]


def test_an_answer_the_model_refuses_saves_nothing(company, drivers):
    survey_round = add_survey_round(company)
    with pytest.raises(ValidationError):
        _answer(company, survey_round, None, {drivers[0]: (-1, 2)})
    assert not SurveyRating.objects.exists()
    assert not survey_round.responses.exists()


def test_stating_priorities_again_replaces_the_weights(company, drivers):
    def state(method, weights, comparisons=None, consistency_ratio=None):
        return services.priority_save(
            unit=company.manufacturing,
            category=company.it,
            method=method,
            weights=weights,
            comparisons=comparisons or {},
            consistency_ratio=consistency_ratio,
            by=company.unit_lead,
        )

    cost, quality = drivers[0], drivers[1]
    first = state(Priority.POINTS, {cost: (0.6, 60), quality: (0.4, 40)})
    again = state(
        Priority.PAIRWISE,
        {cost: (0.75, None), quality: (0.25, None)},
        comparisons={f"{cost.pk},{quality.pk}": 3.0},
        consistency_ratio=0.0,
    )
    assert Priority.objects.get() == again == first
    assert again.method == Priority.PAIRWISE and again.comparisons
    assert sorted(PriorityWeight.objects.values_list("driver__name", "weight", "points")) == [
        ("Cost", 0.75, None),
        ("Quality", 0.25, None),
    ]
