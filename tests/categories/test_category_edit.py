"""The story of the category edit page: the owner changes the scope, nobody else can."""

import pytest
from django.urls import reverse

from categories.models import Category

pytestmark = pytest.mark.django_db


def test_owner_changes_name_and_scope(client, company):
    client.force_login(company.manager)
    response = client.post(
        reverse("categories:edit", args=["IT.HW"]),
        {"name": "End-user hardware", "description": "Laptops, desktops, monitors."},
    )
    assert response.status_code == 302
    company.hardware.refresh_from_db()
    assert company.hardware.name == "End-user hardware"
    assert company.hardware.description == "Laptops, desktops, monitors."


def test_owner_cannot_hand_the_category_to_someone_else(client, company):
    client.force_login(company.manager)
    client.post(
        reverse("categories:edit", args=["IT.HW"]),
        {"name": "Hardware", "owner": company.other_manager.pk},
    )
    company.hardware.refresh_from_db()
    assert company.hardware.owner == company.manager


def test_another_category_manager_is_refused_and_nothing_changes(client, company):
    client.force_login(company.other_manager)
    response = client.post(reverse("categories:edit", args=["IT.HW"]), {"name": "Taken over"})
    assert response.status_code == 403
    company.hardware.refresh_from_db()
    assert company.hardware.name == "Hardware"


def test_administrator_reassigns_the_owner(client, company):
    client.force_login(company.administrator)
    response = client.post(
        reverse("categories:edit", args=["IT.HW"]),
        {"name": "Hardware", "owner": company.other_manager.pk},
    )
    assert response.status_code == 302
    company.hardware.refresh_from_db()
    assert company.hardware.owner == company.other_manager


def test_an_empty_name_is_shown_as_a_field_error(client, company):
    client.force_login(company.manager)
    response = client.post(reverse("categories:edit", args=["IT.HW"]), {"name": ""})
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert 'class="field has-error"' in response.text


def test_moving_a_category_moves_its_subtree_paths(company):
    company.it.code = "ICT"
    company.it.save()
    assert Category.objects.get(code="IT.HW").path == "/ICT/IT.HW/"
