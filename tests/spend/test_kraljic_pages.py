"""The Kraljic matrix and a category owner's override of the scores the data suggests.

Hand-worked from tests/categories/cube_data.py, level 2 over Nov 2025 - Oct 2026:
Hardware 1,400 (Dell 900, Softcat 500), Software 300 (Softcat), Cleaning 200 (Bright Clean),
1,900 in all; three peers, so an even share is a third.
- Hardware: 1,400 / 1,900 = 74% = 2.2 even shares -> impact 4; HHI 64.3² + 35.7² = 5,408 -> 5.
- Software: 16% = 0.47 even shares -> impact 1; a sole supplier -> risk 5.
- Cleaning: 11% -> impact 1; a sole supplier -> risk 5.
"""

import csv
import io

import pytest
from django.urls import reverse

from spend.models import KraljicAssessment
from tests.spend.cube_data import add_hand_worked_spend

pytestmark = pytest.mark.django_db
MATRIX = reverse("spend:kraljic")


@pytest.fixture
def spend(company):
    add_hand_worked_spend(company)
    return company


def _position_url(category):
    return reverse("spend:kraljic_position", args=[category.code])


def _by_code(response):
    return {p.category.code: p for p in response.context["positions"]}


def test_the_matrix_positions_each_category_from_the_data(client, spend):
    client.force_login(spend.cpo)
    response = client.get(MATRIX)
    positions = _by_code(response)
    suggested = {
        code: (p.suggested_impact, p.suggested_risk, p.quadrant.key)
        for code, p in positions.items()
    }
    assert suggested == {
        "IT.HW": (4, 5, "strategic"),
        "IT.SW": (1, 5, "bottleneck"),
        "FM.CLEAN": (1, 5, "bottleneck"),
    }
    assert positions["IT.HW"].figures.hhi == pytest.approx(5_408.2, abs=0.1)
    page = response.content.decode()
    assert 'class="plotly-graph-div" data-figure=' in page
    for words in ("Partner", "Compete the market", "Secure supply", "Simplify and automate"):
        assert words in page


def test_the_top_level_is_positioned_against_its_own_peers(client, spend):
    client.force_login(spend.cpo)
    positions = _by_code(client.get(MATRIX, {"level": 1}))
    # IT: 1,700 of 1,900 against an even half -> 1.8 -> impact 3; HHI 5,017 -> risk 5.
    assert (positions["IT"].impact, positions["IT"].risk) == (3, 5)
    assert positions["FM"].quadrant.key == "bottleneck"


def test_the_owner_overrides_with_a_reason_kept_with_who_and_when(client, spend):
    client.force_login(spend.manager)
    response = client.post(
        _position_url(spend.hardware),
        {"profit_impact": 4, "supply_risk": 2, "reason": "Three more makers qualified in May."},
    )
    assert response.status_code == 302
    assessment = KraljicAssessment.objects.get(category=spend.hardware)
    assert (assessment.profit_impact, assessment.supply_risk) == (4, 2)
    assert assessment.set_by == spend.manager and assessment.set_at is not None
    response = client.get(MATRIX)
    hardware = _by_code(response)["IT.HW"]
    assert (hardware.impact, hardware.risk, hardware.quadrant.key) == (4, 2, "leverage")
    assert (hardware.suggested_impact, hardware.suggested_risk) == (4, 5)
    assert "set by Manager" in response.content.decode()


def test_the_latest_override_is_in_force_and_earlier_ones_stay_on_record(client, spend):
    client.force_login(spend.manager)
    url = _position_url(spend.software)
    client.post(url, {"profit_impact": 3, "supply_risk": 3, "reason": "Licence audit due."})
    client.post(url, {"profit_impact": 2, "supply_risk": 4, "reason": "Audit settled."})
    response = client.get(url)
    assert (response.context["position"].impact, response.context["position"].risk) == (2, 4)
    assert [a.reason for a in response.context["history"]] == [
        "Audit settled.",
        "Licence audit due.",
    ]
    page = response.content.decode()
    assert "Licence audit due." in page and "Bottleneck" in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"profit_impact": 3, "supply_risk": 3, "reason": "  "}, "Say why"),
        ({"profit_impact": 6, "supply_risk": 3, "reason": "Too big"}, "less than or equal to 5"),
        ({"profit_impact": 3, "reason": "No risk given"}, "This field is required"),
    ],
)
def test_a_bad_override_is_refused_with_a_message_and_nothing_saved(client, spend, data, error):
    client.force_login(spend.manager)
    response = client.post(_position_url(spend.hardware), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not KraljicAssessment.objects.exists()


def test_only_the_owner_or_an_administrator_may_override(client, spend):
    data = {"profit_impact": 1, "supply_risk": 1, "reason": "Not mine to say."}
    for person in (spend.other_manager, spend.cpo):
        client.force_login(person)
        assert client.post(_position_url(spend.hardware), data).status_code == 403
        assert "Set the scores" not in client.get(_position_url(spend.hardware)).content.decode()
    client.force_login(spend.unit_lead)
    assert client.post(_position_url(spend.hardware), data).status_code == 403
    assert not KraljicAssessment.objects.exists()
    client.force_login(spend.administrator)
    assert client.post(_position_url(spend.hardware), data).status_code == 302


def test_the_matrix_table_exports(client, spend):
    client.force_login(spend.cpo)
    response = client.get(MATRIX, {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["Code"]: row for row in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {"IT.HW", "IT.SW", "FM.CLEAN"}
    assert (rows["IT.HW"]["Quadrant"], rows["IT.HW"]["Approach"]) == ("Strategic", "Partner")


def test_the_category_page_links_to_its_cube_and_its_position(client, spend):
    client.force_login(spend.manager)
    page = client.get(spend.hardware.get_absolute_url()).content.decode()
    assert f"{reverse('spend:cube')}?category=IT.HW" in page
    assert _position_url(spend.hardware) in page


def test_before_any_spend_the_matrix_says_so(client, company):
    client.force_login(company.cpo)
    assert "No spend has been imported yet" in client.get(MATRIX).content.decode()
