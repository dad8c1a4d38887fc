"""One function per chart: it takes the aggregate a view already has and returns a figure."""

import math

import plotly.graph_objects as go

from categories.tree import roll_up
from spend import chart_labels
from workbench import chart_summaries
from workbench.charts import PALETTE, ChartRow, ChartTable
from workbench.money import compact


def whole(amount) -> str:
    """An amount in a chart's table: whole units with separators, the currency in the header."""
    return "–" if amount is None else f"{float(amount):,.0f}"


def _money(currency: str):
    return lambda amount: compact(amount, currency)


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
    """Spend per month; a row whose spend is None (no spend imported for that month) breaks
    the line instead of a straight segment across it (see spend/monthly.py)."""
    figure = go.Figure(
        go.Scatter(
            x=[row["month"] for row in rows],
            y=[None if row["spend"] is None else float(row["spend"]) for row in rows],
            mode="lines+markers",
            connectgaps=False,
            line={"color": "#2a9d8f", "width": 3},
            hovertemplate="%{x|%b %Y}<br>" + currency + " %{y:,.0f}<extra></extra>",
        )
    )
    figure.update_yaxes(title_text=f"Spend ({currency})", tickformat=",.2s", rangemode="tozero")
    figure.update_xaxes(tickformat="%b %Y")
    return figure


def monthly_spend_text(
    rows: list[dict], currency: str, links: list[str | None] | None = None
) -> tuple[str, ChartTable]:
    """The monthly line's summary and table; `links` (one per row) where a click on a month
    goes, so the table's months go there too."""
    points = [(f"{row['month']:%b %Y}", row["spend"]) for row in rows]
    summary = chart_summaries.change(points, formatter=_money(currency))
    links = links or [None] * len(rows)
    table = ChartTable(
        f"Spend per month ({currency}); a dash where no spend was imported for the month",
        ["Month", f"Spend ({currency})"],
        [
            ChartRow(label, [whole(amount)], link)
            for (label, amount), link in zip(points, links, strict=True)
        ],
    )
    return summary, table


def spend_by_category_text(rows: list[dict], currency: str) -> tuple[str, ChartTable]:
    """The category bars' summary and table, largest first as the bars read."""
    summary = chart_summaries.largest(
        [(row["name"], row["spend"]) for row in rows], formatter=_money(currency)
    )
    table = ChartTable(
        f"Spend by category ({currency})",
        ["Category", f"Spend ({currency})"],
        [ChartRow(row["name"], [whole(row["spend"])], row.get("url")) for row in rows],
    )
    return summary, table


def supplier_pareto(
    names: list[str],
    amounts: list,
    cumulative: list[float],
    drill_urls: list[str],
    pareto_count: int,
    currency: str,
) -> go.Figure:
    """Suppliers' spend as bars, largest first, with the cumulative share as a line against a
    second axis and the 80% mark; clicking a bar opens that supplier's lines."""
    figure = go.Figure()
    figure.add_bar(
        x=names,
        y=[float(amount) for amount in amounts],
        marker_color="#1f5f8b",
        customdata=drill_urls,
        name="Spend",
        hovertemplate="%{x}<br>" + currency + " %{y:,.0f}<extra></extra>",
    )
    figure.add_scatter(
        x=names,
        y=[share * 100 for share in cumulative],
        yaxis="y2",
        mode="lines+markers",
        line={"color": "#e76f51", "width": 2},
        marker={"size": 4},
        customdata=drill_urls,
        text=[f"Largest {rank}" for rank in range(1, len(names) + 1)],
        name="Cumulative share",
        hovertemplate="%{text}: %{y:.1f}% of spend<extra></extra>",
    )
    figure.add_hline(y=80, yref="y2", line={"dash": "dot", "color": "#5f6b7a"})
    if 0 < pareto_count <= len(names):
        figure.add_vline(x=pareto_count - 1, line={"dash": "dot", "color": "#5f6b7a"})
    figure.update_layout(
        yaxis={"title": {"text": f"Spend ({currency})"}, "tickformat": ",.2s"},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 105],
            "dtick": 20,
            "ticksuffix": "%",
            "showgrid": False,
        },
        xaxis={"showticklabels": False, "title": {"text": "Suppliers, largest first"}},
        showlegend=False,
        bargap=0.15,
    )
    return figure


