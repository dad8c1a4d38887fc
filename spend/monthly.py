"""Months on a spend line: every calendar month of the period gets a point, so a line is never
drawn straight across months it has nothing for.

Which months are zero and which are gaps: a month for which the workbench holds spend at all
(some import covered it) but none in the slice drawn is a true zero (nothing was paid to that
supplier, by that unit, in that category) and is drawn at zero. A month for which the
workbench holds no spend at all is unknown (no file covered it yet: a 2020 file viewed over
twelve months that reach into 2021), and is left as a gap rather than claimed as zero.
"""

import datetime


def calendar_months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of every month from the month of `start` to that of `end`, inclusive."""
    months, index = [], start.year * 12 + start.month - 1
    while (year := index // 12, month := index % 12 + 1) <= (end.year, end.month):
        months.append(datetime.date(year, month, 1))
        index += 1
    return months


def monthly_series(rows: list[dict], months: list[datetime.date], covered: set) -> list[dict]:
    """One row per month of `months`, in order: the row of `rows` for that month as it is
    (its "spend" and any other keys), else {"month": month, "spend": 0} when the month is in
    `covered` (the months holding any spend), else {"month": month, "spend": None}."""
    by_month = {row["month"]: row for row in rows}
    return [
        by_month.get(month) or {"month": month, "spend": 0 if month in covered else None}
        for month in months
    ]
