"""The cube's period windows (issue 13, item 10): a window of N months ending with a month
covers exactly those N calendar months, whatever the month's length; filtered by an end month
alone the cube shows the twelve months up to it (it once subtracted 335 days, which gave 13
months after a 31-day month)."""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spend.cube import month_end, month_start, twelve_months_to
from spend.filters import cube_filter_from
from workbench.params import FIRST_YEAR, LAST_YEAR

# Any day of any month the address accepts, with two years' margin for the windows.
days = st.dates(
    min_value=datetime.date(FIRST_YEAR + 2, 1, 1), max_value=datetime.date(LAST_YEAR, 12, 31)
)


def months_covered(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


@given(day=days, months=st.integers(min_value=1, max_value=36))
def test_a_window_of_n_months_covers_exactly_n_whole_months(day, months):
    start, end = month_start(day, months - 1), month_end(day)
    assert start.day == 1
    assert (end + datetime.timedelta(days=1)).day == 1  # the end month's last day
    assert (end.year, end.month) == (day.year, day.month)
    assert months_covered(start, end) == months


@given(day=days)
def test_twelve_months_to_and_the_year_before_are_twelve_months_each(day):
    period = twelve_months_to(day)
    assert months_covered(period.start, period.end) == 12
    assert months_covered(period.previous_start, period.previous_end) == 12
    assert period.previous_end + datetime.timedelta(days=1) == period.start


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=days)
def test_an_end_month_alone_shows_the_twelve_months_up_to_it(company_with_spend, day):
    cube, form = cube_filter_from({"end": f"{day:%Y-%m}"})
    assert not form.errors
    assert cube.start == month_start(day, 11)
    assert cube.end == month_end(day)
    assert months_covered(cube.start, cube.end) == 12


def test_december_2025_alone_is_january_to_december_2025(company_with_spend):
    # The example: it showed Dec 2024 - Dec 2025.
    cube, _ = cube_filter_from({"end": "2025-12"})
    assert (cube.start, cube.end) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
