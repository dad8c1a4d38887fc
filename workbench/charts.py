"""Turning a plotly figure into the HTML fragment a page embeds. plotly.js itself is loaded once
by the base template from the app's own static files (no CDN).

The fragment holds the figure as inert JSON in a data attribute and static/js/charts.js draws
it, on page load and after every htmx swap: the Content-Security-Policy lets no inline script
run, which rules out the <script> that plotly's own `to_html` writes."""

from django.utils.html import format_html

PALETTE = ["#1f5f8b", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6d597a", "#8ab17d", "#b56576"]


def figure_html(figure, *, height: int = 360) -> str:
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
    return format_html(
        '<div class="plotly-graph-div" data-figure="{}" style="height: {}px; width: 100%"></div>',
        figure.to_json(),
        height,
    )
