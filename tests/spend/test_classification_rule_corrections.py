"""A classification rule pointed at the wrong category is corrected (saved again for the same
GL account or keyword) or removed by its category's owner; the rules page shows who changed
which rule when, and a removal made there can be undone: by its owner or an administrator,
not by another manager, and not over a rule made since for the same account."""

import pytest
from django.urls import reverse

from spend.models import ClassificationRule

pytestmark = pytest.mark.django_db
RULES = reverse("spend:classification_rules")


def _rule(client, value, category):
    client.post(RULES, {"kind": "gl_account", "value": value, "category": category})
    return ClassificationRule.objects.get(gl_account=value)


def test_a_correction_and_a_removal_are_on_record_and_the_removal_is_undone(client, company):
    client.force_login(company.manager)
    rule = _rule(client, "6100", "IT.SW")
    corrected = _rule(client, "6100", "IT.HW")  # meant hardware
    assert corrected.pk == rule.pk and corrected.category == company.hardware

    client.post(RULES, {"delete": rule.pk})
    assert not ClassificationRule.objects.filter(gl_account="6100").exists()
    page = client.get(RULES)
    assert [removal.id for removal in page.context["removed"]] == [rule.pk]
    kinds = [change.history_type for change in page.context["changes"]]
    assert kinds == ["-", "~", "+"]
    text = page.content.decode()
    assert "Removed on the rules page" in text and "Pointed at a category" in text

    # Another manager may not put back a rule for a category they do not own.
    client.force_login(company.other_manager)
    removal = page.context["removed"][0]
    response = client.post(RULES, {"restore": removal.history_id}, follow=True)
    assert "or an administrator may put it back." in response.content.decode()
    assert not ClassificationRule.objects.filter(gl_account="6100").exists()

    client.force_login(company.administrator)
    client.post(RULES, {"restore": removal.history_id})
    back = ClassificationRule.objects.get(gl_account="6100")
    assert (back.pk, back.category) == (rule.pk, company.hardware)
    assert client.get(RULES).context["removed"] == []


def test_a_removal_is_not_undone_over_a_rule_made_since(client, company):
    client.force_login(company.manager)
    rule = _rule(client, "6200", "IT.HW")
    client.post(RULES, {"delete": rule.pk})
    removal = client.get(RULES).context["removed"][0]
    _rule(client, "6200", "IT.SW")
    response = client.post(RULES, {"restore": removal.history_id}, follow=True)
    assert "has been set since it was removed" in response.content.decode()
    assert ClassificationRule.objects.get(gl_account="6200").category == company.software
