"""Panels that several pages show for a slice of spend (a unit's, a supplier's, a category's):
the query from the cube and the chart that draws it, put together once."""

from django.conf import settings

from spend import charts, cube
from spend.models import SpendSummary
from spend.monthly import calendar_months, monthly_series
from workbench import figures
from workbench.charts import cached_chart, figure_html


def covered_months(start, end) -> set:
    """The months between `start` and `end` for which the workbench holds any spend: there a
    slice's missing month is a zero, elsewhere a gap (spend/monthly.py)."""
    return figures.cached(
        "covered-months",
        areas=[figures.SPEND],
        # Which months hold any spend at all, whoever reads: no unit's figure.
        scope="every row",
        key=(start, end),
        compute=lambda: set(
            SpendSummary.objects.filter(month__range=(start, end))
            .values_list("month", flat=True)
            .distinct()
            .order_by()
        ),
    )


def months_of(rows: list[dict], start, end) -> list[dict]:
    """`rows` (month, spend, ...) with a row for every month from `start` to `end`: zero where
    spend is known to be none, None (a gap) where nothing was imported for the month."""
    return monthly_series(rows, calendar_months(start, end), covered_months(start, end))


def monthly_trend_chart(rows, period: cube.Period, *, of: str, height: int = 280) -> str:
    """The month-by-month spend line of these summary rows over the period, as embeddable HTML;
    `of` names whose spend it is, for the chart's name."""
    monthly = months_of(cube.monthly_spend(rows, period), period.start, period.end)
    currency = settings.BASE_CURRENCY
    name = (
        f"Spend per month of {of}, {monthly[0]['month']:%b %Y} to {monthly[-1]['month']:%b %Y}"
        if monthly
        else f"Spend per month of {of}"
    )

    def build():
        summary, table = charts.monthly_spend_text(monthly, currency)
        return figure_html(
            charts.monthly_spend_line(monthly, currency),
            height=height,
            name=name,
            summary=summary,
            table=table,
        )

    return cached_chart("monthly-trend", (name, currency, height, monthly), build)
