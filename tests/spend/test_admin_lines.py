"""Lines changed in the admin (the one place they can be edited by hand) change the cube's
figures at once: the spend summary is rebuilt after each change."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.urls import reverse

from spend.models import SpendLine, SpendSummary
from spend.summary import refresh_spend_summary

pytestmark = pytest.mark.django_db


def summary_total():
    return SpendSummary.objects.aggregate(total=Sum("spend"))["total"]


@pytest.fixture
def superuser_client(client):
    client.force_login(
        get_user_model().objects.create_superuser("root", "root@example.com", "x" * 12)
    )
    return client


def test_editing_and_deleting_a_line_in_the_admin_keeps_the_summary_current(
    company_with_spend, superuser_client
):
    refresh_spend_summary()
    line = SpendLine.objects.order_by("pk").first()
    before = summary_total()
    url = reverse("admin:spend_spendline_change", args=[line.pk])
    form = superuser_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data["amount"] = str(line.amount + Decimal("100.00"))
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert summary_total() == before + Decimal("100.00")

    delete_url = reverse("admin:spend_spendline_delete", args=[line.pk])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert summary_total() == before - line.amount
