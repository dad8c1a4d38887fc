"""One function per chart of the CPO's dashboard: each takes the figures a view already has and
returns a plotly figure."""

import plotly.graph_objects as go

from portfolio import maturity
from workbench import chart_summaries
from workbench.charts import PALETTE, ChartRow, ChartTable, segment_shares_text


def _closed(values: list) -> list:
    # A radar's outline closes only if the first point is repeated at the end.
    return values + values[:1]


def _two_lines(name: str, longest: int = 14) -> str:
    """A long name broken at the space nearest its middle, so it fits beside the circle."""
    if len(name) <= longest or " " not in name:
        return name
    spaces = [index for index, char in enumerate(name) if char == " "]
    middle = min(spaces, key=lambda index: abs(index - len(name) / 2))
    return f"{name[:middle]}<br>{name[middle + 1 :]}"


def maturity_radar(dimensions, profile: dict, category=None) -> go.Figure:
    """The organisation's level on each dimension, and one category's over it when given as
    (name, {dimension: level})."""
    names = _closed([_two_lines(name) for _, name in dimensions])
    figure = go.Figure()
    figure.add_trace(
        go.Scatterpolar(
            r=_closed([profile.get(key) or 0 for key, _ in dimensions]),
            theta=names,
            name="Organisation (spend-weighted)",
            fill="toself",
            line={"color": PALETTE[0], "width": 2},
            fillcolor="rgba(31, 95, 139, 0.18)",
            hovertemplate="%{theta}: %{r:.1f}<extra>Organisation</extra>",
        )
    )
    if category is not None:
        label, levels = category
        figure.add_trace(
            go.Scatterpolar(
                r=_closed([levels.get(key) or 0 for key, _ in dimensions]),
                theta=names,
                name=label,
                fill="toself",
                line={"color": PALETTE[4], "width": 2, "dash": "dot"},
                fillcolor="rgba(231, 111, 81, 0.12)",
                hovertemplate="%{theta}: %{r}<extra>" + label + "</extra>",
            )
        )
    figure.update_layout(
        polar={
            # Room around the circle for the dimension names.
            "domain": {"x": [0.14, 0.86], "y": [0.08, 0.92]},
            "radialaxis": {
                "range": [0, 5],
                "tickvals": [1, 2, 3, 4, 5],
                "angle": 60,
                "tickangle": 60,
                "tickfont": {"size": 10, "color": "#5f6b7a"},
            },
            "angularaxis": {"direction": "clockwise", "rotation": 90},
        },
        legend={"orientation": "h", "y": -0.08, "x": 0.5, "xanchor": "center"},
        showlegend=True,
    )
    return figure


def maturity_trend(dimensions, trend: list) -> go.Figure:
    """The organisation's level per dimension at each assessment date, with the overall level
    drawn heavier."""
    dates = [day for day, _ in trend]
    figure = go.Figure()
    for index, (key, name) in enumerate(dimensions):
        figure.add_trace(
            go.Scatter(
                x=dates,
                y=[profile.get(key) for _, profile in trend],
                name=name,
                mode="lines+markers",
                line={"width": 1.5, "dash": "dot", "color": PALETTE[(index + 1) % len(PALETTE)]},
                marker={"size": 5},
                hovertemplate="%{x|%d %b %Y}: %{y:.2f}<extra>" + name + "</extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=dates,
            y=[maturity.overall(profile) for _, profile in trend],
            name="Overall",
            mode="lines+markers",
            line={"width": 4, "color": PALETTE[0]},
            hovertemplate="%{x|%d %b %Y}: %{y:.2f}<extra>Overall</extra>",
        )
    )
    figure.update_yaxes(
        range=[0.8, 5.2], tickvals=list(maturity.LEVELS), title_text="Level", automargin=True
    )
    figure.update_xaxes(tickformat="%b %Y", tickvals=dates)
    figure.update_layout(
        legend={"orientation": "h", "y": -0.15, "font": {"size": 11}},
        hovermode="x unified",
    )
    return figure


def time_against_spend(rows: list) -> go.Figure:
    """Per supplier segment, its share of spend beside its share of time spent with suppliers:
    where the time goes against where the money goes."""
    names = [row["name"] for row in rows]
    figure = go.Figure(
        [
            go.Bar(
                name="Share of spend",
                x=names,
                y=[row["spend_share"] for row in rows],
                marker_color=PALETTE[0],
                hovertemplate="%{x}: %{y:.0%} of spend<extra></extra>",
            ),
            go.Bar(
                name="Share of supplier time",
                x=names,
                y=[row["time_share"] for row in rows],
                marker_color=PALETTE[3],
                hovertemplate="%{x}: %{y:.0%} of time<extra></extra>",
            ),
        ]
    )
    figure.update_yaxes(tickformat=".0%", rangemode="tozero")
    figure.update_layout(barmode="group", legend={"orientation": "h", "y": -0.2})
    return figure


def _level(value) -> str:
    return "–" if value is None else f"{float(value):.1f}"


def maturity_radar_text(dimensions, profile: dict, category=None) -> tuple[str, ChartTable]:
    """The radar's summary (the strongest and weakest dimension) and its table: a row per
    dimension, the organisation's level and the compared category's when drawn."""
    summary = chart_summaries.extremes(
        [(name, profile.get(key)) for key, name in dimensions],
        formatter=_level,
        what="Organisation",
    )
    columns = ["Dimension", "Organisation (spend-weighted)"]
    if category is not None:
        label, levels = category
        columns.append(label)
        summary = chart_summaries.join(
            summary,
            chart_summaries.extremes(
                [(name, levels.get(key)) for key, name in dimensions],
                formatter=_level,
                what=label,
            ),
        )
    rows = [
        ChartRow(
            name,
            [_level(profile.get(key))]
            + ([_level(category[1].get(key))] if category is not None else []),
        )
        for key, name in dimensions
    ]
    return summary, ChartTable("Maturity level (1–5) by dimension", columns, rows)


def maturity_trend_text(dimensions, trend: list) -> tuple[str, ChartTable]:
    """The trend's summary (the overall level's change, the dimension that moved most) and its
    table: a row per assessment date, a column per dimension and the overall level."""
    overall = [(f"{day:%d %b %Y}", maturity.overall(profile)) for day, profile in trend]
    summary = chart_summaries.join(
        chart_summaries.change(overall, formatter=_level, what="Overall level", relative=False),
        chart_summaries.movers(
            {name: [profile.get(key) for _, profile in trend] for key, name in dimensions},
            formatter=_level,
        ),
    )
    table = ChartTable(
        "Maturity level (1–5) per dimension at each assessment date",
        ["Date", *(name for _, name in dimensions), "Overall"],
        [
            ChartRow(
                label,
                [*(_level(profile.get(key)) for key, _ in dimensions), _level(level)],
            )
            for (label, level), (_, profile) in zip(overall, trend, strict=True)
        ],
    )
    return summary, table


def time_against_spend_text(rows: list) -> tuple[str, ChartTable]:
    """Share of spend against share of supplier time per segment (workbench/charts.py)."""
    return segment_shares_text(rows, "Share of supplier time")
