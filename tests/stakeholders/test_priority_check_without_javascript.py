"""Without JavaScript, the "Check consistency" and "Check the total" buttons post the same
`preview` htmx posts on each change: the answer is the whole page with the preview on it, and
nothing is saved. Only "Save priorities" saves."""

import pytest
from django.urls import reverse

from stakeholders.models import Priority, ValueDriver

# Cost, Quality, Delivery & speed, Innovation in the catalogue's order; the fourth judgement
# (Innovation 9x Cost) contradicts the rest.
CONTRADICTORY = ["3", "9", "1/9", "3", "9", "3"]
CONSISTENT = ["3", "9", "9", "3", "9", "3"]


def _points(drivers, values):
    return {
        "method": "points",
        **{f"driver-{d.pk}": v for d, v in zip(drivers, values, strict=True)},
    }


def _pairs(drivers, judgements):
    """The pairwise form's data: one judgement per pair of drivers, in the form's order."""
    pairs = [(a, b) for i, a in enumerate(drivers) for b in drivers[i + 1 :]]
    return {
        "method": "pairwise",
        **{f"pair-{a.pk}-{b.pk}": j for (a, b), j in zip(pairs, judgements, strict=True)},
    }


@pytest.fixture
def drivers(company):
    return list(ValueDriver.objects.all())


@pytest.fixture
def url(client, company):
    client.force_login(company.unit_lead)
    return reverse("stakeholders:priority_edit", args=["MFG", "IT"])


def test_checking_consistency_answers_with_the_whole_page_and_saves_nothing(
    client, url, drivers, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client.post(url, {**_pairs(drivers, CONTRADICTORY), "preview": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body  # the page, not the htmx fragment
    assert "These answers are inconsistent" in body
    assert "Cost or Innovation" in body
    assert "Cost 9× extremely more important" in body
    # The judgements stay as given, so the person can change the one pointed out.
    assert '<option value="1/9" selected>' in body
    assert not Priority.objects.exists()


def test_a_consistent_check_shows_the_weights_and_saving_afterwards_saves_them(
    client, url, drivers
):
    body = client.post(url, {**_pairs(drivers, CONSISTENT), "preview": "1"}).content.decode()
    assert "Consistent: CR" in body
    assert "Weight" in body and "%" in body
    assert not Priority.objects.exists()

    response = client.post(url, _pairs(drivers, CONSISTENT))
    assert response.status_code == 302
    assert Priority.objects.get().method == "pairwise"


def test_an_unanswered_pair_is_pointed_out_by_the_check_and_nothing_is_saved(client, url, drivers):
    judgements = [*CONSISTENT[:-1], ""]
    response = client.post(url, {**_pairs(drivers, judgements), "preview": "1"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert not Priority.objects.exists()


def test_checking_the_points_total_answers_with_the_page_and_saves_nothing(client, url, drivers):
    response = client.post(url, {**_points(drivers, [40, 20, 30, 10]), "preview": "1"})
    body = response.content.decode()
    assert "<html" in body
    assert "100 of 100" in body
    assert not Priority.objects.exists()


def test_the_check_buttons_are_there_for_browsers_without_javascript(client, url):
    pairwise = client.get(url, {"method": "pairwise"}).content.decode()
    assert (
        '<noscript><button type="submit" name="preview" value="1" class="button">'
        "Check consistency</button></noscript>"
    ) in pairwise
    points = client.get(url, {"method": "points"}).content.decode()
    assert 'name="preview" value="1" class="button">Check the total</button>' in points
