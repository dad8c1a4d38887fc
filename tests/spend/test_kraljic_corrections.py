"""A Kraljic override set by mistake is withdrawn by the category's owner: the one before it,
or the data's suggestion, is in force again at once; another manager is refused; a withdrawal
over a page that is out of date is refused; the withdrawal is kept, and undoing it puts the
override back in force. Figures from tests/spend/test_kraljic_pages.py: Hardware's data
suggests impact 4, risk 5 (strategic)."""

import pytest
from django.urls import reverse

from spend.models import KraljicAssessment
from tests.spend.cube_data import add_hand_worked_spend

pytestmark = pytest.mark.django_db
MATRIX = reverse("spend:kraljic")


@pytest.fixture
def spend(company):
    add_hand_worked_spend(company)
    return company


def hardware_position(client):
    hardware = {p.category.code: p for p in client.get(MATRIX).context["positions"]}["IT.HW"]
    return hardware.impact, hardware.risk


def override(client, company, impact, risk, reason):
    url = reverse("spend:kraljic_position", args=[company.hardware.code])
    client.post(url, {"profit_impact": impact, "supply_risk": risk, "reason": reason})
    return KraljicAssessment.objects.filter(category=company.hardware).first()


def test_withdrawing_an_override_puts_the_one_before_back_and_undo_restores_it(client, spend):
    client.force_login(spend.manager)
    first = override(client, spend, 4, 3, "Second source qualified.")
    mistake = override(client, spend, 1, 1, "Typed on the wrong category.")
    assert hardware_position(client) == (1, 1)

    response = client.post(
        reverse("spend:kraljic_withdraw", args=[mistake.pk]), {"version": mistake.version}
    )
    assert response.status_code == 302
    assert hardware_position(client) == (4, 3)
    page = client.get(response["Location"]).content.decode()
    assert "withdrawn" in page and "Typed on the wrong category." in page

    client.post(reverse("spend:kraljic_withdraw", args=[first.pk]), {"version": first.version})
    assert hardware_position(client) == (4, 5)  # the data's suggestion

    # The administrator may undo the owner's withdrawal.
    client.force_login(spend.administrator)
    client.post(reverse("spend:kraljic_reinstate", args=[mistake.pk]))
    assert hardware_position(client) == (1, 1)
    history = [row.history_type for row in KraljicAssessment.history.filter(id=mistake.pk)]
    assert history.count("~") == 2  # withdrawn, then put back: both on record


def test_another_manager_may_not_withdraw(client, spend):
    client.force_login(spend.manager)
    assessment = override(client, spend, 4, 3, "Second source qualified.")
    for user in (spend.other_manager, spend.cpo):
        client.force_login(user)
        response = client.post(
            reverse("spend:kraljic_withdraw", args=[assessment.pk]), {"version": 1}
        )
        assert response.status_code == 403
    assert KraljicAssessment.objects.filter(pk=assessment.pk).exists()


def test_a_withdrawal_from_an_out_of_date_page_is_refused(client, spend):
    client.force_login(spend.manager)
    assessment = override(client, spend, 4, 3, "Second source qualified.")
    client.post(reverse("spend:kraljic_withdraw", args=[assessment.pk]), {"version": 1})
    client.post(reverse("spend:kraljic_reinstate", args=[assessment.pk]))
    response = client.post(
        reverse("spend:kraljic_withdraw", args=[assessment.pk]), {"version": 1}, follow=True
    )
    assert "Not withdrawn: the override changed since you loaded the page" in (
        response.content.decode()
    )
    assert KraljicAssessment.objects.filter(pk=assessment.pk).exists()
