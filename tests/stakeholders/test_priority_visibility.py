"""A category's page of unit priorities as each reader may see it: unit by unit for its owner,
the CPO and administrators; for another manager the combination alone, over at least three
units."""

import pytest
from django.urls import reverse

from stakeholders.models import BusinessUnit, Priority, PriorityWeight, ValueDriver


def _weigh(unit, category, cost_points):
    priority = Priority.objects.create(unit=unit, category=category, method=Priority.POINTS)
    for driver in ValueDriver.objects.all():
        points = cost_points if driver.name == "Cost" else (100 - cost_points) // 3
        PriorityWeight.objects.create(
            priority=priority, driver=driver, weight=points / 100, points=points
        )


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_owner_reads_each_units_weights(client, company):
    _weigh(company.manufacturing, company.it, 70)
    _weigh(company.finance, company.it, 10)
    client.force_login(company.manager)
    page = client.get(reverse("stakeholders:category_priorities", args=["IT"]))
    assert [unit["code"] for unit in page.context["units"]] == ["FIN", "MFG"]
    assert "MFG" in _csv(
        client.get(reverse("stakeholders:category_priorities", args=["IT"]) + "?format=csv")
    )


def test_another_manager_sees_no_unit_and_no_combination_of_two(client, company):
    _weigh(company.manufacturing, company.it, 70)
    _weigh(company.finance, company.it, 10)
    client.force_login(company.other_manager)
    url = reverse("stakeholders:category_priorities", args=["IT"])
    page = client.get(url)
    body = page.content.decode().split("<main")[1]
    assert page.context["units"] == [] and page.context["rows"] == []
    assert page.context["disagreements"] == [] and page.context["group"] is None
    assert "Manufacturing" not in body and "70%" not in body
    assert "Fewer than three units" in body
    assert "MFG" not in _csv(client.get(url + "?format=csv"))


def test_another_manager_sees_the_combination_of_three_units(client, company):
    third = BusinessUnit.objects.create(code="LOG", name="Logistics")
    for unit, cost in ((company.manufacturing, 70), (company.finance, 10), (third, 40)):
        _weigh(unit, company.it, cost)
    client.force_login(company.other_manager)
    url = reverse("stakeholders:category_priorities", args=["IT"])
    page = client.get(url)
    assert page.context["units"] == []
    combined = {row["driver"]: row["combined"] for row in page.context["rows"]}
    assert combined["Cost"] == pytest.approx(0.4)  # no spend: the three units count equally
    text = _csv(client.get(url + "?format=csv"))
    assert "Combined" in text and "MFG" not in text and "Logistics" not in text
