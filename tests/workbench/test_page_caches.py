"""What the pages keep in the cache beside the figures (issue 15): the supplier list's page of
rows, and every chart's HTML. Each is shown changed right after the write that changes it, and
two readers who may see different things never get each other's entry."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from spend import cube, panels
from spend.models import SpendLine
from spend.queries import kraljic_positions
from spend.summary import refresh_spend_summary
from stakeholders import you_said
from suppliers.models import STRATEGIC_PARTNER, Supplier
from suppliers.services import segment_set
from suppliers.views import directory
from tests.factories import add_spend, add_survey_round
from tests.plans.plan_builders import give_priorities, make_plan
from tests.stakeholders.concern_builders import answer
from workbench import charts, figures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_charts_kept():
    """Charts are kept by their inputs alone, across tests: each test here starts empty."""
    caches["charts"].clear()


OCTOBER = datetime.date(2026, 10, 15)


def book(company, amount, *, supplier=None, unit=None, category=None, date=OCTOBER):
    """One spend line, stored as an import stores it (the summary rebuilt, the version bumped)."""
    SpendLine.objects.create(
        date=date,
        amount=Decimal(amount),
        original_amount=Decimal(amount),
        currency="GBP",
        supplier=supplier or company.suppliers[0],
        category=category or company.hardware,
        business_unit=unit or company.manufacturing,
    )
    refresh_spend_summary()


def supplier_rows(client, user) -> list:
    client.force_login(user)
    response = client.get(reverse("suppliers:list"))
    assert response.status_code == 200
    return [(row.name, row.spend, row.segment) for row in response.context["page"]]


# --- The supplier list ---------------------------------------------------------------------


def test_the_supplier_list_shows_new_spend_and_a_new_segment_at_once(client, company):
    add_spend(company, 30)
    before = dict((name, spend) for name, spend, _ in supplier_rows(client, company.cpo))
    book(company, "5000.00", supplier=company.suppliers[2])
    after = dict((name, spend) for name, spend, _ in supplier_rows(client, company.cpo))
    name = company.suppliers[2].name
    assert after[name] == before[name] + Decimal("5000.00")

    segment_set(
        supplier=company.suppliers[2],
        segment=STRATEGIC_PARTNER,
        reason="Sole source for the line",
        suggested="",
        by=company.manager,
    )
    segments = {name: segment for name, _, segment in supplier_rows(client, company.cpo)}
    assert segments[name] == STRATEGIC_PARTNER


def test_a_unit_lead_and_the_cpo_never_share_a_cached_supplier_list(client, company):
    # Finance alone buys from the third supplier; Manufacturing from the first.
    book(company, "1000.00", supplier=company.suppliers[0], unit=company.manufacturing)
    book(company, "700.00", supplier=company.suppliers[0], unit=company.finance)
    book(company, "300.00", supplier=company.suppliers[2], unit=company.finance)
    cpo_first = supplier_rows(client, company.cpo)
    lead = supplier_rows(client, company.unit_lead)
    # The lead reads only Manufacturing's spend with only Manufacturing's suppliers ...
    assert [(name, spend) for name, spend, _ in lead] == [
        (company.suppliers[0].name, Decimal("1000.00"))
    ]
    # ... and the CPO, asking again after the lead, still reads every unit's.
    assert supplier_rows(client, company.cpo) == cpo_first
    assert (company.suppliers[0].name, Decimal("1700.00")) in [(n, s) for n, s, _ in cpo_first]
    other = supplier_rows(client, company.other_unit_lead)
    assert {name for name, _, _ in other} == {company.suppliers[0].name, company.suppliers[2].name}


def test_the_supplier_list_pages_through_the_cache(client, company, settings):
    for number in range(7):
        Supplier.objects.create(name=f"Supplier {number:02d}", normalised_name=f"supplier {number}")
    book(company, "10.00")
    client.force_login(company.cpo)
    original = directory.PAGE_SIZE
    directory.PAGE_SIZE = 4
    try:
        first = client.get(reverse("suppliers:list"))
        second = client.get(reverse("suppliers:list"), {"page": 2})
    finally:
        directory.PAGE_SIZE = original
    total = Supplier.objects.count()
    assert first.context["page"].paginator.count == total
    names = [row.name for row in first.context["page"]] + [
        row.name for row in second.context["page"]
    ]
    assert len(names) == len(set(names)) == min(total, 8)
    assert names[0] == company.suppliers[0].name  # the one with spend comes first


def test_cached_rows_file_each_query_under_its_own_sql():
    everyone = figures.CachedRows("probe", Supplier.objects.order_by("name"), areas=["spend"])
    some = figures.CachedRows(
        "probe", Supplier.objects.filter(country="GB").order_by("name"), areas=["spend"]
    )
    assert everyone.scope != some.scope
    with pytest.raises(TypeError):
        everyone[0]
    nobody = figures.CachedRows("probe", Supplier.objects.filter(pk__in=[]), areas=["spend"])
    assert (nobody.count(), nobody[0:50]) == (0, [])


def test_cached_rows_in_another_order_are_another_page(company):
    """A sum is the same in any order and shares its entry; a page of rows does not."""
    rows = Supplier.objects.filter(pk__in=[s.pk for s in company.suppliers[:2]])
    by_name = figures.CachedRows("probe", rows.order_by("name"), areas=["spend"])
    by_name_backwards = figures.CachedRows("probe", rows.order_by("-name"), areas=["spend"])
    assert by_name.scope != by_name_backwards.scope
    assert [s.name for s in by_name[0:1]] != [s.name for s in by_name_backwards[0:1]]
    assert figures.scope_of(rows.order_by("name")) == figures.scope_of(rows.order_by("-name"))


# --- Charts ------------------------------------------------------------------------------------


def test_a_chart_is_built_once_for_the_same_inputs_and_again_for_new_ones():
    built = []

    def build(label):
        def make():
            built.append(label)
            return f"<figure>{label}</figure>"

        return make

    inputs = ("Spend per month", [{"month": OCTOBER, "spend": Decimal("1.00")}])
    assert charts.cached_chart("probe", inputs, build("a")) == "<figure>a</figure>"
    assert charts.cached_chart("probe", inputs, build("b")) == "<figure>a</figure>"
    changed = ("Spend per month", [{"month": OCTOBER, "spend": Decimal("2.00")}])
    assert charts.cached_chart("probe", changed, build("c")) == "<figure>c</figure>"
    assert built == ["a", "c"]


def test_a_chart_refuses_model_objects_as_inputs(company):
    # A row's repr is its name alone: two different rows could draw under one key.
    with pytest.raises(TypeError):
        charts.cached_chart("probe", [company.it], lambda: "")


def test_the_cube_trend_chart_shows_new_spend_at_once(client, company):
    add_spend(company, 30)
    client.force_login(company.manager)
    before = client.get(reverse("spend:cube")).content.decode()
    assert "123,456" not in before
    book(company, "123456.00", date=datetime.date(2026, 5, 15))  # a month of its own
    after = client.get(reverse("spend:cube")).content.decode()
    assert "123,456" in after  # the chart's table holds the month's new total


def test_a_unit_lead_and_the_manager_see_their_own_plan_baseline(client, company):
    add_spend(company, 60)
    book(company, "4321.00", unit=company.finance)  # Finance buys IT too
    plan = make_plan(company)
    url = reverse("plans:plan_detail", args=[plan.pk])
    client.force_login(company.manager)
    manager_chart = client.get(url).context["trend_chart"]
    client.force_login(company.unit_lead)
    lead_chart = client.get(url).context["trend_chart"]
    # The lead of Manufacturing does not read Finance's spend.
    assert lead_chart != manager_chart
    client.force_login(company.manager)
    assert client.get(url).context["trend_chart"] == manager_chart


def test_a_month_of_new_spend_is_covered_at_once(company):
    add_spend(company, 3)
    start, end = datetime.date(2020, 1, 1), datetime.date(2026, 12, 31)
    assert datetime.date(2021, 3, 1) not in panels.covered_months(start, end)
    book(company, "50.00", date=datetime.date(2021, 3, 9))
    assert datetime.date(2021, 3, 1) in panels.covered_months(start, end)


# --- The dashboard's "you said, we did" loop -----------------------------------------------------


def test_a_response_to_a_concern_shows_on_the_dashboard_loop_at_once(client, company):
    today = timezone.localdate()
    survey_round = add_survey_round(
        company,
        name="Spring",
        opens_on=today - datetime.timedelta(days=200),
        closes_on=today - datetime.timedelta(days=180),
    )
    answer(
        survey_round,
        company.manufacturing,
        company.it,
        recommend=3,
        comment="Laptops arrive weeks late.",
        ratings={"Quality": (5, 2)},
    )
    client.force_login(company.cpo)
    before = client.get(reverse("portfolio:dashboard")).context["loop"]["overall"]
    assert before["answered"] == 0 and before["concerns"] > 0
    row = you_said.concern_rows(company.manager)[0]
    client.force_login(company.manager)
    client.post(
        reverse("stakeholders:concern_respond", args=[survey_round.pk, row.key]),
        {"decision": "act", "action": "Re-tender laptop delivery", "due_on": "2026-01-31"},
    )
    client.force_login(company.cpo)
    after = client.get(reverse("portfolio:dashboard")).context["loop"]["overall"]
    assert after["answered"] == 1

    # The manager's name the loop groups by is read fresh, though renaming writes no area.
    company.manager.first_name, company.manager.last_name = "Renamed", "Manager"
    company.manager.save()
    managers = client.get(reverse("portfolio:dashboard")).context["loop"]["managers"]
    assert "Renamed Manager" in [group["name"] for group in managers]


def test_a_concern_leaves_its_managers_inbox_as_soon_as_it_is_answered(client, company):
    today = timezone.localdate()
    survey_round = add_survey_round(
        company,
        name="Spring",
        opens_on=today - datetime.timedelta(days=200),
        closes_on=today - datetime.timedelta(days=180),
    )
    answer(survey_round, company.manufacturing, company.it, recommend=3, comment="Late again.")
    waiting = you_said.concerns_awaiting_response(company.manager)
    assert waiting and {item["what"] for item in waiting} == {"Respond"}  # a void, a comment
    assert you_said.concerns_awaiting_response(company.other_manager) == []  # not their category
    key = you_said.concern_rows(company.manager)[0].key
    client.force_login(company.manager)
    client.post(
        reverse("stakeholders:concern_respond", args=[survey_round.pk, key]),
        {"decision": "act", "action": "Re-tender laptop delivery", "due_on": "2099-01-31"},
    )
    assert len(you_said.concerns_awaiting_response(company.manager)) == len(waiting) - 1


def test_a_kraljic_position_moves_with_new_spend_and_keeps_the_owners_name_fresh(company):
    add_spend(company, 30)
    period = cube.latest_period()

    def it_position():
        return next(p for p in kraljic_positions(0, period) if p.category.pk == company.it.pk)

    before = it_position().figures.spend
    book(company, "999.00")
    assert it_position().figures.spend == before + Decimal("999.00")
    company.manager.first_name = "Renamed"
    company.manager.save()  # writes no area: the name is read fresh all the same
    assert it_position().category.owner.first_name == "Renamed"


def test_the_priorities_a_unit_lead_still_owes_drop_as_soon_as_they_are_given(client, company):
    add_spend(company, 30)
    client.force_login(company.unit_lead)
    before = client.get(reverse("home")).context["unit_lead"]["todo"]["priorities_missing"]
    assert before >= 1  # Manufacturing buys IT and has said nothing of it yet
    give_priorities(company)  # Manufacturing's and Finance's priorities for IT
    assert (
        client.get(reverse("home")).context["unit_lead"]["todo"]["priorities_missing"] == before - 1
    )
    # Finance's lead reads their own unit's count, never Manufacturing's: Finance buys
    # Facilities and has said nothing of it.
    client.force_login(company.other_unit_lead)
    assert client.get(reverse("home")).context["unit_lead"]["todo"]["priorities_missing"] == 1


def test_the_cube_categories_table_shows_new_spend_at_once(client, company):
    add_spend(company, 30)
    client.force_login(company.manager)

    def it_spend():
        rows = client.get(reverse("spend:cube")).context["figures"].categories
        return next(row.spend for row in rows if row.category.code == "IT")

    before = it_spend()
    book(company, "432.10")
    assert it_spend() == before + Decimal("432.10")
