"""The demo company holds a few of each finding and some duplicates, as
workbench.demo.plant_findings documents."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from categories.models import Category
from opportunities import queries
from opportunities.benchmarks import KINDS
from workbench import demo
from workbench.roles import CPO

pytestmark = pytest.mark.django_db


@pytest.fixture
def cpo(django_user_model):
    call_command("load_demo", lines=3_000, stdout=StringIO())
    return django_user_model.objects.filter(groups__name=CPO).first()


def test_the_demo_holds_every_kind_of_finding_and_the_planted_duplicates(cpo):
    found, _ = queries.findings(
        cpo,
        list(Category.objects.filter(parent__isnull=True)),
        timezone.localdate(),
        with_contracts=True,
    )
    seen = {finding.kind for finding in found}
    assert seen == {kind for kind, _ in KINDS}
    split = [f for f in found if f.kind == "just_under_threshold"]
    assert len(split) >= demo.PLANTED_SPLIT_SUPPLIERS
    pairs = queries.duplicate_pairs(queries.duplicate_lines())
    reasons = [pair.reasons for pair in pairs]
    assert sum("same_amount" in r for r in reasons) >= demo.PLANTED_SAME_AMOUNT_PAIRS
    assert sum("same_reference" in r for r in reasons) >= demo.PLANTED_SAME_REFERENCE_PAIRS