def supplier_pareto_text(
    names: list[str],
    amounts: list,
    cumulative: list[float],
    drill_urls: list[str],
    pareto_count: int,
    supplier_count: int,
    currency: str,
) -> tuple[str, ChartTable]:
    """The Pareto's summary and table: the bars it draws, each with its cumulative share and
    a link to its lines, as a click on the bar opens them."""
    summary = chart_summaries.join(
        (
            f"{pareto_count:,} of {supplier_count:,} suppliers with positive net spend make 80% "
            "of it."
        )
        if supplier_count
        else "",
        chart_summaries.largest(list(zip(names, amounts, strict=True)), formatter=_money(currency))
        if names
        else "",
    )
    table = ChartTable(
        f"The {len(names):,} largest suppliers by spend ({currency}), largest first",
        ["Supplier", f"Spend ({currency})", "Cumulative share"],
        [
            ChartRow(name, [whole(amount), chart_summaries.percent(share, 1)], url)
            for name, amount, share, url in zip(names, amounts, cumulative, drill_urls, strict=True)
        ],
    )
    return summary, table


def category_treemap(tree: list[dict], booked: dict, currency: str) -> go.Figure:
    """The category tree as nested tiles sized by spend. `tree` holds every category (id, code,
    name, parent_id, path); `booked` the spend booked on each category id, None for lines not
    yet classified, which get a tile of their own."""
    path_of = {node["id"]: node["path"] for node in tree}
    totals = roll_up(
        {key: amount for key, amount in booked.items() if key in path_of},
        {node["id"]: node["parent_id"] for node in tree},
    )
    nodes = [node for node in tree if totals[node["id"]] > 0]
    ids = [node["path"] for node in nodes]
    parents = [path_of[node["parent_id"]] if node["parent_id"] else "" for node in nodes]
    labels = [node["name"] for node in nodes]
    own = [max(float(booked.get(node["id"], 0)), 0.0) for node in nodes]
    shown_totals = [totals[node["id"]] for node in nodes]
    # Each top-level category gets a colour of its own, and everything below it shares it.
    top_colour = {}
    for node in tree:
        if node["parent_id"] is None:
            top_colour[node["path"]] = PALETTE[len(top_colour) % len(PALETTE)]
    colours = [top_colour.get("/" + node["path"].split("/")[1] + "/") for node in nodes]
    unclassified = booked.get(None, 0)
    if unclassified > 0:
        ids.append("unclassified")
        parents.append("")
        labels.append("Unclassified")
        own.append(float(unclassified))
        shown_totals.append(unclassified)
        colours.append("#c8d1dc")
    return go.Figure(
        go.Treemap(
            ids=ids,
            parents=parents,
            labels=labels,
            values=own,
            branchvalues="remainder",
            customdata=[compact(total, currency) for total in shown_totals],
            texttemplate="%{label}<br>%{customdata}",
            hovertemplate="%{label}<br>%{customdata}<extra></extra>",
            maxdepth=2,
            marker={"colors": colours, "line": {"color": "#fff", "width": 1}},
            root={"color": "rgba(0,0,0,0)"},
            pathbar={"visible": True},
        )
    )


