"""The finder pages, the duplicate review and an initiative started from a finding, as each
role sees them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from opportunities.models import DuplicateReview, FindingInitiative
from plans.models import Initiative
from tests.opportunities.builders import LATEST, line, store, supplier
from tests.plans.plan_builders import make_plan

pytestmark = pytest.mark.django_db


def fragmented_hardware(company, suppliers=5, per_supplier=1):
    """`suppliers` hardware suppliers, each paid 1,000 by Manufacturing and by Finance."""
    store(
        [
            line(company.hardware, supplier(f"Hardware {n}"), unit, 1000, LATEST, f"H-{n}-{k}")
            for n in range(suppliers)
            for unit in (company.manufacturing, company.finance)
            for k in range(per_supplier)
        ]
    )


def test_the_owner_sees_each_finding_with_its_evidence_and_where_to_start_it(client, company):
    fragmented_hardware(company)
    plan = make_plan(company)
    client.force_login(company.manager)
    page = client.get(reverse("opportunities:category", args=["IT"])).text
    assert "Hardware: 5 suppliers for 2 units" in page
    assert "Evidence: 5 lines" in page
    start = (
        reverse("plans:initiative_create", args=[plan.pk]) + "?finding=fragmentation%3AIT%3AIT.HW"
    )
    assert start.replace("&", "&amp;") in page


def test_the_finder_reads_a_fixed_number_of_queries_whatever_the_lines(
    client, company, django_assert_max_num_queries
):
    make_plan(company)
    client.force_login(company.manager)
    url = reverse("opportunities:category", args=["IT"])
    fragmented_hardware(company, suppliers=5)
    with django_assert_max_num_queries(22):
        client.get(url)
    fragmented_hardware(company, suppliers=40, per_supplier=5)
    with django_assert_max_num_queries(22):
        assert "40 suppliers" in client.get(url).text


def test_a_unit_lead_reads_findings_in_their_own_units_spend_and_starts_nothing(client, company):
    fragmented_hardware(company)
    make_plan(company)
    client.force_login(company.unit_lead)
    page = client.get(reverse("opportunities:category", args=["IT"])).text
    # Manufacturing alone is one unit: no fragmentation across units, and no start button.
    assert "suppliers for 2 units" not in page
    assert "Start an initiative" not in page
    assert "contract findings are procurement" in page


def test_kinds_narrow_the_list_and_htmx_gets_only_the_list(client, company):
    fragmented_hardware(company)
    client.force_login(company.manager)
    url = reverse("opportunities:category", args=["IT"])
    response = client.get(url, {"kind": "drift"}, headers={"HX-Request": "true"})
    assert "<html" not in response.text
    assert "Nothing found of this kind" in response.text
    assert "Hardware: 5 suppliers" in client.get(url, {"kind": "fragmentation"}).text


def test_findings_export_as_csv_and_excel(client, company):
    fragmented_hardware(company)
    client.force_login(company.manager)
    url = reverse("opportunities:category", args=["IT"])
    csv = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode()
    assert "Opportunity,Category,Finding,Addressable spend" in csv
    assert "Fragmented supply base,IT,Hardware: 5 suppliers for 2 units,10000.00,500.00" in csv
    excel = client.get(url, {"format": "xlsx"})
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_portfolio_finder_is_the_cpos(client, company):
    fragmented_hardware(company)
    client.force_login(company.cpo)
    page = client.get(reverse("opportunities:portfolio")).text
    assert "Hardware: 5 suppliers for 2 units" in page
    client.force_login(company.manager)
    assert client.get(reverse("opportunities:portfolio")).status_code == 403


def test_an_initiative_started_from_a_finding_opens_filled_in_and_remembers_it(client, company):
    fragmented_hardware(company)
    plan = make_plan(company)
    client.force_login(company.manager)
    url = reverse("plans:initiative_create", args=[plan.pk]) + "?finding=fragmentation:IT:IT.HW"
    form = client.get(url).context["form"]
    assert form["lever"].value() == "consolidation"
    assert form["spend_affected"].value() == Decimal("10000.00")
    assert form["hard_savings"].value() == Decimal("500.00")  # 5 % of 10,000
    assert sorted(form["affected_units"].value()) == sorted(
        [company.manufacturing.pk, company.finance.pk]
    )
    data = {field.html_name: field.value() for field in form if field.value() is not None}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    initiative = Initiative.objects.get(title="Hardware: 5 suppliers for 2 units")
    assert "From the opportunity finder" in initiative.description
    assert FindingInitiative.objects.get().initiative == initiative
    page = client.get(reverse("opportunities:category", args=["IT"])).text
    assert "Initiative started" in page


def test_a_finding_that_is_gone_opens_an_empty_form_with_a_warning(client, company):
    plan = make_plan(company)
    client.force_login(company.manager)
    url = reverse("plans:initiative_create", args=[plan.pk]) + "?finding=fragmentation:IT:NOPE"
    response = client.get(url)
    assert response.status_code == 200
    assert "no longer in this plan" in response.text


def duplicate_pair(company):
    acme = supplier("Acme")
    return store(
        [
            line(company.hardware, acme, company.manufacturing, "640.00", LATEST, "A-1"),
            line(
                company.hardware,
                acme,
                company.manufacturing,
                "640.00",
                LATEST + datetime.timedelta(days=2),
                "A-2",
            ),
        ]
    )


def test_the_owner_confirms_a_duplicate_and_the_cpo_sees_the_total(client, company):
    first, second = duplicate_pair(company)
    client.force_login(company.manager)
    page = client.get(reverse("opportunities:duplicates")).text
    assert "Same supplier and amount within a few days" in page
    decide = reverse("opportunities:duplicate_decide", args=[first.pk, second.pk])
    response = client.post(
        decide, {"decision": "confirmed", "note": "Paid twice"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "Confirmed duplicate" in response.text
    review = DuplicateReview.objects.get()
    assert (review.decided_by, review.amount) == (company.manager, Decimal("640.00"))
    client.force_login(company.cpo)
    dashboard = client.get(reverse("portfolio:dashboard")).text
    assert "Duplicate payments confirmed" in dashboard and "640" in dashboard


def test_another_categorys_manager_reads_the_pair_but_may_not_decide_it(client, company):
    first, second = duplicate_pair(company)
    client.force_login(company.other_manager)
    assert "Acme" in client.get(reverse("opportunities:duplicates")).text
    decide = reverse("opportunities:duplicate_decide", args=[first.pk, second.pk])
    assert client.post(decide, {"decision": "confirmed"}).status_code == 403
    assert not DuplicateReview.objects.exists()


def test_two_lines_that_are_no_pair_cannot_be_decided(client, company):
    first, second = duplicate_pair(company)
    client.force_login(company.cpo)
    decide = reverse("opportunities:duplicate_decide", args=[second.pk, first.pk])
    assert client.post(decide, {"decision": "confirmed"}).status_code == 404


def test_the_review_exports_with_its_decisions(client, company):
    first, second = duplicate_pair(company)
    client.force_login(company.cpo)
    decide = reverse("opportunities:duplicate_decide", args=[first.pk, second.pk])
    client.post(decide, {"decision": "not_duplicate", "note": "Two deliveries"})
    csv = b"".join(
        client.get(reverse("opportunities:duplicates"), {"format": "csv"}).streaming_content
    ).decode()
    assert "Acme,Hardware,Manufacturing" in csv and "Not a duplicate" in csv


def test_the_review_reads_a_fixed_number_of_queries_whatever_the_pairs(
    client, company, django_assert_max_num_queries
):
    client.force_login(company.manager)
    duplicate_pair(company)
    with django_assert_max_num_queries(12):
        client.get(reverse("opportunities:duplicates"))
    store(
        [
            line(company.cleaning, supplier(f"Cleaner {n}"), company.finance, 300 + n, day)
            for n in range(8)
            for day in (LATEST, LATEST + datetime.timedelta(days=1))
        ]
    )
    with django_assert_max_num_queries(12):
        assert "Cleaner 7" in client.get(reverse("opportunities:duplicates")).text


@pytest.mark.parametrize("value", ["\x00", "x" * 5000, "IT\x00", "fragmentation:\x00:IT.HW"])
def test_hostile_query_strings_are_refused_or_ignored(client, company, value):
    plan = make_plan(company)
    client.force_login(company.manager)
    for url, name in [
        (reverse("opportunities:category", args=["IT"]), "kind"),
        (reverse("opportunities:category", args=["IT"]), "page"),
        (reverse("opportunities:duplicates"), "category"),
        (reverse("plans:initiative_create", args=[plan.pk]), "finding"),
    ]:
        assert client.get(url, {name: value}).status_code in (200, 400), (url, name)
