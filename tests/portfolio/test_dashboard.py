"""The CPO's dashboard, its board pack and the maturity heatmap: what the CPO sees, with
hand-worked organisation levels, and queries that do not grow with the data."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from portfolio import maturity
from tests.factories import add_spend
from tests.portfolio.builders import add_round_spend, assess

JANUARY = datetime.date(2026, 1, 20)
JULY = datetime.date(2026, 7, 20)


@pytest.fixture
def assessed(company):
    """IT (3/4 of spend) at 4 on spend insight and FM (1/4) at 2, after an earlier round at 2
    and 1: the organisation went from (2 x 3000 + 1 x 1000) / 4000 = 1.75 to
    (4 x 3000 + 2 x 1000) / 4000 = 3.5 on spend insight."""
    add_round_spend(company)
    assess(company.it, JANUARY, {maturity.SPEND_INSIGHT: 2, maturity.STAKEHOLDER_FOCUS: 1})
    assess(company.facilities, JANUARY, {maturity.SPEND_INSIGHT: 1})
    assess(company.it, JULY, {maturity.SPEND_INSIGHT: 4, maturity.STAKEHOLDER_FOCUS: 3})
    assess(company.facilities, JULY, {maturity.SPEND_INSIGHT: 2})
    return company


def test_cpo_sees_the_spend_weighted_organisation_level(client, assessed):
    client.force_login(assessed.cpo)
    response = client.get(reverse("portfolio:dashboard"))
    assert response.status_code == 200
    picture = response.context["picture"]
    assert picture.profile[maturity.SPEND_INSIGHT] == pytest.approx(3.5)
    assert picture.profile[maturity.STAKEHOLDER_FOCUS] == 3  # only IT answered it
    # Overall: the mean of the two assessed dimensions, (3.5 + 3) / 2.
    assert picture.overall == pytest.approx(3.25)
    page = response.content.decode()
    assert "3.2" in page and "Leveraged buying" in page
    assert [day for day, _ in picture.trend] == [JANUARY, JULY]
    assert picture.trend[0][1][maturity.SPEND_INSIGHT] == pytest.approx(1.75)


def test_every_tile_links_to_the_page_behind_it(client, assessed):
    client.force_login(assessed.cpo)
    page = client.get(reverse("portfolio:dashboard")).content.decode()
    for url in [
        reverse("portfolio:maturity"),
        reverse("portfolio:category_maturity", args=["IT"]),
        reverse("suppliers:segments"),
    ]:
        assert f'href="{url}' in page


def test_the_radar_compares_one_category_in_place(client, assessed):
    client.force_login(assessed.cpo)
    response = client.get(
        reverse("portfolio:dashboard"), {"part": "radar", "category": "IT"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div class="card" id="radar-tile">')
    assert "IT &amp; telecoms in detail" in page
    assert "<html" not in page


def test_a_category_manager_does_not_see_the_portfolio(client, assessed):
    client.force_login(assessed.manager)
    assert client.get(reverse("portfolio:dashboard")).status_code == 403


def test_board_pack_prints_and_exports_the_same_figures(client, assessed):
    client.force_login(assessed.cpo)
    page = client.get(reverse("portfolio:board_pack"))
    assert page.status_code == 200
    # Paper's rules (A4, breaks between cards) are print.css's, for every page; the PDF itself
    # is checked in tests/browser/test_printing.py.
    assert b'css/print.css" media="print"' in page.content
    assert b"size: A4;" in client.get("/static/css/print.css").getvalue()
    response = client.get(reverse("portfolio:board_pack"), {"format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    assert {"Maturity", "Heatmap", "Trend", "Supplier time by segment"} <= set(book.sheetnames)
    maturity_rows = {row[0]: row[1] for row in book["Maturity"].iter_rows(values_only=True)}
    assert maturity_rows["Spend insight"] == 3.5
    heatmap = list(book["Heatmap"].iter_rows(values_only=True))
    header, it_row = heatmap[0], next(row for row in heatmap if row[0] == "IT")
    assert it_row[header.index("Spend insight")] == 4
    assert it_row[header.index("Spend")] == 3000


def test_heatmap_exports_each_categorys_latest_levels(client, assessed):
    client.force_login(assessed.cpo)
    response = client.get(reverse("portfolio:maturity"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Code,Category,Spend,Assessed on,Stakeholder focus,Spend insight")
    # IT: stakeholder focus 3, spend insight 4, nothing else; overall (3 + 4) / 2 = 3.5; since
    # January ((3 + 4) - (1 + 2)) / 2 = 2.0 up. Facilities: 1 -> 2 on spend insight.
    assert "IT,IT & telecoms,3000.00,2026-07-20,3,4,,,,,3.5,2.0" in lines
    assert "FM,Facilities,1000.00,2026-07-20,,2,,,,,2.0,1.0" in lines


@pytest.mark.parametrize("line_count", [10, 10_000])
def test_dashboard_queries_do_not_grow_with_lines_or_assessments(
    client, company, django_assert_max_num_queries, line_count
):
    add_spend(company, line_count)
    for day in (JANUARY, JULY, datetime.date(2026, 10, 1)):
        assess(company.it, day, {key: 3 for key in maturity.DIMENSIONS})
        assess(company.facilities, day, {key: 2 for key in maturity.DIMENSIONS})
    client.force_login(company.cpo)
    with django_assert_max_num_queries(24):
        assert client.get(reverse("portfolio:dashboard")).status_code == 200


def test_dashboard_queries_are_the_same_with_one_or_many_assessments(
    client, company, django_assert_num_queries
):
    add_spend(company, 100)
    assess(company.it, JANUARY, {maturity.SPEND_INSIGHT: 2})
    client.force_login(company.cpo)
    client.get(reverse("portfolio:dashboard"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Both counted with every figure computed afresh: the writes below outdate the cache.
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portfolio:dashboard"))
    for day in (JULY, datetime.date(2026, 10, 1)):
        assess(company.it, day, {key: 3 for key in maturity.DIMENSIONS})
        assess(company.facilities, day, {key: 2 for key in maturity.DIMENSIONS})
    cache.clear()
    with django_assert_num_queries(len(few)):
        client.get(reverse("portfolio:dashboard"))


def test_an_administrator_rewords_a_level_and_the_model_page_shows_it(client, assessed):
    from portfolio.models import MaturityDescriptor, MaturityDimension

    dimension = MaturityDimension.objects.get(key=maturity.SPEND_INSIGHT)
    descriptor = MaturityDescriptor.objects.get(dimension=dimension, level=2)
    client.force_login(assessed.administrator)
    change_url = reverse("admin:portfolio_maturitydimension_change", args=[dimension.pk])
    form = client.get(change_url)
    assert form.status_code == 200
    data = {
        "name": dimension.name,
        "order": dimension.order,
        "descriptors-TOTAL_FORMS": "5",
        "descriptors-INITIAL_FORMS": "5",
        "descriptors-MIN_NUM_FORMS": "0",
        "descriptors-MAX_NUM_FORMS": "5",
    }
    for index, row in enumerate(dimension.descriptors.order_by("level")):
        data.update(
            {
                f"descriptors-{index}-id": row.pk,
                f"descriptors-{index}-dimension": dimension.pk,
                f"descriptors-{index}-descriptor": row.descriptor,
                f"descriptors-{index}-question": row.question,
            }
        )
    data["descriptors-1-descriptor"] = "Spend is in one cube, refreshed with every import."
    assert client.post(change_url, data).status_code == 302
    descriptor.refresh_from_db()
    assert descriptor.descriptor == "Spend is in one cube, refreshed with every import."
    page = client.get(reverse("portfolio:maturity")).content.decode()
    assert "Spend is in one cube, refreshed with every import." in page
    # The CPO reads the model but does not reach the admin.
    client.force_login(assessed.cpo)
    assert client.get(change_url).status_code == 302


PAGES = [
    # url name, args, who, most queries (the same with 10 or 10,000 lines)
    ("portfolio:dashboard", [], "cpo", 24),
    ("portfolio:board_pack", [], "cpo", 24),
    # Each page reads the data versions its cached figures are filed under once.
    ("portfolio:maturity", [], "cpo", 11),
    ("portfolio:category_maturity", ["IT"], "manager", 12),
    ("portfolio:assess", ["IT"], "manager", 26),
]


@pytest.mark.usefixtures("every_page_rendered")
@pytest.mark.parametrize(("name", "args", "who", "most"), PAGES)
def test_portfolio_pages_cost_the_same_queries_with_ten_or_ten_thousand_lines(
    client, company, name, args, who, most
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for day in (JANUARY, JULY):
        assess(company.it, day, {key: 3 for key in maturity.DIMENSIONS})
    client.force_login(getattr(company, who))
    counts = []
    for lines in (10, 9_990):
        add_spend(company, lines)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=args)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= most


def test_before_any_import_or_assessment_the_pages_say_so(client, company):
    from portfolio.maturity_wording import ensure_maturity_model
    from portfolio.models import MaturityDescriptor, MaturityDimension

    ensure_maturity_model(MaturityDimension, MaturityDescriptor)
    client.force_login(company.cpo)
    page = client.get(reverse("portfolio:dashboard")).content.decode()
    assert "not yet imported" in page
    assert "A trend needs assessments on at least two dates." in page
    assert "No business unit has answered a satisfaction round yet." in page
    assert client.get(reverse("portfolio:board_pack"), {"format": "xlsx"}).status_code == 200
    client.force_login(company.manager)
    assess_page = client.get(reverse("portfolio:assess", args=["IT"])).content.decode()
    assert "No evidence to judge by: no spend in the last twelve months" in assess_page
