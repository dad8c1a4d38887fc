"""The benchmark saving rates: cited defaults, edited by administrators."""

from decimal import Decimal

import pytest
from django.urls import reverse

from opportunities import queries
from opportunities.benchmarks import DEFAULT_RATES
from opportunities.models import BenchmarkRate

pytestmark = pytest.mark.django_db


def test_every_kind_starts_with_its_cited_default_as_a_row_to_edit():
    rows = {row.opportunity: row for row in BenchmarkRate.objects.all()}
    assert set(rows) == set(DEFAULT_RATES)
    assert rows["tail_spend"].low == Decimal("0.05")
    assert "Boston Consulting Group" in rows["tail_spend"].source


def test_without_rows_the_finder_quotes_the_defaults():
    BenchmarkRate.objects.all().delete()
    assert queries.benchmark_rates() == DEFAULT_RATES


def test_an_administrator_edits_a_rate_and_the_help_cites_the_defaults(client, company):
    rate = BenchmarkRate.objects.get(opportunity="drift")
    url = reverse("admin:opportunities_benchmarkrate_change", args=[rate.pk])
    client.force_login(company.administrator)
    page = client.get(url).text
    assert "Everest Group" in page and "Boston Consulting Group" in page
    data = {"opportunity": "drift", "low": "0.04", "high": "0.03", "source": "Ours"}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "The upper end is below the lower end." in refused.text
    client.post(url, {**data, "high": "0.06"})
    rate.refresh_from_db()
    assert (rate.low, rate.high, rate.updated_by) == (
        Decimal("0.04"),
        Decimal("0.06"),
        company.administrator,
    )
    client.force_login(company.cpo)
    assert client.get(url).status_code == 302  # the admin site is the administrators'
