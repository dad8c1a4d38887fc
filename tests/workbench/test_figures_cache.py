"""Derived figures come from the cache, filed under the data version of what they read: never
stale after a write of any kind, never one reader's figure served to another."""

import datetime
import gzip
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import CategoryPlan
from portfolio import maturity
from portfolio import queries as portfolio_queries
from spend import cube
from spend.importing.storing import undo_batch
from spend.models import SpendLine
from spend.services import spend_classify
from spend.subtrees import SubtreeSpend, subtree_spend
from spend.summary import refresh_spend_summary
from stakeholders.models import ValueDriver
from stakeholders.services import survey_response_save
from suppliers.merging import merge_suppliers, undo_merge
from tests.factories import add_spend, add_survey_round
from tests.plans.plan_builders import add_initiative, make_plan
from tests.portfolio.builders import assess
from tests.spend.import_support import csv_bytes, import_file, imports_in_tmp
from workbench import figures
from workbench.models import DataVersion
from workbench.permissions import readable_spend

pytestmark = pytest.mark.django_db
__all__ = ["imports_in_tmp"]  # the fixture: uploads go to a temporary folder

JUNE = datetime.date(2026, 6, 15)


def add_finance_it_spend(company, amount="777.00"):
    """add_spend books IT on Manufacturing alone: Finance buys some hardware too."""
    SpendLine.objects.create(
        date=JUNE,
        amount=Decimal(amount),
        original_amount=Decimal(amount),
        currency="GBP",
        supplier=company.suppliers[0],
        category=company.hardware,
        business_unit=company.finance,
    )
    refresh_spend_summary()


def it_spend(period) -> Decimal:
    return cube.subtree_figures(period)[cube.Category.objects.get(code="IT").path].spend


def test_subtree_spend_rolls_each_supplier_up_the_tree_once():
    # Hand-worked: /IT/ has /IT/HW/ and /IT/SW/. Supplier "a" sells 100 of hardware and -30
    # of software (a credit note): nets 70 over IT, counted once there; "b" sells 50 of
    # software only; "r" is a redacted payee: its 20 is spend, but no supplier.
    booked = [
        {"path": "/IT/HW/", "supplier": "a", "redacted": False, "spend": 100, "previous_spend": 10},
        {"path": "/IT/SW/", "supplier": "a", "redacted": False, "spend": -30, "previous_spend": 0},
        {"path": "/IT/SW/", "supplier": "b", "redacted": False, "spend": 50, "previous_spend": 5},
        {"path": "/IT/SW/", "supplier": "r", "redacted": True, "spend": 20, "previous_spend": 0},
    ]
    result = subtree_spend(booked)
    assert result["/IT/"] == SubtreeSpend(spend=140, previous_spend=15, supplier_count=2)
    assert result["/IT/HW/"] == SubtreeSpend(spend=100, previous_spend=10, supplier_count=1)
    # Software: "a" nets -30 there, so only "b" is a supplier of it.
    assert result["/IT/SW/"] == SubtreeSpend(spend=40, previous_spend=5, supplier_count=1)
    assert "/FM/" not in result  # nothing booked: the page shows NOTHING, zeros


def test_subtree_figures_agree_with_summing_the_lines(company):
    add_spend(company, 300)
    period = cube.latest_period()
    figures_of = cube.subtree_figures(period)
    for category in (company.it, company.hardware, company.facilities):
        lines = SpendLine.objects.filter(
            category__path__startswith=category.path, date__range=(period.start, period.end)
        )
        expected = sum((line.amount for line in lines), Decimal(0))
        assert figures_of[category.path].spend == expected
        assert figures_of[category.path].supplier_count == (
            lines.values("supplier").distinct().count()
        )


def test_a_figure_asked_for_again_costs_one_query_for_the_versions(
    company, django_assert_num_queries
):
    add_spend(company, 60)
    period = cube.latest_period()
    first = cube.subtree_figures(period)
    with django_assert_num_queries(1):  # the data versions; the figure itself from the cache
        assert cube.subtree_figures(period) == first


