"""Print views: each "Print" on a page is a link to the page's print view (so it leads somewhere
without JavaScript), which shows the document alone, with the way back and how to print it,
for the same people as the page, at a cost in queries that does not grow with the data."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from plans.models import CategoryPlan
from portfolio import maturity
from tests.factories import add_spend
from tests.plans.plan_builders import make_plan
from tests.portfolio.builders import assess
from tests.suppliers.builders import add_evaluation

HINT = "use your browser's Print command"


def _evaluation_pk(company):
    return add_evaluation(company, unit=company.manufacturing).pk


# page, its print view, the print view's argument builder, who, the document's own words
VIEWS = [
    (
        "portfolio:board_pack",
        "portfolio:board_pack_print",
        lambda company: [],
        "cpo",
        "From cost-cutting to category management",
    ),
    (
        "suppliers:scorecard",
        "suppliers:scorecard_print",
        lambda company: [_evaluation_pk(company)],
        "unit_lead",
        "Supplier scorecard: ",
    ),
]


@pytest.mark.parametrize(("page", "print_view", "args", "who", "words"), VIEWS)
def test_print_is_a_link_to_a_print_view_without_the_site_around_it(
    client, company, page, print_view, args, who, words
):
    arguments = args(company)
    client.force_login(getattr(company, who))
    on_screen = client.get(reverse(page, args=arguments)).content.decode()
    address = reverse(print_view, args=arguments)
    assert f'href="{address}" data-print>' in on_screen

    document = client.get(address).content.decode()
    assert words in document
    assert HINT in document
    assert 'class="topbar"' not in document and 'aria-label="Main"' not in document
    assert f'href="{reverse(page, args=arguments)}">← Back to the' in document
    # The page's own buttons and breadcrumbs stay on the page.
    assert "breadcrumbs" not in document and "format=xlsx" not in document


def test_the_plan_print_view_says_how_to_print_without_javascript(client, company):
    plan = make_plan(company, status=CategoryPlan.IN_REVIEW)
    client.force_login(company.manager)
    document = client.get(reverse("plans:plan_print", args=[plan.pk])).content.decode()
    assert HINT in document
    assert "<h2>Conflicts</h2>" in document
    assert 'class="topbar"' not in document


def test_the_board_pack_print_view_is_for_those_who_read_the_board_pack(client, company):
    client.force_login(company.manager)
    assert client.get(reverse("portfolio:board_pack_print")).status_code == 403
    client.force_login(company.cpo)
    assert client.get(reverse("portfolio:board_pack_print")).status_code == 200


@pytest.mark.parametrize(("page", "print_view", "args", "who", "words"), VIEWS)
def test_print_views_cost_the_same_queries_with_ten_or_ten_thousand_lines(
    client, company, page, print_view, args, who, words
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assess(company.it, datetime.date(2026, 1, 20), {key: 3 for key in maturity.DIMENSIONS})
    address = reverse(print_view, args=args(company))
    client.force_login(getattr(company, who))
    counts = []
    for lines in (10, 9_990):
        add_spend(company, lines)
        cache.clear()  # both requests computed afresh, not one from the other's cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 30
