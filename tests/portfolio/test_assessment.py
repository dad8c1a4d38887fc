"""A category manager assesses their category: the questionnaire, the evidence beside it, the
suggested level, and the level and note that count."""

import datetime

import pytest
from django.urls import reverse

from portfolio import maturity
from portfolio.models import MaturityAssessment, MaturityScore
from stakeholders.models import Priority
from tests.portfolio.builders import add_round_spend

DAY = "2026-11-02"


@pytest.fixture
def it_spend(company):
    add_round_spend(company)
    # Manufacturing (75% of IT spend) stated priorities: stakeholder focus evidence is level 4.
    Priority.objects.create(unit=company.manufacturing, category=company.it, method="points")
    return company


def _answers(up_to: dict) -> dict:
    """POST data ticking the statements up to a level per dimension (1: none ticked)."""
    data = {"assessed_on": DAY}
    for key in maturity.DIMENSIONS:
        data[f"{key}_answers"] = [str(level) for level in range(2, up_to.get(key, 1) + 1)]
    return data


def test_the_manager_sees_evidence_and_a_suggestion_beside_each_dimension(client, it_spend):
    client.force_login(it_spend.manager)
    response = client.get(reverse("portfolio:assess", args=["IT"]))
    page = response.content.decode()
    assert "75% of spend comes from units that stated priorities" in page
    assert "The units holding most of the spend have told us what they value." in page
    assert 'data-suggested="stakeholder_focus">1<' in page  # nothing ticked yet


def test_saving_keeps_answers_evidence_suggestion_level_and_note(client, it_spend):
    client.force_login(it_spend.manager)
    data = _answers({maturity.STAKEHOLDER_FOCUS: 5, maturity.SPEND_INSIGHT: 2})
    # Stakeholder focus: answers reach 5, the evidence 4; the manager settles on 4.
    data[f"{maturity.STAKEHOLDER_FOCUS}_level"] = "4"
    data["save"] = "1"
    response = client.post(reverse("portfolio:assess", args=["IT"]), data)
    assert response.status_code == 302
    assessment = MaturityAssessment.objects.get(category=it_spend.it)
    assert assessment.assessed_on == datetime.date(2026, 11, 2)
    assert assessment.assessed_by == it_spend.manager
    focus = assessment.scores.get(dimension__key=maturity.STAKEHOLDER_FOCUS)
    assert focus.answers == [True, True, True, True]
    assert (focus.evidence_level, focus.suggested_level, focus.level) == (4, 4, 4)
    assert "75% of spend" in focus.evidence
    # Left on "take the suggestion", spend insight takes min(answers 2, evidence 1) = 1.
    insight = assessment.scores.get(dimension__key=maturity.SPEND_INSIGHT)
    assert (insight.suggested_level, insight.level) == (1, 1)
    assert assessment.scores.count() == len(maturity.DIMENSIONS)


def test_a_level_above_the_evidence_without_a_note_is_refused(client, it_spend):
    client.force_login(it_spend.manager)
    data = _answers({maturity.STAKEHOLDER_FOCUS: 5})
    data[f"{maturity.STAKEHOLDER_FOCUS}_level"] = "5"
    data["save"] = "1"
    response = client.post(reverse("portfolio:assess", args=["IT"]), data)
    assert response.status_code == 200
    assert "Level 5 is above the 4 the evidence shows" in response.content.decode()
    assert not MaturityAssessment.objects.exists()
    data[f"{maturity.STAKEHOLDER_FOCUS}_note"] = "Monthly steering with Manufacturing since June."
    assert client.post(reverse("portfolio:assess", args=["IT"]), data).status_code == 302
    assert MaturityScore.objects.get(dimension__key=maturity.STAKEHOLDER_FOCUS).level == 5


def test_ticking_a_box_moves_the_suggestion_without_saving(client, it_spend):
    client.force_login(it_spend.manager)
    data = _answers({maturity.STAKEHOLDER_FOCUS: 3})
    response = client.post(reverse("portfolio:assess", args=["IT"]), data, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith("<form")
    assert 'data-suggested="stakeholder_focus">3<' in page
    assert "field-error" not in page
    assert not MaturityAssessment.objects.exists()


def test_a_second_assessment_the_same_day_replaces_the_first(client, it_spend):
    client.force_login(it_spend.manager)
    url = reverse("portfolio:assess", args=["IT"])
    client.post(url, {**_answers({maturity.COLLABORATION: 2}), "save": "1"})
    client.post(url, {**_answers({maturity.COLLABORATION: 3}), "save": "1"})
    assert MaturityAssessment.objects.count() == 1
    # Collaboration evidence: no unit met, so level 1 holds the suggestion down.
    score = MaturityScore.objects.get(dimension__key=maturity.COLLABORATION)
    assert score.answers == [True, True, False, False]


def test_the_next_assessment_starts_from_the_last_answers(client, it_spend):
    client.force_login(it_spend.manager)
    url = reverse("portfolio:assess", args=["IT"])
    data = _answers({maturity.SPEND_INSIGHT: 3})
    data[f"{maturity.SPEND_INSIGHT}_note"] = "Cube reviewed monthly."
    client.post(url, {**data, "save": "1"})
    page = client.get(url).content.decode()
    assert "Cube reviewed monthly." in page
    assert page.count("checked") == 2  # the two spend insight statements ticked before


def test_the_category_page_shows_each_assessment_with_its_notes(client, it_spend):
    client.force_login(it_spend.manager)
    data = _answers({maturity.STAKEHOLDER_FOCUS: 4})
    data[f"{maturity.STAKEHOLDER_FOCUS}_note"] = "Priorities agreed at the October review."
    client.post(reverse("portfolio:assess", args=["IT"]), {**data, "save": "1"})
    page = client.get(reverse("portfolio:category_maturity", args=["IT"])).content.decode()
    assert "Priorities agreed at the October review." in page
    assert "2 Nov 2026" in page
