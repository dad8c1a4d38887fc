"""The engagement log: procurement records time with units, and reads it per unit and
category; a unit lead sees only their own unit's time."""

import datetime

from django.urls import reverse

from stakeholders.models import EngagementEntry


def test_engagement_log_sums_time_per_unit_and_category(client, company):
    client.force_login(company.manager)
    for unit, category, minutes in [
        (company.manufacturing, company.it, 60),
        (company.manufacturing, company.facilities, 30),
        (company.finance, company.it, 45),
    ]:
        response = client.post(
            reverse("stakeholders:engagement_add"),
            {
                "date": "2026-06-01",
                "unit": unit.pk,
                "category": category.pk,
                "minutes": minutes,
                "people": "Priya; line managers",
                "topic": "Quarterly review",
            },
        )
        assert response.status_code == 302
    response = client.get(reverse("stakeholders:engagement") + "?start=2026-01-01&end=2026-12-31")
    assert [
        (r["unit__name"], r["minutes"], r["meetings"]) for r in response.context["by_unit"]
    ] == [
        ("Manufacturing", 90, 2),
        ("Finance", 45, 1),
    ]
    assert response.context["by_category"][0] == {"category__name": "IT & telecoms", "minutes": 105}
    outside = client.get(reverse("stakeholders:engagement") + "?start=2025-01-01&end=2025-12-31")
    assert outside.context["by_unit"] == []


def test_unit_lead_sees_only_their_units_time(client, company):
    EngagementEntry.objects.create(
        unit=company.finance, date=datetime.date(2026, 6, 1), minutes=30, people="x", topic="y"
    )
    client.force_login(company.unit_lead)
    response = client.get(reverse("stakeholders:engagement") + "?start=2026-01-01&end=2026-12-31")
    assert response.context["by_unit"] == []
