"""The supplier list, the supplier page's tabs, segments, scorecards, contracts and ideas, as
each role meets them."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from spend.models import SpendLine
from spend.summary import refresh_spend_summary
from suppliers.models import (
    Contract,
    Evaluation,
    RelationshipAction,
    RelationshipPlan,
    SegmentDecision,
    Supplier,
    SupplierEngagement,
)
from tests.suppliers.builders import add_evaluation, add_idea, add_plan, standard_template

pytestmark = pytest.mark.django_db


def _names(response):
    return [supplier.name for supplier in response.context["page"]]


# --- The list -------------------------------------------------------------------------------


def test_list_filters_by_segment_category_country_and_spend_band(client, company_with_spend):
    company = company_with_spend
    dell, softcat, cleaner = company.suppliers
    Supplier.objects.filter(pk=dell.pk).update(segment="strategic_partner")
    Supplier.objects.filter(pk=cleaner.pk).update(country="IE")
    client.force_login(company.manager)
    url = reverse("suppliers:list")

    assert _names(client.get(url, {"segment": "strategic_partner"})) == [dell.name]
    assert set(_names(client.get(url, {"segment": "none"}))) == {softcat.name, cleaner.name}
    assert set(_names(client.get(url, {"category": "IT"}))) == {dell.name, softcat.name}
    assert _names(client.get(url, {"category": "FM.CLEAN"})) == [cleaner.name]
    assert _names(client.get(url, {"country": "ie"})) == [cleaner.name]
    # 60 lines of 100..159 each: every supplier sits in the under-10k band.
    assert len(_names(client.get(url, {"band": "under10k"}))) == 3
    assert _names(client.get(url, {"band": "1m"})) == []
    # Nonsense in the address is ignored, not an error.
    assert len(_names(client.get(url, {"segment": "bogus", "band": "x"}))) == 3


def test_search_finds_a_supplier_by_an_alias(client, company_with_spend):
    from suppliers.models import SupplierAlias

    company = company_with_spend
    SupplierAlias.objects.create(supplier=company.suppliers[1], name="Kelway Ltd")
    client.force_login(company.cpo)
    assert _names(client.get(reverse("suppliers:list"), {"q": "kelway"})) == ["Softcat plc"]


def test_htmx_filter_returns_only_the_table(client, company_with_spend):
    client.force_login(company_with_spend.manager)
    response = client.get(
        reverse("suppliers:list"),
        {"q": "dell"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="supplier-table",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="card" id="supplier-table">')
    assert "Dell Technologies Ltd" in body and "Softcat" not in body


def test_list_exports_the_filtered_rows_with_segments(client, company_with_spend):
    company = company_with_spend
    Supplier.objects.filter(pk=company.suppliers[0].pk).update(segment="preferred")
    client.force_login(company.manager)
    response = client.get(reverse("suppliers:list"), {"category": "IT.HW", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("Supplier", "Country", "Segment", "Spend", "Categories")
    assert [row[:3] for row in rows[1:]] == [("Dell Technologies Ltd", "GB", "Preferred")]


def test_a_unit_lead_lists_only_suppliers_their_unit_buys_from(client, company_with_spend):
    company = company_with_spend
    client.force_login(company.unit_lead)  # Manufacturing buys from Dell and Softcat
    assert set(_names(client.get(reverse("suppliers:list")))) == {
        "Dell Technologies Ltd",
        "Softcat plc",
    }


def _many_suppliers(company, count):
    suppliers = Supplier.objects.bulk_create(
        Supplier(name=f"Supplier {index:05d}", normalised_name=f"supplier {index:05d}")
        for index in range(count)
    )
    SpendLine.objects.bulk_create(
        SpendLine(
            date=datetime.date(2026, 10, 1),
            amount=Decimal(10 + index),
            original_amount=Decimal(10 + index),
            currency="GBP",
            supplier=supplier,
            category=company.hardware,
            business_unit=company.manufacturing,
        )
        for index, supplier in enumerate(suppliers)
    )
    refresh_spend_summary()


def _queries(client, url, params=None):
    cache.clear()  # the queries a page costs when its figures are computed, not served cached
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.usefixtures("every_page_rendered")
@pytest.mark.parametrize("role", ["manager", "unit_lead"])
def test_list_queries_do_not_grow_with_ten_thousand_suppliers(client, company, role):
    _many_suppliers(company, 10)
    client.force_login(getattr(company, role))
    url = reverse("suppliers:list")
    params = {"category": "IT", "band": "under10k", "q": "supplier"}
    few = (_queries(client, url), _queries(client, url, params))
    _many_suppliers(company, 10_000)
    many = (_queries(client, url), _queries(client, url, params))
    assert few == many
    assert max(many) <= 14


# --- The supplier page ----------------------------------------------------------------------


TAB_TEXT = {
    "overview": "Monthly spend",
    "relationship": "Governance meetings",
    "scorecards": "Score by quarter",
    "contracts": "Contracts",
    "engagement": "Engagement log",
    "ideas": "Ideas from the supplier",
}


def _fill_supplier(company, supplier, copies):
    """`copies` of each record a tab lists: objectives, evaluations, contracts, log, ideas."""
    plan = RelationshipPlan.objects.filter(supplier=supplier).first() or add_plan(company, supplier)
    for index in range(copies):
        RelationshipAction.objects.create(
            plan=plan,
            element=1 + index % 5,
            objective="Agree roadmap",
            action="Workshop",
            owner="Ann",
            due=datetime.date(2026, 12, 1),
        )
        add_evaluation(company, supplier=supplier, quarter=1 + index % 4)
        Contract.objects.create(
            supplier=supplier,
            title=f"Contract {index}",
            start=datetime.date(2025, 1, 1),
            end=datetime.date(2027, 1, 1),
            value=Decimal(1000),
        ).categories.set([company.hardware, company.software])
        SupplierEngagement.objects.create(
            supplier=supplier,
            date=datetime.date(2026, 10, 1),
            minutes=60,
            people="Ann",
            topic="Review",
        )
        add_idea(company, supplier)


@pytest.mark.parametrize("tab", list(TAB_TEXT))
def test_each_tab_shows_its_part_in_constant_queries(client, company_with_spend, tab):
    company = company_with_spend
    supplier = company.suppliers[0]
    client.force_login(company.manager)
    url = reverse("suppliers:detail", args=[supplier.pk])
    _fill_supplier(company, supplier, 1)
    few = _queries(client, url, {"tab": tab})
    _fill_supplier(company, supplier, 8)
    many = _queries(client, url, {"tab": tab})
    assert few == many <= 16
    assert TAB_TEXT[tab] in client.get(url, {"tab": tab}).content.decode()


def test_relationship_tab_shows_which_elements_are_covered(client, company_with_spend):
    company = company_with_spend
    supplier = company.suppliers[0]
    plan = add_plan(company, supplier)
    RelationshipAction.objects.create(
        plan=plan,
        element=3,
        objective="Monthly OTIF review",
        action="Report",
        owner="Ann",
        due=datetime.date(2026, 12, 1),
    )
    client.force_login(company.cpo)
    body = client.get(
        reverse("suppliers:detail", args=[supplier.pk]), {"tab": "relationship"}
    ).content.decode()
    assert "1 of 5 elements covered." in body
    assert "Missing: understand mutual needs and form the relationship;" in body


def test_a_unit_lead_sees_spend_and_scorecards_but_not_contracts(client, company_with_spend):
    company = company_with_spend
    url = reverse("suppliers:detail", args=[company.suppliers[0].pk])
    client.force_login(company.unit_lead)
    assert client.get(url).status_code == 200
    assert client.get(url, {"tab": "scorecards"}).status_code == 200
    assert client.get(url, {"tab": "contracts"}).status_code == 403


# --- Segments -----------------------------------------------------------------------------


def test_setting_a_segment_needs_a_reason_and_keeps_the_decision(client, company_with_spend):
    company = company_with_spend
    dell = company.suppliers[0]
    client.force_login(company.manager)
    url = reverse("suppliers:segment", args=[dell.pk])
    page = client.get(url).content.decode()
    assert "Suggested:" in page

    response = client.post(url, {"segment": "strategic_partner", "reason": ""})
    assert "This field is required." in response.content.decode()
    assert not SegmentDecision.objects.exists()

    client.post(url, {"segment": "strategic_partner", "reason": "Sole laptop supplier"})
    dell.refresh_from_db()
    decision = SegmentDecision.objects.get()
    assert (dell.segment, decision.reason, decision.set_by) == (
        "strategic_partner",
        "Sole laptop supplier",
        company.manager,
    )
    assert decision.suggested  # what the data said at the time is kept


def test_segment_page_charts_time_against_spend(client, company_with_spend):
    company = company_with_spend
    Supplier.objects.filter(pk=company.suppliers[0].pk).update(segment="strategic_partner")
    SupplierEngagement.objects.create(
        supplier=company.suppliers[0],
        date=datetime.date.today(),
        minutes=90,
        people="A",
        topic="QBR",
    )
    client.force_login(company.cpo)
    response = client.get(reverse("suppliers:segments"))
    rows = {row["segment"]: row for row in response.context["rows"]}
    assert rows["strategic_partner"]["time_share"] == 1.0
    assert rows["strategic_partner"]["hours"] == 1.5
    assert 0 < rows["strategic_partner"]["spend_share"] < 1
    assert response.content.decode().count("plotly-graph-div") == 2


# --- Scorecards ---------------------------------------------------------------------------


def test_a_unit_lead_rates_for_their_unit_and_unrated_kpis_are_left_out(client, company_with_spend):
    company = company_with_spend
    template = standard_template()
    quality, delivery, cost = [weight.kpi for weight in template.weights.order_by("-weight")]
    client.force_login(company.unit_lead)
    url = reverse("suppliers:evaluate", args=[company.suppliers[0].pk])
    page = client.get(url).content.decode()
    assert "Manufacturing" in page and "Category manager" not in page

    response = client.post(
        url,
        {
            "template": template.pk,
            "year": 2026,
            "quarter": 3,
            "rate_for": f"unit-{company.manufacturing.pk}",
            f"kpi_{quality.pk}": "4",
            f"kpi_{delivery.pk}": "",
            f"kpi_{cost.pk}": "2",
        },
        follow=True,
    )
    evaluation = Evaluation.objects.get()
    assert evaluation.business_unit == company.manufacturing
    # (50×4 + 20×2) / 70 = 3.43, not (200 + 0 + 40) / 100 = 2.40
    assert '<span class="kpi-value" id="scorecard-score">3.43</span>' in response.content.decode()


def test_rating_nothing_is_refused(client, company_with_spend):
    company = company_with_spend
    template = standard_template()
    client.force_login(company.manager)
    response = client.post(
        reverse("suppliers:evaluate", args=[company.suppliers[0].pk]),
        {"template": template.pk, "year": 2026, "quarter": 3, "rate_for": "procurement"},
    )
    assert "Rate at least one KPI." in response.content.decode()
    assert not Evaluation.objects.exists()


def test_a_unit_lead_cannot_rate_as_procurement(client, company_with_spend):
    company = company_with_spend
    template = standard_template()
    client.force_login(company.unit_lead)
    response = client.post(
        reverse("suppliers:evaluate", args=[company.suppliers[0].pk]),
        {
            "template": template.pk,
            "year": 2026,
            "quarter": 3,
            "rate_for": "procurement",
            f"kpi_{template.weights.first().kpi_id}": "5",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_scorecard_exports_to_excel_for_the_supplier(client, company_with_spend):
    company = company_with_spend
    evaluation = add_evaluation(company, scores=(4, None, 2))
    client.force_login(company.manager)
    response = client.get(reverse("suppliers:scorecard", args=[evaluation.pk]), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("KPI", "Weight", "Rating (1-5)", "Weight in score", "Score")
    assert rows[2][:3] == ("Test delivery", 30, "not rated")
    assert rows[-1][-1] == pytest.approx(3.4286)


def test_another_units_lead_cannot_read_the_scorecard(client, company_with_spend):
    company = company_with_spend
    evaluation = add_evaluation(company, unit=company.manufacturing)
    client.force_login(company.other_unit_lead)
    assert client.get(reverse("suppliers:scorecard", args=[evaluation.pk])).status_code == 404


def test_template_weights_must_add_up_to_one_hundred(client, company):
    standard_template()
    from suppliers.models import Kpi, ScorecardTemplate

    kpis = list(Kpi.objects.filter(name__startswith="Test"))
    client.force_login(company.manager)
    data = {"name": "Lopsided"} | {f"weight_{kpi.pk}": 30 for kpi in kpis}
    response = client.post(reverse("suppliers:template_add"), data)
    assert "The weights add up to 90; they must add up to 100." in response.content.decode()
    assert not ScorecardTemplate.objects.filter(name="Lopsided").exists()


# --- Contracts and ideas --------------------------------------------------------------------


def test_contracts_ending_within_n_days(client, company_with_spend):
    company = company_with_spend
    today = datetime.date.today()
    for title, days in [("Soon", 20), ("Later", 200), ("Ended", -5)]:
        Contract.objects.create(
            supplier=company.suppliers[0],
            title=title,
            start=today - datetime.timedelta(400),
            end=today + datetime.timedelta(days),
            value=Decimal(1000),
            notice_days=30,
        )
    client.force_login(company.cpo)
    url = reverse("suppliers:contracts")
    assert [c.title for c in client.get(url, {"within": 90}).context["contracts"]] == ["Soon"]
    assert len(client.get(url).context["contracts"]) == 3
    body = client.get(url, {"within": 90}).content.decode()
    assert "passed" in body  # notice for "Soon" was due 10 days ago


def test_a_contract_that_ends_before_it_starts_is_refused(client, company_with_spend):
    company = company_with_spend
    client.force_login(company.manager)
    response = client.post(
        reverse("suppliers:contract_add", args=[company.suppliers[0].pk]),
        {
            "title": "Backwards",
            "start": "2026-05-01",
            "end": "2026-01-01",
            "value": "100",
            "notice_days": "30",
        },
    )
    assert "The contract ends before it starts." in response.content.decode()
    assert not Contract.objects.exists()


def test_the_manager_moves_an_idea_along_and_others_cannot(client, company_with_spend):
    company = company_with_spend
    idea = add_idea(company)
    url = reverse("suppliers:idea_status", args=[idea.pk])
    client.force_login(company.other_manager)
    assert client.post(url, {"status": "accepted"}).status_code == 403
    client.force_login(company.manager)
    client.post(url, {"status": "accepted"})
    idea.refresh_from_db()
    assert idea.status == "accepted"


def test_engagement_time_must_be_minutes_within_a_day(client, company_with_spend):
    company = company_with_spend
    client.force_login(company.manager)
    response = client.post(
        reverse("suppliers:engagement_add", args=[company.suppliers[0].pk]),
        {"date": "2026-10-01", "minutes": "3000", "people": "Ann", "topic": "Visit"},
    )
    assert "up to a day" in response.content.decode()
    assert not SupplierEngagement.objects.exists()


def test_the_manager_marks_an_objective_done(client, company_with_spend):
    company = company_with_spend
    plan = add_plan(company)
    action = plan.actions.create(
        element=3,
        objective="OTIF review",
        action="Call",
        owner="Ann",
        due=datetime.date(2026, 12, 1),
    )
    client.force_login(company.manager)
    response = client.post(
        reverse("suppliers:action_edit", args=[action.pk]),
        {
            "element": 3,
            "objective": "OTIF review",
            "action": "Call",
            "owner": "Ann",
            "due": "2026-12-01",
            "status": "done",
        },
        follow=True,
    )
    action.refresh_from_db()
    assert action.status == "done"
    assert "The objective is updated." in response.content.decode()


def test_segment_page_points_out_partners_only_monitored_or_without_plan(
    client, company_with_spend
):
    company = company_with_spend
    plan = add_plan(company, company.suppliers[0])
    plan.actions.create(
        element=3, objective="OTIF", action="Call", owner="Ann", due=datetime.date(2026, 12, 1)
    )
    Supplier.objects.filter(pk=company.suppliers[1].pk).update(segment="strategic_partner")
    client.force_login(company.cpo)
    response = client.get(reverse("suppliers:segments"))
    partners = {p.name: (p.has_plan, p.elements, p.monitored) for p in response.context["partners"]}
    assert partners == {"Dell Technologies Ltd": (1, 1, 1), "Softcat plc": (0, 0, 0)}
    body = response.content.decode()
    assert "Only monitored" in body and "No plan" in body


def test_record_numbers_above_a_thousand_are_not_written_with_a_separator(
    client, company_with_spend
):
    """USE_THOUSAND_SEPARATOR would post back "12,345", which is no supplier or template."""
    from suppliers.models import ScorecardTemplate

    company = company_with_spend
    Supplier.objects.create(pk=12345, name="Dell Technologies UK")
    ScorecardTemplate.objects.create(pk=5000, name="Another template")
    standard_template()
    client.force_login(company.manager)
    merge_page = client.get(
        reverse("suppliers:merge", args=[company.suppliers[0].pk]), {"q": "dell"}
    )
    assert 'value="12345"' in merge_page.content.decode()
    rate_page = client.get(
        reverse("suppliers:evaluate", args=[company.suppliers[0].pk]), {"template": 5000}
    )
    assert 'name="template" value="5000"' in rate_page.content.decode()
    contracts = client.get(reverse("suppliers:contracts"), {"within": 3650})
    assert 'value="3650"' in contracts.content.decode()
