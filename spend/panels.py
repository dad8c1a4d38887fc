"""Panels that several pages show for a slice of spend (a unit's, a supplier's, a category's):
the query from the cube and the chart that draws it, put together once."""

from django.conf import settings

from spend import charts, cube
from workbench.charts import figure_html


def monthly_trend_chart(rows, period: cube.Period, *, height: int = 280) -> str:
    """The month-by-month spend line of these summary rows over the period, as embeddable HTML."""
    monthly = cube.monthly_spend(rows, period)
    return figure_html(charts.monthly_spend_line(monthly, settings.BASE_CURRENCY), height=height)
