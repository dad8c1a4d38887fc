"""Giving priorities: 100 points refused unless they add up, pairwise comparisons with the
consistency check, and a category's combined weights for procurement."""

import pytest
from django.urls import reverse

from stakeholders import ahp
from stakeholders.models import Priority, PriorityWeight, ValueDriver


def _points(drivers, values):
    return {
        "method": "points",
        **{f"driver-{d.pk}": v for d, v in zip(drivers, values, strict=False)},
    }


def _pairs(drivers, judgements):
    data = {"method": "pairwise"}
    index = 0
    for i in range(len(drivers)):
        for j in range(i + 1, len(drivers)):
            data[f"pair-{drivers[i].pk}-{drivers[j].pk}"] = judgements[index]
            index += 1
    return data


@pytest.fixture
def drivers(company):
    return list(ValueDriver.objects.all())


def test_unit_lead_sees_the_categories_their_unit_buys_with_what_is_still_to_do(
    client, company_with_spend
):
    client.force_login(company_with_spend.unit_lead)
    # The spend factory has Manufacturing buy hardware and software, Finance cleaning.
    page = client.get(reverse("stakeholders:priorities")).content.decode()
    assert "IT &amp; telecoms" in page
    assert "Facilities" not in page
    assert "to do" in page


def test_points_must_add_up_to_one_hundred_and_nothing_is_saved_otherwise(client, company, drivers):
    client.force_login(company.unit_lead)
    url = reverse("stakeholders:priority_edit", args=["MFG", "IT"])
    response = client.post(url, _points(drivers, [50, 20, 10, 10]))
    assert response.status_code == 200
    assert "The points add up to 90; they must add up to 100." in response.content.decode()
    assert not Priority.objects.exists()

    response = client.post(url, _points(drivers, [50, 30, 10, 10]))
    assert response.status_code == 302
    weights = dict(PriorityWeight.objects.values_list("driver__name", "weight"))
    assert weights == {"Cost": 0.5, "Quality": 0.3, "Delivery & speed": 0.1, "Innovation": 0.1}


def test_the_live_total_is_a_partial(client, company, drivers):
    client.force_login(company.unit_lead)
    url = reverse("stakeholders:priority_edit", args=["MFG", "IT"])
    response = client.post(
        url, {**_points(drivers, [40, 20, "", ""]), "preview": "1"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "60 of 100 · 40 left to give" in body
    assert "<html" not in body
    assert not Priority.objects.exists()


def test_inconsistent_comparisons_point_to_the_odd_one_out_with_the_value_that_fits(
    client, company, drivers
):
    client.force_login(company.unit_lead)
    url = reverse("stakeholders:priority_edit", args=["MFG", "IT"])
    # Cost > Quality (3), Quality > Delivery (3), Delivery > Innovation (3) ... but
    # Innovation 9x more important than Cost: a contradiction.
    judgements = ["3", "9", "1/9", "3", "9", "3"]
    response = client.post(
        url, {**_pairs(drivers, judgements), "preview": "1"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "These answers are inconsistent" in body
    assert "Cost or Innovation" in body
    assert "Cost 9× extremely more important" in body  # what the other answers suggest

    consistent = ["3", "9", "9", "3", "9", "3"]
    response = client.post(
        url, {**_pairs(drivers, consistent), "preview": "1"}, HTTP_HX_REQUEST="true"
    )
    assert "Consistent" in response.content.decode()
    response = client.post(url, _pairs(drivers, consistent))
    assert response.status_code == 302
    priority = Priority.objects.get()
    assert priority.method == "pairwise"
    assert priority.consistency_ratio < 0.10
    assert sum(priority.weights.values_list("weight", flat=True)) == pytest.approx(1)


def test_another_units_lead_cannot_change_the_priorities(client, company, drivers):
    client.force_login(company.other_unit_lead)
    url = reverse("stakeholders:priority_edit", args=["MFG", "IT"])
    assert client.post(url, _points(drivers, [25, 25, 25, 25])).status_code == 404
    assert not Priority.objects.exists()


def _give(company, unit, category, weights):
    priority = Priority.objects.create(unit=unit, category=category, method="points")
    for driver in ValueDriver.objects.all():
        PriorityWeight.objects.create(
            priority=priority, driver=driver, weight=weights.get(driver.name, 0)
        )


def test_category_page_combines_units_by_spend_share_and_flags_disagreement(
    client, company_with_spend
):
    company = company_with_spend
    _give(company, company.manufacturing, company.it, {"Cost": 0.1, "Quality": 0.9})
    _give(company, company.finance, company.it, {"Cost": 0.9, "Quality": 0.1})
    client.force_login(company.manager)
    response = client.get(reverse("stakeholders:category_priorities", args=["IT"]))
    body = response.content.decode()
    assert "Units disagree strongly" in body
    combined = {row["driver"]: row["combined"] for row in response.context["rows"]}
    units = {u["code"]: u for u in response.context["units"]}
    share = units["MFG"]["share"]
    assert combined["Quality"] == pytest.approx(0.9 * share + 0.1 * (1 - share))
    assert sum(combined.values()) == pytest.approx(1)
    export = client.get(reverse("stakeholders:category_priorities", args=["IT"]) + "?format=csv")
    assert b"Combined" in b"".join(export.streaming_content)


def test_units_that_compared_in_pairs_are_pooled_by_geometric_mean(client, company_with_spend):
    company = company_with_spend
    drivers = list(ValueDriver.objects.all())
    ids = [d.pk for d in drivers]

    def compare(unit, value):
        # Every earlier driver `value` times as important as every later one.
        comparisons = {f"{ids[i]},{ids[j]}": value for i in range(4) for j in range(i + 1, 4)}
        Priority.objects.create(
            unit=unit, category=company.it, method="pairwise", comparisons=comparisons
        )

    compare(company.manufacturing, 9.0)
    compare(company.finance, 1.0)
    client.force_login(company.cpo)
    group = client.get(reverse("stakeholders:category_priorities", args=["IT"])).context["group"]
    assert group["units"] == ["Manufacturing", "Finance"] or group["units"] == [
        "Finance",
        "Manufacturing",
    ]
    # The geometric mean of 9 and 1 is 3 in every cell.
    expected = ahp.priorities(
        ahp.matrix_from_judgements(4, {(i, j): 3.0 for i in range(4) for j in range(i + 1, 4)})
    )
    assert [w for _, w in group["weights"]] == pytest.approx(list(expected.weights))


def test_changing_points_starts_from_what_was_given(client, company, drivers):
    client.force_login(company.unit_lead)
    url = reverse("stakeholders:priority_edit", args=["MFG", "IT"])
    client.post(url, _points(drivers, [40, 30, 20, 10]))
    page = client.get(url).content.decode()
    assert "100 of 100" in page
    assert 'value="40"' in page


def test_a_unit_lead_asking_for_another_unit_sees_only_their_own(client, company_with_spend):
    client.force_login(company_with_spend.unit_lead)
    response = client.get(reverse("stakeholders:priorities") + "?unit=FIN")
    assert response.context["unit"] == company_with_spend.manufacturing
    assert [u.code for u in response.context["units"]] == ["MFG"]


def test_a_category_assigned_to_the_unit_is_listed_without_spend(client, company_with_spend):
    company = company_with_spend
    company.manufacturing.assigned_categories.add(company.facilities)
    client.force_login(company.unit_lead)
    categories = client.get(reverse("stakeholders:priorities")).context["categories"]
    assert [c.code for c in categories] == ["IT", "FM"]
    assert categories[1].spend == 0
