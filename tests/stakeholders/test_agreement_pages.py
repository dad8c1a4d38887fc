"""Service agreements seen by both sides, set up by procurement, results recorded by either."""

import datetime

from django.urls import reverse

from stakeholders.models import MeasureResult, ServiceAgreement
from tests.factories import add_agreement


def test_both_sides_see_the_agreement_and_the_unit_lead_records_a_result(client, company):
    agreement = add_agreement(company)
    measure = agreement.measures.get()
    client.force_login(company.unit_lead)
    assert client.get(agreement.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("stakeholders:agreement_result", args=[agreement.pk]),
        {"measure": measure.pk, "period": "2026-03-17", "actual": "5.4"},
    )
    assert response.status_code == 302
    result = MeasureResult.objects.get()
    assert result.period == datetime.date(2026, 3, 1)
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "At risk" in page  # 5.4 days against a target of 5: within 10%

    client.force_login(company.manager)
    assert "At risk" in client.get(agreement.get_absolute_url()).content.decode()


def test_recording_a_month_again_corrects_it(client, company):
    agreement = add_agreement(company)
    measure = agreement.measures.get()
    client.force_login(company.cpo)
    url = reverse("stakeholders:agreement_result", args=[agreement.pk])
    client.post(url, {"measure": measure.pk, "period": "2026-03-01", "actual": "9"})
    client.post(url, {"measure": measure.pk, "period": "2026-03-01", "actual": "4"})
    assert list(MeasureResult.objects.values_list("actual", flat=True)) == [4]


def test_another_units_lead_gets_404_on_the_agreement(client, company):
    agreement = add_agreement(company)
    client.force_login(company.other_unit_lead)
    assert client.get(agreement.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("stakeholders:agreement_result", args=[agreement.pk]),
        {"measure": agreement.measures.get().pk, "period": "2026-03-01", "actual": "1"},
    )
    assert response.status_code == 404
    assert not MeasureResult.objects.exists()
    assert client.get(reverse("stakeholders:agreements")).context["rows"] == []


def test_procurement_sets_up_an_agreement_with_its_measures(client, company):
    client.force_login(company.manager)
    data = {
        "unit": company.finance.pk,
        "title": "Month-end purchasing service",
        "objectives": "Purchase orders raised before month end.",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "measures-TOTAL_FORMS": "2",
        "measures-INITIAL_FORMS": "0",
        "measures-MIN_NUM_FORMS": "1",
        "measures-MAX_NUM_FORMS": "1000",
        "measures-0-name": "Orders raised late (%)",
        "measures-0-target": "2",
        "measures-1-name": "",
        "measures-1-target": "",
    }
    response = client.post(reverse("stakeholders:agreement_create"), data)
    assert response.status_code == 302
    agreement = ServiceAgreement.objects.get()
    assert list(agreement.measures.values_list("name", "higher_is_better")) == [
        ("Orders raised late (%)", False)
    ]


def test_an_agreement_needs_a_measure_and_sensible_dates(client, company):
    client.force_login(company.cpo)
    response = client.post(
        reverse("stakeholders:agreement_create"),
        {
            "unit": company.finance.pk,
            "title": "Backwards",
            "objectives": "x",
            "starts_on": "2026-12-31",
            "ends_on": "2026-01-01",
            "measures-TOTAL_FORMS": "1",
            "measures-INITIAL_FORMS": "0",
            "measures-MIN_NUM_FORMS": "1",
            "measures-MAX_NUM_FORMS": "1000",
        },
    )
    body = response.content.decode()
    assert "The agreement cannot end before it starts." in body
    assert "Please submit at least 1 form." in body
    assert not ServiceAgreement.objects.exists()
