"""The plan page works out eight sections; its queries stay the same however many spend lines
and initiatives there are."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import add_spend, add_survey_round
from tests.plans.plan_builders import add_initiative, make_plan

# One of them reads the data versions the cached figures are filed under (workbench.figures);
# one the categories, read fresh beside the cached Kraljic figures (their names may change).
PLAN_PAGE_QUERIES = 32


def count(client, name, args):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.usefixtures("every_page_rendered")
@pytest.mark.parametrize("name", ["plans:plan_detail", "plans:plan_print"])
@pytest.mark.parametrize("role", ["manager", "unit_lead", "cpo"])
def test_plan_page_queries_do_not_grow(client, company, name, role):
    add_spend(company, 10)
    add_survey_round(company)  # satisfaction and voids are read from the latest round
    plan = make_plan(company, status="in_review")
    client.force_login(getattr(company, role))
    few = count(client, name, [plan.pk])
    add_spend(company, 10_000, end=datetime.date(2026, 9, 30))
    for n in range(20):
        add_initiative(plan, f"Initiative {n}", [company.manufacturing], {"Cost": 1}, revenue=n)
    many = count(client, name, [plan.pk])
    assert few == many <= PLAN_PAGE_QUERIES
