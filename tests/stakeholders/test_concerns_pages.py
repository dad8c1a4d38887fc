"""You said, we did as each person meets it: the category manager responds to a unit's
concern, the unit lead sees it on their home and says whether it worked, the CPO sees the
loop's figures; anonymous rounds answer the category, never a unit."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from inbox.items import items_for
from plans.models import Initiative
from stakeholders import concerns, you_said
from stakeholders.models import BusinessUnit, ConcernResponse, ConcernVerdict, ValueDriver
from tests.factories import add_spend, add_survey_round, make_user
from tests.plans.plan_builders import make_plan
from tests.stakeholders.concern_builders import answer
from workbench.roles import BUSINESS_UNIT_LEAD

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _closed_round(company, name, days_ago, **fields):
    today = timezone.localdate()
    return add_survey_round(
        company,
        name=name,
        opens_on=today - days_ago * DAY,
        closes_on=today - (days_ago - 20) * DAY,
        **fields,
    )


@pytest.fixture
def spring(company):
    """A named round: Manufacturing is a detractor on IT and says so; Finance is content."""
    survey_round = _closed_round(company, "Spring", 200)
    answer(
        survey_round,
        company.manufacturing,
        company.it,
        recommend=3,
        comment="Laptops arrive weeks late.",
        ratings={"Quality": (5, 2), "Cost": (3, 4), "Delivery & speed": (4, 2)},
    )
    answer(
        survey_round,
        company.finance,
        company.it,
        recommend=9,
        ratings={"Quality": (4, 4), "Cost": (5, 5)},
    )
    return survey_round


def _respond(client, company, survey_round, key, **data):
    client.force_login(company.manager)
    values = {"decision": "act", "action": "Re-tender laptop delivery", "due_on": "2026-01-31"}
    values.update(data)
    return client.post(reverse("stakeholders:concern_respond", args=[survey_round.pk, key]), values)


def test_each_reader_sees_only_the_concerns_they_may(client, company, spring):
    url = reverse("stakeholders:concerns")
    seen = {}
    for user in (
        company.manager,
        company.other_manager,
        company.unit_lead,
        company.other_unit_lead,
    ):
        client.force_login(user)
        seen[user.username] = client.get(url).content.decode()
    assert "Laptops arrive weeks late." in seen["manager"]
    assert "Laptops arrive weeks late." in seen["unitlead"]
    assert "Laptops arrive weeks late." not in seen["othermanager"]  # IT is not theirs
    assert "Laptops arrive weeks late." not in seen["otherlead"]  # Finance's lead
    assert "Would not recommend procurement here" in seen["manager"]
    assert "Satisfaction 2 of 5 on Delivery &amp; speed" in seen["manager"]


def test_the_manager_responds_with_an_initiative_and_the_lead_sees_it_at_home(
    client, company, spring
):
    plan = make_plan(company)
    initiative = Initiative.objects.filter(plan=plan).first()
    key = concerns.key(concerns.VOID, company.it.pk, unit_id=company.manufacturing.pk)
    page = reverse("stakeholders:concern_respond", args=[spring.pk, key])
    client.force_login(company.manager)
    form = client.get(page).content.decode()
    assert initiative.title in form  # the category's own initiatives are offered
    response = _respond(client, company, spring, key, initiative=initiative.pk)
    assert response.status_code == 302
    saved = ConcernResponse.objects.get(round=spring, key=key)
    assert (saved.unit, saved.category, saved.kind) == (company.manufacturing, company.it, "void")
    assert saved.initiative == initiative and saved.responded_by == company.manager

    add_spend(company, 30)  # the unit lead's home shows its sections once spend exists
    client.force_login(company.unit_lead)
    home = client.get(reverse("home")).content.decode()
    assert "You said, we did" in home
    assert "Re-tender laptop delivery" in home
    assert initiative.title in home


def test_the_category_page_shows_the_lead_what_their_unit_said_and_what_was_done(
    client, company, spring
):
    key = concerns.key(concerns.VOID, company.it.pk, unit_id=company.manufacturing.pk)
    _respond(client, company, spring, key)
    add_spend(company, 30)
    client.force_login(company.unit_lead)
    page = client.get(reverse("categories:detail", args=["IT"])).content.decode()
    assert "You said, we did" in page and "Re-tender laptop delivery" in page
    # Below the category that was asked about, the same; elsewhere, nothing of it.
    assert (
        "Re-tender laptop delivery"
        in client.get(reverse("categories:detail", args=["IT.HW"])).content.decode()
    )
    client.force_login(company.other_unit_lead)  # Finance said nothing worrying about IT
    assert (
        "You said, we did"
        not in client.get(reverse("categories:detail", args=["FM.CLEAN"])).content.decode()
    )


def test_acting_needs_a_date_and_not_acting_needs_no_links(client, company, spring):
    key = concerns.key(concerns.COMMENT, company.it.pk, unit_id=company.manufacturing.pk)
    response = _respond(client, company, spring, key, due_on="")
    assert response.status_code == 200
    assert "Say by when it will be done." in response.content.decode()
    response = _respond(
        client, company, spring, key, decision="no_action", action="Lead times are the maker's."
    )
    assert response.status_code == 200  # a date given with "will not act"
    response = _respond(
        client,
        company,
        spring,
        key,
        decision="no_action",
        action="Lead times are the maker's.",
        due_on="",
    )
    assert response.status_code == 302
    assert ConcernResponse.objects.get(key=key).decision == ConcernResponse.NO_ACTION


def test_only_the_categorys_manager_responds(client, company, spring):
    key = concerns.key(concerns.VOID, company.it.pk, unit_id=company.manufacturing.pk)
    url = reverse("stakeholders:concern_respond", args=[spring.pk, key])
    for user in (company.other_manager, company.cpo, company.unit_lead):
        client.force_login(user)
        assert (
            client.post(url, {"decision": "act", "action": "x", "due_on": "2026-01-01"}).status_code
            == 403
        )
    assert not ConcernResponse.objects.exists()
    client.force_login(company.manager)
    missing = concerns.key(concerns.VOID, company.it.pk, unit_id=company.finance.pk)
    assert (
        client.get(reverse("stakeholders:concern_respond", args=[spring.pk, missing])).status_code
        == 404
    )
    assert (
        client.get(reverse("stakeholders:concern_respond", args=[spring.pk, "void-x"])).status_code
        == 404
    )


def test_the_lead_marks_a_done_action_as_addressing_the_concern(client, company, spring):
    key = concerns.key(concerns.VOID, company.it.pk, unit_id=company.manufacturing.pk)
    _respond(client, company, spring, key)
    saved = ConcernResponse.objects.get(key=key)
    verdict = reverse("stakeholders:concern_verdict", args=[saved.pk])
    client.force_login(company.unit_lead)
    assert client.post(verdict, {"addressed": "yes"}).status_code == 403  # not done yet
    _respond(client, company, spring, key, done_on="2026-01-20")
    client.force_login(company.other_unit_lead)
    assert client.post(verdict, {"addressed": "yes"}).status_code == 404  # not Finance's
    client.force_login(company.unit_lead)
    assert client.post(verdict, {"addressed": "yes", "next": "/"}).status_code == 302
    given = ConcernVerdict.objects.get()
    assert (given.unit, given.addressed) == (company.manufacturing, True)
    page = client.get(reverse("stakeholders:concerns")).content.decode()
    assert "You said it addressed this" in page


def test_an_anonymous_round_raises_category_wide_concerns_only_once_closed_and_over_three_answers(
    client, company
):
    ops = BusinessUnit.objects.create(code="OPS", name="Operations")
    today = timezone.localdate()
    survey_round = add_survey_round(company, anonymous=True, name="Autumn")
    survey_round.units.add(ops)
    # A detractor whose top driver (Cost) is fine, unhappy on Quality (importance 4).
    low = {"Cost": (5, 4), "Quality": (4, 1)}
    answer(
        survey_round,
        company.manufacturing,
        company.it,
        recommend=2,
        comment="Too slow",
        ratings=low,
    )
    answer(survey_round, company.finance, company.it, recommend=8, ratings={"Quality": (4, 4)})
    client.force_login(company.manager)
    url = reverse("stakeholders:concerns")
    assert "Too slow" not in client.get(url).content.decode()
    assert you_said.concern_rows(company.manager) == []  # still open
    survey_round.closes_on = today - DAY
    survey_round.save()
    assert you_said.concern_rows(company.manager) == []  # two answers: withheld
    answer(survey_round, ops, company.it, recommend=9, ratings={"Quality": (3, 4)})
    rows = you_said.concern_rows(company.manager)
    assert {row.concern.kind for row in rows} == {"void", "low", "comment"}
    assert all(row.unit == "" and row.concern.unit_id is None for row in rows)
    text = client.get(url).content.decode()
    for export in ("csv", "xlsx"):
        got = client.get(url, {"format": export})
        content = b"".join(got.streaming_content) if got.streaming else got.content
        if export == "xlsx":
            sheet = load_workbook(io.BytesIO(content)).active
            content = "\n".join(
                str(cell) for row in sheet.iter_rows(values_only=True) for cell in row
            )
        text += content if isinstance(content, str) else content.decode()
    assert "Units that would not recommend procurement here" in text
    for row in rows:
        text += client.get(row.respond_url).content.decode()
    for secret in ("Too slow", "Manufacturing", "Finance", "Operations"):
        assert secret not in text
    # The response is stored against the category and driver, never a unit.
    low_key = concerns.key(
        concerns.LOW_SATISFACTION, company.it.pk, ValueDriver.objects.get(name="Quality").pk
    )
    assert _respond(client, company, survey_round, low_key).status_code == 302
    assert ConcernResponse.objects.get(key=low_key).unit is None


def test_a_unit_lead_reads_category_wide_responses_only_over_three_other_units(client, company):
    """A lead of one of four answering units sees the anonymous round's category-wide
    responses (three others answered); with only two others they would point at them."""
    extra = [BusinessUnit.objects.create(code=f"U{n}", name=f"Unit {n}") for n in range(2)]
    survey_round = _closed_round(company, "Autumn", 100, anonymous=True)
    survey_round.units.add(*extra)
    for unit in [company.manufacturing, company.finance, extra[0]]:
        answer(survey_round, unit, company.it, recommend=3, ratings={"Quality": (5, 1)})
    void = concerns.key(concerns.VOID, company.it.pk)
    _respond(client, company, survey_round, void, action="Weekly delivery review")
    lead = company.unit_lead
    assert you_said.concern_rows(lead) == []  # only two other units answered
    answer(survey_round, extra[1], company.it, recommend=9, ratings={"Quality": (4, 5)})
    rows = you_said.concern_rows(lead)
    assert [row.key for row in rows if row.response] == [void]
    outsider = make_user("outsider", BUSINESS_UNIT_LEAD)
    BusinessUnit.objects.create(code="OUT", name="Outside").leads.add(outsider)
    assert you_said.concern_rows(outsider) == []  # their unit was not asked


def test_the_survey_form_shows_what_was_promised_since_the_last_round(client, company, spring):
    key = concerns.key(concerns.VOID, company.it.pk, unit_id=company.manufacturing.pk)
    _respond(client, company, spring, key, done_on="2026-01-20")
    now_open = add_survey_round(company, name="Autumn")
    client.force_login(company.unit_lead)
    page = client.get(
        reverse("stakeholders:response", args=[now_open.pk, "MFG", "IT"])
    ).content.decode()
    assert "What we promised and did since the last round" in page
    assert "Re-tender laptop delivery" in page
    client.force_login(company.other_unit_lead)
    page = client.get(
        reverse("stakeholders:response", args=[now_open.pk, "FIN", "IT"])
    ).content.decode()
    assert "Re-tender laptop delivery" not in page


def test_results_show_the_change_where_we_acted_against_where_we_did_not(client, company, spring):
    # Spring: MFG's void (mean satisfaction (2+4+2)/3 = 2.67), acted and done; MFG's Speed
    # (2) and comment not answered. Autumn: MFG rates 4, 4, 3: mean 3.67, Speed 3.
    void = concerns.key(concerns.VOID, company.it.pk, unit_id=company.manufacturing.pk)
    _respond(client, company, spring, void, done_on=str(timezone.localdate() - 150 * DAY))
    autumn = _closed_round(company, "Autumn", 60)
    answer(
        autumn,
        company.manufacturing,
        company.it,
        recommend=8,
        ratings={"Quality": (5, 4), "Cost": (3, 4), "Delivery & speed": (4, 3)},
    )
    found = you_said.change_in_round(company.manager, autumn)
    change = found["change"]
    assert (change.acted_count, change.acted) == (1, pytest.approx(1.0))  # 2.67 -> 3.67
    # not acted: Speed 2 -> 3 (+1) and the comment's mean 2.67 -> 3.67 (+1)
    assert (change.not_acted_count, change.not_acted) == (2, pytest.approx(1.0))
    client.force_login(company.manager)
    page = client.get(reverse("stakeholders:round_results", args=[autumn.pk])).content.decode()
    assert "did acting help?" in page and "+1.00" in page


def test_the_cpo_sees_the_loop_on_the_dashboard_and_in_the_board_pack(client, company, spring):
    void = concerns.key(concerns.VOID, company.it.pk, unit_id=company.manufacturing.pk)
    _respond(client, company, spring, void)
    client.force_login(company.cpo)
    page = client.get(reverse("portfolio:dashboard")).content.decode()
    assert 'id="loop-tile"' in page
    assert "33%" in page  # one of three concerns answered
    book = client.get(reverse("portfolio:board_pack"), {"format": "xlsx"}).content
    sheet = load_workbook(io.BytesIO(book))["You said, we did"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:5] == ("Portfolio", "All concerns", 3, 1, 0.3333)


def test_the_inbox_lists_what_awaits_the_manager(client, company, spring):
    waiting = you_said.concerns_awaiting_response(company.manager)
    assert [item["what"] for item in waiting] == ["Respond"] * 3
    assert you_said.concerns_awaiting_response(company.other_manager) == []
    assert you_said.concerns_awaiting_response(company.unit_lead) == []
    void = concerns.key(concerns.VOID, company.it.pk, unit_id=company.manufacturing.pk)
    _respond(client, company, spring, void, due_on=str(timezone.localdate() - DAY))
    waiting = you_said.concerns_awaiting_response(company.manager)
    assert sorted(item["what"] for item in waiting) == ["Overdue", "Respond", "Respond"]
    # The inbox gathers them into one item on the page where they are answered.
    (item,) = [item for item in items_for(company.manager) if item.kind == "concerns_waiting"]
    assert item.title == "2 concerns with no response and 1 promised action overdue"
    assert item.url == reverse("stakeholders:concerns")
    assert not [item for item in items_for(company.other_manager) if item.key == "concerns"]


def test_the_list_reads_in_a_fixed_number_of_queries(
    client, company, spring, django_assert_max_num_queries
):
    url = reverse("stakeholders:concerns")
    client.force_login(company.cpo)
    with django_assert_max_num_queries(20):
        client.get(url)
    for n in range(12):
        unit = BusinessUnit.objects.create(code=f"X{n}", name=f"Extra {n}")
        spring.units.add(unit)
        answer(
            spring,
            unit,
            company.it,
            recommend=2,
            comment=f"Comment {n}",
            ratings={"Quality": (5, 1)},
        )
    with django_assert_max_num_queries(20):
        page = client.get(url).content.decode()
    assert "Comment 11" in page