def category_treemap_text(tree: list[dict], booked: dict, currency: str) -> tuple[str, ChartTable]:
    """The tiles' summary and table: the top two levels of the tree, as the treemap first
    draws them, each with the spend of its whole subtree, and the unclassified tile."""
    totals = roll_up(
        {key: amount for key, amount in booked.items() if key in {n["id"] for n in tree}},
        {node["id"]: node["parent_id"] for node in tree},
    )
    name_of = {node["id"]: node["name"] for node in tree}
    shown = sorted(
        (node for node in tree if totals[node["id"]] > 0 and node.get("depth", 0) <= 1),
        key=lambda node: node["path"],
    )
    rows = [
        ChartRow(
            f"{name_of[node['parent_id']]} › {node['name']}" if node["parent_id"] else node["name"],
            [whole(totals[node["id"]])],
        )
        for node in shown
    ]
    top = [(node["name"], totals[node["id"]]) for node in shown if not node["parent_id"]]
    unclassified = booked.get(None, 0)
    if unclassified > 0:
        rows.append(ChartRow("Unclassified", [whole(unclassified)]))
        top.append(("Unclassified", unclassified))
    summary = chart_summaries.largest(top, formatter=_money(currency), lead="Largest top-level")
    table = ChartTable(
        f"Spend by category and the level below it ({currency}), each with everything under it",
        ["Category", f"Spend ({currency})"],
        rows,
    )
    return summary, table


QUADRANT_COLOURS = {
    "strategic": "#b56576",
    "leverage": "#1f5f8b",
    "bottleneck": "#e9a23b",
    "non_critical": "#8ab17d",
}


# The matrix is drawn 560 px high (spend/views/kraljic.py) across the page's card: 5 score
# units each way over a plotting area of about 470 px high and, on a laptop's 1,280 to 1,400 px
# screen, 1,000 to 1,100 px wide. The boxes are estimated for 900 px, so labels stay apart on a
# somewhat narrower window too.
KRALJIC_SCALE = chart_labels.Scale(
    x_per_px=5 / 900, y_per_px=5 / 470, area=chart_labels.Box(0.5, 5.5, 0.5, 5.5)
)


