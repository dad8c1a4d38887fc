"""The plan pages' charts: each takes the figures a view already has and returns a figure."""

import math

import plotly.graph_objects as go

from plans.savings import KIND_LABELS, KINDS, PARTS
from workbench import chart_summaries
from workbench.charts import ChartRow, ChartTable
from workbench.money import compact


def _whole(amount) -> str:
    return f"{float(amount):,.0f}"


def plan_tradeoff(figures, currency: str) -> go.Figure:
    """Initiatives by financial benefit (x) against value alignment (y); bubble size is the
    spend the initiative touches; conflicts drawn as red diamonds, cancelled ones left out.
    The rank number labels each bubble so the list and the chart read together."""
    live = [f for f in figures if f.rank]
    largest = max((float(f.initiative.spend_affected) for f in live), default=0.0)

    def size(figure):
        spend = float(figure.initiative.spend_affected)
        # Area proportional to spend, between 14 and 54 pixels across.
        return 14 + 40 * math.sqrt(spend / largest) if largest > 0 else 22

    figure = go.Figure()
    for conflicted, name, colour, symbol in (
        (False, "No conflict", "#2a9d8f", "circle"),
        (True, "Conflict: a unit loses on a driver it values", "#c0392b", "diamond"),
    ):
        group = [f for f in live if bool(f.conflicts) == conflicted]
        if not group:
            continue
        figure.add_trace(
            go.Scatter(
                x=[float(f.benefit) for f in group],
                y=[f.alignment for f in group],
                mode="markers+text",
                name=name,
                text=[str(f.rank) for f in group],
                textposition="middle center",
                textfont={"color": "white", "size": 11},
                marker={
                    "size": [size(f) for f in group],
                    "color": colour,
                    "symbol": symbol,
                    "opacity": 0.85,
                    "line": {"width": 1, "color": "white"},
                },
                customdata=[
                    [
                        f.initiative.title,
                        f"{f.score:.2f}",
                        "; ".join(f"{c.unit} loses on {c.driver}" for c in f.conflicts) or "none",
                    ]
                    for f in group
                ],
                hovertemplate="<b>%{customdata[0]}</b><br>"
                + currency
                + " %{x:,.0f} benefit<br>alignment %{y:+.2f}<br>score %{customdata[1]}"
                + "<br>conflicts: %{customdata[2]}<extra></extra>",
            )
        )
    figure.add_hline(y=0, line={"color": "#999", "dash": "dot"})
    figure.update_xaxes(
        title_text=f"Financial benefit ({currency}: hard savings + avoidance + revenue)",
        tickformat="~s",
        # Room for the largest bubble on the right.
        range=[0, 1.15 * max((float(f.benefit) for f in live), default=1.0) or 1.0],
    )
    figure.update_yaxes(title_text="Value alignment (−1..+1)", range=[-1.05, 1.05])
    figure.update_layout(legend={"orientation": "h", "y": -0.25})
    return figure


KIND_COLOURS = {"hard_savings": "#1f5f8b", "cost_avoidance": "#2a9d8f", "revenue": "#e9c46a"}
PART_OPACITY = {"target": 0.35, "pipeline": 0.7, "realised": 1.0}


def savings_by_year(rows, currency: str) -> go.Figure:
    """For each fiscal year three bars side by side: target, risk-adjusted pipeline and
    realised, each stacked by hard savings, cost avoidance and revenue."""
    years = [str(row.year) for row in rows]
    figure = go.Figure()
    for part, part_label in PARTS:
        base = [0.0] * len(rows)
        for kind in KINDS:
            values = [float(getattr(row, part)[kind]) for row in rows]
            figure.add_trace(
                go.Bar(
                    x=years,
                    y=values,
                    base=base,
                    offsetgroup=part,
                    name=f"{part_label}: {KIND_LABELS[kind].lower()}",
                    legendgroup=part,
                    marker={"color": KIND_COLOURS[kind], "opacity": PART_OPACITY[part]},
                    hovertemplate=f"{part_label}<br>{KIND_LABELS[kind]}<br>"
                    + currency
                    + " %{y:,.0f}<extra>%{x}</extra>",
                )
            )
            base = [b + v for b, v in zip(base, values, strict=True)]
    figure.update_layout(barmode="group", legend={"orientation": "h", "y": -0.2})
    figure.update_xaxes(title_text="Fiscal year", type="category")
    figure.update_yaxes(title_text=currency, tickformat="~s")
    return figure


def plan_tradeoff_text(figures, currency: str) -> tuple[str, ChartTable]:
    """The trade-off chart's summary (the best-ranked initiative, how many conflict) and its
    table, by rank as the list beside it reads. A conflict is counted, not described: the page
    says which unit loses on what to those who may read it."""
    live = sorted((f for f in figures if f.rank), key=lambda f: f.rank)
    conflicted = sum(1 for f in live if f.conflicts)
    best = live[0] if live else None
    summary = chart_summaries.join(
        (
            f"Ranked first: {best.initiative.title}, benefit {compact(best.benefit, currency)}, "
            f"alignment {best.alignment:+.2f}."
        )
        if best
        else "",
        f"{conflicted:,} of {len(live):,} initiatives conflict with what a unit values."
        if live
        else "",
    )
    table = ChartTable(
        f"Initiatives by rank: financial benefit ({currency}), value alignment (−1 to +1), "
        "score and conflicts",
        ["Initiative", f"Benefit ({currency})", "Alignment", "Score", "Conflicts"],
        [
            ChartRow(
                f"{f.rank}. {f.initiative.title}",
                [_whole(f.benefit), f"{f.alignment:+.2f}", f"{f.score:.2f}", str(len(f.conflicts))],
            )
            for f in live
        ],
    )
    return summary, table


def savings_by_year_text(rows, currency: str) -> tuple[str, ChartTable]:
    """The savings chart's summary (each part's total over the years shown) and its table: a
    row per year and part, a column per kind of money and the total, as the bars stack them."""
    totals = [
        (label, sum(float(getattr(row, part)[kind]) for row in rows for kind in KINDS))
        for part, label in PARTS
    ]
    span = f"{rows[0].year}–{rows[-1].year}" if len(rows) > 1 else str(rows[0].year) if rows else ""
    summary = (
        f"Over {span}: "
        + "; ".join(f"{label.lower()} {compact(total, currency)}" for label, total in totals)
        + "."
        if rows
        else "No savings yet."
    )
    table = ChartTable(
        f"Savings by fiscal year: target, risk-adjusted pipeline and realised ({currency})",
        ["Year and part", *(KIND_LABELS[kind] for kind in KINDS), "Total"],
        [
            ChartRow(
                f"{row.year} {label.lower()}",
                [
                    *(_whole(getattr(row, part)[kind]) for kind in KINDS),
                    _whole(sum(getattr(row, part)[kind] for kind in KINDS)),
                ],
            )
            for row in rows
            for part, label in PARTS
        ],
    )
    return summary, table
