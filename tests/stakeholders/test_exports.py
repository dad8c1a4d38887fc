"""Every stakeholder table downloads as CSV and Excel, with what the reader may see."""

import pytest
from django.urls import reverse
from django.utils import timezone

from stakeholders.models import SurveyResponse
from tests.factories import add_agreement, add_survey_round


def _csv(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.fixture
def answered(company_with_spend):
    company = company_with_spend
    survey_round = add_survey_round(company)
    SurveyResponse.objects.create(
        round=survey_round,
        unit=company.manufacturing,
        category=company.it,
        recommend=9,
        comment="Laptops arrive late",
        submitted_at=timezone.now(),
    )
    add_agreement(company)
    return company, survey_round


@pytest.mark.parametrize(
    ("table", "header", "row"),
    [
        ("nps", "By,Name,NPS,Promoters", "Category,IT & telecoms,100.0,1"),
        ("comments", "Category,Unit,Recommend,Comment", "Manufacturing,9,Laptops arrive late"),
        ("drivers", "Driver,Importance,Satisfaction", None),
    ],
)
def test_each_results_table_exports(client, answered, table, header, row):
    company, survey_round = answered
    client.force_login(company.cpo)
    url = reverse("stakeholders:round_results", args=[survey_round.pk])
    text = _csv(client.get(f"{url}?table={table}&format=csv"))
    assert text.startswith(header)
    if row:
        assert row in text


def test_lists_export(client, answered):
    company, _ = answered
    client.force_login(company.unit_lead)
    assert "IT & telecoms,IT," in _csv(
        client.get(reverse("stakeholders:priorities") + "?format=csv")
    )
    assert "Spring survey" in _csv(client.get(reverse("stakeholders:rounds") + "?format=csv"))
    assert "Direct materials service,Manufacturing" in _csv(
        client.get(reverse("stakeholders:agreements") + "?format=csv")
    )
    response = client.get(reverse("stakeholders:rounds") + "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
