"""The home page tells a unit lead what they still owe, and the CPO how many voids there are."""

from django.urls import reverse
from django.utils import timezone

from stakeholders.models import SurveyResponse
from tests.factories import add_survey_round


def test_unit_lead_home_lists_missing_priorities_and_answers_owed(client, company_with_spend):
    company = company_with_spend
    add_survey_round(company)
    client.force_login(company.unit_lead)
    body = client.get(reverse("home")).content.decode()
    # Manufacturing buys IT only; the round asks it about IT and Facilities.
    assert "Manufacturing has 2 answers to give" in body  # in the inbox
    assert "Priorities for 1 category" in body


def test_cpo_home_counts_the_latest_voids(client, company_with_spend):
    company = company_with_spend
    survey_round = add_survey_round(company)
    for unit, recommend in [(company.manufacturing, 3), (company.finance, 10)]:
        SurveyResponse.objects.create(
            round=survey_round,
            unit=unit,
            category=company.it,
            recommend=recommend,
            submitted_at=timezone.now(),
        )
    client.force_login(company.cpo)
    response = client.get(reverse("home"))
    assert response.context["portfolio"]["voids"]["count"] == 1
    assert f"{reverse('stakeholders:voids')}?round={survey_round.pk}" in response.content.decode()
