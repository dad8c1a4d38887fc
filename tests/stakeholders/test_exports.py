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


def test_an_anonymous_rounds_comments_export_without_the_unit_or_score(client, company_with_spend):
    company = company_with_spend
    survey_round = add_survey_round(company, anonymous=True)
    for unit in (company.manufacturing, company.finance):
        for category in (company.it, company.facilities):
            SurveyResponse.objects.create(
                round=survey_round,
                unit=unit,
                category=category,
                recommend=8,
                comment=f"Note on {category.code}",
                submitted_at=timezone.now(),
            )
    client.force_login(company.cpo)  # reads every answer, units named
    url = reverse("stakeholders:round_results", args=[survey_round.pk])
    assert "Manufacturing,8,Note on IT" in _csv(client.get(f"{url}?table=comments&format=csv"))
    client.force_login(company.manager)  # owns IT only: two answers, under the three needed
    text = _csv(client.get(f"{url}?table=comments&format=csv"))
    assert text.strip() == "Category,Comment"


def test_voids_export_the_rows_the_page_shows(client, answered):
    company, survey_round = answered
    SurveyResponse.objects.filter(round=survey_round).update(recommend=2)
    client.force_login(company.cpo)
    page = client.get(reverse("stakeholders:voids"))
    text = _csv(client.get(reverse("stakeholders:voids") + "?format=csv"))
    assert text.startswith("Unit,Category,Recommend,Why")
    assert [row["unit"] for row in page.context["rows"]] == ["Manufacturing"]
    assert "Manufacturing,IT & telecoms,2,detractor (recommend 2 of 10)" in text


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
