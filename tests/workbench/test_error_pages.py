"""Refusals read as the product, with the reason, not as a bare server page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_refusal_says_why_inside_the_layout(client, company):
    client.force_login(company.other_manager)
    response = client.get(reverse("categories:edit", args=["IT.HW"]))
    assert response.status_code == 403
    assert "Only the category&#x27;s owner or an administrator may change it." in response.text
    assert "Category Workbench" in response.text


def test_another_units_page_is_not_found_inside_the_layout(client, company):
    client.force_login(company.unit_lead)
    response = client.get(reverse("stakeholders:unit", args=["FIN"]))
    assert response.status_code == 404
    assert "Back to your home page" in response.text
