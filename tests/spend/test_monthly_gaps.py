"""A monthly spend line has a point for every month: zero where nothing was paid, a gap where
nothing was imported, never a straight line drawn across missing months."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from spend.charts import monthly_spend_line
from spend.monthly import calendar_months, monthly_series
from tests.spend.cube_data import add_hand_worked_spend

JAN, FEB, MAR, APR = (datetime.date(2026, month, 1) for month in (1, 2, 3, 4))


def test_calendar_months_run_across_a_year_end():
    months = calendar_months(datetime.date(2025, 11, 15), datetime.date(2026, 2, 3))
    assert months == [datetime.date(2025, 11, 1), datetime.date(2025, 12, 1), JAN, FEB]


def test_a_month_with_spend_elsewhere_is_zero_and_one_with_none_at_all_a_gap():
    rows = [{"month": JAN, "spend": Decimal("10")}, {"month": APR, "spend": Decimal("5")}]
    series = monthly_series(rows, [JAN, FEB, MAR, APR], covered={JAN, FEB, APR})
    assert [row["spend"] for row in series] == [Decimal("10"), 0, None, Decimal("5")]


def test_the_line_breaks_at_a_gap_instead_of_joining_across_it():
    figure = monthly_spend_line(
        [{"month": JAN, "spend": 1}, {"month": FEB, "spend": None}, {"month": MAR, "spend": 2}],
        "GBP",
    )
    trace = figure.data[0]
    assert list(trace.y) == [1.0, None, 2.0] and trace.connectgaps is False


@pytest.mark.django_db
def test_the_cube_draws_every_month_of_its_period(client, company):
    # The hand-worked lines fall in Aug, Sep and Oct 2026 (and Oct 2025): the twelve months
    # from Nov 2025 hold spend only in three, so the other nine are gaps, not zeros, and a
    # supplier's slice shows zero for a month where others were paid.
    add_hand_worked_spend(company)
    client.force_login(company.manager)
    page = client.get(reverse("spend:cube"), {"supplier": company.suppliers[2].pk})
    html = page.content.decode()
    figure = json.loads(html.split('data-figure="', 1)[1].split('"', 1)[0].replace("&quot;", '"'))
    trend = figure["data"][0]
    assert len(trend["x"]) == 12
    spend = dict(zip([month[:7] for month in trend["x"]], trend["y"], strict=True))
    assert spend["2026-08"] == 200.0 and spend["2026-10"] == 50.0
    assert spend["2026-09"] == 0.0  # others were paid in September; this supplier was not
    assert spend["2026-01"] is None  # nothing imported for January
