"""The spend services on their own: each change validated before it is saved, and an upsert
keeping one row per key."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from spend import services
from spend.models import ClassificationRule, ExchangeRate, KraljicAssessment

pytestmark = pytest.mark.django_db
JANUARY = datetime.date(2026, 1, 1)


def test_a_new_rate_for_a_month_replaces_the_one_held():
    services.exchange_rates_save(rates=[("EUR", JANUARY, Decimal("0.85"))])
    services.exchange_rates_save(
        rates=[("EUR", JANUARY, Decimal("0.86")), ("USD", JANUARY, Decimal("0.79"))]
    )
    assert dict(ExchangeRate.objects.values_list("currency", "rate")) == {
        "EUR": Decimal("0.86"),
        "USD": Decimal("0.79"),
    }


def test_a_gl_account_rule_is_changed_not_doubled(company):
    services.classification_rule_save(
        kind=ClassificationRule.GL_ACCOUNT, value="6100", category=company.it, by=company.manager
    )
    rule = services.classification_rule_save(
        kind=ClassificationRule.GL_ACCOUNT,
        value="6100",
        category=company.hardware,
        by=company.manager,
    )
    assert list(ClassificationRule.objects.values_list("pk", "category")) == [
        (rule.pk, company.hardware.pk)
    ]


def test_kraljic_scores_outside_one_to_five_are_refused_and_nothing_is_kept(company):
    with pytest.raises(ValidationError) as refusal:
        services.kraljic_assessment_record(
            category=company.hardware,
            profit_impact=6,
            supply_risk=3,
            reason="Too big",
            by=company.manager,
        )
    assert "profit_impact" in refusal.value.message_dict
    assert not KraljicAssessment.objects.exists()
