"""Anonymous rounds tried as an attacker would: no page, export or list lets a category manager
work out one unit's answer, neither read off directly nor by arithmetic on what is shown. The
CPO and administrators read every answer."""

import csv
import io
import itertools

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stakeholders.models import BusinessUnit, SurveyResponse
from stakeholders.queries import RoundResults
from tests.factories import add_survey_round

PROMOTER, PASSIVE, DETRACTOR = 10, 8, 3


def _answer(survey_round, unit, category, recommend, comment=""):
    return SurveyResponse.objects.create(
        round=survey_round,
        unit=unit,
        category=category,
        recommend=recommend,
        comment=comment,
        submitted_at=timezone.now(),
    )


def _units(*names):
    return [BusinessUnit.objects.create(code=name[:3].upper(), name=name) for name in names]


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _main(response) -> str:
    return response.content.decode().split("<main")[1]


@pytest.fixture
def round_with_a_lone_detractor(company):
    """An anonymous round: three units promote IT; Manufacturing alone answers about Software
    (a detractor, with a comment), so Software is withheld from the category manager."""
    survey_round = add_survey_round(company, anonymous=True)
    others = _units("Alpha works", "Beta works", "Gamma works")
    survey_round.units.add(*others)
    survey_round.categories.add(company.software)
    for unit in others:
        _answer(survey_round, unit, company.it, PROMOTER)
    _answer(survey_round, company.manufacturing, company.software, 2, comment="Licences lapse")
    return survey_round


# --- (a) a withheld category's single answer ----------------------------------------------------


def test_a_withheld_categorys_single_answer_is_not_in_the_voids_page_or_its_csv(
    client, company, round_with_a_lone_detractor
):
    survey_round = round_with_a_lone_detractor
    client.force_login(company.manager)
    url = reverse("stakeholders:voids") + f"?round={survey_round.pk}"
    page = client.get(url)
    assert page.context["rows"] == []
    assert "Software" not in _main(page)
    assert _csv(client.get(url + "&format=csv")) == []
    client.force_login(company.cpo)  # reads every answer
    rows = _csv(client.get(url + "&format=csv"))
    assert [(r["Unit"], r["Category"], r["Recommend"]) for r in rows] == [
        ("Manufacturing", "Software", "2")
    ]


def test_a_withheld_categorys_comment_is_not_shown(client, company, round_with_a_lone_detractor):
    client.force_login(company.manager)
    url = reverse("stakeholders:round_results", args=[round_with_a_lone_detractor.pk])
    assert "Licences lapse" not in client.get(url).content.decode()
    assert _csv(client.get(url + "?table=comments&format=csv")) == []


# --- (b) the not-answered list ------------------------------------------------------------------


def test_the_not_answered_list_shows_managers_counts_not_names(client, company):
    survey_round = add_survey_round(company, anonymous=True)
    _answer(survey_round, company.manufacturing, company.it, PROMOTER)
    url = survey_round.get_absolute_url()
    client.force_login(company.manager)
    page = client.get(url)
    body = _main(page)
    assert "Finance" not in body and "Otherlead" not in body and "Manufacturing" not in body
    assert [
        (r["category"], r["not_answered"], r["asked"]) for r in page.context["by_category"]
    ] == [
        ("Facilities", 2, 2),
        ("IT & telecoms", 1, 2),
    ]
    exported = _csv(client.get(url + "?format=csv"))
    assert exported == [
        {"Category": "Facilities", "Not answered yet": "2", "Units asked": "2"},
        {"Category": "IT & telecoms", "Not answered yet": "1", "Units asked": "2"},
    ]
    client.force_login(company.cpo)  # the round's organiser reads every answer: names
    names = {r["Unit"] for r in _csv(client.get(url + "?format=csv"))}
    assert names == {"Manufacturing", "Finance"}


def test_a_unit_lead_sees_only_their_own_units_status(client, company):
    survey_round = add_survey_round(company, anonymous=True)
    client.force_login(company.unit_lead)
    page = client.get(survey_round.get_absolute_url())
    assert {row["unit"].code for row in page.context["todo"]} == {"MFG"}
    assert "Finance" not in _main(page)


