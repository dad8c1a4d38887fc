"""The consistency ratio shown beside its verdict (issue 13, item 13): a CR of 0.1006 read
"inconsistent (CR 0.10, above 0.10)". Shown with enough digits to agree with the verdict."""

import pytest
from django.urls import reverse
from hypothesis import assume, given
from hypothesis import strategies as st

from stakeholders.ahp import CONSISTENCY_LIMIT, shown_ratio
from stakeholders.models import Priority, ValueDriver


@pytest.mark.parametrize(
    ("cr", "shown"),
    [
        (0.1006, "0.101"),
        (0.10004, "0.10004"),
        (0.1, "0.10"),
        (0.0996, "0.10"),
        (0.0949, "0.09"),
        (0.2345, "0.23"),
        (0.0, "0.00"),
    ],
)
def test_the_ratio_has_two_decimals_or_as_many_as_the_verdict_needs(cr, shown):
    assert shown_ratio(cr) == shown


@given(st.floats(min_value=0, max_value=2, allow_nan=False))
def test_the_ratio_shown_is_on_the_same_side_of_the_limit_as_the_verdict(cr):
    assume(abs(cr - CONSISTENCY_LIMIT) >= 1e-6)  # six decimals are as many as are shown
    assert (float(shown_ratio(cr)) <= CONSISTENCY_LIMIT) == (cr <= CONSISTENCY_LIMIT)


# Cost, Quality, Delivery, Innovation compared in pairs: CR 0.1037, just above the limit.
JUST_INCONSISTENT = ["1/3", "1/3", "1/3", "1/3", "2", "5"]


def test_a_ratio_just_above_the_limit_does_not_read_as_at_the_limit(client, company):
    drivers = list(ValueDriver.objects.all())
    client.force_login(company.unit_lead)
    url = reverse("stakeholders:priority_edit", args=["MFG", "IT"])
    body = client.post(
        url, {**_judgements(drivers), "preview": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "These answers are inconsistent" in body
    assert "(CR 0.104, above 0.10)" in body


def test_the_unit_list_shows_the_saved_ratio_as_its_verdict_reads(client, company):
    drivers = list(ValueDriver.objects.all())
    client.force_login(company.unit_lead)
    url = reverse("stakeholders:priority_edit", args=["MFG", "IT"])
    client.post(url, _judgements(drivers))  # inconsistent answers are saved, and flagged
    assert Priority.objects.get().consistency_ratio == pytest.approx(0.1037, abs=1e-4)
    page = client.get(reverse("stakeholders:priorities"), {"unit": "MFG"}).content.decode()
    assert "CR 0.104" in page and "CR 0.10<" not in page


def _judgements(drivers):
    """The form's answer for each pair of drivers, in the order the form lists them."""
    data, answers = {"method": "pairwise"}, iter(JUST_INCONSISTENT)
    for i, first in enumerate(drivers):
        for second in drivers[i + 1 :]:
            data[f"pair-{first.pk}-{second.pk}"] = next(answers)
    return data
