"""What a newcomer met on the pages (issue 14, item 15): long lists come a page at a time with
the same number of queries, segment pills carry their names, line counts are written like
every other number."""

import datetime

import pytest
from django.urls import reverse

from categories.models import Category
from spend.models import ImportBatch
from stakeholders.models import BusinessUnit, EngagementEntry
from suppliers.models import PREFERRED, Supplier

pytestmark = pytest.mark.django_db


def _rows(html: str) -> int:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr")


def test_the_category_list_comes_a_page_at_a_time(client, company, django_assert_max_num_queries):
    for number in range(150):
        Category.objects.create(code=f"X{number:03}", name=f"Extra {number:03}")
    client.force_login(company.manager)
    url = reverse("categories:list")
    with django_assert_max_num_queries(12):
        first = client.get(url).content.decode()
    total = Category.objects.count()
    assert _rows(first) == 100 and f"Page 1 of 2 · {total} categories" in first
    last = client.get(url, {"page": 2}).content.decode()
    assert _rows(last) == total - 100 and "← Previous" in last
    assert client.get(url, {"page": "x"}).status_code == 400


def test_the_unit_list_comes_a_page_at_a_time(client, company, django_assert_max_num_queries):
    BusinessUnit.objects.bulk_create(
        BusinessUnit(code=f"U{number:03}", name=f"Unit {number:03}") for number in range(70)
    )
    client.force_login(company.cpo)
    url = reverse("stakeholders:units")
    with django_assert_max_num_queries(12):
        first = client.get(url).content.decode()
    assert _rows(first) == 50 and "Next →" in first
    assert "Page 2 of 2" in client.get(url, {"page": 2}).content.decode()


def test_the_engagement_log_comes_a_page_at_a_time_and_keeps_its_period(
    client, company, django_assert_max_num_queries
):
    today = datetime.date.today()
    EngagementEntry.objects.bulk_create(
        EngagementEntry(
            unit=company.manufacturing,
            date=today - datetime.timedelta(days=number),
            minutes=30,
            people="Ann",
            topic=f"Meeting {number}",
            recorded_by=company.manager,
        )
        for number in range(120)
    )
    client.force_login(company.manager)
    url = reverse("stakeholders:engagement")
    start = f"{today - datetime.timedelta(days=200):%Y-%m-%d}"
    with django_assert_max_num_queries(16):
        page = client.get(url, {"start": start}).content.decode()
    entries = page.split("Meeting ")
    assert len(entries) - 1 == 50
    assert f"?start={start}&amp;page=2" in page and "120 entries" in page


def test_the_supplier_list_names_each_segment(client, company):
    Supplier.objects.filter(pk=company.suppliers[0].pk).update(segment=PREFERRED)
    client.force_login(company.manager)
    page = client.get(reverse("suppliers:list"), {"segment": PREFERRED}).content.decode()
    assert '<span class="tag segment-preferred">Preferred</span>' in page


def test_a_batch_counts_its_lines_as_numbers_are_written_elsewhere():
    batch = ImportBatch(source="bradford-2018-01.csv", content_hash="0" * 64, line_count=16176)
    assert str(batch) == "bradford-2018-01.csv (16,176 lines)"