def kraljic_matrix(points: list[dict], quadrants: dict, currency: str) -> go.Figure:
    """Categories on supply risk (across) and profit impact (up), bubble area by spend, over
    the four quadrants with their names and approach. Each point: name, impact, risk, spend,
    quadrant key, url. Categories sharing a cell are spread on a small circle around it so
    none hides another."""
    by_cell = {}
    for point in points:
        by_cell.setdefault((point["risk"], point["impact"]), []).append(point)
    largest = max((float(point["spend"]) for point in points), default=0.0) or 1.0
    figure = go.Figure()
    high = 2.5  # scores of 3 and above are high: the boundary falls between 2 and 3
    titles = []  # the quadrant names' boxes, which no category's label may cover
    for key, (x0, x1, y0, y1) in {
        "strategic": (high, 5.5, high, 5.5),
        "leverage": (0.5, high, high, 5.5),
        "bottleneck": (high, 5.5, 0.5, high),
        "non_critical": (0.5, high, 0.5, high),
    }.items():
        figure.add_shape(
            type="rect",
            x0=x0,
            x1=x1,
            y0=y0,
            y1=y1,
            line={"width": 0},
            fillcolor=QUADRANT_COLOURS[key],
            opacity=0.08,
            layer="below",
        )
        # Names sit in the outer corners, away from the middle where most bubbles fall.
        title_x = x0 + 0.08 if x0 < high else x1 - 0.08
        title_y = y1 - 0.08 if y0 >= high else y0 + 0.08
        anchor = ("top" if y0 >= high else "bottom") + (" left" if x0 < high else " right")
        titles.append(
            chart_labels.text_box(
                title_x,
                title_y,
                [quadrants[key].name, quadrants[key].approach],
                KRALJIC_SCALE,
                anchor,
                font_px=13,
            )
        )
        figure.add_annotation(
            x=title_x,
            y=title_y,
            xanchor="left" if x0 < high else "right",
            yanchor="top" if y0 >= high else "bottom",
            text=f"<b>{quadrants[key].name}</b><br>{quadrants[key].approach}",
            showarrow=False,
            align="left" if x0 < high else "right",
            font={"color": QUADRANT_COLOURS[key], "size": 13},
        )
    where, sizes = {}, {}
    for point in points:
        cell = by_cell[(point["risk"], point["impact"])]
        index = cell.index(point)
        # The more bubbles share a cell, the wider their circle, up to the cell's edge.
        spread = 0.0 if len(cell) == 1 else min(0.42, 0.18 + 0.04 * len(cell))
        angle = 2 * math.pi * index / len(cell)
        where[id(point)] = (
            point["risk"] + spread * math.cos(angle),
            point["impact"] + spread * math.sin(angle),
        )
        sizes[id(point)] = 8 + 52 * math.sqrt(max(float(point["spend"]), 0.0) / largest)
    # Each label goes where it covers no other label, bubble or quadrant name; one that fits
    # nowhere is left off (its bubble still names it on hover, and the table lists it).
    positions = dict(
        zip(
            (id(point) for point in points),
            chart_labels.place_labels(
                [(*where[id(point)], sizes[id(point)] / 2, point["name"]) for point in points],
                titles,
                KRALJIC_SCALE,
            ),
            strict=True,
        )
    )
    for key, colour in QUADRANT_COLOURS.items():
        shown = [point for point in points if point["quadrant"] == key]
        if not shown:
            continue
        figure.add_scatter(
            x=[where[id(point)][0] for point in shown],
            y=[where[id(point)][1] for point in shown],
            mode="markers+text",
            name=quadrants[key].name,
            text=[point["name"] if positions[id(point)] else "" for point in shown],
            textposition=[positions[id(point)] or "top center" for point in shown],
            textfont={"size": 11},
            customdata=[
                [point["url"], compact(point["spend"], currency), point["impact"], point["risk"]]
                for point in shown
            ],
            marker={
                "size": [sizes[id(point)] for point in shown],
                "color": colour,
                "opacity": 0.75,
                "line": {"color": "#fff", "width": 1},
            },
            hovertemplate="<b>%{hovertext}</b><br>%{customdata[1]}<br>impact %{customdata[2]}, "
            "risk %{customdata[3]}<extra></extra>",
            hovertext=[point["name"] for point in shown],
        )
    figure.update_xaxes(
        title_text="Supply risk", range=[0.5, 5.5], dtick=1, showgrid=False, zeroline=False
    )
    figure.update_yaxes(
        title_text="Profit impact", range=[0.5, 5.5], dtick=1, showgrid=False, zeroline=False
    )
    figure.update_layout(showlegend=False)
    return figure


def kraljic_matrix_text(
    points: list[dict], quadrants: dict, currency: str
) -> tuple[str, ChartTable]:
    """The matrix's summary (how many categories in each quadrant, the largest by spend) and
    its table, each category linking where a click on its bubble goes."""
    summary = chart_summaries.join(
        chart_summaries.counts(
            [
                (quadrants[key].name.lower(), sum(1 for p in points if p["quadrant"] == key))
                for key in QUADRANT_COLOURS
            ],
            noun="category",
        ),
        chart_summaries.largest(
            [(point["name"], point["spend"]) for point in points],
            formatter=_money(currency),
            lead="Largest by spend",
        ),
    )
    ordered = sorted(points, key=lambda point: -float(point["spend"]))
    table = ChartTable(
        f"Categories by quadrant, profit impact and supply risk (1–5), spend ({currency})",
        ["Category", "Quadrant", "Profit impact", "Supply risk", f"Spend ({currency})"],
        [
            ChartRow(
                point["name"],
                [
                    quadrants[point["quadrant"]].name,
                    str(point["impact"]),
                    str(point["risk"]),
                    whole(point["spend"]),
                ],
                point.get("url"),
            )
            for point in ordered
        ],
    )
    return summary, table
