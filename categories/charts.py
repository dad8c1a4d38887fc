"""One function per chart: it takes the aggregate a view already has and returns a figure."""

import plotly.graph_objects as go

from workbench.money import compact


def spend_by_category_bar(rows: list[dict], currency: str) -> go.Figure:
    """Horizontal bars, largest category on top, labelled with the amount."""
    ordered = list(reversed(rows))
    figure = go.Figure(
        go.Bar(
            x=[float(row["spend"]) for row in ordered],
            y=[row["name"] for row in ordered],
            orientation="h",
            marker_color="#1f5f8b",
            text=[compact(row["spend"], currency) for row in ordered],
            textposition="auto",
            hovertemplate="%{y}<br>" + currency + " %{x:,.0f}<extra></extra>",
        )
    )
    figure.update_xaxes(title_text=f"Spend ({currency})", tickformat=",.0s")
    figure.update_yaxes(automargin=True)
    return figure


def monthly_spend_line(rows: list[dict], currency: str) -> go.Figure:
    figure = go.Figure(
        go.Scatter(
            x=[row["month"] for row in rows],
            y=[float(row["spend"]) for row in rows],
            mode="lines+markers",
            line={"color": "#2a9d8f", "width": 3},
            hovertemplate="%{x|%b %Y}<br>" + currency + " %{y:,.0f}<extra></extra>",
        )
    )
    figure.update_yaxes(title_text=f"Spend ({currency})", tickformat=",.2s", rangemode="tozero")
    figure.update_xaxes(tickformat="%b %Y")
    return figure
