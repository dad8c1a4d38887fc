"""One function per chart: it takes the aggregate a view already has and returns a figure."""

import plotly.graph_objects as go

from workbench import chart_summaries
from workbench.charts import ChartRow, ChartTable
from workbench.money import compact

SEGMENT_COLOURS = {
    "strategic_partner": "#1f5f8b",
    "preferred": "#2a9d8f",
    "approved": "#8ab17d",
    "transactional": "#e9c46a",
    "exit": "#e76f51",
    "": "#b0bac5",
}


def suppliers_by_segment(rows: list[dict], currency: str) -> go.Figure:
    """Spend per segment as bars, each labelled with how many suppliers it holds."""
    figure = go.Figure(
        go.Bar(
            x=[row["name"] for row in rows],
            y=[float(row["spend"]) for row in rows],
            marker_color=[SEGMENT_COLOURS.get(row["segment"], "#6d597a") for row in rows],
            text=[
                f"{row['suppliers']:,} suppliers<br>{compact(row['spend'], currency)}"
                for row in rows
            ],
            textposition="auto",
            hovertemplate="%{x}<br>" + currency + " %{y:,.0f}<extra></extra>",
        )
    )
    figure.update_yaxes(title_text=f"Spend ({currency})", tickformat=",.2s", rangemode="tozero")
    return figure


def time_against_spend(rows: list[dict]) -> go.Figure:
    """Share of time spent with suppliers next to share of spend, per segment: time that
    runs far above spend outside the strategic partners is time spent firefighting."""
    names = [row["name"] for row in rows]
    figure = go.Figure()
    figure.add_bar(
        name="Share of spend",
        x=names,
        y=[row["spend_share"] for row in rows],
        marker_color="#1f5f8b",
        hovertemplate="%{x}<br>%{y:.0%} of spend<extra></extra>",
    )
    figure.add_bar(
        name="Share of time",
        x=names,
        y=[row["time_share"] for row in rows],
        marker_color="#f4a261",
        hovertemplate="%{x}<br>%{y:.0%} of time<extra></extra>",
    )
    figure.update_layout(barmode="group", legend={"orientation": "h", "y": 1.12})
    figure.update_yaxes(tickformat=".0%", rangemode="tozero")
    return figure


def scorecard_trend(rows: list[dict]) -> go.Figure:
    """Mean score per quarter, one line per evaluator group (procurement, each unit)."""
    figure = go.Figure()
    groups = sorted({row["group"] for row in rows}, key=lambda group: group != "Procurement")
    for group in groups:
        points = [row for row in rows if row["group"] == group]
        figure.add_scatter(
            name=group,
            x=[f"{row['period'][0]} Q{row['period'][1]}" for row in points],
            y=[row["score"] for row in points],
            mode="lines+markers",
            hovertemplate=group + "<br>%{x}: %{y:.2f}<extra></extra>",
        )
    figure.update_yaxes(range=[0.8, 5.2], title_text="Score (1–5)", dtick=1)
    figure.update_xaxes(type="category")
    figure.update_layout(legend={"orientation": "h", "y": 1.15})
    return figure


def suppliers_by_segment_text(rows: list[dict], currency: str) -> tuple[str, ChartTable]:
    """Spend per segment: the largest segments by spend, and the table with each segment's
    number of suppliers, as the bars are labelled."""
    summary = chart_summaries.largest(
        [(row["name"], row["spend"]) for row in rows],
        formatter=lambda amount: compact(amount, currency),
    )
    table = ChartTable(
        f"Spend ({currency}) and number of suppliers per segment",
        ["Segment", f"Spend ({currency})", "Suppliers"],
        [
            ChartRow(row["name"], [f"{float(row['spend']):,.0f}", f"{row['suppliers']:,}"])
            for row in rows
        ],
    )
    return summary, table


def scorecard_trend_text(rows: list[dict]) -> tuple[str, ChartTable]:
    """Mean score per quarter and evaluator group: each group's change, and the table with a
    row per quarter and a column per group, as the lines are drawn."""
    groups = sorted({row["group"] for row in rows}, key=lambda group: group != "Procurement")
    quarters = list(dict.fromkeys(f"{row['period'][0]} Q{row['period'][1]}" for row in rows))
    score = {
        (f"{row['period'][0]} Q{row['period'][1]}", row["group"]): row["score"] for row in rows
    }

    def two_places(value) -> str:
        return "–" if value is None else f"{value:.2f}"

    summary = chart_summaries.join(
        *(
            chart_summaries.change(
                [(quarter, score.get((quarter, group))) for quarter in quarters],
                formatter=two_places,
                what=f"{group}'s mean score",
                relative=False,
            )
            for group in groups
        )
    )
    table = ChartTable(
        "Mean scorecard score (1–5) per quarter and evaluator group",
        ["Quarter", *groups],
        [
            ChartRow(quarter, [two_places(score.get((quarter, group))) for group in groups])
            for quarter in quarters
        ],
    )
    return summary, table
