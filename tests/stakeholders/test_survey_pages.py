"""Survey rounds as each person meets them: the CPO opens one, a unit lead saves a draft and
submits, answers lock when the round closes, and readers see only what they may."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stakeholders.models import (
    BusinessUnit,
    Priority,
    PriorityWeight,
    SurveyRating,
    SurveyResponse,
    SurveyRound,
    ValueDriver,
)
from tests.factories import add_survey_round


def _answer(drivers, importance, satisfaction, recommend, comment=""):
    data = {"recommend": str(recommend), "comment": comment}
    for driver, imp, sat in zip(drivers, importance, satisfaction, strict=True):
        data[f"importance-{driver.pk}"] = str(imp)
        data[f"satisfaction-{driver.pk}"] = str(sat)
    return data


@pytest.fixture
def drivers(company):
    return list(ValueDriver.objects.all())


def test_cpo_opens_a_round(client, company):
    client.force_login(company.cpo)
    today = timezone.localdate()
    response = client.post(
        reverse("stakeholders:round_create"),
        {
            "name": "Autumn survey",
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=20)).isoformat(),
            "units": [company.manufacturing.pk],
            "categories": [company.it.pk],
        },
    )
    assert response.status_code == 302
    survey_round = SurveyRound.objects.get()
    assert list(survey_round.units.all()) == [company.manufacturing]


def test_a_round_cannot_close_before_it_opens(client, company):
    client.force_login(company.cpo)
    response = client.post(
        reverse("stakeholders:round_create"),
        {
            "name": "Backwards",
            "opens_on": "2026-05-10",
            "closes_on": "2026-05-01",
            "units": [company.manufacturing.pk],
            "categories": [company.it.pk],
        },
    )
    assert "The round cannot close before it opens." in response.content.decode()
    assert not SurveyRound.objects.exists()


def test_draft_then_submit_and_the_non_respondents_list_follows(client, company, drivers):
    survey_round = add_survey_round(company)
    url = reverse("stakeholders:response", args=[survey_round.pk, "MFG", "IT"])
    client.force_login(company.unit_lead)
    # A half-filled draft is kept.
    response = client.post(
        url, {"draft": "1", f"importance-{drivers[0].pk}": "5", "comment": "Later"}
    )
    assert response.status_code == 302
    draft = SurveyResponse.objects.get()
    assert draft.submitted_at is None and draft.comment == "Later"
    # Submitting a half-filled answer is refused with the missing fields named.
    response = client.post(url, {"submit": "1", f"importance-{drivers[0].pk}": "5"})
    assert response.status_code == 200
    assert "Needed before the answer can be submitted." in response.content.decode()
    # A complete answer is submitted.
    response = client.post(url, {"submit": "1", **_answer(drivers, [5, 4, 3, 2], [2, 3, 4, 5], 9)})
    assert response.status_code == 302
    answer = SurveyResponse.objects.get()
    assert answer.submitted_at is not None and answer.recommend == 9
    assert answer.ratings.count() == 4

    client.force_login(company.cpo)
    page = client.get(survey_round.get_absolute_url())
    outstanding = {(r["unit"].code, r["category"].code) for r in page.context["outstanding"]}
    assert ("MFG", "IT") not in outstanding
    assert outstanding == {("MFG", "FM"), ("FIN", "IT"), ("FIN", "FM")}


def test_answers_lock_when_the_round_closes(client, company, drivers):
    today = timezone.localdate()
    survey_round = add_survey_round(
        company,
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today - datetime.timedelta(days=1),
    )
    client.force_login(company.unit_lead)
    url = reverse("stakeholders:response", args=[survey_round.pk, "MFG", "IT"])
    response = client.post(url, {"submit": "1", **_answer(drivers, [5] * 4, [5] * 4, 10)})
    assert response.status_code == 200
    assert "This round is closed: the answer is locked." in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_unit_lead_cannot_answer_for_another_unit(client, company, drivers):
    survey_round = add_survey_round(company)
    client.force_login(company.other_unit_lead)
    url = reverse("stakeholders:response", args=[survey_round.pk, "MFG", "IT"])
    assert (
        client.post(url, {"submit": "1", **_answer(drivers, [5] * 4, [5] * 4, 10)}).status_code
        == 404
    )
    assert not SurveyResponse.objects.exists()


def _submitted(survey_round, unit, category, recommend, ratings=None, comment=""):
    response = SurveyResponse.objects.create(
        round=survey_round,
        unit=unit,
        category=category,
        recommend=recommend,
        comment=comment,
        submitted_at=timezone.now(),
    )
    for driver, (imp, sat) in (ratings or {}).items():
        SurveyRating.objects.create(
            response=response, driver=driver, importance=imp, satisfaction=sat
        )
    return response


def _more_units(n):
    return [BusinessUnit.objects.create(code=f"U{i}", name=f"Unit {i}") for i in range(n)]


def test_results_nps_and_weighted_gaps(client, company, drivers):
    survey_round = add_survey_round(company)
    cost, quality = drivers[0], drivers[1]
    _submitted(survey_round, company.manufacturing, company.it, 10, {cost: (5, 2), quality: (3, 4)})
    _submitted(
        survey_round,
        company.finance,
        company.it,
        3,
        {cost: (5, 3), quality: (2, 5)},
        comment="Invoices are often wrong",
    )
    _submitted(survey_round, company.finance, company.facilities, 8, {cost: (4, 4)})
    client.force_login(company.cpo)
    response = client.get(reverse("stakeholders:round_results", args=[survey_round.pk]))
    overall = response.context["overall"]["nps"]
    assert (overall.promoters, overall.passives, overall.detractors) == (1, 1, 1)
    assert overall.score == 0
    ranked = response.context["ranked"]
    # Cost: importance (5+5+4)/3, satisfaction (2+3+4)/3: gap 4.667 x 1.667
    assert ranked[0]["driver"] == "Cost"
    assert ranked[0]["gap"] == pytest.approx(14 / 3 * (14 / 3 - 3))
    assert ranked[0]["quadrant"] == "Keep up the good work"  # satisfaction 3 sits on the line
    assert "Invoices are often wrong" in response.content.decode()
    searched = client.get(
        reverse("stakeholders:round_results", args=[survey_round.pk]) + "?q=nothing-like-this",
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Invoices" not in searched and "<html" not in searched


def test_category_manager_reads_only_their_own_categories(client, company):
    survey_round = add_survey_round(company)
    _submitted(survey_round, company.manufacturing, company.it, 10, comment="IT is great")
    _submitted(survey_round, company.manufacturing, company.facilities, 2, comment="Cleaning poor")
    client.force_login(company.manager)  # owns IT
    body = client.get(
        reverse("stakeholders:round_results", args=[survey_round.pk])
    ).content.decode()
    assert "IT is great" in body
    assert "Cleaning poor" not in body


def test_anonymous_round_shows_category_managers_only_figures_over_three_answers(client, company):
    survey_round = add_survey_round(company, anonymous=True)
    extra = _more_units(3)
    survey_round.units.add(*extra)
    for unit, score in zip([company.manufacturing, *extra[:2]], [10, 9, 2], strict=True):
        _submitted(survey_round, unit, company.it, score)
    _submitted(survey_round, company.finance, company.facilities, 10)
    _submitted(survey_round, extra[2], company.facilities, 10)

    client.force_login(company.manager)  # IT: three answers
    response = client.get(reverse("stakeholders:round_results", args=[survey_round.pk]))
    assert [row["shown"] for row in response.context["by_category"]] == [True]
    assert response.context["by_unit"] == []
    assert "Manufacturing" not in response.content.decode().split("<main")[1]

    client.force_login(company.other_manager)  # Facilities: two answers
    response = client.get(reverse("stakeholders:round_results", args=[survey_round.pk]))
    assert not response.context["overall"]["shown"]
    assert "Withheld" in response.content.decode()

    client.force_login(company.cpo)  # the CPO sees everything
    response = client.get(reverse("stakeholders:round_results", args=[survey_round.pk]))
    assert all(row["shown"] for row in response.context["by_unit"])


def test_voids_are_detractors_or_unhappy_on_the_top_driver(client, company, drivers):
    survey_round = add_survey_round(company)
    cost, quality = drivers[0], drivers[1]
    priority = Priority.objects.create(unit=company.finance, category=company.it, method="points")
    PriorityWeight.objects.create(priority=priority, driver=quality, weight=0.7)
    PriorityWeight.objects.create(priority=priority, driver=cost, weight=0.3)
    _submitted(survey_round, company.manufacturing, company.it, 5, {cost: (5, 4)})  # detractor
    _submitted(survey_round, company.finance, company.it, 9, {quality: (4, 2), cost: (5, 5)})
    _submitted(survey_round, company.finance, company.facilities, 9, {cost: (5, 5)})  # happy
    client.force_login(company.cpo)
    rows = client.get(reverse("stakeholders:voids")).context["rows"]
    assert [(r["unit"], r["category"]) for r in rows] == [
        ("Finance", "IT & telecoms"),
        ("Manufacturing", "IT & telecoms"),
    ]
    assert "satisfaction 2 on Quality" in rows[0]["reason"]
    client.force_login(company.other_manager)  # Facilities has no voids
    assert client.get(reverse("stakeholders:voids")).context["rows"] == []


@pytest.mark.parametrize("units", [2, 12])
def test_results_and_voids_queries_do_not_grow_with_answers(
    client, company, drivers, django_assert_max_num_queries, units
):
    survey_round = add_survey_round(company)
    extra = _more_units(units)
    survey_round.units.add(*extra)
    for unit in extra:
        for category in (company.it, company.facilities):
            _submitted(survey_round, unit, category, 6, {d: (4, 2) for d in drivers}, comment="x")
    client.force_login(company.cpo)
    for url in (
        reverse("stakeholders:round_results", args=[survey_round.pk]),
        reverse("stakeholders:voids"),
        survey_round.get_absolute_url(),
        reverse("stakeholders:rounds"),
    ):
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200


def test_anonymous_round_voids_name_no_unit_score_or_driver_for_category_managers(client, company):
    survey_round = add_survey_round(company, anonymous=True)
    extra = _more_units(2)
    survey_round.units.add(*extra)
    for unit, score in zip([company.manufacturing, *extra], [2, 9, 10], strict=True):
        _submitted(survey_round, unit, company.it, score)
    client.force_login(company.manager)
    rows = client.get(reverse("stakeholders:voids")).context["rows"]
    assert [(r["unit"], r["category"], r["recommend"]) for r in rows] == [
        ("Withheld (anonymous round)", "IT & telecoms", None)
    ]
    assert "recommend 2" not in rows[0]["reason"]
    client.force_login(company.cpo)
    rows = client.get(reverse("stakeholders:voids")).context["rows"]
    assert (rows[0]["unit"], rows[0]["recommend"]) == ("Manufacturing", 2)


def test_trends_across_rounds_respect_each_rounds_anonymity(client, company, drivers):
    today = timezone.localdate()
    earlier = add_survey_round(
        company,
        name="Last year",
        anonymous=True,
        opens_on=today - datetime.timedelta(days=400),
        closes_on=today - datetime.timedelta(days=380),
    )
    current = add_survey_round(company, name="This year")
    cost = drivers[0]
    _submitted(earlier, company.manufacturing, company.it, 2, {cost: (5, 1)})
    _submitted(current, company.manufacturing, company.it, 9, {cost: (5, 4)})
    url = reverse("stakeholders:round_results", args=[current.pk])

    client.force_login(company.cpo)
    response = client.get(url)
    assert [(t["round"], t["satisfaction"]) for t in response.context["driver_trend"]] == [
        ("Last year", 1),
        ("This year", 4),
    ]
    assert response.context["driver_trend_chart"]

    client.force_login(company.manager)  # last year's single answer stays hidden
    response = client.get(url)
    assert [t["round"] for t in response.context["driver_trend"]] == ["This year"]


def test_anonymous_comments_show_only_for_categories_with_three_answers(client, company):
    survey_round = add_survey_round(company, anonymous=True)
    extra = _more_units(3)
    survey_round.units.add(*extra)
    for unit in extra:
        _submitted(survey_round, unit, company.it, 8, comment=f"Hardware note from {unit.code}")
    _submitted(survey_round, company.manufacturing, company.software, 3, comment="Only us")
    survey_round.categories.add(company.software)
    client.force_login(company.manager)  # owns IT and Software
    body = client.get(reverse("stakeholders:round_results", args=[survey_round.pk])).content
    assert b"Hardware note from U0" in body
    assert b"Only us" not in body


def test_a_round_that_has_not_opened_takes_no_answers_yet(client, company, drivers):
    today = timezone.localdate()
    survey_round = add_survey_round(
        company,
        opens_on=today + datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=30),
    )
    client.force_login(company.unit_lead)
    url = reverse("stakeholders:response", args=[survey_round.pk, "MFG", "IT"])
    response = client.post(url, {"submit": "1", **_answer(drivers, [5] * 4, [5] * 4, 10)})
    assert "This round opens on" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_the_comment_search_answers_without_working_out_the_figures(
    client, company, drivers, django_assert_max_num_queries
):
    survey_round = add_survey_round(company)
    _submitted(survey_round, company.manufacturing, company.it, 9, {drivers[0]: (5, 2)}, "Late")
    _submitted(survey_round, company.finance, company.it, 3, comment="Invoices are wrong")
    client.force_login(company.cpo)
    url = reverse("stakeholders:round_results", args=[survey_round.pk])
    # Session, user, roles, the round and the comments: no NPS, drivers, trends or charts.
    with django_assert_max_num_queries(5):
        response = client.get(url + "?q=invoice", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Invoices are wrong" in body and "<html" not in body
    assert "ip_chart" not in response.context and "overall" not in response.context