def test_a_round_that_is_not_anonymous_still_names_who_to_chase(client, company):
    survey_round = add_survey_round(company)
    client.force_login(company.manager)
    names = {r["Unit"] for r in _csv(client.get(survey_round.get_absolute_url() + "?format=csv"))}
    assert names == {"Manufacturing", "Finance"}


# --- (c) subtraction ----------------------------------------------------------------------------


def test_the_overall_figures_are_withheld_when_they_would_give_a_withheld_row(
    client, company, round_with_a_lone_detractor
):
    survey_round = round_with_a_lone_detractor
    client.force_login(company.manager)
    url = reverse("stakeholders:round_results", args=[survey_round.pk])
    page = client.get(url)
    shown = {row["label"]: row["shown"] for row in page.context["by_category"]}
    assert shown == {"IT & telecoms": True, "Software": False}
    assert not page.context["overall"]["shown"]
    body = _main(page)
    assert "1 detractors" not in body and "3 promoters · 0 passives" not in body
    assert page.context["trend_chart"] is None  # the trend would be the overall again
    assert RoundResults(company.manager, survey_round).nps_trend == []
    assert [r["Name"] for r in _csv(client.get(url + "?table=nps&format=csv"))] == ["IT & telecoms"]
    client.force_login(company.cpo)
    overall = client.get(url).context["overall"]
    assert overall["shown"] and overall["nps"].detractors == 1


# --- (d) comments -------------------------------------------------------------------------------


def test_anonymous_comments_come_without_scores_or_units_in_the_order_of_their_text(
    client, company
):
    survey_round = add_survey_round(company, anonymous=True)
    # Unit names and answering order both run A, B, C; the comments' text runs the other way.
    for unit, score, comment in zip(
        _units("Alpha works", "Beta works", "Gamma works"),
        [PROMOTER, PASSIVE, DETRACTOR],
        ["Zero complaints", "Middling service", "Awful invoices"],
        strict=True,
    ):
        survey_round.units.add(unit)
        _answer(survey_round, unit, company.it, score, comment=comment)
    client.force_login(company.manager)
    url = reverse("stakeholders:round_results", args=[survey_round.pk])
    page = client.get(url)
    assert [c.comment for c in page.context["comments"]] == [
        "Awful invoices",
        "Middling service",
        "Zero complaints",
    ]
    comments_table = _main(page).split('id="comments"')[1]
    assert "Recommend" not in comments_table and "Alpha" not in comments_table
    exported = _csv(client.get(url + "?table=comments&format=csv"))
    assert exported[0] == {"Category": "IT & telecoms", "Comment": "Awful invoices"}
    client.force_login(company.cpo)
    exported = _csv(client.get(url + "?table=comments&format=csv"))
    assert {(r["Unit"], r["Recommend"]) for r in exported} == {
        ("Alpha works", "10"),
        ("Beta works", "8"),
        ("Gamma works", "3"),
    }


def test_the_results_page_states_the_rule(client, company, round_with_a_lone_detractor):
    client.force_login(company.manager)
    page = client.get(reverse("stakeholders:round_results", args=[round_with_a_lone_detractor.pk]))
    rule = _main(page).split('id="anonymity-rule"')[1].split("</div>")[0]
    assert "fewer than 3 answers is withheld" in rule
    assert "overall figures are withheld too" in rule


# --- The property: nothing withheld can be solved for ------------------------------------------

GROUPS = ("promoters", "passives", "detractors")
SCORE_OF = {"promoters": PROMOTER, "passives": PASSIVE, "detractors": DETRACTOR}


def _vectors(n):
    """Every (promoters, passives, detractors) with n answers."""
    return [(p, a, n - p - a) for p in range(n + 1) for a in range(n + 1 - p)]


