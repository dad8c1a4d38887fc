"""Every page of the role matrix that answers a GET, asked with hostile query strings: months
and years out of any calendar, ids too long for any database, negative pages, unicode digits,
NUL bytes and very long strings. A page may refuse (400) or ignore what it cannot use, but it
never fails (500)."""

import datetime

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suppliers.models import RelationshipPlan
from tests.plans.plan_builders import make_plan, plan_args
from tests.suppliers.builders import supplier_args
from tests.workbench.test_role_matrix import (
    MATRIX,
    ROLES,
    resolve_args,
    stakeholder_args,
    user_for,
)

# Every name a page reads from its query string (grep request.GET), so each is attacked.
PARAMETERS = [
    "start", "end", "month", "year", "fiscal_year", "page", "category", "unit", "supplier",
    "contract", "idea", "round", "status", "format", "table", "section", "alpha", "q", "level",
    "part", "segment", "band", "country", "template", "within", "tab", "element", "method",
    "progress", "kind", "finding",
]  # fmt: skip

HOSTILE = [
    "9999-12", "0001-01", "0000-00", "10000-01", "-2025-01", "2025-13", "2025-00", "2025-1",
    "9999", "0", "-1", "-99999999999999999999", "99999999999999999999999999", "1e309", "nan",
    "inf", "-inf", "1.5", "1_000", "٢٠٢٥-٠١", "٢٠٢٥", "𝟚𝟘𝟚𝟝", "²", "１２", "\x00", "%00",
    "' OR 1=1 --", "<script>alert(1)</script>", "ünïcødé ✓", "", " ", "x" * 5000, "9" * 5000,
    "csv", "xlsx",
]  # fmt: skip

hostile_values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
# Many parameters at once: each page reads only a few, so a small query would mostly miss them.
hostile_queries = st.dictionaries(
    st.sampled_from(PARAMETERS), hostile_values, min_size=len(PARAMETERS) // 2
)

# One reader per page: the first role the matrix lets in.
READABLE = [
    (name, args, next(role for role, status in zip(ROLES, statuses, strict=True) if status == 200))
    for name, args, statuses in MATRIX
    if 200 in statuses
]


def _resolver(company):
    """Each role-matrix placeholder made once for the whole run (builders make a new record
    per call, and some records may exist only once per supplier)."""
    made = {}

    def resolve(arg):
        if arg == "planned-action" and "planned-supplier" in made:
            # The builders make the supplier's one relationship plan for each of these.
            plan = RelationshipPlan.objects.get(supplier=made["planned-supplier"])
            made[arg] = plan.actions.create(
                element=3,
                objective="Monthly OTIF review",
                action="Report",
                owner="Ann",
                due=datetime.date(2026, 12, 1),
            ).pk
        if arg not in made:
            value = plan_args(supplier_args(stakeholder_args([arg], company), company), company)[0]
            made[arg] = resolve_args([value], company)[0]
        return made[arg]

    return resolve


def _attack(client, url):
    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=hostile_queries, htmx=st.booleans())
    def page_answers(query, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(url, query, headers=headers)
        assert response.status_code < 500, (url, query, htmx)

    page_answers()


def test_no_hostile_query_string_makes_any_page_fail(client, company_with_spend):
    # One company for every page (building it is most of the cost); a few examples per page.
    client.raise_request_exception = False
    resolve = _resolver(company_with_spend)
    for name, args, role in READABLE:
        url = reverse(name, args=[resolve(arg) for arg in args])
        client.logout()
        if role != "anonymous":
            client.force_login(user_for(company_with_spend, role))
        _attack(client, url)


@pytest.mark.parametrize(
    "query",
    [{"end": "9999-12"}, {"end": "0001-01"}, {"start": "0001-01", "end": "2026-10"}],
)
@pytest.mark.parametrize("page", ["spend:cube", "spend:cube_lines"])
def test_a_month_out_of_any_calendar_is_named_beside_the_filters(
    client, company_with_spend, page, query
):
    """Issue 13, item 3: these gave an OverflowError. Like any month that makes no sense, it is
    reported and left out, and the rest of the page shows."""
    client.force_login(company_with_spend.manager)
    response = client.get(reverse(page), query)
    assert response.status_code == 200
    assert "between 1900-01 and 2199-12" in response.content.decode()


@pytest.mark.parametrize("page", ["-1", "0", "9" * 30, "two"])
def test_a_page_number_no_list_has_gets_the_400_page_naming_it(client, company_with_spend, page):
    client.force_login(company_with_spend.manager)
    response = client.get(reverse("spend:cube_lines"), {"page": page})
    assert response.status_code == 400
    assert "“page” in the address: Give a page number from 1 to 100,000." in (
        response.content.decode()
    )


@pytest.mark.parametrize("year", ["²", "٢٠٢٥", "0", "99999"])
def test_a_plan_list_year_that_is_no_year_gets_the_400_page(client, company, year):
    """ "²" passed str.isdigit() and then failed int(): a 500."""
    client.force_login(company.manager)
    response = client.get(reverse("plans:plan_list"), {"year": year})
    assert response.status_code == 400
    assert "“year” in the address: Give a year between 1900 and 2199" in response.content.decode()


@pytest.mark.parametrize("source", ["contract", "idea"])
@pytest.mark.parametrize("number", ["9" * 26, "²"])
def test_an_initiative_source_id_no_record_could_have_gets_the_400_page(
    client, company, source, number
):
    """A 26-digit id failed on SQLite (an integer over 64 bits), "²" everywhere."""
    plan = make_plan(company)
    client.force_login(company.manager)
    response = client.get(reverse("plans:initiative_create", args=[plan.pk]), {source: number})
    assert response.status_code == 400
    assert f"“{source}” in the address" in response.content.decode()
