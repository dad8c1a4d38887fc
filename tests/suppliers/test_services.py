"""The supplier services on their own: what each stores, and what it refuses before storing
anything."""

import pytest
from django.core.exceptions import ValidationError

from suppliers import services
from suppliers.models import Evaluation, Kpi, Rating, ScorecardTemplate, SegmentDecision
from tests.suppliers.builders import standard_template

pytestmark = pytest.mark.django_db


def test_a_segment_decision_sets_the_segment_and_keeps_the_reason(company):
    dell = company.suppliers[0]
    decision = services.segment_set(
        supplier=dell,
        segment="preferred",
        reason="Best prices on laptops",
        suggested="approved",
        by=company.manager,
    )
    dell.refresh_from_db()
    assert dell.segment == "preferred"
    assert SegmentDecision.objects.get() == decision
    assert (decision.suggested, decision.set_by) == ("approved", company.manager)


def test_a_segment_that_does_not_exist_is_refused_and_nothing_changes(company):
    dell = company.suppliers[0]
    with pytest.raises(ValidationError):
        services.segment_set(
            supplier=dell, segment="favourite", reason="Nice people", suggested="", by=None
        )
    dell.refresh_from_db()
    assert dell.segment == ""
    assert not SegmentDecision.objects.exists()


def test_an_evaluation_stores_only_the_rated_kpis(company):
    template = standard_template()
    quality, delivery, cost = (weight.kpi for weight in template.weights.order_by("-weight"))
    evaluation = services.evaluation_record(
        supplier=company.suppliers[0],
        template=template,
        year=2026,
        quarter=2,
        unit=None,
        by=company.manager,
        comment="",
        ratings={quality.pk: 4, delivery.pk: None, cost.pk: 2},
    )
    assert dict(evaluation.ratings.values_list("kpi", "score")) == {quality.pk: 4, cost.pk: 2}


def test_a_rating_outside_one_to_five_stores_no_evaluation(company):
    template = standard_template()
    quality = template.weights.order_by("-weight").first().kpi
    with pytest.raises(ValidationError):
        services.evaluation_record(
            supplier=company.suppliers[0],
            template=template,
            year=2026,
            quarter=2,
            unit=None,
            by=company.manager,
            comment="",
            ratings={quality.pk: 6},
        )
    assert not Evaluation.objects.exists()
    assert not Rating.objects.exists()


def test_a_template_whose_weights_do_not_make_one_hundred_is_refused(company):
    kpi = Kpi.objects.create(name="On time", kind="delivery")
    with pytest.raises(ValidationError, match="add up to 90"):
        services.scorecard_template_create(name="Short", description="", weights={kpi: 90})
    assert not ScorecardTemplate.objects.filter(name="Short").exists()

    template = services.scorecard_template_create(
        name="Delivery only", description="", weights={kpi: 100}
    )
    assert list(template.weights.values_list("kpi", "weight")) == [(kpi.pk, 100)]