def _shown_to(client, viewer, survey_round):
    """Everything the viewer is shown of the round's recommend answers, read from the results
    page, its NPS export, the voids page and its export, and the not-answered export: the
    answers per category, the figures of each category shown, the overall figures if shown,
    the detractor voids per category, and which categories are withheld."""
    client.force_login(viewer)
    results_url = reverse("stakeholders:round_results", args=[survey_round.pk])
    page = client.get(results_url)
    assert page.status_code == 200
    answered = {
        row["Category"]: int(row["Units asked"]) - int(row["Not answered yet"])
        for row in _csv(client.get(survey_round.get_absolute_url() + "?format=csv"))
    }
    shown = {
        row["label"]: tuple(getattr(row["nps"], group) for group in GROUPS)
        for row in page.context["by_category"]
        if row["shown"]
    }
    withheld = {row["label"] for row in page.context["by_category"] if not row["shown"]}
    exported = {
        row["Name"]: tuple(int(row[group.capitalize()]) for group in GROUPS)
        for row in _csv(client.get(results_url + "?table=nps&format=csv"))
    }
    assert exported == shown  # the export shows no more than the page
    overall = page.context["overall"]
    total = tuple(getattr(overall["nps"], g) for g in GROUPS) if overall["shown"] else None
    if total is None:
        assert survey_round.name not in (page.context["trend_chart"] or "")
    voids_url = reverse("stakeholders:voids") + f"?round={survey_round.pk}"
    voids_page = client.get(voids_url)
    voids = []
    if voids_page.context["round"] is not None:  # the round is listed once it has answers
        assert voids_page.context["round"] == survey_round
        voids = _csv(client.get(voids_url + "&format=csv"))
    assert len(voids) == len(voids_page.context["rows"])
    void_count = {}
    for row in voids:
        assert row["Unit"] == "Withheld (anonymous round)" and row["Recommend"] == ""
        void_count[row["Category"]] = void_count.get(row["Category"], 0) + 1
    return answered, shown, withheld, total, void_count


def _fits(answered, shown, total, void_count, categories, assignment):
    """Whether per-category vectors `assignment` agree with everything shown."""
    for category, vector in zip(categories, assignment, strict=True):
        if category in shown and shown[category] != vector:
            return False
        if category in void_count and void_count[category] != vector[2]:
            return False
    if total is not None:
        if tuple(map(sum, zip(*assignment, strict=True))) != total:
            return False
    return True


answers = st.lists(
    st.lists(st.sampled_from([None, *GROUPS]), min_size=4, max_size=4), min_size=2, max_size=4
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(grid=answers)
def test_no_withheld_cell_of_an_anonymous_round_can_be_solved_for(client, company, grid):
    """Random anonymous rounds, units × categories (IT and Software owned by one manager,
    Facilities and Cleaning by another), each unit answering a category or not; for each
    manager, every assignment of answers consistent with what they are shown is tried: each
    withheld category must fit more than one."""
    categories = [company.it, company.software, company.facilities, company.cleaning]
    with transaction.atomic():
        survey_round = add_survey_round(company, anonymous=True, name="Property round")
        units = [
            BusinessUnit.objects.create(code=f"P{i}", name=f"Unit {i}") for i in range(len(grid))
        ]
        survey_round.units.set(units)
        survey_round.categories.set(categories)
        truth = {category.name: [0, 0, 0] for category in categories}
        for unit, row in zip(units, grid, strict=True):
            for category, group in zip(categories, row, strict=True):
                if group is not None:
                    _answer(survey_round, unit, category, SCORE_OF[group])
                    truth[category.name][GROUPS.index(group)] += 1
        for viewer in (company.manager, company.other_manager):
            answered, shown, withheld, total, void_count = _shown_to(client, viewer, survey_round)
            mine = [c.name for c in categories if c.owner_id == viewer.pk]
            # Primary suppression: every category over one or two answers is withheld.
            assert {c for c in mine if 0 < sum(truth[c]) < 3} <= withheld
            assert not set(void_count) & withheld
            possible = {c: set() for c in mine}
            for assignment in itertools.product(*(_vectors(answered[c]) for c in mine)):
                if _fits(answered, shown, total, void_count, mine, assignment):
                    for category, vector in zip(mine, assignment, strict=True):
                        possible[category].add(vector)
            for category in mine:
                assert tuple(truth[category]) in possible[category]  # the check itself is sound
            for category in withheld:
                assert len(possible[category]) > 1, (category, truth, shown, total)
        transaction.set_rollback(True)
