"""Turning a plotly figure into the HTML fragment a page embeds. plotly.js itself is loaded once
by the base template from the app's own static files (no CDN).

The fragment holds the figure as inert JSON in a data attribute and static/js/charts.js draws
it, on page load and after every htmx swap: the Content-Security-Policy lets no inline script
run, which rules out the <script> that plotly's own `to_html` writes.

Every chart is a <figure> (WCAG 2.2 1.1.1, 1.3.1): a name, a sentence saying what it shows
(workbench/chart_summaries.py) and its figures as a real table in a "Data as a table"
disclosure. The table is open in the HTML and the drawing hidden, so without JavaScript the
table stands in for the chart; charts.js shows the drawing and closes the table. Where a click
on the chart opens something, the table's rows link to the same place, so a keyboard gets
there too."""

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils.html import format_html

from workbench import chart_summaries

# The teal is the brand colour (#1f7a6f): white labels on its treemap tiles reach 4.5:1.
PALETTE = ["#1f5f8b", "#1f7a6f", "#e9c46a", "#f4a261", "#e76f51", "#6d597a", "#8ab17d", "#b56576"]


@dataclass(frozen=True)
class ChartRow:
    """One row of a chart's table: its label (the row's header), the figures as they read on
    the page, and where a click on that part of the chart goes, if anywhere."""

    label: str
    cells: list[str]
    link: str | None = None


@dataclass(frozen=True)
class ChartTable:
    """The figures a chart draws, as a table: `columns` names the row label's column first,
    then one per cell. Build it from the very rows the chart is built from, so the table shows
    exactly what the chart shows (nothing a person may not see)."""

    caption: str
    columns: list[str]
    rows: list[ChartRow] = field(default_factory=list)


def segment_shares_text(rows: list, time_label: str) -> tuple[str, ChartTable]:
    """For both charts of time against spend (the dashboard's and the suppliers'): the
    segment whose share of time runs furthest above its share of spend, and the table."""
    gaps = [(row["name"], row["time_share"] - row["spend_share"]) for row in rows]
    widest = max(gaps, key=lambda item: item[1], default=None)
    summary = chart_summaries.join(
        chart_summaries.largest(
            [(row["name"], row["spend_share"]) for row in rows],
            formatter=chart_summaries.percent,
            shares=False,
            lead="Largest share of spend",
            count=2,
        ),
        (
            f"Time runs furthest above spend in {widest[0]}: "
            f"{widest[1] * 100:.0f} percentage points more of the time than of the spend."
        )
        if widest and widest[1] > 0
        else "",
    )
    table = ChartTable(
        "Share of spend and of time with suppliers, per segment",
        ["Segment", "Share of spend", time_label],
        [
            ChartRow(
                row["name"],
                [
                    chart_summaries.percent(row["spend_share"]),
                    chart_summaries.percent(row["time_share"]),
                ],
            )
            for row in rows
        ],
    )
    return summary, table


def _plot_html(figure, height: int, label: str = "", described_by: str = "") -> str:
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        colorway=PALETTE,
    )
    # format_html escapes the JSON for the attribute, so text in a figure (a supplier's name)
    # can never close the attribute or the element.
    if not label:
        return format_html(
            '<div class="plotly-graph-div" data-figure="{}" style="height: {}px; width: 100%">'
            "</div>",
            figure.to_json(),
            height,
        )
    # Hidden until charts.js draws it: without JavaScript it would be an empty box.
    return format_html(
        '<div class="plotly-graph-div" data-figure="{}" role="img" aria-label="{}"{} hidden '
        'style="height: {}px; width: 100%"></div>',
        figure.to_json(),
        label,
        format_html(' aria-describedby="{}"', described_by) if described_by else "",
        height,
    )


def figure_html(
    figure,
    *,
    height: int = 360,
    name: str = "",
    summary: str = "",
    table: ChartTable | None = None,
) -> str:
    """The chart as a named <figure> with its summary and data table; with no `name`, the bare
    drawing (kept for fragments that are not a chart of their own)."""
    if not name:
        return _plot_html(figure, height)
    # Stable ids from the content: the same chart renders the same HTML (cacheable), and two
    # charts on one page never share an id.
    key = hashlib.blake2s(
        f"{name}\n{summary}\n{table.caption if table else ''}".encode(), digest_size=5
    ).hexdigest()
    chart_id = f"chart-{key}"
    return render_to_string(
        "workbench/_chart_figure.html",
        {
            "chart_id": chart_id,
            "name": name,
            "summary": summary,
            "table": table,
            "plot": _plot_html(figure, height, name, f"{chart_id}-summary" if summary else ""),
        },
    )


# Values a chart's inputs may be made of: their repr is their whole content. A model instance's
# repr is only its name, so two different rows could look alike.
_PLAIN = (str, int, float, Decimal, datetime.date, type(None))
# Entries are unreachable once their inputs change; this only bounds how long an unread one
# stays.
CHART_SECONDS = 60 * 60


def _plain(value) -> bool:
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, (tuple, list)):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(_plain(key) and _plain(item) for key, item in value.items())
    return False


def cached_chart(name: str, inputs, build: Callable[[], str]) -> str:
    """The chart's HTML from `build()`, built once for the same `inputs`: every value the chart
    and its summary and table draw (numbers, text, dates, in tuples, lists and dicts). A chart
    is a pure function of them, so an entry is never stale (new data are new inputs) and never
    shows a reader anything but what they gave (the same inputs draw the same chart). Building
    the plotly figure and its JSON is most of what a chart costs a page."""
    if not _plain(inputs):
        raise TypeError(f"chart {name!r}: inputs must be plain values, not model objects")
    digest = hashlib.sha256(repr(inputs).encode()).hexdigest()
    key = f"chart:{name}:{digest}"
    charts = caches["charts"]
    html = charts.get(key)
    if html is None:
        html = build()
        charts.set(key, html, CHART_SECONDS)
    return html
