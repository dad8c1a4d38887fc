"""The plan workbench page: its sections, the ranking that follows α, the conflict list,
exports and the print view."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import CategoryPlan
from tests.plans.plan_builders import make_plan


@pytest.fixture
def plan(company_with_spend):
    return make_plan(company_with_spend)


def test_plan_page_shows_every_section(client, company_with_spend, plan):
    client.force_login(company_with_spend.manager)
    response = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for section in (
        "baseline",
        "kraljic",
        "priorities",
        "suppliers",
        "objectives",
        "ranking",
        "workflow",
        "history",
    ):
        assert f'id="{section}"' in page
    assert "Tender laptops" in page
    # Who loses what: Manufacturing weights Quality 0.4 and the tender harms it.
    assert "MFG loses on <strong>Quality</strong>" in page


def test_alignment_and_scores_on_the_page(client, company_with_spend, plan):
    client.force_login(company_with_spend.manager)
    response = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    figures = {f.initiative.title: f for f in response.context["figures"]}
    assert figures["Tender laptops"].alignment == pytest.approx(0.10)
    assert figures["Standardise software"].alignment == pytest.approx(0.20)
    # α 0.5: tender 0.5 × 1 + 0.5 × 0.10 = 0.55; software 0.5 × 0.25 + 0.5 × 0.20 = 0.225
    assert figures["Tender laptops"].score == pytest.approx(0.55)
    assert figures["Standardise software"].score == pytest.approx(0.225)
    assert [c.unit for c in figures["Tender laptops"].conflicts] == ["MFG"]
    # Contracted (90%) of 10,000 avoidance; an idea (10%) of 40,000.
    assert figures["Standardise software"].risk_adjusted == 9000
    assert figures["Tender laptops"].risk_adjusted == 4000


def test_alpha_re_ranks_only_the_ranking_section(client, company_with_spend, plan):
    client.force_login(company_with_spend.manager)
    url = reverse("plans:plan_detail", args=[plan.pk])
    response = client.get(url, {"section": "ranking", "alpha": "0"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and 'id="ranking"' in page
    page = page[page.index('id="initiative-table"') :]
    # α 0: alignment alone, software (0.20) above the tender (0.10).
    assert page.index("Standardise software") < page.index("Tender laptops")
    response = client.get(url, {"section": "ranking", "alpha": "1"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    page = page[page.index('id="initiative-table"') :]
    assert page.index("Tender laptops") < page.index("Standardise software")
    plan.refresh_from_db()
    assert plan.savings_weight == 0.5  # moving the slider saves nothing


def test_each_section_renders_alone(client, company_with_spend, plan):
    client.force_login(company_with_spend.cpo)
    url = reverse("plans:plan_detail", args=[plan.pk])
    for section in (
        "baseline",
        "kraljic",
        "priorities",
        "suppliers",
        "objectives",
        "ranking",
        "workflow",
        "history",
    ):
        response = client.get(url, {"section": section}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert f'id="{section}"' in response.content.decode()


def test_cpo_saves_alpha_and_others_may_not(client, company_with_spend, plan):
    url = reverse("plans:plan_alpha", args=[plan.pk])
    client.force_login(company_with_spend.manager)
    assert client.post(url, {"alpha": "0.8"}).status_code == 403
    client.force_login(company_with_spend.cpo)
    client.post(url, {"alpha": "0.8"})
    plan.refresh_from_db()
    assert plan.savings_weight == 0.8
    assert plan.events.filter(action="CPO set the weight of savings").exists()


def test_plan_exports_its_initiatives(client, company_with_spend, plan):
    client.force_login(company_with_spend.manager)
    url = reverse("plans:plan_detail", args=[plan.pk])
    response = client.get(url, {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "Tender laptops" in body and "MFG loses on Quality (-1)" in body
    response = client.get(url, {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Plan", "Initiatives"]
    plan_sheet = {row[0]: row[1] for row in workbook["Plan"].iter_rows(values_only=True) if row}
    assert plan_sheet["Target hard savings"] == 50000
    titles = [row[1] for row in workbook["Initiatives"].iter_rows(min_row=2, values_only=True)]
    assert titles == ["Tender laptops", "Standardise software"]


def test_print_view_is_a_standalone_document(client, company_with_spend, plan):
    client.force_login(company_with_spend.cpo)
    response = client.get(reverse("plans:plan_print", args=[plan.pk]))
    page = response.content.decode()
    assert "Tender laptops" in page and "plans.css" in page and "mainnav" not in page


def test_plan_list_and_export(client, company_with_spend, plan):
    client.force_login(company_with_spend.cpo)
    response = client.get(reverse("plans:plan_list"))
    assert "IT 2027" in response.content.decode()
    response = client.get(reverse("plans:plan_list"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    # Target 50,000; planned: 40,000 hard savings and 10,000 avoidance from two initiatives.
    assert (
        "IT,IT & telecoms,2027,IT 2027,Draft,1,2,50000.00,0.00,0.00,40000.00,10000.00,0.00" in body
    )


def test_plan_list_leaves_cancelled_initiatives_out(client, company_with_spend, plan):
    plan.initiatives.filter(title="Tender laptops").update(
        stage="cancelled", cancel_reason="Prices rose"
    )
    client.force_login(company_with_spend.cpo)
    response = client.get(reverse("plans:plan_list"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "IT 2027,Draft,1,1,50000.00,0.00,0.00,0.00,10000.00,0.00" in body


def test_unit_lead_of_an_unaffected_unit_gets_404(client, company_with_spend):
    plan = make_plan(company_with_spend, with_finance=False)
    client.force_login(company_with_spend.other_unit_lead)
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 404
    client.force_login(company_with_spend.unit_lead)
    assert client.get(reverse("plans:plan_detail", args=[plan.pk])).status_code == 200


def test_owner_starts_a_plan_and_a_second_for_the_same_year_is_refused(client, company):
    client.force_login(company.manager)
    url = reverse("plans:plan_create")
    data = {
        "category": company.it.pk,
        "fiscal_year": 2027,
        "title": "IT 2027",
        "target_hard_savings": "0",
        "target_cost_avoidance": "0",
        "target_revenue": "0",
        "conflict_threshold": "0.2",
    }
    response = client.post(url, data)
    plan = CategoryPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    response = client.post(url, data)
    assert "already has a plan for 2027" in response.content.decode()
    assert CategoryPlan.objects.count() == 1


def test_manager_cannot_start_a_plan_for_someone_elses_category(client, company):
    client.force_login(company.manager)
    response = client.post(
        reverse("plans:plan_create"),
        {"category": company.facilities.pk, "fiscal_year": 2027, "title": "Not mine"},
    )
    assert response.status_code == 200
    assert not CategoryPlan.objects.exists()


def test_lead_of_an_affected_unit_without_spend_reads_the_plan(client, company_with_spend):
    # Finance buys nothing in IT, but the tender names it as affected: its lead must see what
    # they are asked to endorse.
    plan = make_plan(company_with_spend, with_finance=True)
    client.force_login(company_with_spend.other_unit_lead)
    response = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    assert not response.context["may_change"]


@pytest.mark.parametrize("alpha", ["nan", "abc", "-3", "7"])
def test_odd_alpha_in_the_address_does_not_break_the_page(client, company_with_spend, plan, alpha):
    client.force_login(company_with_spend.manager)
    response = client.get(reverse("plans:plan_detail", args=[plan.pk]), {"alpha": alpha})
    assert response.status_code == 200
    assert 0 <= response.context["alpha"] <= 1
