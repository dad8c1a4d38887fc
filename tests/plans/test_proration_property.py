"""Spreading an initiative's money over fiscal years (plans.savings.prorate), issue 13 item 9:
a period of up to a year puts exactly its amount in the years it touches, leap years too."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from plans.savings import prorate

amounts = st.decimals(min_value=0, max_value=Decimal("1e9"), places=2)
starts = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31))


def _one_year_from(start):
    try:
        return (start.replace(year=start.year + 1) - start).days
    except ValueError:  # from 29 February a year later is 1 March
        return (datetime.date(start.year + 1, 3, 1) - start).days


def _years_of(start, end):
    return range(start.year, end.year + 1)


@given(amount=amounts, start=starts, data=st.data())
def test_a_period_up_to_a_year_spreads_exactly_its_amount(amount, start, data):
    days = data.draw(st.integers(min_value=1, max_value=_one_year_from(start)), label="days")
    end = start + datetime.timedelta(days=days - 1)
    parts = [prorate(amount, start, end, year) for year in _years_of(start, end)]
    assert sum(parts) == amount
    assert all(part >= 0 for part in parts)
    # Nothing falls outside the period.
    assert prorate(amount, start, end, start.year - 1) == 0
    assert prorate(amount, start, end, end.year + 1) == 0


@given(amount=amounts, start=starts, data=st.data())
def test_each_year_gets_its_days_share_to_the_cent(amount, start, data):
    days = data.draw(st.integers(min_value=1, max_value=_one_year_from(start)), label="days")
    end = start + datetime.timedelta(days=days - 1)
    for year in _years_of(start, end):
        inside = min(end, datetime.date(year, 12, 31)) - max(start, datetime.date(year, 1, 1))
        exact = amount * (inside.days + 1) / days
        assert abs(prorate(amount, start, end, year) - exact) <= Decimal("0.01")


def test_a_whole_leap_year_puts_its_amount_in_that_year():
    # The example: 100,273.97 (100,000 / 365 × 366) before.
    assert prorate(100_000, datetime.date(2028, 1, 1), datetime.date(2028, 12, 31), 2028) == (
        Decimal("100000.00")
    )


def test_a_year_across_29_february_spreads_over_366_days():
    start, end = datetime.date(2027, 7, 1), datetime.date(2028, 6, 30)  # 366 days
    first, second = (prorate(366_000, start, end, year) for year in (2027, 2028))
    assert (first, second) == (Decimal("184000.00"), Decimal("182000.00"))  # 184 and 182 days


@given(amount=amounts, first_year=st.integers(min_value=2000, max_value=2090), data=st.data())
def test_a_longer_period_gives_each_whole_year_exactly_the_amount(amount, first_year, data):
    years = data.draw(st.integers(min_value=2, max_value=5), label="years")
    start, end = datetime.date(first_year, 1, 1), datetime.date(first_year + years - 1, 12, 31)
    for year in range(first_year, first_year + years):
        assert prorate(amount, start, end, year) == amount
