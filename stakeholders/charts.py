"""One function per chart: it takes the aggregate a view already has and returns a figure."""

import plotly.graph_objects as go

from stakeholders.satisfaction import SCALE_MIDPOINT
from workbench import chart_summaries
from workbench.charts import ChartRow, ChartTable


def _two_places(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def _signed(value) -> str:
    return "–" if value is None else f"{value:+.0f}"


def unit_weights_bars(drivers: list[str], units: list[dict], combined: dict) -> go.Figure:
    """Each unit's weight per driver, grouped, with the spend-weighted combination as a line of
    markers on top so the eye reads where the category as a whole lands."""
    figure = go.Figure()
    for unit in units:
        figure.add_bar(
            name=unit["name"],
            x=drivers,
            y=unit["weights"],
            hovertemplate=unit["name"] + "<br>%{x}: %{y:.0%}<extra></extra>",
        )
    figure.add_scatter(
        name="Combined (by spend)",
        x=drivers,
        y=[combined[driver] for driver in drivers],
        mode="markers",
        marker={"symbol": "diamond", "size": 14, "color": "#111", "line": {"width": 1}},
        hovertemplate="Combined<br>%{x}: %{y:.0%}<extra></extra>",
    )
    figure.update_layout(barmode="group", legend={"orientation": "h", "y": -0.2})
    figure.update_yaxes(title_text="Weight", tickformat=".0%", rangemode="tozero")
    return figure


QUADRANT_LABELS = [
    (1.5, 4.8, "Concentrate here"),
    (4.5, 4.8, "Keep up the good work"),
    (1.5, 1.2, "Low priority"),
    (4.5, 1.2, "Possible overkill"),
]


def importance_performance(rows: list[dict]) -> go.Figure:
    """Drivers by mean satisfaction (x) and importance (y), split at the scale's midpoint into
    the four named quadrants."""
    figure = go.Figure(
        go.Scatter(
            x=[row["satisfaction"] for row in rows],
            y=[row["importance"] for row in rows],
            text=[row["driver"] for row in rows],
            mode="markers+text",
            textposition="top center",
            marker={"size": 14, "color": "#1f5f8b"},
            hovertemplate="%{text}<br>importance %{y:.2f}, satisfaction %{x:.2f}<extra></extra>",
        )
    )
    for x, y, label in QUADRANT_LABELS:
        figure.add_annotation(
            x=x, y=y, text=f"<b>{label}</b>", showarrow=False, font={"color": "#6b7785"}
        )
    figure.add_hline(y=SCALE_MIDPOINT, line_dash="dot", line_color="#9aa5b1")
    figure.add_vline(x=SCALE_MIDPOINT, line_dash="dot", line_color="#9aa5b1")
    figure.update_xaxes(title_text="Satisfaction (1-5)", range=[1, 5.2])
    figure.update_yaxes(title_text="Importance (1-5)", range=[1, 5.2])
    return figure


def nps_trend(rows: list[dict]) -> go.Figure:
    """Procurement NPS per round, oldest first."""
    figure = go.Figure(
        go.Scatter(
            x=[row["round"] for row in rows],
            y=[row["score"] for row in rows],
            mode="lines+markers+text",
            text=[f"{row['score']:+.0f}" if row["score"] is not None else "" for row in rows],
            textposition="top center",
            line={"color": "#2a9d8f", "width": 3},
            hovertemplate="%{x}<br>NPS %{y:+.0f}<extra></extra>",
        )
    )
    figure.add_hline(y=0, line_color="#9aa5b1")
    figure.update_yaxes(title_text="NPS", range=[-100, 100])
    return figure


def satisfaction_trend(rows: list[dict]) -> go.Figure:
    """Mean satisfaction per driver, one line each, across rounds (oldest first)."""
    figure = go.Figure()
    rounds = list(dict.fromkeys(row["round"] for row in rows))
    for driver in dict.fromkeys(row["driver"] for row in rows):
        values = {row["round"]: row["satisfaction"] for row in rows if row["driver"] == driver}
        figure.add_scatter(
            name=driver,
            x=rounds,
            y=[values.get(r) for r in rounds],
            mode="lines+markers",
            hovertemplate=driver + "<br>%{x}: %{y:.2f}<extra></extra>",
        )
    figure.update_yaxes(title_text="Mean satisfaction (1-5)", range=[1, 5])
    figure.update_layout(legend={"orientation": "h", "y": -0.25})
    return figure


def time_by_unit(rows: list[dict]) -> go.Figure:
    """Hours spent with each unit over the period, largest on top."""
    ordered = list(reversed(rows))
    figure = go.Figure(
        go.Bar(
            x=[row["minutes"] / 60 for row in ordered],
            y=[row["unit__name"] for row in ordered],
            orientation="h",
            marker_color="#1f5f8b",
            hovertemplate="%{y}: %{x:.1f} h<extra></extra>",
        )
    )
    figure.update_xaxes(title_text="Hours")
    figure.update_yaxes(automargin=True)
    return figure


def unit_weights_text(
    drivers: list[str], units: list[dict], combined: dict
) -> tuple[str, ChartTable]:
    """The weights chart's summary (the drivers that weigh most combined) and its table: a
    row per driver, a column per unit and the combination, as the bars group them."""
    summary = chart_summaries.largest(
        [(driver, combined[driver]) for driver in drivers],
        formatter=chart_summaries.percent,
        shares=False,
        lead="Weighing most, combined by spend",
    )
    table = ChartTable(
        "Weight of each value driver, per unit and combined by spend",
        ["Value driver", *(unit["name"] for unit in units), "Combined (by spend)"],
        [
            ChartRow(
                driver,
                [
                    *(chart_summaries.percent(unit["weights"][index]) for unit in units),
                    chart_summaries.percent(combined[driver]),
                ],
            )
            for index, driver in enumerate(drivers)
        ],
    )
    return summary, table


def quadrant_of(row: dict) -> str:
    """The importance-performance quadrant a driver falls in, as the chart labels it."""
    important = row["importance"] >= SCALE_MIDPOINT
    satisfied = row["satisfaction"] >= SCALE_MIDPOINT
    return {
        (True, False): "Concentrate here",
        (True, True): "Keep up the good work",
        (False, False): "Low priority",
        (False, True): "Possible overkill",
    }[(important, satisfied)]


def importance_performance_text(rows: list[dict]) -> tuple[str, ChartTable]:
    """The matrix's summary (how many drivers in each quadrant, the widest gap between
    importance and satisfaction) and its table, a row per driver."""
    groups = [label for _, _, label in QUADRANT_LABELS]
    widest = max(rows, key=lambda row: row["importance"] - row["satisfaction"], default=None)
    summary = chart_summaries.join(
        chart_summaries.counts(
            [
                (label.lower(), sum(1 for row in rows if quadrant_of(row) == label))
                for label in groups
            ],
            noun="driver",
        ),
        (
            f"Widest gap: {widest['driver']}, importance {widest['importance']:.2f} against "
            f"satisfaction {widest['satisfaction']:.2f}."
        )
        if widest and widest["importance"] > widest["satisfaction"]
        else "",
    )
    table = ChartTable(
        "Mean importance and satisfaction (1–5) per value driver",
        ["Value driver", "Importance", "Satisfaction", "Quadrant"],
        [
            ChartRow(
                row["driver"],
                [
                    _two_places(row["importance"]),
                    _two_places(row["satisfaction"]),
                    quadrant_of(row),
                ],
            )
            for row in rows
        ],
    )
    return summary, table


def nps_trend_text(rows: list[dict]) -> tuple[str, ChartTable]:
    """NPS per round: its change from the first round shown to the last, and the table."""
    points = [(row["round"], row["score"]) for row in rows]
    summary = chart_summaries.change(points, formatter=_signed, what="NPS", relative=False)
    table = ChartTable(
        "Procurement NPS per survey round (−100 to +100), oldest first",
        ["Round", "NPS"],
        [ChartRow(label, [_signed(score)]) for label, score in points],
    )
    return summary, table


def satisfaction_trend_text(rows: list[dict]) -> tuple[str, ChartTable]:
    """Mean satisfaction per driver across rounds: which driver improved most, which least,
    and the table with a row per round and a column per driver, as the lines are drawn."""
    rounds = list(dict.fromkeys(row["round"] for row in rows))
    drivers = list(dict.fromkeys(row["driver"] for row in rows))
    value = {(row["round"], row["driver"]): row["satisfaction"] for row in rows}
    summary = chart_summaries.movers(
        {driver: [value.get((r, driver)) for r in rounds] for driver in drivers},
        formatter=_two_places,
    )
    table = ChartTable(
        "Mean satisfaction (1–5) per value driver in each round, oldest first",
        ["Round", *drivers],
        [ChartRow(r, [_two_places(value.get((r, driver))) for driver in drivers]) for r in rounds],
    )
    return summary, table


def time_by_unit_text(rows: list[dict]) -> tuple[str, ChartTable]:
    """Hours with each unit: the units that took most of the time, and the table."""
    hours = [(row["unit__name"], row["minutes"] / 60) for row in rows]
    summary = chart_summaries.largest(hours, formatter=lambda h: f"{h:,.1f} h", lead="Most time")
    table = ChartTable(
        "Hours spent with each business unit in the period",
        ["Business unit", "Hours"],
        [ChartRow(name, [f"{value:,.1f}"]) for name, value in hours],
    )
    return summary, table