def test_nothing_is_cached_before_the_first_write_gives_a_version(company):
    DataVersion.objects.all().delete()
    assert figures.stamps([figures.SPEND]) is None
    calls = []
    for _ in range(2):
        figures.cached("probe", areas=[figures.SPEND], scope="all", compute=lambda: calls.append(1))
    assert len(calls) == 2


def test_an_import_and_its_undo_change_the_cached_figures_at_once(company):
    add_spend(company, 60)
    period = cube.latest_period()
    before = it_spend(period)
    totals_before = cube.portfolio_totals(period)["spend"]
    job = import_file(
        csv_bytes(
            f"{JUNE},Dell Technologies Ltd,1000.00,GBP,Manufacturing,IT.HW,6000,Laptops,A-1",
            f"{JUNE},Softcat plc,234.50,GBP,Finance,IT.SW,6000,Licences,A-2",
        )
    )
    assert job.lines_stored == 2
    assert it_spend(period) == before + Decimal("1234.50")
    assert cube.portfolio_totals(period)["spend"] == totals_before + Decimal("1234.50")
    undo_batch(job)
    assert it_spend(period) == before
    assert cube.portfolio_totals(period)["spend"] == totals_before


def test_classifying_spend_changes_the_cached_figures_at_once(company):
    add_spend(company, 30)
    SpendLine.objects.create(
        date=JUNE,
        amount=Decimal("500.00"),
        original_amount=Decimal("500.00"),
        currency="GBP",
        supplier=company.suppliers[2],
        business_unit=company.manufacturing,
        description="Unsorted",
    )
    refresh_spend_summary()
    period = cube.latest_period()
    before = it_spend(period)
    spend_classify(
        category=company.hardware, supplier_ids=[company.suppliers[2].pk], by=company.manager
    )
    assert it_spend(period) == before + Decimal("500.00")


def test_a_supplier_merge_changes_the_cached_cube_at_once(company):
    add_spend(company, 30)
    period = cube.latest_period()
    slice_ = cube.CubeFilter(start=period.start, end=period.end)
    assert len(cube.by_supplier(slice_)) == 3
    merge = merge_suppliers(company.suppliers[0], company.suppliers[1], user=company.manager)
    assert len(cube.by_supplier(slice_)) == 2
    undo_merge(merge, user=company.manager)
    assert len(cube.by_supplier(slice_)) == 3


def test_a_plan_save_changes_the_cached_savings_at_once(company):
    add_spend(company, 30)
    plan = make_plan(company, status=CategoryPlan.APPROVED)
    before = portfolio_queries.savings_for_year(2027)["total"]
    add_initiative(plan, "Renegotiate support", [company.manufacturing], {}, hard_savings=7_000)
    after = portfolio_queries.savings_for_year(2027)["total"]
    assert after != before
    plan.status = CategoryPlan.CLOSED
    plan.save()
    assert portfolio_queries.spend_under_management(cube.latest_period())["plans"] == 0


def test_an_answer_save_changes_the_cached_satisfaction_at_once(company):
    survey_round = add_survey_round(company)
    drivers = {driver: (5, 2) for driver in ValueDriver.objects.all()}

    def answer(unit, recommend):
        return survey_response_save(
            survey_round=survey_round,
            unit=unit,
            category=company.it,
            response=None,
            recommend=recommend,
            comment="",
            ratings=drivers,
            by=company.cpo,
            submitting=True,
        )

    answer(company.manufacturing, 10)
    first = portfolio_queries.satisfaction_by_unit(company.cpo)
    assert first["nps"] == 100
    answer(company.finance, 0)
    assert portfolio_queries.satisfaction_by_unit(company.cpo)["nps"] == 0


def test_a_maturity_assessment_changes_the_cached_picture_at_once(company):
    add_spend(company, 30)
    period = cube.latest_period()
    assess(company.it, JUNE, {maturity.SPEND_INSIGHT: 2})
    assert portfolio_queries.maturity_picture(period).row("IT").levels == {
        maturity.SPEND_INSIGHT: 2
    }
    assess(company.it, JUNE + datetime.timedelta(days=30), {maturity.SPEND_INSIGHT: 4})
    assert portfolio_queries.maturity_picture(period).row("IT").levels == {
        maturity.SPEND_INSIGHT: 4
    }


def test_a_rolled_back_write_leaves_no_figure_behind(company):
    add_spend(company, 30)
    period = cube.latest_period()
    before = it_spend(period)
    with pytest.raises(RuntimeError), transaction.atomic():
        add_spend(company, 30)
        assert it_spend(period) > before  # cached under a version that is never committed
        raise RuntimeError("changed my mind")
    assert it_spend(period) == before


def test_readers_with_different_scopes_never_share_a_cached_figure(company):
    add_spend(company, 90)
    add_finance_it_spend(company)
    period = cube.latest_period()
    everyone = cube.with_subtree_spend([company.it], period)[0].spend
    lead_rows = readable_spend(company.unit_lead, cube.spend_rows())
    own = cube.with_subtree_spend([company.it], period, lead_rows)[0].spend
    other_rows = readable_spend(company.other_unit_lead, cube.spend_rows())
    others = cube.with_subtree_spend([company.it], period, other_rows)[0].spend
    assert 0 < own < everyone and 0 < others < everyone
    assert own + others == everyone
    # The other way round, each from the cache now: still each reader's own.
    assert cube.with_subtree_spend([company.it], period, other_rows)[0].spend == others
    assert cube.with_subtree_spend([company.it], period)[0].spend == everyone


@pytest.mark.parametrize("first", ["cpo", "unit_lead"])
def test_a_category_page_shows_each_reader_their_own_figure_whoever_came_first(
    client, company, first
):
    add_spend(company, 90)
    add_finance_it_spend(company)
    url = reverse("categories:detail", args=["IT"])
    seen = {}
    for who in [first, *({"cpo", "unit_lead"} - {first})]:
        client.force_login(getattr(company, who))
        seen[who] = client.get(url).context["spend"]
    period = cube.latest_period()
    manufacturing = SpendLine.objects.filter(
        business_unit=company.manufacturing,
        category__path__startswith=company.it.path,
        date__range=(period.start, period.end),
    )
    assert seen["unit_lead"] == sum(line.amount for line in manufacturing)
    assert seen["cpo"] > seen["unit_lead"]


@pytest.mark.usefixtures("every_page_rendered")
def test_the_categories_page_costs_the_same_queries_with_ten_or_three_thousand_lines(
    client, company
):
    client.force_login(company.cpo)
    counts = []
    for lines in (10, 3_000):
        add_spend(company, lines)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("categories:list"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10
    hardware = next(c for c in response.context["categories"] if c.code == "IT.HW")
    assert (
        hardware.spend
        == it_spend(cube.latest_period())
        - next(c for c in response.context["categories"] if c.code == "IT.SW").spend
    )


def test_pages_come_back_gzip_compressed_when_the_browser_takes_it(client, company):
    add_spend(company, 30)
    client.force_login(company.cpo)
    url = reverse("categories:list")
    compressed = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    page = gzip.decompress(compressed.content).decode()
    assert "IT &amp; telecoms" in page
    plain = client.get(url)
    assert not plain.has_header("Content-Encoding")
    # Beyond the up to 100 random bytes Django pads the gzip header with (against BREACH).
    assert len(compressed.content) - 100 < len(plain.content) / 3


def _cache_backend(**env) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION'])"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "REDIS_URL": "",
        "CACHE_URL": "",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_cache_needs_no_server_and_is_redis_when_configured():
    assert "LocMemCache" in _cache_backend().stdout
    redis = _cache_backend(REDIS_URL="redis://127.0.0.1:6379/2").stdout
    assert redis.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/2",
    ]
    refused = _cache_backend(CACHE_URL="memcached://127.0.0.1:11211")
    assert refused.returncode != 0
    assert "CACHE_URL is not redis://" in refused.stderr
